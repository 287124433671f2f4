"""One dialog for exporting a model's top-N: what (recommendations or similar items), N, which users and
the output file (CSV or Parquet by extension). The folder last written to is remembered in QSettings;
the first time, the user's documents folder is offered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.context import app_settings
from workbench.ui.i18n import translate

LAST_FOLDER_KEY = "export/last_folder"
FILE_FILTER = "CSV files (*.csv);;Parquet files (*.parquet)"


@dataclass(frozen=True)
class ExportRequest:
    """What the user asked for: ``kind`` is ``"recommendations"`` or ``"similar-items"``."""

    kind: str
    n: int
    path: Path
    users_file: Path | None = None


def last_export_folder(settings: QSettings | None = None) -> Path:
    """The folder of the last export, else the user's documents folder (else the home folder)."""
    settings = settings or app_settings()
    saved = settings.value(LAST_FOLDER_KEY, "", str)
    if saved and Path(saved).is_dir():
        return Path(saved)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember_export_folder(path: Path, settings: QSettings | None = None) -> None:
    """Remember ``path``'s folder as the place to offer next time."""
    (settings or app_settings()).setValue(LAST_FOLDER_KEY, str(path.parent))


class ExportDialog(QDialog):
    """Export settings in one dialog; ``request()`` holds the answer once accepted."""

    def __init__(self, model_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            translate("ExportDialog", "Export from {model_name}").format(model_name=model_name)
        )
        self._model_name = model_name
        self._folder = last_export_folder()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(translate("ExportDialog", "Recommendations for each user"), "recommendations")
        self.kind_combo.addItem(
            translate("ExportDialog", "Similar items for each item (customers also bought)"), "similar-items"
        )
        self.kind_combo.setToolTip(
            translate(
                "ExportDialog",
                "Similar items: cosine of the model's item vectors, or of co-occurrence "
                "in its training data when the model has none",
            )
        )
        form.addRow(translate("ExportDialog", "Export"), self.kind_combo)
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, 1000)
        self.n_spin.setValue(10)
        self.n_spin.setToolTip(translate("ExportDialog", "Rows per user (or per item)"))
        form.addRow(translate("ExportDialog", "N"), self.n_spin)

        self.users_all = QRadioButton(translate("ExportDialog", "All users"))
        self.users_from_file = QRadioButton(translate("ExportDialog", "Users listed in a file:"))
        self.users_all.setChecked(True)
        self._users_group = QButtonGroup(self)
        self._users_group.addButton(self.users_all)
        self._users_group.addButton(self.users_from_file)
        self.users_path = QLineEdit()
        self.users_path.setPlaceholderText(translate("ExportDialog", "one user id per line"))
        self.users_browse = QPushButton(translate("ExportDialog", "Browse…"))
        self.users_browse.clicked.connect(self._browse_users)
        users_box = QWidget()
        users_layout = QVBoxLayout(users_box)
        users_layout.setContentsMargins(0, 0, 0, 0)
        users_layout.addWidget(self.users_all)
        file_row = QHBoxLayout()
        file_row.addWidget(self.users_from_file)
        file_row.addWidget(self.users_path, 1)
        file_row.addWidget(self.users_browse)
        users_layout.addLayout(file_row)
        form.addRow(translate("ExportDialog", "Users"), users_box)

        self.out_path = QLineEdit()
        self.out_path.setToolTip(
            translate("ExportDialog", "The extension chooses the format: .csv or .parquet")
        )
        self.out_browse = QPushButton(translate("ExportDialog", "Browse…"))
        self.out_browse.clicked.connect(self._browse_out)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_path, 1)
        out_row.addWidget(self.out_browse)
        form.addRow(translate("ExportDialog", "Save to"), out_row)
        layout.addLayout(form)

        self.error_label = QLabel()
        self.error_label.setObjectName("Error")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(translate("ExportDialog", "Export"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.users_all.toggled.connect(self._sync_users)
        self._request: ExportRequest | None = None
        self._kind_changed()

    def _default_path(self, kind: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in self._model_name)
        return self._folder / f"{kind}-{safe}.csv"

    @Slot()
    def _kind_changed(self) -> None:
        kind = self.kind_combo.currentData()
        current = Path(self.out_path.text()) if self.out_path.text() else None
        other = "similar-items" if kind == "recommendations" else "recommendations"
        if current is None or current == self._default_path(other).with_suffix(current.suffix):
            suffix = current.suffix if current is not None else ".csv"
            self.out_path.setText(str(self._default_path(kind).with_suffix(suffix)))
        self.users_all.setEnabled(kind == "recommendations")
        self.users_from_file.setEnabled(kind == "recommendations")
        self._sync_users()

    @Slot()
    def _sync_users(self) -> None:
        enabled = self.kind_combo.currentData() == "recommendations" and self.users_from_file.isChecked()
        self.users_path.setEnabled(enabled)
        self.users_browse.setEnabled(enabled)

    @Slot()
    def _browse_users(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            translate("ExportDialog", "Users to export"),
            str(self._folder),
            "Text files (*.txt *.csv *.tsv);;All files (*)",
        )
        if path:
            self.users_path.setText(path)

    @Slot()
    def _browse_out(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            translate("ExportDialog", "Save export"),
            self.out_path.text() or str(self._folder),
            FILE_FILTER,
        )
        if path:
            self.out_path.setText(path)

    def validate(self) -> str | None:
        """The reason the current answers cannot be exported, or None when they can."""
        text = self.out_path.text().strip()
        if not text:
            return "Choose the file to write."
        path = Path(text)
        if path.suffix.lower() not in (".csv", ".parquet", ".pq"):
            return f"'{path.name}': use a .csv or .parquet file name."
        if not path.parent.is_dir():
            return f"The folder {path.parent} does not exist."
        if self.kind_combo.currentData() == "recommendations" and self.users_from_file.isChecked():
            users = self.users_path.text().strip()
            if not users or not Path(users).is_file():
                return "Choose an existing file of user ids, or export for all users."
        return None

    def request(self) -> ExportRequest | None:
        """The accepted answers (None before the dialog was accepted)."""
        return self._request

    def accept(self) -> None:
        """Accept only valid answers; otherwise say what to fix and stay open."""
        problem = self.validate()
        if problem is not None:
            self.error_label.setText(problem)
            self.error_label.setVisible(True)
            return
        kind = str(self.kind_combo.currentData())
        users = (
            Path(self.users_path.text().strip())
            if kind == "recommendations" and self.users_from_file.isChecked()
            else None
        )
        path = Path(self.out_path.text().strip())
        self._request = ExportRequest(kind=kind, n=self.n_spin.value(), path=path, users_file=users)
        remember_export_folder(path)
        super().accept()
