"""Training and evaluation speed on MovieLens 100K (per-user 80/20 split, 10% of training for validation).

1. Biased MF (defaults): time to reach its best validation RMSE, and in total.
2. Samples/s of our vectorised loop (index tensors into tensors already on the device) against a naive
   per-sample ``torch.utils.data.DataLoader`` loop over the same module, loss, optimiser and batch size,
   measured in the same run. Goal: at least 20x.
3. Time of a full ranking evaluation of all users (whole catalogue minus training items, k=10).

    .venv/bin/python bench/bench_speed.py [--naive-batches N]
"""

from __future__ import annotations

import argparse
import time

from _common import Timer, import_ml100k, load, require_ml100k, temp_database


def naive_samples_per_s(train, cfg, max_batches: int, batch_size: int) -> tuple[float, int]:
    """The textbook loop: a map-style Dataset yielding one (user, item, rating) at a time, collated by a
    DataLoader into batches of ``batch_size``, then the same biased-MF loss and (lazy) Adam step as the
    real model (``batch_size=1``: the per-sample SGD loop of many tutorials)."""
    import torch
    import torch.nn.functional as F
    from torch.utils.data import DataLoader, Dataset

    from workbench.models.mf import _MFModule
    from workbench.models.torch_base import MixedAdam

    class Ratings(Dataset):
        def __len__(self) -> int:
            return len(train)

        def __getitem__(self, n: int):
            return int(train.user_idx[n]), int(train.item_idx[n]), float(train.values[n])

    torch.manual_seed(cfg.seed)
    module = _MFModule(train.n_users, train.n_items, cfg.dim, float(train.values.mean()))
    # the model's own optimiser (its embedding tables have sparse gradients, which plain Adam refuses)
    optimizer = MixedAdam(module, lr=cfg.learning_rate)
    loader = DataLoader(Ratings(), batch_size=batch_size, shuffle=True, num_workers=0)
    samples = 0
    start = time.perf_counter()
    for batch, (u, i, r) in enumerate(loader):
        if batch >= max_batches:
            break
        r = r.float()
        pu, qi = module.user(u), module.item(i)
        bu, bi = module.user_bias(u).squeeze(-1), module.item_bias(i).squeeze(-1)
        pred = module.mu + bu + bi + (pu * qi).sum(-1)
        loss = (F.mse_loss(pred, r) + cfg.l2 * ((pu ** 2).sum(-1) + (qi ** 2).sum(-1)).mean()
                + cfg.bias_l2 * (bu ** 2 + bi ** 2).mean())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        samples += len(u)
    return samples / (time.perf_counter() - start), samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-batches", type=int, default=100_000, help="cap on naive batches (one epoch)")
    parser.add_argument("--per-sample-steps", type=int, default=5_000,
                        help="optimiser steps timed for the one-sample-per-step loop")
    args = parser.parse_args()
    folder = require_ml100k()
    import torch

    from workbench.evaluation.protocol import evaluate_split
    from workbench.evaluation.splits import SplitSpec, make_split
    from workbench.training.runner import train

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device cpu")
    spec = SplitSpec("user_ratio", test_fraction=0.2, valid_fraction=0.1, seed=42)
    with temp_database() as (db, _):
        dataset_id = import_ml100k(db, folder)
        data = load(db, dataset_id)
        with Timer() as t_total:
            result = train(db, data, "mf", {}, spec, device="cpu")
        best = [r for r in result.reports if r.is_best][-1]
        fast = [r.samples_per_s for r in result.reports if r.samples_per_s]
        print(f"biased MF: best validation RMSE {best.valid_metric:.4f} at epoch {best.epoch} after "
              f"{best.elapsed_s:.1f}s; {len(result.reports)} epochs (early stop) in "
              f"{result.reports[-1].elapsed_s:.1f}s;"
              f" whole job incl. save + test evaluation {t_total.seconds:.1f}s; test RMSE "
              f"{result.metrics.get('rmse', float('nan')):.4f}")

        from workbench.store.models import load_model

        model, _ = load_model(db, result.model_id)
        parts = make_split(data.interactions, spec)
        vectorised = sum(fast) / len(fast)
        print(f"training throughput: vectorised {vectorised:,.0f} samples/s (mean of {len(fast)} epochs, "
              f"batch {model.config.batch_size})")
        naive, n_naive = naive_samples_per_s(parts.train, model.config, args.naive_batches,
                                             model.config.batch_size)
        print(f"  vs per-sample DataLoader, same batch size {model.config.batch_size}: "
              f"{naive:,.0f} samples/s ({n_naive:,} samples): {vectorised / naive:.1f}x")
        single, n_single = naive_samples_per_s(parts.train, model.config, args.per_sample_steps, 1)
        print(f"  vs per-sample DataLoader loop, one sample per step: {single:,.0f} samples/s "
              f"({n_single:,} samples): {vectorised / single:.1f}x (goal >= 20x)")

        for family, settings in (("mf", None), ("ease", {})):
            if settings is None:
                scored = model
            else:
                trained = train(db, data, family, settings,
                                SplitSpec("user_ratio", valid_fraction=0.0, seed=42))
                scored, _ = load_model(db, trained.model_id)
            with Timer() as t_eval:
                metrics = evaluate_split(scored, parts, 10, data.content)
            print(f"full ranking evaluation of all {int(metrics['n_users_evaluated'])} users x "
                  f"{data.interactions.n_items} items ({family}): {t_eval.seconds:.2f}s "
                  f"(ndcg@10 {metrics['ndcg@10']:.4f})")


if __name__ == "__main__":
    main()
