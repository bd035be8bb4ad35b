"""Where the project's files are: the one module that knows, so nothing depends on the cwd."""

from __future__ import annotations

import os
from pathlib import Path

#: The package directory (src/analysis), holding templates and label files.
PACKAGE_DIR = Path(__file__).resolve().parent
#: The repository root when running from a checkout (src/analysis/../..).
PROJECT_DIR = PACKAGE_DIR.parent.parent
#: The shipped dataset; ``DRAWDOWN_DATA`` points the tool at another one.
DATA_DIR = Path(os.environ.get("DRAWDOWN_DATA", PROJECT_DIR / "data"))
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
REPORTS_DIR = PROJECT_DIR / "reports"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
LABELS_DIR = PACKAGE_DIR / "labels"
