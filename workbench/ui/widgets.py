"""Small shared widgets: empty states, stat tiles, inline messages, headings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


class EmptyState(QWidget):
    """A centred message with optional buttons, e.g. "No dataset yet: import one or load the demo".

    ``actions`` is a list of (button text, callback); the buttons are kept in ``self.buttons``.
    """

    def __init__(self, title: str, message: str = "",
                 actions: Sequence[tuple[str, Callable[[], object]]] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EmptyState")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("EmptyStateTitle")
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        self.message_label = QLabel(message)
        self.message_label.setObjectName("EmptyStateMessage")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(bool(message))
        layout.addWidget(self.message_label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.buttons: list[QPushButton] = []
        for text, callback in actions:
            button = QPushButton(text)
            button.setMinimumWidth(140)
            button.clicked.connect(lambda _=False, cb=callback: cb())
            row.addWidget(button)
            self.buttons.append(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def set_text(self, title: str, message: str = "") -> None:
        self.title_label.setText(title)
        self.message_label.setText(message)
        self.message_label.setVisible(bool(message))


class StatTile(QFrame):
    """A big number with a caption underneath ("943" / "users")."""

    def __init__(self, caption: str, value: str = "–", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        self.value_label = QLabel(value)
        self.value_label.setObjectName("StatValue")
        self.caption_label = QLabel(caption)
        self.caption_label.setObjectName("StatCaption")
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_value(self, value: str, tooltip: str = "") -> None:
        self.value_label.setText(value)
        self.setToolTip(tooltip)


class InlineMessage(QLabel):
    """A coloured, word-wrapped message line for errors, warnings and information inside a form."""

    STYLES: ClassVar[dict[str, str]] = {"error": "InlineError", "warning": "InlineWarning",
                                        "info": "InlineInfo", "ok": "InlineOk"}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setVisible(False)

    def show_message(self, text: str, level: str = "info") -> None:
        self.setObjectName(self.STYLES.get(level, "InlineInfo"))
        self.setProperty("level", level)
        self.setText(text)
        self.setVisible(bool(text))
        # Re-polish so the style sheet picks up the new object name.
        self.style().unpolish(self)
        self.style().polish(self)

    def clear_message(self) -> None:
        self.setText("")
        self.setVisible(False)


class _ClickThrough(QObject):
    """Event filter on a completer's pop-up: a click outside it closes it *and* reaches what was clicked."""

    def __init__(self, completer: QCompleter) -> None:
        super().__init__(completer)
        self.completer = completer

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.MouseButtonPress or not isinstance(watched, QWidget):
            return False
        assert isinstance(event, QMouseEvent)
        if watched.rect().contains(event.position().toPoint()):
            return False
        watched.hide()
        owner = self.completer.widget()
        if owner is None:
            return True
        where = event.globalPosition()
        window = owner.window()
        target = window.childAt(window.mapFromGlobal(where.toPoint())) or window
        if target.focusPolicy() in (Qt.FocusPolicy.ClickFocus, Qt.FocusPolicy.StrongFocus,
                                    Qt.FocusPolicy.WheelFocus):
            target.setFocus(Qt.FocusReason.MouseFocusReason)
        QApplication.sendEvent(target, QMouseEvent(
            QEvent.Type.MouseButtonPress, target.mapFromGlobal(where), where, event.button(), event.buttons(),
            event.modifiers()))
        return True


def pass_clicks_through(completer: QCompleter) -> None:
    """Let the click that closes ``completer``'s suggestions land where it was aimed.

    On X11 a pop-up swallows the click that closes it, so clicking the next box while suggestions are
    open left the focus (and the next typing) in the first box.
    """
    popup = completer.popup()  # created now, so our filter runs before the completer's own
    popup.installEventFilter(_ClickThrough(completer))


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    """A section heading label styled by ``#Heading`` in the style sheet."""
    label = QLabel(text, parent)
    label.setObjectName("Heading")
    return label


def format_count(n: int | float | None) -> str:
    """Thousands separators: 100000 -> "100,000"; None -> "–"."""
    if n is None:
        return "–"
    return f"{int(n):,}"


def format_duration(seconds: float | None) -> str:
    """Short human duration: 75 -> "1m 15s"; None -> "–"."""
    if seconds is None:
        return "–"
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return f"{seconds:.0f}s"
    minutes, sec = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {sec:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def select_by_data(combo: QComboBox, value: Any, refresh: Callable[[], None]) -> None:
    """Make the entry whose data is ``value`` current, refreshing the entries first when it is missing (a
    dataset imported or selected elsewhere)."""
    index = combo.findData(value)
    if index < 0:
        refresh()
        index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
