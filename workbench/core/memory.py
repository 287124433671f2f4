"""Free memory as the operating system reports it, for plans made before allocating."""

from __future__ import annotations

import psutil

#: share of the free memory a job may plan to use: the OS, the GUI and the page cache need the rest
USABLE_SHARE = 0.9


def free_memory_bytes() -> int:
    """Memory available to new allocations without swapping (``psutil``'s ``available``)."""
    return int(psutil.virtual_memory().available)


def fits_in_free_memory(n_bytes: int) -> bool:
    """Whether ``n_bytes`` more fit in the usable share of the memory free now."""
    return n_bytes <= USABLE_SHARE * free_memory_bytes()
