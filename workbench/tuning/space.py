"""Search spaces read from a family's config: the ``search``/``log``/``step`` hints of its ``param`` fields.

A space is a tuple of ``SearchParam``s; ``suggest`` draws one setting per parameter from an Optuna trial.
The user narrows or widens a space with ``key=low:high`` (a range), ``key=a|b|c`` (choices) or fixes a
field with ``key=value`` (not searched).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from workbench.errors import WorkbenchError
from workbench.models.base import config_from_dict
from workbench.models.registry import family_class


@dataclass(frozen=True)
class SearchParam:
    """One searched field: a numeric range (``low``..``high``, log-scaled or stepped) or choices."""

    name: str
    kind: str  # "int" | "float" | "categorical"
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = None
    choices: tuple[Any, ...] = ()

    def describe(self) -> str:
        """``name`` with its range or choices, for messages and tables."""
        if self.kind == "categorical":
            return f"{self.name} in {list(self.choices)}"
        scale = " log" if self.log else (f" step {self.step:g}" if self.step else "")
        return f"{self.name} in [{self.low:g}, {self.high:g}]{scale}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe fields (stored with the study so a resume searches the same space)."""
        out = dataclasses.asdict(self)
        out["choices"] = list(self.choices)
        return out

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> SearchParam:
        """Inverse of ``to_dict``."""
        return cls(**{**values, "choices": tuple(values.get("choices", ()))})


@dataclass(frozen=True)
class SearchSpace:
    """The searched parameters of one family and the settings held fixed in every trial."""

    family: str
    params: tuple[SearchParam, ...]
    fixed: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family, "params": [p.to_dict() for p in self.params], "fixed": self.fixed}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> SearchSpace:
        return cls(values["family"], tuple(SearchParam.from_dict(p) for p in values["params"]),
                   dict(values.get("fixed", {})))

    def suggest(self, trial: Any) -> dict[str, Any]:
        """One setting per parameter, drawn from ``trial`` (an ``optuna.Trial``)."""
        out: dict[str, Any] = {}
        for p in self.params:
            if p.kind == "categorical":
                out[p.name] = trial.suggest_categorical(p.name, list(p.choices))
            elif p.kind == "int":
                assert p.low is not None and p.high is not None  # numeric kinds always have a range
                step = int(p.step) if p.step and not p.log else 1
                out[p.name] = trial.suggest_int(p.name, int(p.low), int(p.high), step=step, log=p.log)
            else:
                assert p.low is not None and p.high is not None
                out[p.name] = trial.suggest_float(p.name, float(p.low), float(p.high), log=p.log,
                                                  step=None if p.log else p.step)
        return out

    def grid(self, points: int = 4) -> dict[str, list[Any]]:
        """A grid for ``GridSampler``: choices as they are, ranges at ``points`` values (log-spaced)."""
        out: dict[str, list[Any]] = {}
        for p in self.params:
            if p.kind == "categorical":
                out[p.name] = list(p.choices)
                continue
            assert p.low is not None and p.high is not None
            if p.log and p.low > 0:
                values = [math.exp(math.log(p.low) + (math.log(p.high) - math.log(p.low)) * i / (points - 1))
                          for i in range(points)]
            else:
                values = [p.low + (p.high - p.low) * i / (points - 1) for i in range(points)]
            if p.kind == "int":
                step = int(p.step) if p.step and not p.log else 1
                values = sorted({int(p.low) + step * round((v - p.low) / step) for v in values})
            elif p.step and not p.log:
                values = sorted({p.low + p.step * round((v - p.low) / p.step) for v in values})
            out[p.name] = values
        return out


def default_space(family: str) -> tuple[SearchParam, ...]:
    """The family's default search space: every config field marked with ``search``."""
    cls = family_class(family)
    defaults = cls.Config()
    params = []
    for f in dataclasses.fields(cls.Config):
        hint = f.metadata.get("search")
        if hint is None or hint is False:
            continue
        default = getattr(defaults, f.name)
        if hint is True:
            params.append(SearchParam(f.name, "categorical", choices=tuple(f.metadata.get("choices", ()))))
            continue
        low, high = hint
        params.append(SearchParam(f.name, _numeric_kind(f.name, default), float(low), float(high),
                                  log=bool(f.metadata.get("log")), step=f.metadata.get("step")))
    return tuple(params)


def build_space(family: str, overrides: dict[str, str] | None = None) -> SearchSpace:
    """The default space of ``family`` changed by ``overrides`` (``key=low:high``, ``a|b``, or a fixed value).

    Ranges are checked against the field's bounds; unknown keys, bad numbers and ranges the config would
    refuse raise ``WorkbenchError`` naming the key.
    """
    cls = family_class(family)
    fields = {f.name: f for f in dataclasses.fields(cls.Config)}
    defaults = cls.Config()
    params = {p.name: p for p in default_space(family)}
    fixed: dict[str, Any] = {}
    for key, raw in (overrides or {}).items():
        if key not in fields:
            raise WorkbenchError(f"unknown setting '{key}' for {family} (known: {', '.join(sorted(fields))})")
        meta = fields[key].metadata
        default = getattr(defaults, key)
        text = str(raw).strip()
        if ":" in text and isinstance(default, int | float) and not isinstance(default, bool):
            params[key] = _range_param(family, key, text, default, meta)
            fixed.pop(key, None)
        elif "|" in text:
            choices = tuple(config_from_dict(cls.Config, {key: c}).__getattribute__(key)
                            for c in text.split("|") if c)
            params[key] = SearchParam(key, "categorical", choices=choices)
            fixed.pop(key, None)
        else:
            config_from_dict(cls.Config, {key: text})  # refuses bad values with the key named
            fixed[key] = text
            params.pop(key, None)
    return SearchSpace(family, tuple(params.values()), fixed)


def _numeric_kind(name: str, default: Any) -> str:
    if isinstance(default, bool) or not isinstance(default, int | float):
        raise WorkbenchError(f"setting '{name}' is not numeric: give its choices as a|b|c")
    return "int" if isinstance(default, int) else "float"


def _range_param(family: str, key: str, text: str, default: Any, meta: Any) -> SearchParam:
    parts = text.split(":")
    if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] not in ("log", "linear")):
        raise WorkbenchError(f"--set {key}={text}: a range is LOW:HIGH or LOW:HIGH:log")
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise WorkbenchError(f"--set {key}={text}: LOW and HIGH must be numbers") from None
    if not low < high:
        raise WorkbenchError(f"--set {key}={text}: LOW must be below HIGH")
    if "min" in meta and low < meta["min"]:
        raise WorkbenchError(f"--set {key}={text}: {family} needs {key} >= {meta['min']}")
    if "max" in meta and high > meta["max"]:
        raise WorkbenchError(f"--set {key}={text}: {family} needs {key} <= {meta['max']}")
    log = parts[2] == "log" if len(parts) == 3 else bool(meta.get("log"))
    if log and low <= 0:
        raise WorkbenchError(f"--set {key}={text}: a log-scale range must start above 0")
    kind = _numeric_kind(key, default)
    step = meta.get("step")
    if step is not None and (high - low) < step:
        step = None
    return SearchParam(key, kind, low, high, log=log, step=None if log else step)
