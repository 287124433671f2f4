"""CLI: ``tune`` (hyper-parameter search) and ``studies`` (stored searches)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workbench.commands.training import FAMILY_NAMES, SPLIT_NAMES, parse_settings
from workbench.errors import WorkbenchError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``tune`` and ``studies`` to the top-level parser."""
    from workbench.cli import JSON_PARENT

    p = subparsers.add_parser(
        "tune", parents=[JSON_PARENT], help="search hyper-parameters (Optuna), train the best",
        description="Search each family's settings on the validation part (one study per family, stored "
                    "in the database), then train each family's best settings as a normal model scored "
                    "once on the test part; the defaults are trained instead when the best trial beats "
                    "them on the validation users only by noise (the note says which). Prints one line "
                    "per trial, then the families ranked.")
    p.add_argument("--dataset", help="dataset name or id")
    p.add_argument("--model", dest="models", action="append", choices=FAMILY_NAMES, metavar="FAMILY",
                   default=[], help="model family (repeatable)")
    p.add_argument("--trials", type=int, help="trials per family (default 20 without --timeout)")
    p.add_argument("--timeout", type=float, metavar="S", help="seconds for the whole search")
    p.add_argument("--metric", help="validation metric to optimise (default ndcg@10; rmse for rating "
                                    "families)")
    p.add_argument("--split", choices=SPLIT_NAMES, default="user_ratio", help="how to hold out the test part")
    p.add_argument("--test-fraction", type=float, default=0.2, help="held-out fraction (default 0.2)")
    p.add_argument("--valid-fraction", type=float, default=0.1, help="validation fraction of training")
    p.add_argument("--k-last", type=int, default=1, help="rows per user held out by leave_last")
    p.add_argument("--seed", type=int, default=42, help="seed of the split and of the sampler")
    p.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=RANGE",
                   help="KEY=LOW:HIGH[:log] searches that range, KEY=A|B|C those choices, KEY=VALUE fixes "
                        "the setting (repeatable)")
    p.add_argument("--sampler", choices=("tpe", "random", "grid"), default="tpe", help="default tpe")
    p.add_argument("--pruner", choices=("median", "halving", "none"), default="median",
                   help="stops hopeless trials from their per-epoch validation score (default median)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or mps")
    p.add_argument("--name", help="name of the search (default <dataset>-<date>-<time>)")
    p.add_argument("--resume", metavar="STUDY", help="continue a search (its name, or a study id or name)")
    p.add_argument("--no-final", action="store_true", help="do not train the best settings at the end")
    p.set_defaults(handler=cmd_tune)

    s = subparsers.add_parser("studies", parents=[JSON_PARENT], help="stored hyper-parameter searches")
    ssub = s.add_subparsers(dest="studies_command", required=True, metavar="ACTION")
    a = ssub.add_parser("list", parents=[JSON_PARENT], help="list searches")
    a.set_defaults(handler=cmd_studies_list)
    a = ssub.add_parser("show", parents=[JSON_PARENT], help="a search's ranking and trials")
    a.add_argument("search", help="search name, or a study id or name")
    a.set_defaults(handler=cmd_studies_show)


def _trial_line(event: Any) -> str:
    value = "-" if event.value is None else f"{event.value:.4f}"
    best = "-" if event.best_value is None else f"{event.best_value:.4f}"
    params = ", ".join(f"{k}={_short(v)}" for k, v in event.params.items())
    tail = f"  ({event.error})" if event.error else ""
    return (f"{event.family:<8} trial {event.number:3d}  {event.state.lower():<8} {value:>8}  "
            f"best {best:>8}  {event.epochs:3d} ep  {event.duration_s:6.1f}s  {params}{tail}")


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def cmd_tune(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.evaluation.splits import SplitSpec
    from workbench.store.runs import mark_interrupted_runs
    from workbench.tuning.study import SearchRequest, resume_search, run_search

    db = ctx.db()
    mark_interrupted_runs(db)
    out = sys.stderr if ctx.as_json else sys.stdout

    def on_trial(event: Any) -> None:
        print(_trial_line(event), file=out, flush=True)

    def on_study(family: str, study_id: int) -> None:
        print(f"study {study_id}: {family}", file=out, flush=True)

    if args.resume:
        result = resume_search(db, args.resume, n_trials=args.trials, timeout_s=args.timeout,
                               on_trial=on_trial, on_study=on_study)
    else:
        if not args.dataset or not args.models:
            raise WorkbenchError("tune needs --dataset and at least one --model (or --resume STUDY)")
        n_trials = args.trials if args.trials is not None or args.timeout is not None else 20
        spec = SplitSpec(kind=args.split, test_fraction=args.test_fraction, k=args.k_last,
                         valid_fraction=args.valid_fraction, seed=args.seed)
        request = SearchRequest(dataset=args.dataset, families=tuple(args.models), n_trials=n_trials,
                                timeout_s=args.timeout, metric=args.metric, split=spec,
                                settings=parse_settings(args.settings), sampler=args.sampler,
                                pruner=args.pruner, seed=args.seed, device=args.device,
                                train_final=not args.no_final, name=args.name)
        result = run_search(db, request, on_trial=on_trial, on_study=on_study)
    payload = result.to_dict()
    ctx.emit(payload, lambda: _result_text(payload))
    return 0


def _result_text(payload: dict[str, Any]) -> str:
    lines = [f"search '{payload['search']}' ({payload['elapsed_s']:.1f}s); families ranked by validation "
             "score:"]
    lines.append(f"  {'family':<8} {'study':>5} {'metric':<10} {'valid':>8} {'test':>8} {'done':>6} "
                 f"{'pruned':>6} {'trial':>5} {'model':>5}  settings trained")
    for r in payload["ranking"]:
        valid = "-" if r["chosen_valid_score"] is None else f"{r['chosen_valid_score']:.4f}"
        test = "-" if r["test_score"] is None else f"{r['test_score']:.4f}"
        model = "-" if r["model_id"] is None else str(r["model_id"])
        trial = "-" if r["chosen_trial"] is None else str(r["chosen_trial"])
        settings = ", ".join(f"{k}={_short(v)}" for k, v in r["chosen_params"].items())
        lines.append(f"  {r['family']:<8} {r['study_id']:>5} {r['metric']:<10} {valid:>8} {test:>8} "
                     f"{r['complete']:>6} {r['pruned']:>6} {trial:>5} {model:>5}  {settings}"
                     + (f"no trial completed: {r['error']}" if r.get("error") else ""))
        if r.get("note"):
            lines.append(f"           {r['note']}")
    if payload["model_id"] is not None:
        lines.append(f"best: {payload['family']} (study {payload['study_id']}), saved as model "
                     f"{payload['model_id']}")
    return "\n".join(lines)


def cmd_studies_list(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.tuning.study import list_searches

    infos = list_searches(ctx.db())

    def text() -> str:
        if not infos:
            return "no searches"
        rows = [f"{'search':<36} {'dataset':<16} {'metric':<10} {'trials':>6}  families"]
        rows += [f"{i.search[:36]:<36} {i.dataset[:16]:<16} {i.metric:<10} {i.n_finished:>6}  "
                 f"{', '.join(i.families)}" for i in infos]
        return "\n".join(rows)

    ctx.emit([i.to_dict() for i in infos], text)
    return 0


def cmd_studies_show(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.tuning.study import search_events, search_result

    db = ctx.db()
    result = search_result(db, args.search)
    _, events = search_events(db, args.search)
    payload = result.to_dict()
    payload["trials"] = [{"family": e.family, "number": e.number, "state": e.state, "value": e.value,
                          "params": e.params, "epochs": e.epochs, "duration_s": round(e.duration_s, 3),
                          "error": e.error} for e in events]
    ctx.emit(payload, lambda: "\n".join([_result_text(payload), *(_trial_line(e) for e in events)]))
    return 0
