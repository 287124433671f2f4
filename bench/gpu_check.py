"""GPU check: train biased MF and the hybrid on CUDA and on the CPU, check the metrics agree, print the
speed-up. Run it where a GPU is present (e.g. the lent device machine); elsewhere it says it was skipped.

    .venv/bin/python bench/gpu_check.py [--epochs 10] [--scale]

``--scale`` also trains every iterative family for one epoch on the scale benchmark's middle shop (50K
users x 50K items, 2M purchases, ``bench_scale.py``) on the GPU and evaluates it on each user's last
purchase: samples/s, validation and evaluation seconds, NDCG@10, peak GPU memory, and no error.

Same data, split and seed on both devices: ML-100K, every rating an interaction for the hybrid (ranking,
NDCG@10) and ratings for MF (RMSE), per-user 80/20. GPU kernels are not bit-identical to the CPU's, so the
metrics must agree within a tolerance rather than exactly.
"""

from __future__ import annotations

import argparse
import time

from _common import import_ml100k, load, require_ml100k, temp_database

TOLERANCE = {"rmse": 0.01, "ndcg@10": 0.02}
CASES = (("mf", "rmse"), ("hybrid", "ndcg@10"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="epochs for every run (same on both devices)")
    parser.add_argument("--scale", action="store_true", help="also the scale bench's middle shop on the GPU")
    parser.add_argument("--devices", default="cpu,cuda",
                        help="the two devices compared (cpu,cpu checks the script itself without a GPU)")
    args = parser.parse_args()
    import torch

    first, second = args.devices.split(",")
    if "cuda" in (first, second) and not torch.cuda.is_available():
        print("skipped: no CUDA device here (torch.cuda.is_available() is False)")
        return 0
    folder = require_ml100k()
    from workbench.evaluation.splits import SplitSpec
    from workbench.training.runner import train

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    print(f"torch {torch.__version__}, GPU {gpu}, CPU threads {torch.get_num_threads()}")
    spec = SplitSpec("user_ratio", test_fraction=0.2, valid_fraction=0.1, seed=42)
    failures = 0
    with temp_database() as (db, _):
        data = load(db, import_ml100k(db, folder))
        for family, metric in CASES:
            results = {}
            for n, device in enumerate((first, second)):
                if device == "cuda":
                    torch.cuda.synchronize()
                start = time.perf_counter()
                result = train(db, data, family, {"patience": 0}, spec, epochs=args.epochs, device=device)
                if device == "cuda":
                    torch.cuda.synchronize()
                results[n] = (result.metrics[metric], time.perf_counter() - start)
            (a_value, a_s), (b_value, b_s) = results[0], results[1]
            agree = abs(a_value - b_value) <= TOLERANCE[metric]
            failures += not agree
            print(f"{family:7s} {metric}: {first} {a_value:.4f} in {a_s:.1f}s, {second} {b_value:.4f} in "
                  f"{b_s:.1f}s; speed-up {a_s / b_s:.2f}x; agree within {TOLERANCE[metric]}: "
                  f"{'yes' if agree else 'NO'}")
    if args.scale:
        failures += scale_check(second)
    return 1 if failures else 0


def scale_check(device: str) -> int:
    """One epoch of each iterative family on the middle shop on ``device``; returns the number of errors."""
    import torch
    from scale_shop import SIZES, generate_shop

    from workbench.evaluation.protocol import evaluate_split
    from workbench.evaluation.splits import SplitSpec, make_split
    from workbench.models.registry import create_model

    n_users, n_items, n_inter = SIZES["middle"]
    data, content = generate_shop(n_users, n_items, n_inter, seed=0)
    parts = make_split(data, SplitSpec("leave_last", k=1, valid_fraction=0.1, seed=0))
    print(f"middle shop: {data.n_users:,} users x {data.n_items:,} items, {len(data):,} purchases "
          f"on {device}")
    errors = 0
    for family in ("mf", "bpr", "neumf", "content", "hybrid"):
        if device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        try:
            model = create_model(family, {"epochs": 1})
            [report] = model.fit_all(parts.train, content=content, valid=parts.valid, device=device)
            start = time.perf_counter()
            ndcg = evaluate_split(model, parts, 10, metrics={"ndcg"}).get("ndcg@10", 0.0)
            eval_s = time.perf_counter() - start
        except Exception as exc:  # reported, counted, and the other families still run
            errors += 1
            print(f"  {family:8s} ERROR {type(exc).__name__}: {exc}")
            continue
        peak = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else 0.0
        print(f"  {family:8s} {report.samples_per_s or 0:>12,.0f} samples/s  validation "
              f"{report.extra.get('valid_s', 0.0):.1f}s ({report.extra.get('valid_users', 0):.0f} users)  "
              f"evaluation {eval_s:.1f}s  NDCG@10 {ndcg:.4f}  peak GPU memory {peak:.2f} GB")
    return errors


if __name__ == "__main__":
    raise SystemExit(main())
