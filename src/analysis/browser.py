"""Chromium for the project: find it, print reports to PDF, check pages, export charts.

Everything goes through the DevTools-pipe client of :mod:`analysis.cdp` (one way to drive
Chromium; see /work/shared/PIPELINE-NOTES.md, "PDF" and "Arabic"):

* one Chromium process prints every report of a build in parallel tabs, dismisses dialogs,
  and bounds every page with a timeout (``chromium --print-to-pdf`` costs a process per
  report and hangs forever on a page that calls ``alert()``);
* we drive the *system* Chromium, found by :func:`find_chromium` (nothing is downloaded);
* reports must be self-contained: every request that is not a local file is refused and
  reported, so a report that silently depends on a CDN fails loudly in review;
* browsers shape Arabic themselves; nothing here reshapes text. Header and footer templates
  are rendered in their own tiny document, so they name their fonts and size explicitly.
"""

from __future__ import annotations

import base64
import html
import json
import os
import queue
import re
import shutil
import subprocess
import threading
import urllib.parse
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from analysis.cdp import MARGINS_MM, QUIET_FLAGS, Chromium, PdfJob, PrintTimeout, _Deadline
from analysis.files import write_atomic

__all__ = [
    "CHROMIUM_ARGS",
    "CHROMIUM_ENV",
    "CHROMIUM_NAMES",
    "Browser",
    "ChromiumNotFound",
    "PageCheck",
    "PdfResult",
    "PrintJob",
    "PrintTimeout",
    "find_chromium",
    "pdf_page_count",
    "print_pdfs",
]

#: Environment variable that names the Chromium/Chrome binary explicitly (checked first).
CHROMIUM_ENV = "DRAWDOWN_CHROMIUM"
#: Executable names looked up on PATH, in order, when ``$DRAWDOWN_CHROMIUM`` is not set.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: Flags for every Chromium we start (the same as the printing browser's).
CHROMIUM_ARGS: list[str] = list(QUIET_FLAGS)

#: Primary language subtags written right to left (decides the templates' ``dir``).
_RTL_LANGS = frozenset({"ar", "fa", "he", "ur", "ps", "ckb", "yi", "dv"})
_FONTS_AR = "'Noto Naskh Arabic', 'Amiri', 'Noto Sans', 'DejaVu Sans', sans-serif"
_FONTS_LATIN = "'Noto Sans', 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"

_INSTALL_HINT = (
    "Install Chromium and the report fonts:\n"
    "  Debian/Ubuntu: sudo apt-get install chromium fonts-noto-core fonts-hosny-amiri\n"
    "  conda: conda-forge does not ship Chromium for every platform; install Chromium from your\n"
    "         OS, or\n"
    f"  set {CHROMIUM_ENV}=/path/to/chrome to use a Chromium or Chrome you already have."
)

#: Static export: the figure JSON goes in as data (a JSON literal, never code).
_TO_IMAGE_JS = """(async ([figJson, opts]) => {{
  const fig = JSON.parse(figJson);
  const config = Object.assign({{}}, fig.config || {{}}, {{mathjax: false}});
  return await Plotly.toImage({{data: fig.data || [], layout: fig.layout || {{}}, config}}, opts);
}})({args})"""


class ChromiumNotFound(RuntimeError):
    """No usable Chromium: the message says what was looked for and how to install one."""


@dataclass(frozen=True)
class PdfResult:
    """A printed PDF, with what its page tried to do (requests refused, errors, dialogs)."""

    path: Path
    pages: int
    seconds: float
    blocked_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PageCheck:
    """What :meth:`Browser.screenshot` saw: for checks of the rendered (screen) page."""

    path: Path
    blocked_requests: list[str]
    console_errors: list[str]
    plotly_svg_count: int
    dir: str
    lang: str
    dialogs: list[str]


@dataclass(frozen=True)
class PrintJob:
    """One report to print; the arguments of :meth:`Browser.print_pdf` as data (for the build)."""

    html_path: Path
    pdf_path: Path
    lang: str
    header_title: str
    footer_text: str
    page_label: str = "Page {page} of {total}"
    digits: Literal["western", "arabic"] = "western"


def find_chromium() -> str:
    """Return the Chromium to drive: ``$DRAWDOWN_CHROMIUM``, else the first of
    :data:`CHROMIUM_NAMES` on PATH.

    An explicit ``$DRAWDOWN_CHROMIUM`` that is missing or not executable is an error, not a reason
    to fall back silently to another browser: the user asked for that one.
    """
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        path = Path(explicit).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        problem = "does not exist" if not path.exists() else "is not an executable file"
        raise ChromiumNotFound(
            f"{CHROMIUM_ENV}={explicit} {problem}.\n"
            f"Point {CHROMIUM_ENV} at a Chromium/Chrome binary, or unset it to search PATH for "
            f"{', '.join(CHROMIUM_NAMES)}.\n{_INSTALL_HINT}"
        )
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumNotFound(
        f"No Chromium found: {CHROMIUM_ENV} is not set and none of {', '.join(CHROMIUM_NAMES)} "
        f"is on PATH.\n{_INSTALL_HINT}"
    )


def pdf_page_count(path: Path | str) -> int:
    """Number of pages of a PDF: ``pdfinfo`` when installed, else count ``/Type /Page`` objects
    (good enough for Chromium's PDFs, which do not hide page objects in object streams)."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        out = subprocess.run(
            [pdfinfo, str(path)], capture_output=True, text=True, timeout=30, check=False
        )
        match = re.search(r"^Pages:\s+(\d+)", out.stdout, re.MULTILINE)
        if out.returncode == 0 and match:
            return int(match.group(1))
    data = Path(path).read_bytes()
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def _is_rtl(lang: str) -> bool:
    return lang.replace("_", "-").split("-")[0].lower() in _RTL_LANGS


def _label_html(page_label: str) -> str:
    """``"Page {page} of {total}"`` → escaped HTML with Chromium's ``pageNumber``/``totalPages``
    spans (Chromium fills them per page; everything else in the label is text)."""
    spans = {
        "{page}": '<span class="pageNumber"></span>',
        "{total}": '<span class="totalPages"></span>',
    }
    return "".join(
        spans.get(part, html.escape(part)) for part in re.split(r"(\{page\}|\{total\})", page_label)
    )


def _css_string(text: str) -> str:
    """A CSS string literal for ``content:`` (escapes quotes, backslashes and line breaks)."""
    out = []
    for ch in text:
        if ch in '"\\' or ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _label_css_content(page_label: str, counter_style: str) -> str:
    """``"صفحة {page} من {total}"`` → ``content:`` value using CSS page counters in a style."""
    parts = []
    for part in re.split(r"(\{page\}|\{total\})", page_label):
        if part == "{page}":
            parts.append(f"counter(page, {counter_style})")
        elif part == "{total}":
            parts.append(f"counter(pages, {counter_style})")
        elif part:
            parts.append(_css_string(part))
    return " ".join(parts) or '""'


#: Distance of the header/footer text from the page edge. Chromium's template frame itself
#: sits ~5 mm inside the edge (measured, Chromium 156), so a 5 mm template margin puts the text
#: ~10 mm from the edge; the margin boxes used for Arabic-Indic page numbers use the full 10 mm.
_TEMPLATE_INSET = "5mm"
_MARGIN_BOX_INSET = "10mm"


def _fonts(lang: str) -> str:
    return _FONTS_AR if _is_rtl(lang) else _FONTS_LATIN


def _template(lang: str, inner: str, *, edge: Literal["top", "bottom"], rule: bool) -> str:
    """Wrap header/footer content for Chromium's template document.

    That document starts with a tiny default font size, no page fonts and no background
    printing, so everything is named here. The padding matches the page's left/right margins so
    the header lines up with the text block; ``dir``/``lang`` make Arabic right to left.
    """
    d = "rtl" if _is_rtl(lang) else "ltr"
    border = "border-bottom: 0.3pt solid #999; padding-bottom: 1mm;" if rule else ""
    return (
        f'<div dir="{d}" lang="{html.escape(lang)}" style="width: 100%; box-sizing: border-box;'
        f" margin: 0; margin-{edge}: {_TEMPLATE_INSET};"
        f" padding: 0 {MARGINS_MM[1]:g}mm 0 {MARGINS_MM[3]:g}mm;"
        ' -webkit-print-color-adjust: exact; print-color-adjust: exact;">'
        f'<div style="display: flex; justify-content: space-between; gap: 6mm;'
        f" font-family: {_fonts(lang)}; font-size: 8pt; line-height: 1.3; color: #444;"
        f' {border}">{inner}</div></div>'
    )


def _header_template(header_title: str, lang: str) -> str:
    # Not class="title": Chromium would overwrite that element with the document's <title>.
    inner = f'<span class="dd-header-title">{html.escape(header_title)}</span>'
    return _template(lang, inner, edge="top", rule=True)


def _footer_template(footer_text: str, lang: str, page_label: str) -> str:
    inner = (
        f'<span class="dd-footer-text">{html.escape(footer_text)}</span>'
        f'<span class="dd-page-label" style="white-space: nowrap;">{_label_html(page_label)}</span>'
    )
    return _template(lang, inner, edge="bottom", rule=False)


def _footer_margin_css(footer_text: str, page_label: str, lang: str) -> str:
    """``@page`` margin boxes drawing the whole footer, with Arabic-Indic page numbers.

    Why not the footer template: Chromium fills its ``pageNumber``/``totalPages`` with Western
    digits, runs no script in templates (inline ``<script>`` and ``onerror`` handlers tried), and
    ``lang="ar-u-nu-arab"`` changes nothing (measured on Chromium 156). CSS page counters take a
    counter style, and Chromium (>= 131) prints ``@page`` margin boxes together with the header
    template. The footer text goes in a margin box too, so both footer items share a baseline.
    """
    rtl = _is_rtl(lang)
    start, end = ("bottom-right", "bottom-left") if rtl else ("bottom-left", "bottom-right")
    common = (
        f"font-family: {_fonts(lang)}; font-size: 8pt; color: #444; vertical-align: bottom;"
        f" padding-bottom: {_MARGIN_BOX_INSET}; direction: {'rtl' if rtl else 'ltr'};"
    )
    label = _label_css_content(page_label, "arabic-indic")
    return (
        f"@page {{ @{start} {{ content: {_css_string(footer_text)}; {common}"
        f" text-align: {'right' if rtl else 'left'}; }}"
        f" @{end} {{ content: {label}; {common} white-space: nowrap;"
        f" text-align: {'left' if rtl else 'right'}; }} }}"
    )


def _decode_data_url(url: str) -> bytes:
    """Bytes of a ``data:`` URL: base64 (plotly's PNG) or percent-encoded (plotly's SVG)."""
    header, sep, payload = url.partition(",")
    if not sep or not header.startswith("data:"):
        raise ValueError(f"not a data: URL: {url[:40]!r}")
    if header.endswith(";base64"):
        return base64.b64decode(payload)
    return urllib.parse.unquote_to_bytes(payload)


class Browser:
    """One headless Chromium serving many pages: print, screenshot, export charts.

    Use as a context manager; the process is started on ``__enter__`` and always closed on
    ``__exit__``. ``launch_count`` counts process starts of this object.
    """

    #: Process starts over all instances (tests and benchmarks read it).
    total_launches: int = 0

    def __init__(self, executable: str | None = None, *, timeout_s: float = 60) -> None:
        """Name the Chromium (else :func:`find_chromium`) and the time each page may take."""
        self.executable = executable
        self.timeout_s = timeout_s
        self.launch_count = 0
        self._chromium: Chromium | None = None
        self._image_page = None
        self._image_key: tuple[int, int] | None = None

    def __enter__(self) -> Browser:
        """Start Chromium."""
        if self._chromium is not None:
            raise RuntimeError("Browser is already running")
        self.executable = self.executable or find_chromium()
        self._chromium = Chromium(self.executable, timeout_s=self.timeout_s)
        self.launch_count += 1
        Browser.total_launches += 1
        return self

    def __exit__(self, *exc: object) -> None:
        """Close Chromium."""
        self.close()

    def close(self) -> None:
        """Close the browser; safe to call twice."""
        chromium, self._chromium = self._chromium, None
        self._image_page = self._image_key = None
        if chromium is not None:
            chromium.close()

    def _require(self, timeout_s: float | None) -> Chromium:
        if self._chromium is None:
            raise RuntimeError("Browser is not running: use it as `with Browser() as b:`")
        self._chromium.timeout_s = self.timeout_s if timeout_s is None else timeout_s
        return self._chromium

    def print_pdf(
        self,
        html_path: Path,
        pdf_path: Path,
        *,
        lang: str,
        header_title: str,
        footer_text: str,
        page_label: str = "Page {page} of {total}",
        digits: Literal["western", "arabic"] = "western",
        timeout_s: float | None = None,
    ) -> PdfResult:
        """Print a local HTML report to an A4 PDF with a running header and footer.

        The same path as the build's (:func:`print_pdfs`), one page. Raises
        :class:`PrintTimeout` when loading, drawing or printing exceeds ``timeout_s``.
        """
        job = PrintJob(
            Path(html_path), Path(pdf_path), lang, header_title, footer_text, page_label, digits
        )
        pdf_job = _pdf_job(job)  # checks digits before anything starts
        chromium = self._require(timeout_s)
        if not Path(html_path).is_file():
            raise FileNotFoundError(html_path)
        return _results([pdf_job], chromium.print_all([pdf_job]))[0]

    def screenshot(
        self,
        html_path: Path,
        png_path: Path,
        *,
        width: int = 1280,
        full_page: bool = True,
        timeout_s: float | None = None,
    ) -> PageCheck:
        """Screenshot the page as a reader sees it on screen, and report what it did."""
        chromium = self._require(timeout_s)
        html_path = Path(html_path).resolve()
        if not html_path.is_file():
            raise FileNotFoundError(html_path)
        (page,) = chromium.open([html_path], width=width, height=800, media="screen")
        try:
            chromium.settle([page])
            data = chromium.screenshot(page, width=width, full_page=full_page)
        finally:
            chromium.close_page(page)
        write_atomic(Path(png_path), data)
        return PageCheck(
            path=Path(png_path),
            blocked_requests=page.blocked,
            console_errors=page.errors,
            plotly_svg_count=int(page.info.get("svgs", 0)),
            dir=str(page.info.get("dir", "")),
            lang=str(page.info.get("lang", "")),
            dialogs=page.dialogs,
        )

    def figure_to_image(
        self,
        figure_json: str,
        path: Path,
        *,
        fmt: Literal["png", "svg"],
        width: int,
        height: int,
        scale: float = 2,
        plotly_js: str,
        timeout_s: float | None = None,
    ) -> Path:
        """Export a plotly figure (``fig.to_json()``) to PNG or SVG with the system Chromium.

        ``plotly_js`` is loaded once into a page kept for further images. A PNG is
        ``width*scale`` × ``height*scale`` pixels; ``scale`` does not apply to SVG.
        """
        if fmt not in ("png", "svg"):
            raise ValueError(f"fmt must be 'png' or 'svg', not {fmt!r}")
        chromium = self._require(timeout_s)
        deadline = _Deadline("<plotly figure>", chromium.timeout_s)
        deadline.step = f"exporting {fmt}"
        page = self._image_page_for(chromium, plotly_js, deadline)
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        try:
            url = chromium.evaluate(
                page, _TO_IMAGE_JS.format(args=json.dumps([figure_json, opts])), deadline
            )
        except PrintTimeout:
            self._drop_image_page(chromium)
            raise
        write_atomic(Path(path), _decode_data_url(url))
        return Path(path)

    def _image_page_for(self, chromium: Chromium, plotly_js: str, deadline):
        key = (len(plotly_js), hash(plotly_js))
        if self._image_page is not None and self._image_key == key:
            return self._image_page
        self._drop_image_page(chromium)
        (page,) = chromium.open(["about:blank"], media="screen")
        chromium.evaluate(page, plotly_js + "\n;typeof window.Plotly", deadline)
        self._image_page, self._image_key = page, key
        return page

    def _drop_image_page(self, chromium: Chromium) -> None:
        if self._image_page is not None:
            chromium.close_page(self._image_page)
        self._image_page = self._image_key = None


def _pdf_job(job: PrintJob) -> PdfJob:
    if job.digits not in ("western", "arabic"):
        raise ValueError(f"digits must be 'western' or 'arabic', not {job.digits!r}")
    arabic = job.digits == "arabic"
    return PdfJob(
        html=Path(job.html_path),
        pdf=Path(job.pdf_path),
        header_template=_header_template(job.header_title, job.lang),
        footer_template="<span></span>"
        if arabic
        else _footer_template(job.footer_text, job.lang, job.page_label),
        extra_css=_footer_margin_css(job.footer_text, job.page_label, job.lang) if arabic else "",
    )


def _results(jobs: Sequence[PdfJob], printed) -> list[PdfResult]:
    return [
        PdfResult(
            path=job.pdf,
            pages=pdf_page_count(job.pdf),
            seconds=took,
            blocked_requests=page.blocked,
            console_errors=page.errors,
            dialogs=page.dialogs,
        )
        for job, (took, page) in zip(jobs, printed, strict=True)
    ]


class Printer:
    """One Chromium in a thread of its own, launched at once, printing each report as soon as
    it is handed over, each in its own tab, loading and printing side by side.

    A build starts it while its kernels run, so the browser's start-up and its first tabs
    cost nothing on the build's critical path. Each :meth:`submit` returns a future of the
    :class:`PdfResult`; a page that times out fails alone, and a browser that died fails
    everything in progress and after it, with the message saying so.
    """

    def __init__(self, executable: str, *, timeout_s: float, expected: int = 2) -> None:
        """Launch Chromium (in the printer's thread) and prepare up to ``expected`` tabs."""
        self.executable, self.timeout_s, self.expected = executable, timeout_s, expected
        self._queue: queue.Queue[tuple[PrintJob, Future[PdfResult]] | None] = queue.Queue()
        self._chromium: Chromium | None = None
        self._futures: dict[int, Future[PdfResult]] = {}
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="drawdown-printer", daemon=True)
        self._thread.start()

    def submit(self, job: PrintJob) -> Future[PdfResult]:
        """Print ``job``; the future holds its result or the error."""
        future: Future[PdfResult] = Future()
        self._queue.put((job, future))
        return future

    def close(self, *, kill: bool = False) -> None:
        """Print what was handed over, then close the browser (``kill``: stop it now)."""
        chromium = self._chromium
        if kill and chromium is not None:
            chromium.process.kill()
        self._queue.put(None)
        self._thread.join()

    def _take(self, block: bool) -> list[tuple[PrintJob, PdfJob]] | None:
        """Jobs handed over since the last call ([] if none); None once closed."""
        items = []
        try:
            item = self._queue.get(block=block)
            while True:
                if item is None:
                    self._closed = True
                    break
                items.append(item)
                item = self._queue.get_nowait()
        except queue.Empty:
            pass
        jobs = []
        for job, future in items:
            try:
                pdf_job = _pdf_job(job)
            except Exception as exc:  # a bad job fails alone
                future.set_exception(exc)
                continue
            self._futures[id(pdf_job)] = future
            jobs.append((job, pdf_job))
        if not jobs and self._closed:
            return None
        return jobs

    def _run(self) -> None:
        failure: BaseException | None = None
        try:
            self._chromium = Chromium(self.executable, timeout_s=self.timeout_s)
            self._chromium.prepare(min(self.expected, 4))
        except Exception as exc:  # it did not start: every job says why
            failure = exc
        try:
            if failure is None and self._chromium is not None:
                failure = self._stream(self._chromium)
        finally:
            # What is still queued fails with the browser's error.
            while not self._closed:
                item = self._queue.get()
                if item is None:
                    break
                item[1].set_exception(failure or RuntimeError("the printing browser stopped"))
            if self._chromium is not None:
                self._chromium.close()

    def _stream(self, chromium: Chromium) -> BaseException | None:
        def take(block: bool) -> list[PdfJob] | None:
            jobs = self._take(block)
            return None if jobs is None else [pdf_job for _, pdf_job in jobs]

        def finish(job: PdfJob, seconds: float, page, error: BaseException | None) -> None:
            future = self._futures.pop(id(job))
            if error is not None or page is None:
                future.set_exception(error or RuntimeError("the printing browser stopped"))
                return
            (result,) = _results([job], [(seconds, page)])
            future.set_result(result)

        try:
            chromium.print_stream(take, finish)
        except Exception as exc:  # the browser went away: the jobs in progress have failed
            return exc
        return None


def print_pdfs(
    jobs: Sequence[PrintJob], *, executable: str | None = None, timeout_s: float = 60
) -> list[PdfResult]:
    """Print every report with one Chromium process, all pages loading in parallel tabs.

    Requests to other hosts are refused and reported, dialogs and ``window.print()`` are
    answered in the page and reported, and each page is bounded by ``timeout_s``.
    """
    pdf_jobs = [_pdf_job(job) for job in jobs]
    with Chromium(executable or find_chromium(), timeout_s=timeout_s) as chromium:
        return _results(pdf_jobs, chromium.print_all(pdf_jobs))
