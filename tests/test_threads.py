"""The OpenMP wait policy: workers sleep in the GUI and tests, spin briefly in headless commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import workbench.cli as cli
import workbench.core.threads as threads

REPO = Path(__file__).resolve().parents[1]

# a headless command in a fresh process, then the policy torch's runtime saw when the command loaded it
PROBE = """
import os, sys
import workbench.cli as cli
rc = cli.main(["--db", sys.argv[1], "datasets", "list"])
import torch  # what a command that trains loads after the policy is chosen
print("POLICY", os.environ.get("OMP_WAIT_POLICY"), rc)
"""


def _probe(tmp_path: Path, policy: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if policy is not None:
        env["OMP_WAIT_POLICY"] = policy
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "w.db")], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line.startswith("POLICY")][-1]


def test_headless_commands_let_workers_spin_unless_the_user_chose(tmp_path: Path) -> None:
    assert _probe(tmp_path, None) == "POLICY None 0"  # the runtime's default: a brief spin
    assert _probe(tmp_path, "PASSIVE") == "POLICY PASSIVE 0"  # the user's choice stands


def test_no_change_once_torch_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch  # noqa: F401  (loaded: the runtime has read its settings)

    monkeypatch.setattr("workbench.USER_OMP_WAIT_POLICY", None)
    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")
    assert not threads.let_workers_spin()
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"


def test_windowed_commands_keep_workers_asleep(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(threads, "let_workers_spin", lambda: calls.append("spin") or True)
    monkeypatch.setattr(cli, "build_parser", _parser_with({"screenshot", "train"}))
    assert cli.main(["screenshot"]) == 0 and calls == []
    assert cli.main(["train"]) == 0 and calls == ["spin"]


def _parser_with(names: set[str]):  # type: ignore[no-untyped-def]
    import argparse

    def build() -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser()
        parser.add_argument("--db", default=None)
        sub = parser.add_subparsers(dest="command", required=True)
        for name in names:
            sub.add_parser(name).set_defaults(handler=lambda args, ctx: 0)
        return parser

    return build
