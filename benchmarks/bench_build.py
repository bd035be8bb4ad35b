"""Issue 5: `drawdown build --jobs 2` for one date, both languages, HTML only, against the
hand-written sequential baseline: papermill CLI then `jupyter nbconvert --to html --no-input`
for each language, one after the other. Median of 5 each, in the same run.

Target: build <= 0.6 x baseline; each HTML file <= 5.5 MB.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import BIN, papermill_then_nbconvert, record

AS_OF = "2025-10-15"
REPEAT = 5


def baseline(work: Path) -> float:
    started = time.perf_counter()
    for lang in ("ar", "en"):
        papermill_then_nbconvert(work, lang, AS_OF)
    return time.perf_counter() - started


def ours(out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            BIN / "drawdown",
            "build",
            "--as-of",
            AS_OF,
            "--format",
            "html",
            "--jobs",
            "2",
            "--out",
            out,
            "--quiet",
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    base_times, our_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ours(work / "warmup")  # page cache and kernel spec lookups, for both sides
        baseline(work)
        for i in range(REPEAT):  # interleaved, so machine noise hits both alike
            base_times.append(baseline(work))
            out = work / f"out{i}"
            our_times.append(ours(out))
        sizes = {
            lang: (out / AS_OF / lang / "drawdown-report.html").stat().st_size
            for lang in ("ar", "en")
        }
        base_sizes = {lang: (work / f"report-{lang}.html").stat().st_size for lang in ("ar", "en")}
        shutil.rmtree(work, ignore_errors=True)
    base, our = statistics.median(base_times), statistics.median(our_times)
    record(
        "build",
        {
            "baseline_median_s": round(base, 2),
            "build_jobs2_median_s": round(our, 2),
            "ratio": round(our / base, 3),
            "target_ratio": 0.6,
            "baseline_runs_s": [round(t, 2) for t in base_times],
            "build_runs_s": [round(t, 2) for t in our_times],
            "html_bytes": sizes,
            "baseline_html_bytes": base_sizes,
            "target_html_bytes_max": int(5.5 * 2**20),
        },
    )


if __name__ == "__main__":
    main()
