"""Exports at scale: top-10 for 100,000 users of a 5,000-item catalogue (synthetic, no download), CSV and
Parquet, and similar items, through the CLI in a child process (its peak memory is measured).

Baseline, measured in the same run: the Recommend page's ranking, one user per call (``recommend_for_user``
with the user's history already in memory), timed on a sample of users and scaled to all of them. Prints
the chunked export's speed-up over it and the export process's peak resident memory next to the bound of
one score block.

    .venv/bin/python bench/bench_export.py [--users 100000] [--items 5000] [--per-user 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from _common import REPO, Timer, temp_database


def _synthetic_file(path: Path, n_users: int, n_items: int, per_user: int, seed: int = 0) -> None:
    """Implicit interactions with a popularity skew, written as ``user<TAB>item<TAB>1<TAB>ts`` lines."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_items + 1) ** 0.8
    weights /= weights.sum()
    with path.open("w", encoding="utf-8") as fh:
        for start in range(0, n_users, 10_000):
            users = np.arange(start, min(n_users, start + 10_000))
            items = rng.choice(n_items, size=(len(users), per_user), p=weights)
            lines = [f"u{u}\ti{i}\t1\t{1_600_000_000 + k}\n" for u, row in zip(users, items, strict=True)
                     for k, i in enumerate(np.unique(row))]
            fh.writelines(lines)


# ``python -m workbench ARGS`` that reports its own peak resident memory on exit: VmHWM (Linux) belongs to
# the process image, whereas ru_maxrss also counts the parent's memory at fork time.
_WITH_PEAK = ("import atexit, resource, runpy, sys\n"
              "def peak():\n"
              "    try:\n"
              "        with open('/proc/self/status') as fh:\n"
              "            return int(next(l.split()[1] for l in fh if l.startswith('VmHWM')))\n"
              "    except (OSError, StopIteration):\n"
              "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
              "atexit.register(lambda: print('PEAK_RSS_KB', peak(), file=sys.stderr))\n"
              "sys.argv[0] = 'workbench'\n"
              "runpy.run_module('workbench', run_name='__main__')\n")


def _cli(db_path: Path, *args: str) -> tuple[float, int]:
    """Seconds and peak RSS (MiB) of ``python -m workbench --db DB ARGS`` in a child process."""
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    with Timer() as t:
        done = subprocess.run([sys.executable, "-c", _WITH_PEAK, "--db", str(db_path), *args], cwd=REPO,
                              env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    peak_kb = next(int(line.split()[1]) for line in done.stderr.splitlines()
                   if line.startswith("PEAK_RSS_KB"))
    return t.seconds, peak_kb // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--per-user", type=int, default=10)
    parser.add_argument("--sample", type=int, default=1_000, help="users timed one by one (baseline)")
    args = parser.parse_args()
    from workbench.data.csv_import import CsvSpec, parse_csv
    from workbench.data.writer import write_dataset
    from workbench.models.ranking import SCORE_BLOCK_BYTES, user_chunk
    from workbench.store.models import load_model
    from workbench.training.export import dataset_interactions, recommend_for_user
    from workbench.training.runner import train

    with temp_database() as (db, db_path), tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "interactions.tsv"
        with Timer() as t:
            _synthetic_file(source, args.users, args.items, args.per_user)
            spec = CsvSpec(user=0, item=1, timestamp=3, sep="\t", header=False)
            dataset_id = write_dataset(db, parse_csv(source, spec), "synthetic").dataset_id
        print(f"{args.users:,} users x {args.items:,} items imported in {t.seconds:.1f}s")
        with Timer() as t:
            result = train(db, dataset_id, "bpr", {"dim": "32"}, {"kind": "none"}, epochs=1, device="cpu")
        print(f"bpr trained (1 epoch, for its vectors) in {t.seconds:.1f}s")
        model, info = load_model(db, result.model_id)
        known = dataset_interactions(db, info.dataset_id, model)  # histories in memory: ranking only
        sample = list(model.users.ids[: args.sample])
        with Timer() as t:
            for row, user in enumerate(sample):
                recommend_for_user(model, user, 10, model.items.externals(known[row].indices))
        baseline = t.seconds / len(sample) * args.users
        print(f"baseline, one user per call: {t.seconds:.1f}s for {len(sample):,} users "
              f"-> {baseline:.0f}s for {args.users:,} (extrapolated)")
        block_mib = user_chunk(args.items) * args.items * 4 / 2**20
        print(f"score block: {user_chunk(args.items):,} users x {args.items:,} items = {block_mib:.0f} MiB "
              f"(budget {SCORE_BLOCK_BYTES / 2**20:.0f} MiB)")
        print(f"{'export':<28} {'seconds':>8} {'users/s':>9} {'speed-up':>9} {'peak RSS MiB':>13}")
        for label, what, name in (("recommendations top-10 CSV", "recommendations", "recs.csv"),
                                  ("recommendations top-10 Parquet", "recommendations", "recs.parquet"),
                                  ("similar items top-10 CSV", "similar-items", "similar.csv")):
            seconds, peak = _cli(db_path, "export", what, str(result.model_id), "--n", "10",
                                 "--out", str(Path(folder) / name))
            count = args.users if what == "recommendations" else args.items
            speed_up = f"{baseline / seconds:8.1f}x" if what == "recommendations" else "      -"
            print(f"{label:<28} {seconds:>8.1f} {count / seconds:>9,.0f} {speed_up:>9} {peak:>13,}",
                  flush=True)


if __name__ == "__main__":
    main()
