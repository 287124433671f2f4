"""The evaluation-split form, generated from ``SplitSpec``: a kind combo and one editor per field the
chosen kind reads (label, help and bounds come from the field's metadata in the core)."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QSpinBox, QWidget

from workbench.evaluation.splits import SPLIT_KIND_LABELS, SplitSpec, split_settings
from workbench.ui.i18n import translate

CONTEXT = "TrainPage"  # the split form was part of the Train page; its translations keep that context

# The core's texts, for the translation tools (they cannot read the core); a test keeps this list in step.
TEXTS = (
    QT_TRANSLATE_NOOP("TrainPage", "Per-user ratio (random)"),
    QT_TRANSLATE_NOOP("TrainPage", "Random rows"),
    QT_TRANSLATE_NOOP("TrainPage", "Global time cut (latest)"),
    QT_TRANSLATE_NOOP("TrainPage", "Leave last k per user"),
    QT_TRANSLATE_NOOP("TrainPage", "Cold items (held out whole)"),
    QT_TRANSLATE_NOOP("TrainPage", "Cold users (held out whole)"),
    QT_TRANSLATE_NOOP("TrainPage", "None (train on everything)"),
    QT_TRANSLATE_NOOP("TrainPage", "Test fraction"),
    QT_TRANSLATE_NOOP(
        "TrainPage", "Share of interactions (of items or users for cold splits) held out for test"
    ),
    QT_TRANSLATE_NOOP("TrainPage", "Last k"),
    QT_TRANSLATE_NOOP("TrainPage", "Interactions held out per user (leave last k)"),
    QT_TRANSLATE_NOOP("TrainPage", "Validation fraction"),
    QT_TRANSLATE_NOOP(
        "TrainPage", "Share of the training part held out to pick the best epoch and stop early (0: none)"
    ),
    QT_TRANSLATE_NOOP("TrainPage", "Split seed"),
    QT_TRANSLATE_NOOP("TrainPage", "Seed of the split: the same seed holds out the same rows"),
)


def core_texts() -> list[str]:
    """Every text of ``SplitSpec``'s form metadata and kind labels (what ``TEXTS`` must list)."""
    texts = list(SPLIT_KIND_LABELS.values())
    for f in split_settings():
        texts += [f.metadata["label"], f.metadata["help"]]
    return texts


class SplitForm(QWidget):
    """Kind combo plus the editors of the fields that kind reads; the others are hidden, keeping values.

    ``changed`` fires when the user edits anything; ``spec()`` is the choice as a ``SplitSpec`` dict.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.kind_combo = QComboBox()
        for kind, label in SPLIT_KIND_LABELS.items():
            self.kind_combo.addItem(translate(CONTEXT, label), kind)
        self.kind_combo.setToolTip(
            translate("TrainPage", "How test interactions are held out; stored with the model")
        )
        self._layout.addRow(translate("TrainPage", "Kind"), self.kind_combo)
        self._editors: dict[str, QSpinBox | QDoubleSpinBox] = {}
        self._labels: dict[str, QLabel] = {}
        defaults = SplitSpec()
        for f in split_settings():
            editor = self._make_editor(getattr(defaults, f.name), dict(f.metadata))
            editor.setObjectName(f"split_{f.name}")
            help_text = translate(CONTEXT, f.metadata["help"])
            editor.setToolTip(help_text)
            label = QLabel(translate(CONTEXT, f.metadata["label"]))
            label.setToolTip(help_text)
            label.setBuddy(editor)
            self._layout.addRow(label, editor)
            self._editors[f.name] = editor
            self._labels[f.name] = label
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self.kind_combo.currentIndexChanged.connect(self.changed)
        self._on_kind_changed()

    def _make_editor(self, default: Any, meta: dict[str, Any]) -> QSpinBox | QDoubleSpinBox:
        editor: QSpinBox | QDoubleSpinBox
        if isinstance(default, int):
            editor = QSpinBox()
            editor.setRange(int(meta["min"]), int(meta["max"]))
            editor.setValue(default)
        else:
            editor = QDoubleSpinBox()
            editor.setDecimals(2)
            editor.setRange(float(meta["min"]), float(meta["max"]))
            editor.setSingleStep(float(meta.get("step", 0.01)))
            editor.setValue(float(default))
        editor.valueChanged.connect(self.changed)
        return editor

    @Slot()
    def _on_kind_changed(self) -> None:
        used = {f.name for f in split_settings(self.kind())}
        for name, editor in self._editors.items():
            self._layout.setRowVisible(editor, name in used)

    # --- values ----------------------------------------------------------------------------------
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def set_kind(self, kind: str) -> None:
        """Choose a split kind by key (raises ``KeyError`` for an unknown one)."""
        index = self.kind_combo.findData(kind)
        if index < 0:
            raise KeyError(kind)
        self.kind_combo.setCurrentIndex(index)

    def editor(self, name: str) -> QSpinBox | QDoubleSpinBox:
        """The editor of one ``SplitSpec`` field (tests and pages set values through it)."""
        return self._editors[name]

    def shown_fields(self) -> list[str]:
        """The fields whose editors the chosen kind shows, in form order."""
        return [name for name, editor in self._editors.items() if self._layout.isRowVisible(editor)]

    def spec(self) -> dict[str, Any]:
        """The split as a ``SplitSpec`` dict: every field (hidden ones keep their value but are not read)."""
        values: dict[str, Any] = {"kind": self.kind()}
        for name, editor in self._editors.items():
            values[name] = editor.value() if isinstance(editor, QSpinBox) else round(editor.value(), 4)
        return dataclasses.asdict(SplitSpec.from_dict(values))

    def set_spec(self, spec: dict[str, Any]) -> None:
        """Show a stored split (missing fields take their defaults)."""
        full = dataclasses.asdict(SplitSpec.from_dict(spec))
        self.set_kind(full.pop("kind"))
        for name, value in full.items():
            self._editors[name].setValue(value)
