"""Issue 6: printing both reports (one date, Arabic and English) to PDF, against the plain
baseline: one `chromium --headless --print-to-pdf` process per report, one after the other.
Median of 5 each, interleaved in the same run.

Ours is what `drawdown build` does: `analysis.browser.print_pdfs`, one Chromium (launch
included) printing both reports in parallel tabs, with running header and footer.
Targets: ours <= 0.6 x baseline; each PDF < 2 MB.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import PYTHON, record

from analysis.browser import PrintJob, find_chromium, print_pdfs

AS_OF = "2025-10-15"
REPEAT = 5
BASELINE_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]


def main() -> None:
    chromium = find_chromium()
    work = Path(tempfile.mkdtemp())
    try:
        subprocess.run(
            [
                Path(PYTHON).parent / "drawdown",
                "build",
                "--as-of",
                AS_OF,
                "--format",
                "html",
                "--out",
                work / "reports",
                "--quiet",
            ],
            check=True,
        )
        htmls = {
            lang: work / "reports" / AS_OF / lang / "drawdown-report.html" for lang in ("ar", "en")
        }
        jobs = [
            PrintJob(
                html,
                work / f"ours-{lang}.pdf",
                lang=lang,
                header_title="The coalition drawdown in Iraq",
                footer_text="drawdown",
                page_label="Page {page} of {total}",
            )
            for lang, html in htmls.items()
        ]

        def baseline() -> float:
            started = time.perf_counter()
            for lang, html in htmls.items():
                profile = tempfile.mkdtemp()
                subprocess.run(
                    [
                        chromium,
                        *BASELINE_FLAGS,
                        f"--user-data-dir={profile}",
                        f"--print-to-pdf={work / f'base-{lang}.pdf'}",
                        html.as_uri(),
                    ],
                    check=True,
                    capture_output=True,
                    timeout=120,
                )
                shutil.rmtree(profile, ignore_errors=True)
            return time.perf_counter() - started

        def ours() -> float:
            started = time.perf_counter()
            print_pdfs(jobs, executable=chromium, timeout_s=120)
            return time.perf_counter() - started

        baseline(), ours()  # warm the page cache for both
        base_times, our_times = [], []
        for _ in range(REPEAT):
            base_times.append(baseline())
            our_times.append(ours())
        sizes = {job.lang: job.pdf_path.stat().st_size for job in jobs}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base, our = statistics.median(base_times), statistics.median(our_times)
    record(
        "pdf",
        {
            "baseline_median_s": round(base, 2),
            "ours_median_s": round(our, 2),
            "ratio": round(our / base, 3),
            "target_ratio": 0.6,
            "baseline_runs_s": [round(t, 2) for t in base_times],
            "ours_runs_s": [round(t, 2) for t in our_times],
            "pdf_bytes": sizes,
            "target_pdf_bytes_max": 2 * 2**20,
        },
    )


if __name__ == "__main__":
    main()
