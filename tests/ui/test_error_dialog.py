"""A bug that escapes a slot is shown in a dialog whose traceback can be copied, and the app goes on."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from workbench.ui.app import error_dialog, install_error_dialog


def _raise_and_catch() -> tuple[type[BaseException], BaseException, object]:
    try:
        {}["missing"]
    except KeyError:
        return sys.exc_info()  # type: ignore[return-value]
    raise AssertionError("unreachable")


def test_error_dialog_shows_the_error_and_copies_the_traceback(qtbot) -> None:
    exc_type, exc, tb = _raise_and_catch()
    box = error_dialog(exc_type, exc, tb)  # type: ignore[arg-type]
    qtbot.addWidget(box)
    assert "KeyError: 'missing'" in box.text()
    assert "_raise_and_catch" in box.detailedText()
    copy = next(b for b in box.buttons() if b.text() == "Copy details")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert "_raise_and_catch" in QApplication.clipboard().text()


def test_the_hook_opens_the_dialog_instead_of_printing_only(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_error_dialog()
    exc_type, exc, tb = _raise_and_catch()
    sys.excepthook(exc_type, exc, tb)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and "KeyError" in boxes[-1].text()
    for box in boxes:
        box.close()
