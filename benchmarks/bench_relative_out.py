"""Issue 14, class 1: 20 builds with a relative `--out` and `--jobs 2`, run from a directory
other than the checkout, must all succeed and write nothing outside OUT (before the fix,
9 in 16 failed and 3 wrote status.json, index.html and _logs/ into notebooks/).

Not a timing: a count of failures and of stray files, kept with the other figures.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from common import PYTHON, ROOT, record

RUNS = int(os.environ.get("DRAWDOWN_RELATIVE_RUNS", "20"))
AS_OF = "2026-02-01"


def tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def main() -> None:
    notebooks_before = tree(ROOT / "notebooks")
    work = Path(tempfile.mkdtemp())
    failures, strays = [], []
    try:
        for run in range(RUNS):
            cwd = work / f"run{run}"
            cwd.mkdir()
            done = subprocess.run(
                [
                    PYTHON,
                    "-m",
                    "analysis",
                    "build",
                    "--as-of",
                    AS_OF,
                    "--lang",
                    "en",
                    "ar",
                    "--format",
                    "html",
                    "--out",
                    "out4",
                    "--jobs",
                    "2",
                    "--quiet",
                ],
                cwd=cwd,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            )
            if done.returncode != 0:
                failures.append(f"run {run}: exit {done.returncode}: {done.stderr[-300:]}")
            extra = {p.name for p in cwd.iterdir()} - {"out4"}
            if extra:
                strays.append(f"run {run}: {sorted(extra)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    into_notebooks = sorted(tree(ROOT / "notebooks") - notebooks_before)
    record(
        "relative_out",
        {
            "runs": RUNS,
            "failed": len(failures),
            "stray_files_runs": len(strays),
            "written_into_notebooks": into_notebooks,
            "failures": failures,
            "strays": strays,
        },
    )
    if failures or strays or into_notebooks:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
