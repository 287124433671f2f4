"""How torch's OpenMP worker threads wait between operations: asleep in the GUI, spinning briefly headless.

A training step is hundreds of small operations. With ``OMP_WAIT_POLICY=PASSIVE`` (set in
``workbench/__init__.py`` for the GUI) a worker sleeps after each one, and waking it for the next costs up
to a millisecond on 2 cores, about as much as the operation itself. The OpenMP runtime's own default is a
short spin before sleeping, which it cuts short by itself when threads outnumber cores. That is right for a
process with one thread running torch and no window to keep responsive: the headless commands.
"""

from __future__ import annotations

import os
import sys

import workbench


def let_workers_spin() -> bool:
    """Give torch's OpenMP workers the runtime's default wait (a brief spin) instead of sleeping.

    For processes with one thread running torch and no GUI (``python -m workbench`` commands other than
    ``screenshot``): the hybrid's training step at 100K items runs about 1.4x faster on 2 cores. Changes
    nothing and returns False once torch is loaded (the runtime has read its settings) or where the user set
    ``OMP_WAIT_POLICY`` themselves.
    """
    if "torch" in sys.modules or workbench.USER_OMP_WAIT_POLICY is not None:
        return False
    os.environ.pop("OMP_WAIT_POLICY", None)
    return True
