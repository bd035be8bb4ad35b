"""Issue 15.6: the set a nightly run publishes — one date, both languages, HTML and PDF —
against the hand-written chain, per language: the papermill CLI, `jupyter nbconvert --to html
--no-input`, `chromium --headless --print-to-pdf`, one after the other. Median of 5 each,
interleaved in the same run (so machine noise hits both alike).

Also the no-op rebuild: the same build again, every variant up to date.
Targets: ratio <= 0.35; no-op rebuild < 1 s.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import BIN, papermill_then_nbconvert, record

from analysis.browser import find_chromium

AS_OF = "2025-10-15"
REPEAT = 5
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chain(work: Path, chromium: str) -> float:
    """What a person would type, per language."""
    started = time.perf_counter()
    for lang in ("ar", "en"):
        papermill_then_nbconvert(work, lang, AS_OF)
        profile = tempfile.mkdtemp()
        subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={work / f'report-{lang}.pdf'}",
                (work / f"report-{lang}.html").as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        shutil.rmtree(profile, ignore_errors=True)
    return time.perf_counter() - started


def build(out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [BIN / "drawdown", "build", "--as-of", AS_OF, "--jobs", "2", "--out", out, "--quiet"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    chromium = find_chromium()
    chain_times, build_times, noop_times = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        build(work / "warmup")  # page cache and kernel spec lookups, for both sides
        chain(work, chromium)
        for i in range(REPEAT):
            chain_times.append(chain(work, chromium))
            out = work / f"out{i}"
            build_times.append(build(out))
            noop_times.append(build(out))  # every variant up to date
        pdfs = {
            lang: (out / AS_OF / lang / "drawdown-report.pdf").stat().st_size
            for lang in ("ar", "en")
        }
    base, ours = statistics.median(chain_times), statistics.median(build_times)
    record(
        "set",
        {
            "chain_median_s": round(base, 2),
            "build_median_s": round(ours, 2),
            "ratio": round(ours / base, 3),
            # Each build against the chain run just before it: steadier on a shared machine.
            "pair_ratio_median": round(
                statistics.median(b / c for b, c in zip(build_times, chain_times, strict=True)),
                3,
            ),
            "target_ratio": 0.35,
            "noop_rebuild_median_s": round(statistics.median(noop_times), 2),
            "target_noop_s": 1.0,
            "chain_runs_s": [round(t, 2) for t in chain_times],
            "build_runs_s": [round(t, 2) for t in build_times],
            "noop_runs_s": [round(t, 2) for t in noop_times],
            "pdf_bytes": pdfs,
        },
    )


if __name__ == "__main__":
    main()
