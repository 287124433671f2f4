"""Hyper-parameter search over one or several families, stored with the data, resumable, leak-free.

One Optuna study per family (``<search>/<family>``), all in the workbench database. A trial trains the
family with settings drawn from its search space on the training part, reports each epoch's validation
metric to the pruner, and is scored on the validation part. The test part is never seen by a trial
(``TrialSplit``): after the search, each family's chosen settings (the best trial's, or the defaults' when
the best beats them on the validation users only by noise: ``tuning/guard.py``) are trained once more by
the ordinary training runner (a recorded run and a saved model that ``evaluate``/``recommend`` use at
once), which scores the test part a single time. Iterative families keep the validation part for early
stopping, so with the same seed on CPU the final model is the chosen trial's model (``mf``/``autorec``
then refit on training + validation as they always do); closed-form families, with nothing to stop
early, learn from training + validation. The test part is the same either way, and the study records the
best and the chosen trial's validation scores and the final model's test figures side by side.

``run_search`` is a plain function for the CLI, a GUI worker thread and the tests: ``on_trial`` is called
after every finished trial (on the calling thread) and a ``CancelToken`` stops it between epochs.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import optuna
from optuna.trial import TrialState

from workbench.core.progress import Cancelled, CancelToken
from workbench.errors import WorkbenchError
from workbench.evaluation.splits import SplitSpec, make_split
from workbench.models.registry import create_model, family_class
from workbench.store.db import Database
from workbench.tuning.data import TrialSplit
from workbench.tuning.guard import DEFAULTS_KEY, PER_USER_KEY, Selection, encode_per_user, select_trial
from workbench.tuning.space import SearchSpace, build_space
from workbench.tuning.storage import OWNER_KEY, RETRY, fail_abandoned_trials, open_storage, owner_tag

SAMPLERS = ("tpe", "random", "grid")
PRUNERS = ("median", "halving", "none")
LOWER_IS_BETTER = ("rmse", "mae")
META_KEY = "workbench"
FINAL_KEY = "final"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchRequest:
    """What to search: families on a dataset, the budget (trials per family and/or total seconds), the
    metric (default ``ndcg@10``, ``rmse`` for rating families), split, sampler, pruner and seed.
    ``settings`` holds ``key=low:high`` ranges, ``a|b`` choices or fixed values, applied to every family
    that has the key."""

    dataset: int | str
    families: tuple[str, ...]
    n_trials: int | None = 20
    timeout_s: float | None = None
    metric: str | None = None
    split: SplitSpec = field(default_factory=SplitSpec)
    settings: dict[str, str] = field(default_factory=dict)
    sampler: str = "tpe"
    pruner: str = "median"
    seed: int = 42
    device: str = "auto"
    train_final: bool = True
    name: str | None = None
    #: the family's default settings are the first trial, so the search never ends below the defaults
    start_from_defaults: bool = True
    #: settings tried first, in order (per family: only the keys of its space are used)
    enqueue: tuple[dict[str, Any], ...] = ()


@dataclass
class TrialEvent:
    """One finished trial, as the GUI plots it and the CLI prints it."""

    search: str
    family: str
    study_id: int
    number: int
    state: str  # COMPLETE, PRUNED, FAIL
    value: float | None
    best_value: float | None
    params: dict[str, Any]
    epochs: int
    duration_s: float
    intermediate: dict[int, float] = field(default_factory=dict)
    error: str | None = None


@dataclass
class FamilyResult:
    """A family's study after the search: best validation settings and score, the final model's figures."""

    family: str
    study_id: int
    study_name: str
    metric: str
    direction: str  # "maximize" | "minimize"
    n_complete: int
    n_pruned: int
    n_failed: int
    best_params: dict[str, Any]
    best_value: float | None
    best_trial: int | None
    final_model_id: int | None = None
    final_run_id: int | None = None
    test_metrics: dict[str, float] = field(default_factory=dict)
    #: trials stopped because the time budget was spent (not counted in ``n_pruned``)
    n_stopped: int = 0
    #: why trials failed, when none completed (e.g. a content model on a dataset without item text)
    error: str | None = None
    #: the trial trained: the best, or the defaults when the best beats them only by noise
    selection: Selection | None = None
    chosen_params: dict[str, Any] = field(default_factory=dict)
    chosen_value: float | None = None

    @property
    def chosen_trial(self) -> int | None:
        return None if self.selection is None else self.selection.chosen_trial

    @property
    def note(self) -> str | None:
        return None if self.selection is None or self.selection.outcome == "none" else self.selection.note

    @property
    def test_value(self) -> float | None:
        return self.test_metrics.get(self.metric)

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family, "study_id": self.study_id, "study_name": self.study_name,
                "metric": self.metric, "direction": self.direction, "complete": self.n_complete,
                "pruned": self.n_pruned, "stopped_for_time": self.n_stopped, "failed": self.n_failed,
                "best_trial": self.best_trial,
                "best_params": self.best_params, "valid_score": self.best_value,
                "chosen_trial": self.chosen_trial, "chosen_params": self.chosen_params,
                "chosen_valid_score": self.chosen_value, "note": self.note,
                "selection": None if self.selection is None else self.selection.to_dict(),
                "test_score": self.test_value, "model_id": self.final_model_id, "run_id": self.final_run_id,
                "test_metrics": self.test_metrics, "error": self.error}


@dataclass
class SearchResult:
    """Every family's result, ranked by the validation score of the settings trained (the test part plays
    no part in the ranking)."""

    search: str
    dataset_id: int
    families: list[FamilyResult]
    elapsed_s: float = 0.0

    @property
    def best(self) -> FamilyResult | None:
        return self.families[0] if self.families and self.families[0].best_value is not None else None

    def to_dict(self) -> dict[str, Any]:
        best = self.best
        return {"search": self.search, "dataset_id": self.dataset_id,
                "study_id": best.study_id if best else None, "family": best.family if best else None,
                "best_trial": best.best_trial if best else None,
                "best_params": best.best_params if best else {},
                "valid_score": best.best_value if best else None,
                "chosen_trial": best.chosen_trial if best else None,
                "chosen_params": best.chosen_params if best else {},
                "chosen_valid_score": best.chosen_value if best else None,
                "note": best.note if best else None,
                "test_score": best.test_value if best else None,
                "model_id": best.final_model_id if best else None, "elapsed_s": round(self.elapsed_s, 3),
                "ranking": [f.to_dict() for f in self.families]}


TrialCallback = Callable[[TrialEvent], None]


def metric_direction(metric: str) -> str:
    """``minimize`` for error metrics (rmse, mae), ``maximize`` otherwise."""
    return "minimize" if metric.split("@")[0] in LOWER_IS_BETTER else "maximize"


def default_metric(family: str, settings: dict[str, Any] | None = None, *, explicit: bool = True) -> str:
    """``rmse`` when the family (with ``settings``) predicts ratings on this data, ``ndcg@10`` otherwise.

    A family whose objective is ``auto`` ranks on implicit data (``explicit`` False), so it is scored by a
    ranking metric there."""
    fixed = {k: v for k, v in (settings or {}).items() if k in _field_names(family)}
    try:
        model = create_model(family, fixed)
    except WorkbenchError:
        return "ndcg@10"
    if getattr(model.config, "objective", None) == "auto":
        return "rmse" if explicit else "ndcg@10"
    return "rmse" if model.predicts_ratings else "ndcg@10"


def _field_names(family: str) -> set[str]:
    return {f.name for f in dataclasses.fields(family_class(family).Config)}


def _parse_metric(metric: str) -> tuple[str, int]:
    base, _, k = metric.partition("@")
    from workbench.evaluation.protocol import LIST_METRICS, RANKING_METRICS, RATING_METRICS

    if base in RATING_METRICS and not k:
        return base, 10
    if base in RANKING_METRICS + LIST_METRICS and k.isdigit() and int(k) > 0:
        return base, int(k)
    raise WorkbenchError(f"unknown metric '{metric}' (use e.g. ndcg@10, recall@20, map@10, rmse or mae)")


def _family_settings(families: tuple[str, ...], settings: dict[str, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {f: {} for f in families}
    for key, value in settings.items():
        owners = [f for f in families if key in _field_names(f)]
        if not owners:
            raise WorkbenchError(f"no chosen family has a setting '{key}' (families: {', '.join(families)})")
        for family in owners:
            out[family][key] = value
    return out


def _first_trials(space: SearchSpace, request: SearchRequest) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(settings, user attributes) of the trials queued first: the defaults (marked as such), then
    ``request.enqueue``."""
    names = {p.name for p in space.params}
    out: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({k: v for k, v in settings.items() if k in names}, {}) for settings in request.enqueue]
    # a grid visits its own points only: the defaults may lie between them
    if request.start_from_defaults and space.params and request.sampler != "grid":
        defaults = family_class(space.family).Config()
        point: dict[str, Any] = {}
        for p in space.params:
            value = getattr(defaults, p.name)
            if p.kind == "categorical":
                if value in p.choices:
                    point[p.name] = value
            elif p.low is not None and p.high is not None:
                point[p.name] = type(value)(min(max(value, p.low), p.high))
        out.insert(0, (point, {DEFAULTS_KEY: True}))
    return [(point, attrs) for point, attrs in out if point]


def _make_sampler(name: str, space: SearchSpace, seed: int) -> optuna.samplers.BaseSampler:
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(10, max(3, 2 * len(space.params))))
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "grid":
        if not space.params:
            raise WorkbenchError(f"{space.family} has nothing to search: a grid needs at least one range")
        return optuna.samplers.GridSampler(space.grid(), seed=seed)
    raise WorkbenchError(f"unknown sampler '{name}' (known: {', '.join(SAMPLERS)})")


def _make_pruner(name: str) -> optuna.pruners.BasePruner:
    if name == "median":
        # a few complete trials first, and two epochs of grace: the first epochs of any model look alike
        return optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=2)
    if name == "halving":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=2, reduction_factor=3)
    if name == "none":
        return optuna.pruners.NopPruner()
    raise WorkbenchError(f"unknown pruner '{name}' (known: {', '.join(PRUNERS)})")


def _retried(trials: list[optuna.trial.FrozenTrial]) -> set[int]:
    """Numbers of failed trials whose settings were queued again (Optuna's retry marks the copy)."""
    return {int(t.system_attrs["failed_trial"]) for t in trials if "failed_trial" in t.system_attrs}


def _counted(trial: optuna.trial.FrozenTrial, retried: set[int]) -> bool:
    """Whether a finished trial uses up budget (trials retried after a kill or a cancel do not)."""
    if trial.state in (TrialState.COMPLETE, TrialState.PRUNED):
        return True
    return trial.state == TrialState.FAIL and trial.number not in retried


class _Objective:
    """Trains one trial on the training part and scores it on the validation part."""

    def __init__(self, family: str, space: SearchSpace, data: Any, split: TrialSplit, metric: str,
                 device: str, cancel: CancelToken | None, deadline: float | None) -> None:
        self.family, self.space, self.data, self.split = family, space, data, split
        self.metric = metric
        self.base, self.k = _parse_metric(metric)
        self.direction = metric_direction(metric)
        self.device, self.cancel, self.deadline = device, cancel, deadline

    def __call__(self, trial: optuna.Trial) -> float:
        from workbench.evaluation.protocol import evaluate_per_user
        from workbench.training.runner import build_config

        trial.set_user_attr(OWNER_KEY, owner_tag())
        # copied from a retried trial
        for key in ("cancelled", "abandoned", "error", "stopped", PER_USER_KEY):
            if trial.user_attrs.get(key) is not None:
                trial.set_user_attr(key, None)
        values = self.space.suggest(trial)
        view = self.split.trial_view()
        epochs = 0
        try:
            settings = {**self.space.fixed, **values}
            if "refit" in _field_names(self.family):
                # refitting on training + validation would train a trial on the rows that score it
                settings["refit"] = False
            config = build_config(self.family, settings)
            model = create_model(self.family, config)
            model.absorb_validation = False  # the trial is scored on the validation part: it stays unseen
            if self.base in LOWER_IS_BETTER and not model.predicts_ratings:
                raise WorkbenchError(f"{self.family} does not predict ratings here: {self.metric} does not "
                                     "apply (choose a ranking metric such as ndcg@10)")
            for report in model.fit(view.train, content=self.data.content, valid=view.test,
                                    device=self.device, cancel=self.cancel):
                epochs = report.epoch
                value = report.valid_metric
                if value is not None and math.isfinite(value) and report.metric_name is not None \
                        and metric_direction(report.metric_name) == self.direction:
                    trial.report(float(value), report.epoch)
                    if trial.should_prune():
                        trial.set_user_attr("epochs", epochs)
                        raise optuna.TrialPruned(f"epoch {epochs}: {report.metric_name} {value:.4f}")
                if self.deadline is not None and time.monotonic() > self.deadline and trial.study.get_trials(
                        deepcopy=False, states=(TrialState.COMPLETE,)):
                    # out of time; a family's first complete trial always finishes, so every family
                    # searched has a result even when one trial outlasts its share of the budget
                    trial.set_user_attr("epochs", epochs)
                    trial.set_user_attr("stopped", "time budget spent")
                    raise optuna.TrialPruned("time budget spent")
            trial.set_user_attr("epochs", epochs)
            metrics, per_user = evaluate_per_user(
                model, view.train, view.test, self.k, self.data.content, metrics={self.base},
                rating_metrics=self.base in LOWER_IS_BETTER, cancel=self.cancel)
        except Cancelled:
            trial.set_user_attr("cancelled", True)
            raise
        except WorkbenchError as exc:
            trial.set_user_attr("error", str(exc))
            raise
        key = self.base if self.base in LOWER_IS_BETTER else self.metric
        if key not in metrics or metrics[key] is None or not math.isfinite(metrics[key]):
            trial.set_user_attr("error", f"no {self.metric} on the validation part")
            raise WorkbenchError(f"{self.family}: the validation part gives no {self.metric}")
        value = float(metrics[key])
        if key in per_user and (trial.user_attrs.get(DEFAULTS_KEY) or self._best_so_far(trial, value)):
            # what the selection compares the best trial with the defaults on (see tuning/guard.py)
            trial.set_user_attr(PER_USER_KEY, encode_per_user(key, per_user[key]))
        return value

    def _best_so_far(self, trial: optuna.Trial, value: float) -> bool:
        try:
            best = trial.study.best_value
        except ValueError:  # no trial completed yet
            return True
        return value <= best if self.direction == "minimize" else value >= best


def _event(search: str, family: str, study: optuna.Study, study_id: int,
           trial: optuna.trial.FrozenTrial) -> TrialEvent:
    try:
        best = study.best_value
    except ValueError:
        best = None
    duration = trial.duration.total_seconds() if trial.duration is not None else 0.0
    return TrialEvent(search=search, family=family, study_id=study_id, number=trial.number,
                      state=trial.state.name, value=trial.value, best_value=best, params=dict(trial.params),
                      epochs=int(trial.user_attrs.get("epochs", 0)), duration_s=duration,
                      intermediate={int(k): float(v) for k, v in trial.intermediate_values.items()},
                      error=trial.user_attrs.get("error"))


def new_search_name(data_name: str) -> str:
    """A fresh search name: the dataset name and the local date and time."""
    return f"{data_name}-{datetime.now():%Y%m%d-%H%M%S}"


def run_search(db: Database, request: SearchRequest, *, cancel: CancelToken | None = None,
               on_trial: TrialCallback | None = None, on_study: Callable[[str, int], None] | None = None,
               ) -> SearchResult:
    """Search every family of ``request`` and train each family's best settings (see the module doc)."""
    from workbench.store.datasets import load_dataset

    if not request.families:
        raise WorkbenchError("choose at least one model family to tune")
    if request.n_trials is None and request.timeout_s is None:
        raise WorkbenchError("give a budget: a number of trials, a time limit, or both")
    if request.n_trials is not None and request.n_trials < 1:
        raise WorkbenchError("the number of trials must be at least 1")
    if request.timeout_s is not None and request.timeout_s <= 0:
        raise WorkbenchError("the time limit must be above 0 seconds")
    families = tuple(dict.fromkeys(request.families))
    for family in families:
        family_class(family)
    _make_pruner(request.pruner)
    if request.sampler not in SAMPLERS:
        raise WorkbenchError(f"unknown sampler '{request.sampler}' (known: {', '.join(SAMPLERS)})")
    per_family = _family_settings(families, request.settings)
    spaces = {f: build_space(f, per_family[f]) for f in families}
    if request.metric:
        _parse_metric(request.metric)
    data = load_dataset(db, request.dataset)
    explicit = data.interactions.is_explicit
    metrics = {f: request.metric or default_metric(f, spaces[f].fixed, explicit=explicit) for f in families}
    assert data.dataset_id is not None
    search = request.name or new_search_name(data.name)
    storage = open_storage(db)
    for family in families:
        name = f"{search}/{family}"
        if name in {s.study_name for s in optuna.get_all_study_summaries(storage, include_best_trial=False)}:
            raise WorkbenchError(f"a search named '{search}' already has a {family} study: resume it or "
                                 "choose another name")
        study = optuna.create_study(storage=storage, study_name=name,
                                    direction=metric_direction(metrics[family]))
        for settings, attrs in _first_trials(spaces[family], request):
            study.enqueue_trial(settings, user_attrs=attrs)
        study.set_user_attr(META_KEY, {
            "search": search, "dataset_id": data.dataset_id, "dataset": data.name, "family": family,
            "metric": metrics[family], "split": request.split.to_dict(), "space": spaces[family].to_dict(),
            "sampler": request.sampler, "pruner": request.pruner, "seed": request.seed,
            "n_trials": request.n_trials, "timeout_s": request.timeout_s, "device": request.device,
            "train_final": request.train_final})
    return _run(db, storage, search, families, data, cancel=cancel, on_trial=on_trial, on_study=on_study)


def resume_search(db: Database, search: str | int, *, n_trials: int | None = None,
                  timeout_s: float | None = None, cancel: CancelToken | None = None,
                  on_trial: TrialCallback | None = None, on_study: Callable[[str, int], None] | None = None,
                  ) -> SearchResult:
    """Continue a search (by name, or any of its studies' id or name) until its trial budget is spent.

    Trials left RUNNING by a killed process are marked failed and their settings queued again; the
    remaining budget is the stored number of trials (or ``n_trials``) minus the trials that finished; a
    time limit (stored, or ``timeout_s``) starts afresh.
    """
    from workbench.store.datasets import load_dataset

    storage = open_storage(db)
    name = _resolve_search(storage, search)
    studies = _search_studies(storage, name)
    families = tuple(studies)
    meta = studies[families[0]].user_attrs[META_KEY]
    for study in studies.values():
        changes: dict[str, float] = {}
        if n_trials is not None:
            changes["n_trials"] = n_trials
        if timeout_s is not None:
            changes["timeout_s"] = timeout_s
        if changes:
            study.set_user_attr(META_KEY, {**study.user_attrs[META_KEY], **changes})
    data = load_dataset(db, int(meta["dataset_id"]))
    return _run(db, storage, name, families, data, cancel=cancel, on_trial=on_trial, on_study=on_study,
                resuming=True)


def _resolve_search(storage: Any, search: str | int) -> str:
    summaries = optuna.get_all_study_summaries(storage, include_best_trial=False)
    text = str(search)
    for s in summaries:
        attrs = s.user_attrs.get(META_KEY, {})
        if text in (s.study_name, attrs.get("search")) or (
                text.isdigit() and int(text) == storage.get_study_id_from_name(s.study_name)):
            return str(attrs.get("search") or s.study_name.rpartition("/")[0])
    raise WorkbenchError(f"no search or study '{search}' in this database (see `studies list`)")


def _search_studies(storage: Any, search: str) -> dict[str, optuna.Study]:
    out: dict[str, optuna.Study] = {}
    for s in optuna.get_all_study_summaries(storage, include_best_trial=False):
        attrs = s.user_attrs.get(META_KEY, {})
        if attrs.get("search") == search:
            out[str(attrs["family"])] = optuna.load_study(study_name=s.study_name, storage=storage)
    if not out:
        raise WorkbenchError(f"no search '{search}' in this database (see `studies list`)")
    return out


def _run(db: Database, storage: Any, search: str, families: tuple[str, ...], data: Any, *,
         cancel: CancelToken | None, on_trial: TrialCallback | None,
         on_study: Callable[[str, int], None] | None, resuming: bool = False) -> SearchResult:
    started = time.perf_counter()
    studies = {f: optuna.load_study(study_name=f"{search}/{f}", storage=storage) for f in families}
    meta0 = studies[families[0]].user_attrs[META_KEY]
    timeout_s = meta0.get("timeout_s")
    deadline = time.monotonic() + float(timeout_s) if timeout_s else None
    spec = SplitSpec.from_dict(meta0["split"])
    split = TrialSplit(make_split(data.interactions, spec))
    results: list[FamilyResult] = []
    for position, family in enumerate(families):
        study = studies[family]
        meta = study.user_attrs[META_KEY]
        study_id = storage.get_study_id_from_name(study.study_name)
        if on_study is not None:
            on_study(family, study_id)
        if resuming:
            fail_abandoned_trials(storage, study)
        space = SearchSpace.from_dict(meta["space"])
        trials = study.get_trials(deepcopy=False)
        counted = sum(_counted(t, _retried(trials)) for t in trials)
        remaining = None if meta.get("n_trials") is None else max(0, int(meta["n_trials"]) - counted)
        family_deadline = None
        if deadline is not None:
            # the time left is shared equally by the families still to search
            share = max(0.0, deadline - time.monotonic()) / (len(families) - position)
            family_deadline = time.monotonic() + share
        study.sampler = _make_sampler(meta["sampler"], space, int(meta["seed"]) + len(study.trials))
        study.pruner = _make_pruner(meta["pruner"])
        objective = _Objective(family, space, data, split, meta["metric"], meta["device"], cancel,
                               family_deadline)

        def callback(st: optuna.Study, trial: optuna.trial.FrozenTrial, family: str = family,
                     study_id: int = study_id) -> None:
            if on_trial is not None:
                on_trial(_event(search, family, st, study_id, trial))

        out_of_time = family_deadline is not None and family_deadline <= time.monotonic()
        if out_of_time and not any(t.state == TrialState.COMPLETE for t in trials):
            remaining = 1 if remaining is None else min(1, remaining)  # every family gets its first trial
            out_of_time = False
        if remaining != 0 and not out_of_time:
            left = None if family_deadline is None else max(1.0, family_deadline - time.monotonic())
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                    study.optimize(objective, n_trials=remaining, timeout=left, catch=(WorkbenchError,),
                                   callbacks=[callback], gc_after_trial=False)
            except Cancelled:
                _requeue_cancelled(study)
                raise
        results.append(_family_result(study, study_id, family))
        if meta.get("train_final", True):
            _train_final(db, study, results[-1], data, spec, meta, cancel)
    return SearchResult(search, int(data.dataset_id), _rank(results), time.perf_counter() - started)


def _requeue_cancelled(study: optuna.Study) -> None:
    """Queue the settings of the trial a cancel interrupted, so a resume trains it again."""
    trials = study.get_trials(deepcopy=False)
    retried = _retried(trials)
    for trial in trials:
        cancelled = trial.state == TrialState.FAIL and trial.user_attrs.get("cancelled")
        if cancelled and trial.number not in retried:
            RETRY(study, trial)


def _family_result(study: optuna.Study, study_id: int, family: str) -> FamilyResult:
    meta = study.user_attrs[META_KEY]
    trials = study.get_trials(deepcopy=False)
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    best = study.best_trial if complete else None
    selection = select_trial(study, meta["metric"])
    chosen = next((t for t in complete if t.number == selection.chosen_trial), None)
    final = study.user_attrs.get(FINAL_KEY, {})
    if chosen is None or final.get("trial") != chosen.number:
        final = {}  # trained for another trial: a resumed search found better settings since
    return FamilyResult(
        family=family, study_id=study_id, study_name=study.study_name, metric=meta["metric"],
        direction=study.direction.name.lower(), n_complete=len(complete),
        n_pruned=sum(t.state == TrialState.PRUNED and not t.user_attrs.get("stopped") for t in trials),
        n_stopped=sum(t.state == TrialState.PRUNED and bool(t.user_attrs.get("stopped")) for t in trials),
        n_failed=sum(t.state == TrialState.FAIL for t in trials),
        best_params=dict(best.params) if best else {}, best_value=best.value if best else None,
        best_trial=best.number if best else None,
        error=None if complete else next((str(t.user_attrs["error"]) for t in reversed(trials)
                                          if t.user_attrs.get("error")), None),
        final_model_id=final.get("model_id"),
        final_run_id=final.get("run_id"), test_metrics=dict(final.get("test_metrics", {})),
        selection=selection, chosen_params=dict(chosen.params) if chosen else {},
        chosen_value=chosen.value if chosen else None)


def _train_final(db: Database, study: optuna.Study, result: FamilyResult, data: Any, spec: SplitSpec,
                 meta: dict[str, Any], cancel: CancelToken | None) -> None:
    """Train the chosen settings through the training runner (recorded, saved, test part scored once)."""
    if result.chosen_trial is None or result.final_model_id is not None:
        return
    from workbench.training.runner import train

    space = SearchSpace.from_dict(meta["space"])
    settings = {**space.fixed, **result.chosen_params}
    if not family_class(result.family).iterative:
        # nothing to stop early: a closed-form model learns from training + validation (same test part)
        spec = dataclasses.replace(spec, valid_fraction=0.0)
    outcome = train(db, data, result.family, settings, spec, device=meta["device"], cancel=cancel,
                    name=f"{result.family}-tuned-{meta['search']}")
    base, _ = _parse_metric(result.metric)
    wanted = {k: v for k, v in outcome.metrics.items() if "/" not in k}
    final = {"trial": result.chosen_trial, "best_trial": result.best_trial, "model_id": outcome.model_id,
             "run_id": outcome.run_id, "valid_score": result.chosen_value,
             "best_valid_score": result.best_value, "note": result.note, "test_metrics": wanted}
    study.set_user_attr(FINAL_KEY, final)
    result.final_model_id, result.final_run_id, result.test_metrics = outcome.model_id, outcome.run_id, wanted
    if result.metric not in wanted and base in wanted:
        result.test_metrics[result.metric] = wanted[base]


def _rank(results: list[FamilyResult]) -> list[FamilyResult]:
    def key(r: FamilyResult) -> tuple[int, str, float]:
        if r.chosen_value is None:
            return (1, r.metric, 0.0)
        return (0, r.metric, r.chosen_value if r.direction == "minimize" else -r.chosen_value)

    return sorted(results, key=key)


def train_best(db: Database, search: str | int, family: str | None = None,
               cancel: CancelToken | None = None) -> SearchResult:
    """Train (again if needed) the chosen settings of a search's families (the best trial's, or the defaults
    when the best beats them only by noise: ``FamilyResult.note``); returns the updated result."""
    from workbench.store.datasets import load_dataset

    storage = open_storage(db)
    name = _resolve_search(storage, search)
    studies = _search_studies(storage, name)
    results = []
    data = None
    for fam, study in studies.items():
        meta = study.user_attrs[META_KEY]
        study_id = storage.get_study_id_from_name(study.study_name)
        result = _family_result(study, study_id, fam)
        if family is None or fam == family:
            if data is None:
                data = load_dataset(db, int(meta["dataset_id"]))
            _train_final(db, study, result, data, SplitSpec.from_dict(meta["split"]), meta, cancel)
        results.append(result)
    dataset_id = int(next(iter(studies.values())).user_attrs[META_KEY]["dataset_id"])
    return SearchResult(name, dataset_id, _rank(results))


# --- reading stored searches (CLI `tune list/show`, the Tune page) -----------------------------------

@dataclass
class SearchSummary:
    """One stored search: its name, dataset, families and how far it got."""

    search: str
    dataset_id: int
    dataset: str
    families: list[str]
    metric: str
    n_trials: int | None
    n_finished: int
    started: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"search": self.search, "dataset_id": self.dataset_id, "dataset": self.dataset,
                "families": self.families, "metric": self.metric, "n_trials": self.n_trials,
                "finished": self.n_finished,
                "started": self.started.isoformat(timespec="seconds") if self.started else None}


def list_searches(db: Database) -> list[SearchSummary]:
    """Every search stored in the database, newest first."""
    storage = open_storage(db)
    by_name: dict[str, SearchSummary] = {}
    for s in optuna.get_all_study_summaries(storage, include_best_trial=False):
        attrs = s.user_attrs.get(META_KEY)
        if not attrs:
            continue  # a study made by other Optuna code sharing this database
        name = str(attrs["search"])
        summary = by_name.setdefault(name, SearchSummary(
            name, int(attrs["dataset_id"]), str(attrs.get("dataset", "")), [], str(attrs["metric"]),
            attrs.get("n_trials"), 0, s.datetime_start))
        summary.families.append(str(attrs["family"]))
        summary.n_finished += s.n_trials
        if s.datetime_start and (summary.started is None or s.datetime_start < summary.started):
            summary.started = s.datetime_start
    return sorted(by_name.values(), key=lambda x: x.started or datetime.min, reverse=True)


def search_events(db: Database, search: str | int) -> tuple[str, list[TrialEvent]]:
    """(search name, every finished trial of its studies in the order they finished)."""
    storage = open_storage(db)
    name = _resolve_search(storage, search)
    events: list[TrialEvent] = []
    for family, study in _search_studies(storage, name).items():
        study_id = storage.get_study_id_from_name(study.study_name)
        finished = [t for t in study.get_trials(deepcopy=False) if t.state.is_finished()]
        best: float | None = None
        for trial in sorted(finished, key=lambda t: t.number):
            event = _event(name, family, study, study_id, trial)
            if trial.state == TrialState.COMPLETE and trial.value is not None:
                better = best is None or (trial.value < best if study.direction.name == "MINIMIZE"
                                          else trial.value > best)
                best = trial.value if better else best
            event.best_value = best  # the running best at that trial, for the history plot
            events.append(event)
    events.sort(key=lambda e: (e.family, e.number))
    return name, events


def search_result(db: Database, search: str | int) -> SearchResult:
    """The ranked result of a stored search (without training anything)."""
    storage = open_storage(db)
    name = _resolve_search(storage, search)
    studies = _search_studies(storage, name)
    results = [_family_result(study, storage.get_study_id_from_name(study.study_name), fam)
               for fam, study in studies.items()]
    dataset_id = int(next(iter(studies.values())).user_attrs[META_KEY]["dataset_id"])
    return SearchResult(name, dataset_id, _rank(results))


def param_importances(db: Database, search: str | int, family: str) -> dict[str, float]:
    """Each searched parameter's share of the validation score's variance (Optuna's PED-ANOVA evaluator,
    which needs no extra library); empty until two trials completed."""
    storage = open_storage(db)
    name = _resolve_search(storage, search)
    study = _search_studies(storage, name).get(family)
    if study is None:
        raise WorkbenchError(f"search '{name}' has no {family} study")
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if len(complete) < 2 or not any(t.params for t in complete):
        return {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            evaluator = optuna.importance.PedAnovaImportanceEvaluator()
            return {k: float(v) for k, v in optuna.importance.get_param_importances(
                study, evaluator=evaluator).items()}
    except (RuntimeError, ValueError) as exc:  # e.g. every completed trial has the same settings
        log.info("no importances for %s: %s", study.study_name, exc)
        return {}
