"""Helpers shared by the benchmark scripts: medians of repeated runs, a results file."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def median_seconds(run: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def command_seconds(argv: Sequence[str], repeat: int = 5, **kwargs: object) -> float:
    def run() -> None:
        subprocess.run(argv, check=True, capture_output=True, **kwargs)  # type: ignore[call-overload]

    return median_seconds(run, repeat=repeat, warmup=1)


def record(name: str, figures: dict[str, object]) -> None:
    """Print the figures and keep them in benchmarks/results/<name>.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(f"== {name}")
    for key, value in figures.items():
        print(f"  {key}: {value}")


PYTHON = sys.executable


BIN = Path(PYTHON).parent
NOTEBOOK = ROOT / "notebooks" / "drawdown_report.ipynb"


def chain_commands(executed: Path, lang: str, as_of: str) -> tuple[list, list]:
    """The hand-written chain's papermill and nbconvert command lines for one report."""
    papermill = [
        BIN / "papermill", NOTEBOOK, executed, "-k", "drawdown", "-p", "as_of", as_of,
        "-p", "lang", lang, "-p", "interactive", "False", "--no-progress-bar",
    ]  # fmt: skip
    nbconvert = [BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", executed]
    return papermill, nbconvert


def papermill_then_nbconvert(work: Path, lang: str, as_of: str) -> Path:
    """The hand-written chain's first two steps for one language: papermill's CLI, then
    ``jupyter nbconvert --no-input``. Returns the HTML file it wrote."""
    executed = work / f"report-{lang}.ipynb"
    papermill, nbconvert = chain_commands(executed, lang, as_of)
    subprocess.run(papermill, check=True, capture_output=True, cwd=ROOT / "notebooks")
    subprocess.run(nbconvert, check=True, capture_output=True)
    return executed.with_suffix(".html")
