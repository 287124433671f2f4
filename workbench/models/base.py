"""The one interface every model implements, its configuration helpers and its persisted artifact.

Contract (the GUI, the CLI, evaluation and explanation rely on it):
- ``Config`` is a frozen dataclass; every field has a default and ``metadata`` with ``help`` (and
  optionally ``min``, ``max``, ``choices``, and the search hints ``search``, ``log``, ``step``) so forms
  and hyper-parameter search spaces can be generated from it.
- ``fit`` is a generator yielding one ``EpochReport`` per epoch (closed-form models yield exactly one);
  it polls the cancel token every few batches and raises ``Cancelled``; a NaN loss raises
  ``TrainingError``. Early stopping restores the best weights before the generator ends.
- ``score(user_rows, item_rows=None)`` returns a float32 array ``(len(user_rows), n_items)`` or
  ``(len(user_rows), len(item_rows))``; rows are indices into the id maps seen in ``fit``.
- ``recommend`` works with external ids and never returns training items when ``exclude_seen``.
- ``to_artifact``/``from_artifact`` round-trip everything needed to score (weights as tensors, id maps,
  JSON-safe extras such as vocabularies), so the store can persist without pickle.
- ``estimate_peak_bytes`` (and, where the family can tell, ``estimate_epoch_seconds``) say from the data's
  size and the config alone, before any work, what training will need, so too large a job is refused with
  advice instead of ending in an out-of-memory kill.
- What else a family can do (fold in a new user, split a score over the history or into named parts,
  encode new items, attribute content, attention ...) it declares by implementing the small protocols of
  ``capabilities.py``; nothing outside ``workbench/models`` reads a model's private state.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar, cast

import numpy as np

from workbench.core.ids import IdMap
from workbench.core.interactions import Interactions, ItemContent
from workbench.core.progress import CancelToken
from workbench.core.training import (
    BatchCallback,
    BatchEvent,
    EpochReport,
    ModelArtifact,
    TrainingError,
)
from workbench.errors import WorkbenchError

# The reports and the artifact are defined below the store (workbench.core.training) and are part of this
# interface: ``fit`` yields ``EpochReport``s, ``to_artifact`` returns a ``ModelArtifact``.
__all__ = [
    "BatchCallback",
    "BatchEvent",
    "C",
    "EpochReport",
    "ModelArtifact",
    "ModelConfig",
    "Recommender",
    "TrainingError",
    "config_from_dict",
    "data_bytes",
    "param",
]


def param(default: Any, help: str, *, min: float | None = None, max: float | None = None,
          choices: tuple[Any, ...] | None = None, search: tuple[Any, Any] | bool | None = None,
          log: bool = False, step: float | None = None,
          unavailable: Callable[[], dict[Any, str]] | None = None) -> Any:
    """A config field with its one-line help and bounds, read by the GUI form builder and the CLI.

    Hyper-parameter search reads ``search``: ``(low, high)`` (or ``True`` for the choices) puts the field
    in the family's default search space; ``log`` samples it on a log scale, ``step`` on a grid of that
    step. Fields without ``search`` can still be searched when the user gives a range.

    ``unavailable`` returns the choices that cannot be used on this installation, each with the reason
    (e.g. an optional extra to install): forms list them disabled, training refuses them with the reason.
    """
    meta: dict[str, Any] = {"help": help}
    if unavailable is not None:
        meta["unavailable"] = unavailable
    if min is not None:
        meta["min"] = min
    if max is not None:
        meta["max"] = max
    if choices is not None:
        meta["choices"] = choices
    if search is not None and search is not False:
        meta["search"] = search
    if log:
        meta["log"] = True
    if step is not None:
        meta["step"] = step
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class ModelConfig:
    """Fields shared by every model."""

    seed: int = param(42, "random seed: the same seed gives the same model on CPU", min=0)


def config_from_dict(config_class: type[ModelConfig], values: dict[str, Any]) -> ModelConfig:
    """Build a config from (possibly string) values, converting each to its field's type.

    Unknown keys and out-of-range values raise ``WorkbenchError`` naming the key.
    """
    fields = {f.name: f for f in dataclasses.fields(config_class)}
    defaults = config_class()
    kwargs: dict[str, Any] = {}
    for key, raw in values.items():
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise WorkbenchError(f"unknown setting '{key}' for {config_class.__name__} (known: {known})")
        default = getattr(defaults, key)
        kwargs[key] = _convert(key, raw, default)
        meta = fields[key].metadata
        value = kwargs[key]
        if "choices" in meta and value not in meta["choices"]:
            raise WorkbenchError(f"setting '{key}' must be one of {list(meta['choices'])}, got {value!r}")
        if isinstance(value, int | float) and not isinstance(value, bool):
            if "min" in meta and value < meta["min"]:
                raise WorkbenchError(f"setting '{key}' must be >= {meta['min']}, got {value}")
            if "max" in meta and value > meta["max"]:
                raise WorkbenchError(f"setting '{key}' must be <= {meta['max']}, got {value}")
    return dataclasses.replace(defaults, **kwargs)


def _convert(key: str, raw: Any, default: Any) -> Any:
    if not isinstance(raw, str):
        if isinstance(default, tuple) and isinstance(raw, list):
            return tuple(raw)
        return raw
    try:
        if isinstance(default, bool):
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, tuple):
            return tuple(type(default[0])(x) if default else x for x in raw.split(",") if x)
        if default is None:
            return raw
    except ValueError as exc:
        raise WorkbenchError(f"setting '{key}': cannot read {raw!r} as {type(default).__name__}") from exc
    return raw


#: bytes per training interaction every family holds while training: the split's parts (user, item, value
#: arrays), the positives, the seen-items CSR and the evaluation's relevance matrices
DATA_BYTES_PER_INTERACTION = 96
#: fixed allocator, thread and framework overhead of one training job
BASE_OVERHEAD_BYTES = 64 << 20
#: largest scores block (users x items float32) that scoring and evaluation hold at once
SCORE_BLOCK_BYTES = 64 << 20


def data_bytes(n_users: int, n_items: int, n_interactions: int) -> int:
    """Memory every training job needs for the data itself, besides the model (see the constants)."""
    return (BASE_OVERHEAD_BYTES + DATA_BYTES_PER_INTERACTION * n_interactions + 16 * (n_users + n_items)
            + 2 * SCORE_BLOCK_BYTES)


#: the configuration class of a family (``Recommender[MFConfig]``)
C = TypeVar("C", bound=ModelConfig)


class Recommender(ABC, Generic[C]):
    """Base class of every model family (see the module docstring for the contract), generic over its
    configuration so that ``self.config`` has the family's config type."""

    family: ClassVar[str]
    Config: ClassVar[type[ModelConfig]] = ModelConfig
    #: whether fit/score read item content (content-based and hybrid)
    uses_content: ClassVar[bool] = False
    #: whether a user's scores depend on their history (popularity's do not)
    reads_history: ClassVar[bool] = True
    #: how the family's ``explain_history`` (if it declares one) splits a score, and how exactly, for people
    history_method: ClassVar[str] = ""
    #: whether the model is trained iteratively (yields several epochs, can use a device)
    iterative: ClassVar[bool] = False
    description: ClassVar[str] = ""

    def __init__(self, config: C | None = None) -> None:
        # ``Config`` is the class ``C`` stands for (a class variable cannot be typed with ``C`` itself)
        self.config: C = config if config is not None else cast(C, self.Config())
        self.users: IdMap | None = None
        self.items: IdMap | None = None
        self.seen: Any = None  # scipy CSR users x items of training interactions, set by fit
        # after training, the validation part joins what the model knows (histories, seen items, a refit);
        # a search that scores its trials on that part turns this off so the part stays unseen
        self.absorb_validation = True

    @classmethod
    def config_of(cls, values: dict[str, Any]) -> C:
        """This family's config from (possibly string) values; see ``config_from_dict``."""
        return cast(C, config_from_dict(cls.Config, values))

    @property
    def predicts_ratings(self) -> bool:
        """Whether ``score`` returns predicted ratings (RMSE/MAE apply); ranking scores otherwise."""
        return False

    # --- cost, known before training ----------------------------------------------------------------
    @classmethod
    def estimate_peak_bytes(cls, config: C, n_users: int, n_items: int, n_interactions: int) -> int:
        """Peak memory (bytes) that training and evaluating this family on data of this size will add to
        the process, from the config and the sizes alone. Families with more than the data add their own."""
        return data_bytes(n_users, n_items, n_interactions)

    @classmethod
    def estimate_peak_bytes_with_content(cls, config: C, n_users: int, n_items: int, n_interactions: int,
                                         content: ItemContent) -> int:
        """``estimate_peak_bytes`` where the item content is at hand: families that read it measure what
        its texts need instead of assuming bounds that hold for any text."""
        return cls.estimate_peak_bytes(config, n_users, n_items, n_interactions)

    @classmethod
    def estimate_epoch_seconds(cls, config: C, n_users: int, n_items: int,
                               n_interactions: int) -> float | None:
        """Rough seconds per epoch on a 2-core CPU (None when the family cannot tell)."""
        return None

    @classmethod
    def size_advice(cls, config: C) -> str:
        """What to try instead when the data is too large for this family and config."""
        return "a smaller dataset, or a lighter family such as itemknn or bpr"

    # --- training -------------------------------------------------------------------------------
    @abstractmethod
    def fit(self, train: Interactions, *, content: ItemContent | None = None,
            valid: Interactions | None = None, device: str = "cpu", cancel: CancelToken | None = None,
            on_batch: BatchCallback | None = None) -> Iterator[EpochReport]:
        """Train on ``train``; yield one report per epoch."""

    def fit_all(self, train: Interactions, **kwargs: Any) -> list[EpochReport]:
        """Run ``fit`` to the end and return its reports."""
        return list(self.fit(train, **kwargs))

    def training_notes(self) -> list[str]:
        """Caveats about how the model read its training data, shown with the run (none by default)."""
        return []

    # --- scoring --------------------------------------------------------------------------------
    @abstractmethod
    def score(self, user_rows: np.ndarray, item_rows: np.ndarray | None = None) -> np.ndarray:
        """Scores of users (rows) against items (all when None); higher means more recommended."""

    def recommend(self, user_id: str, n: int = 10, exclude_seen: bool = True) -> list[tuple[str, float]]:
        """Top-``n`` (item id, score) for a known user; unknown users raise ``WorkbenchError``."""
        assert self.users is not None and self.items is not None, "model is not fitted"
        from workbench.models.ranking import top_n

        row = self.users.row(user_id)
        if row < 0:
            raise WorkbenchError(f"unknown user '{user_id}' (not in this model's training data)")
        items, scores = top_n(self, np.array([row]), n, exclude_seen)
        return [(self.items.external(int(i)), float(s)) for i, s in zip(items[0], scores[0], strict=True)
                if i >= 0]

    # --- what every family can say about itself; optional capabilities live in ``capabilities.py`` ------
    def item_embeddings(self) -> np.ndarray | None:
        """One vector per item (rows of the item id map) for maps and neighbours, or None."""
        return None

    def training_history(self, user_row: int) -> np.ndarray:
        """The item rows this model reads as a known user's history (its training items by default;
        families that keep only positives or a time-ordered sequence say so)."""
        if self.seen is None:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self.seen[user_row].indices, dtype=np.int64)

    def default_history_value(self) -> float:
        """The value a fold-in assumes for an unrated history item (the mean rating for rating models)."""
        return 1.0

    # --- persistence ----------------------------------------------------------------------------
    @abstractmethod
    def to_artifact(self) -> ModelArtifact:
        """Everything learned, as tensors and JSON-safe values."""

    @classmethod
    @abstractmethod
    def from_artifact(cls, artifact: ModelArtifact) -> Recommender:
        """Rebuild a fitted model from ``to_artifact``'s output."""
