"""Render every page of the app to PNG offscreen (``python -m workbench screenshot --out DIR``)."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the Qt modules are imported when rendering starts, after the platform is chosen
    from PySide6.QtWidgets import QApplication, QWidget

    from workbench.store.db import Database
    from workbench.ui.context import AppContext
    from workbench.ui.main_window import MainWindow

from workbench.errors import WorkbenchError

log = logging.getLogger(__name__)

SIZE = (1280, 800)
#: shown for an item of the Recommend page's user, so the shots show how long titles fit
LONG_TITLE = "The Remarkably Long-Named Anniversary Edition of a Product With a Very Long Title (2024)"


def _slug(text: str) -> str:
    return "".join(c.lower() if c.isalnum() else "-" for c in text).strip("-")


def render_screenshots(out_dir: str | os.PathLike[str], db_target: str | None = None,
                       train: bool = True, language: str = "en") -> list[Path]:
    """Load the demo (when the database has no dataset), train briefly, and save one PNG per page.

    ``language`` ("en" or "zh_CN") is the interface language. Also renders the import wizard and the
    Datasets page of an empty database. Returns the files written.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from workbench.data.demo import load_demo
    from workbench.store.datasets import dataset_count, latest_dataset_id
    from workbench.store.db import open_database
    from workbench.ui.app import ensure_application
    from workbench.ui.context import AppContext
    from workbench.ui.main_window import PAGES, MainWindow

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = ensure_application()
    from workbench.ui.i18n import setup_language

    setup_language(app, language)
    tmp = tempfile.TemporaryDirectory(prefix="workbench-shots-")
    # Temporary databases must not end up in the user's recent-files list.
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp.name)
    written: list[Path] = []
    try:
        db = open_database(db_target or Path(tmp.name) / "workbench.db")
        if dataset_count(db) == 0:
            load_demo(db)
        dataset_id = latest_dataset_id(db)
        if train and dataset_id is not None:
            _short_training(db, dataset_id)
            _give_long_titles(db)

        ctx = AppContext(db)
        window = MainWindow(ctx)
        window.resize(*SIZE)
        window.show()
        if dataset_id is not None:
            ctx.select_dataset(dataset_id)
        _settle(app, ctx)
        for position, spec in enumerate(PAGES):
            window.show_page(spec.title)
            _settle(app, ctx)
            page = window.pages[spec.title]
            if spec.title == "Recommend":
                _prepare_recommend(page)
                _settle(app, ctx)
                window.jobs_dock.hide()  # the explanation panel needs the room more than the jobs list
                _settle(app, ctx)
            # pages may offer states worth showing: (file suffix, action) pairs, e.g. a selected user
            steps = getattr(page, "screenshot_steps", lambda: [("", None)])()
            for suffix, action in steps:
                if action is not None:
                    action()
                    _settle(app, ctx)
                    window.jobs_dock.hide()  # their quick look-ups need the room more than the jobs list
                    _settle(app, ctx)
                name = f"{position + 1:02d}-{_slug(spec.title)}" + (f"-{suffix}" if suffix else "")
                written.append(_save(window, out / f"{name}.png"))

        wizard_path = _render_wizard(app, ctx, window, out, Path(tmp.name))
        if wizard_path is not None:
            written.append(wizard_path)

        # The empty state a new user sees before importing anything.
        empty_db = open_database(Path(tmp.name) / "empty.db")
        empty_ctx = AppContext(empty_db)
        empty_window = MainWindow(empty_ctx)
        empty_window.resize(*SIZE)
        empty_window.show()
        _settle(app, empty_ctx)
        written.append(_save(empty_window, out / "empty-datasets.png"))
        empty_window.close()
        empty_window.deleteLater()
        window.close()
        window.deleteLater()
        _settle(app, ctx)
        db.close()
        empty_db.close()
    finally:
        QApplication.processEvents()
        tmp.cleanup()
    return written


def _short_training(db: Database, dataset_id: int) -> None:
    """Three models of different objectives: the Models page compares them, the Train page overlays the
    rating run (MSE, RMSE) and the ranking run (ranking loss, NDCG) on their own axes."""
    from workbench.training.runner import train

    for family, settings, epochs in (("ease", {}, None), ("mf", {"objective": "rating"}, 3)):
        try:
            train(db, dataset_id, family, settings, {"kind": "random"}, epochs=epochs, device="cpu")
        except WorkbenchError as exc:  # screenshots of the other pages are still worth having
            log.warning("%s training for the screenshots failed: %s", family, exc)
    # newest first in the model lists: a hybrid shows everything (history, words, biases, new items)
    try:
        train(db, dataset_id, "hybrid", {}, {"kind": "random"}, epochs=2, device="cpu")
    except WorkbenchError as exc:
        log.warning("hybrid training for the screenshots failed: %s", exc)


def _give_long_titles(db: Database) -> None:
    """A long title for the newest history item and the top recommendation of the user the Recommend
    page shows (display only: the models were trained already)."""
    from workbench.store.datasets import set_item_titles
    from workbench.store.models import list_models, load_model
    from workbench.training.export import recommend_for_user, user_history

    models = list_models(db)
    if not models:
        return
    model, info = load_model(db, models[0].id)
    assert model.users is not None  # a stored model is fitted
    user = model.users.ids[0]
    history = user_history(db, info.dataset_id, user)
    items = [entry.item for entry in history[:1]]
    items += [item for item, _ in recommend_for_user(model, user, 1, [e.item for e in history])]
    set_item_titles(db, info.dataset_id, items, LONG_TITLE)


def _prepare_recommend(page: QWidget) -> None:
    """Recommend for the model's first user and select the top row, so its explanation shows."""
    from workbench.ui.pages.recommend import RecommendPage

    if not isinstance(page, RecommendPage):
        return
    model = page.model
    if model is None or model.users is None or not len(model.users):
        return
    page.show_recommendations(model.users.ids[0])
    page.recommendations_shown.connect(lambda _user: page.recs_table.selectRow(0))


def _settle(app: QApplication, ctx: AppContext, rounds: int = 6) -> None:
    """Let background jobs finish and their queued signals arrive, then let layouts and plots settle."""
    from PySide6.QtWidgets import QApplication

    jobs = ctx.jobs
    for _ in range(600):
        QApplication.processEvents()
        if not jobs.active_jobs(include_quiet=True):
            break
        jobs.wait(50)
    for _ in range(rounds):
        QApplication.processEvents()


def _save(widget: QWidget, path: Path) -> Path:
    pixmap = widget.grab()
    if not pixmap.save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def _render_wizard(app: QApplication, ctx: AppContext, window: MainWindow, out: Path,
                   tmp: Path) -> Path | None:
    from workbench.ui.import_wizard import ImportWizard

    sample = tmp / "ratings.csv"
    lines = ["user_id,movie_id,rating,timestamp"]
    lines += [f"u{u},m{(u * 7 + k) % 40},{1 + (u + k) % 5},{1_700_000_000 + u * 3600 + k}"
              for u in range(60) for k in range(5)]
    sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
    wizard = ImportWizard(ctx, window, path=str(sample))
    wizard.resize(980, 720)  # its size on a 1280x800 screen (the offscreen screen is smaller)
    wizard.show()
    _settle(app, ctx)
    path = _save(wizard, out / "import-wizard.png")
    wizard.close()
    wizard.deleteLater()
    return path
