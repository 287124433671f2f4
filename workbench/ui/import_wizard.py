"""The import wizard: pick a file or a MovieLens folder, preview it, map columns, check, import.

Everything that reads the whole file runs in a background job: "Check" validates (``parse_csv``), and
"Import" validates then writes in one transaction (``import_csv``/``import_movielens``), so a bad file
is reported inline with its line and column and nothing is written.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.data.columns import default_dataset_name, guess_columns
from workbench.data.content import import_item_content
from workbench.data.csv_import import preview_csv
from workbench.data.movielens import import_movielens, movielens_layout
from workbench.errors import WorkbenchError
from workbench.ui.context import AppContext
from workbench.ui.i18n import translate
from workbench.ui.jobs import Job
from workbench.ui.widgets import InlineMessage, format_count

log = logging.getLogger(__name__)

NONE = "(none)"
DELIMITERS = [
    (QT_TRANSLATE_NOOP("ImportWizard", "Detect"), None),
    (QT_TRANSLATE_NOOP("ImportWizard", "Comma  ,"), ","),
    (QT_TRANSLATE_NOOP("ImportWizard", "Tab"), "\t"),
    (QT_TRANSLATE_NOOP("ImportWizard", "Semicolon  ;"), ";"),
    (QT_TRANSLATE_NOOP("ImportWizard", "Pipe  |"), "|"),
    (QT_TRANSLATE_NOOP("ImportWizard", "Space"), " "),
]
CONTENT_FILTER = "Item content (*.csv *.tsv *.txt *.jsonl *.json);;All files (*)"
DATA_FILTER = "Delimited files (*.csv *.tsv *.txt *.data *.dat);;All files (*)"


def column_labels(columns: list[str], has_header: bool) -> list[str]:
    """What the preview and the column choices call each column: its header, else "column 1", 2, ..."""
    return [
        str(c) if has_header else translate("ImportWizard", "column {n}").format(n=i + 1)
        for i, c in enumerate(columns)
    ]


class ImportWizard(QDialog):
    """Import a delimited file or a MovieLens folder as a new dataset.

    Signals: ``imported(int dataset_id)`` after a successful import (the dialog then closes);
    ``checked(bool ok)`` after a "Check" run. ``self.job`` is the running or last job.
    """

    imported = Signal(int)
    checked = Signal(bool)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, path: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(translate("ImportWizard", "Import data"))
        # the preferred size, shrunk to a small screen (a 1024x700 laptop must still show the buttons)
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(980, screen.width() - 40), min(720, screen.height() - 60))
        self.preview: Any = None
        self.job: Job | None = None
        self.mode = "none"  # "csv" | "movielens" | "none"

        layout = QVBoxLayout(self)
        layout.setSpacing(8)

        source = QGroupBox(translate("ImportWizard", "1. Source"))
        grid = QGridLayout(source)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(
            translate(
                "ImportWizard",
                "A CSV/TSV file of interactions, or a MovieLens folder "
                "(you can also drop it on the main window)",
            )
        )
        self.path_edit.editingFinished.connect(lambda: self.set_path(self.path_edit.text()))
        browse_file = QPushButton(translate("ImportWizard", "File…"))
        browse_file.setAutoDefault(False)
        browse_file.clicked.connect(self._browse_file)
        browse_dir = QPushButton(translate("ImportWizard", "Folder…"))
        browse_dir.setAutoDefault(False)
        browse_dir.setToolTip(translate("ImportWizard", "A MovieLens folder (u.data or ratings.csv)"))
        browse_dir.clicked.connect(self._browse_folder)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(translate("ImportWizard", "dataset name"))
        self.detected = QLabel("")
        self.detected.setObjectName("Muted")
        grid.addWidget(QLabel(translate("ImportWizard", "File or folder")), 0, 0)
        grid.addWidget(self.path_edit, 0, 1)
        grid.addWidget(browse_file, 0, 2)
        grid.addWidget(browse_dir, 0, 3)
        grid.addWidget(QLabel(translate("ImportWizard", "Dataset name")), 1, 0)
        grid.addWidget(self.name_edit, 1, 1)
        grid.addWidget(self.detected, 1, 2, 1, 2)
        layout.addWidget(source)

        self.preview_table = QTableWidget()
        self.preview_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview_table.verticalHeader().setDefaultSectionSize(22)
        self.preview_table.setMinimumHeight(150)
        preview_box = QGroupBox(translate("ImportWizard", "2. Preview (first rows)"))
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.preview_table)
        layout.addWidget(preview_box, 2)

        row = QHBoxLayout()
        self.mapping_box = QGroupBox(translate("ImportWizard", "3. Columns and format"))
        form = QFormLayout(self.mapping_box)
        self.combos: dict[str, QComboBox] = {}
        for role, label, tip in (
            (
                "user",
                translate("ImportWizard", "User id"),
                translate("ImportWizard", "the column holding user ids (kept as text)"),
            ),
            (
                "item",
                translate("ImportWizard", "Item id"),
                translate("ImportWizard", "the column holding item ids (kept as text)"),
            ),
            (
                "rating",
                translate("ImportWizard", "Rating"),
                translate("ImportWizard", "the rating or weight; (none) means implicit feedback"),
            ),
            (
                "timestamp",
                translate("ImportWizard", "Timestamp"),
                translate("ImportWizard", "unix seconds or ISO 8601 dates; needed for temporal splits"),
            ),
        ):
            combo = QComboBox()
            combo.setToolTip(tip)
            combo.currentIndexChanged.connect(self._on_mapping_changed)
            self.combos[role] = combo
            form.addRow(label, combo)
        self.sep_combo = QComboBox()
        for text, _sep in DELIMITERS:
            self.sep_combo.addItem(translate("ImportWizard", text))
        self.sep_combo.currentIndexChanged.connect(lambda _i: self._reload_preview())
        self.header_combo = QComboBox()
        self.header_combo.addItems(
            [
                translate("ImportWizard", "Detect"),
                translate("ImportWizard", "First row is a header"),
                translate("ImportWizard", "No header"),
            ]
        )
        self.header_combo.currentIndexChanged.connect(lambda _i: self._reload_preview())
        sep_row = QHBoxLayout()
        sep_row.addWidget(self.sep_combo)
        sep_row.addWidget(self.header_combo)
        form.addRow(translate("ImportWizard", "Delimiter / header"), sep_row)
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(
            [translate("ImportWizard", "explicit ratings"), translate("ImportWizard", "implicit feedback")]
        )
        self.kind_combo.setToolTip(
            translate(
                "ImportWizard", "implicit: every interaction counts as a positive (values become weights)"
            )
        )
        form.addRow(translate("ImportWizard", "Feedback"), self.kind_combo)
        scale_row = QHBoxLayout()
        self.scale_check = QCheckBox(translate("ImportWizard", "refuse ratings outside"))
        self.scale_min = QDoubleSpinBox()
        self.scale_max = QDoubleSpinBox()
        for spin, value in ((self.scale_min, 1.0), (self.scale_max, 5.0)):
            spin.setRange(-1e6, 1e6)
            spin.setDecimals(1)
            spin.setValue(value)
        scale_row.addWidget(self.scale_check)
        scale_row.addWidget(self.scale_min)
        scale_row.addWidget(QLabel(translate("ImportWizard", "to")))
        scale_row.addWidget(self.scale_max)
        form.addRow(translate("ImportWizard", "Rating scale"), scale_row)
        row.addWidget(self.mapping_box, 3)

        self.cleaning_box = QGroupBox(translate("ImportWizard", "4. Cleaning and item content"))
        cform = QFormLayout(self.cleaning_box)
        self.duplicates_combo = QComboBox()
        self.duplicates_combo.addItem(translate("ImportWizard", "keep the latest"), "last")
        self.duplicates_combo.addItem(translate("ImportWizard", "average them"), "mean")
        self.duplicates_combo.addItem(translate("ImportWizard", "keep the highest"), "max")
        self.duplicates_combo.setToolTip(
            translate("ImportWizard", "what to do when a user rated the same item more than once")
        )
        cform.addRow(translate("ImportWizard", "Duplicate pairs"), self.duplicates_combo)
        self.min_user = QSpinBox()
        self.min_item = QSpinBox()
        for spin, what in ((self.min_user, "users"), (self.min_item, "items")):
            spin.setRange(0, 10_000)
            spin.setSpecialValueText(translate("ImportWizard", "no minimum"))
            spin.setToolTip(
                translate(
                    "ImportWizard", "drop {what} with fewer interactions (repeated until stable: k-core)"
                ).format(what=what)
            )
        cform.addRow(translate("ImportWizard", "Min. interactions per user"), self.min_user)
        cform.addRow(translate("ImportWizard", "Min. interactions per item"), self.min_item)
        content_row = QHBoxLayout()
        self.content_edit = QLineEdit()
        self.content_edit.setPlaceholderText(translate("ImportWizard", "optional"))
        self.content_edit.setToolTip(
            translate("ImportWizard", "CSV or JSON lines with item id, title, text and categories")
        )
        content_browse = QPushButton(translate("ImportWizard", "Browse…"))
        content_browse.setAutoDefault(False)
        content_browse.clicked.connect(self._browse_content)
        content_row.addWidget(self.content_edit, 1)
        content_row.addWidget(content_browse)
        # label above the field: beside it, the box left the path a few characters
        cform.addRow(QLabel(translate("ImportWizard", "Item content file (titles, texts, categories)")))
        cform.addRow(content_row)
        row.addWidget(self.cleaning_box, 3)
        layout.addLayout(row)

        self.message = InlineMessage()
        self.message.setObjectName("ImportMessage")
        layout.addWidget(self.message)

        buttons = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("Muted")
        self.check_button = QPushButton(translate("ImportWizard", "Check file"))
        # only Import answers Enter: an auto-default button taking over after a click (Close, once Check
        # was clicked and disabled during its job) made Enter close the wizard
        self.check_button.setAutoDefault(False)
        self.check_button.setToolTip(
            translate("ImportWizard", "Read the whole file and report problems without writing anything")
        )
        self.check_button.clicked.connect(self.check)
        self.import_button = QPushButton(translate("ImportWizard", "Import"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton(translate("ImportWizard", "Close"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self._cancel_or_close)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.progress_label, 1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self._update_buttons()
        if path:
            self.set_path(path)

    # -- source -----------------------------------------------------------------------------------
    def _browse_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, translate("ImportWizard", "Interactions file"), "", DATA_FILTER
        )
        if path:
            self.set_path(path)

    def _browse_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, translate("ImportWizard", "MovieLens folder"))
        if path:
            self.set_path(path)

    def _browse_content(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, translate("ImportWizard", "Item content file"), "", CONTENT_FILTER
        )
        if path:
            self.content_edit.setText(path)

    def set_path(self, path: str) -> None:
        """Point the wizard at a file or folder: detect the format and fill preview and guesses."""
        path = path.strip()
        if self.path_edit.text() != path:
            self.path_edit.setText(path)
        self.message.clear_message()
        target = Path(path).expanduser() if path else None
        if target is None or not target.exists():
            self.mode = "none"
            self.preview_table.clear()
            self.detected.setText("")
            if path:
                self.message.show_message(
                    translate("ImportWizard", "{path}: no such file or folder").format(path=path), "error"
                )
            self._update_buttons()
            return
        if not self.name_edit.text() or getattr(self, "_auto_name", "") == self.name_edit.text():
            self._auto_name = default_dataset_name(target)
            self.name_edit.setText(self._auto_name)
        if target.is_dir():
            if movielens_layout(target) is not None:
                self._show_movielens(target)
            else:
                self.mode = "none"
                self.message.show_message(
                    translate(
                        "ImportWizard",
                        "{target} is a folder but not a MovieLens release (no u.data or ratings.csv); choose a file instead.",  # noqa: E501
                    ).format(target=target),
                    "error",
                )
        else:
            self._reload_preview()
        self._update_buttons()

    def _show_movielens(self, folder: Path) -> None:
        self.mode = "movielens"
        files = [
            name
            for name in ("u.data", "u.item", "u.user", "ratings.csv", "movies.csv", "tags.csv")
            if (folder / name).is_file()
        ]
        self.detected.setText(translate("ImportWizard", "MovieLens folder: ") + ", ".join(files))
        self.mapping_box.setEnabled(False)
        self.cleaning_box.setEnabled(True)
        self.preview_table.clear()
        first = folder / ("u.data" if (folder / "u.data").is_file() else "ratings.csv")
        try:
            lines = first.read_text(encoding="latin-1", errors="replace").splitlines()[:20]
        except OSError as exc:
            self.message.show_message(str(exc), "error")
            return
        sep = "\t" if first.name == "u.data" else ","
        rows = [ln.split(sep) for ln in lines if ln.strip()]
        if first.name == "ratings.csv" and rows:
            rows = rows[1:]
        self._fill_preview(["user", "item", "rating", "timestamp"], rows)
        self.message.show_message(
            translate(
                "ImportWizard",
                "MovieLens recognised: ratings, titles, genres (and users where present) "
                "are imported together.",
            ),
            "info",
        )

    def _reload_preview(self) -> None:
        path = self.path_edit.text().strip()
        if not path or not Path(path).is_file():
            return
        self.mode = "csv"
        self.mapping_box.setEnabled(True)
        sep = DELIMITERS[self.sep_combo.currentIndex()][1]
        header = {0: None, 1: True, 2: False}[self.header_combo.currentIndex()]
        try:
            preview = preview_csv(path, sep=sep, header=header, n_rows=20)
        except WorkbenchError as exc:
            self.preview = None
            self.preview_table.clear()
            for combo in self.combos.values():  # the last file's columns do not belong to this one
                combo.clear()
            self.message.show_message(str(exc), "error")
            self._update_buttons()
            return
        self.preview = preview
        sep_name = next(
            (translate("ImportWizard", text).split()[0] for text, s in DELIMITERS if s == preview.sep),
            repr(preview.sep),
        )
        self.detected.setText(
            translate(
                "ImportWizard", "delimiter: {sep_name} · header: {value} · encoding: {encoding}"
            ).format(
                sep_name=sep_name,
                value=translate("ImportWizard", "yes")
                if preview.has_header
                else translate("ImportWizard", "no"),
                encoding=preview.encoding,
            )
        )
        self._fill_preview(column_labels(preview.columns, preview.has_header), preview.rows)
        self._fill_combos(preview.columns, preview.has_header)
        self.message.clear_message()
        self._update_buttons()

    def _fill_preview(self, columns: list[str], rows: list[list[str]]) -> None:
        table = self.preview_table
        table.clear()
        table.setColumnCount(len(columns))
        table.setRowCount(len(rows))
        table.setHorizontalHeaderLabels([str(c) for c in columns])
        for r, values in enumerate(rows):
            for c, value in enumerate(values[: len(columns)]):
                table.setItem(r, c, QTableWidgetItem(value))
        table.resizeColumnsToContents()

    def _fill_combos(self, columns: list[str], has_header: bool) -> None:
        rows = self.preview.rows if self.preview is not None else None
        guess = guess_columns(columns, has_header, rows).positions
        labels = column_labels(columns, has_header)
        for role, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            if role in ("rating", "timestamp"):
                combo.addItem(NONE, None)
            for i, label in enumerate(labels):
                combo.addItem(label, i)
            position = guess[role]
            combo.setCurrentIndex(combo.findData(position) if position is not None else 0)
            combo.blockSignals(False)
        self._on_mapping_changed()

    def _on_mapping_changed(self, *_: object) -> None:
        has_rating = self.combos["rating"].currentData() is not None
        self.kind_combo.setCurrentIndex(0 if has_rating else 1)
        self.scale_check.setEnabled(has_rating)
        self.scale_min.setEnabled(has_rating)
        self.scale_max.setEnabled(has_rating)
        if has_rating and self.preview is not None:
            self._guess_scale(int(self.combos["rating"].currentData()))

    def _guess_scale(self, column: int) -> None:
        values = []
        for row in self.preview.rows:
            try:
                values.append(float(row[column]))
            except (ValueError, IndexError):
                continue
        if not values:
            self.scale_check.setChecked(False)
            return
        lo, hi = min(values), max(values)
        lo = 1.0 if lo >= 1 else 0.5 if lo >= 0.5 else lo
        hi = 5.0 if hi <= 5 else 10.0 if hi <= 10 else 100.0 if hi <= 100 else hi
        self.scale_min.setValue(lo)
        self.scale_max.setValue(hi)
        self.scale_check.setChecked(True)

    # -- spec -------------------------------------------------------------------------------------
    def column_ref(self, role: str) -> str | int | None:
        """The header name (files with a header) or 0-based position chosen for ``role``."""
        position = self.combos[role].currentData()
        if position is None:
            return None
        if self.preview is not None and self.preview.has_header:
            return self.preview.columns[int(position)]
        return int(position)

    def csv_spec(self) -> Any:
        from workbench.data.csv_import import CsvSpec

        assert self.preview is not None
        user, item = self.column_ref("user"), self.column_ref("item")
        if user is None or item is None:
            raise WorkbenchError("choose the user and item columns")
        rating = self.column_ref("rating")
        scale = (
            (self.scale_min.value(), self.scale_max.value())
            if rating is not None and self.scale_check.isChecked()
            else None
        )
        if scale is not None and scale[0] >= scale[1]:
            raise WorkbenchError("the rating scale minimum must be below its maximum")
        return CsvSpec(
            user=user,
            item=item,
            rating=rating,
            timestamp=self.column_ref("timestamp"),
            sep=self.preview.sep,
            header=self.preview.has_header,
            encoding=self.preview.encoding,
            rating_scale=scale,
            kind="explicit" if self.kind_combo.currentIndex() == 0 and rating is not None else "implicit",
        )

    def cleaning(self) -> Any:
        from workbench.data.cleaning import CleaningOptions

        return CleaningOptions(
            duplicates=self.duplicates_combo.currentData(),
            min_user_interactions=self.min_user.value(),
            min_item_interactions=self.min_item.value(),
        )

    # -- jobs -------------------------------------------------------------------------------------
    def check(self) -> Job | None:
        """Validate the whole file in the background (nothing is written); ``checked(ok)`` at the end."""
        if self.mode != "csv":
            return None
        try:
            spec, cleaning = self.csv_spec(), self.cleaning()
        except WorkbenchError as exc:
            self.message.show_message(str(exc), "error")
            return None
        from workbench.data.csv_import import parse_csv

        path = self.path_edit.text().strip()

        def work(cancel: Any, progress: Any, emit: Any) -> dict[str, Any]:
            parsed = parse_csv(path, spec, cleaning, cancel=cancel, progress=progress)
            return {
                "rows": len(parsed),
                "users": len(set(parsed.users.tolist())),
                "items": len(set(parsed.items.tolist())),
                "report": parsed.report,
            }

        job = self._start(
            translate("ImportWizard", "Check {file}").format(file=Path(path).name), work, kind="check"
        )
        job.finished.connect(self._on_checked)
        job.failed.connect(lambda _m: self.checked.emit(False))
        return job

    def _on_checked(self, result: dict[str, Any]) -> None:
        report = result.get("report", {})
        dropped = sum(int(v) for k, v in report.items() if k.startswith("dropped") and isinstance(v, int))
        text = translate(
            "ImportWizard", "The file is valid: {rows} interactions, {users} users, {items} items"
        ).format(
            rows=format_count(result["rows"]),
            users=format_count(result["users"]),
            items=format_count(result["items"]),
        )
        text += (
            translate("ImportWizard", " ({n} rows dropped by cleaning).").format(n=format_count(dropped))
            if dropped
            else "."
        )
        self.message.show_message(text, "ok")
        self.checked.emit(True)

    def start_import(self) -> Job | None:
        """Validate and import in the background; on success select the dataset and close."""
        name = self.name_edit.text().strip()
        if self.mode == "none":
            self.message.show_message(
                translate("ImportWizard", "Choose a file or a MovieLens folder first."), "error"
            )
            return None
        if not name:
            self.message.show_message(translate("ImportWizard", "Give the dataset a name."), "error")
            return None
        db = self.ctx.db
        path = self.path_edit.text().strip()
        content_path = self.content_edit.text().strip() or None
        try:
            cleaning = self.cleaning()
            if self.mode == "csv":
                from workbench.data.csv_import import import_csv

                spec = self.csv_spec()

                def do_import(cancel: Any, progress: Any) -> Any:
                    return import_csv(
                        db, path, spec, name=name, cleaning=cleaning, cancel=cancel, progress=progress
                    )
            else:

                def do_import(cancel: Any, progress: Any) -> Any:
                    return import_movielens(
                        db, path, name=name, cleaning=cleaning, cancel=cancel, progress=progress
                    )
        except WorkbenchError as exc:
            self.message.show_message(str(exc), "error")
            return None

        def work(cancel: Any, progress: Any, emit: Any) -> dict[str, Any]:
            report = do_import(cancel, progress)
            content = None
            if content_path:
                content = import_item_content(db, content_path, report.dataset_id)
            return {"report": report, "content": content}

        job = self._start(translate("ImportWizard", "Import {name}").format(name=name), work, kind="import")
        job.finished.connect(self._on_imported)
        return job

    def _on_imported(self, result: dict[str, Any]) -> None:
        report = result["report"]
        self.ctx.datasets_changed.emit()
        self.ctx.select_dataset(int(report.dataset_id))
        self.imported.emit(int(report.dataset_id))
        self.accept()

    def _start(self, title: str, work: Any, kind: str) -> Job:
        self.message.show_message(translate("ImportWizard", "Reading the file…"), "info")
        job = self.ctx.job_slots.submit(None, title, work, kind=kind)
        self.job = job
        self.progress.setValue(0)
        self.progress.setVisible(True)
        job.progress.connect(self._on_progress)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(
            lambda: self.message.show_message(
                translate("ImportWizard", "Cancelled; nothing was written."), "warning"
            )
        )
        job.done.connect(self._on_done)
        self._update_buttons()
        return job

    def _on_progress(self, fraction: float, message: str) -> None:
        if fraction < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(fraction * 1000))
        if message:
            self.progress_label.setText(message)

    def _on_failed(self, message: str) -> None:
        self.message.show_message(
            translate("ImportWizard", "{message}\nNothing was written to the database.").format(
                message=message
            ),
            "error",
        )

    def _on_done(self) -> None:
        self.progress.setVisible(False)
        self.progress_label.setText("")
        self._update_buttons()

    def _cancel_or_close(self) -> None:
        if self.job is not None and self.job.is_active:
            self.job.cancel()
        else:
            self.reject()

    def _update_buttons(self) -> None:
        busy = self.job is not None and self.job.is_active
        self.import_button.setEnabled(not busy and self.mode != "none")
        self.check_button.setEnabled(not busy and self.mode == "csv")
        self.cancel_button.setText(
            translate("ImportWizard", "Cancel") if busy else translate("ImportWizard", "Close")
        )
        for widget in (self.path_edit, self.name_edit):
            widget.setEnabled(not busy)

    def closeEvent(self, event: Any) -> None:
        if self.job is not None and self.job.is_active:
            self.job.cancel()
        super().closeEvent(event)

    def reject(self) -> None:
        if self.job is not None and self.job.is_active:
            self.job.cancel()
        super().reject()
