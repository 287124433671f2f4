"""Which trial of a study is trained: the best one, unless it beats the defaults only by noise.

With many cheap trials the best validation score is partly luck (the winner's curse): the trial that
scored highest on the validation users is, among many near-equal settings, the one the validation part
happened to favour, and on the test part it may do worse than the defaults. So each trial that is the
best so far when it completes (and the defaults trial) stores its metric per validation user; the best
trial is trained only when its paired gain over the defaults, on the same users, is clearly above noise.
Otherwise the defaults are trained, and the selection says so in plain words.
"""

from __future__ import annotations

import base64
import math
import zlib
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import optuna
from optuna.trial import TrialState

from workbench.evaluation.protocol import PerUserScores

#: user attribute of a trial: its metric per validation user (see ``encode_per_user``)
PER_USER_KEY = "valid_per_user"
#: user attribute marking the trial that runs the family's default settings
DEFAULTS_KEY = "defaults"
#: a gain must reach this many paired standard errors: a single comparison of two equal settings gets there
#: by chance about 2.5% of the time
NOISE_Z = 2.0
#: validation users whose scores a trial stores at most (a fixed seeded sample beyond it), so a study on a
#: large dataset stays small; the standard error of a mean over this many users is already tiny
MAX_STORED_USERS = 20_000


def required_z(n_complete: int) -> float:
    """Paired standard errors a gain needs when the best of ``n_complete`` trials is compared.

    The best of n settings that are all equal reaches about sqrt(2 ln n) standard errors by chance alone,
    so a fixed bar would let a long search of near-equal settings pick luck; never below ``NOISE_Z``."""
    return max(NOISE_Z, math.sqrt(2.0 * math.log(max(n_complete, 1))))


def encode_per_user(metric: str, scores: PerUserScores) -> dict[str, Any]:
    """A compact JSON form of ``scores`` (float32, base64) with a checksum of the users they belong to."""
    users, values = np.asarray(scores.users, np.int64), np.asarray(scores.values, np.float32)
    if len(users) > MAX_STORED_USERS:
        keep = np.sort(np.random.default_rng(0).choice(len(users), MAX_STORED_USERS, replace=False))
        users, values = users[keep], values[keep]
    return {"metric": metric, "n": len(users), "users": zlib.crc32(users.tobytes()),
            "values": base64.b64encode(values.tobytes()).decode("ascii")}


def decode_per_user(payload: Any) -> tuple[str, int, np.ndarray] | None:
    """(metric, users checksum, values) of an ``encode_per_user`` payload; None when absent or unreadable."""
    if not isinstance(payload, dict):
        return None
    try:
        values = np.frombuffer(base64.b64decode(payload["values"]), dtype=np.float32).astype(np.float64)
        if len(values) != int(payload["n"]):
            return None
        return str(payload["metric"]), int(payload["users"]), values
    except (KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Selection:
    """Which trial is trained and why.

    ``outcome``: ``best`` (a gain above noise), ``defaults_kept`` (within noise), ``best_is_defaults``,
    ``unchecked`` (no paired comparison possible, ``reason`` says why: ``no_defaults``, ``no_scores`` or
    ``different_users``; the best trial is trained) or ``none`` (no trial completed). ``gain`` is the best
    trial's validation score minus the defaults' (in the metric's units), ``z`` the paired gain in
    standard errors (positive when the best trial is better), ``needed`` the bar it had to reach."""

    outcome: str
    metric: str
    chosen_trial: int | None = None
    best_trial: int | None = None
    defaults_trial: int | None = None
    gain: float | None = None
    z: float | None = None
    needed: float | None = None
    reason: str | None = None

    @property
    def note(self) -> str:
        """The selection in plain words (English; the GUI words it from the fields)."""
        if self.outcome == "none":
            return "no trial completed"
        if self.outcome == "best_is_defaults":
            return f"the defaults (trial {self.defaults_trial}) are the best trial: trained"
        if self.outcome in ("best", "defaults_kept"):
            figures = (f"{abs(self.gain or 0.0):.4f} {self.metric} on validation, {self.z:.1f} paired "
                       f"standard errors (needed {self.needed:.1f})")
            if self.outcome == "best":
                return (f"trial {self.best_trial} beats the defaults (trial {self.defaults_trial}) by "
                        f"{figures}: trial {self.best_trial} trained")
            return f"defaults kept: trial {self.best_trial} beats them by {figures}, within noise"
        why = {"no_defaults": "no completed trial of the default settings to compare it with (a grid, a "
                              "search not started from the defaults, or one recorded by an older version)",
               "no_scores": "it or the defaults trial has no per-user validation scores (recorded by an "
                            "older version, or a metric without them such as coverage)",
               "different_users": "its per-user validation scores and the defaults' cover different users"}
        return f"best trial {self.best_trial} trained unchecked: {why.get(self.reason or '', self.reason)}"

    def to_dict(self) -> dict[str, Any]:
        out = {**asdict(self), "note": self.note}
        if out["z"] is not None and not math.isfinite(out["z"]):
            out["z"] = None  # every user gained the same: no spread to measure (JSON has no infinity)
        return out


def select_trial(study: optuna.Study, metric: str) -> Selection:
    """The trial to train: the best, unless its paired gain over the defaults is within noise."""
    complete = [t for t in study.get_trials(deepcopy=False) if t.state == TrialState.COMPLETE]
    if not complete:
        return Selection("none", metric)
    best = study.best_trial
    defaults = next((t for t in complete if t.user_attrs.get(DEFAULTS_KEY)), None)
    if defaults is None:
        return Selection("unchecked", metric, best.number, best.number, reason="no_defaults")
    if defaults.number == best.number or defaults.value == best.value:
        return Selection("best_is_defaults", metric, defaults.number, best.number, defaults.number)
    unchecked = Selection("unchecked", metric, best.number, best.number, defaults.number, reason="no_scores")
    ours, theirs = decode_per_user(best.user_attrs.get(PER_USER_KEY)), decode_per_user(
        defaults.user_attrs.get(PER_USER_KEY))
    if ours is None or theirs is None or ours[0] != theirs[0]:
        return unchecked
    if ours[1] != theirs[1] or len(ours[2]) != len(theirs[2]) or len(ours[2]) < 2:
        return Selection("unchecked", metric, best.number, best.number, defaults.number,
                         reason="different_users")
    lower_is_better = study.direction == optuna.study.StudyDirection.MINIMIZE
    diff = theirs[2] - ours[2] if lower_is_better else ours[2] - theirs[2]
    diff = diff[np.isfinite(diff)]
    mean = float(diff.mean()) if len(diff) else 0.0
    se = float(diff.std(ddof=1) / math.sqrt(len(diff))) if len(diff) > 1 else 0.0
    z = mean / se if se > 0 else (math.inf if mean > 0 else 0.0)
    needed = required_z(len(complete))
    gain = float(best.value) - float(defaults.value)  # type: ignore[arg-type]
    chosen = best.number if z >= needed else defaults.number
    return Selection("best" if z >= needed else "defaults_kept", metric, chosen, best.number,
                     defaults.number, gain, z, needed)
