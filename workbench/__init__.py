"""Rec Workbench: train, evaluate and explain recommendation models on one workstation."""

import os

#: ``OMP_WAIT_POLICY`` as the user set it before anything of ours ran (None: not set); a user's own choice
#: is never overridden
USER_OMP_WAIT_POLICY = os.environ.get("OMP_WAIT_POLICY")
# On a few shared cores torch's OpenMP threads spin-wait and starve the GUI thread; must be set before
# torch is imported anywhere. Headless commands, with one thread running torch and no window, choose
# otherwise before torch loads (``workbench.core.threads``).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
