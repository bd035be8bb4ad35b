"""A 50 MB events.csv of valid rows is refused quickly, with a size-limit message."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.dataset import MAX_FILE_BYTES
from conftest import MINIMAL_DIR, PROJECT_DIR, copy_dataset

pytestmark = pytest.mark.slow


def test_fifty_megabyte_events_file_is_refused_fast_and_small(tmp_path: Path) -> None:
    data = copy_dataset(MINIMAL_DIR, tmp_path / "data")
    events = data / "events.csv"
    head = events.read_text(encoding="utf-8")
    row = "s-{n},statement,beta,spokesman,2025-08-18,,,,,completed,,A statement,تصريح,,,,,src-b\n"
    with events.open("w", encoding="utf-8") as handle:
        handle.write(head)
        n, written = 0, len(head)
        while written < 50 * 2**20:
            line = row.format(n=n)
            handle.write(line)
            written += len(line.encode())
            n += 1
    assert events.stat().st_size > MAX_FILE_BYTES
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "build",
            "--data",
            str(data),
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            "2025-10-15",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT_DIR,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert result.returncode == 2
    assert "over the 20 MB limit per table" in result.stderr and "events.csv" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    assert peak_mb < 2048, peak_mb  # how fast: benchmarks/bench_load.py, not a test threshold
