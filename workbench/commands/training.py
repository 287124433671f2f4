"""CLI: ``train``, ``models``, ``runs``, ``evaluate`` and ``recommend``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError


class _RegisteredFamilies(Sequence[str]):
    """The registry's family names for argparse ``choices``, read when first needed: building the parser
    (every command) stays free of torch, and a new family needs no line here."""

    def _names(self) -> tuple[str, ...]:
        from workbench.models.registry import FAMILIES

        return tuple(FAMILIES)

    def __getitem__(self, index: Any) -> Any:
        return self._names()[index]

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, name: object) -> bool:
        return name in self._names()


FAMILY_NAMES: Sequence[str] = _RegisteredFamilies()
SPLIT_NAMES = ("none", "random", "user_ratio", "temporal", "leave_last", "cold_items", "cold_users")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the training command group to the top-level parser."""
    from workbench.cli import JSON_PARENT

    p = subparsers.add_parser("train", parents=[JSON_PARENT], help="train a model on a dataset",
                              description="Train a model; prints one line per epoch, then the test metrics.")
    p.add_argument("--dataset", help="dataset name or id")
    p.add_argument("--model", choices=FAMILY_NAMES, metavar="FAMILY",
                   help="model family (an unknown name lists the known ones)")
    p.add_argument("--split", choices=SPLIT_NAMES, default="user_ratio", help="how to hold out the test part")
    p.add_argument("--test-fraction", type=float, default=0.2, help="held-out fraction (default 0.2)")
    p.add_argument("--valid-fraction", type=float, default=0.1, help="validation fraction of training")
    p.add_argument("--k-last", type=int, default=1, help="rows per user held out by leave_last")
    p.add_argument("--epochs", type=int, help="override the model's number of epochs")
    p.add_argument("--seed", type=int, default=42, help="seed of the split and of the model")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or mps")
    p.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                   help="a model setting (repeatable); see `models settings FAMILY`")
    p.add_argument("--name", help="name of the saved model (default <family>-<dataset>)")
    p.add_argument("--resume", type=int, metavar="RUN",
                   help="continue an interrupted run from its checkpoint")
    p.add_argument("--k", type=int, default=10, help="cut-off of the test evaluation")
    p.add_argument("--estimate", action="store_true",
                   help="only print the memory and time the run would need (nothing is trained)")
    p.set_defaults(handler=cmd_train)

    models = subparsers.add_parser("models", parents=[JSON_PARENT], help="saved models")
    msub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    m = msub.add_parser("list", parents=[JSON_PARENT], help="list saved models")
    m.add_argument("--dataset", help="only models of this dataset")
    m.set_defaults(handler=cmd_models_list)
    m = msub.add_parser("show", parents=[JSON_PARENT], help="a model's config, split and evaluations")
    m.add_argument("model", help="model id or name")
    m.set_defaults(handler=cmd_models_show)
    m = msub.add_parser("rename", parents=[JSON_PARENT], help="rename a model")
    m.add_argument("model", help="model id or name")
    m.add_argument("new_name")
    m.set_defaults(handler=cmd_models_rename)
    m = msub.add_parser("delete", parents=[JSON_PARENT], help="delete a model")
    m.add_argument("model", help="model id or name")
    m.set_defaults(handler=cmd_models_delete)
    m = msub.add_parser("settings", parents=[JSON_PARENT], help="a family's settings with defaults and help")
    m.add_argument("family", choices=FAMILY_NAMES, metavar="FAMILY")
    m.set_defaults(handler=cmd_models_settings)
    from workbench.commands.model_files import register_model_file_actions

    register_model_file_actions(msub)

    runs = subparsers.add_parser("runs", parents=[JSON_PARENT], help="training runs")
    rsub = runs.add_subparsers(dest="runs_command", required=True, metavar="ACTION")
    r = rsub.add_parser("list", parents=[JSON_PARENT], help="list training runs")
    r.add_argument("--dataset", help="only runs on this dataset")
    r.set_defaults(handler=cmd_runs_list)
    r = rsub.add_parser("show", parents=[JSON_PARENT], help="a run with its per-epoch metrics")
    r.add_argument("run", type=int)
    r.set_defaults(handler=cmd_runs_show)

    e = subparsers.add_parser("evaluate", parents=[JSON_PARENT], help="evaluate a saved model",
                              description="Without --test: the model's stored split, rebuilt from its "
                                          "dataset. "
                                          "With --test FILE: an external holdout (user, item[, rating]).")
    e.add_argument("model", help="model id or name")
    e.add_argument("--k", type=int, default=10, help="cut-off of the ranking metrics")
    e.add_argument("--test", type=Path, help="external holdout file: user, item[, rating] per line")
    e.add_argument("--sep", help="delimiter of --test (default: detected tab, comma, semicolon or |)")
    e.set_defaults(handler=cmd_evaluate)

    rec = subparsers.add_parser("recommend", parents=[JSON_PARENT], help="top-N items for a user")
    rec.add_argument("model", help="model id or name")
    rec.add_argument("--user", required=True, help="external user id")
    rec.add_argument("--n", type=int, default=10, help="number of items")
    rec.add_argument("--include-seen", action="store_true", help="also list items the user already has")
    rec.add_argument("--explain", action="store_true", help="explain each recommendation")
    rec.set_defaults(handler=cmd_recommend)


# --- train ------------------------------------------------------------------------------------------

def parse_settings(pairs: list[str]) -> dict[str, str]:
    """``["key=value", ...]`` -> dict; a pair without '=' is a clear error."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise WorkbenchError(f"--set expects KEY=VALUE, got '{pair}'")
        out[key.strip()] = value.strip()
    return out


def _fmt(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _epoch_line(report: Any) -> str:
    parts = [f"epoch {report.epoch:3d}", f"loss {_fmt(report.train_loss)}"]
    if report.valid_loss is not None:
        parts.append(f"valid loss {_fmt(report.valid_loss)}")
    if report.valid_metric is not None:
        parts.append(f"{report.metric_name or 'metric'} {_fmt(report.valid_metric)}")
    parts.append(f"{report.elapsed_s:.1f}s")
    if report.samples_per_s:
        parts.append(f"{report.samples_per_s:,.0f} samples/s")
    # live reports carry is_best; stored epochs (runs show) keep it in their extras
    if getattr(report, "is_best", None) or (getattr(report, "extra", None) or {}).get("is_best"):
        parts.append("*")
    return "  ".join(parts)


def cmd_train(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.core.progress import Cancelled
    from workbench.store.runs import mark_interrupted_runs

    db = ctx.db()
    mark_interrupted_runs(db)
    out = sys.stderr if ctx.as_json else sys.stdout

    def on_report(report: Any) -> None:
        print(_epoch_line(report), file=out, flush=True)

    if args.estimate:
        return _print_estimate(args, ctx)
    started: list[int] = []
    try:
        result = _run_training(args, db, on_report, started.append)
    except Cancelled as exc:
        run = f"run {started[0]} " if started else ""
        resume = f"; continue it with `train --resume {started[0]}`" if started else ""
        raise WorkbenchError(f"{run}stopped: {exc}{resume}") from None
    payload = {"model_id": result.model_id, "model_name": result.model_name, "run_id": result.run_id,
               "epochs": len(result.reports), "elapsed_s": round(result.elapsed_s, 3),
               "metrics": result.metrics, "notes": result.notes}
    ctx.emit(payload, lambda: _train_text(payload))
    return 0


def _run_training(args: argparse.Namespace, db: Any, on_report: Any, on_run_started: Any) -> Any:
    from workbench.evaluation.splits import SplitSpec
    from workbench.training.runner import train

    if args.resume is not None:
        result = train(db, None, device=args.device, on_report=on_report, resume_run=args.resume,
                       evaluate_k=args.k, on_run_started=on_run_started)
    else:
        if not args.dataset or not args.model:
            raise WorkbenchError("train needs --dataset and --model (or --resume RUN)")
        settings: dict[str, Any] = parse_settings(args.settings)
        settings.setdefault("seed", str(args.seed))
        spec = SplitSpec(kind=args.split, test_fraction=args.test_fraction, k=args.k_last,
                         valid_fraction=args.valid_fraction, seed=args.seed)
        result = train(db, args.dataset, args.model, settings, spec, epochs=args.epochs, device=args.device,
                       on_report=on_report, name=args.name, evaluate_k=args.k, on_run_started=on_run_started)
    return result


def _print_estimate(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.models.registry import family_class
    from workbench.store.datasets import get_dataset_info, load_dataset
    from workbench.training.resources import estimate
    from workbench.training.runner import build_config

    if not args.dataset or not args.model:
        raise WorkbenchError("train --estimate needs --dataset and --model")
    info = get_dataset_info(ctx.db(), args.dataset)
    config = build_config(args.model, parse_settings(args.settings), args.epochs)
    cls = family_class(args.model)
    # families that read item content measure its texts, as the run's own check does
    content = load_dataset(ctx.db(), info.id).content if getattr(cls, "uses_content", False) else None
    est = estimate(cls, config, int(info.n_users), int(info.n_items), int(info.n_interactions), content)
    payload = {"family": args.model, "dataset": info.name, "peak_bytes": est.peak_bytes,
               "free_bytes": est.free_bytes, "epoch_seconds": est.epoch_seconds, "fits": est.fits}
    ctx.emit(payload, lambda: f"{args.model} on {info.name}: {est.summary()}"
             + ("" if est.fits else " -- too large: training would be refused"))
    return 0


def _train_text(payload: dict[str, Any]) -> str:
    lines = [f"saved model {payload['model_id']} '{payload['model_name']}' (run {payload['run_id']}, "
             f"{payload['epochs']} epochs, {payload['elapsed_s']:.1f}s)"]
    lines += _metric_lines(payload["metrics"])
    lines += [f"note: {note}" for note in payload.get("notes", [])]
    return "\n".join(lines)


def _metric_lines(metrics: dict[str, Any]) -> list[str]:
    if not metrics:
        return ["  (no test part: nothing evaluated)"]
    return [f"  {key:<28} {value:.4f}" if isinstance(value, int | float) else f"  {key:<28} {value}"
            for key, value in metrics.items()]


# --- models -----------------------------------------------------------------------------------------

def cmd_models_list(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.store.models import list_models

    infos = list_models(ctx.db(), args.dataset)

    def text() -> str:
        if not infos:
            return "no models"
        rows = [f"{'id':>4}  {'name':<28} {'family':<8} {'dataset':<20} {'rmse':>7} {'ndcg@10':>8}  created"]
        for i in infos:
            rows.append(f"{i.id:>4}  {i.name[:28]:<28} {i.family:<8} {i.dataset_name[:20]:<20} "
                        f"{_fmt(i.summary.get('rmse')):>7} {_fmt(i.summary.get('ndcg@10')):>8}  "
                        f"{i.created_at:%Y-%m-%d %H:%M}")
        return "\n".join(rows)

    ctx.emit([i.to_dict() for i in infos], text)
    return 0


def cmd_models_show(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.store.models import get_model_info, list_evaluations

    db = ctx.db()
    info = get_model_info(db, args.model)
    evaluations = list_evaluations(db, info.id)
    payload = info.to_dict()
    payload["evaluations"] = [{"id": e.id, "created_at": e.created_at.isoformat(timespec="seconds"),
                               "protocol": e.protocol, "k": e.k, "metrics": e.metrics} for e in evaluations]

    def text() -> str:
        lines = [f"model {info.id} '{info.name}': {info.family} on {info.dataset_name} "
                 f"({info.n_users} users, {info.n_items} items, {info.size_bytes:,} bytes)",
                 f"  created {info.created_at:%Y-%m-%d %H:%M:%S}", "  config:"]
        lines += [f"    {k} = {v}" for k, v in info.config.items()]
        lines.append("  split: " + ", ".join(f"{k}={v}" for k, v in info.split.items()))
        for e in evaluations:
            lines.append(f"  evaluation {e.id} ({e.protocol}, k={e.k}):")
            lines += ["  " + line for line in _metric_lines(e.metrics)]
        return "\n".join(lines)

    ctx.emit(payload, text)
    return 0


def cmd_models_rename(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.store.models import rename_model

    info = rename_model(ctx.db(), args.model, args.new_name)
    ctx.emit(info.to_dict(), f"model {info.id} renamed to '{info.name}'")
    return 0


def cmd_models_delete(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.store.models import delete_model

    info = delete_model(ctx.db(), args.model)
    ctx.emit({"deleted": info.id, "name": info.name}, f"deleted model {info.id} '{info.name}'")
    return 0


def cmd_models_settings(args: argparse.Namespace, ctx: Any) -> int:
    import dataclasses

    from workbench.models.registry import family_class

    cls = family_class(args.family)
    defaults = cls.Config()
    rows = []
    for f in dataclasses.fields(cls.Config):
        meta = dict(f.metadata)
        unavailable = meta.pop("unavailable", None)
        if unavailable is not None and unavailable():
            meta["unavailable"] = unavailable()  # choice -> what to install
        rows.append({"name": f.name, "default": getattr(defaults, f.name), **meta})
    ctx.emit(rows, lambda: "\n".join(f"{r['name']:<22} {r['default']!s:<12} {r.get('help', '')}"
                                     for r in rows))
    return 0


# --- runs -------------------------------------------------------------------------------------------

def cmd_runs_list(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.store.runs import list_runs, mark_interrupted_runs

    db = ctx.db()
    mark_interrupted_runs(db)
    infos = list_runs(db, args.dataset)

    def text() -> str:
        if not infos:
            return "no training runs"
        rows = [f"{'id':>4}  {'status':<11} {'family':<8} {'dataset':<20} {'epochs':>6} {'elapsed':>8}  "
                f"{'model':>5}  started"]
        for r in infos:
            rows.append(f"{r.id:>4}  {r.status:<11} {r.family:<8} {r.dataset_name[:20]:<20} "
                        f"{r.checkpoint_epoch if r.checkpoint_epoch is not None else '-':>6} "
                        f"{r.elapsed_s:>7.1f}s  {r.model_id if r.model_id is not None else '-':>5}  "
                        f"{r.started_at:%Y-%m-%d %H:%M}" + (f"  ({r.error})" if r.error else ""))
        return "\n".join(rows)

    ctx.emit([r.to_dict() for r in infos], text)
    return 0


def cmd_runs_show(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.store.runs import get_run, mark_interrupted_runs

    db = ctx.db()
    mark_interrupted_runs(db)
    run = get_run(db, args.run)

    def text() -> str:
        where = f" at {run.host}" if run.host else ""
        cancel = ", cancel requested" if run.cancel_requested and run.status == "running" else ""
        lines = [f"run {run.id}: {run.family} on {run.dataset_name}, {run.status} on {run.device}{where}, "
                 f"{run.elapsed_s:.1f}s" + (f", model {run.model_id}" if run.model_id else "") + cancel]
        if run.error:
            lines.append(f"  {run.error}")
        lines += ["  " + _epoch_line(e) for e in run.epochs]
        return "\n".join(lines)

    ctx.emit(run.to_dict(), text)
    return 0


# --- evaluate ---------------------------------------------------------------------------------------

def cmd_evaluate(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.evaluation.holdout import evaluate_holdout_file
    from workbench.store.datasets import load_dataset
    from workbench.store.models import load_model, record_evaluation, update_summary
    from workbench.training.runner import evaluate_on_split, rebuild_split

    db = ctx.db()
    model, info = load_model(db, args.model)
    data = load_dataset(db, info.dataset_id)
    if args.test is None:
        protocol = "split"
        metrics = evaluate_on_split(model, data, rebuild_split(data, info.split), args.k)
        if not metrics:
            raise WorkbenchError(f"model {info.id} was trained with split 'none': it has no test part; "
                                 "use --test FILE")
    else:
        protocol = f"holdout:{args.test.name}"
        metrics = evaluate_holdout_file(model, data, args.test, args.k, sep=args.sep)
    record_evaluation(db, info.id, protocol, args.k, metrics)
    if protocol == "split":
        update_summary(db, info.id, metrics)
    payload = {"model_id": info.id, "model_name": info.name, "protocol": protocol, "k": args.k, **metrics}
    ctx.emit(payload, lambda: "\n".join([f"model {info.id} '{info.name}' on {protocol} (k={args.k})",
                                         *_metric_lines(metrics)]))
    return 0


# --- recommend --------------------------------------------------------------------------------------

def cmd_recommend(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.store.models import item_titles, load_model

    db = ctx.db()
    model, info = load_model(db, args.model)
    if args.n < 1:
        raise WorkbenchError("--n must be at least 1")
    recs = model.recommend(str(args.user), n=args.n, exclude_seen=not args.include_seen)
    titles = item_titles(db, info.dataset_id, [item for item, _ in recs])
    entries: list[dict[str, Any]] = [{"item": item, "title": titles.get(item, ""), "score": score}
                                     for item, score in recs]
    if args.explain:
        _add_explanations(db, model, info, str(args.user), entries)
    payload = {"user": str(args.user), "model_id": info.id, "recommendations": entries}

    def text() -> str:
        lines = [f"top {len(entries)} for user {args.user} ({info.name}):"]
        for rank, e in enumerate(entries, 1):
            lines.append(f"{rank:3d}. {e['item']:<10} {e['score']:9.4f}  {e['title']}")
            if "explanation" in e:
                lines.append(f"       {e['explanation']}")
        return "\n".join(lines)

    ctx.emit(payload, text)
    return 0


def _add_explanations(db: Any, model: Any, info: Any, user: str, entries: list[dict[str, Any]]) -> None:
    from workbench.explain import explain_recommendations
    from workbench.store.datasets import load_dataset

    data = load_dataset(db, info.dataset_id)
    explanations = explain_recommendations(model, data, user, [e["item"] for e in entries])
    for entry, explanation in zip(entries, explanations, strict=False):
        entry["explanation"] = explanation if isinstance(explanation, str | dict | list) else str(explanation)
