"""``python -m westdev``: the same command line as the ``westdev`` console script."""

from __future__ import annotations

import sys

from westdev.cli import main

if __name__ == "__main__":  # guarded: spawned worker processes import this module
    sys.exit(main())
