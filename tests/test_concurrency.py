"""Concurrency: builds into one output directory never interleave, and readers never see a
half-written report.

What a second build does: it **waits**. ``drawdown build`` takes ``OUT/.drawdown.lock``
(``flock``); a build that finds it taken says "another build is writing to OUT; waiting for
it to finish" and polls for up to 600 s (``Options.lock_wait``), then gives up with exit 1
and "gave up after N s". Files are published by ``rename`` from ``OUT/.drawdown-staging-*``, never
rewritten in place, so a reader holding a report open keeps the old file whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from analysis.pipeline.build import build
from analysis.pipeline.plan import Options, expand_as_of
from conftest import MINIMAL_DIR, PROJECT_DIR, copy_dataset

pytestmark = pytest.mark.slow

AS_OF = "2025-10-15"
DRAWDOWN = [sys.executable, "-m", "analysis"]
RUNNING = f"{AS_OF} en: running"  # the progress line of a variant's kernel starting


class Timed:
    """A subprocess whose stderr lines are kept with the time each arrived."""

    def __init__(self, args: list[str]) -> None:
        self.process = subprocess.Popen(
            args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=PROJECT_DIR
        )
        self.lines: list[tuple[float, str]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.exited_at: float | None = None

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append((time.monotonic(), line))

    def wait(self, timeout: float = 300) -> int:
        code = self.process.wait(timeout=timeout)
        self.exited_at = time.monotonic()
        self._reader.join(timeout=5)
        return code

    @property
    def stderr(self) -> str:
        return "".join(line for _, line in self.lines)

    def first(self, text: str) -> float:
        return next(t for t, line in self.lines if text in line)

    def last(self, text: str) -> float:
        return [t for t, line in self.lines if text in line][-1]


def complete_reports(out: Path) -> dict[str, int]:
    """Check every report file in the tree parses; count them by type."""
    counts = {"html": 0, "ipynb": 0, "pdf": 0, "manifest": 0}
    for html in out.glob("*/*/drawdown-report.html"):
        assert html.read_text(encoding="utf-8").rstrip().endswith("</html>"), html
        counts["html"] += 1
    for notebook in out.glob("*/*/drawdown-report.ipynb"):
        assert json.loads(notebook.read_text(encoding="utf-8"))["cells"], notebook
        counts["ipynb"] += 1
    for pdf in out.glob("*/*/drawdown-report.pdf"):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), pdf
        counts["pdf"] += 1
    for manifest in out.glob("*/manifest.json"):
        info = json.loads(manifest.read_text(encoding="utf-8"))
        for variant in info["variants"].values():
            for entry in variant["files"].values():
                digest = hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest()
                assert digest == entry["sha256"], entry["path"]
        counts["manifest"] += 1
    leftovers = [p.name for p in out.rglob(".*") if p.name != ".drawdown.lock"]
    assert leftovers == [], leftovers
    return counts


@pytest.fixture(scope="module")
def pair(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, list[Timed], tuple[int, str]]:
    """Two builds of the same report into one OUT, started together; a third, in-process
    with a 1 s lock wait, tries while they run. Returns data, OUT, the two builds, and the
    third's exit code and stderr."""
    root = tmp_path_factory.mktemp("concurrent")
    data = copy_dataset(MINIMAL_DIR, root / "data")
    out = root / "reports"
    args = [
        *DRAWDOWN,
        "build",
        "--data",
        str(data),
        "--out",
        str(out),
        "--as-of",
        AS_OF,
        "--lang",
        "en",
        "--force",
    ]
    builds = [Timed(args), Timed(args)]
    deadline = time.monotonic() + 60
    while not any(RUNNING in b.stderr for b in builds):  # one holds the lock now
        assert time.monotonic() < deadline, [b.stderr for b in builds]
        time.sleep(0.05)
    refused = io.StringIO()
    with contextlib.redirect_stderr(refused):
        impatient = build(
            Options(
                data_dir=data,
                as_of=tuple(expand_as_of(AS_OF, None)),
                langs=("en",),
                formats=("html",),
                out=out,
                force=True,
                lock_wait=1.0,
            )
        )
    for b in builds:
        assert b.wait() == 0, b.stderr
    return data, out, builds, (impatient, refused.getvalue())


def test_both_builds_succeed_one_after_the_other(pair) -> None:
    _, _, builds, _ = pair
    waited = [b for b in builds if "another build is writing to" in b.stderr]
    assert len(waited) == 1, [b.stderr for b in builds]
    second = waited[0]
    first = builds[1 - builds.index(second)]
    assert "waiting for it to finish" in second.stderr
    # never interleaved: the second starts its kernel only after the first is done
    assert second.first(RUNNING) >= first.last("reports in")
    for b in builds:
        assert "1/1 done" in b.stderr and "PDF ok" in b.stderr


def test_a_build_that_cannot_wait_refuses_with_exit_1(pair) -> None:
    _, _, _, (impatient, err) = pair
    assert impatient == 1
    assert "another drawdown build is writing to" in err and "gave up after 1 s" in err
    assert "wait for it or build into another --out" in err


def test_the_tree_holds_complete_reports_only(pair) -> None:
    _, out, _, _ = pair
    assert complete_reports(out) == {"html": 1, "ipynb": 1, "pdf": 1, "manifest": 1}
    log = (out / "_logs" / "builds.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["outcome"] for line in log] == ["ok", "ok"]  # the refusal logs none


def test_a_reader_keeps_the_old_report_through_a_rebuild(pair) -> None:
    """Half read before the rebuild, half after: the reader still gets the old file whole;
    a fresh open gets the new one (rename, not rewrite)."""
    data, out, _, _ = pair
    files = {ext: out / AS_OF / "en" / f"drawdown-report.{ext}" for ext in ("html", "pdf")}
    old = {ext: path.read_bytes() for ext, path in files.items()}
    inodes = {ext: path.stat().st_ino for ext, path in files.items()}
    handles = {ext: path.open("rb") for ext, path in files.items()}
    try:
        halves = {ext: handles[ext].read(len(old[ext]) // 2) for ext in files}
        result = subprocess.run(
            [
                *DRAWDOWN,
                "build",
                "--data",
                str(data),
                "--out",
                str(out),
                "--as-of",
                AS_OF,
                "--lang",
                "en",
                "--force",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=PROJECT_DIR,
        )
        assert result.returncode == 0, result.stderr
        for ext in files:
            assert halves[ext] + handles[ext].read() == old[ext], ext
            os.fstat(handles[ext].fileno())  # the old file is still there for its reader
    finally:
        for handle in handles.values():
            handle.close()
    for ext, path in files.items():
        assert path.stat().st_ino != inodes[ext], f"{ext} was rewritten in place"
        assert path.read_bytes() != old[ext], f"{ext} was not rebuilt"  # new generation time
    assert complete_reports(out)["html"] == 1
