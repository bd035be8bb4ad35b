"""Integration: builds with a relative ``--out`` from another directory, two variants in
parallel (``--jobs 2``), succeed and write nothing outside OUT (issue 14, class 1).

Twice here; ``benchmarks/bench_relative_out.py`` runs the same build 20 times."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT_DIR

pytestmark = pytest.mark.slow
AS_OF = "2026-02-01"


def tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def relative_build(cwd: Path, out: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
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
            out,
            "--jobs",
            "2",
            "--force",
            "--quiet",
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(PROJECT_DIR / "src")},
    )


def test_relative_out_from_another_directory_writes_only_into_out(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    notebooks = tree(PROJECT_DIR / "notebooks")
    for attempt in range(2):
        result = relative_build(elsewhere, "out4")
        assert result.returncode == 0, f"attempt {attempt}: {result.stderr}"
        assert {p.name for p in elsewhere.iterdir()} == {"out4"}
        out = elsewhere / "out4"
        for lang in ("ar", "en"):
            assert (out / AS_OF / lang / "drawdown-report.html").is_file()
        assert {"index.html", "status.json", "_logs"} <= {p.name for p in out.iterdir()}
    assert tree(PROJECT_DIR / "notebooks") == notebooks, "the build wrote into notebooks/"
