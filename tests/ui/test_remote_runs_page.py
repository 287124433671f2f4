"""The Train page watches a run another process trains on the same database (SQLite file, and a real
PostgreSQL server when ``WORKBENCH_TEST_PG_URL`` is set): its epochs appear on the curves as they are
recorded, its host is shown, and Cancel run stops that process's run, recorded as cancelled."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.planted import make_dataset
from tests.test_postgres import pg_admin, pg_url  # noqa: F401 (fixtures: a fresh database per test)
from tests.test_remote_runs import start_endless_training
from workbench.cli import main
from workbench.store import runs as run_store
from workbench.store.db import open_database


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "shared.db")
    return request.getfixturevalue("pg_url")


def test_page_shows_a_remote_run_growing_and_cancels_it(qtbot, shared_db_url: str, capsys) -> None:
    from workbench.ui.context import AppContext
    from workbench.ui.pages.train import TrainPage

    db = open_database(shared_db_url)
    make_dataset(db, "tiny")
    ctx = AppContext(db)
    page = TrainPage(ctx)
    qtbot.addWidget(page)
    page.remote_runs.timer.setInterval(250)
    proc = start_endless_training(shared_db_url)
    try:
        page.show()
        with qtbot.waitSignal(page.epoch_plotted, timeout=90_000,
                              check_params_cb=lambda _run, epoch: epoch >= 2) as first:
            pass
        run_id = first.args[0]
        with qtbot.waitSignal(page.epoch_plotted, timeout=30_000,
                              check_params_cb=lambda run, epoch: run == run_id and epoch >= 4):
            pass  # the curves keep growing, epoch by epoch
        assert page.curves.epochs(run_id)[:4] == [1, 2, 3, 4]
        assert run_store.this_host() in page.curves.run_label(run_id)
        with qtbot.waitSignal(page.remote_runs.polled, timeout=10_000):
            pass
        assert page.remote_runs.run_ids() == [run_id]
        text = page.remote_runs.run_text(run_id)
        assert f"on {run_store.this_host()} (process {proc.pid}" in text
        page.remote_runs.select_run(run_id)
        assert page.remote_runs.cancel_button.isEnabled()
        with qtbot.waitSignal(page.remote_runs.run_ended, timeout=60_000,
                              check_params_cb=lambda run, status: run == run_id) as ended:
            page.remote_runs.cancel_button.click()
            assert "cancel requested" in page.remote_runs.run_text(run_id)
        assert ended.args == [run_id, "cancelled"]
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 1 and "Traceback" not in err
        assert f"run {run_id} stopped: cancel requested from another workstation" in err
        assert f"train --resume {run_id}" in err
        run = run_store.get_run(db, run_id)
        assert (run.status, run.error) == ("cancelled", "cancelled from another workstation")
        assert run.resumable and run.host == run_store.this_host()
        assert page.remote_runs.run_ids() == []
        assert main(["--db", shared_db_url, "runs", "show", str(run_id)]) == 0
        assert f") at {run_store.this_host()}, " in capsys.readouterr().out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        page.remote_runs.set_active(False)
        ctx.jobs.cancel_all()
        ctx.jobs.wait(10_000)
        db.close()
