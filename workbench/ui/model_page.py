"""The shared frame of pages that work on one saved model picked from a combo box (Inspect, What-if)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from workbench.store.db import STORE_ERRORS
from workbench.ui.context import AppContext
from workbench.ui.explain_panel import fill_model_combo
from workbench.ui.i18n import translate
from workbench.ui.job_slots import JobSlots
from workbench.ui.jobs import Job
from workbench.ui.widgets import EmptyState, InlineMessage


class ModelPage(QWidget):
    """Keeps ``model_combo`` in step with the store and runs the page's work as superseding jobs.

    Subclasses call ``_build_frame`` (which makes ``stack``, ``empty`` and ``model_combo``), add their
    ``message``, then call ``refresh_models()``; they implement ``_on_model_changed`` (start loading the
    chosen model) and ``_model_loaded`` (whether one is loaded).
    """

    failed = Signal(str)
    job_kind: ClassVar[str] = "model"

    model_combo: QComboBox
    stack: QStackedWidget
    message: InlineMessage

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.jobs = JobSlots(ctx.jobs, kind=self.job_kind, quiet=True, on_failed=self._fail, parent=self)
        self._load_pending = False

    def _build_frame(self, empty_hint: str, combo_width: int) -> tuple[QVBoxLayout, QHBoxLayout]:
        """The empty state ("No model yet") and the content page, whose layout and first control row
        (already holding "Model" and ``model_combo``) are returned for the subclass to fill."""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.empty = EmptyState(
            translate("ModelPage", "No model yet: train one on the Train page"),
            empty_hint,
            actions=[("Go to Train", lambda: self.ctx.show_page("Train"))],
        )
        self.stack.addWidget(self.empty)
        body = QWidget()
        self.stack.addWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(translate("ModelPage", "Model")))
        self.model_combo = QComboBox()
        self.model_combo.setMinimumWidth(combo_width)
        self.model_combo.currentIndexChanged.connect(self._on_model_changed)
        return layout, controls

    def _on_model_changed(self) -> None:
        raise NotImplementedError

    def _model_loaded(self) -> bool:
        raise NotImplementedError

    # --- jobs ------------------------------------------------------------------------------------
    def _submit(self, slot: str, title: str, fn: Callable[..., Any], on_done: Callable[[Any], None]) -> Job:
        """One job per slot (e.g. "model", "user"): a newer request cancels and supersedes the older."""
        return self.jobs.submit(slot, title, fn, on_done)

    def _fail(self, message: str) -> None:
        self.message.show_message(message, "error")
        self.failed.emit(message)

    # --- models ----------------------------------------------------------------------------------
    @Slot()
    def refresh_models(self) -> None:
        """Reload the model list; the empty state shows while there is none."""
        current = self.model_combo.currentData()
        try:
            count = fill_model_combo(self.model_combo, self.ctx.db)
        except STORE_ERRORS as exc:
            count = 0
            self.message.show_message(
                translate("ModelPage", "Cannot list models: {exc}").format(exc=exc), "error"
            )
        self.stack.setCurrentIndex(1 if count else 0)
        if self.model_combo.currentData() != current or (count and not self._model_loaded()):
            self._load_when_visible()

    def _load_when_visible(self) -> None:
        # A hidden page waits until it is shown: loading and drawing a model costs the GUI thread
        # (and the GIL) at the very moment a training finishes and every page hears of the new model.
        if self.isVisible():
            self._on_model_changed()
        else:
            self._load_pending = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._load_pending:
            self._load_pending = False
            self._on_model_changed()

    def select_model(self, model_id: int) -> None:
        """Choose a model by id (tests, screenshots)."""
        index = self.model_combo.findData(model_id)
        if index < 0:
            self.refresh_models()
            index = self.model_combo.findData(model_id)
        if index >= 0 and index != self.model_combo.currentIndex():
            self.model_combo.setCurrentIndex(index)
        elif index >= 0:
            self._on_model_changed()
