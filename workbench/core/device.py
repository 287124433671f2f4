"""Choosing and describing the torch device a model trains or scores on."""

from __future__ import annotations

import torch

from workbench.errors import WorkbenchError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(name: str = "auto") -> str:
    """The concrete device for ``name``: auto picks CUDA, then Apple MPS, then CPU.

    Asking for a device that is not available raises ``WorkbenchError`` instead of failing later.
    """
    name = (name or "auto").strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if _mps_available():
            return "mps"
        return "cpu"
    base = name.split(":", 1)[0]
    if base not in DEVICE_CHOICES:
        raise WorkbenchError(f"unknown device '{name}' (choose one of {', '.join(DEVICE_CHOICES)})")
    if base == "cuda" and not torch.cuda.is_available():
        raise WorkbenchError("device 'cuda' requested but no CUDA GPU is available")
    if base == "mps" and not _mps_available():
        raise WorkbenchError("device 'mps' requested but Apple MPS is not available")
    return name


def describe_device(device: str) -> str:
    """A human-readable name: the GPU's name, "Apple MPS" or "CPU (N threads)"."""
    device = resolve_device(device)
    if device.startswith("cuda"):
        index = torch.device(device).index or 0
        return torch.cuda.get_device_name(index)
    if device.startswith("mps"):
        return "Apple MPS"
    return f"CPU ({torch.get_num_threads()} threads)"
