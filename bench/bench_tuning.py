"""Default vs tuned settings on MovieLens 100K, within a fixed search budget.

Ranking: ``bench_ranking.py``'s split (every rating an interaction, per-user random 80/20, seed 42). Each
family is first trained with its defaults (as ``bench_ranking.py`` does); then one search over all the
families (``tune``: TPE, median pruning, the defaults as each study's first trial) shares ``--budget-min``
minutes; trials see the training part and a 10% validation part carved from it, never the test part. Each
family's chosen settings (the best trial's, or the defaults' when the best beats them on the validation
users only by noise) are trained once more and scored on the same test part. Prints default and tuned
NDCG@10, their ratio, the trials run and pruned. Goals: best tuned >= 0.46; every tuned family >= its
default.

Rating: the search runs on ``u1.base`` (a validation part carved from it, metric RMSE) for
``--rating-budget-min`` minutes per family; the defaults and the best settings are then trained on each
fold's ``uN.base`` and scored on ``uN.test``. Goal: tuned MF <= 0.905 (5-fold mean RMSE).

Budgets are wall-clock minutes on whatever CPU runs it: on a shared machine fewer trials fit, so say so
next to any figure.

    .venv/bin/python bench/bench_tuning.py [--budget-min 20]
        [--families bpr,neumf,content,hybrid,ease,itemknn] [--rating-budget-min 5]
        [--rating-families mf,autorec] [--folds 1,2,3,4,5] [--skip-rating] [--skip-ranking] [--device auto]
"""

from __future__ import annotations

import argparse

from _common import (
    Timer,
    available_families,
    cli_json,
    fmt,
    import_ml100k,
    import_ratings,
    ratio,
    require_ml100k,
    temp_database,
)

RANKING_FAMILIES = ("bpr", "neumf", "content", "hybrid", "ease", "itemknn")
RATING_FAMILIES = ("mf", "autorec")


def ranking(folder, families: list[str], budget_min: float, seed: int, device: str) -> None:  # type: ignore[no-untyped-def]
    from workbench.evaluation.splits import SplitSpec
    from workbench.models.registry import family_class
    from workbench.training.runner import train
    from workbench.tuning.study import SearchRequest, run_search

    with temp_database() as (db, _):
        dataset_id = import_ml100k(db, folder)
        print(f"ranking: ML-100K, split user_ratio 0.2 (seed {seed}); defaults first")
        defaults: dict[str, tuple[float | None, float]] = {}
        for family in families:
            valid = 0.1 if family_class(family).iterative else 0.0  # as bench_ranking.py trains them
            spec = SplitSpec("user_ratio", test_fraction=0.2, valid_fraction=valid, seed=seed)
            with Timer() as t:
                result = train(db, dataset_id, family, {}, spec, device=device)
            defaults[family] = (result.metrics.get("ndcg@10"), t.seconds)
            print(f"  default {family:<8} NDCG@10 {fmt(defaults[family][0])}  ({t.seconds:.1f}s)", flush=True)

        print(f"search: {', '.join(families)} sharing {budget_min:g} min (TPE, median pruner)", flush=True)
        spec = SplitSpec("user_ratio", test_fraction=0.2, valid_fraction=0.1, seed=seed)

        def on_trial(event) -> None:  # type: ignore[no-untyped-def]
            value = "-" if event.value is None else f"{event.value:.4f}"
            print(f"    {event.family:<8} trial {event.number:3d} {event.state.lower():<8} {value}  "
                  f"{event.duration_s:6.1f}s", flush=True)

        with Timer() as t_search:
            request = SearchRequest(dataset=dataset_id, families=tuple(families), n_trials=None,
                                    timeout_s=budget_min * 60.0, metric="ndcg@10", split=spec, seed=seed,
                                    device=device)
            outcome = run_search(db, request, on_trial=on_trial)
        print(f"search and final trainings took {t_search.seconds / 60:.1f} min")
        print(f"\n{'family':<8} {'default':>8} {'tuned':>8} {'tuned/default':>13} {'valid':>8} {'trials':>6} "
              f"{'pruned':>6} {'timeout':>7} {'trained':>7}  settings trained")
        met_all = True
        best: tuple[str, float] | None = None
        for r in outcome.families:
            default = defaults[r.family][0]
            tuned = r.test_value
            if tuned is not None and (best is None or tuned > best[1]):
                best = (r.family, tuned)
            if tuned is None or default is None or tuned < default:
                met_all = False
            settings = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                 for k, v in r.chosen_params.items())
            print(f"{r.family:<8} {fmt(default):>8} {fmt(tuned):>8} {ratio(tuned, default):>13} "
                  f"{fmt(r.chosen_value):>8} {r.n_complete + r.n_pruned + r.n_stopped:>6} {r.n_pruned:>6} "
                  f"{r.n_stopped:>7} {r.chosen_trial!s:>7}  {settings}")
            print(f"{'':<8} {r.note}")
        if best is not None:
            print(f"goal best tuned >= 0.46: {'met' if best[1] >= 0.46 else 'NOT met'} "
                  f"({best[0]} {best[1]:.4f})")
        print(f"goal every tuned family >= its default: {'met' if met_all else 'NOT met'}")


def rating(folder, families: list[str], budget_min: float, folds: list[int], device: str) -> None:  # type: ignore[no-untyped-def]
    from workbench.evaluation.splits import SplitSpec
    from workbench.training.runner import train
    from workbench.tuning.study import SearchRequest, run_search

    with temp_database() as (db, _):
        dataset_id = import_ratings(db, folder / "u1.base", "u1.base", folder)
        print(f"\nrating: search on u1.base (split none + 10% validation, RMSE), {budget_min:g} min per "
              "family", flush=True)
        outcome = run_search(db, SearchRequest(dataset=dataset_id, families=tuple(families), n_trials=None,
                                               timeout_s=budget_min * 60.0 * len(families), metric="rmse",
                                               split=SplitSpec("none", seed=1), device=device,
                                               train_final=False))
    tuned = {r.family: r for r in outcome.families}
    for family in families:
        r = tuned[family]
        print(f"  {family:<7} best validation RMSE {fmt(r.best_value)} after "
              f"{r.n_complete + r.n_pruned + r.n_stopped} trials ({r.n_pruned} pruned, {r.n_stopped} stopped "
              f"for time): {r.best_params}; trained: trial {r.chosen_trial} {r.chosen_params} ({r.note})")
    rows: dict[tuple[str, str], list[float]] = {}
    for fold in folds:
        with temp_database() as (db, db_path):
            dataset_id = import_ratings(db, folder / f"u{fold}.base", f"u{fold}.base", folder)
            for family in families:
                for label, settings in (("default", {}), ("tuned", dict(tuned[family].chosen_params))):
                    result = train(db, dataset_id, family, settings, SplitSpec("none", seed=fold),
                                   device=device)
                    scored = cli_json(db_path, "evaluate", str(result.model_id), "--test",
                                      str(folder / f"u{fold}.test"))
                    rows.setdefault((family, label), []).append(float(scored["rmse"]))
                    print(f"  u{fold} {family:<7} {label:<7} RMSE {scored['rmse']:.4f}", flush=True)
    print(f"\nmean RMSE over folds {','.join(f'u{f}' for f in folds)}:")
    for family in families:
        default = sum(rows[(family, "default")]) / len(folds)
        tuned_rmse = sum(rows[(family, "tuned")]) / len(folds)
        print(f"  {family:<7} default {default:.4f}  tuned {tuned_rmse:.4f}  "
              f"tuned/default {tuned_rmse / default:.3f}")
        if family == "mf":
            print(f"goal tuned MF <= 0.905: {'met' if tuned_rmse <= 0.905 else 'NOT met'} ({tuned_rmse:.4f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-min", type=float, default=20.0, help="ranking search budget, all families")
    parser.add_argument("--families", default=",".join(RANKING_FAMILIES))
    parser.add_argument("--rating-budget-min", type=float, default=5.0,
                        help="rating search budget per family")
    parser.add_argument("--rating-families", default=",".join(RATING_FAMILIES))
    parser.add_argument("--folds", default="1,2,3,4,5")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--skip-ranking", action="store_true")
    parser.add_argument("--skip-rating", action="store_true")
    args = parser.parse_args()
    folder = require_ml100k()
    known = set(available_families())
    with Timer() as total:
        if not args.skip_ranking:
            ranking(folder, [f for f in args.families.split(",") if f in known], args.budget_min, args.seed,
                    args.device)
        if not args.skip_rating:
            rating(folder, [f for f in args.rating_families.split(",") if f in known], args.rating_budget_min,
                   [int(x) for x in args.folds.split(",")], args.device)
    print(f"\ntotal {total.seconds / 60:.1f} min")


if __name__ == "__main__":
    main()
