"""Print the staged report pages to PDF with one Chromium, and combine each date's two PDFs.

Printing reads the staged HTML, before anything is published: a variant's page and its PDF
are published together or not at all, so a kill while printing leaves the previous report's
HTML and PDF side by side, as they were.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from analysis.pipeline.html import PageContext
from analysis.pipeline.plan import REPORT_STEM
from analysis.pipeline.records import VariantResult


def print_reports(
    results: Sequence[VariantResult],
    contexts: dict[str, PageContext],
    *,
    digits: str,
    chromium: str,
    timeout_s: float,
) -> None:
    """Print every result's staged HTML next to it; set ``files["pdf"]`` or ``pdf_error``."""
    from analysis.browser import PrintJob, print_pdfs

    jobs = []
    for result in results:
        context = contexts[result.variant.label]
        html = result.files["html"]
        jobs.append(
            PrintJob(
                html_path=html,
                pdf_path=html.with_name(f"{REPORT_STEM}.pdf"),
                lang=result.variant.lang,
                header_title=context.title,
                footer_text=context.report_title,
                page_label=context.page_label,
                digits=digits if result.variant.lang == "ar" else "western",
            )
        )
    started = time.monotonic()
    try:
        printed = {p.path for p in print_pdfs(jobs, executable=chromium, timeout_s=timeout_s)}
        error = ""
    except Exception as exc:  # a hung or killed browser: these variants fail, nothing is published
        printed, error = set(), f"PDF printing failed: {exc}"
    for result, job in zip(results, jobs, strict=True):
        if job.pdf_path in printed:
            result.files["pdf"] = job.pdf_path
            result.timings["pdf"] = time.monotonic() - started
        else:
            result.pdf_error = error or "PDF printing failed"


def combine(ar: Path, en: Path, staged: Path) -> str | None:
    """Write the Arabic then the English PDF into ``staged``; return the error, or None."""
    staged.parent.mkdir(parents=True, exist_ok=True)
    try:
        run = subprocess.run(
            ["pdfunite", str(ar), str(en), str(staged)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"combining the PDFs failed: {exc}"
    if run.returncode != 0:
        return f"combining the PDFs failed: {run.stderr.strip()}"
    return None
