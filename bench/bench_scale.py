"""Every family on generated shops of real catalogue sizes: memory estimate vs measured peak, speed, NDCG.

Sizes (users about the same as items): small 10K items / 500K interactions, middle 50K / 2M, big 100K / 10M
(see ``scale_shop.py``). For each size and family, in a fresh process: the estimate against the measured
peak resident memory added by training (checkpoint per epoch as the runner writes it) and evaluation,
samples/s, seconds per epoch, validation seconds per epoch (and how many users it ranked), time to the best
epoch, NDCG@10 on each user's last purchase (leave-last split, the whole catalogue ranked), or the refusal
message. Each iterative family's samples/s at the largest size run is divided by its samples/s on
MovieLens 100K measured in the same run. ``--eval-scale`` evaluates a model on 200K users x 100K items
and reports the resident memory of that process.

Goals: samples/s ratio >= 0.5 for every iterative family; hybrid >= 30,000 samples/s at 100K items;
estimate within 1.5x of the measured peak; no traceback anywhere.

    .venv/bin/python bench/bench_scale.py [--sizes small,middle,big] [--families ...] [--epochs 3]
        [--budget 900] [--eval-scale] [--threads headless|gui]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from _common import REPO, ml100k_dir

FAMILIES = ("pop", "itemknn", "ease", "mf", "bpr", "neumf", "autorec", "content", "hybrid")


class PeakRss:
    """Samples this process's resident memory every 20 ms; ``peak`` is the largest seen."""

    def __init__(self) -> None:
        import psutil

        self._proc = psutil.Process()
        self.peak = self._proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


def _load(source: str):
    if source == "ml100k":
        import numpy as np
        import pandas as pd

        from workbench.core.ids import IdMap
        from workbench.core.interactions import Interactions

        folder = ml100k_dir()
        frame = pd.read_csv(folder / "u.data", sep="\t", header=None, names=["u", "i", "r", "t"])
        users, u_idx = np.unique(frame["u"].astype(str), return_inverse=True)
        items, i_idx = np.unique(frame["i"].astype(str), return_inverse=True)
        from _common import movielens_items

        info = movielens_items(folder).set_index("external_id").loc[items]
        from workbench.core.interactions import ItemContent

        content = ItemContent(IdMap.from_ids(items), list(info["title"]), [""] * len(items),
                              list(info["categories"]))
        data = Interactions(u_idx, i_idx, np.ones(len(frame), dtype=np.float32), IdMap.from_ids(users),
                            content.items, timestamps=frame["t"].to_numpy(), kind="implicit")
        return data, content
    from scale_shop import generate_shop

    n_users, n_items, n_inter = (int(x) for x in source.split("x"))
    return generate_shop(n_users, n_items, n_inter, seed=0)


EVAL_USERS = 5_000  # users whose last purchase is ranked for NDCG@10 (a seeded sample above this)


def worker(source: str, family: str, epochs: int) -> dict[str, object]:
    """Train and evaluate one family on one data source in this process; returns the measurements."""
    import numpy as np
    import psutil

    from workbench.evaluation.protocol import evaluate_split
    from workbench.evaluation.splits import SplitSpec, make_split
    from workbench.models.registry import create_model, family_class
    from workbench.store.artifacts import artifact_to_bytes
    from workbench.training.resources import estimate

    data, content = _load(source)
    gc.collect()
    rss0 = psutil.Process().memory_info().rss
    out: dict[str, object] = {"family": family, "users": data.n_users, "items": data.n_items,
                              "interactions": len(data)}
    cls = family_class(family)
    # the epoch cap applies to families trained in epochs (ALS counts iterations and is fast: its defaults)
    has_epochs = "epochs" in {f.name for f in dataclasses.fields(cls.Config)}
    settings = {"epochs": epochs} if cls.iterative and has_epochs else {}
    est = estimate(cls, settings, data.n_users, data.n_items, len(data), content)
    out["estimate_bytes"] = est.peak_bytes
    if not est.fits:
        out["refused"] = (f"needs about {est.peak_bytes / 2**30:.1f} GB, {est.free_bytes / 2**30:.1f} GB "
                          f"free; advice: {cls.size_advice(cls.Config())}")
        return out
    start = time.perf_counter()
    with PeakRss() as peak:
        try:
            valid = 0.1 if cls.iterative else 0.0
            parts = make_split(data, SplitSpec("leave_last", k=1, valid_fraction=valid, seed=0))
            model = create_model(family, settings)
            reports = []
            for report in model.fit(parts.train, content=content, valid=parts.valid):
                artifact_to_bytes(model.to_artifact())  # the checkpoint the runner writes every epoch
                reports.append(report)
            fit_s = time.perf_counter() - start
            test = parts.test
            present = np.unique(test.user_idx)
            if len(present) > EVAL_USERS:
                # NDCG on a seeded sample of users: full-catalogue scoring of every user through a pair
                # model (NeuMF's MLP) would take hours at 100K x 100K, and the metric needs no more
                import numpy as np

                chosen = np.random.default_rng(0).permutation(present)[:EVAL_USERS]
                test = test.subset(np.flatnonzero(np.isin(test.user_idx, chosen)))
            out["eval_users"] = min(len(present), EVAL_USERS)
            t0 = time.perf_counter()
            metrics = evaluate_split(model, dataclasses.replace(parts, test=test), 10, metrics={"ndcg"})
            out["eval_s"] = time.perf_counter() - t0
        except Exception as exc:  # a refusal (WorkbenchError) is a result; anything else is reported too
            from workbench.errors import WorkbenchError

            out["refused" if isinstance(exc, WorkbenchError) else "error"] = str(exc)
            if not isinstance(exc, WorkbenchError):
                out["traceback"] = traceback.format_exc()
            return out
    out["peak_bytes"] = peak.peak - rss0
    out["fit_s"] = fit_s
    out["ndcg@10"] = metrics.get("ndcg@10")
    speeds = [r.samples_per_s for r in reports if r.samples_per_s]
    out["samples_per_s"] = sorted(speeds)[len(speeds) // 2] if speeds and cls.iterative else None
    out["epochs"] = len(reports)
    if cls.iterative and speeds:
        per_epoch = [r.extra.get("valid_s", 0.0) for r in reports]
        out["valid_s"] = sum(per_epoch) / len(per_epoch)
        out["valid_users"] = reports[0].extra.get("valid_users")
        if hasattr(cls, "samples_per_epoch"):
            out["epoch_s"] = cls.samples_per_epoch(model.config, data.n_users, data.n_items,
                                                   len(parts.train)) / out["samples_per_s"]
        else:  # a library-trained family (ALS): its first report's time is one pass over the data
            out["epoch_s"] = reports[0].elapsed_s
        best = [r for r in reports if r.is_best] or reports[-1:]
        out["time_to_best_s"] = best[-1].elapsed_s
    return out


def eval_scale() -> dict[str, object]:
    """A cheap model on 200K users x 100K items, then the full leave-last evaluation; resident memory."""
    import psutil
    from scale_shop import generate_shop

    from workbench.evaluation.protocol import evaluate_split
    from workbench.evaluation.splits import SplitSpec, make_split
    from workbench.models.registry import create_model

    data, _ = generate_shop(200_000, 100_000, 3_000_000, seed=1)
    parts = make_split(data, SplitSpec("leave_last", k=1, valid_fraction=0.0, seed=0))
    model = create_model("bpr", {"epochs": 1, "dim": 32})
    model.fit_all(parts.train)
    with PeakRss() as peak:
        t0 = time.perf_counter()
        metrics = evaluate_split(model, parts, 10, metrics={"ndcg"})
        seconds = time.perf_counter() - t0
    return {"users": data.n_users, "items": data.n_items, "eval_s": seconds,
            "users_evaluated": metrics.get("n_users_evaluated"), "ndcg@10": metrics.get("ndcg@10"),
            "peak_rss_bytes": peak.peak, "rss_after_bytes": psutil.Process().memory_info().rss}


def _spawn(args: list[str], budget: float, threads: str = "headless") -> dict[str, object]:
    cmd = [sys.executable, str(Path(__file__)), *args]
    # the worker waits for torch's OpenMP workers as the product does: spinning briefly like a headless
    # command (no policy in its environment, see ``workbench.core.threads``) or asleep like the GUI
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if threads == "gui":
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=budget, cwd=REPO, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within the {budget:.0f} s budget"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return {"error": f"worker exited {done.returncode}: {done.stderr.strip().splitlines()[-1:]}"}


def _gb(n: object) -> str:
    return "-" if n is None else f"{float(n) / 2**30:.2f}"


def _f(n: object, fmt: str = "{:.1f}") -> str:
    return "-" if n is None else fmt.format(float(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,middle",
                        help="comma list of small, middle, big, wide (100K items, 1M purchases)")
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--epochs", type=int, default=3, help="epoch cap of the iterative families")
    parser.add_argument("--budget", type=float, default=900.0, help="seconds per family and size")
    parser.add_argument("--eval-scale", action="store_true", help="also evaluate on 200K users x 100K items")
    parser.add_argument("--threads", choices=("headless", "gui"), default="headless",
                        help="how torch's OpenMP workers wait, as in a headless command (a brief spin, the "
                             "default) or in the GUI (asleep: OMP_WAIT_POLICY=PASSIVE)")
    parser.add_argument("--worker", nargs=3, metavar=("SOURCE", "FAMILY", "EPOCHS"), help=argparse.SUPPRESS)
    parser.add_argument("--eval-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        from workbench.core.threads import let_workers_spin

        let_workers_spin()  # as `python -m workbench train` does; no-op under the GUI's PASSIVE
        source, family, epochs = args.worker
        print("RESULT " + json.dumps(worker(source, family, int(epochs))), flush=True)
        return
    if args.eval_worker:
        print("RESULT " + json.dumps(eval_scale()), flush=True)
        return
    from scale_shop import SIZES

    from workbench.models.registry import family_class

    families = [f for f in args.families.split(",") if f]
    iterative = [f for f in families if family_class(f).iterative]
    print(f"cores: {os.cpu_count()} (shared with other jobs: timings are noisy); "
          f"epochs capped at {args.epochs}; OpenMP workers wait as in "
          f"{'a headless command (brief spin)' if args.threads == 'headless' else 'the GUI (PASSIVE)'}")
    base: dict[str, float] = {}
    if ml100k_dir() is not None:
        for family in iterative:
            res = _spawn(["--worker", "ml100k", family, "1"], args.budget, args.threads)
            if res.get("samples_per_s"):
                base[family] = float(res["samples_per_s"])  # type: ignore[arg-type]
        print("ML-100K samples/s (1 epoch): " + ", ".join(f"{f} {v:,.0f}" for f, v in base.items()))
    else:
        print("ML-100K not found: no samples/s baseline")
    header = (f"{'size':<7} {'family':<8} {'est GB':>7} {'peak GB':>7} {'est/peak':>8} {'samples/s':>10} "
              f"{'s/epoch':>8} {'valid s':>7} {'v.users':>7} {'to best':>8} {'ndcg@10':>8} {'ratio':>6}")
    last_speed: dict[str, float] = {}
    rows = []
    for size in [s for s in args.sizes.split(",") if s]:
        n_users, n_items, n_inter = SIZES[size]
        print(f"\n{size}: {n_users:,} users x {n_items:,} items, {n_inter:,} purchases asked; NDCG@10 on "
              f"at most {EVAL_USERS:,} users' last purchase (a seeded sample above that)")
        print(header, flush=True)
        for family in families:
            source = f"{n_users}x{n_items}x{n_inter}"
            res = _spawn(["--worker", source, family, str(args.epochs)], args.budget, args.threads)
            rows.append((size, family, res))
            if "refused" in res or "error" in res:
                kind = "refused" if "refused" in res else "ERROR"
                print(f"{size:<7} {family:<8} {_gb(res.get('estimate_bytes')):>7} {kind}: "
                      f"{res.get('refused') or res.get('error')}", flush=True)
                if res.get("traceback"):
                    print(res["traceback"])
                continue
            speed = res.get("samples_per_s")
            if speed:
                last_speed[family] = float(speed)  # type: ignore[arg-type]
            est, peak = res.get("estimate_bytes"), res.get("peak_bytes")
            ratio_est = float(est) / max(float(peak), 1.0) if est and peak else None  # type: ignore[arg-type]
            speed_ratio = float(speed) / base[family] if speed and family in base else None  # type: ignore[arg-type]
            print(f"{size:<7} {family:<8} {_gb(est):>7} {_gb(peak):>7} {_f(ratio_est, '{:.2f}'):>8} "
                  f"{_f(speed, '{:,.0f}'):>10} {_f(res.get('epoch_s')):>8} {_f(res.get('valid_s')):>7} "
                  f"{_f(res.get('valid_users'), '{:.0f}'):>7} {_f(res.get('time_to_best_s')):>8} "
                  f"{_f(res.get('ndcg@10'), '{:.4f}'):>8} {_f(speed_ratio, '{:.2f}'):>6}", flush=True)
    if base and last_speed:
        print("\nsamples/s at the largest size run / on ML-100K (goal >= 0.5):")
        for family, speed in last_speed.items():
            if family in base:
                value = speed / base[family]
                print(f"  {family:<8} {value:.2f} {'met' if value >= 0.5 else 'NOT met'}")
    if "hybrid" in last_speed:
        value = last_speed["hybrid"]
        print(f"hybrid samples/s at the largest size run: {value:,.0f} (goal >= 30,000 at 100K items: "
              f"{'met' if value >= 30_000 else 'NOT met'})")
    checked = [(s, f, r) for s, f, r in rows if r.get("peak_bytes") and r.get("estimate_bytes")]
    within = [(s, f) for s, f, r in checked
              if 1 / 1.5 <= float(r["estimate_bytes"]) / float(r["peak_bytes"]) <= 1.5]  # type: ignore[arg-type]
    print(f"estimates within 1.5x of the measured peak: {len(within)} of {len(checked)}")
    errors = [(s, f) for s, f, r in rows if "error" in r]
    print(f"tracebacks / errors: {len(errors)} {errors if errors else ''}")
    if args.eval_scale:
        res = _spawn(["--eval-worker"], max(args.budget, 1800.0))
        if "error" in res:
            print(f"evaluate 200K x 100K: ERROR {res['error']}")
        else:
            peak = float(res["peak_rss_bytes"])  # type: ignore[arg-type]
            goal = "met" if peak < 4 * 2**30 else "NOT met"
            print(f"evaluate {res['users']:,} users x {res['items']:,} items: {float(res['eval_s']):.0f} s, "
                  f"peak resident {peak / 2**30:.2f} GB (goal < 4 GB: {goal})")


if __name__ == "__main__":
    tempfile.tempdir = tempfile.gettempdir()
    main()
