"""Outside ``workbench/models`` nothing branches on a family's name or reads a model's private state: a
new family is its module plus one registry line, and the rest of the app asks the model what it can do
(``workbench.models.capabilities``)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from workbench.models.registry import FAMILIES

ROOT = Path(__file__).resolve().parents[1] / "workbench"
#: generated GUI texts (translations of every family's settings) and the registry itself may name families
ALLOWED = {ROOT / "ui" / "model_texts.py"}

_NAMES = "|".join(re.escape(name) for name in FAMILIES)
FAMILY_COMPARISON = re.compile(
    rf"family\b\s*(==|!=|\bin\b|\bnot in\b)\s*[\"'(\[{{]"  # family == "x", family in ("x", ...)
    rf"|[\"']({_NAMES})[\"']\s*(==|!=|\bin\b)\s*[\w.]*family"  # "x" == family
    r"|\b(?!DEFAULT_)[A-Z_]*FAMILIES\b\s*=\s*\(")  # a hand-made list of families with some trait
PRIVATE_READ = re.compile(
    r"\b(model|loaded\.model|self\.model|m)\.(_[a-z]\w*|m\b|buffers\b|meta\b|module\b)"  # model._x, model.m
    r"|getattr\(\s*model\s*,|hasattr\(\s*model\s*,")


def _offences(pattern: re.Pattern[str]) -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if path.is_relative_to(ROOT / "models") or path in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}")
    return found


def test_no_family_name_comparisons_outside_models() -> None:
    assert _offences(FAMILY_COMPARISON) == []


def test_no_private_model_reads_outside_models() -> None:
    assert _offences(PRIVATE_READ) == []


def test_the_guards_catch_what_they_are_for() -> None:
    # the patterns themselves must match the kinds of line they exist to refuse
    for line in ('if model.family == "ease":', 'use = family in ("itemknn", "ease")',
                 'CONTENT_FAMILIES = ("content", "hybrid")', 'if "pop" == info.family:'):
        assert FAMILY_COMPARISON.search(line), line
    for line in ("vecs = model._items()", "hist = model.m.hist", "ii = getattr(model, 'buffers', {})",
                 "v = loaded.model.meta['mu']"):
        assert PRIVATE_READ.search(line), line
    for line in ("family=run.family", "rows = model.training_history(user)", "model.items.row(i)"):
        assert not FAMILY_COMPARISON.search(line) and not PRIVATE_READ.search(line), line


def test_cli_family_choices_are_the_registry_and_parsing_stays_free_of_torch() -> None:
    from workbench.commands.training import FAMILY_NAMES

    assert list(FAMILY_NAMES) == list(FAMILIES) and "nope" not in FAMILY_NAMES
    code = "import sys; from workbench import cli; cli.build_parser(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
