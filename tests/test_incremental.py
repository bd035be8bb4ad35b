"""Incremental builds: unchanged inputs rebuild nothing; a data change rebuilds everything;
a parameter change rebuilds only the variants it touches. status.json and the JSON log."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DATA_DIR, PROJECT_DIR

pytestmark = pytest.mark.slow
AS_OF = "2026-01-20"


def build(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--as-of", AS_OF, "--format", "html", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT_DIR,
    )
    return result, time.monotonic() - started


def mtimes(out: Path) -> dict[str, int]:
    return {
        lang: (out / AS_OF / lang / "drawdown-report.html").stat().st_mtime_ns
        for lang in ("ar", "en")
    }


def test_rebuilds_only_what_changed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    out = tmp_path / "out"
    common = ("--data", str(data), "--out", str(out))
    first, _ = build(*common)
    assert first.returncode == 0, first.stderr
    built = mtimes(out)

    again, _ = build(*common)  # how fast a no-op build is: benchmarks/bench_build.py
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("up to date, skipped") == 2
    assert mtimes(out) == built

    only_en, _ = build(*common, "--lang", "en", "--compare-to", "2025-10-15")
    assert only_en.returncode == 0, only_en.stderr
    after = mtimes(out)
    assert after["ar"] == built["ar"] and after["en"] != built["en"]

    with (data / "sites.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")  # a real change of bytes, and still valid CSV
    changed, _ = build(*common)
    assert changed.returncode == 0, changed.stderr
    assert "skipped" not in changed.stderr
    final = mtimes(out)
    assert final["ar"] != after["ar"] and final["en"] != after["en"]

    forced, _ = build(*common, "--force")
    assert "skipped" not in forced.stderr

    status = json.loads((out / "status.json").read_text(encoding="utf-8"))
    entry = status["variants"][f"{AS_OF}/ar"]
    assert entry["ok"] is True and entry["current"] == f"{AS_OF}/ar"
    assert entry["last_success"]["files"]["html"] == f"{AS_OF}/ar/drawdown-report.html"
    log = [json.loads(line) for line in (out / "_logs" / "builds.jsonl").read_text().splitlines()]
    assert [r["outcome"] for r in log[:4]] == ["ok", "ok", "skipped", "skipped"]
    assert all({"at", "as_of", "lang", "outcome"} <= set(r) for r in log)


def test_failed_run_is_reported_in_status_and_keeps_the_current_report(tmp_path: Path) -> None:
    import nbformat

    from analysis.pipeline.build import build as run_build
    from analysis.pipeline.plan import Options, expand_as_of

    out = tmp_path / "out"
    assert (
        run_build(
            Options(
                as_of=expand_as_of(AS_OF, None),
                langs=("en",),
                formats=("html",),
                out=out,
                quiet=True,
            )
        )
        == 0
    )
    notebook = nbformat.read(PROJECT_DIR / "notebooks" / "drawdown_report.ipynb", as_version=4)
    notebook.cells.insert(3, nbformat.v4.new_code_cell("1 / 0"))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(notebook, broken)
    assert (
        run_build(
            Options(
                as_of=expand_as_of(AS_OF, None),
                langs=("en",),
                formats=("html",),
                out=out,
                notebook=broken,
                quiet=True,
            )
        )
        == 1
    )
    entry = json.loads((out / "status.json").read_text())["variants"][f"{AS_OF}/en"]
    assert entry["ok"] is False and "ZeroDivisionError" in entry["last_failure"]["error"]
    assert entry["current"] == f"{AS_OF}/en" and "last_success" in entry
    assert (out / AS_OF / "en" / "drawdown-report.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "latest rebuild failed" in index and "ZeroDivisionError" in index
    assert f'href="{AS_OF}/en/drawdown-report.html"' in index  # the last good one, still linked
