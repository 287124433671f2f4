"""Launch the Rec Workbench desktop app."""

import sys

from workbench.ui.app import run

if __name__ == "__main__":
    sys.exit(run(sys.argv))
