"""Top-N ranking on MovieLens 100K: every rating is an interaction, per-user random 80/20 split.

Each family is trained with its default settings (iterative models carve 10% of training for early
stopping; closed-form ones use all of it; the test part is the same for all) and scored on the whole
catalogue minus each user's training items. Prints NDCG@10 and friends with ratios to popularity and to
EASE. Goals: best NDCG@10 >= 0.44, hybrid with genres >= 0.42.

    .venv/bin/python bench/bench_ranking.py [--families pop,itemknn,ease,...] [--epochs E]
"""

from __future__ import annotations

import argparse

from _common import Timer, available_families, fmt, import_ml100k, ratio, require_ml100k, temp_database

FAMILIES = ("pop", "itemknn", "ease", "als", "bpr", "neumf", "content", "hybrid")
SHOWN = ("ndcg@10", "precision@10", "recall@10", "map@10", "hit_rate@10", "coverage@10")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--epochs", type=int, default=None, help="cap on epochs (default: each model's own)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    folder = require_ml100k()
    from workbench.evaluation.splits import SplitSpec
    from workbench.training.runner import family_class, train

    families = [f for f in args.families.split(",") if f in available_families()]
    results: dict[str, dict[str, float]] = {}
    with temp_database() as (db, _):
        with Timer() as t_import:
            dataset_id = import_ml100k(db, folder)
        print(f"imported ML-100K in {t_import.seconds:.1f}s; split user_ratio 0.2 (seed {args.seed})")
        print(f"{'model':<8} " + " ".join(f"{m:>13}" for m in SHOWN) + f" {'epochs':>6} {'train s':>8}")
        for family in families:
            valid = 0.1 if family_class(family).iterative else 0.0
            spec = SplitSpec("user_ratio", test_fraction=0.2, valid_fraction=valid, seed=args.seed)
            settings = {"objective": "ranking"} if family == "mf" else {}
            with Timer() as t:
                result = train(db, dataset_id, family, settings, spec, epochs=args.epochs)
            results[family] = result.metrics
            print(f"{family:<8} " + " ".join(f"{fmt(result.metrics.get(m)):>13}" for m in SHOWN)
                  + f" {len(result.reports):>6} {t.seconds:>8.1f}", flush=True)
    pop = results.get("pop", {}).get("ndcg@10")
    ease = results.get("ease", {}).get("ndcg@10")
    print("\nNDCG@10 ratios:")
    for family, metrics in results.items():
        ndcg = metrics.get("ndcg@10")
        print(f"  {family:<8} {fmt(ndcg)}  / pop {ratio(ndcg, pop)}  / ease {ratio(ndcg, ease)}")
    if results:
        best = max(results, key=lambda f: results[f].get("ndcg@10", 0.0))
        value = results[best].get("ndcg@10", 0.0)
        print(f"goal best >= 0.44: {'met' if value >= 0.44 else 'NOT met'} ({best} {value:.4f})")
    if "hybrid" in results:
        value = results["hybrid"].get("ndcg@10", 0.0)
        print(f"goal hybrid >= 0.42: {'met' if value >= 0.42 else 'NOT met'} ({value:.4f})")


if __name__ == "__main__":
    main()
