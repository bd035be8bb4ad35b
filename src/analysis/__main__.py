"""``python -m analysis``: the ``drawdown`` command line."""

import sys

from analysis.cli import main

sys.exit(main())
