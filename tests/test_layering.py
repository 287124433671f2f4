"""The floors of the house: `lint-imports` checks them statically (make test); these tests add what a
static check cannot see."""

import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import workbench

ROOT = Path(__file__).resolve().parents[1]


def test_core_imports_no_qt() -> None:
    # at run time too: modules imported by name (the CLI loads its commands with importlib) are invisible
    # to the static contract
    code = (
        "import importlib, pkgutil, sys, workbench\n"
        "for m in pkgutil.walk_packages(workbench.__path__, 'workbench.'):\n"
        "    if m.name.startswith('workbench.ui') or m.name == 'workbench.__main__': continue\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules\n"
        "             if n.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6', 'superqt'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core modules imported Qt: {out.stdout}"


def test_every_package_sits_on_a_floor() -> None:
    """A new package or top-level module must be given its floor, or the contract would not check it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in config if c["type"] == "layers")["layers"]
    on_a_floor = {name for layer in layers for name in re.split(r"\s*[|:]\s*", layer)}
    modules = {m.name for m in pkgutil.iter_modules(workbench.__path__)} - {"__main__"}
    assert modules - on_a_floor == set(), f"modules on no floor: {sorted(modules - on_a_floor)}"
    assert on_a_floor - modules == set(), f"floors naming no module: {sorted(on_a_floor - modules)}"
    qt_free = next(c for c in config if c["type"] == "forbidden")["source_modules"]
    assert {f"workbench.{m}" for m in modules - {"ui"}} == set(qt_free)
