"""The Models page's table: saved models (``ModelInfo``s) as rows with their headline metrics, sortable."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from workbench.ui.i18n import translate

Index = QModelIndex | QPersistentModelIndex
#: metrics shown as table columns (when any model has them), in this order
TABLE_METRICS = ("rmse", "mae", "ndcg@10", "precision@10", "recall@10", "map@10", "hit_rate@10",
                 "coverage@10")
#: config fields that say little about the model, left out of the "key settings" column
HIDDEN_SETTINGS = ("seed", "patience", "batch_size", "positive_threshold")
ModelIdRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2


def key_settings(config: dict[str, Any], limit: int = 4) -> str:
    """A short "dim=64, epochs=40, l2=0.06" summary of a model's config."""
    parts = []
    for key, value in config.items():
        if key in HIDDEN_SETTINGS:
            continue
        if isinstance(value, float):
            value = f"{value:g}"
        elif isinstance(value, list | tuple):
            value = "×".join(str(v) for v in value)
        parts.append(f"{key}={value}")
    return ", ".join(parts[:limit]) + (", …" if len(parts) > limit else "")


def finite_number(value: Any) -> float | None:
    """``value`` as a finite float, or None (missing, text, NaN, infinite)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


class ModelsTableModel(QAbstractTableModel):
    """Saved models (``ModelInfo``s) as rows: id, name, dataset, family, key settings, metrics, created."""

    BASE_COLUMNS = (QT_TRANSLATE_NOOP("ModelsTable", "ID"), QT_TRANSLATE_NOOP("ModelsTable", "Name"),
                    QT_TRANSLATE_NOOP("ModelsTable", "Dataset"), QT_TRANSLATE_NOOP("ModelsTable", "Family"),
                    QT_TRANSLATE_NOOP("ModelsTable", "Key settings"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._models: list[Any] = []
        self._metrics: list[str] = []

    def set_models(self, models: Sequence[Any]) -> None:
        """Replace the rows; metric columns are those any model has."""
        self.beginResetModel()
        self._models = list(models)
        present = {k for m in self._models for k in (m.summary or {})}
        self._metrics = [m for m in TABLE_METRICS if m in present]
        self.endResetModel()

    def model_info(self, row: int) -> Any:
        return self._models[row]

    def model_by_id(self, model_id: int) -> Any:
        """The listed model with id ``model_id``."""
        return next(m for m in self._models if m.id == model_id)

    def metric_columns(self) -> list[str]:
        return list(self._metrics)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._models)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.BASE_COLUMNS) + len(self._metrics) + 1

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        names = [*(translate("ModelsTable", c) for c in self.BASE_COLUMNS), *self._metrics,
                 translate("ModelsTable", "Created")]
        return names[section] if 0 <= section < len(names) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._models):
            return None
        info = self._models[index.row()]
        column = index.column()
        n_base = len(self.BASE_COLUMNS)
        if role == ModelIdRole:
            return info.id
        if column >= self.columnCount():
            return None
        if column < n_base:
            values: list[Any] = [info.id, info.name, info.dataset_name, info.family,
                                 key_settings(info.config)]
            value = values[column]
            if role in (Qt.ItemDataRole.DisplayRole, SortRole):
                return value if role == SortRole or column != 0 else str(value)
            if role == Qt.ItemDataRole.ToolTipRole and column == 4:
                return "\n".join(f"{k} = {v}" for k, v in info.config.items())
            if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if column < n_base + len(self._metrics):
            name = self._metrics[column - n_base]
            number = finite_number((info.summary or {}).get(name))
            if role == Qt.ItemDataRole.DisplayRole:
                return "–" if number is None else f"{number:.4f}"
            if role == SortRole:
                return -math.inf if number is None else number
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ToolTipRole:
                return translate("ModelsTable", "{metric} on the model's test split").format(metric=name)
            return None
        created = info.created_at
        if role in (Qt.ItemDataRole.DisplayRole, SortRole):
            return created.strftime("%Y-%m-%d %H:%M") if created else ""
        return None
