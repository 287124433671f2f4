"""Faithfulness of history explanations on MovieLens 100K, for every model family with a history.

Prints, per family: the contribution method, the mean score drop when the top-k attributed history items
are removed vs k random ones (fold-in re-scoring, no retraining; AutoRec before clipping to the rating
range), their ratio, the share of pairs where attributed > random and a one-sided Wilcoxon p-value.
Training epochs are capped so the whole run takes a few minutes on 2 CPU cores; the caps are printed.
The cold-user / cold-item comparison with popularity is bench/bench_coldstart.py. Skips cleanly when the
data is absent.

Sequence models (sasrec, ``--sequence``): the same deletion test on the time-ordered sequence the model
reads, for three rankings of its items: the attention weights (its explanation), gradient x input, and
random. A faithful explanation removes the items whose loss drops the re-scored top item the most.

Usage: python bench/bench_faithfulness.py [--pairs 200] [--k 3]
       [--families itemknn,ease,als,mf,bpr,neumf,autorec,content,hybrid] [--sequence sasrec|none]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _ml100k() -> Path | None:
    root = Path(__file__).resolve().parents[1]
    for candidate in (os.environ.get("WORKBENCH_ML100K"), root.parent / "shared" / "data" / "ml-100k"):
        if candidate and (Path(candidate) / "u.data").is_file():
            return Path(candidate)
    return None


def _load(path: Path):  # type: ignore[no-untyped-def]
    """ML-100K as a Dataset (ratings, genres as categories, title as text) without touching a database."""
    import numpy as np
    import pandas as pd

    from workbench.core.ids import IdMap
    from workbench.core.interactions import Dataset, Interactions, ItemContent

    data = pd.read_csv(path / "u.data", sep="\t", header=None, names=["u", "i", "r", "t"])
    genres = pd.read_csv(path / "u.genre", sep="|", header=None, names=["name", "id"]).dropna()
    items = pd.read_csv(path / "u.item", sep="|", header=None, encoding="latin-1")
    users = IdMap.from_ids(sorted(data.u.unique()))
    item_map = IdMap.from_ids(items[0].tolist())
    inter = Interactions(users.rows(data.u.astype(str).tolist()), item_map.rows(data.i.astype(str).tolist()),
                         data.r.to_numpy(np.float32), users, item_map, timestamps=data.t.to_numpy(),
                         kind="explicit", rating_min=1.0, rating_max=5.0)
    names = genres.sort_values("id").name.tolist()
    flags = items.iloc[:, 5:5 + len(names)].to_numpy()
    cats = [[names[g] for g in np.flatnonzero(row)] for row in flags]
    titles = items[1].fillna("").astype(str).tolist()
    content = ItemContent(item_map, titles, [""] * len(titles), cats)
    return Dataset("ml-100k", inter, content)


#: epoch caps (and the one size cap) that keep the bench to a few minutes on 2 CPU cores
SETTINGS = {
    "itemknn": {},
    "ease": {},
    "als": {},
    "mf": {"epochs": 20},
    "bpr": {"epochs": 20},
    "neumf": {"epochs": 5},
    "autorec": {"epochs": 30},
    "content": {"epochs": 10},
    "hybrid": {"epochs": 10},
    "sasrec": {"epochs": 10},
}
#: NeuMF folds a user in by gradient steps: each re-scoring is costly, so fewer pairs
PAIR_CAPS = {"neumf": 30}
FAMILIES = "itemknn,ease,als,mf,bpr,neumf,autorec,content,hybrid"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--families", default=FAMILIES)
    parser.add_argument("--sequence", default="sasrec", help="sequence family to test, or none")
    args = parser.parse_args()
    path = _ml100k()
    if path is None:
        print("SKIP: MovieLens 100K not found (set WORKBENCH_ML100K or place it in ../shared/data/ml-100k)")
        return 0
    from workbench.explain import faithfulness
    from workbench.models.registry import create_model

    data = _load(path)
    families = [f for f in args.families.split(",") if f]
    caps = ", ".join(f"{f} {s}" for f, s in SETTINGS.items() if s and f in families)
    print(f"faithfulness on ML-100K: {args.pairs} (user, top-1 recommendation) pairs, remove k={args.k}")
    print(f"caps: {caps}; pairs: " + ", ".join(f"{f} {n}" for f, n in PAIR_CAPS.items() if f in families))
    print(f"{'family':<9} {'method':<22} {'drop top-k':>10} {'drop rand':>10} {'ratio':>6} {'attr>rand':>9} "
          f"{'p':>9} {'pairs':>5} {'fit s':>6} {'faith s':>7}")
    total = time.perf_counter()
    for family in families:
        start = time.perf_counter()
        model = create_model(family, SETTINGS.get(family, {}))
        model.fit_all(data.interactions, content=data.content if model.uses_content else None)
        fit_s = time.perf_counter() - start
        pairs = min(args.pairs, PAIR_CAPS.get(family, args.pairs))
        r = faithfulness(model, data, n_pairs=pairs, k=args.k)
        p = r["p_value"]
        # each family words its method itself; its first clause says how exact it is
        method = ",".join(sorted({m.split(":")[0] for m in r["method"]}))
        print(f"{family:<9} {method:<22} {r['mean_drop_attributed']:>10.4f} "
              f"{r['mean_drop_random']:>10.4f} {r['ratio']:>6.2f} {r['fraction_attributed_greater']:>9.2f} "
              f"{(f'{p:.1e}' if p is not None else '-'):>9} {r['pairs']:>5} {fit_s:>6.1f} "
              f"{r['elapsed_s']:>7.1f}")
        sys.stdout.flush()
    if args.sequence != "none":
        sequence_faithfulness(data, args.sequence, args.pairs, args.k)
    print(f"(total {time.perf_counter() - total:.0f} s)")
    return 0


def sequence_faithfulness(data, family: str, n_pairs: int, k: int) -> None:  # type: ignore[no-untyped-def]
    """Deletion test of attention vs gradient x input vs random on each user's sequence."""
    import numpy as np
    from scipy.stats import wilcoxon

    from workbench.models.capabilities import ReadsSequence
    from workbench.models.registry import create_model

    start = time.perf_counter()
    model = create_model(family, SETTINGS.get(family, {}))
    model.fit_all(data.interactions, content=data.content)
    fit_s = time.perf_counter() - start
    assert isinstance(model, ReadsSequence)
    rng = np.random.default_rng(0)
    users = rng.permutation(len(model.users))
    drops: dict[str, list[float]] = {"attention": [], "gradient": [], "random": []}
    seen = model.seen.tocsr()
    for user in users:
        if len(drops["random"]) >= n_pairs:
            break
        rows = model.user_sequence(int(user))
        if len(rows) <= k + 1:
            continue
        scores = model.fold_in_user(rows)
        scores[seen[int(user)].indices] = -np.inf
        target = int(np.argmax(scores))
        full = float(scores[target])
        _, attention = model.attention(history_rows=rows)
        rankings = {"attention": np.argsort(-attention, kind="stable")[:k],
                    "gradient": np.argsort(-model.input_gradients(rows, target), kind="stable")[:k],
                    "random": rng.choice(len(rows), size=k, replace=False)}
        for name, drop in rankings.items():
            kept = np.delete(rows, drop)
            drops[name].append(full - float(model.fold_in_user(kept)[target]))
    print(f"\n{family}: deletion test on the time-ordered sequence ({len(drops['random'])} users, remove "
          f"k={k}; fit {fit_s:.0f} s)")
    rand = np.asarray(drops["random"])
    for name in ("attention", "gradient", "random"):
        values = np.asarray(drops[name])
        p = wilcoxon(values - rand, alternative="greater").pvalue if name != "random" else None
        ratio = values.mean() / rand.mean() if rand.mean() else float("nan")
        tail = f"  p {p:.1e}" if p is not None else ""
        print(f"  {name:<10} mean drop {values.mean():.4f}  / random {ratio:.2f}  "
              f"> random in {np.mean(values > rand):.2f} of users{tail}")
    sys.stdout.flush()


if __name__ == "__main__":
    raise SystemExit(main())
