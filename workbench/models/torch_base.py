"""Plumbing shared by every torch model: fit through the shared loop, scoring, persistence, fold-in."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Protocol, TypeVar

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from workbench.core.device import resolve_device
from workbench.core.interactions import Interactions, ItemContent
from workbench.core.progress import CancelToken
from workbench.errors import WorkbenchError
from workbench.evaluation.ranking import ranking_ndcg, rating_rmse
from workbench.models.base import (
    BatchCallback,
    EpochReport,
    ModelArtifact,
    ModelConfig,
    Recommender,
    TrainingError,
    data_bytes,
)
from workbench.models.capabilities import HistoryAttribution
from workbench.models.common import (
    config_dict,
    csr_from_tensors,
    csr_to_tensors,
    id_maps,
    positives,
    seen_matrix,
)
from workbench.models.loop import LoopPlan, LoopState, make_generator, run_epochs
from workbench.models.seeding import attach_generator, draws_from, init_generator

# The same seed must give the same model on the CPU. With several threads, scatter-adds (history
# aggregation, embedding gradients) otherwise sum in a thread-dependent order; the deterministic forms run
# them in one order. warn_only: an operation without such a form still runs (and says so) instead of failing.
torch.use_deterministic_algorithms(True, warn_only=True)
# ... but not the NaN fill of every new tensor that comes with it (a debugging aid for reads of
# uninitialised memory, which no kernel we use does): on a CPU it cost a tenth of each training step
torch.utils.deterministic.fill_uninitialized_memory = False  # type: ignore[attr-defined]


#: ``EpochReport.extra`` key of the epochs a refit on training + validation adds after early stopping
REFIT = "refit"
#: an epoch after which the fit cannot resume (e.g. a Gibbs sweep): the runner stores no checkpoint
NO_CHECKPOINT = "no_checkpoint"


class TorchConfig(ModelConfig):
    """The settings the shared epoch loop reads, which every iterative family's config declares (each
    with its own default and help, in its own order: this class only names them for the type checker)."""

    epochs: int
    batch_size: int
    learning_rate: float
    patience: int


TC = TypeVar("TC", bound=TorchConfig)

#: an automatic patience (-1) is ``NOISY_PATIENCE`` epochs where validation ranks fewer than
#: ``NOISY_VALIDATION_USERS`` users (NDCG@10 over ~1,000 users swings by about 0.005 between epochs), else
#: ``QUIET_PATIENCE``
NOISY_VALIDATION_USERS = 2000
NOISY_PATIENCE = 6
QUIET_PATIENCE = 3


class TrainingOptimizer(Protocol):
    """What training and checkpoints use of an optimiser (one of torch's, or ``MixedAdam``)."""

    @property
    def param_groups(self) -> list[dict[str, Any]]: ...

    def zero_grad(self, set_to_none: bool = True) -> None: ...

    def step(self) -> Any: ...

    def state_dict(self) -> dict[str, Any]: ...

    def load_state_dict(self, state_dict: dict[str, Any]) -> None: ...


class TorchRecommender(Recommender[TC]):
    """Base of the iterative families.

    Subclasses implement ``_prepare`` (dimensions and fixed data tensors from the training part),
    ``_build_module`` (from ``self.meta`` alone, so reloads rebuild the same shapes), ``_loss`` over a
    batch of sample indices, ``_scores`` (users x items tensor) and ``_predict_pairs``.
    Training samples live in ``self._u``, ``self._i``, ``self._r`` on the device.
    """

    iterative: ClassVar[bool] = True
    default_objective: ClassVar[str] = "ranking"
    #: training samples per second on a busy 2-core CPU at the default config (measured by
    #: bench/bench_scale.py), for the time estimate; None: no estimate
    samples_per_s_cpu: ClassVar[float | None] = None
    #: users whose validation ranking early stopping scores (a fixed, seeded sample): the full evaluation
    #: is left to ``evaluate``
    validation_max_users: ClassVar[int] = 5000

    def __init__(self, config: TC | None = None) -> None:
        super().__init__(config)
        self.module: nn.Module | None = None
        self.meta: dict[str, Any] = {}
        self.buffers: dict[str, torch.Tensor] = {}  # fixed (non-trained) tensors: content, histories
        self.device = "cpu"
        self.epochs_done = 0
        self._gen: torch.Generator | None = None  # the training generator: batches, negatives, dropout
        # training samples on the device (``_loss`` indexes them), set by ``fit``
        self._u = self._i = self._r = torch.empty(0)
        self._batch = 0  # samples per batch of the current fit
        self._valid_users: int | None = None  # users the validation metric ranks
        self._best_epoch = 0
        self._cancel: CancelToken | None = None  # the running fit's, honoured by a refit after it
        # while fitting only: what checkpoints carry besides the weights
        self._optimizer: TrainingOptimizer | None = None
        self._loop_state: LoopState | None = None

    @property
    def predicts_ratings(self) -> bool:
        """Whether scores are predicted ratings (rating objective), so RMSE/MAE apply."""
        return self.objective == "rating"

    # --- subclass hooks ------------------------------------------------------------------------------
    @property
    def objective(self) -> str:
        """The objective trained (or to be trained): ``auto`` is resolved against the data by ``fit``."""
        chosen = self.meta.get("objective") or getattr(self.config, "objective", self.default_objective)
        return self.default_objective if chosen == "auto" else str(chosen)

    def _resolve_objective(self, train: Interactions) -> str:
        """``auto`` picks what fits the data: ratings when they are explicit, ranking when implicit."""
        chosen = str(getattr(self.config, "objective", self.default_objective))
        if chosen != "auto":
            return chosen
        return "rating" if train.is_explicit else "ranking"

    # --- cost, known before training -------------------------------------------------------------------
    #: copies of every parameter alive at the peak: weights, gradients, two Adam moments, the best
    #: weights kept for early stopping, and the checkpoint of each epoch (weights, moments and best
    #: weights, then their serialised bytes)
    PARAM_COPIES: ClassVar[int] = 13

    @classmethod
    def parameter_count(cls, config: TC, n_users: int, n_items: int) -> int:
        """Trained parameters for data of this size (embedding tables dominate)."""
        return 0

    @classmethod
    def batch_bytes(cls, config: TC, n_users: int, n_items: int, n_interactions: int) -> int:
        """Activations of one training batch and fixed buffers (histories, content), besides the data."""
        return 0

    @classmethod
    def samples_per_epoch(cls, config: TC, n_users: int, n_items: int, n_interactions: int) -> int:
        """Training samples in one epoch (what ``samples/s`` counts)."""
        return n_interactions

    @classmethod
    def estimate_peak_bytes(cls, config: TC, n_users: int, n_items: int, n_interactions: int) -> int:
        params = cls.parameter_count(config, n_users, n_items)
        return (data_bytes(n_users, n_items, n_interactions) + 4 * cls.PARAM_COPIES * params
                + cls.batch_bytes(config, n_users, n_items, n_interactions))

    @classmethod
    def estimate_epoch_seconds(cls, config: TC, n_users: int, n_items: int,
                               n_interactions: int) -> float | None:
        if cls.samples_per_s_cpu is None:
            return None
        return cls.samples_per_epoch(config, n_users, n_items, n_interactions) / cls.samples_per_s_cpu

    @classmethod
    def size_advice(cls, config: TC) -> str:
        dim = getattr(config, "dim", None)
        smaller = f"a smaller 'dim' (now {dim})" if dim is not None and dim > 8 else "a smaller dataset"
        return f"{smaller}, or a lighter family such as itemknn or bpr"

    def _prepare(self, train: Interactions, content: ItemContent | None) -> None:
        """Fill ``self.meta`` (JSON-safe) and ``self.buffers`` from the training data (optional)."""

    def _build_module(self) -> nn.Module:
        raise NotImplementedError

    def _loss(self, idx: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _scores(self, users: torch.Tensor, items: torch.Tensor | None) -> torch.Tensor:
        raise NotImplementedError

    def _predict_pairs(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    # --- training -------------------------------------------------------------------------------------
    def fit(self, train: Interactions, *, content: ItemContent | None = None,
            valid: Interactions | None = None, device: str = "cpu", cancel: CancelToken | None = None,
            on_batch: BatchCallback | None = None, resume_from: ModelArtifact | None = None
            ) -> Iterator[EpochReport]:
        cfg = self.config
        if len(train) == 0:
            raise TrainingError("the training part is empty")
        self.device = resolve_device(device)
        self.users, self.items = train.users, train.items
        self.seen = seen_matrix(train)
        threshold = float(getattr(cfg, "positive_threshold", 0.0))
        objective = self._resolve_objective(train)
        used = positives(train, threshold) if objective == "ranking" else train
        if objective == "rating" and not train.is_explicit:
            raise TrainingError("the rating objective needs explicit ratings; this data is implicit "
                                "(use objective=ranking, or auto)")
        self.meta = {"n_users": train.n_users, "n_items": train.n_items,
                     "mu": float(used.values.mean()), "objective": objective}
        self.buffers = {}
        self._prepare(used, content)
        self.buffers = {k: v.to(self.device) for k, v in self.buffers.items()}
        self.module = self._new_module()
        self._u = torch.from_numpy(used.user_idx).to(self.device)
        self._i = torch.from_numpy(used.item_idx).to(self.device)
        self._r = torch.from_numpy(used.values).to(self.device)
        optimizer = self._make_optimizer()
        state = LoopState()
        start_epoch = 0
        if resume_from is not None:
            self._load_weights(resume_from.tensors)
            start_epoch = int(resume_from.meta.get("epoch", 0))
            state = self._restore_training_state(resume_from, optimizer)
        self.epochs_done = start_epoch
        self._gen = make_generator(cfg.seed + start_epoch, self.device)
        attach_generator(self.module, self._gen)
        self._optimizer, self._loop_state = optimizer, state

        step = self._step_with(optimizer)

        self._valid_users = None
        validate, metric_name, higher = self._validator(valid, threshold, cancel)
        n_samples = self._n_samples(used)
        self._batch = self._batch_size(n_samples)
        plan = LoopPlan(epochs=cfg.epochs, batch_size=self._batch, n_samples=n_samples,
                        patience=self._patience(), start_epoch=start_epoch, metric_name=metric_name,
                        higher_is_better=higher, validation_users=self._valid_users)
        try:
            for report in run_epochs(plan, module=self.module, step=step, validate=validate,
                                     generator=self._gen, cancel=cancel, on_batch=on_batch, state=state,
                                     before_epoch=self._before_epoch):
                self.epochs_done = report.epoch
                yield report
        finally:
            # the training state only travels in checkpoints written while fitting
            self._optimizer, self._loop_state = None, None
        self.module.eval()
        self._best_epoch = state.best_epoch
        self._cancel = cancel
        refit = self._refit_plan(used, valid) if self.absorb_validation else None
        if refit is not None:
            yield from self._refit(*refit)
        self._after_fit(used, valid, threshold)

    def _refit_plan(self, used: Interactions, valid: Interactions | None) -> tuple[Interactions, int] | None:
        """What to train afresh on once early stopping has chosen the epoch count, and for how many epochs
        (e.g. training + validation for the best epoch count); None: keep the early-stopped weights."""
        return None

    def _refit(self, data: Interactions, epochs: int) -> Iterator[EpochReport]:
        """Train afresh on ``data`` for ``epochs`` epochs: same seed, no validation, cancellable. Each epoch
        is reported like the others, numbered after them and marked ``refit`` in ``extra`` (a run's curves
        show the whole training; a refit epoch carries no checkpoint to resume from)."""
        cfg = self.config
        self.meta["mu"] = float(data.values.mean())
        self.module = self._new_module()
        self._u = torch.from_numpy(data.user_idx).to(self.device)
        self._i = torch.from_numpy(data.item_idx).to(self.device)
        self._r = torch.from_numpy(data.values).to(self.device)
        optimizer = self._make_optimizer()
        self._gen = make_generator(cfg.seed, self.device)
        attach_generator(self.module, self._gen)

        step = self._step_with(optimizer)

        n_samples = self._n_samples(data)
        self._batch = self._batch_size(n_samples)
        plan = LoopPlan(epochs=epochs, batch_size=self._batch, n_samples=n_samples, patience=0)
        first = self.epochs_done
        for report in run_epochs(plan, module=self.module, step=step, validate=None, generator=self._gen,
                                 cancel=self._cancel, before_epoch=self._before_epoch):
            self.epochs_done = first + report.epoch
            yield dataclasses.replace(report, epoch=self.epochs_done, extra={**report.extra, REFIT: 1.0})
        self.module.eval()

    def _new_module(self) -> nn.Module:
        """The family's module on ``self.device``, its weights initialised from a generator seeded by the
        config: training on a worker thread never draws from (or reseeds) torch's global generator."""
        with draws_from(init_generator(self.config.seed)):
            module = self._build_module()
        return module.to(self.device)

    def _n_samples(self, used: Interactions) -> int:
        """Samples per epoch (``_loss`` receives indices below this); one per training interaction."""
        return len(used)

    def _batch_size(self, n_samples: int) -> int:
        """Samples per batch for ``n_samples`` per epoch (the config's, unless a family adapts it)."""
        return int(self.config.batch_size)

    def _before_epoch(self, epoch: int) -> None:
        """Called before each epoch (e.g. learning-rate schedules)."""

    def _after_fit(self, used: Interactions, valid: Interactions | None, threshold: float) -> None:
        """Called once training ended normally (the best weights are in place)."""

    def _step_with(self, optimizer: TrainingOptimizer) -> Callable[[torch.Tensor], torch.Tensor]:
        """One optimisation step on a batch of sample indices, returning its loss (detached)."""

        def step(idx: torch.Tensor) -> torch.Tensor:
            optimizer.zero_grad(set_to_none=True)
            loss = self._loss(idx)
            loss.backward()
            optimizer.step()
            return loss.detach()

        return step

    def _make_optimizer(self) -> TrainingOptimizer:
        return MixedAdam(self._require(), lr=self.config.learning_rate)

    # --- checkpoint state (optimiser and early stopping) -------------------------------------------------
    def _training_state_tensors(self) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
        """Optimiser moments and early-stopping bookkeeping while fitting (empty afterwards)."""
        opt, st = self._optimizer, self._loop_state
        if opt is None or st is None:
            return {}, {}
        tensors: dict[str, torch.Tensor] = {}
        for index, values in opt.state_dict()["state"].items():
            for name, value in values.items():
                if isinstance(value, torch.Tensor):
                    tensors[f"opt.{index}.{name}"] = value.detach().cpu().contiguous()
                elif isinstance(value, int | float):  # e.g. the lazy Adam's step count
                    tensors[f"opt.{index}.{name}"] = torch.tensor(value)
        if st.best_state is not None:
            tensors.update({f"best.{k}": v.detach().cpu().contiguous() for k, v in st.best_state.items()})
        meta = {"best_metric": st.best_metric, "best_epoch": st.best_epoch, "bad_epochs": st.bad_epochs}
        return tensors, {"train_state": meta}

    def _restore_training_state(self, artifact: ModelArtifact, optimizer: TrainingOptimizer) -> LoopState:
        info = artifact.meta.get("train_state") or {}
        state = LoopState(best_metric=info.get("best_metric"), best_epoch=int(info.get("best_epoch", 0)),
                          bad_epochs=int(info.get("bad_epochs", 0)))
        best = {k[5:]: v.to(self.device) for k, v in artifact.tensors.items() if k.startswith("best.")}
        if best:
            state.best_state = best
        moments: dict[int, dict[str, torch.Tensor]] = {}
        for key, value in artifact.tensors.items():
            if key.startswith("opt."):
                _, index, name = key.split(".", 2)
                moments.setdefault(int(index), {})[name] = value.to(self.device) if name != "step" else value
        if moments:
            groups = optimizer.state_dict()["param_groups"]
            optimizer.load_state_dict({"state": moments, "param_groups": groups})
        return state

    def _validator(self, valid: Interactions | None, threshold: float, cancel: CancelToken | None):
        if valid is None or len(valid) == 0:
            return None, None, True
        if self.objective == "rating":
            vu = torch.from_numpy(valid.user_idx).to(self.device)
            vi = torch.from_numpy(valid.item_idx).to(self.device)
            vr = torch.from_numpy(valid.values).to(self.device)

            def validate_rmse() -> tuple[float | None, float | None]:
                value = rating_rmse(self._predict_pairs, vu, vi, vr)
                return value, value
            return validate_rmse, "rmse", False
        rel_part = valid.subset(valid.values >= threshold) if threshold > 0 and valid.is_explicit else valid
        if len(rel_part) == 0:
            return None, None, True
        relevant = seen_matrix(rel_part)
        max_users = self._validation_user_cap()
        self._valid_users = min(max_users, int((np.diff(relevant.indptr) > 0).sum()))

        def validate_ndcg() -> tuple[float | None, float | None]:
            return None, ranking_ndcg(lambda rows: self._scores(torch.from_numpy(rows).to(self.device), None),
                                      self.seen, relevant, cancel=cancel, seed=self.config.seed,
                                      max_users=max_users)
        return validate_ndcg, "ndcg@10", True

    def _patience(self) -> int:
        """The early-stopping patience of this fit: the configured one, or for -1 one chosen from the
        validation part (``_validator`` has counted its users): a metric averaged over few users moves by
        more from epoch to epoch than a slowly learning model gains in one, so it gets more epochs to show
        a gain. Recorded in ``meta["patience"]``."""
        patience = int(self.config.patience)
        if patience < 0:
            few = self._valid_users is not None and self._valid_users < NOISY_VALIDATION_USERS
            patience = NOISY_PATIENCE if few else QUIET_PATIENCE
        self.meta["patience"] = patience
        return patience

    def _validation_user_cap(self) -> int:
        """Users early stopping scores; families that score user-item pairs one by one bound it lower."""
        return self.validation_max_users

    # --- scoring ---------------------------------------------------------------------------------------
    def _require(self) -> nn.Module:
        if self.module is None:
            raise WorkbenchError("model is not fitted")
        return self.module

    def score(self, user_rows: np.ndarray, item_rows: np.ndarray | None = None) -> np.ndarray:
        module = self._require()
        module.eval()
        users = torch.as_tensor(np.atleast_1d(user_rows), dtype=torch.long, device=self.device)
        items = None if item_rows is None else torch.as_tensor(np.asarray(item_rows), dtype=torch.long,
                                                                device=self.device)
        out = []
        with torch.no_grad():
            for s in range(0, len(users), 1024):
                out.append(self._scores(users[s:s + 1024], items).float().cpu())
        if not out:
            return np.zeros((0, self.meta["n_items"] if items is None else len(items)), dtype=np.float32)
        return torch.cat(out).numpy()

    # --- persistence -----------------------------------------------------------------------------------
    def _load_weights(self, tensors: dict[str, torch.Tensor]) -> None:
        module = self._require()
        state = {k[2:]: v for k, v in tensors.items() if k.startswith("w.")}
        module.load_state_dict({k: v.to(self.device) for k, v in state.items()})

    def to_artifact(self) -> ModelArtifact:
        module = self._require()
        assert self.users is not None and self.items is not None
        tensors: dict[str, torch.Tensor] = {f"w.{k}": v.detach().cpu().contiguous()
                                            for k, v in module.state_dict().items()}
        tensors.update({f"buf.{k}": v.detach().cpu().contiguous() for k, v in self.buffers.items()})
        tensors.update(csr_to_tensors("seen", self.seen))
        train_tensors, train_meta = self._training_state_tensors()
        tensors.update(train_tensors)
        return ModelArtifact(family=self.family, config=config_dict(self.config), users=self.users.to_list(),
                             items=self.items.to_list(),
                             meta={**self.meta, **train_meta, "epoch": self.epochs_done}, tensors=tensors)

    @classmethod
    def from_artifact(cls, artifact: ModelArtifact) -> Recommender:
        model = cls(cls.config_of(artifact.config))
        model.users, model.items = id_maps(artifact.users, artifact.items)
        model.meta = dict(artifact.meta)
        model.epochs_done = int(artifact.meta.get("epoch", 0))
        model.seen = csr_from_tensors("seen", artifact.tensors, (len(model.users), len(model.items)))
        model.buffers = {k[4:]: v for k, v in artifact.tensors.items() if k.startswith("buf.")}
        model.module = model._new_module()
        model._load_weights(artifact.tensors)
        model.module.eval()
        return model

    def to_device(self, device: str) -> None:
        """Move a fitted model to ``device`` for scoring."""
        self.device = resolve_device(device)
        self._require().to(self.device)
        self.buffers = {k: v.to(self.device) for k, v in self.buffers.items()}


#: ``step_lookup`` gathers with ``index_select`` from this many ids (a step's word occurrences); fewer ids
#: (a batch's users) keep the embedding lookup, whose backward wakes fewer threads under a passive wait
GATHER_LOOKUP_IDS = 4096


def step_lookup(table: nn.Embedding, ids: torch.Tensor,
                distinct: tuple[torch.Tensor, torch.Tensor | None] | None = None) -> torch.Tensor:
    """``table(ids)`` for a training step, with the table's sparse gradient built summed per distinct id.

    A batch's texts repeat their words; ``nn.Embedding`` hands the optimiser one gradient row per
    occurrence, which it must sort and sum (a millisecond a step for the words at 100K items). Here each
    distinct id is looked up once and its summed gradient lands on ``table.weight.grad`` as a sparse tensor
    already marked coalesced. The padding id's row gets no gradient, as in ``nn.Embedding``.

    ``distinct``: ``torch.unique(ids, return_inverse=True)`` when the caller has it already (two tables
    read by the same ids), with None for the inverse when ``ids`` are themselves distinct and sorted."""
    if not (table.weight.requires_grad and torch.is_grad_enabled()):
        return table(ids)  # frozen, or nothing to train: a plain lookup
    rows_at, inverse = torch.unique(ids, return_inverse=True) if distinct is None else distinct
    rows = table.weight.detach().index_select(0, rows_at).requires_grad_()
    weight = table.weight

    def land(grad: torch.Tensor) -> None:
        keep = rows_at != table.padding_idx if table.padding_idx is not None else None
        at, values = (rows_at, grad) if keep is None else (rows_at[keep], grad[keep])
        sparse = torch.sparse_coo_tensor(at[None], values, weight.shape, is_coalesced=True,
                                         check_invariants=False)
        weight.grad = sparse if weight.grad is None else weight.grad + sparse

    rows.register_hook(land)
    if inverse is None:
        return rows  # the ids are the distinct rows themselves
    if ids.numel() < GATHER_LOOKUP_IDS:
        return F.embedding(inverse, rows)
    # a step's words (tens of thousands of ids): ``index_select``'s backward adds the gradient rows in one
    # pass, where the embedding's CPU backward has every thread scan every id (twice as fast here)
    return rows.index_select(0, inverse.reshape(-1)).view(*ids.shape, rows.shape[1])


def copy_rows(dst: torch.Tensor, rows: torch.Tensor, src: torch.Tensor) -> None:
    """``dst[rows] = src`` for 2-d tables. On a CPU ``index_copy_`` moves one element at a time; float32 rows
    whose width is a multiple of 4 are moved as 16-byte elements instead (a bit-exact copy with 4x fewer
    moves: a tenth of the sparse optimiser's step at 100K items)."""
    wide = (dst.device.type == "cpu" and dst.dtype == src.dtype == torch.float32 and dst.dim() == 2
            and dst.shape[1] % 4 == 0 and dst.is_contiguous() and src.is_contiguous()
            and dst.storage_offset() % 4 == 0 and src.storage_offset() % 4 == 0)
    if wide:
        dst.view(torch.complex128).index_copy_(0, rows, src.view(torch.complex128))
    else:
        dst.index_copy_(0, rows, src)


class LazyAdam(torch.optim.Optimizer):
    """Adam for sparse gradients: only the rows a batch used are read and updated, with the state of
    ``torch.optim.SparseAdam`` (``step``, ``exp_avg``, ``exp_avg_sq``), in about a third of its time.

    The used rows of every table are gathered, updated together by torch's fused Adam kernel where this
    torch and device have one (one call for all tables instead of six elementwise passes per table), and
    written back; elsewhere by the same arithmetic in plain operations. The fused kernel adds ``eps`` after
    the bias correction of the second moment, SparseAdam before it: the same update but for a difference
    below ``eps`` in its denominator."""

    #: False once the fused kernel is found missing here: the plain operations are used from then on
    fused: ClassVar[bool] = True

    def __init__(self, params: list[nn.Parameter], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> None:  # type: ignore[override]
        """One update of the rows present in each parameter's sparse gradient."""
        for group in self.param_groups:
            used = []
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.coalesce()
                state = self.state[p]
                if not state:
                    state.update(step=0, exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
                state["step"] = int(state["step"]) + 1
                used.append((p, state, grad.indices()[0], grad.values()))
            if used and not (type(self).fused and self._fused_update(group, used)):
                self._plain_update(group, used)

    @staticmethod
    def _fused_update(group: dict[str, Any], used: list[tuple[torch.Tensor, dict[str, Any], torch.Tensor,
                                                                 torch.Tensor]]) -> bool:
        """The gathered rows updated by one fused Adam call; False where this torch has no such kernel
        for the device (nothing written then)."""
        beta1, beta2 = group["betas"]
        params = [p.index_select(0, rows) for p, _, rows, _ in used]
        avgs = [st["exp_avg"].index_select(0, rows) for _, st, rows, _ in used]
        sqs = [st["exp_avg_sq"].index_select(0, rows) for _, st, rows, _ in used]
        steps = [torch.tensor(float(st["step"]), device=p.device) for p, st, _, _ in used]
        try:
            torch._fused_adam_(params, [values for *_, values in used], avgs, sqs, [], steps,
                               lr=group["lr"], beta1=beta1, beta2=beta2, weight_decay=0.0, eps=group["eps"],
                               amsgrad=False, maximize=False)
        except (AttributeError, RuntimeError, NotImplementedError):  # torch < 2.4 on a CPU, or the device
            LazyAdam.fused = False
            return False
        for (p, st, rows, _), rows_p, avg, sq in zip(used, params, avgs, sqs, strict=True):
            copy_rows(p, rows, rows_p)
            copy_rows(st["exp_avg"], rows, avg)
            copy_rows(st["exp_avg_sq"], rows, sq)
        return True

    @staticmethod
    def _plain_update(group: dict[str, Any], used: list[tuple[torch.Tensor, dict[str, Any], torch.Tensor,
                                                                 torch.Tensor]]) -> None:
        beta1, beta2 = group["betas"]
        for p, state, rows, values in used:
            avg = state["exp_avg"].index_select(0, rows).lerp_(values, 1 - beta1)
            sq = state["exp_avg_sq"].index_select(0, rows).mul_(beta2).addcmul_(values, values,
                                                                                value=1 - beta2)
            copy_rows(state["exp_avg"], rows, avg)
            copy_rows(state["exp_avg_sq"], rows, sq)
            step_size = group["lr"] * math.sqrt(1 - beta2 ** state["step"]) / (1 - beta1 ** state["step"])
            p.index_add_(0, rows, avg.div_(sq.sqrt_().add_(group["eps"])), alpha=-step_size)


def _dense_adam(params: list[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    """Adam, fused into one kernel where this torch and device have it (a content step's ten small layers:
    0.1 ms instead of 0.7 on a CPU), else the plain loop; the arithmetic and the state are the same."""
    try:
        return torch.optim.Adam(params, lr=lr, fused=True)
    except (RuntimeError, TypeError):  # torch < 2.4 on a CPU, or a device without the fused kernel
        return torch.optim.Adam(params, lr=lr)


class MixedAdam:
    """Adam whose cost per step does not grow with the catalogue: embedding tables built with
    ``sparse=True`` get sparse gradients and a lazy Adam (only the rows a batch used are updated), every
    other parameter a plain Adam. Presents one optimizer's interface (``param_groups``, ``state_dict``)
    so learning-rate schedules and checkpoints see a single optimizer.
    """

    def __init__(self, module: nn.Module, lr: float) -> None:
        sparse_ids = {id(p) for m in module.modules() if isinstance(m, nn.Embedding) and m.sparse
                      for p in m.parameters(recurse=False)}
        params = [p for p in module.parameters() if p.requires_grad]
        dense = [p for p in params if id(p) not in sparse_ids]
        sparse = [p for p in params if id(p) in sparse_ids]
        self.parts: list[torch.optim.Optimizer] = []
        if dense:
            self.parts.append(_dense_adam(dense, lr))
        if sparse:
            self.parts.append(LazyAdam(sparse, lr=lr))

    @property
    def param_groups(self) -> list[dict[str, Any]]:
        return [group for part in self.parts for group in part.param_groups]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for part in self.parts:
            part.zero_grad(set_to_none=set_to_none)

    def step(self) -> None:
        for part in self.parts:
            part.step()

    def state_dict(self) -> dict[str, Any]:
        """The parts' states as one optimizer's, parameters numbered across the parts in order."""
        state: dict[int, Any] = {}
        groups: list[dict[str, Any]] = []
        offset = 0
        for part in self.parts:
            sd = part.state_dict()
            state.update({offset + int(k): v for k, v in sd["state"].items()})
            count = 0
            for group in sd["param_groups"]:
                groups.append({**group, "params": [offset + int(i) for i in group["params"]]})
                count += len(group["params"])
            offset += count
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Inverse of ``state_dict`` (parameters in the same order)."""
        offset = 0
        for part in self.parts:
            sd = part.state_dict()
            count = sum(len(g["params"]) for g in sd["param_groups"])
            state = {int(k) - offset: v for k, v in state_dict["state"].items()
                     if offset <= int(k) < offset + count}
            if isinstance(part, LazyAdam):  # counts its steps in a plain int
                state = {k: {n: int(v) if n == "step" else v for n, v in st.items()}
                         for k, st in state.items()}
            part.load_state_dict({"state": state, "param_groups": sd["param_groups"]})
            offset += count


def sample_items(n: int, n_items: int, gen: torch.Generator) -> torch.Tensor:
    """``n`` uniform item rows drawn on the generator's device."""
    return torch.randint(0, n_items, (n,), generator=gen, device=gen.device)


def ridge_fold_in(factors: torch.Tensor, item_rows: np.ndarray, targets: np.ndarray, l2: float,
                  implicit_alpha: float | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """User vector fitting ``targets`` on ``factors[item_rows]`` with ridge penalty ``l2``.

    With ``implicit_alpha`` the unobserved items count as zeros with weight 1 and the history with
    weight 1 + alpha (implicit ALS fold-in). Returns (user vector, A^-1) so contributions can be split.
    """
    q = factors.detach().double().cpu()
    rows = torch.as_tensor(np.asarray(item_rows, dtype=np.int64))
    qh = q[rows]
    y = torch.as_tensor(np.asarray(targets, dtype=np.float64))
    dim = q.shape[1]
    if implicit_alpha is None:
        a = qh.T @ qh + l2 * torch.eye(dim, dtype=torch.float64)
        rhs = qh.T @ y
    else:
        a = q.T @ q + implicit_alpha * (qh.T @ qh) + l2 * torch.eye(dim, dtype=torch.float64)
        rhs = (1.0 + implicit_alpha) * (qh.T @ y)
    a_inv = torch.linalg.inv(a)
    return a_inv @ rhs, a_inv


#: ridge penalty and confidence of the implicit-feedback fold-in shared by the factor models (as in
#: implicit ALS, a history item weighs 1 + alpha times an unobserved one); changing them changes every
#: folded-in user and the history attributions that split those folds, so they live here once
IMPLICIT_FOLD_L2 = 1.0
IMPLICIT_FOLD_ALPHA = 10.0


def implicit_fold_in(factors: torch.Tensor, item_rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """A new user whose history items are all positives, folded into ``factors`` with the shared implicit
    settings: ``ridge_fold_in`` with ``IMPLICIT_FOLD_L2`` and ``IMPLICIT_FOLD_ALPHA``. Returns (user vector,
    A^-1); an item's share of a score is then ``(1 + IMPLICIT_FOLD_ALPHA) * q_h^T A^-1 q_i``."""
    rows = np.asarray(item_rows, dtype=np.int64)
    return ridge_fold_in(factors, rows, np.ones(len(rows)), l2=IMPLICIT_FOLD_L2,
                         implicit_alpha=IMPLICIT_FOLD_ALPHA)


def ridge_attribution(factors: torch.Tensor, item_rows: np.ndarray, targets: np.ndarray, l2: float,
                      target_rows: np.ndarray, base: np.ndarray, method: str,
                      implicit_alpha: float | None = None) -> HistoryAttribution:
    """The exact split of a ridge fold-in over its history: the user vector ``p = A^-1 Q_H^T t`` is linear
    in the targets, so history item h adds ``q_i^T A^-1 q_h t_h`` (times ``1 + alpha`` for the implicit
    fold-in) to the score of item i; ``base`` is what the user vector does not touch (biases)."""
    p, a_inv = ridge_fold_in(factors, item_rows, targets, l2, implicit_alpha)
    q = factors.detach().double().cpu()
    rows = torch.as_tensor(np.asarray(item_rows, dtype=np.int64))
    cols = torch.as_tensor(np.asarray(target_rows, dtype=np.int64))
    weight = torch.as_tensor(np.asarray(targets, dtype=np.float64))
    if implicit_alpha is not None:
        weight = weight * (1.0 + implicit_alpha)
    terms = ((q[rows] @ a_inv @ q[cols].T) * weight[:, None]).numpy()
    full = np.asarray(base, dtype=np.float64) + (q[cols] @ p).numpy()
    return HistoryAttribution(terms, method, True, full, np.asarray(base, dtype=np.float64))
