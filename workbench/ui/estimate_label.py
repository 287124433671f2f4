"""The Train page's "what this run will need" line: memory (against what is free) and time per epoch."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from workbench.errors import WorkbenchError
from workbench.training.resources import format_bytes, format_seconds
from workbench.ui.i18n import translate


def estimate_text(db: Any, dataset_id: int | None, family_cls: type | None,
                  settings: dict[str, Any], text_shape: Any = None) -> tuple[str, bool]:
    """(label text, fits) for training ``family_cls`` with ``settings`` on a stored dataset (with the
    measured ``text_shape`` of its item texts once known, as the run's own check has)."""
    if dataset_id is None or family_cls is None:
        return "", True
    from workbench.store.datasets import get_dataset_info
    from workbench.training.resources import estimate

    try:
        info = get_dataset_info(db, int(dataset_id))
        est = estimate(family_cls, settings, int(info.n_users or 0), int(info.n_items or 0),
                       int(info.n_interactions or 0), text_shape=text_shape)
    except (WorkbenchError, ValueError, TypeError) as exc:
        return translate("EstimateLabel", "No estimate: {reason}").format(reason=exc), True
    need = translate("EstimateLabel", "needs about {need} of memory ({free} free)").format(
        need=format_bytes(est.peak_bytes), free=format_bytes(est.free_bytes))
    if est.epoch_seconds is not None:
        need += translate("EstimateLabel", ", about {time} per epoch on a 2-core CPU").format(
            time=format_seconds(est.epoch_seconds))
    if est.fits:
        return translate("EstimateLabel", "This run {need}.").format(need=need), True
    from workbench.models.base import config_from_dict

    advice = family_cls.size_advice(config_from_dict(family_cls.Config, settings))
    return translate("EstimateLabel", "Too large: this run {need}. Training will be refused; try {advice}."
                     ).format(need=need, advice=advice), False


class EstimateLabel(QLabel):
    """A wrapped hint line; ``refresh`` recomputes it (cheap: one dataset row and some arithmetic; the
    page measures item texts in the background and passes their shape once known)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("Hint")
        self.setToolTip(translate(
            "EstimateLabel", "Predicted from the dataset's size and the settings before any work starts; a "
            "run that does not fit in the free memory is refused"))
        self.fits = True

    def refresh(self, db: Any, dataset_id: int | None, family_cls: type | None,
                settings: dict[str, Any], text_shape: Any = None) -> None:
        """Recompute the line for the page's current choices."""
        text, self.fits = estimate_text(db, dataset_id, family_cls, settings, text_shape)
        self.setText(text)
        self.setVisible(bool(text))
        self.setStyleSheet("" if self.fits else "color: #b3261e;")
