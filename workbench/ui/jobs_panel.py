"""The jobs panel: one row per background job with a progress bar, ETA and a cancel button."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.i18n import translate
from workbench.ui.jobs import CANCELLED, FAILED, FINISHED, Job, JobManager
from workbench.ui.widgets import format_duration

MAX_FINISHED_ROWS = 12


class JobRow(QFrame):
    """One job: title, bar, "message · 1m 05s elapsed · ETA 20s", and Cancel (or Dismiss when done)."""

    dismissed = Signal(object)

    def __init__(self, job: Job, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.setObjectName("JobRow")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.title = QLabel(job.title)
        self.title.setObjectName("JobTitle")
        self.title.setMinimumWidth(220)
        self.title.setToolTip(job.title)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(14)
        self.bar.setMinimumWidth(200)
        self.status = QLabel(translate("JobRow", "queued"))
        self.status.setObjectName("JobStatus")
        self.status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.cancel_button = QPushButton(translate("JobRow", "Cancel"))
        self.cancel_button.setToolTip(translate("JobRow", "Stop this job at its next checkpoint"))
        self.cancel_button.clicked.connect(self._cancel_or_dismiss)
        layout.addWidget(self.title)
        layout.addWidget(self.bar, 2)
        layout.addWidget(self.status, 3)
        layout.addWidget(self.cancel_button)
        job.progress.connect(self.refresh)
        job.started.connect(self.refresh)
        job.done.connect(self.refresh)
        self.refresh()

    def _cancel_or_dismiss(self) -> None:
        if self.job.is_active:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.refresh()
        else:
            self.dismissed.emit(self)

    def refresh(self, *_: object) -> None:
        """Redraw from the job's state (called on its signals and by the panel's clock for the ETA)."""
        job = self.job
        if job.state == FINISHED:
            self.bar.setRange(0, 1000)
            self.bar.setValue(1000)
            self.status.setText(
                translate("JobRow", "done in {elapsed_s}").format(elapsed_s=format_duration(job.elapsed_s))
            )
        elif job.state == FAILED:
            self.bar.setRange(0, 1000)
            self.status.setText(translate("JobRow", "failed: {error}").format(error=job.error))
            self.status.setToolTip(job.error or "")
        elif job.state == CANCELLED:
            self.bar.setRange(0, 1000)  # a busy indicator would keep animating for a stopped job
            self.status.setText(translate("JobRow", "cancelled"))
        elif job.fraction is None:
            if job.started_at is not None:
                self.bar.setRange(0, 0)  # busy indicator while the total is unknown
            parts = [job.message or (translate("JobRow", "running") if job.started_at is not None
                                     else translate("JobRow", "queued"))]
            if job.started_at is not None:
                parts.append(
                    translate("JobRow", "{time} elapsed").format(time=format_duration(job.elapsed_s))
                )
            self.status.setText(" · ".join(parts))
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(job.fraction * 1000))
            parts = [f"{job.fraction:.0%}"]
            if job.message:
                parts.append(job.message)
            parts.append(translate("JobRow", "{time} elapsed").format(time=format_duration(job.elapsed_s)))
            eta = job.eta_s
            parts.append(
                translate("JobRow", "ETA {time}").format(
                    time=format_duration(eta) if eta is not None else "–"
                )
            )
            self.status.setText(" · ".join(parts))
        if not job.is_active:
            self.cancel_button.setEnabled(True)
            self.cancel_button.setText(translate("JobRow", "Dismiss"))
            self.cancel_button.setToolTip(translate("JobRow", "Remove this finished job from the list"))
        self.setProperty("state", job.state)


class JobsPanel(QWidget):
    """All jobs of a ``JobManager``, newest first; running rows refresh their ETA twice a second."""

    def __init__(self, manager: JobManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.rows: list[JobRow] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.setContentsMargins(8, 4, 8, 0)
        self.summary = QLabel(translate("JobsPanel", "No background jobs"))
        self.summary.setObjectName("JobsSummary")
        self.clear_button = QPushButton(translate("JobsPanel", "Clear finished"))
        self.clear_button.clicked.connect(self.clear_finished)
        header.addWidget(self.summary, 1)
        header.addWidget(self.clear_button)
        outer.addLayout(header)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        container = QWidget()
        self.list_layout = QVBoxLayout(container)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.setSpacing(0)
        self.list_layout.addStretch(1)
        scroll.setWidget(container)
        # the rows scroll: the panel must not push a 700-pixel window past the screen
        scroll.setMinimumHeight(30)
        outer.addWidget(scroll)
        for job in manager.jobs():
            self._add(job)
        manager.job_added.connect(self._add)
        manager.active_changed.connect(self._update_summary)
        self._clock = QTimer(self)
        self._clock.setInterval(500)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._update_summary()

    def _add(self, job: Job) -> None:
        if job.quiet:
            return
        row = JobRow(job)
        row.dismissed.connect(self._remove)
        self.rows.insert(0, row)
        self.list_layout.insertWidget(0, row)
        self._prune()

    def row_for(self, job: Job) -> JobRow | None:
        return next((r for r in self.rows if r.job is job), None)

    def _prune(self) -> None:
        finished = [r for r in self.rows if not r.job.is_active]
        for row in finished[MAX_FINISHED_ROWS:]:
            self._remove(row)

    def _remove(self, row: JobRow) -> None:
        if row in self.rows:
            self.rows.remove(row)
        row.hide()
        row.deleteLater()

    def clear_finished(self) -> None:
        for row in [r for r in self.rows if not r.job.is_active]:
            self._remove(row)
        self.manager.forget_finished()
        self._update_summary()

    def _tick(self) -> None:
        for row in self.rows:
            if row.job.is_active:
                row.refresh()

    def _update_summary(self, *_: object) -> None:
        active = len(self.manager.active_jobs())
        if active:
            self.summary.setText(
                translate("JobsPanel", "{active} job{value} running").format(
                    active=active, value="s" if active != 1 else ""
                )
            )
        elif self.rows:
            self.summary.setText(translate("JobsPanel", "No job running"))
        else:
            self.summary.setText(translate("JobsPanel", "No background jobs"))
        self.summary.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
