"""Cold start on MovieLens 100K: new items and new users, each against popularity.

Cold items (``cold_items`` split, 20% of the items held out entirely, so every relevant test item has no
training interaction) under two protocols:
  (a) whole catalogue: cold items must compete with every warm item for the top 10 (what a shop shows);
  (b) cold items only (``candidate_items=cold_item_rows(split)``): the new items ranked among themselves,
      the usual "new item" protocol in papers.
Popularity is degenerate on both: a cold item has no count, so in (a) it never enters the top 10 and in (b)
all cold items tie and their order is the catalogue order (ML-100K numbers its older, better-known films
first, so this "tie order" is not chance level).

Cold users (``cold_users`` split, 20% of the users held out entirely): each cold user's history is
``--given`` of their interactions (seeded), folded in without retraining; the rest are to be found, over the
whole catalogue minus the given items (``workbench.explain.coldstart.cold_users_ndcg``).

Text encoders (``--encoders cnn,gru,pretrained``): content and hybrid with each encoder on the cold items
ranked among themselves (protocol (b)), with seconds per epoch and the process's peak memory so far (one
process runs them all: a later row's peak includes the earlier ones). ML-100K items have titles and
genres only. The pretrained sentence vectors are embedded once and shared by both families. Goal: the
pretrained encoder's NDCG@10 >= 1.2x the CNN's.

Sparse regime (``--sparse``): a user_ratio 80/20 split whose training part keeps at most 5 interactions per
user (drawn at random; the test part unchanged): EASE, the hybrid, and sasrec without and with sequence
augmentation. Goal: the hybrid beats EASE.

Iterative models are capped at ``--epochs`` (default 20; early stopping on a 10% validation part usually
stops sooner); MF uses its ranking objective (BPR), as in bench_ranking.py. About 3-4 minutes on 2 cores
without the encoder and sparse sections.

    .venv/bin/python bench/bench_coldstart.py [--item-families pop,content,hybrid]
        [--user-families pop,ease,mf,content,hybrid] [--encoders cnn,gru,pretrained] [--sparse]
        [--epochs E] [--given N] [--seed S]
"""

from __future__ import annotations

import argparse
from dataclasses import fields
from typing import Any

import numpy as np
from _common import Timer, available_families, fmt, import_ml100k, load, ratio, require_ml100k, temp_database

ITEM_FAMILIES = ("pop", "content", "hybrid")
USER_FAMILIES = ("pop", "ease", "mf", "content", "hybrid")
SHOWN = ("ndcg@10", "recall@10", "hit_rate@10", "coverage@10")


def _settings(family: str, epochs: int | None) -> dict[str, Any]:
    from workbench.models.registry import FAMILIES

    names = {f.name for f in fields(FAMILIES[family].Config)}
    out: dict[str, Any] = {"objective": "ranking"} if family == "mf" else {}
    if epochs is not None and "epochs" in names:
        out["epochs"] = epochs
    return out


def _fit(family: str, split: Any, dataset: Any, epochs: int | None) -> tuple[Any, float, int]:
    from workbench.models.registry import create_model

    model = create_model(family, _settings(family, epochs))
    valid = split.valid if len(split.valid) else None
    with Timer() as t:
        content = dataset.content if model.uses_content else None
        reports = model.fit_all(split.train, valid=valid, content=content)
    return model, t.seconds, len(reports)


def _cold_share(model: Any, history: Any, users: np.ndarray, cold: np.ndarray, k: int = 10) -> float:
    """Share of cold items among the top ``k`` (whole catalogue minus known items) of ``users``."""
    seen = history.to_csr(binary=True).tocsr()
    is_cold = np.zeros(seen.shape[1], dtype=bool)
    is_cold[cold] = True
    shares = []
    for start in range(0, len(users), 512):
        batch = users[start:start + 512]
        scores = np.asarray(model.score(batch), dtype=np.float32)
        rows = seen[batch]
        scores[np.repeat(np.arange(len(batch)), np.diff(rows.indptr)), rows.indices] = -np.inf
        top = np.argpartition(-scores, k, axis=1)[:, :k]
        shares.append(is_cold[top].mean(axis=1))
    return float(np.concatenate(shares).mean())


class _RandomScores:
    """Chance level: seeded uniform scores (a reference for the tie order popularity falls back on)."""

    predicts_ratings = False

    def __init__(self, n_items: int, seed: int) -> None:
        self.n_items, self.rng = n_items, np.random.default_rng(seed)

    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        return self.rng.random((len(users), self.n_items))


def _verdict(value: float | None, base: float | None) -> str:
    return "met" if value is not None and base is not None and value > base else "NOT met"


def cold_items(dataset: Any, families: list[str], epochs: int | None, seed: int) -> None:
    from workbench.evaluation.protocol import cold_item_rows, evaluate_split
    from workbench.evaluation.splits import SplitSpec, make_split
    from workbench.models.registry import FAMILIES

    data = dataset.interactions
    whole: dict[str, dict[str, float]] = {}
    only: dict[str, dict[str, float]] = {}
    share: dict[str, float] = {}
    head = f"{'model':<8} " + " ".join(f"{m:>12}" for m in SHOWN)
    rows_a: list[str] = []
    rows_b: list[str] = []
    cold = np.array([], dtype=np.int64)
    for family in families:
        valid = 0.1 if FAMILIES[family].iterative else 0.0
        split = make_split(data, SplitSpec("cold_items", test_fraction=0.2, valid_fraction=valid, seed=seed))
        cold = cold_item_rows(split)
        model, seconds, n_epochs = _fit(family, split, dataset, epochs)
        whole[family] = evaluate_split(model, split, 10, dataset.content)
        only[family] = evaluate_split(model, split, 10, dataset.content, candidate_items=cold)
        history = split.train.concat(split.valid) if len(split.valid) else split.train
        share[family] = _cold_share(model, history, np.unique(split.test.user_idx), cold)
        rows_a.append(f"{family:<8} " + " ".join(f"{fmt(whole[family].get(m)):>12}" for m in SHOWN)
                      + f" {share[family]:>12.3f} {n_epochs:>6} {seconds:>7.1f}")
        rows_b.append(f"{family:<8} " + " ".join(f"{fmt(only[family].get(m)):>12}" for m in SHOWN))
    chance = None
    if families:
        split = make_split(data, SplitSpec("cold_items", test_fraction=0.2, valid_fraction=0.0, seed=seed))
        chance = evaluate_split(_RandomScores(data.n_items, seed), split, 10, candidate_items=cold,
                                metrics={"ndcg", "recall", "hit_rate", "coverage"})
        rows_b.append(f"{'(random)':<8} " + " ".join(f"{fmt(chance.get(m)):>12}" for m in SHOWN))
    n_users = int(whole[families[0]].get("n_users_evaluated", 0)) if families else 0
    print(f"== cold items: ML-100K cold_items split, {len(cold)} of {data.n_items} items held out "
          f"(seed {seed}); {n_users} test users; every relevant test item is cold")
    print(f"(a) whole catalogue: cold items compete with the {data.n_items - len(cold)} warm items")
    print(head + f" {'cold in top10':>12} {'epochs':>6} {'train s':>7}")
    print("\n".join(rows_a))
    print(f"(b) cold items only: ranked among the {len(cold)} cold items (candidate_items)")
    print(head)
    print("\n".join(rows_b))
    print("pop is degenerate here: cold items have no interactions, so in (a) none reaches its top 10 and in "
          "(b) they all tie and keep the catalogue order\n(ML-100K numbers its better-known films first, so "
          f"this beats the random order, NDCG@10 {fmt(chance.get('ndcg@10') if chance else None)})")
    for label, table in (("(a) whole catalogue", whole), ("(b) cold items only", only)):
        pop = table.get("pop", {}).get("ndcg@10")
        for family in ("content", "hybrid"):
            if family in table:
                ndcg = table[family].get("ndcg@10")
                print(f"{label}: {family} NDCG@10 {fmt(ndcg)} vs pop {fmt(pop)}: ratio {ratio(ndcg, pop)} "
                      f"(goal beat popularity: {_verdict(ndcg, pop)})")


def cold_users(dataset: Any, families: list[str], epochs: int | None, seed: int, given: int) -> None:
    from workbench.evaluation.splits import SplitSpec, make_split
    from workbench.explain.coldstart import cold_users_ndcg
    from workbench.models.registry import FAMILIES

    data = dataset.interactions
    results: dict[str, dict[str, float]] = {}
    n_cold = 0
    lines = []
    for family in families:
        valid = 0.1 if FAMILIES[family].iterative else 0.0
        split = make_split(data, SplitSpec("cold_users", test_fraction=0.2, valid_fraction=valid, seed=seed))
        n_cold = len(np.unique(split.test.user_idx))
        model, seconds, n_epochs = _fit(family, split, dataset, epochs)
        with Timer() as t:
            results[family] = cold_users_ndcg(model, split.test, n_given=given, k=10, seed=seed)
        lines.append(f"{family:<8} {fmt(results[family]['ndcg@10']):>10} {int(results[family]['users']):>6} "
                     f"{n_epochs:>6} {seconds:>7.1f} {t.seconds:>6.1f}")
    print(f"\n== cold users: ML-100K cold_users split, {n_cold} of {data.n_users} users held out "
          f"(seed {seed}); "
          f"{given} of each cold user's items folded in, the rest to find (whole catalogue)")
    print(f"{'model':<8} {'ndcg@10':>10} {'users':>6} {'epochs':>6} {'train s':>7} {'eval s':>6}")
    print("\n".join(lines))
    pop = results.get("pop", {}).get("ndcg@10")
    for family, row in results.items():
        if family != "pop":
            ndcg = row.get("ndcg@10")
            print(f"cold users: {family} NDCG@10 {fmt(ndcg)} vs pop {fmt(pop)}: ratio {ratio(ndcg, pop)} "
                  f"(beats popularity: {'yes' if _verdict(ndcg, pop) == 'met' else 'no'})")


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _seconds_per_epoch(reports: list[Any]) -> float:
    times = [r.elapsed_s for r in reports]
    return (times[-1] / len(times)) if times else float("nan")


def text_encoders(dataset: Any, encoders: list[str], epochs: int | None, seed: int) -> None:
    from workbench.evaluation.protocol import cold_item_rows, evaluate_split
    from workbench.evaluation.splits import SplitSpec, make_split
    from workbench.models.registry import create_model
    from workbench.models.sentence import embed_texts, encoder_id, item_text, pretrained_available

    if "pretrained" in encoders and not pretrained_available():
        print("\n(pretrained encoder skipped: the optional 'pretrained' extra is not installed)")
        encoders = [e for e in encoders if e != "pretrained"]
    split = make_split(dataset.interactions, SplitSpec("cold_items", test_fraction=0.2, valid_fraction=0.1,
                                                       seed=seed))
    cold = cold_item_rows(split)
    vectors = None
    if "pretrained" in encoders:
        c = dataset.content
        with Timer() as t_embed:
            ident = encoder_id()
            vectors = embed_texts([item_text(t, x, k) for t, x, k in zip(c.titles, c.texts, c.categories,
                                                                         strict=True)])
        print(f"\nembedded {len(vectors)} item texts with {ident.name} {ident.version} in "
              f"{t_embed.seconds:.1f}s (CPU)")
    print(f"\n== text encoders: cold items ranked among the {len(cold)} cold items (seed {seed})")
    print(f"{'model':<8} {'encoder':<10} {'ndcg@10':>8} {'recall@10':>9} {'epochs':>6} {'s/epoch':>8} "
          f"{'peak MiB':>9}")
    results: dict[tuple[str, str], float] = {}
    for family in ("content", "hybrid"):
        for encoder in encoders:
            settings = {**_settings(family, epochs), "text_encoder": encoder}
            model = create_model(family, settings)
            if encoder == "pretrained" and vectors is not None:
                model.use_text_vectors(ident.name, ident.version, vectors)
            reports = model.fit_all(split.train, valid=split.valid, content=dataset.content)
            metrics = evaluate_split(model, split, 10, dataset.content, candidate_items=cold)
            results[(family, encoder)] = metrics.get("ndcg@10", 0.0)
            print(f"{family:<8} {encoder:<10} {fmt(metrics.get('ndcg@10')):>8} "
                  f"{fmt(metrics.get('recall@10')):>9} {len(reports):>6} "
                  f"{_seconds_per_epoch(reports):>8.2f} {_peak_mib():>9.0f}", flush=True)
    for family in ("content", "hybrid"):
        base = results.get((family, "cnn"))
        for encoder in encoders:
            if encoder != "cnn" and (family, encoder) in results:
                value = results[(family, encoder)]
                goal = f" (goal >= 1.2x: {'met' if base and value >= 1.2 * base else 'NOT met'})" \
                    if encoder == "pretrained" else ""
                print(f"{family} {encoder} / cnn NDCG@10: {ratio(value, base)}{goal}")


def sparse_regime(dataset: Any, epochs: int | None, seed: int, keep: int = 5) -> None:
    import dataclasses

    from workbench.evaluation.protocol import evaluate_split
    from workbench.evaluation.splits import SplitSpec, make_split
    from workbench.models.registry import create_model

    split = make_split(dataset.interactions, SplitSpec("user_ratio", test_fraction=0.2, valid_fraction=0.0,
                                                       seed=seed))
    train = split.train
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(train))
    users = train.user_idx[order]
    sort = np.argsort(users, kind="stable")
    ranks = np.empty(len(train), dtype=np.int64)
    starts = np.searchsorted(users[sort], users[sort])
    ranks[sort] = np.arange(len(train)) - starts
    sparse = dataclasses.replace(split, train=train.subset(np.sort(order[ranks < keep])))
    print(f"\n== sparse regime: user_ratio 80/20 (seed {seed}); training keeps at most {keep} interactions "
          f"per user ({len(sparse.train)} of {len(train)} rows), test unchanged ({len(split.test)} rows)")
    print(f"{'model':<24} {'ndcg@10':>8} {'hr@10':>8} {'epochs':>6} {'s/epoch':>8} {'peak MiB':>9}")
    runs = [("ease", "ease", {}), ("hybrid", "hybrid", {}), ("sasrec", "sasrec", {}),
            ("sasrec augment=mask", "sasrec", {"augment": "mask"}),
            ("sasrec augment=crop", "sasrec", {"augment": "crop"}),
            ("sasrec augment=reorder", "sasrec", {"augment": "reorder"})]
    results: dict[str, float] = {}
    for label, family, extra in runs:
        model = create_model(family, {**_settings(family, epochs), **extra})
        reports = model.fit_all(sparse.train, content=dataset.content)
        metrics = evaluate_split(model, sparse, 10, dataset.content)
        results[label] = metrics.get("ndcg@10", 0.0)
        print(f"{label:<24} {fmt(metrics.get('ndcg@10')):>8} {fmt(metrics.get('hit_rate@10')):>8} "
              f"{len(reports):>6} {_seconds_per_epoch(reports):>8.2f} {_peak_mib():>9.0f}", flush=True)
    print(f"hybrid / EASE NDCG@10: {ratio(results['hybrid'], results['ease'])} (goal hybrid beats EASE: "
          f"{_verdict(results['hybrid'], results['ease'])})")
    for label in results:
        if "augment" in label:
            print(f"{label} / sasrec NDCG@10: {ratio(results[label], results['sasrec'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--item-families", default=",".join(ITEM_FAMILIES))
    parser.add_argument("--user-families", default=",".join(USER_FAMILIES))
    parser.add_argument("--epochs", type=int, default=20, help="cap on epochs of iterative models (0: none)")
    parser.add_argument("--given", type=int, default=5, help="items folded in per cold user")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--encoders", default="", help="text encoders to compare, e.g. cnn,gru,pretrained")
    parser.add_argument("--sparse", action="store_true", help="also run the sparse regime")
    args = parser.parse_args()
    folder = require_ml100k()
    known = available_families()
    item_families = [f for f in args.item_families.split(",") if f in known]
    user_families = [f for f in args.user_families.split(",") if f in known]
    epochs = args.epochs or None
    with temp_database() as (db, _):
        dataset = load(db, import_ml100k(db, folder))
    print(f"epochs capped at {epochs} for iterative models" if epochs else "no epoch cap")
    with Timer() as total:
        if item_families:
            cold_items(dataset, item_families, epochs, args.seed)
        if user_families:
            cold_users(dataset, user_families, epochs, args.seed, args.given)
        if args.encoders:
            text_encoders(dataset, [e for e in args.encoders.split(",") if e], epochs, args.seed)
        if args.sparse:
            sparse_regime(dataset, epochs, args.seed)
    print(f"(total {total.seconds:.0f} s)")


if __name__ == "__main__":
    main()
