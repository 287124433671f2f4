"""Rec Workbench: train, evaluate and explain recommendation models on one workstation."""

import os

# On a few shared cores torch's OpenMP threads spin-wait and starve the GUI thread; must be set before
# torch is imported anywhere.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
