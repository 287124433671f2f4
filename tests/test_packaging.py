"""The wheel carries everything the app needs: packages, migrations and resources."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _listed_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_package_is_listed_for_the_wheel() -> None:
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "workbench").rglob("__init__.py")}
    missing = found - _listed_packages()
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True, timeout=240)
    return next(out.glob("*.whl"))


def test_wheel_ships_migrations_and_resources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    revisions = sorted(p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))
    for name in revisions:
        assert f"workbench/migrations/versions/{name}" in names
    assert "workbench/migrations/env.py" in names
    assert "workbench/migrations/script.py.mako" in names
    assert "workbench/resources/style.qss" in names
    assert "workbench/resources/i18n/workbench_zh_CN.qm" in names  # the Chinese interface


def test_installed_wheel_opens_a_database_and_trains(wheel: Path, tmp_path: Path) -> None:
    # installed outside the checkout, run from elsewhere: nothing may be read from the source tree
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                    str(wheel)], check=True, capture_output=True, timeout=240)
    env = {**os.environ, "PYTHONPATH": str(target), "OMP_NUM_THREADS": "1"}
    work = tmp_path / "elsewhere"
    work.mkdir()

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "workbench", "--db", str(work / "w.db"), *args],
                              cwd=work, env=env, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, done.stderr
        return done.stdout

    probe = subprocess.run([sys.executable, "-c", "import workbench; print(workbench.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    assert Path(probe.stdout.strip()).is_relative_to(target)
    cli("datasets", "demo")
    report = json.loads(cli("--json", "train", "--dataset", "demo", "--model", "pop"))
    assert report["model_id"]
