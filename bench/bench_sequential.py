"""Next-item prediction on MovieLens 100K: ``leave_last`` (k=1), full ranking over the catalogue.

Each user's last rating (by timestamp) is the test item, the one before it the validation item (early
stopping of the iterative models; the closed-form ones train on both); every item the user rated before
is masked. Prints NDCG@10 and HR@10 of pop, EASE, BPR, hybrid and sasrec with ratios to the best
non-sequential family, seconds per epoch and the peak memory of each run (each family runs in its own
process, so the peaks do not mix). Goal: sasrec beats every other family.

The CPU of the machine where these were measured is shared: timings are noisy.

    .venv/bin/python bench/bench_sequential.py [--families pop,ease,bpr,hybrid,sasrec] [--epochs E]
        [--set sasrec:augment=mask ...]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import time
from typing import Any

from _common import available_families, fmt, import_ml100k, ratio, require_ml100k, temp_database

FAMILIES = ("pop", "ease", "bpr", "hybrid", "sasrec")
SHOWN = ("ndcg@10", "hit_rate@10")


def _run_one(folder: str, family: str, settings: dict[str, Any], epochs: int | None, seed: int,
             out: Any) -> None:
    from pathlib import Path

    from workbench.evaluation.splits import SplitSpec
    from workbench.training.runner import family_class, train

    with temp_database() as (db, _):
        dataset_id = import_ml100k(db, Path(folder))
        valid = 0.1 if family_class(family).iterative else 0.0
        spec = SplitSpec("leave_last", k=1, valid_fraction=valid, seed=seed)
        start = time.perf_counter()
        result = train(db, dataset_id, family, settings, spec, epochs=epochs, device="cpu")
        seconds = time.perf_counter() - start
    per_epoch = [r.elapsed_s for r in result.reports]
    steps = [b - a for a, b in zip([0.0, *per_epoch[:-1]], per_epoch, strict=True)]
    out.put({"metrics": result.metrics, "epochs": len(result.reports), "seconds": seconds,
             "s_per_epoch": (sum(steps) / len(steps)) if steps else None,
             "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "notes": result.notes})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--epochs", type=int, default=None, help="cap on epochs (default: each model's own)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="FAMILY:KEY=VALUE",
                        help="a setting of one family, e.g. sasrec:augment=mask")
    args = parser.parse_args()
    folder = require_ml100k()
    settings: dict[str, dict[str, Any]] = {"mf": {"objective": "ranking"}}
    for item in args.settings:
        family, _, assignment = item.partition(":")
        key, _, value = assignment.partition("=")
        settings.setdefault(family, {})[key] = value
    with temp_database() as (db, _):  # fail early (bad folder) before starting child processes
        import_ml100k(db, folder)
    families = [f for f in args.families.split(",") if f in available_families()]
    print("ML-100K leave_last k=1 (validation: the next-to-last item), full ranking, CPU (shared: timings "
          "are noisy)")
    print(f"{'model':<8} " + " ".join(f"{m:>12}" for m in SHOWN)
          + f" {'epochs':>6} {'s/epoch':>8} {'train s':>8} {'peak MiB':>9}")
    results: dict[str, dict[str, Any]] = {}
    ctx = mp.get_context("spawn")
    for family in families:
        queue = ctx.Queue()
        proc = ctx.Process(target=_run_one, args=(str(folder), family, settings.get(family, {}), args.epochs,
                                                  args.seed, queue))
        proc.start()
        res = queue.get()
        proc.join()
        results[family] = res
        m = res["metrics"]
        spe = f"{res['s_per_epoch']:.2f}" if res["s_per_epoch"] is not None else "-"
        print(f"{family:<8} " + " ".join(f"{fmt(m.get(k)):>12}" for k in SHOWN)
              + f" {res['epochs']:>6} {spe:>8} {res['seconds']:>8.1f} {res['peak_mib']:>9.0f}", flush=True)
        for note in res["notes"]:
            print(f"  note: {note}")
    if "sasrec" in results:
        others = {f: r["metrics"].get("ndcg@10", 0.0) for f, r in results.items() if f != "sasrec"}
        seq = results["sasrec"]["metrics"].get("ndcg@10", 0.0)
        seq_hr = results["sasrec"]["metrics"].get("hit_rate@10", 0.0)
        if others:
            best = max(others, key=lambda f: others[f])
            best_hr = max(r["metrics"].get("hit_rate@10", 0.0) for f, r in results.items() if f != "sasrec")
            print(f"\nsasrec NDCG@10 {fmt(seq)} / best other ({best}) {fmt(others[best])}: "
                  f"{ratio(seq, others[best])}; HR@10 {fmt(seq_hr)} / best other {fmt(best_hr)}")
            print(f"goal sasrec beats every other family: "
                  f"{'met' if seq > others[best] and seq_hr > best_hr else 'NOT met'}")
    print(json.dumps({f: {k: r["metrics"].get(k) for k in SHOWN} for f, r in results.items()}))


if __name__ == "__main__":
    main()
