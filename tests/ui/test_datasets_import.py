"""The import wizard driven through its real widgets, on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from workbench.store.schema import DatasetRow, InteractionRow
from workbench.ui.import_wizard import ImportWizard


def _count(db, row_type) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(row_type)))


def test_wizard_imports_csv_in_background(qtbot, app_context, tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    lines = ["customer;product;stars;when"]
    lines += [f"c{u};p{(u * 3 + k) % 11};{1 + (u + k) % 5};{1_600_000_000 + k}"
              for u in range(25) for k in range(4)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    wizard = ImportWizard(app_context)
    qtbot.addWidget(wizard)
    wizard.path_edit.setText(str(path))
    wizard.path_edit.editingFinished.emit()
    assert wizard.mode == "csv"
    assert wizard.detected.text().startswith("delimiter: Semicolon")
    assert wizard.preview_table.rowCount() == 20
    assert wizard.preview_table.horizontalHeaderItem(0).text() == "customer"
    # The guesses from the header, then the user's choices through the combo boxes.
    assert wizard.combos["user"].currentText() == "customer"
    assert wizard.combos["item"].currentText() == "product"
    assert wizard.combos["timestamp"].currentText() == "when"
    wizard.combos["rating"].setCurrentIndex(wizard.combos["rating"].findText("stars"))
    assert wizard.kind_combo.currentIndex() == 0  # explicit once a rating column is chosen
    assert (wizard.scale_min.value(), wizard.scale_max.value()) == (1.0, 5.0)
    wizard.name_edit.setText("shop")
    with qtbot.waitSignal(app_context.dataset_selected, timeout=20_000) as selected:
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
        assert wizard.job is not None
    assert wizard.job.state == "finished"
    with app_context.db.session() as session:
        row = session.scalars(select(DatasetRow)).one()
        assert (row.name, row.kind, row.n_users, row.n_interactions) == ("shop", "explicit", 25, 100)
        assert (row.rating_min, row.rating_max) == (1.0, 5.0)
    assert selected.args == [row.id]


def test_bad_csv_error_shown_inline_and_nothing_written(qtbot, app_context, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("user,item,rating\nu1,i1,4\nu2,i2,5\nu3,i3,great\nu4,i4,2\n", encoding="utf-8")
    wizard = ImportWizard(app_context, path=str(path))
    qtbot.addWidget(wizard)
    assert wizard.combos["rating"].currentText() == "rating"
    with qtbot.waitSignal(wizard.checked, timeout=20_000) as checked:
        qtbot.mouseClick(wizard.check_button, Qt.MouseButton.LeftButton)
    assert checked.args == [False]
    text = wizard.message.text()
    assert "line 4" in text and "rating" in text, text
    assert wizard.message.isVisibleTo(wizard)
    # Import also refuses, before writing anything.
    job = wizard.start_import()
    assert job is not None
    with qtbot.waitSignal(job.failed, timeout=20_000):
        pass
    assert "line 4" in wizard.message.text()
    assert _count(app_context.db, DatasetRow) == 0
    assert _count(app_context.db, InteractionRow) == 0


def test_wizard_recognises_movielens_folder(qtbot, app_context, tmp_path: Path) -> None:
    folder = tmp_path / "ml-mini"
    folder.mkdir()
    (folder / "u.data").write_text("1\t10\t4\t881250949\n2\t10\t3\t881250950\n", encoding="utf-8")
    wizard = ImportWizard(app_context, path=str(folder))
    qtbot.addWidget(wizard)
    assert wizard.mode == "movielens"
    assert "MovieLens" in wizard.detected.text()
    assert not wizard.mapping_box.isEnabled()
    assert wizard.preview_table.rowCount() == 2


def test_wizard_names_a_movielens_file_after_its_folder_and_counts_columns_from_one(qtbot, app_context,
                                                                                   tmp_path: Path) -> None:
    folder = tmp_path / "ml-100k"
    folder.mkdir()
    (folder / "u.data").write_text("".join(f"{u}\t{u % 7}\t{1 + u % 5}\t{880_000_000 + u}\n"
                                           for u in range(30)), encoding="utf-8")
    wizard = ImportWizard(app_context, path=str(folder / "u.data"))
    qtbot.addWidget(wizard)
    assert wizard.name_edit.text() == "ml-100k"  # not "u"
    headers = [wizard.preview_table.horizontalHeaderItem(c).text() for c in range(4)]
    assert headers == ["column 1", "column 2", "column 3", "column 4"]
    assert wizard.combos["timestamp"].currentText() == "column 4"  # the same names in the choices


def test_enter_after_check_file_imports_rather_than_closing(qtbot, app_context, tiny_csv: Path) -> None:
    from PySide6.QtTest import QTest

    wizard = ImportWizard(app_context, path=str(tiny_csv))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    rejected: list[bool] = []
    wizard.rejected.connect(lambda: rejected.append(True))
    with qtbot.waitSignal(wizard.checked, timeout=10_000) as checked:
        qtbot.mouseClick(wizard.check_button, Qt.MouseButton.LeftButton)
    assert checked.args == [True]
    qtbot.waitUntil(lambda: wizard.import_button.isEnabled(), timeout=5_000)
    with qtbot.waitSignal(wizard.imported, timeout=10_000):
        QTest.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)
    assert not rejected
    assert _count(app_context.db, DatasetRow) == 1
