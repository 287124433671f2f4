"""Optuna's study storage in the workbench database itself.

The tables are created by our own migration (revision ``0008_tuning``), so the storage is opened with
``skip_table_creation`` and ``skip_compatibility_check``: Optuna then never creates tables nor stamps its
Alembic revision into the ``alembic_version`` table our migrations own. Trials send a heartbeat, so a trial
left RUNNING by a killed process is recognised: at once when its process (same host) is gone, after the
grace period otherwise (another workstation adding trials to the same study).
"""

from __future__ import annotations

import os
import socket
import threading
import warnings
import weakref
from datetime import datetime
from typing import Any

import optuna
import psutil
from optuna.storages import RDBStorage, RetryHeartbeatStaleTrialCallback
from optuna.trial import TrialState
from sqlalchemy import Engine

from workbench.store.db import Database

HEARTBEAT_S = 10
#: a trial whose heartbeat is older than this is given up (its process is presumed dead)
GRACE_S = 60
OWNER_KEY = "owner"


_storages: weakref.WeakKeyDictionary[Engine, RDBStorage] = weakref.WeakKeyDictionary()
_storages_lock = threading.Lock()


def open_storage(db: Database) -> RDBStorage:
    """An Optuna storage over ``db``'s database (its tables come from our migrations); one per database,
    shared by the threads that search or read studies (its sessions are per thread).

    A trial failed for a stale heartbeat is queued again once with the same settings, so a search killed
    mid-trial neither loses that point nor counts it twice.
    """
    with _storages_lock:
        storage = _storages.get(db.engine)
        if storage is None:
            storage = _storages[db.engine] = _new_storage(db)
        return storage


def _new_storage(db: Database) -> RDBStorage:
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # our own front ends say what happens
    url = db.engine.url.render_as_string(hide_password=False)
    engine_kwargs: dict[str, Any] = {}
    if db.engine.dialect.name == "sqlite":
        engine_kwargs["connect_args"] = {"timeout": 30}
    else:
        engine_kwargs["pool_pre_ping"] = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return RDBStorage(url, engine_kwargs=engine_kwargs, skip_compatibility_check=True,
                          skip_table_creation=True, heartbeat_interval=HEARTBEAT_S, grace_period=GRACE_S,
                          heartbeat_stale_trial_callback=RETRY)


def _retry(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        RetryHeartbeatStaleTrialCallback(max_retry=1)(study, trial)


RETRY = _retry


def owner_tag() -> str:
    """``host:pid`` of this process, stored on each trial it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_alive(pid: int, trial_started: datetime | None) -> bool:
    """Whether ``pid`` lives and plausibly is the process that started the trial (pids are reused)."""
    try:
        started = psutil.Process(pid).create_time()
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # exists, owned by someone else
    # Optuna stamps trials in local time without a zone; a naive datetime's timestamp() reads it so
    return trial_started is None or started <= trial_started.timestamp() + 5.0


def fail_abandoned_trials(storage: RDBStorage, study: optuna.Study) -> list[int]:
    """Mark RUNNING trials of dead processes FAIL and queue their settings again; returns their numbers.

    A trial is abandoned when its owner ran on this host and that process is gone (found at once), or
    when its heartbeat is older than the grace period (Optuna's stale-trial rule, for other hosts).
    """
    host = socket.gethostname()
    study_id = storage.get_study_id_from_name(study.study_name)
    failed: list[int] = []
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        owner = str(trial.user_attrs.get(OWNER_KEY, ""))
        owner_host, _, pid = owner.rpartition(":")
        if owner_host != host or not pid.isdigit() or int(pid) == os.getpid() \
                or _process_alive(int(pid), trial.datetime_start):
            continue
        trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, trial.number)
        try:
            storage.set_trial_user_attr(trial_id, "abandoned", True)
            changed = storage.set_trial_state_values(trial_id, TrialState.FAIL)
        except optuna.exceptions.UpdateFinishedTrialError:
            changed = False  # another process got there first
        if changed:
            RETRY(study, storage.get_trial(trial_id))
            failed.append(trial.number)
    before = {t.number for t in study.get_trials(deepcopy=False, states=(TrialState.FAIL,))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        optuna.storages.fail_stale_trials(study)  # heartbeats older than the grace period
    failed += [t.number for t in study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
               if t.number not in before]
    return failed
