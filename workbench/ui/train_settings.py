"""The Train page's settings column: data and model, evaluation split, device and epochs, and the model's
generated settings form, in one vertical scroll."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.core.device import resolve_device
from workbench.errors import WorkbenchError
from workbench.models.registry import FAMILIES
from workbench.ui.config_form import ConfigForm
from workbench.ui.i18n import translate
from workbench.ui.model_texts import model_text
from workbench.ui.split_form import SplitForm

DEVICES = ("auto", "cpu", "cuda", "mps")
#: fields shown in the Training box rather than in the generated form
PAGE_FIELDS = ("epochs",)
DEFAULT_FAMILY = "mf"


class TrainSettings(QScrollArea):
    """Every choice a training needs; it scrolls up and down, never sideways.

    Signals: ``family_changed()`` after another model family is shown, ``changed()`` when anything the
    memory estimate depends on changes (dataset, family, model settings).
    """

    family_changed = Signal()
    changed = Signal()

    def __init__(self, device_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._families: dict[str, type] = {}
        self._epochs_default: int | None = None  # the shown family's default, to tell a user's own value
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
        form.addRow(translate("TrainPage", "Model"), self.family_combo)
        self.family_description = QLabel()
        self.family_description.setWordWrap(True)
        self.family_description.setObjectName("Hint")
        form.addRow(self.family_description)
        layout.addWidget(data_box)

        split_box = QGroupBox(translate("TrainPage", "Evaluation split"))
        split_layout = QVBoxLayout(split_box)
        self.split_form = SplitForm()
        split_layout.addWidget(self.split_form)
        layout.addWidget(split_box)

        run_box = QGroupBox(translate("TrainPage", "Training"))
        run_form = QFormLayout(run_box)
        self.device_combo = QComboBox()
        self._fill_devices(device_label)
        run_form.addRow(translate("TrainPage", "Device"), self.device_combo)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 10_000)
        run_form.addRow(translate("TrainPage", "Epochs"), self.epochs_spin)
        layout.addWidget(run_box)

        settings_box = QGroupBox(translate("TrainPage", "Model settings"))
        settings_layout = QVBoxLayout(settings_box)
        self.config_form = ConfigForm(exclude=PAGE_FIELDS)
        settings_layout.addWidget(self.config_form)
        self.reset_button = QPushButton(translate("TrainPage", "Reset to defaults"))
        self.reset_button.setToolTip(translate("TrainPage", "Put every model setting back to its default"))
        self.reset_button.clicked.connect(self.reset)
        settings_layout.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(settings_box)
        layout.addStretch(1)
        self.setWidget(content)

        self.family_combo.currentIndexChanged.connect(self._on_family_changed)
        self.dataset_combo.currentIndexChanged.connect(self.changed)
        self.config_form.changed.connect(self.changed)
        self.refresh_families()

    def _fill_devices(self, device_label: str) -> None:
        for name in DEVICES:
            label = name
            available = True
            try:
                resolved = resolve_device(name)
                if name == "auto":
                    label = f"auto ({resolved})"
            except (WorkbenchError, RuntimeError):  # not present on this machine
                available = False
            if not available:
                label = translate("TrainPage", "{name} (not available)").format(name=name)
            self.device_combo.addItem(label, name)
            item = self.device_combo.model().item(self.device_combo.count() - 1)  # type: ignore[attr-defined]
            item.setEnabled(available)
        self.device_combo.setToolTip(
            translate("TrainPage", "Compute device; this machine: {device_label}").format(
                device_label=device_label
            )
        )

    # --- families --------------------------------------------------------------------------------
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

    def family(self) -> str | None:
        return self.family_combo.currentData()

    def family_class(self, family: str | None = None) -> type | None:
        """The class of ``family`` (default: the chosen one); None when none is."""
        return self._families.get(family if family is not None else self.family_combo.currentData())

    def set_family(self, family: str) -> None:
        """Select a model family by key (raises ``KeyError`` for an unknown one)."""
        index = self.family_combo.findData(family)
        if index < 0:
            raise KeyError(family)
        self.family_combo.setCurrentIndex(index)

    @Slot()
    def _on_family_changed(self) -> None:
        cls = self.family_class()
        if cls is None:
            self.family_description.setText(translate("TrainPage", "No model families are available."))
            self.config_form.set_config_class(None)
        else:
            self._show_family(cls)
        self.family_changed.emit()
        self.changed.emit()

    def _show_family(self, cls: type) -> None:
        self.family_description.setText(model_text(getattr(cls, "description", "") or ""))
        config_class = cls.Config  # type: ignore[attr-defined]
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
        self.epochs_spin.setToolTip(
            translate("TrainPage", "Maximum passes over the training data (early stopping may end sooner)")
            if iterative
            else translate("TrainPage", "This model is fitted in one closed-form step")
        )
        self.device_combo.setEnabled(iterative)
        self._fit_width()

    def _fit_width(self) -> None:
        """Keep the column wide enough for its widest row: it scrolls up and down, never sideways."""
        content = self.widget()
        if content is None:
            return
        content.adjustSize()
        bar = self.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(content.minimumSizeHint().width() + bar)

    @Slot()
    def reset(self) -> None:
        """Put the model settings and epochs back to the family's defaults."""
        self.config_form.reset()
        self._epochs_default = None
        self._on_family_changed()

    # --- datasets --------------------------------------------------------------------------------
    def set_datasets(self, choices: list[tuple[int, str, int]], wanted: int | None = None) -> None:
        """Fill the dataset combo with (id, name, interactions); keeps the choice, else picks ``wanted``."""
        current = self.dataset_combo.currentData()
        self.dataset_combo.clear()
        for dataset_id, name, n in choices:
            self.dataset_combo.addItem(
                translate("TrainPage", "{name}  ({n:,} interactions)").format(name=name, n=n), dataset_id
            )
        index = self.dataset_combo.findData(current if current is not None else wanted)
        if index >= 0:
            self.dataset_combo.setCurrentIndex(index)

    def dataset_id(self) -> int | None:
        data = self.dataset_combo.currentData()
        return None if data is None else int(data)

    # --- the choice --------------------------------------------------------------------------------
    def is_iterative(self, family: str | None = None) -> bool:
        """Whether a family trains epoch by epoch (and so uses a device and an epoch count)."""
        return bool(getattr(self.family_class(family), "iterative", False))

    def epochs(self) -> int | None:
        """The epoch count, or None for a family fitted in one step."""
        return self.epochs_spin.value() if self.epochs_spin.isEnabled() else None

    def device(self, family: str | None = None) -> str:
        """The chosen device for ``family`` (default: the chosen one); "cpu" for one-step families."""
        return str(self.device_combo.currentData()) if self.is_iterative(family) else "cpu"

    def model_settings(self) -> dict[str, Any]:
        """The generated form's values (raises ``ValueError`` naming an unreadable field)."""
        return self.config_form.settings()

    def split_spec(self) -> dict[str, Any]:
        """The split chosen as a ``SplitSpec`` dict."""
        return self.split_form.spec()
