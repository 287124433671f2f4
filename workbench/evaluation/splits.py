"""Seeded train / validation / test splits of an ``Interactions`` set.

Every split is vectorised (sorts and group offsets, no per-user Python loops) and deterministic: the same
``SplitSpec`` over the same interactions gives the same rows. The spec is JSON-safe so it can be stored
with the model and the split rebuilt later.

Kinds (``test_fraction`` = f):
- ``none``: everything is training data; the test part is empty (a validation part is still carved).
- ``random``: round(f * n) rows chosen uniformly.
- ``user_ratio``: per user, round(f * n_u) of the user's rows chosen uniformly, capped at n_u - 1 so a
  user always keeps one training row (a user with one row keeps it in training).
- ``temporal``: one global time cut: the latest round(f * n) rows by timestamp (stable, file order breaks
  ties) are the test part. Needs timestamps.
- ``leave_last``: per user, the last ``k`` rows by timestamp (file order without timestamps), capped at
  n_u - 1.
- ``cold_items``: round(f * m) of the m items that have interactions, chosen uniformly; all their rows are
  test rows, so these items never occur in training.
- ``cold_users``: the same with whole users.

Validation is carved from the training part with ``valid_fraction`` by the same rule as the test part
(``random``, ``user_ratio``, ``temporal``; ``leave_last`` takes each user's next-to-last ``k`` rows).
For ``none``, ``cold_items`` and ``cold_users`` it is a per-user ratio split of the training rows: early
stopping needs validation rows that every model family can score. ``valid_fraction=0`` gives an empty
validation part.
"""

from __future__ import annotations

from dataclasses import Field, asdict, dataclass, field, fields
from typing import Any, Literal

import numpy as np

from workbench.core.interactions import Interactions
from workbench.errors import WorkbenchError

SplitKind = Literal["none", "random", "user_ratio", "temporal", "leave_last", "cold_items", "cold_users"]
SPLIT_KINDS: tuple[str, ...] = ("none", "random", "user_ratio", "temporal", "leave_last", "cold_items",
                                "cold_users")


#: how each kind is named in forms and listings
SPLIT_KIND_LABELS: dict[str, str] = {
    "user_ratio": "Per-user ratio (random)",
    "random": "Random rows",
    "temporal": "Global time cut (latest)",
    "leave_last": "Leave last k per user",
    "cold_items": "Cold items (held out whole)",
    "cold_users": "Cold users (held out whole)",
    "none": "None (train on everything)",
}
_FRACTION_KINDS = ("random", "user_ratio", "temporal", "cold_items", "cold_users")
_RANDOM_KINDS = ("none", "random", "user_ratio", "cold_items", "cold_users")  # temporal cuts draw nothing


def _setting(default: Any, label: str, help: str, kinds: tuple[str, ...], *, min: float, max: float,
             step: float | None = None) -> Any:
    """A split field with what a form needs: its label, help, bounds and the kinds that read it."""
    meta: dict[str, Any] = {"label": label, "help": help, "kinds": kinds, "min": min, "max": max}
    if step is not None:
        meta["step"] = step
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class SplitSpec:
    """How to split: kind, held-out fraction (or last ``k`` per user), validation fraction and seed.

    Each field but ``kind`` carries form metadata (``label``, ``help``, ``min``/``max``, ``step`` and
    ``kinds``, the split kinds that read it), so the GUI generates the split form from this class.
    """

    kind: SplitKind = "user_ratio"
    test_fraction: float = _setting(
        0.2, "Test fraction", "Share of interactions (of items or users for cold splits) held out for test",
        _FRACTION_KINDS, min=0.01, max=0.9, step=0.05)
    k: int = _setting(1, "Last k", "Interactions held out per user (leave last k)", ("leave_last",),
                      min=1, max=100)
    valid_fraction: float = _setting(
        0.1, "Validation fraction",
        "Share of the training part held out to pick the best epoch and stop early (0: none)",
        SPLIT_KINDS, min=0.0, max=0.5, step=0.05)
    seed: int = _setting(42, "Split seed", "Seed of the split: the same seed holds out the same rows",
                         _RANDOM_KINDS, min=0, max=2_000_000_000)

    def __post_init__(self) -> None:
        if self.kind not in SPLIT_KINDS:
            raise WorkbenchError(f"unknown split kind '{self.kind}' (known: {', '.join(SPLIT_KINDS)})")
        if not 0.0 < float(self.test_fraction) < 1.0:
            raise WorkbenchError(f"test_fraction must be strictly between 0 and 1, got {self.test_fraction}")
        if not 0.0 <= float(self.valid_fraction) < 1.0:
            raise WorkbenchError(f"valid_fraction must be in [0, 1), got {self.valid_fraction}")
        if int(self.k) < 1:
            raise WorkbenchError(f"k must be at least 1, got {self.k}")
        if int(self.seed) < 0:
            raise WorkbenchError(f"seed must be >= 0, got {self.seed}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe fields."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> SplitSpec:
        """Inverse of ``to_dict``; unknown keys raise ``WorkbenchError``, missing keys take defaults."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise WorkbenchError(f"unknown split setting(s) {unknown} (known: {', '.join(known)})")
        kwargs: dict[str, Any] = {}
        for key, raw in values.items():
            try:
                if key == "kind":
                    kwargs[key] = str(raw)
                else:
                    kwargs[key] = int(raw) if key in ("k", "seed") else float(raw)
            except (TypeError, ValueError) as exc:
                raise WorkbenchError(f"split setting '{key}': cannot read {raw!r}") from exc
        return cls(**kwargs)


def split_settings(kind: str | None = None) -> list[Field[Any]]:
    """The ``SplitSpec`` fields a form shows (every one but ``kind``); with ``kind`` only those it reads."""
    shown = [f for f in fields(SplitSpec) if f.name != "kind"]
    return [f for f in shown if kind is None or kind in f.metadata["kinds"]]


@dataclass(frozen=True, eq=False)
class Split:
    """The three parts (all over the same id maps) and the spec that made them."""

    train: Interactions
    valid: Interactions
    test: Interactions
    spec: SplitSpec

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.train), "valid": len(self.valid), "test": len(self.test)}


def make_split(interactions: Interactions, spec: SplitSpec) -> Split:
    """Split ``interactions`` into train, validation and test parts as ``spec`` says (see module doc)."""
    rng = np.random.default_rng(spec.seed)
    n = len(interactions)
    if spec.kind == "none":
        test_mask = np.zeros(n, dtype=bool)
    else:
        test_mask = _held_out(interactions, spec.kind, spec.test_fraction, spec.k, rng)
    train_rows = np.flatnonzero(~test_mask)
    rest = interactions.subset(train_rows)
    if spec.valid_fraction > 0 and len(rest) > 0:
        same_rule = spec.kind in ("random", "user_ratio", "temporal", "leave_last")
        valid_kind = spec.kind if same_rule else "user_ratio"
        # a child stream so the validation draw never shifts the test draw
        valid_rng = np.random.default_rng([spec.seed, 1])
        valid_mask = _held_out(rest, valid_kind, spec.valid_fraction, spec.k, valid_rng)
    else:
        valid_mask = np.zeros(len(rest), dtype=bool)
    return Split(
        train=interactions.subset(train_rows[~valid_mask]),
        valid=interactions.subset(train_rows[valid_mask]),
        test=interactions.subset(np.flatnonzero(test_mask)),
        spec=spec,
    )


def _held_out(data: Interactions, kind: str, fraction: float, k: int, rng: np.random.Generator) -> np.ndarray:
    """Boolean mask over ``data``'s rows of the held-out part."""
    n = len(data)
    mask = np.zeros(n, dtype=bool)
    if n == 0:
        return mask
    if kind == "random":
        mask[rng.permutation(n)[: int(_round(fraction * n))]] = True
    elif kind == "user_ratio":
        counts = np.bincount(data.user_idx, minlength=data.n_users)
        quota = np.minimum(_round(fraction * counts), np.maximum(counts - 1, 0))
        order = np.lexsort((rng.random(n), data.user_idx))  # by user, random within user
        mask[order[_rank_in_group(data.user_idx[order]) < quota[data.user_idx[order]]]] = True
    elif kind == "temporal":
        if data.timestamps is None:
            raise WorkbenchError("a temporal split needs timestamps, and this dataset has none")
        order = np.argsort(data.timestamps, kind="stable")
        mask[order[n - int(_round(fraction * n)):]] = True
    elif kind == "leave_last":
        counts = np.bincount(data.user_idx, minlength=data.n_users)
        quota = np.minimum(k, np.maximum(counts - 1, 0))
        time_key = data.timestamps if data.timestamps is not None else np.zeros(n, dtype=np.int64)
        order = np.lexsort((np.arange(n), time_key, data.user_idx))  # by user, then time, then file order
        users_sorted = data.user_idx[order]
        from_end = counts[users_sorted] - 1 - _rank_in_group(users_sorted)
        mask[order[from_end < quota[users_sorted]]] = True
    elif kind in ("cold_items", "cold_users"):
        idx = data.item_idx if kind == "cold_items" else data.user_idx
        present = np.flatnonzero(np.bincount(idx, minlength=int(idx.max()) + 1) > 0)
        chosen = rng.permutation(present)[: int(_round(fraction * len(present)))]
        mask = np.isin(idx, chosen)
    else:
        raise WorkbenchError(f"unknown split kind '{kind}'")
    return mask


def _round(x: Any) -> Any:
    """Round half up (numpy's round is half-to-even, which surprises people reading the docs)."""
    return np.floor(np.asarray(x) + 0.5).astype(np.int64)


def _rank_in_group(sorted_keys: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal keys in an already grouped array."""
    n = len(sorted_keys)
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_keys[1:] != sorted_keys[:-1]
    start_pos = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    return np.arange(n) - start_pos
