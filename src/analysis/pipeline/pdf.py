"""Print the staged report pages to PDF with one Chromium, and combine each date's two PDFs.

The browser starts with the build's kernels and prints each page as soon as it is staged.
Printing reads the staged HTML, before anything is published: a variant's page and its PDF
are published together or not at all, so a kill while printing leaves the previous report's
HTML and PDF side by side, as they were.
"""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import Future
from pathlib import Path

from analysis.browser import PdfResult, Printer, PrintJob
from analysis.pipeline.html import PageContext
from analysis.pipeline.plan import REPORT_STEM
from analysis.pipeline.records import VariantResult


def start_printer(chromium: str, *, timeout_s: float, expected: int) -> Printer:
    """Launch the build's one Chromium now, in its own thread, while the kernels run."""
    return Printer(chromium, timeout_s=timeout_s, expected=expected)


def print_job(result: VariantResult, context: PageContext, digits: str) -> PrintJob:
    """The print job of a variant's staged page: its PDF goes next to it, in staging."""
    html = result.files["html"]
    return PrintJob(
        html_path=html,
        pdf_path=html.with_name(f"{REPORT_STEM}.pdf"),
        lang=result.variant.lang,
        header_title=context.title,
        footer_text=context.report_title,
        page_label=context.page_label,
        digits=digits if result.variant.lang == "ar" else "western",  # type: ignore[arg-type]
    )


def collect(result: VariantResult, printed: Future[PdfResult], started: float) -> None:
    """Wait for a variant's PDF; set ``files["pdf"]``, or ``pdf_error`` (nothing is published)."""
    try:
        pdf = printed.result()
    except Exception as exc:  # a hung, killed or missing browser: this variant fails
        result.pdf_error = f"PDF printing failed: {exc}"
        return
    result.files["pdf"] = pdf.path
    result.timings["pdf"] = time.monotonic() - started


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
