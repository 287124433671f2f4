"""The Qt runtime itself must survive a long session of signal traffic.

PySide6 6.12.0 corrupts reference counts on every signal emission (on Python 3.11 the interpreter
aborts with "deallocating True or False" after a few hundred thousand emits: an hour of progress
updates). Run in a subprocess so such an abort fails this test instead of killing the whole session.
"""

import subprocess
import sys

SCRIPT = """
from PySide6.QtCore import QCoreApplication, QObject, Signal

app = QCoreApplication([])

class Source(QObject):
    number = Signal(int)
    anything = Signal(object)

class Sink(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def slot(self, _value):
        self.count += 1

source, sink = Source(), Sink()
source.number.connect(sink.slot)
source.anything.connect(sink.slot)
for _ in range(300_000):
    source.number.emit(1)
    source.anything.emit(None)
print(sink.count)
"""


def test_many_signal_emissions_do_not_corrupt_the_interpreter() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "600000"


def test_a_font_for_chinese_titles_is_available(qapp) -> None:
    from PySide6.QtGui import QFontDatabase

    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    assert families, "no CJK font: Chinese titles would render as boxes (install fonts-wqy-microhei)"
