"""Where the files that travel with the code live: Alembic migrations and resources (style, translations).

In a checkout they sit at the top level (``migrations/``, ``resources/``); an installed wheel carries them
as the packages ``workbench.migrations`` and ``workbench.resources`` (see pyproject.toml), so a
``pip install .`` outside the checkout can still open and upgrade a database.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _locate(package: str, checkout_dir: str) -> Path:
    local = _CHECKOUT / checkout_dir
    if local.is_dir() and (_CHECKOUT / "pyproject.toml").is_file():
        return local
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    raise FileNotFoundError(f"{package} is missing from this installation (reinstall rec-workbench)")


def migrations_dir() -> Path:
    """The Alembic script directory."""
    return _locate("workbench.migrations", "migrations")


def resources_dir() -> Path:
    """Style sheet, translations and icons."""
    return _locate("workbench.resources", "resources")
