"""The Train page's status row: a progress bar (epochs, percent) and a line with time, ETA and speed."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from workbench.ui.i18n import translate
from workbench.ui.train_job import LiveRun
from workbench.ui.widgets import format_duration

STEPS = 1000  # progress bar resolution


class TrainStatus(QWidget):
    """Progress of the training this window runs, and the outcome of the last one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setRange(0, STEPS)
        self.progress.setValue(0)  # a bar that never had a value shows no text
        self.progress.setTextVisible(True)
        self.progress.setFormat(translate("TrainPage", "idle"))
        row.addWidget(self.progress, 1)
        self.status_label = QLabel(translate("TrainPage", "Ready."))
        self.status_label.setMinimumWidth(260)
        row.addWidget(self.status_label)

    def begin(self, live: LiveRun, text: str) -> None:
        """A training starts (a resumed run starts part-way; a one-step fit shows a busy bar)."""
        self.progress.setRange(0, STEPS if live.iterative else 0)
        self.progress.setValue(int(STEPS * live.start_epoch / live.epochs) if live.epochs else 0)
        self.progress.setFormat(translate("TrainPage", "starting…"))
        self.status_label.setText(text)

    def advance(self, live: LiveRun, epochs_done: float) -> None:
        """Show ``epochs_done`` (fractional mid-epoch) of ``live.epochs``, the time so far and the ETA."""
        if not live.iterative or not live.epochs:
            return
        fraction = min(1.0, epochs_done / live.epochs)
        self.progress.setValue(int(fraction * STEPS))
        elapsed = time.monotonic() - live.started
        # a resumed run started part-way: only the epochs of this job count towards the speed
        done_here = fraction - live.start_epoch / live.epochs
        eta = elapsed * (1 - fraction) / done_here if done_here > 0.01 else None
        speed = f" · {live.samples_per_s:,.0f} samples/s" if live.samples_per_s else ""
        self.progress.setFormat(translate("TrainPage", "epoch {epochs}/{epochs2} · %p%").format(
            epochs=min(live.epochs, int(epochs_done) + 1), epochs2=live.epochs))
        self.status_label.setText(translate("TrainPage", "elapsed {elapsed} · ETA {eta}{speed}").format(
            elapsed=format_duration(elapsed), eta=format_duration(eta), speed=speed))

    def end(self, state: str, complete: bool = False) -> None:
        """The training ended: ``state`` ("done", "cancelled", ...) on the bar, full when ``complete``."""
        self.progress.setRange(0, STEPS)
        if complete:
            self.progress.setValue(STEPS)
        self.progress.setFormat(state)

    def set_text(self, text: str) -> None:
        self.status_label.setText(text)

    def text(self) -> str:
        return self.status_label.text()
