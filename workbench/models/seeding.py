"""Randomness from a model's own generator, never from torch's global one.

Models train on worker threads, several at once (GUI jobs, tuning trials): seeding or drawing from torch's
process-wide generator there would make one run's result depend on what other threads drew. Each model
therefore draws from ``torch.Generator``s seeded from its config: weight initialisation through
``draws_from`` (the layers' own initialisers, told which generator to use), dropout through
``SeededDropout``, batches and negatives through the training generator.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

#: tensor methods and torch functions that draw random numbers and accept a ``generator``
_DRAWING_METHODS = frozenset({"normal_", "uniform_", "random_", "bernoulli_", "exponential_", "geometric_",
                              "log_normal_", "cauchy_"})
_DRAWING_FUNCTIONS = frozenset({torch.rand, torch.randn, torch.randint, torch.randperm, torch.normal,
                                torch.bernoulli, torch.multinomial})
#: draws that cannot take a generator: refused while initialising rather than silently global
_GLOBAL_ONLY = frozenset({torch.rand_like, torch.randn_like, torch.randint_like, nn.functional.dropout})


def _takes_generator(func: Callable[..., Any]) -> bool:
    if func in _DRAWING_FUNCTIONS or getattr(func, "__name__", "") in _DRAWING_METHODS:
        return True
    if getattr(func, "__module__", "") == "torch.nn.init":  # the initialisers layers call
        try:
            return "generator" in inspect.signature(func).parameters
        except (TypeError, ValueError):
            return False
    return False


class _DrawFrom(TorchFunctionMode):
    """Gives every random draw made under it ``generator`` (torch's function modes are per thread)."""

    def __init__(self, generator: torch.Generator) -> None:
        super().__init__()
        self.generator = generator

    def __torch_function__(self, func: Callable[..., Any], types: Any, args: tuple[Any, ...] = (),
                           kwargs: dict[str, Any] | None = None) -> Any:
        kwargs = dict(kwargs or {})
        if func in _GLOBAL_ONLY:
            raise RuntimeError(f"{getattr(func, '__name__', func)} cannot draw from a given generator; "
                               "initialise with a function that takes one")
        if kwargs.get("generator") is None and _takes_generator(func):
            kwargs["generator"] = self.generator
        return func(*args, **kwargs)


@contextmanager
def draws_from(generator: torch.Generator) -> Iterator[None]:
    """Within the block, on this thread, random draws (e.g. layers initialising their weights) use
    ``generator`` instead of torch's global one."""
    with _DrawFrom(generator):
        yield


def init_generator(seed: int) -> torch.Generator:
    """The CPU generator weights are initialised from (the same draws ``torch.manual_seed`` would give)."""
    return torch.Generator().manual_seed(int(seed))


class SeededDropout(nn.Module):
    """Inverted dropout drawing its masks from the model's training generator (``generator``, set when
    training starts); an identity when not training."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = float(p)
        self.generator: torch.Generator | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p <= 0.0:
            return x
        if self.generator is None:
            raise RuntimeError("SeededDropout is training without a generator (attach_generator not called)")
        keep = torch.rand(x.shape, generator=self.generator, device=x.device) >= self.p
        return x * keep / (1.0 - self.p)


def attach_generator(module: nn.Module, generator: torch.Generator) -> None:
    """Let every ``SeededDropout`` in ``module`` draw from ``generator``."""
    for part in module.modules():
        if isinstance(part, SeededDropout):
            part.generator = generator
