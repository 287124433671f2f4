"""GPU check: train biased MF and the hybrid on CUDA and on the CPU, check the metrics agree, print the
speed-up. Run it where a GPU is present (e.g. the lent device machine); elsewhere it says it was skipped.

    .venv/bin/python bench/gpu_check.py [--epochs 10]

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
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
