"""A form generated from a model's frozen config dataclass.

Each field's ``metadata`` drives its editor: ``help`` becomes the tooltip, ``min``/``max`` the spin box
range, ``choices`` a combo box; bools get a check box, tuples a comma-separated line edit. ``settings()``
returns only plain Python values ready for ``config_from_dict``.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from workbench.ui.i18n import translate
from workbench.ui.model_texts import model_text, setting_label

_INT_LIMIT = 2_000_000_000



def _automatic(meta: dict[str, Any]) -> bool:
    """Whether the field's lowest value, -1, means "chosen from the data" (its help says what -1 does):
    the editor then reads "auto" there instead of a bare -1."""
    return meta.get("min") == -1 and "-1:" in str(meta.get("help", ""))


def _decimals(default: float, lo: float | None) -> int:
    """Enough decimals to show small learning rates and regularisation weights."""
    smallest = min(abs(v) for v in (default, lo or 0.0) if v) if (default or lo) else 1.0
    if smallest <= 0 or math.isinf(smallest):
        return 4
    return int(min(8, max(2, math.ceil(-math.log10(smallest)) + 2)))


class ConfigForm(QWidget):
    """Editors for every field of ``config_class``; ``changed`` fires when the user edits a value."""

    changed = Signal()

    def __init__(self, config_class: type | None = None, parent: QWidget | None = None,
                 exclude: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._editors: dict[str, QWidget] = {}
        self._defaults: dict[str, Any] = {}
        self._exclude = exclude
        self.config_class: type | None = None
        self.set_config_class(config_class)

    # --- building --------------------------------------------------------------------------------
    def set_config_class(self, config_class: type | None) -> None:
        """Rebuild the editors for another config dataclass (None clears the form)."""
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self._editors.clear()
        self._defaults.clear()
        self.config_class = config_class
        if config_class is None:
            return
        defaults = config_class()
        fields = [f for f in dataclasses.fields(config_class) if f.name not in self._exclude]
        if not fields:
            self._layout.addRow(QLabel(translate("ConfigForm", "This model has no settings.")))
        for f in fields:
            default = getattr(defaults, f.name)
            editor = self._make_editor(f.name, default, dict(f.metadata))
            help_text = model_text(f.metadata.get("help", ""))
            editor.setToolTip(help_text)
            editor.setObjectName(f"config_{f.name}")
            label = QLabel(setting_label(f.name))
            label.setToolTip(help_text)
            label.setBuddy(editor)
            self._layout.addRow(label, editor)
            self._editors[f.name] = editor
            self._defaults[f.name] = default

    def _make_editor(self, name: str, default: Any, meta: dict[str, Any]) -> QWidget:
        choices = meta.get("choices")
        if choices is not None:
            combo = QComboBox()
            blocked = meta["unavailable"]() if "unavailable" in meta else {}
            for index, choice in enumerate(choices):
                combo.addItem(str(choice) + (" (not installed)" if choice in blocked else ""), choice)
                if choice in blocked:  # listed, so people learn it exists, but not selectable
                    model = combo.model()
                    assert isinstance(model, QStandardItemModel)  # a combo box's own model
                    model.item(index).setEnabled(False)
                    combo.setItemData(index, blocked[choice], Qt.ItemDataRole.ToolTipRole)
            combo.setCurrentIndex(max(0, list(choices).index(default) if default in choices else 0))
            combo.currentIndexChanged.connect(self.changed)
            return combo
        if isinstance(default, bool):
            box = QCheckBox()
            box.setChecked(default)
            box.toggled.connect(self.changed)
            return box
        if isinstance(default, int):
            spin = QSpinBox()
            spin.setRange(int(meta.get("min", -_INT_LIMIT)), int(meta.get("max", _INT_LIMIT)))
            if _automatic(meta):
                spin.setSpecialValueText(translate("ConfigForm", "auto"))
            spin.setValue(default)
            spin.setAccelerated(True)
            spin.valueChanged.connect(self.changed)
            return spin
        if isinstance(default, float):
            dspin = QDoubleSpinBox()
            dspin.setDecimals(_decimals(default, meta.get("min")))
            dspin.setRange(float(meta.get("min", -1e12)), float(meta.get("max", 1e12)))
            if _automatic(meta):
                dspin.setSpecialValueText(translate("ConfigForm", "auto"))
            dspin.setSingleStep(10 ** -min(dspin.decimals(), 3) if default < 1 else 0.1)
            dspin.setValue(default)
            dspin.valueChanged.connect(self.changed)
            return dspin
        line = QLineEdit()
        if isinstance(default, tuple):
            line.setText(", ".join(str(v) for v in default))
            line.setPlaceholderText(translate("ConfigForm", "comma-separated values"))
        else:
            line.setText("" if default is None else str(default))
        line.textChanged.connect(self.changed)
        return line

    # --- values ----------------------------------------------------------------------------------
    def field_names(self) -> list[str]:
        return list(self._editors)

    def editor(self, name: str) -> QWidget:
        """The editor widget of one field (tests and pages set values through it)."""
        return self._editors[name]

    def value(self, name: str) -> Any:
        """The current value of one field, converted to its default's type."""
        editor = self._editors[name]
        default = self._defaults[name]
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QSpinBox | QDoubleSpinBox):
            return editor.value()
        assert isinstance(editor, QLineEdit)
        text = editor.text().strip()
        if isinstance(default, tuple):
            kind = type(default[0]) if default else str
            return tuple(kind(part.strip()) for part in text.split(",") if part.strip())
        if default is None:
            return text or None
        return text

    def settings(self, only_changed: bool = False) -> dict[str, Any]:
        """Field name -> value; with ``only_changed`` just those that differ from the defaults.

        A tuple field with unreadable text raises ``ValueError`` naming the field.
        """
        result: dict[str, Any] = {}
        for name in self._editors:
            try:
                value = self.value(name)
            except ValueError as exc:
                raise ValueError(f"{setting_label(name)}: {exc}") from exc
            if only_changed and value == self._defaults[name]:
                continue
            result[name] = value
        return result

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill editors from a settings dict (unknown keys are ignored)."""
        for name, value in values.items():
            editor = self._editors.get(name)
            if editor is None:
                continue
            if isinstance(editor, QComboBox):
                index = editor.findData(value)
                if index >= 0:
                    editor.setCurrentIndex(index)
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(value))
            elif isinstance(editor, QDoubleSpinBox):
                editor.setValue(float(value))
            elif isinstance(editor, QLineEdit):
                if isinstance(value, tuple | list):
                    editor.setText(", ".join(str(v) for v in value))
                else:
                    editor.setText("" if value is None else str(value))

    def reset(self) -> None:
        """Put every field back to its default."""
        self.set_values(dict(self._defaults))
