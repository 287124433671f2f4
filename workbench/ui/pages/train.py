"""The Train page: choose data, model, split and device, edit the generated settings form, train with
live curves, and overlay stored runs for comparison (finished, cancelled and interrupted runs included).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core.device import resolve_device
from workbench.core.progress import CancelToken, Progress
from workbench.models.base import BatchEvent, EpochReport
from workbench.models.registry import FAMILIES
from workbench.store.datasets import list_datasets
from workbench.store.runs import RunInfo, get_run, list_runs
from workbench.ui.config_form import ConfigForm
from workbench.ui.context import AppContext
from workbench.ui.curves import TrainingCurves
from workbench.ui.estimate_label import EstimateLabel
from workbench.ui.i18n import translate
from workbench.ui.model_texts import model_text
from workbench.ui.widgets import EmptyState, InlineMessage, format_duration, select_by_data

SPLIT_LABELS = {
    "user_ratio": QT_TRANSLATE_NOOP("TrainPage", "Per-user ratio (random)"),
    "random": QT_TRANSLATE_NOOP("TrainPage", "Random rows"),
    "temporal": QT_TRANSLATE_NOOP("TrainPage", "Global time cut (latest)"),
    "leave_last": QT_TRANSLATE_NOOP("TrainPage", "Leave last k per user"),
    "cold_items": QT_TRANSLATE_NOOP("TrainPage", "Cold items (held out whole)"),
    "cold_users": QT_TRANSLATE_NOOP("TrainPage", "Cold users (held out whole)"),
    "none": QT_TRANSLATE_NOOP("TrainPage", "None (train on everything)"),
}


def run_status(status: str) -> str:
    """A run's stored status as shown."""
    names = {"running": translate("TrainPage", "running"), "completed": translate("TrainPage", "completed"),
             "cancelled": translate("TrainPage", "cancelled"), "failed": translate("TrainPage", "failed"),
             "interrupted": translate("TrainPage", "interrupted")}
    return names.get(status, status)
DEVICES = ("auto", "cpu", "cuda", "mps")
BATCH_EMIT_INTERVAL_S = 0.05  # at most ~20 batch points per second reach the GUI thread
RUNS_SHOWN = 100
RESUMABLE_ROLE = Qt.ItemDataRole.UserRole + 1
RUN_ROLE = Qt.ItemDataRole.UserRole + 2  # the RunInfo a list row shows
#: fields shown elsewhere on the page rather than in the generated form
PAGE_FIELDS = ("epochs",)
DEFAULT_FAMILY = "mf"
START_TEXT = QT_TRANSLATE_NOOP("TrainPage", "Start training")


@dataclasses.dataclass(frozen=True)
class RunStarted:
    """Worker -> page: the run row this job is recording into."""

    run_id: int


def list_dataset_choices(db: Any) -> list[tuple[int, str, int]]:
    """(id, name, interactions) of every dataset."""
    return [(int(info.id), str(info.name), int(info.n_interactions or 0)) for info in list_datasets(db)]


def loss_axis_label(family: str, config: dict[str, Any] | None = None, explicit: bool = True) -> str:
    """Axis text with units for a run's training loss: squared rating error, or a per-sample ranking loss.

    An ``auto`` objective means ratings on explicit data and ranking on implicit data (``explicit``)."""
    cls = FAMILIES.get(family)
    default = getattr(cls, "default_objective", "ranking") if cls is not None else "ranking"
    objective = (config or {}).get("objective", default)
    if objective == "auto":
        objective = "rating" if explicit else "ranking"
    if objective == "rating":
        return translate("TrainPage", "training loss (MSE, rating points²)")
    return translate("TrainPage", "training loss (ranking, per sample)")


def epoch_rows(epochs: list[Any]) -> list[dict[str, Any]]:
    """Stored ``EpochInfo``s as dicts for ``TrainingCurves.set_history`` (best flags kept)."""
    flagged = any(e.extra.get("is_best") for e in epochs)
    return [{"epoch": e.epoch, "train_loss": e.train_loss, "valid_loss": e.valid_loss,
             "valid_metric": e.valid_metric, "metric_name": e.metric_name,
             "is_best": bool(e.extra.get("is_best")) if flagged else None} for e in epochs]


def _elapsed_since(started: datetime | None) -> float | None:
    if started is None:
        return None
    aware = started.replace(tzinfo=UTC) if started.tzinfo is None else started  # stored as naive UTC
    return max(0.0, (datetime.now(UTC) - aware).total_seconds())


class _LiveRun:
    """Book-keeping of the training job this page started."""

    def __init__(self, job: Any, key: int, family: str, epochs: int | None, iterative: bool) -> None:
        self.job = job
        self.key = key  # curve key: negative until the run id is known
        self.run_id: int | None = None
        self.family = family
        self.epochs = epochs
        self.iterative = iterative
        self.started = time.monotonic()
        self.samples_per_s: float | None = None
        self.last_epoch = 0
        self.start_epoch = 0  # epochs already done before this job (a resumed run)


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
        self._live: _LiveRun | None = None
        self._next_key = -1
        self._families: dict[str, type] = {}
        self._loading_runs = False
        self._epochs_default: int | None = None  # the shown family's default, to tell a user's own value

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
        self.refresh_families()
        self.refresh_datasets()
        self.refresh_runs()

    # --- layout ----------------------------------------------------------------------------------
    def _build_settings_column(self) -> QWidget:
        column = QWidget()
        column.setMaximumWidth(520)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 6, 0)
        # one vertical scroll for every setting (a box of its own showed two or three rows and scrolled
        # sideways over the spin arrows); Start and Cancel stay in view below it
        self.settings_scroll = QScrollArea()
        self.settings_scroll.setWidgetResizable(True)
        self.settings_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.settings_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 4, 0)

        data_box = QGroupBox(translate("TrainPage", "Data and model"))
        form = QFormLayout(data_box)
        self.dataset_combo = QComboBox()
        self.dataset_combo.setToolTip(translate("TrainPage", "The dataset to train on"))
        form.addRow(translate("TrainPage", "Dataset"), self.dataset_combo)
        self.family_combo = QComboBox()
        self.family_combo.setToolTip(translate("TrainPage", "The model family"))
        self.family_combo.currentIndexChanged.connect(self._on_family_changed)
        form.addRow(translate("TrainPage", "Model"), self.family_combo)
        self.family_description = QLabel()
        self.family_description.setWordWrap(True)
        self.family_description.setObjectName("Hint")
        form.addRow(self.family_description)
        layout.addWidget(data_box)

        split_box = QGroupBox(translate("TrainPage", "Evaluation split"))
        split_form = QFormLayout(split_box)
        self.split_combo = QComboBox()
        for kind, label in SPLIT_LABELS.items():
            self.split_combo.addItem(translate("TrainPage", label), kind)
        self.split_combo.setToolTip(
            translate("TrainPage", "How test interactions are held out; stored with the model")
        )
        self.split_combo.currentIndexChanged.connect(self._on_split_changed)
        split_form.addRow(translate("TrainPage", "Kind"), self.split_combo)
        self.test_fraction = QDoubleSpinBox()
        self.test_fraction.setRange(0.01, 0.9)
        self.test_fraction.setSingleStep(0.05)
        self.test_fraction.setValue(0.2)
        self.test_fraction.setToolTip(
            translate(
                "TrainPage", "Share of interactions (of items or users for cold splits) held out for test"
            )
        )
        split_form.addRow(translate("TrainPage", "Test fraction"), self.test_fraction)
        self.split_k = QSpinBox()
        self.split_k.setRange(1, 100)
        self.split_k.setToolTip(translate("TrainPage", "Interactions held out per user (leave last k)"))
        split_form.addRow(translate("TrainPage", "Last k"), self.split_k)
        self.split_seed = QSpinBox()
        self.split_seed.setRange(0, 2_000_000_000)
        self.split_seed.setValue(42)
        self.split_seed.setToolTip(
            translate("TrainPage", "Seed of the split: the same seed holds out the same rows")
        )
        split_form.addRow(translate("TrainPage", "Split seed"), self.split_seed)
        layout.addWidget(split_box)

        run_box = QGroupBox(translate("TrainPage", "Training"))
        run_form = QFormLayout(run_box)
        self.device_combo = QComboBox()
        self._fill_devices()
        run_form.addRow(translate("TrainPage", "Device"), self.device_combo)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 10_000)
        self.epochs_spin.setToolTip(
            translate("TrainPage", "Maximum passes over the training data (early stopping may end sooner)")
        )
        run_form.addRow(translate("TrainPage", "Epochs"), self.epochs_spin)
        layout.addWidget(run_box)

        settings_box = QGroupBox(translate("TrainPage", "Model settings"))
        settings_layout = QVBoxLayout(settings_box)
        self.config_form = ConfigForm(exclude=PAGE_FIELDS)
        settings_layout.addWidget(self.config_form)
        self.reset_button = QPushButton(translate("TrainPage", "Reset to defaults"))
        self.reset_button.setToolTip(translate("TrainPage", "Put every model setting back to its default"))
        self.reset_button.clicked.connect(self._reset_settings)
        settings_layout.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(settings_box)
        layout.addStretch(1)
        self.settings_scroll.setWidget(content)
        column_layout.addWidget(self.settings_scroll, 1)

        self.message = InlineMessage()
        column_layout.addWidget(self.message)
        self.estimate_label = EstimateLabel()
        column_layout.addWidget(self.estimate_label)
        self.dataset_combo.currentIndexChanged.connect(self._update_estimate)
        self.family_combo.currentIndexChanged.connect(self._update_estimate)
        self.config_form.changed.connect(self._update_estimate)
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
        column_layout.addLayout(buttons)
        self._on_split_changed()
        return column

    def _build_plot_column(self) -> QWidget:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(6, 0, 0, 0)
        status_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat(translate("TrainPage", "idle"))
        status_row.addWidget(self.progress, 1)
        self.status_label = QLabel(translate("TrainPage", "Ready."))
        self.status_label.setMinimumWidth(260)
        status_row.addWidget(self.status_label)
        layout.addLayout(status_row)

        self.curves = TrainingCurves()
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.curves)
        runs_box = QGroupBox(translate("TrainPage", "Runs: tick to overlay"))
        runs_box.setToolTip(
            translate("TrainPage", "Finished, cancelled and interrupted runs keep their curves")
        )
        runs_layout = QVBoxLayout(runs_box)
        self.runs_list = QListWidget()
        self.runs_list.setMinimumHeight(64)
        self.runs_list.itemChanged.connect(self._on_run_item_changed)
        self.runs_list.currentItemChanged.connect(self._update_resume_button)
        runs_layout.addWidget(self.runs_list)
        self.runs_empty = QLabel(
            translate("TrainPage", "No training runs yet: choose a model and press Start training.")
        )
        self.runs_empty.setObjectName("Hint")
        runs_layout.addWidget(self.runs_empty)
        resume_row = QHBoxLayout()
        resume_hint = QLabel(
            translate(
                "TrainPage", "Select a cancelled or interrupted run to continue it from its last checkpoint."
            )
        )
        resume_hint.setObjectName("Hint")
        resume_hint.setWordWrap(True)
        resume_row.addWidget(resume_hint, 1)
        self.resume_button = QPushButton(translate("TrainPage", "Resume run"))
        self.resume_button.setEnabled(False)
        self.resume_button.setToolTip(
            translate("TrainPage", "Continue the selected run from its checkpoint; its curves continue")
        )
        self.resume_button.clicked.connect(self._resume_selected)
        resume_row.addWidget(self.resume_button)
        runs_layout.addLayout(resume_row)
        runs_box.setMaximumHeight(220)
        split.addWidget(runs_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 160])
        layout.addWidget(split, 1)
        layout.addWidget(self._build_remote_runs())
        return column

    # --- runs trained elsewhere --------------------------------------------------------------------
    def _build_remote_runs(self) -> QWidget:
        """The panel of runs other processes or machines are training on this database."""
        from workbench.ui.remote_runs import RemoteRunsPanel

        self.remote_runs = RemoteRunsPanel(
            self.ctx, lambda run_id: self._live is not None and self._live.run_id == run_id
        )
        self.remote_runs.epochs_received.connect(self._draw_remote_epochs)
        self.remote_runs.run_ended.connect(lambda _run_id, _status: self.refresh_runs())
        # shown only while runs elsewhere are in progress: the curves keep their room otherwise
        self.remote_runs.setVisible(False)
        self.remote_runs.polled.connect(lambda n_runs: self.remote_runs.setVisible(n_runs > 0))
        return self.remote_runs

    @Slot(object, object)
    def _draw_remote_epochs(self, run: Any, epochs: list[Any]) -> None:
        """Grow a remote run's curves by its new epochs (the run is added and ticked when first seen)."""
        if not self.curves.has_run(run.id):
            self.curves.add_run(
                run.id,
                f"run {run.id} · {run.family} · {run.host or 'remote'}",
                loss_label=loss_axis_label(run.family, run.config),
            )
            self.refresh_runs()
        drawn = self.curves.series(run.id).epochs  # ticked in the run list before it was watched
        last = int(drawn[-1]) if drawn else 0
        for row in epoch_rows([e for e in epochs if e.epoch > last]):
            self.curves.add_epoch(
                run.id,
                row["epoch"],
                row["train_loss"],
                row["valid_loss"],
                row["valid_metric"],
                row["metric_name"],
                row["is_best"],
            )
            self.epoch_plotted.emit(run.id, row["epoch"])

    def showEvent(self, event: Any) -> None:
        """Watch runs trained elsewhere while the page is shown."""
        super().showEvent(event)
        self.remote_runs.set_active(True)

    def hideEvent(self, event: Any) -> None:
        """Stop polling while the page is hidden."""
        super().hideEvent(event)
        self.remote_runs.set_active(False)

    def _fill_devices(self) -> None:
        self.device_combo.clear()
        for name in DEVICES:
            label = name
            available = True
            try:
                resolved = resolve_device(name)
                if name == "auto":
                    label = f"auto ({resolved})"
            except Exception:  # not present on this machine (the device module says why)
                available = False
            if not available:
                label = translate("TrainPage", "{name} (not available)").format(name=name)
            self.device_combo.addItem(label, name)
            item = self.device_combo.model().item(self.device_combo.count() - 1)
            item.setEnabled(available)
        self.device_combo.setToolTip(
            translate("TrainPage", "Compute device; this machine: {device_label}").format(
                device_label=self.ctx.device_label
            )
        )

    # --- choices ---------------------------------------------------------------------------------
    def refresh_families(self) -> None:
        """Fill the model combo from the registry."""
        self._families = dict(FAMILIES)
        current = self.family_combo.currentData()
        self.family_combo.blockSignals(True)
        self.family_combo.clear()
        for key, cls in self._families.items():
            title = getattr(cls, "display_name", "") or key
            self.family_combo.addItem(f"{key} — {title}" if title != key else key, key)
        self.family_combo.blockSignals(False)
        index = self.family_combo.findData(current if current is not None else DEFAULT_FAMILY)
        self.family_combo.setCurrentIndex(max(0, index))
        self._on_family_changed()

    @Slot()
    def refresh_datasets(self) -> None:
        """Reload the dataset combo; shows the empty state when there is none."""
        current = self.dataset_combo.currentData()
        try:
            choices = list_dataset_choices(self.ctx.db)
        except Exception as exc:  # a broken database is reported on the page, not as a crash
            choices = []
            self.message.show_message(
                translate("TrainPage", "Cannot list datasets: {exc}").format(exc=exc), "error"
            )
        self.dataset_combo.clear()
        for dataset_id, name, n in choices:
            self.dataset_combo.addItem(
                translate("TrainPage", "{name}  ({n:,} interactions)").format(name=name, n=n), dataset_id
            )
        wanted = current if current is not None else getattr(self.ctx, "current_dataset_id", None)
        index = self.dataset_combo.findData(wanted)
        if index >= 0:
            self.dataset_combo.setCurrentIndex(index)
        self.stack.setCurrentIndex(1 if choices else 0)

    @Slot(int)
    def _select_dataset(self, dataset_id: int) -> None:
        select_by_data(self.dataset_combo, dataset_id, self.refresh_datasets)

    def _on_database_changed(self) -> None:
        self.curves.clear()
        self.refresh_datasets()
        self.refresh_runs()

    def _family_class(self) -> type | None:
        return self._families.get(self.family_combo.currentData())

    @Slot()
    def _on_family_changed(self) -> None:
        cls = self._family_class()
        if cls is None:
            self.family_description.setText(translate("TrainPage", "No model families are available."))
            self.config_form.set_config_class(None)
            self.start_button.setEnabled(False)
            return
        self.start_button.setEnabled(self._live is None)
        self.family_description.setText(model_text(getattr(cls, "description", "") or ""))
        config_class = cls.Config
        self.config_form.set_config_class(config_class)
        names = {f.name for f in dataclasses.fields(config_class)}
        iterative = bool(getattr(cls, "iterative", False))
        if "epochs" in names:
            default = int(config_class().epochs)
            # a value the user typed is kept across families; an untouched default follows the family
            if self._epochs_default is None or self.epochs_spin.value() == self._epochs_default:
                self.epochs_spin.setValue(default)
            self._epochs_default = default
        self.epochs_spin.setEnabled(iterative and "epochs" in names)
        self._fit_settings_width()
        self.epochs_spin.setToolTip(
            translate("TrainPage", "Maximum passes over the training data (early stopping may end sooner)")
            if iterative
            else translate("TrainPage", "This model is fitted in one closed-form step")
        )
        self.device_combo.setEnabled(iterative)

    def _fit_settings_width(self) -> None:
        """Keep the settings column wide enough for its widest row: it scrolls up and down, never sideways."""
        content = self.settings_scroll.widget()
        if content is None:
            return
        content.adjustSize()
        bar = self.settings_scroll.verticalScrollBar().sizeHint().width()
        self.settings_scroll.setMinimumWidth(content.minimumSizeHint().width() + bar)

    @Slot()
    def _update_estimate(self) -> None:
        try:
            settings = self.config_form.settings()
        except ValueError:
            settings = {}
        self.estimate_label.refresh(self.ctx.db, self.dataset_combo.currentData(), self._family_class(),
                                    settings)

    @Slot()
    def _on_split_changed(self) -> None:
        kind = self.split_combo.currentData()
        self.test_fraction.setEnabled(kind not in ("none", "leave_last"))
        self.split_k.setEnabled(kind == "leave_last")

    @Slot()
    def _reset_settings(self) -> None:
        self.config_form.reset()
        self._epochs_default = None
        self._on_family_changed()

    def split_spec(self) -> dict[str, Any]:
        """The split chosen on the page as a SplitSpec dict."""
        return {
            "kind": self.split_combo.currentData(),
            "test_fraction": round(self.test_fraction.value(), 4),
            "k": self.split_k.value(),
            "seed": self.split_seed.value(),
        }

    def set_family(self, family: str) -> None:
        """Select a model family by key (tests, shortcuts)."""
        index = self.family_combo.findData(family)
        if index < 0:
            raise KeyError(family)
        self.family_combo.setCurrentIndex(index)

    # --- training --------------------------------------------------------------------------------
    @property
    def is_training(self) -> bool:
        return self._live is not None

    @Slot()
    def _dataset_is_explicit(self, dataset_id: int) -> bool:
        from workbench.store.datasets import get_dataset_info

        return get_dataset_info(self.ctx.db, dataset_id).kind == "explicit"

    def start_training(self) -> None:
        """Start a background training job with the page's choices."""
        if self._live is not None:
            return
        dataset_id = self.dataset_combo.currentData()
        family = self.family_combo.currentData()
        cls = self._family_class()
        if dataset_id is None or cls is None:
            self.message.show_message(translate("TrainPage", "Choose a dataset and a model first."), "error")
            return
        try:
            settings = self.config_form.settings()
        except ValueError as exc:
            self.message.show_message(str(exc), "error")
            return
        iterative = bool(getattr(cls, "iterative", False))
        epochs = self.epochs_spin.value() if self.epochs_spin.isEnabled() else None
        device = self.device_combo.currentData() if iterative else "cpu"
        split = self.split_spec()
        self.message.clear_message()
        key = self._next_key
        self._next_key -= 1
        work = self._training_work(
            {
                "dataset": int(dataset_id),
                "family": family,
                "settings": settings,
                "split": split,
                "epochs": epochs,
                "device": device,
            },
            epochs,
        )
        live = _LiveRun(
            self.ctx.jobs.submit(
                translate("TrainPage", "Train {family}").format(family=family), work, kind="training"
            ),
            key,
            family,
            epochs,
            iterative,
        )
        self.curves.add_run(
            key,
            translate("TrainPage", "new {family} run").format(family=family),
            loss_label=loss_axis_label(family, settings, explicit=self._dataset_is_explicit(int(dataset_id))),
        )
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
        except Exception as exc:
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
        cls = self._families.get(run.family)
        iterative = bool(getattr(cls, "iterative", False))
        epochs = run.config.get("epochs") if iterative else None
        device = self.device_combo.currentData() if iterative else "cpu"
        work = self._training_work(
            {"dataset": None, "resume_run": run_id, "device": device}, int(epochs) if epochs else None
        )
        # the stored epochs up to the checkpoint are the start of the curve; later ones are redone
        kept = [e for e in run.epochs if run.checkpoint_epoch is None or e.epoch <= run.checkpoint_epoch]
        self._draw_stored_run(run, kept)
        live = _LiveRun(
            self.ctx.jobs.submit(
                translate("TrainPage", "Resume run {run_id} ({family})").format(
                    run_id=run_id, family=run.family
                ),
                work,
                kind="training",
            ),
            run_id,
            run.family,
            int(epochs) if epochs else None,
            iterative,
        )
        live.run_id = run_id
        live.start_epoch = live.last_epoch = int(run.checkpoint_epoch or 0)
        self._begin_live(live, f"Resuming run {run_id} ({run.family}) after epoch {live.start_epoch}…")
        self.refresh_runs()
        self.training_started.emit(run.family)

    def _training_work(self, kwargs: dict[str, Any], epochs: int | None = None) -> Callable[..., Any]:
        """The job function: ``runner.train(db, **kwargs)`` forwarding the run id, reports and batches,
        and the share of ``epochs`` done as job progress (the jobs panel's percent and ETA)."""
        db = self.ctx.db
        # looked up once, on the GUI thread
        epoch_text = translate("TrainPage", "epoch {epoch}/{epochs}")
        preparing = translate("TrainPage", "preparing data")

        def work(
            cancel: CancelToken, progress: Callable[[Progress], None], emit: Callable[[object], None]
        ) -> Any:
            # imported here, on the worker: the first import of the engine takes a noticeable while
            from workbench.training.runner import train

            last = [0.0]

            def on_batch(event: BatchEvent) -> None:
                now = time.monotonic()
                if now - last[0] >= BATCH_EMIT_INTERVAL_S or event.batch == event.n_batches:
                    last[0] = now
                    emit(event)
                    if epochs:
                        done = event.epoch - 1 + event.batch / max(1, event.n_batches)
                        progress(Progress(done, epochs, epoch_text.format(epoch=event.epoch, epochs=epochs)))

            def on_report(report: EpochReport) -> None:
                emit(report)
                if epochs:
                    text = epoch_text.format(epoch=report.epoch, epochs=epochs)
                    progress(Progress(report.epoch, epochs, text))

            progress(Progress(0, None, preparing))
            args = dict(kwargs)
            return train(
                db,
                args.pop("dataset"),
                args.pop("family", None),
                args.pop("settings", None),
                args.pop("split", None),
                cancel=cancel,
                on_report=on_report,
                on_batch=on_batch,
                on_run_started=lambda run_id: emit(RunStarted(run_id)),
                **args,
            )

        return work

    def _begin_live(self, live: _LiveRun, status: str) -> None:
        self._live = live
        job = live.job
        job.event.connect(self._on_job_event)
        job.finished.connect(self._on_job_finished)
        job.failed.connect(self._on_job_failed)
        job.cancelled.connect(self._on_job_cancelled)
        self.start_button.setEnabled(False)
        self.start_button.setText(translate("TrainPage", "Training…"))
        self.resume_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 1000 if live.iterative else 0)
        self.progress.setValue(int(1000 * live.start_epoch / live.epochs) if live.epochs else 0)
        self.progress.setFormat(translate("TrainPage", "starting…"))
        self.status_label.setText(status)

    @Slot()
    def cancel_training(self) -> None:
        """Ask the running training to stop (recorded as cancelled by the runner)."""
        if self._live is not None:
            self._live.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText(translate("TrainPage", "Cancelling…"))

    @Slot(object)
    def _on_job_event(self, payload: object) -> None:
        live = self._live
        if live is None or self.sender() is not live.job:
            return
        if isinstance(payload, RunStarted):
            if live.key != payload.run_id:
                self._adopt_run_id(live, payload.run_id)
            live.run_id = payload.run_id
            self.refresh_runs()
            return
        if isinstance(payload, EpochReport):
            live.last_epoch = payload.epoch
            if payload.samples_per_s:
                live.samples_per_s = payload.samples_per_s
            self.curves.add_epoch(
                live.key,
                payload.epoch,
                payload.train_loss,
                payload.valid_loss,
                payload.valid_metric,
                payload.metric_name,
                payload.is_best,
            )
            self._update_progress(live, float(payload.epoch))
            self._refresh_live_row()
            self.epoch_plotted.emit(live.run_id if live.run_id is not None else live.key, payload.epoch)
        elif isinstance(payload, BatchEvent):
            self.curves.add_batch(live.key, payload.epoch, payload.batch, payload.n_batches, payload.loss)
            self._update_progress(live, payload.epoch - 1 + payload.batch / max(1, payload.n_batches))

    def _adopt_run_id(self, live: _LiveRun, run_id: int) -> None:
        """Re-key the live curves (drawn before the run row existed) under the real run id."""
        series = self.curves.series(live.key)
        self.curves.remove_run(live.key)
        new = self.curves.add_run(
            run_id,
            translate("TrainPage", "run {id} · {family}").format(id=run_id, family=live.family),
            series.colour,
            loss_label=series.loss_label,
        )
        for x, y in zip(series.batch_x, series.batch_loss, strict=True):
            new.batch_x.append(x)
            new.batch_loss.append(y)
        if new.batch_x:
            new.items["batch"].setData(new.batch_x, new.batch_loss)
        for i, epoch in enumerate(series.epochs):
            self.curves.add_epoch(
                run_id,
                int(epoch),
                series.train_loss[i],
                series.valid_loss[i],
                series.valid_metric[i],
                series.metric_name,
                series.best_epoch == epoch,
            )
        live.key = run_id

    def _update_progress(self, live: _LiveRun, epochs_done: float) -> None:
        if not live.iterative or not live.epochs:
            return
        fraction = min(1.0, epochs_done / live.epochs)
        self.progress.setValue(int(fraction * 1000))
        elapsed = time.monotonic() - live.started
        # a resumed run started part-way: only the epochs of this job count towards the speed
        done_here = fraction - live.start_epoch / live.epochs
        eta = elapsed * (1 - fraction) / done_here if done_here > 0.01 else None
        speed = f" · {live.samples_per_s:,.0f} samples/s" if live.samples_per_s else ""
        self.progress.setFormat(
            translate("TrainPage", "epoch {epochs}/{epochs2} · %p%").format(
                epochs=min(live.epochs, int(epochs_done) + 1), epochs2=live.epochs
            )
        )
        self.status_label.setText(
            translate("TrainPage", "elapsed {elapsed} · ETA {eta}{speed}").format(
                elapsed=format_duration(elapsed), eta=format_duration(eta), speed=speed
            )
        )

    def _end_live(self) -> _LiveRun | None:
        live, self._live = self._live, None
        self.start_button.setEnabled(self._family_class() is not None)
        self.start_button.setText(translate("TrainPage", START_TEXT))
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1000)
        self._update_resume_button()
        return live

    @Slot(object)
    def _on_job_finished(self, result: Any) -> None:
        live = self._end_live()
        if live is None:
            return
        if live.key != result.run_id:  # the RunStarted event always comes first; this is a safety net
            self._adopt_run_id(live, int(result.run_id))
        self.progress.setValue(1000)
        self.progress.setFormat(translate("TrainPage", "done"))
        metrics = getattr(result, "metrics", {}) or {}
        shown = [f"{k} {v:.4f}" for k, v in metrics.items() if k in ("rmse", "ndcg@10", "recall@10")]
        self.status_label.setText(
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
        live = self._end_live()
        if live is None:
            return
        run_id = live.run_id
        self.progress.setFormat(translate("TrainPage", "cancelled"))
        epochs = f" after epoch {live.last_epoch}" if live.last_epoch else ""
        if run_id is None:  # cancelled before the run row was written
            self.curves.remove_run(live.key)
            self.status_label.setText(translate("TrainPage", "Training cancelled before it started."))
        else:
            self.status_label.setText(
                translate(
                    "TrainPage",
                    "Run {run_id} cancelled{epochs}; its curves stay here, and Resume continues it.",
                ).format(run_id=run_id, epochs=epochs)
            )
        self.refresh_runs()
        self.ctx.runs_changed.emit()
        self.training_cancelled.emit(run_id if run_id is not None else -1)

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        live = self._end_live()
        if live is None:
            return
        if live.run_id is None:
            self.curves.remove_run(live.key)
        self.progress.setFormat(translate("TrainPage", "failed"))
        self.status_label.setText(translate("TrainPage", "Training failed."))
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
        runs: list[RunInfo] = []
        try:
            runs = list_runs(self.ctx.db)[:RUNS_SHOWN]
        except Exception as exc:  # a broken database is reported on the page, not as a crash
            self.message.show_message(
                translate("TrainPage", "Cannot list training runs: {exc}").format(exc=exc), "error"
            )
        first_fill = self.runs_list.count() == 0 and not self.curves.run_ids()
        selected = self.selected_run_id()
        self._loading_runs = True
        self.runs_list.clear()
        for run in runs:
            item = QListWidgetItem(self._run_text(run))
            item.setData(Qt.ItemDataRole.UserRole, run.id)
            item.setData(RUN_ROLE, run)
            item.setData(RESUMABLE_ROLE, run.resumable)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            shown = self.curves.has_run(run.id) and self.curves.series(run.id).visible
            item.setCheckState(Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked)
            if self.curves.has_run(run.id):
                item.setForeground(self._colour(run.id))
            if run.error and run.status != "completed":
                item.setToolTip(run.error)
            self.runs_list.addItem(item)
            if run.id == selected:
                item.setSelected(True)
                self.runs_list.setCurrentItem(item)
        self._loading_runs = False
        self.runs_empty.setVisible(not runs)
        self.runs_list.setVisible(bool(runs))
        if first_fill and runs:
            self.runs_list.item(0).setCheckState(Qt.CheckState.Checked)
        self._update_resume_button()

    def _run_text(self, run: RunInfo) -> str:
        """One list row: what, where, how it stands (a running run: its epoch and time so far)."""
        when = run.started_at.strftime("%Y-%m-%d %H:%M") if run.started_at else ""
        live = self._live
        running = translate("TrainPage", "running")
        if live is not None and live.run_id == run.id:
            total = f"/{live.epochs}" if live.epochs else ""
            epoch = " · " + (
                translate("TrainPage", "epoch {n}").format(n=f"{live.last_epoch}{total}")
                if live.last_epoch
                else translate("TrainPage", "starting")
            )
            state = f"{running}{epoch} · {format_duration(time.monotonic() - live.started)}"
        elif run.status == "running":  # another process (a CLI job, a second window) is training it
            state = translate("TrainPage", "running · {time} so far").format(
                time=format_duration(_elapsed_since(run.started_at))
            )
        else:
            resumable = translate("TrainPage", " (resumable)") if run.resumable else ""
            n_epochs = (
                " · " + translate("TrainPage", "epoch {n}").format(n=run.checkpoint_epoch)
                if run.checkpoint_epoch
                else ""
            )
            state = f"{run_status(run.status)}{resumable}{n_epochs} · {format_duration(run.elapsed_s)}"
        return translate("TrainPage", "run {id} · {family} on {dataset} · {state} · {when}").format(
            id=run.id, family=run.family, dataset=run.dataset_name, state=state, when=when
        )

    def _refresh_live_row(self) -> None:
        live = self._live
        if live is None or live.run_id is None:
            return
        for row in range(self.runs_list.count()):
            item = self.runs_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == live.run_id:
                self._loading_runs = True
                item.setText(self._run_text(item.data(RUN_ROLE)))
                self._loading_runs = False
                return

    def screenshot_steps(self) -> list[tuple[str, Callable[[], None] | None]]:
        """States for the screenshot command: the newest run, then every listed run overlaid."""

        def overlay() -> None:
            for row in range(self.runs_list.count()):
                self.runs_list.item(row).setCheckState(Qt.CheckState.Checked)

        return [("", None), ("overlay", overlay)]

    def selected_run_id(self) -> int | None:
        """The run selected in the list (None when none is)."""
        item = self.runs_list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def select_run(self, run_id: int) -> None:
        """Select a run in the list by id (tests, keyboard users)."""
        for row in range(self.runs_list.count()):
            item = self.runs_list.item(row)
            if int(item.data(Qt.ItemDataRole.UserRole)) == run_id:
                self.runs_list.setCurrentItem(item)
                return
        raise KeyError(run_id)

    @Slot()
    def _update_resume_button(self) -> None:
        item = self.runs_list.currentItem()
        resumable = item is not None and bool(item.data(RESUMABLE_ROLE))
        self.resume_button.setEnabled(resumable and self._live is None)

    @Slot()
    def _resume_selected(self) -> None:
        run_id = self.selected_run_id()
        if run_id is not None:
            self.resume_run(run_id)

    def _colour(self, run_id: int) -> Any:
        from PySide6.QtGui import QColor

        return QColor(self.curves.series(run_id).colour)

    @Slot(QListWidgetItem)
    def _on_run_item_changed(self, item: QListWidgetItem) -> None:
        if self._loading_runs:
            return
        run_id = int(item.data(Qt.ItemDataRole.UserRole))
        checked = item.checkState() == Qt.CheckState.Checked
        if checked and not self.curves.has_run(run_id):
            self.show_stored_run(run_id)
            self._loading_runs = True
            item.setForeground(self._colour(run_id))
            self._loading_runs = False
        else:
            self.curves.set_run_visible(run_id, checked)

    def show_stored_run(self, run_id: int) -> None:
        """Draw a stored run's epochs (after a restart, or to compare with the live one)."""
        try:
            run = get_run(self.ctx.db, run_id)
        except Exception as exc:
            QMessageBox.warning(
                self,
                translate("TrainPage", "Training run"),
                translate("TrainPage", "Cannot open run {run_id}: {exc}").format(run_id=run_id, exc=exc),
            )
            return
        self._draw_stored_run(run, run.epochs)
        for epoch in run.epochs[-1:]:
            self.epoch_plotted.emit(run_id, epoch.epoch)

    def _draw_stored_run(self, run: RunInfo, epochs: list[Any]) -> None:
        if not self.curves.has_run(run.id):
            self.curves.add_run(
                run.id,
                translate("TrainPage", "run {id} · {family}").format(id=run.id, family=run.family),
                loss_label=loss_axis_label(run.family, run.config),
            )
        self.curves.set_run_visible(run.id, True)
        self.curves.set_history(run.id, epoch_rows(epochs))
