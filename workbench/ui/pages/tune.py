"""The Tune page: search hyper-parameters of one or several families and watch the search live.

Pick a dataset, families, metric and budget; every finished trial lands on the optimisation-history plot
(complete trials as dots, pruned ones as grey crosses at their last validation score, the running best as
a line per family) and in the trials table. After each complete trial the parameter importances and the
slice plot (score against one parameter) are refreshed from the study. Cancel stops at the next epoch;
resume continues a stored search. "Train the best" trains the best settings of each family as normal
models (the defaults instead when the best beats them on the validation users only by noise; the ranking
table and the line beside the button say which trial was trained and why); "Open in Models" shows the
best one there. Everything runs on worker threads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core.progress import CancelToken, Progress
from workbench.errors import WorkbenchError
from workbench.models.registry import FAMILIES
from workbench.store.datasets import list_datasets
from workbench.store.db import STORE_ERRORS
from workbench.ui import plots
from workbench.ui.context import AppContext
from workbench.ui.i18n import translate
from workbench.ui.job_slots import JobSlots
from workbench.ui.widgets import EmptyState, InlineMessage, select_by_data

METRICS = (
    ("auto", QT_TRANSLATE_NOOP("TunePage", "auto")),
    ("ndcg@10", "ndcg@10"),
    ("recall@20", "recall@20"),
    ("map@10", "map@10"),
    ("mrr@10", "mrr@10"),
    ("rmse", "rmse"),
)
DEFAULT_FAMILIES = ("ease", "bpr")
PRUNED_COLOUR = "#999999"


@dataclass(frozen=True)
class StudyStarted:
    """Worker -> page: a family's study is being searched."""

    family: str
    study_id: int


@dataclass(frozen=True)
class StoredView:
    """Quiet job -> page: what the study holds beyond the live events (ranking, importances)."""

    search: str
    events: list[Any]
    result: Any
    importances: dict[str, dict[str, float]]


def parse_ranges(text: str) -> dict[str, str]:
    """``key=value`` tokens separated by spaces or semicolons (``dim=16:64 l2=1e-4:1e-1:log``)."""
    out: dict[str, str] = {}
    for token in text.replace(";", " ").split():
        key, sep, value = token.partition("=")
        if not sep or not key or not value:
            raise WorkbenchError(f"'{token}' is not KEY=LOW:HIGH, KEY=A|B or KEY=VALUE")
        out[key] = value
    return out


class TunePage(QWidget):
    """Hyper-parameter search with live plots.

    Signals: ``search_started(str search)``, ``trial_plotted(str family, int number)`` (after a trial is on
    the plot), ``search_finished(str search)``, ``search_cancelled(str search)``, ``search_failed(str)``,
    ``view_loaded(str search)`` (importances and ranking drawn from the stored study).
    """

    search_started = Signal(str)
    trial_plotted = Signal(str, int)
    search_finished = Signal(str)
    search_cancelled = Signal(str)
    search_failed = Signal(str)
    view_loaded = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.search: str | None = None
        self.events: list[Any] = []
        self.result: Any = None
        self._importances: dict[str, dict[str, float]] = {}
        self.jobs = JobSlots(ctx.jobs, parent=self)  # "search" (a search or its final training), "view"
        self._view_again = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.empty = EmptyState(
            translate("TunePage", "No dataset yet"),
            translate("TunePage", "Import one on the Datasets page or load the demo, then tune models here."),
        )
        self.stack.addWidget(self.empty)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.setChildrenCollapsible(False)
        # the settings column scrolls: after a search its status and stored searches must not make the
        # window taller than a 700-pixel screen
        settings_scroll = QScrollArea()
        settings_scroll.setWidgetResizable(True)
        settings_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        settings_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        settings = self._build_settings_column()
        settings_scroll.setWidget(settings)
        bar = settings_scroll.verticalScrollBar().sizeHint().width()
        settings_scroll.setMinimumWidth(settings.minimumWidth() + bar)
        settings_scroll.setMaximumWidth(settings.maximumWidth() + bar)
        body.addWidget(settings_scroll)
        body.addWidget(self._build_results_column())
        body.setStretchFactor(1, 1)
        body.setSizes([330, 950])
        self.stack.addWidget(body)

        ctx.datasets_changed.connect(self.refresh_datasets)
        ctx.dataset_selected.connect(self._select_dataset)
        ctx.database_changed.connect(lambda _text: self._on_database_changed())
        self.refresh_datasets()
        self.refresh_searches()
        self._update_buttons()

    # --- layout ----------------------------------------------------------------------------------
    def _build_settings_column(self) -> QWidget:
        column = QWidget()
        column.setMinimumWidth(300)
        column.setMaximumWidth(420)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 6, 0)
        box = QGroupBox(translate("TunePage", "Search"))
        form = QFormLayout(box)
        self.dataset_combo = QComboBox()
        form.addRow(translate("TunePage", "Dataset"), self.dataset_combo)
        self.families_list = QListWidget()
        self.families_list.setMaximumHeight(150)
        self.families_list.setToolTip(
            translate(
                "TunePage",
                "Families to search (one study each); their default spaces come from their settings",
            )
        )
        from workbench.tuning.space import default_space

        for family in FAMILIES:
            if not default_space(family):
                continue  # nothing to search
            item = QListWidgetItem(family)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = family in DEFAULT_FAMILIES
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.families_list.addItem(item)
        form.addRow(translate("TunePage", "Families"), self.families_list)
        self.metric_combo = QComboBox()
        for key, label in METRICS:
            self.metric_combo.addItem(translate("TunePage", label), key)
        self.metric_combo.setToolTip(translate(
            "TunePage", "Validation metric the search optimises (auto: ndcg@10; rmse for rating models)"))
        form.addRow(translate("TunePage", "Metric"), self.metric_combo)
        self.trials_spin = QSpinBox()
        self.trials_spin.setRange(1, 10_000)
        self.trials_spin.setValue(20)
        self.trials_spin.setSuffix(translate("TunePage", " per family"))
        form.addRow(translate("TunePage", "Trials"), self.trials_spin)
        self.minutes_spin = QSpinBox()
        self.minutes_spin.setRange(0, 24 * 60)
        self.minutes_spin.setSpecialValueText(translate("TunePage", "no limit"))
        self.minutes_spin.setSuffix(translate("TunePage", " min"))
        self.minutes_spin.setToolTip(
            translate("TunePage", "Time for the whole search (shared by the families); 0: trials only")
        )
        form.addRow(translate("TunePage", "Time limit"), self.minutes_spin)
        self.sampler_combo = QComboBox()
        for key, label in (
            ("tpe", translate("TunePage", "TPE (Bayesian)")),
            ("random", translate("TunePage", "random")),
            ("grid", translate("TunePage", "grid")),
        ):
            self.sampler_combo.addItem(label, key)
        form.addRow(translate("TunePage", "Sampler"), self.sampler_combo)
        self.pruner_combo = QComboBox()
        self.pruner_combo.setToolTip(translate(
            "TunePage", "median: stop a trial whose score falls below the median of earlier trials at the "
            "same epoch; successive halving: keep the best share at each rung"))
        for key, label in (
            ("median", translate("TunePage", "median")),
            ("halving", translate("TunePage", "successive halving")),
            ("none", translate("TunePage", "none")),
        ):
            self.pruner_combo.addItem(label, key)
        form.addRow(translate("TunePage", "Pruner"), self.pruner_combo)
        self.ranges_edit = QLineEdit()
        self.ranges_edit.setPlaceholderText(translate("TunePage", "dim=16:64 l2=1e-4:1e-1:log epochs=20"))
        self.ranges_edit.setToolTip(
            translate(
                "TunePage",
                "Change the default spaces: KEY=LOW:HIGH[:log] searches a range, "
                "KEY=A|B|C choices, KEY=VALUE fixes a setting",
            )
        )
        form.addRow(translate("TunePage", "Ranges"), self.ranges_edit)
        layout.addWidget(box)

        row = QHBoxLayout()
        self.start_button = QPushButton(translate("TunePage", "Start search"))
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start_search)
        self.cancel_button = QPushButton(translate("TunePage", "Cancel"))
        self.cancel_button.clicked.connect(self.cancel_search)
        row.addWidget(self.start_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.message = InlineMessage()
        layout.addWidget(self.message)

        stored = QGroupBox(translate("TunePage", "Stored searches"))
        stored_layout = QVBoxLayout(stored)
        self.searches_list = QListWidget()
        self.searches_list.currentItemChanged.connect(self._on_search_selected)
        stored_layout.addWidget(self.searches_list)
        self.resume_button = QPushButton(translate("TunePage", "Resume"))
        self.resume_button.setToolTip(
            translate("TunePage", "Continue the selected search until its trial budget is spent")
        )
        self.resume_button.clicked.connect(self.resume_selected)
        stored_layout.addWidget(self.resume_button)
        layout.addWidget(stored, 1)
        return column

    def _build_results_column(self) -> QWidget:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(6, 0, 0, 0)
        self.history_plot = plots.make_plot(
            translate("TunePage", "Optimisation history"),
            x_label=translate("TunePage", "trial (in finishing order)"),
            y_label=translate("TunePage", "validation score"),
            legend=True,
        )
        layout.addWidget(self.history_plot, 3)
        self._history_items: dict[str, dict[str, Any]] = {}

        lower = QHBoxLayout()
        self.importance_plot = plots.make_plot(
            translate("TunePage", "Parameter importance"), y_label=translate("TunePage", "share of variance")
        )
        lower.addWidget(self.importance_plot, 1)
        slice_box = QVBoxLayout()
        pick = QHBoxLayout()
        self.view_family_combo = QComboBox()
        self.view_family_combo.currentIndexChanged.connect(lambda _i: self._draw_study_views())
        self.param_combo = QComboBox()
        self.param_combo.currentIndexChanged.connect(lambda _i: self._draw_slice())
        pick.addWidget(QLabel(translate("TunePage", "Family")))
        pick.addWidget(self.view_family_combo, 1)
        pick.addWidget(QLabel(translate("TunePage", "Parameter")))
        pick.addWidget(self.param_combo, 1)
        slice_box.addLayout(pick)
        self.slice_plot = plots.make_plot(
            translate("TunePage", "Slice (colour: trial order)"),
            y_label=translate("TunePage", "validation score"),
        )
        slice_box.addWidget(self.slice_plot, 1)
        lower.addLayout(slice_box, 1)
        layout.addLayout(lower, 2)
        # three stacked rows of charts and the tables must still fit a 700-pixel screen
        for chart in (self.history_plot, self.importance_plot, self.slice_plot):
            chart.setMinimumHeight(130)

        self.tabs = QTabWidget()
        self.trials_table = _table(
            [
                translate("TunePage", "family"),
                translate("TunePage", "trial"),
                translate("TunePage", "state"),
                translate("TunePage", "score"),
                translate("TunePage", "epochs"),
                translate("TunePage", "seconds"),
                translate("TunePage", "settings"),
            ]
        )
        self.ranking_table = _table(
            [
                translate("TunePage", "rank"),
                translate("TunePage", "family"),
                translate("TunePage", "study"),
                translate("TunePage", "metric"),
                translate("TunePage", "validation"),
                translate("TunePage", "test"),
                translate("TunePage", "trials"),
                translate("TunePage", "pruned"),
                translate("TunePage", "model"),
                translate("TunePage", "trial trained"),
                translate("TunePage", "settings trained"),
            ]
        )
        self.tabs.addTab(self.trials_table, translate("TunePage", "Trials"))
        self.tabs.addTab(self.ranking_table, translate("TunePage", "Families ranked"))
        layout.addWidget(self.tabs, 2)
        row = QHBoxLayout()
        # which trial each family trained and why (the defaults when the best beats them only by noise)
        self.selection_label = QLabel("")
        self.selection_label.setWordWrap(True)
        row.addWidget(self.selection_label, 1)
        self.train_best_button = QPushButton(translate("TunePage", "Train the best"))
        self.train_best_button.setToolTip(
            translate(
                "TunePage",
                "Train each family's best settings as a normal model (scored once on the test part); the "
                "defaults instead when the best beats them on the validation users only by noise",
            )
        )
        self.train_best_button.clicked.connect(self.train_best)
        self.open_models_button = QPushButton(translate("TunePage", "Open in Models"))
        self.open_models_button.clicked.connect(self.open_in_models)
        row.addWidget(self.train_best_button)
        row.addWidget(self.open_models_button)
        layout.addLayout(row)
        return column

    # --- lists -----------------------------------------------------------------------------------
    @Slot()
    def refresh_datasets(self) -> None:
        """Reload the dataset combo; shows the empty state when there is none."""
        current = self.dataset_combo.currentData()
        try:
            infos = list_datasets(self.ctx.db)
        except STORE_ERRORS as exc:  # a broken database is reported on the page, not as a crash
            infos = []
            self.message.show_message(
                translate("TunePage", "Cannot list datasets: {exc}").format(exc=exc), "error"
            )
        self.dataset_combo.clear()
        for info in infos:
            self.dataset_combo.addItem(
                translate("TunePage", "{name}  ({n:,} interactions)").format(
                    name=info.name, n=int(info.n_interactions or 0)), int(info.id)
            )
        wanted = current if current is not None else self.ctx.current_dataset_id
        index = self.dataset_combo.findData(wanted)
        if index >= 0:
            self.dataset_combo.setCurrentIndex(index)
        self.stack.setCurrentIndex(1 if infos else 0)

    @Slot(int)
    def _select_dataset(self, dataset_id: int) -> None:
        select_by_data(self.dataset_combo, dataset_id, self.refresh_datasets)

    def refresh_searches(self) -> None:
        """Reload the stored searches (newest first)."""
        from workbench.tuning.study import list_searches

        try:
            searches = list_searches(self.ctx.db)
        except STORE_ERRORS as exc:
            self.message.show_message(
                translate("TunePage", "Cannot list searches: {exc}").format(exc=exc), "error"
            )
            return
        self.searches_list.blockSignals(True)
        self.searches_list.clear()
        for s in searches:
            item = QListWidgetItem(
                f"{s.search}\n  {', '.join(s.families)} · "
                + translate("TunePage", "{n} trials").format(n=s.n_finished) + f" · {s.metric}"
            )
            item.setData(Qt.ItemDataRole.UserRole, s.search)
            self.searches_list.addItem(item)
            if s.search == self.search:
                self.searches_list.setCurrentItem(item)
        self.searches_list.blockSignals(False)

    def _on_database_changed(self) -> None:
        self._clear_views()
        self.search = None
        self.refresh_datasets()
        self.refresh_searches()
        self._update_buttons()

    def selected_families(self) -> list[str]:
        """The checked families, in list order."""
        return [
            self.families_list.item(i).text()
            for i in range(self.families_list.count())
            if self.families_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_families(self, families: list[str]) -> None:
        """Check exactly ``families``."""
        for i in range(self.families_list.count()):
            item = self.families_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in families else Qt.CheckState.Unchecked)

    # --- running ---------------------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return self.jobs.is_active("search")

    def _submit(self, title: str, work: Callable[..., Any], kind: str) -> None:
        self.jobs.submit("search", title, work, self._on_finished, on_failed=self._on_failed,
                         on_cancelled=self._on_cancelled, on_event=self._on_event, kind=kind)

    def _update_buttons(self) -> None:
        running = self.is_running
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        selected = self.searches_list.currentItem() is not None
        self.resume_button.setEnabled(not running and selected)
        has_best = self.result is not None and self.result.best is not None
        self.train_best_button.setEnabled(not running and self.search is not None and bool(self.events))
        self.open_models_button.setEnabled(has_best and self.result.best.final_model_id is not None)

    @Slot()
    def start_search(self) -> None:
        """Start a new search with the page's settings in a background job."""
        from workbench.tuning.study import SearchRequest, new_search_name

        if self.is_running:
            return
        dataset_id = self.dataset_combo.currentData()
        families = self.selected_families()
        if dataset_id is None:
            self.message.show_message(translate("TunePage", "Choose a dataset first."), "error")
            return
        if not families:
            self.message.show_message(translate("TunePage", "Check at least one family to tune."), "error")
            return
        try:
            settings = parse_ranges(self.ranges_edit.text())
        except WorkbenchError as exc:
            self.message.show_message(str(exc), "error")
            return
        metric = self.metric_combo.currentData()
        minutes = self.minutes_spin.value()
        name = new_search_name(self.dataset_combo.currentText().split("  (")[0])
        request = SearchRequest(
            dataset=int(dataset_id),
            families=tuple(families),
            n_trials=self.trials_spin.value(),
            timeout_s=minutes * 60.0 if minutes else None,
            metric=None if metric == "auto" else metric,
            settings=settings,
            sampler=self.sampler_combo.currentData(),
            pruner=self.pruner_combo.currentData(),
            device=self.ctx.device,
            name=name,
        )
        total = request.n_trials * len(families) if request.n_trials else None

        def run(db: Any, cancel: CancelToken, on_trial: Callable[[Any], None], on_study: Any) -> Any:
            from workbench.tuning.study import run_search

            return run_search(db, request, cancel=cancel, on_trial=on_trial, on_study=on_study)

        self._begin(name, run, total, translate("TunePage", "Searching {families}…").format(
            families=", ".join(families)))

    @Slot()
    def resume_selected(self) -> None:
        """Continue the selected stored search in a background job."""
        item = self.searches_list.currentItem()
        if item is None or self.is_running:
            return
        name = str(item.data(Qt.ItemDataRole.UserRole))

        def run(db: Any, cancel: CancelToken, on_trial: Callable[[Any], None], on_study: Any) -> Any:
            from workbench.tuning.study import resume_search

            return resume_search(db, name, cancel=cancel, on_trial=on_trial, on_study=on_study)

        self._begin(name, run, None, translate("TunePage", "Resuming {name}…").format(name=name), keep=True)

    def _begin(
        self, name: str, run: Callable[..., Any], total: int | None, status: str, keep: bool = False
    ) -> None:
        db = self.ctx.db
        self.message.clear_message()
        if not keep or self.search != name:
            self._clear_views()
        self.search = name
        done = [len(self.events)]
        # looked up once, on the GUI thread
        trial_text = translate("TunePage", "trial {n} of {total}") if total \
            else translate("TunePage", "trial {n}")

        def work(
            cancel: CancelToken, progress: Callable[[Progress], None], emit: Callable[[object], None]
        ) -> Any:
            def on_trial(event: Any) -> None:
                done[0] += 1
                emit(event)
                progress(Progress(done[0], total, trial_text.format(n=done[0], total=total)))

            return run(db, cancel, on_trial, lambda family, study_id: emit(StudyStarted(family, study_id)))

        self._submit(translate("TunePage", "Tune: {name}").format(name=name), work, "tuning")
        self.status_label.setText(status)
        self._update_buttons()
        self.search_started.emit(name)

    @Slot()
    def cancel_search(self) -> None:
        """Ask the running search to stop (the interrupted trial is queued again for a resume)."""
        if self.is_running:
            self.jobs.cancel("search")
            self.cancel_button.setEnabled(False)
            self.status_label.setText(translate("TunePage", "Cancelling…"))

    @Slot(object)
    def _on_event(self, payload: object) -> None:
        if isinstance(payload, StudyStarted):
            self.status_label.setText(
                translate("TunePage", "Searching {family} (study {study_id})…").format(
                    family=payload.family, study_id=payload.study_id
                )
            )
            self.refresh_searches()  # the new search is stored from its first study on
            return
        self.add_event(payload)
        if getattr(payload, "state", "") == "COMPLETE":
            self.load_view()  # importances and slice follow the study

    def add_event(self, event: Any) -> None:
        """Put one finished trial on the history plot and in the trials table."""
        self.events.append(event)
        self._draw_history()
        self._append_trial_row(event)
        if self.view_family_combo.findText(event.family) < 0:
            self.view_family_combo.addItem(event.family)
        if event.family == self.view_family_combo.currentText():
            self._refresh_param_combo()
            self._draw_slice()
        self._update_buttons()
        self.trial_plotted.emit(event.family, event.number)

    @Slot(object)
    def _on_finished(self, result: Any) -> None:
        self.result = result
        self.status_label.setText(
            translate("TunePage", "Done: {events} trials. Best: ").format(events=len(self.events))
            + (
                translate("TunePage", "{family} {best_value:.4f} (validation)").format(
                    family=result.best.family, best_value=result.best.best_value
                )
                if result.best
                else translate("TunePage", "none")
            )
        )
        self._after_job()
        self.search_finished.emit(self.search or "")

    @Slot()
    def _on_cancelled(self) -> None:
        self.status_label.setText(
            translate("TunePage", "Cancelled; resume the search to continue where it stopped.")
        )
        self._after_job()
        self.search_cancelled.emit(self.search or "")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.message.show_message(
            translate("TunePage", "The search failed: {message}").format(message=message), "error"
        )
        self.status_label.setText("")
        self._after_job()
        self.search_failed.emit(message)

    def _after_job(self) -> None:
        self.refresh_searches()
        self.ctx.models_changed.emit()
        self.ctx.runs_changed.emit()
        self._update_buttons()
        self.load_view()

    # --- stored views ----------------------------------------------------------------------------
    @Slot()
    def _on_search_selected(self, current: QListWidgetItem | None, _previous: Any = None) -> None:
        self._update_buttons()
        if current is None or self.is_running:
            return
        name = str(current.data(Qt.ItemDataRole.UserRole))
        if name != self.search:
            self._clear_views()
            self.search = name
            self.load_view(replace_events=True)

    def load_view(self, replace_events: bool = False) -> None:
        """Read the search's ranking and importances (and, for a stored search, its trials) in a quiet job."""
        if self.search is None:
            return
        if self.jobs.is_active("view"):
            self._view_again = True  # one more read once this one is done, never a queue of them
            return
        db, name = self.ctx.db, self.search

        def work(cancel: CancelToken, progress: Any, emit: Any) -> StoredView:
            from workbench.tuning.study import param_importances, search_events, search_result

            result = search_result(db, name)
            _, events = search_events(db, name) if replace_events else (name, [])
            importances = {r.family: param_importances(db, name, r.family) for r in result.families}
            return StoredView(name, events, result, importances)

        job = self.jobs.submit("view", translate("TunePage", "Read search {name}").format(name=name), work,
                               lambda view: self._show_view(view, replace_events), kind="tuning-view",
                               quiet=True)
        job.done.connect(self._view_done)

    def _view_done(self) -> None:
        if self._view_again:
            self._view_again = False
            self.load_view()

    def _show_view(self, view: StoredView, replace_events: bool) -> None:
        if view.search != self.search:
            return
        if replace_events:
            self._clear_views()
            for event in view.events:
                self.events.append(event)
                self._append_trial_row(event)
                if self.view_family_combo.findText(event.family) < 0:
                    self.view_family_combo.addItem(event.family)
            self._draw_history()
        if not self.is_running or self.result is None:
            self.result = view.result
        self._importances = view.importances
        self._fill_ranking(view.result)
        self._draw_study_views()
        self._update_buttons()
        self.view_loaded.emit(view.search)

    def _clear_views(self) -> None:
        self.events = []
        self.result = None
        self._importances = {}
        plots.clear(self.history_plot)
        legend = self.history_plot.getPlotItem().legend
        if legend is not None:
            legend.clear()
        self._history_items = {}
        plots.clear(self.importance_plot)
        plots.clear(self.slice_plot)
        self.trials_table.setRowCount(0)
        self.ranking_table.setRowCount(0)
        self.selection_label.setText("")
        self.view_family_combo.blockSignals(True)
        self.view_family_combo.clear()
        self.view_family_combo.blockSignals(False)
        self.param_combo.clear()

    # --- drawing ---------------------------------------------------------------------------------
    def _draw_history(self) -> None:
        families = list(dict.fromkeys(e.family for e in self.events))
        for index, family in enumerate(families):
            items = self._history_items.get(family)
            if items is None:
                colour = plots.color(index)
                items = {
                    "complete": pg.ScatterPlotItem(
                        size=8,
                        brush=colour,
                        pen=None,
                        name=translate("TunePage", "{family} trial").format(family=family),
                    ),
                    "pruned": pg.ScatterPlotItem(
                        size=9,
                        symbol="x",
                        brush=pg.mkBrush(PRUNED_COLOUR),
                        pen=pg.mkPen(PRUNED_COLOUR),
                        name=translate("TunePage", "pruned") if index == 0 else None,
                    ),
                    "best": pg.PlotDataItem(
                        pen=pg.mkPen(colour, width=2),
                        stepMode=None,
                        name=translate("TunePage", "{family} best so far").format(family=family),
                    ),
                }
                for item in items.values():
                    self.history_plot.addItem(item)
                self._history_items[family] = items
            xs_c, ys_c, xs_p, ys_p, xs_b, ys_b = [], [], [], [], [], []
            for x, e in enumerate(self.events):
                if e.family != family:
                    continue
                if e.state == "COMPLETE" and e.value is not None:
                    xs_c.append(x)
                    ys_c.append(e.value)
                elif e.state == "PRUNED" and e.intermediate:
                    xs_p.append(x)
                    ys_p.append(e.intermediate[max(e.intermediate)])
                if e.best_value is not None:
                    xs_b.append(x)
                    ys_b.append(e.best_value)
            items["complete"].setData(xs_c, ys_c)
            items["pruned"].setData(xs_p, ys_p)
            items["best"].setData(xs_b, ys_b)
        metrics = {getattr(r, "metric", "") for r in (self.result.families if self.result else [])}
        self.history_plot.getPlotItem().getAxis("left").setLabel(
            translate("TunePage", "validation {metric}").format(metric=next(iter(metrics)))
            if len(metrics) == 1
            else translate("TunePage", "validation score")
        )

    def history_points(self) -> int:
        """Points (complete and pruned trials) on the history plot."""
        total = 0
        for items in self._history_items.values():
            for key in ("complete", "pruned"):
                x, _ = items[key].getData()
                total += 0 if x is None else len(x)
        return total

    def _append_trial_row(self, e: Any) -> None:
        row = self.trials_table.rowCount()
        self.trials_table.insertRow(row)
        score = "-" if e.value is None else f"{e.value:.4f}"
        if e.state == "PRUNED" and e.intermediate:
            score = f"({e.intermediate[max(e.intermediate)]:.4f})"
        settings = ", ".join(f"{k}={_short(v)}" for k, v in e.params.items())
        values = [
            e.family,
            str(e.number),
            _state_text(e.state) + (f": {e.error}" if e.error else ""),
            score,
            str(e.epochs),
            f"{e.duration_s:.1f}",
            settings,
        ]
        for col, text in enumerate(values):
            item = QTableWidgetItem(text)
            if e.state != "COMPLETE":
                item.setForeground(pg.mkColor(PRUNED_COLOUR))
            self.trials_table.setItem(row, col, item)
        self.trials_table.scrollToBottom()

    def _fill_ranking(self, result: Any) -> None:
        self.ranking_table.setRowCount(0)
        notes = []
        for rank, r in enumerate(result.families, 1):
            row = self.ranking_table.rowCount()
            self.ranking_table.insertRow(row)
            trained = "-" if r.chosen_trial is None else str(r.chosen_trial)
            if r.selection is not None and r.selection.outcome == "defaults_kept":
                trained = translate("TunePage", "{trial} (defaults kept)").format(trial=r.chosen_trial)
            values = [
                str(rank),
                r.family,
                str(r.study_id),
                r.metric,
                "-" if r.chosen_value is None else f"{r.chosen_value:.4f}",
                "-" if r.test_value is None else f"{r.test_value:.4f}",
                str(r.n_complete),
                str(r.n_pruned),
                "-" if r.final_model_id is None else str(r.final_model_id),
                trained,
                ", ".join(f"{k}={_short(v)}" for k, v in r.chosen_params.items()),
            ]
            note = selection_text(r.selection)
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(note)
                self.ranking_table.setItem(row, col, item)
            if note:
                notes.append(f"{r.family}: {note}")
        self.selection_label.setText("\n".join(notes))

    def _draw_study_views(self) -> None:
        self._draw_importance()
        self._refresh_param_combo()
        self._draw_slice()

    def _draw_importance(self) -> None:
        plots.clear(self.importance_plot)
        family = self.view_family_combo.currentText()
        importances = self._importances.get(family, {})
        if importances:
            names = list(importances)
            plots.bar_chart(self.importance_plot, names, [importances[n] for n in names])
        self.importance_plot.getPlotItem().setTitle(
            translate("TunePage", "Importance · {family}").format(family=family)
            if family
            else translate("TunePage", "Parameter importance"),
            color="#222222",
            size="11pt",
        )

    def _refresh_param_combo(self) -> None:
        family = self.view_family_combo.currentText()
        names = list(dict.fromkeys(k for e in self.events if e.family == family for k in e.params))
        if names == [self.param_combo.itemText(i) for i in range(self.param_combo.count())]:
            return
        current = self.param_combo.currentText()
        ranked = sorted(names, key=lambda n: -self._importances.get(family, {}).get(n, 0.0))
        self.param_combo.blockSignals(True)
        self.param_combo.clear()
        self.param_combo.addItems(ranked)
        if current in ranked:
            self.param_combo.setCurrentText(current)
        self.param_combo.blockSignals(False)

    def _draw_slice(self) -> None:
        plots.clear(self.slice_plot)
        family, param = self.view_family_combo.currentText(), self.param_combo.currentText()
        points = [
            (e.params[param], e.value)
            for e in self.events
            if e.family == family and e.state == "COMPLETE" and e.value is not None and param in e.params
        ]
        axis = self.slice_plot.getPlotItem().getAxis("bottom")
        axis.setTicks(None)
        if not points:
            axis.setLabel(param)
            return
        xs_raw = [p[0] for p in points]
        ys = np.array([p[1] for p in points], dtype=float)
        if all(isinstance(x, int | float) and not isinstance(x, bool) for x in xs_raw):
            xs = np.array(xs_raw, dtype=float)
            use_log = bool(np.all(xs > 0)) and xs.max() / xs.min() > 50
            axis.setLabel(translate("TunePage", "log10 {param}").format(param=param) if use_log else param)
            if use_log:
                xs = np.log10(xs)
        else:
            labels = list(dict.fromkeys(str(x) for x in xs_raw))
            xs = np.array([labels.index(str(x)) for x in xs_raw], dtype=float)
            axis.setTicks([[(float(i), label) for i, label in enumerate(labels)]])
            axis.setLabel(param)
        order = np.arange(len(xs), dtype=float)
        brushes = [pg.mkBrush(pg.intColor(int(i), hues=max(2, len(xs)), alpha=200)) for i in order]
        self.slice_plot.addItem(pg.ScatterPlotItem(x=xs, y=ys, size=9, brush=brushes, pen=None))
        finite = ys[np.isfinite(ys)]
        if len(finite) and not math.isclose(float(finite.min()), float(finite.max())):
            self.slice_plot.getPlotItem().setYRange(float(finite.min()), float(finite.max()), padding=0.1)

    # --- actions on the result -------------------------------------------------------------------
    @Slot()
    def train_best(self) -> None:
        """Train each family's best settings (again when a resume found better ones) in a background job."""
        if self.search is None or self.is_running:
            return
        db, name = self.ctx.db, self.search

        def work(cancel: CancelToken, progress: Any, emit: Any) -> Any:
            from workbench.tuning.study import train_best

            return train_best(db, name, cancel=cancel)

        self._submit(translate("TunePage", "Train the best of {name}").format(name=name), work, "training")
        self.status_label.setText(translate("TunePage", "Training the best settings…"))
        self._update_buttons()

    @Slot()
    def open_in_models(self) -> None:
        """Show the best family's final model on the Models page."""
        if self.result is None or self.result.best is None or self.result.best.final_model_id is None:
            return
        model_id = int(self.result.best.final_model_id)
        self.ctx.models_changed.emit()
        self.ctx.show_page("Models")
        models_page = getattr(self.window(), "pages", {}).get("Models")
        if models_page is not None and hasattr(models_page, "select_models"):
            models_page.select_models([model_id])

    # --- screenshots -----------------------------------------------------------------------------
    def screenshot_steps(self) -> list[tuple[str, Any]]:
        """A short search on the current dataset, so the screenshot shows every part of the page."""
        if self.dataset_combo.count() == 0:
            return [("", None)]

        def run_short_search() -> None:
            self.set_families(["ease", "bpr"])
            self.trials_spin.setValue(6)
            self.ranges_edit.setText("epochs=8 patience=0")
            self.start_search()

        return [("", run_short_search)]


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def selection_text(selection: Any) -> str:
    """Which trial a family trained and why, in the interface language (``tuning.guard.Selection``)."""
    if selection is None or selection.outcome == "none":
        return ""
    if selection.outcome == "best_is_defaults":
        return translate("TunePage", "the defaults (trial {trial}) are the best trial: trained").format(
            trial=selection.defaults_trial)
    if selection.outcome in ("best", "defaults_kept"):
        figures = {"best": selection.best_trial, "defaults": selection.defaults_trial,
                   "gain": f"{abs(selection.gain or 0.0):.4f}", "metric": selection.metric,
                   "z": f"{selection.z:.1f}", "needed": f"{selection.needed:.1f}"}
        if selection.outcome == "best":
            return translate(
                "TunePage",
                "trial {best} beats the defaults (trial {defaults}) by {gain} {metric} on validation, {z} "
                "paired standard errors (needed {needed}): trial {best} trained",
            ).format(**figures)
        return translate(
            "TunePage",
            "defaults kept: trial {best} beats them by {gain} {metric} on validation, {z} paired standard "
            "errors (needed {needed}), within noise",
        ).format(**figures)
    why = {
        "no_defaults": translate(
            "TunePage", "no completed trial of the default settings to compare it with"
        ),
        "no_scores": translate(
            "TunePage", "it or the defaults trial has no per-user validation scores (an older search)"
        ),
        "different_users": translate(
            "TunePage", "its per-user validation scores and the defaults' cover different users"
        ),
    }.get(selection.reason or "", selection.reason or "")
    return translate("TunePage", "best trial {trial} trained unchecked: {why}").format(
        trial=selection.best_trial, why=why)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _state_text(state: str) -> str:
    """A trial's state (Optuna's name) in the interface language."""
    names = {"COMPLETE": translate("TunePage", "complete"), "PRUNED": translate("TunePage", "pruned"),
             "FAIL": translate("TunePage", "failed"), "RUNNING": translate("TunePage", "running"),
             "WAITING": translate("TunePage", "waiting")}
    return names.get(state, state.lower())
