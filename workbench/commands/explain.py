"""CLI: explain, coldstart, coldstart-item, inspect and faithfulness (``python -m workbench ...``)."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.errors import WorkbenchError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the explanation and what-if commands."""
    from workbench.cli import JSON_PARENT

    p = subparsers.add_parser("explain", parents=[JSON_PARENT], help="why a model scores an item for a user")
    p.add_argument("model", help="model id or name")
    p.add_argument("--user", required=True, help="user id")
    p.add_argument("--item", required=True, help="item id")
    p.add_argument("--top", type=int, default=10, help="history items to show (default 10)")
    p.set_defaults(handler=_explain)

    p = subparsers.add_parser("coldstart", parents=[JSON_PARENT],
                              help="recommendations for a new user who picked a few items (no retraining)")
    p.add_argument("model", help="model id or name")
    p.add_argument("--items", required=True, help="comma-separated item ids")
    p.add_argument("--ratings", default=None, help="comma-separated ratings, one per item")
    p.add_argument("--n", type=int, default=10, help="recommendations (default 10)")
    p.set_defaults(handler=_coldstart)

    p = subparsers.add_parser("coldstart-item", parents=[JSON_PARENT],
                              help="likely users and similar items for a new item (content/hybrid models)")
    p.add_argument("model", help="model id or name")
    p.add_argument("--title", default="", help="title of the new item")
    p.add_argument("--text", default="", help="description of the new item")
    p.add_argument("--categories", default="", help="comma-separated categories")
    p.add_argument("--n", type=int, default=10, help="users and similar items to list (default 10)")
    p.set_defaults(handler=_coldstart_item)

    p = subparsers.add_parser("inspect", parents=[JSON_PARENT],
                              help="a model's item neighbours, biases and score distribution")
    p.add_argument("model", help="model id or name")
    p.add_argument("--similar", default=None, metavar="ITEM", help="items most like ITEM")
    p.add_argument("--biases", action="store_true", help="items with the highest and lowest learned bias")
    p.add_argument("--n", type=int, default=10, help="items per list (default 10)")
    p.set_defaults(handler=_inspect)

    p = subparsers.add_parser("faithfulness", parents=[JSON_PARENT],
                              help="do history explanations point at what drives the score?")
    p.add_argument("model", help="model id or name")
    p.add_argument("--pairs", type=int, default=200, help="(user, recommended item) pairs (default 200)")
    p.add_argument("--k", type=int, default=3, help="history items removed per pair (default 3)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.set_defaults(handler=_faithfulness)


def _load(ctx: Any, model_ref: str) -> tuple[Any, Any, Any]:
    from workbench.store.datasets import load_dataset
    from workbench.store.models import load_model

    db = ctx.db()
    model, info = load_model(db, model_ref)
    return model, info, load_dataset(db, info.dataset_id)


def _split_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _explanation_text(exp: dict[str, Any]) -> str:
    lines = [f"score {exp['score']:.4f} for item {exp['item']} {exp.get('title', '')}".rstrip()]
    lines.append("  parts: " + ", ".join(f"{k} {v:+.4f}" for k, v in exp["parts"].items()))
    if exp.get("history"):
        lines.append(f"  history ({exp.get('history_method', '')}):")
        for h in exp["history"]:
            lines.append(f"    {h['contribution']:+.4f}  {h['item']}  {h.get('title', '')}".rstrip())
    if exp.get("words"):
        top = sorted(exp["words"], key=lambda w: -abs(w["weight"]))[:8]
        lines.append("  words: " + ", ".join(f"{w['word']} {w['weight']:+.3f}" for w in top))
    if exp.get("categories"):
        lines.append("  categories: " + ", ".join(f"{c} {v:+.3f}" for c, v in exp["categories"].items()))
    return "\n".join(lines)


def _explain(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.explain import explain

    model, info, data = _load(ctx, args.model)
    exp = explain(model, data, str(args.user), str(args.item), top_k=args.top).to_json()
    payload = {"model_id": info.id, "user": str(args.user), **exp}
    ctx.emit(payload, lambda: _explanation_text(exp))
    return 0


def _coldstart(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.explain import coldstart_user

    items = _split_list(args.items)
    ratings = None
    if args.ratings:
        try:
            ratings = [float(x) for x in _split_list(args.ratings)]
        except ValueError as exc:
            raise WorkbenchError(f"--ratings must be numbers: {args.ratings!r}") from exc
    if args.n < 1:
        raise WorkbenchError("--n must be at least 1")
    model, info, data = _load(ctx, args.model)
    result = coldstart_user(model, data, items, ratings, n=args.n)
    payload = {"model_id": info.id, **result}

    def text() -> str:
        lines = [f"new user who picked {', '.join(items)} ({info.name}):"]
        for rank, rec in enumerate(result["recommendations"], 1):
            lines.append(f"{rank:3d}. {rec['item']:<10} {rec['score']:9.4f}  {rec.get('title', '')}")
            for h in rec.get("explanation", {}).get("history", [])[:3]:
                lines.append(f"       because of {h['item']} ({h['contribution']:+.4f})")
        return "\n".join(lines)

    ctx.emit(payload, text)
    return 0


def _coldstart_item(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.explain import coldstart_item

    model, info, data = _load(ctx, args.model)
    result = coldstart_item(model, data, args.title, args.text, _split_list(args.categories), n=args.n)
    payload = {"model_id": info.id, **result}

    def text() -> str:
        lines = [f"new item '{args.title}' ({info.name}): most likely users"]
        lines += [f"  {u['user']:<10} {u['score']:9.4f}" for u in result["users"]]
        lines.append("most similar items:")
        lines += [f"  {s['item']:<10} {s['similarity']:6.3f}  {s['title']}  {'|'.join(s['categories'])}"
                  for s in result["similar_items"]]
        return "\n".join(lines)

    ctx.emit(payload, text)
    return 0


def _inspect(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.explain import bias_extremes, score_distribution, similar_items
    from workbench.explain.core import item_titles

    model, info, data = _load(ctx, args.model)
    titles = item_titles(model, data.content)
    payload: dict[str, Any] = {"model_id": info.id, "family": model.family}
    dist = score_distribution(model, bins=20)
    payload["score_distribution"] = dist
    if args.similar is not None:
        payload["similar"] = [{"item": i, "title": titles[model.items.row(i)], "similarity": s}
                              for i, s in similar_items(model, str(args.similar), args.n)]
    if args.biases:
        ext = bias_extremes(model, args.n)
        payload["biases"] = {side: [{"item": i, "title": titles[model.items.row(i)], "bias": b}
                                    for i, b in rows] for side, rows in ext.items()}

    def text() -> str:
        lines = [f"{info.name} ({model.family}): scores mean {dist['mean']:.4f}, std {dist['std']:.4f} "
                 f"over {dist['users']} users"]
        if "similar" in payload:
            lines.append(f"items like {args.similar}:")
            lines += [f"  {s['item']:<10} {s['similarity']:6.3f}  {s['title']}" for s in payload["similar"]]
        for side, rows in payload.get("biases", {}).items():
            lines.append(f"{side} item bias:")
            lines += [f"  {r['item']:<10} {r['bias']:+.4f}  {r['title']}" for r in rows]
        return "\n".join(lines)

    ctx.emit(payload, text)
    return 0


def _faithfulness(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.explain import faithfulness

    model, info, data = _load(ctx, args.model)
    result = faithfulness(model, data, n_pairs=args.pairs, k=args.k, seed=args.seed)
    payload = {"model_id": info.id, **result}

    def text() -> str:
        p = result["p_value"]
        return (f"{info.name} ({model.family}), {result['pairs']} pairs, k={result['k']}: mean score drop "
                f"removing top-{result['k']} attributed {result['mean_drop_attributed']:.4f} vs random "
                f"{result['mean_drop_random']:.4f} (ratio {result['ratio']:.2f}); attributed > random in "
                f"{100 * result['fraction_attributed_greater']:.0f}% of pairs"
                + (f", Wilcoxon p = {p:.2g}" if p is not None else ""))

    ctx.emit(payload, text)
    return 0
