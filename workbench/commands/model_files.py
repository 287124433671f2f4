"""CLI: ``models export M --out FILE`` and ``models import FILE [--dataset D]`` (model files to hand on)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register_model_file_actions(msub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export`` and ``import`` to the ``models`` command group."""
    from workbench.cli import JSON_PARENT

    m = msub.add_parser("export", parents=[JSON_PARENT], help="write a model to one file to hand on",
                        description="One file (zip of safetensors weights and JSON) with the weights, "
                                    "config, "
                                    "id maps, vocabularies, split, metrics and the dataset's fingerprint.")
    m.add_argument("model", help="model id or name")
    m.add_argument("--out", required=True, type=Path, help="file to write (e.g. model.recmodel)")
    m.set_defaults(handler=cmd_models_export)
    m = msub.add_parser("import", parents=[JSON_PARENT], help="store a model from a model file",
                        description="Verifies the file (format, version, checksums, payload) before writing "
                                    "anything. Without --dataset the model's own dataset is found by "
                                    "fingerprint; when absent, the model still scores and recommends.")
    m.add_argument("file", type=Path, help="model file written by `models export`")
    m.add_argument("--dataset", help="link the model to this dataset (name or id)")
    m.add_argument("--name", help="name of the stored model (default: its name in the file)")
    m.set_defaults(handler=cmd_models_import)


def cmd_models_export(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.store.model_file import export_model_file

    result = export_model_file(ctx.db(), args.model, args.out)
    payload = {"model_id": result.model_id, "model_name": result.model_name, "path": str(result.path),
               "size_bytes": result.size_bytes}
    ctx.emit(payload, f"model {result.model_id} '{result.model_name}' written to {result.path} "
                      f"({result.size_bytes:,} bytes)")
    return 0


def cmd_models_import(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.store.model_file import import_model_file

    result = import_model_file(ctx.db(), args.file, dataset=args.dataset, name=args.name)

    def text() -> str:
        lines = [f"imported model {result.model_id} '{result.model_name}' on dataset '{result.dataset_name}'"
                 + ("" if result.dataset_matched else " (created: the model's own dataset is not here)")]
        lines += [f"  warning: {w}" for w in result.warnings]
        if result.unavailable:
            lines.append("  the model scores and recommends; unavailable without its dataset: "
                         + "; ".join(result.unavailable))
        return "\n".join(lines)

    ctx.emit(result.to_dict(), text)
    return 0
