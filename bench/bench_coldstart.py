"""Cold items on MovieLens 100K: 20% of the items are held out entirely (``cold_items`` split).

Only held-out items are relevant at test time, and none of them has a training interaction, so a model
must score them from their content (titles and genres). Prints NDCG@10 etc. of content and hybrid
against popularity (which cannot rank an unseen item above a seen one).

    .venv/bin/python bench/bench_coldstart.py [--families pop,content,hybrid] [--epochs E]
"""

from __future__ import annotations

import argparse

from _common import Timer, available_families, fmt, import_ml100k, ratio, require_ml100k, temp_database

FAMILIES = ("pop", "content", "hybrid")
SHOWN = ("ndcg@10", "precision@10", "recall@10", "hit_rate@10", "coverage@10")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    folder = require_ml100k()
    from workbench.evaluation.splits import SplitSpec
    from workbench.training.runner import train

    families = [f for f in args.families.split(",") if f in available_families()]
    spec = SplitSpec("cold_items", test_fraction=0.2, seed=args.seed)
    results: dict[str, dict[str, float]] = {}
    with temp_database() as (db, _):
        dataset_id = import_ml100k(db, folder)
        print(f"ML-100K, cold_items split (20% of items held out, seed {args.seed})")
        print(f"{'model':<8} " + " ".join(f"{m:>13}" for m in SHOWN) + f" {'train s':>8}")
        for family in families:
            with Timer() as t:
                result = train(db, dataset_id, family, {}, spec, epochs=args.epochs)
            results[family] = result.metrics
            print(f"{family:<8} " + " ".join(f"{fmt(result.metrics.get(m)):>13}" for m in SHOWN)
                  + f" {t.seconds:>8.1f}", flush=True)
    pop = results.get("pop", {}).get("ndcg@10")
    print()
    for family in ("content", "hybrid"):
        if family in results:
            ndcg = results[family].get("ndcg@10")
            beats = ndcg is not None and pop is not None and ndcg > pop
            print(f"{family} NDCG@10 {fmt(ndcg)} vs pop {fmt(pop)}: ratio {ratio(ndcg, pop)} "
                  f"(goal beat popularity: {'met' if beats else 'NOT met'})")


if __name__ == "__main__":
    main()
