"""The Train page: choose data, model, split and device, edit the generated settings form, train with
live curves, and overlay stored runs for comparison (finished, cancelled and interrupted runs included).

The page composes ``TrainSettings`` (left), ``TrainingCurves``, ``RunListPanel`` and ``RemoteRunsPanel``
(right) and follows the one training job it started (``LiveRun``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.models.base import BatchEvent, EpochReport
from workbench.models.torch_base import REFIT
from workbench.store.datasets import get_dataset_info, list_datasets
from workbench.store.db import STORE_ERRORS
from workbench.store.runs import get_run
from workbench.ui.context import AppContext
from workbench.ui.curves import TrainingCurves
from workbench.ui.estimate_label import EstimateLabel
from workbench.ui.i18n import translate
from workbench.ui.job_slots import JobSlots
from workbench.ui.jobs import Job
from workbench.ui.remote_runs import RemoteRunsPanel
from workbench.ui.run_list import RunListPanel, run_text
from workbench.ui.run_overlay import RunOverlay
from workbench.ui.train_job import LiveRun, RunStarted, loss_axis_label, run_objective, training_work
from workbench.ui.train_settings import TrainSettings
from workbench.ui.train_status import TrainStatus
from workbench.ui.widgets import EmptyState, InlineMessage, format_duration, select_by_data

START_TEXT = QT_TRANSLATE_NOOP("TrainPage", "Start training")


def list_dataset_choices(db: Any) -> list[tuple[int, str, int]]:
    """(id, name, interactions) of every dataset."""
    return [(int(info.id), str(info.name), int(info.n_interactions or 0)) for info in list_datasets(db)]


class TrainPage(QWidget):
    """Train a model with live curves.

    Signals: ``training_started(str family)``, ``epoch_plotted(int run_id, int epoch)`` (after a point is
    on the curves), ``training_finished(int model_id)``, ``training_cancelled(int run_id)`` (run id or -1),
    ``training_failed(str message)``.
    """

    training_started = Signal(str)
    epoch_plotted = Signal(int, int)
    training_finished = Signal(int)
    training_cancelled = Signal(int)
    training_failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._live: LiveRun | None = None
        self.jobs = JobSlots(ctx.jobs, kind="training", parent=self)
        self._shapes: dict[tuple[Any, ...], Any] = {}  # measured item-text shapes, for the memory estimate
        self._shape_pending: tuple[Any, ...] | None = None
        self._next_key = -1
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.empty = EmptyState(translate("TrainPage", "No dataset yet"),
                                translate("TrainPage", "Import one on the Datasets page or load the demo, "
                                          "then train a model here."))
        self.stack.addWidget(self.empty)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.setChildrenCollapsible(False)
        self.stack.addWidget(body)
        body.addWidget(self._build_settings_column())
        body.addWidget(self._build_plot_column())
        body.setStretchFactor(0, 0)
        body.setStretchFactor(1, 1)
        body.setSizes([380, 900])

        ctx.datasets_changed.connect(self.refresh_datasets)
        ctx.dataset_selected.connect(self._select_dataset)
        ctx.runs_changed.connect(self.refresh_runs)
        ctx.database_changed.connect(lambda _text: self._on_database_changed())
        self.refresh_datasets()
        self.refresh_runs()

    # --- layout ----------------------------------------------------------------------------------
    def _build_settings_column(self) -> QWidget:
        column = QWidget()
        column.setMaximumWidth(520)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 6, 0)
        self.settings = TrainSettings(self.ctx.device_label)
        layout.addWidget(self.settings, 1)
        self.message = InlineMessage()
        layout.addWidget(self.message)
        self.estimate_label = EstimateLabel()
        layout.addWidget(self.estimate_label)
        self.settings.changed.connect(self._update_estimate)
        self.settings.family_changed.connect(self._update_start_button)
        buttons = QHBoxLayout()
        self.start_button = QPushButton(translate("TrainPage", START_TEXT))
        self.start_button.setDefault(True)
        self.start_button.setShortcut("Ctrl+Return")
        self.start_button.setToolTip(translate("TrainPage", "Train with these settings (Ctrl+Enter)"))
        self.start_button.clicked.connect(self.start_training)
        self.cancel_button = QPushButton(translate("TrainPage", "Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.setToolTip(
            translate("TrainPage", "Stop the running training; it is recorded as cancelled")
        )
        self.cancel_button.clicked.connect(self.cancel_training)
        buttons.addWidget(self.start_button, 1)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self._update_start_button()
        return column

    def _build_plot_column(self) -> QWidget:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(6, 0, 0, 0)
        self.status = TrainStatus()
        layout.addWidget(self.status)
        self.curves = TrainingCurves()
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.curves)
        self.run_list = RunListPanel()
        self.run_list.resume_requested.connect(self.resume_run)
        self.overlay = RunOverlay(lambda: self.ctx.db, self.run_list, self.curves, lambda: self._live, self)
        self.overlay.epoch_drawn.connect(self.epoch_plotted)
        self.overlay.failed.connect(lambda message: self.message.show_message(message, "error"))
        split.addWidget(self.run_list)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 160])
        layout.addWidget(split, 1)

        # runs other processes or machines are training on this database, shown only while there are any
        self.remote_runs = RemoteRunsPanel(self.ctx, lambda run_id: self._live is not None
                                           and self._live.run_id == run_id)
        self.remote_runs.epochs_received.connect(self.overlay.draw_remote_epochs)
        self.remote_runs.run_ended.connect(lambda _run_id, _status: self.refresh_runs())
        self.remote_runs.setVisible(False)
        self.remote_runs.polled.connect(lambda n_runs: self.remote_runs.setVisible(n_runs > 0))
        layout.addWidget(self.remote_runs)
        return column

    def showEvent(self, event: Any) -> None:
        """Watch runs trained elsewhere while the page is shown."""
        super().showEvent(event)
        self.remote_runs.set_active(True)

    def hideEvent(self, event: Any) -> None:
        """Stop polling while the page is hidden."""
        super().hideEvent(event)
        self.remote_runs.set_active(False)

    # --- choices ---------------------------------------------------------------------------------
    @Slot()
    def refresh_datasets(self) -> None:
        """Reload the dataset combo; shows the empty state when there is none."""
        try:
            choices = list_dataset_choices(self.ctx.db)
        except STORE_ERRORS as exc:  # a broken database is reported on the page, not as a crash
            choices = []
            self.message.show_message(
                translate("TrainPage", "Cannot list datasets: {exc}").format(exc=exc), "error"
            )
        self.settings.set_datasets(choices, self.ctx.current_dataset_id)
        self.stack.setCurrentIndex(1 if choices else 0)

    @Slot(int)
    def _select_dataset(self, dataset_id: int) -> None:
        select_by_data(self.settings.dataset_combo, dataset_id, self.refresh_datasets)

    def _on_database_changed(self) -> None:
        self._shapes.clear()
        self._shape_pending = None
        self.curves.clear()
        self.refresh_datasets()
        self.refresh_runs()

    def set_family(self, family: str) -> None:
        """Select a model family by key (tests, shortcuts)."""
        self.settings.set_family(family)

    def split_spec(self) -> dict[str, Any]:
        """The split chosen on the page as a SplitSpec dict."""
        return self.settings.split_spec()

    @Slot()
    def _update_start_button(self) -> None:
        self.start_button.setEnabled(self._live is None and self.settings.family_class() is not None)

    @Slot()
    def _update_estimate(self) -> None:
        try:
            settings = self.settings.model_settings()
        except ValueError:
            settings = {}
        dataset_id, family_cls = self.settings.dataset_id(), self.settings.family_class()
        self.estimate_label.refresh(self.ctx.db, dataset_id, family_cls, settings,
                                    self._text_shape(dataset_id, family_cls, settings))

    def _text_shape(self, dataset_id: int | None, family_cls: type | None, settings: dict[str, Any]) -> Any:
        """The measured shape of the dataset's item texts for families that read them (what the run's own
        memory check uses), or None until a background job has measured it (the label shows the bounds
        meanwhile: reading and tokenising a big catalogue takes seconds)."""
        if dataset_id is None or family_cls is None or not getattr(family_cls, "uses_content", False):
            return None
        from workbench.models.base import config_from_dict

        try:
            cfg = config_from_dict(family_cls.Config, settings)
        except (ValueError, TypeError):
            return None
        key = (dataset_id, family_cls.family, cfg.min_word_count, cfg.max_tokens, cfg.text_encoder)
        if key in self._shapes:
            return self._shapes[key]
        if self._shape_pending != key:
            self._shape_pending = key
            db = self.ctx.db

            def measure(*_: Any) -> Any:
                from workbench.store.datasets import load_item_content

                return family_cls.text_shape(cfg, load_item_content(db, dataset_id))

            def done(shape: Any) -> None:
                self._shapes[key] = shape
                self._shape_pending = None
                self._update_estimate()

            def failed(_message: str) -> None:  # no content: the bounds stay, the run says what is missing
                self._shapes[key] = None
                self._shape_pending = None

            self.jobs.submit("text-shape", translate("TrainPage", "Measuring item texts"), measure, done,
                             on_failed=failed, kind="estimate", quiet=True)
        return None

    # --- training --------------------------------------------------------------------------------
    @property
    def is_training(self) -> bool:
        return self._live is not None

    def start_training(self) -> None:
        """Start a background training job with the page's choices."""
        if self._live is not None:
            return
        dataset_id, family = self.settings.dataset_id(), self.settings.family()
        if dataset_id is None or family is None:
            self.message.show_message(translate("TrainPage", "Choose a dataset and a model first."), "error")
            return
        try:
            settings = self.settings.model_settings()
            explicit = get_dataset_info(self.ctx.db, dataset_id).kind == "explicit"
        except (ValueError, WorkbenchError) as exc:
            self.message.show_message(str(exc), "error")
            return
        epochs = self.settings.epochs()
        self.message.clear_message()
        work = training_work(self.ctx.db, {"dataset": dataset_id, "family": family, "settings": settings,
                                           "split": self.split_spec(), "epochs": epochs,
                                           "device": self.settings.device()}, epochs)
        job = self._submit(translate("TrainPage", "Train {family}").format(family=family), work)
        live = LiveRun(job, self._next_key, family, epochs, self.settings.is_iterative())
        self._next_key -= 1
        objective = run_objective(family, settings, explicit)
        self.curves.add_run(live.key, translate("TrainPage", "new {family} run").format(family=family),
                            objective, loss_axis_label(objective))
        self._begin_live(live, translate("TrainPage", "Training {family}…").format(family=family))
        self.training_started.emit(family)

    def resume_run(self, run_id: int) -> None:
        """Continue a cancelled, interrupted or failed run from its checkpoint in a background job.

        The run keeps its id: its stored curves stay on the plots and the new epochs continue them.
        """
        if self._live is not None:
            return
        try:
            run = get_run(self.ctx.db, run_id)
        except STORE_ERRORS as exc:  # a vanished run or a broken database is said on the page
            self.message.show_message(
                translate("TrainPage", "Cannot open run {run_id}: {exc}").format(run_id=run_id, exc=exc),
                "error",
            )
            return
        if not run.resumable:
            self.message.show_message(
                translate("TrainPage", "Run {run_id} is {status} and cannot be resumed.").format(
                    run_id=run_id, status=run.status
                ),
                "error",
            )
            return
        self.message.clear_message()
        iterative = self.settings.is_iterative(run.family)
        epochs = int(run.config["epochs"]) if iterative and run.config.get("epochs") else None
        work = training_work(self.ctx.db, {"dataset": None, "resume_run": run_id,
                                           "device": self.settings.device(run.family)}, epochs)
        # the stored epochs up to the checkpoint are the start of the curve; later ones are redone
        kept = [e for e in run.epochs if run.checkpoint_epoch is None or e.epoch <= run.checkpoint_epoch]
        self.overlay.draw_stored_run(run, kept)
        title = translate("TrainPage", "Resume run {run_id} ({family})").format(run_id=run_id,
                                                                               family=run.family)
        live = LiveRun(self._submit(title, work), run_id, run.family, epochs, iterative, run_id=run_id)
        live.start_epoch = live.last_epoch = int(run.checkpoint_epoch or 0)
        self._begin_live(live, f"Resuming run {run_id} ({run.family}) after epoch {live.start_epoch}…")
        self.refresh_runs()
        self.training_started.emit(run.family)

    def _submit(self, title: str, work: Callable[..., Any]) -> Job:
        return self.jobs.submit("training", title, work, self._on_job_finished, on_failed=self._on_job_failed,
                                on_cancelled=self._on_job_cancelled, on_event=self._on_job_event)

    def _begin_live(self, live: LiveRun, status: str) -> None:
        self._live = live
        self.start_button.setEnabled(False)
        self.start_button.setText(translate("TrainPage", "Training…"))
        self.run_list.set_resume_allowed(False)
        self.cancel_button.setEnabled(True)
        self.status.begin(live, status)

    @Slot()
    def cancel_training(self) -> None:
        """Ask the running training to stop (recorded as cancelled by the runner)."""
        if self._live is not None:
            self._live.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.set_text(translate("TrainPage", "Cancelling…"))

    @Slot(object)
    def _on_job_event(self, payload: object) -> None:
        live = self._live
        if live is None:
            return
        if isinstance(payload, RunStarted):
            self._adopt_run_id(live, payload.run_id)
            self.refresh_runs()
        elif isinstance(payload, EpochReport):
            live.last_epoch = payload.epoch
            live.samples_per_s = payload.samples_per_s or live.samples_per_s
            self.curves.add_epoch(live.key, payload.epoch, payload.train_loss, payload.valid_loss,
                                  payload.valid_metric, payload.metric_name, payload.is_best,
                                  bool(payload.extra.get(REFIT)))
            self.status.advance(live, float(payload.epoch))
            run = self.run_list.run_info(live.key)
            if run is not None:
                self.run_list.set_row_text(live.key, run_text(run, live))
            self.epoch_plotted.emit(live.key, payload.epoch)
        elif isinstance(payload, BatchEvent):
            self.curves.add_batch(live.key, payload.epoch, payload.batch, payload.n_batches, payload.loss)
            self.status.advance(live, payload.epoch - 1 + payload.batch / max(1, payload.n_batches))

    def _adopt_run_id(self, live: LiveRun, run_id: int) -> None:
        """The live curves were drawn before the run row existed: they move under the real run id."""
        if live.key != run_id:
            self.curves.rekey_run(live.key, run_id,
                                  translate("TrainPage", "run {id} · {family}").format(id=run_id,
                                                                                       family=live.family))
            live.key = run_id
        live.run_id = run_id

    def _end_live(self, state: str, complete: bool = False) -> LiveRun | None:
        live, self._live = self._live, None
        self.start_button.setText(translate("TrainPage", START_TEXT))
        self._update_start_button()
        self.cancel_button.setEnabled(False)
        self.status.end(state, complete)
        self.run_list.set_resume_allowed(True)
        if live is not None and live.run_id is None:  # ended before the run row was written
            self.curves.remove_run(live.key)
        return live

    @Slot(object)
    def _on_job_finished(self, result: Any) -> None:
        if self._live is not None:  # the RunStarted event always comes first: this is a safety net
            self._adopt_run_id(self._live, int(result.run_id))
        live = self._end_live(translate("TrainPage", "done"), complete=True)
        if live is None:
            return
        metrics = getattr(result, "metrics", {}) or {}
        shown = [f"{k} {v:.4f}" for k, v in metrics.items() if k in ("rmse", "ndcg@10", "recall@10")]
        self.status.set_text(
            translate("TrainPage", "Saved model '{value}'").format(value=result.model_name or result.model_id)
            + (f" · {' · '.join(shown)}" if shown else "")
            + f" · {format_duration(result.elapsed_s)}"
        )
        self.refresh_runs()
        self.ctx.models_changed.emit()
        self.ctx.runs_changed.emit()
        self.training_finished.emit(int(result.model_id))

    @Slot()
    def _on_job_cancelled(self) -> None:
        live = self._end_live(translate("TrainPage", "cancelled"))
        if live is None:
            return
        if live.run_id is None:
            self.status.set_text(translate("TrainPage", "Training cancelled before it started."))
        else:
            epochs = f" after epoch {live.last_epoch}" if live.last_epoch else ""
            self.status.set_text(translate(
                "TrainPage", "Run {run_id} cancelled{epochs}; its curves stay here, and Resume continues it.",
            ).format(run_id=live.run_id, epochs=epochs))
        self.refresh_runs()
        self.ctx.runs_changed.emit()
        self.training_cancelled.emit(live.run_id if live.run_id is not None else -1)

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        if self._end_live(translate("TrainPage", "failed")) is None:
            return
        self.status.set_text(translate("TrainPage", "Training failed."))
        self.message.show_message(
            translate("TrainPage", "Training failed: {message}").format(message=message), "error"
        )
        self.refresh_runs()
        self.ctx.runs_changed.emit()
        self.training_failed.emit(message)

    # --- stored runs -----------------------------------------------------------------------------
    @Slot()
    def refresh_runs(self) -> None:
        """List stored runs; ticked ones are drawn (the newest is ticked on first show)."""
        self.overlay.refresh()

    def show_stored_run(self, run_id: int) -> None:
        """Draw a stored run's epochs (after a restart, or to compare with the live one)."""
        self.overlay.show_stored_run(run_id)

    def selected_run_id(self) -> int | None:
        """The run selected in the list (None when none is)."""
        return self.run_list.selected_run_id()

    def select_run(self, run_id: int) -> None:
        """Select a run in the list by id (tests, keyboard users)."""
        self.run_list.select_run(run_id)

    def screenshot_steps(self) -> list[tuple[str, Callable[[], None] | None]]:
        """States for the screenshot command: the newest run, then every listed run overlaid."""

        def overlay() -> None:
            for run_id in self.run_list.run_ids():
                self.run_list.set_ticked(run_id, True)

        return [("", None), ("overlay", overlay)]
