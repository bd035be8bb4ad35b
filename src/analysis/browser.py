"""One headless Chromium for the whole build: print reports to PDF, check pages, export charts.

Why this module exists (see /work/shared/PIPELINE-NOTES.md, "PDF" and "Arabic"):

* ``chromium --headless --print-to-pdf`` costs a process start per report and hangs forever on a
  page that calls ``alert()``. Driving one Chromium through Playwright prints every report with a
  single process, dismisses dialogs, and bounds every step with a timeout.
* ``playwright install`` cannot download here, and kaleido downloads its own Chrome: both are out.
  We drive the *system* Chromium (``executable_path``), found by :func:`find_chromium`.
* Reports must be self-contained: every request that is not a local file is aborted and reported,
  so a report that silently depends on a CDN fails loudly in review instead of printing blank.
* Browsers shape Arabic themselves; nothing here reshapes text. Header and footer templates are
  rendered in their own tiny document, so they name their fonts and size explicitly.

Playwright is imported inside functions so that ``import analysis.browser`` stays cheap for code
that only needs the types, exceptions or :func:`find_chromium`. Playwright's sync API cannot run
inside a running asyncio loop (e.g. a Jupyter cell); call this module from plain scripts, the build,
or pytest. A :class:`Browser` belongs to the thread that opened it.
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from analysis.cdp import QUIET_FLAGS, PrintTimeout
from analysis.files import write_atomic

if TYPE_CHECKING:  # pragma: no cover - typing only; keeps the import of this module cheap
    from playwright.sync_api import Browser as _PWBrowser
    from playwright.sync_api import BrowserContext, Page, Playwright, Route

__all__ = [
    "CHROMIUM_ARGS",
    "CHROMIUM_ENV",
    "CHROMIUM_NAMES",
    "PDF_MARGIN",
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

#: Flags for every Chromium we start (shared with the printing browser of analysis.cdp).
CHROMIUM_ARGS: list[str] = list(QUIET_FLAGS)

#: Page margins of printed reports. The header/footer templates live inside the top/bottom
#: margins, so these must leave room for one 8pt line each; left/right match the templates' padding.
PDF_MARGIN: dict[str, str] = {"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}

#: URL schemes a report may load: everything else is network and gets aborted.
_LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
#: Primary language subtags written right to left (decides the templates' ``dir``).
_RTL_LANGS = frozenset({"ar", "fa", "he", "ur", "ps", "ckb", "yi", "dv"})
_FONTS_AR = "'Noto Naskh Arabic', 'Amiri', 'Noto Sans', 'DejaVu Sans', sans-serif"
_FONTS_LATIN = "'Noto Sans', 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"

_INSTALL_HINT = (
    "Install Chromium and the report fonts:\n"
    "  Debian/Ubuntu: sudo apt-get install chromium fonts-noto-core fonts-hosny-amiri\n"
    "  conda: conda-forge does not ship Chromium for every platform; install Chromium from your\n"
    "         OS (conda install -c conda-forge playwright gives the Python package only), or\n"
    f"  set {CHROMIUM_ENV}=/path/to/chrome to use a Chromium or Chrome you already have."
)

#: Predicate polled once per animation frame until the page is ready to print: every plotly chart
#: has its ``.main-svg`` (plotly creates it before the traces draw, hence the extra frames), and
#: web fonts are loaded. It turns true only after it has held for 2 further animation frames, so
#: the traces drawn in the frame after ``.main-svg`` appeared are on the page. Polled rather than
#: awaited so Playwright's timeout bounds it (``page.evaluate`` has no timeout).
_READY_JS = """() => {
  const key = '__drawdownReadyFrames';
  const charts = Array.from(document.querySelectorAll('.plotly-graph-div'));
  const drawn = charts.every((div) => div.querySelector('.main-svg') !== null);
  const fonts = !document.fonts || document.fonts.status === 'loaded';
  if (!drawn || !fonts || document.readyState !== 'complete') { window[key] = 0; return false; }
  window[key] = (window[key] || 0) + 1;
  return window[key] > 2;
}"""

#: A page's own ``window.print()`` leaves Chromium "already being printed" and ``page.pdf``
#: then fails (measured). Reports have no business opening a print dialog: it becomes a no-op
#: that is reported among the dialogs.
_PRINT_MARKER = "__drawdown__: window.print() ignored"
_NO_PRINT_JS = f"window.print = () => console.info({_PRINT_MARKER!r});"

#: Static export: the figure JSON goes in as an argument (never spliced into code). Raced against
#: the time budget because ``page.evaluate`` has no timeout of its own.
_TO_IMAGE_JS = """async ([figJson, opts, ms]) => {
  const fig = JSON.parse(figJson);
  const config = Object.assign({}, fig.config || {}, {mathjax: false});
  const image = Plotly.toImage({data: fig.data || [], layout: fig.layout || {}, config}, opts);
  const timeout = new Promise((_, fail) => setTimeout(
      () => fail(new Error('drawdown: Plotly.toImage timed out')), ms));
  return await Promise.race([image, timeout]);
}"""


class ChromiumNotFound(RuntimeError):
    """No usable Chromium: the message says what was looked for and how to install one."""


@dataclass(frozen=True)
class PdfResult:
    """What :meth:`Browser.print_pdf` produced, with what the page tried to do."""

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
        f" padding: 0 {PDF_MARGIN['right']} 0 {PDF_MARGIN['left']};"
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


class _Deadline:
    """One time budget for all the steps of a page (Playwright timeouts are per call)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining_ms(self) -> float:
        # Playwright treats 0 as "no timeout": never hand it 0.
        return max(1.0, (self.end - time.monotonic()) * 1000)


@dataclass
class _Recorder:
    """What a page tried to do that a report must not: network, errors, dialogs."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


_thread_state = threading.local()


def _acquire_playwright() -> Playwright:
    """The calling thread's Playwright driver, started on first use and shared.

    Playwright's sync API allows one running instance per thread (a second ``sync_playwright()``
    fails with "using Playwright Sync API inside the asyncio loop"), so nested Browsers, e.g. a
    build's :func:`print_pdfs` under a test's Browser, share the driver and each launch their
    own Chromium. Reference-counted: the last :func:`_release_playwright` stops it.
    """
    state = getattr(_thread_state, "playwright", None)
    if state is None:
        from playwright.sync_api import sync_playwright

        state = [sync_playwright().start(), 0]
        _thread_state.playwright = state
    state[1] += 1
    return state[0]


def _release_playwright() -> None:
    state = getattr(_thread_state, "playwright", None)
    if state is None:
        return
    state[1] -= 1
    if state[1] <= 0:
        _thread_state.playwright = None
        with suppress(Exception):
            state[0].stop()


class Browser:
    """One headless Chromium process serving many pages.

    Use as a context manager; the process is started on ``__enter__`` and always closed on
    ``__exit__``. Each page gets a fresh browser context (no cookies, cache or storage shared
    between reports) with all non-local requests aborted.

    ``launch_count`` counts process starts of this object (the build checks it stays 1).
    """

    #: Process starts over all instances (tests and benchmarks read it).
    total_launches: int = 0

    def __init__(self, executable: str | None = None, *, timeout_s: float = 60) -> None:
        self.executable = executable
        self.timeout_s = timeout_s
        self.launch_count = 0
        self.version: str | None = None
        self._pw: Playwright | None = None
        self._browser: _PWBrowser | None = None
        self._image_ctx: BrowserContext | None = None
        self._image_page: Page | None = None
        self._image_plotly_key: tuple[int, int] | None = None
        self._image_rec: _Recorder | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Browser:
        if self._browser is not None:
            raise RuntimeError("Browser is already running")
        executable = self.executable or find_chromium()
        pw = _acquire_playwright()
        try:
            self._browser = pw.chromium.launch(
                executable_path=executable,
                args=CHROMIUM_ARGS,
                headless=True,
                timeout=self.timeout_s * 1000,
            )
        except BaseException:
            _release_playwright()
            raise
        self._pw = pw
        self.executable = executable
        self.version = self._browser.version
        self.launch_count += 1
        Browser.total_launches += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the browser and Playwright; safe to call twice, never raises on cleanup."""
        browser, pw = self._browser, self._pw
        self._browser = self._pw = None
        self._image_ctx = self._image_page = None
        self._image_plotly_key = None
        if browser is not None:
            with suppress(Exception):
                browser.close()
        if pw is not None:
            _release_playwright()

    def _require(self) -> _PWBrowser:
        if self._browser is None:
            raise RuntimeError("Browser is not running: use it as `with Browser() as b:`")
        return self._browser

    # -- pages -----------------------------------------------------------------------------
    def _new_context(self, rec: _Recorder, **kwargs: Any) -> BrowserContext:
        """A fresh context whose only reachable URLs are local ones; the rest are recorded."""
        ctx = self._require().new_context(service_workers="block", **kwargs)

        def route(r: Route) -> None:
            url = r.request.url
            if url.startswith(_LOCAL_SCHEMES):
                r.continue_()
            else:
                rec.blocked.append(url)
                r.abort("blockedbyclient")

        ctx.route("**/*", route)
        ctx.add_init_script(_NO_PRINT_JS)
        with suppress(AttributeError):  # WebSocket routing exists from Playwright 1.48
            ctx.route_web_socket(
                re.compile(".*"), lambda ws: (rec.blocked.append(ws.url), ws.close())
            )
        return ctx

    @staticmethod
    def _watch(page: Page, rec: _Recorder) -> None:
        def on_dialog(dialog: Any) -> None:
            # An unanswered alert()/confirm() blocks the page forever: record and dismiss.
            rec.dialogs.append(f"{dialog.type}: {dialog.message}")
            with suppress(Exception):
                dialog.dismiss()

        def on_console(msg: Any) -> None:
            if msg.text == _PRINT_MARKER:
                rec.dialogs.append("print: window.print() ignored")
            elif msg.type == "error":
                rec.errors.append(msg.text)

        page.on("dialog", on_dialog)
        page.on("console", on_console)
        page.on("pageerror", lambda err: rec.errors.append(f"pageerror: {err}"))

    @contextmanager
    def _open(
        self, html_path: Path, timeout_s: float, rec: _Recorder, **ctx_kwargs: Any
    ) -> Iterator[tuple[Page, Callable[[str], None]]]:
        """Open ``html_path`` in a fresh context; yields the page and ``at(step)``, which names
        the next step (for the timeout message) and gives it what is left of the time budget.

        Any Playwright timeout inside becomes :class:`PrintTimeout` naming the step.
        """
        from playwright.sync_api import TimeoutError as PWTimeout

        html_path = Path(html_path).resolve()
        if not html_path.is_file():
            raise FileNotFoundError(html_path)
        deadline = _Deadline(timeout_s)
        step = ["opening the page"]
        ctx = self._new_context(rec, **ctx_kwargs)
        try:
            page = ctx.new_page()
            self._watch(page, rec)

            def at(name: str) -> None:
                step[0] = name
                page.set_default_timeout(deadline.remaining_ms())
                page.set_default_navigation_timeout(deadline.remaining_ms())

            at("loading the page")
            page.goto(html_path.as_uri(), wait_until="load")
            yield page, at
        except PWTimeout as exc:
            raise PrintTimeout(html_path, timeout_s, step[0]) from exc
        finally:
            with suppress(Exception):
                ctx.close()

    def _wait_ready(self, page: Page, at: Callable[[str], None]) -> None:
        at("waiting for charts to draw and fonts to load")
        page.wait_for_function(_READY_JS, polling="raf")

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

        ``header_title`` and ``footer_text`` are text (escaped here). ``page_label`` contains
        ``{page}`` and ``{total}``; for Arabic pass e.g. ``"صفحة {page} من {total}"``. With
        ``lang`` Arabic (or another RTL language) the header/footer are right to left in Arabic
        fonts. ``digits="arabic"`` prints the page numbers with Arabic-Indic digits (٠–٩) via a
        CSS ``@page`` margin boxes (see :func:`_footer_margin_css` for why).

        The PDF appears at ``pdf_path`` only complete (temporary file + rename). Raises
        :class:`PrintTimeout` when loading, drawing or printing exceeds ``timeout_s``.
        """
        if digits not in ("western", "arabic"):
            raise ValueError(f"digits must be 'western' or 'arabic', not {digits!r}")
        t0 = time.perf_counter()
        timeout = self.timeout_s if timeout_s is None else timeout_s
        rec = _Recorder()
        pdf_path = Path(pdf_path)
        with self._open(html_path, timeout, rec) as (page, at):
            at("switching to print media")
            page.emulate_media(media="print")
            self._wait_ready(page, at)
            if digits == "arabic":
                at("adding the footer style")
                page.add_style_tag(content=_footer_margin_css(footer_text, page_label, lang))
                footer = "<span></span>"  # empty template: the margin boxes draw the footer
            else:
                footer = _footer_template(footer_text, lang, page_label)
            at("printing to PDF")
            data = page.pdf(
                format="A4",
                print_background=True,
                margin=PDF_MARGIN,
                display_header_footer=True,
                header_template=_header_template(header_title, lang),
                footer_template=footer,
            )
        write_atomic(pdf_path, data)
        return PdfResult(
            path=pdf_path,
            pages=pdf_page_count(pdf_path),
            seconds=time.perf_counter() - t0,
            blocked_requests=rec.blocked,
            console_errors=rec.errors,
            dialogs=rec.dialogs,
        )

    def screenshot(
        self,
        html_path: Path,
        png_path: Path,
        *,
        width: int = 1280,
        full_page: bool = True,
        timeout_s: float | None = None,
    ) -> PageCheck:
        """Screenshot the page as a reader sees it on screen, and report what it did.

        For tests and review: the number of drawn plotly charts, the document's ``dir``/``lang``,
        blocked requests, console errors (``console.error`` and uncaught exceptions), dialogs.
        """
        timeout = self.timeout_s if timeout_s is None else timeout_s
        rec = _Recorder()
        png_path = Path(png_path)
        viewport = {"width": width, "height": 800}
        with self._open(html_path, timeout, rec, viewport=viewport) as (page, at):
            self._wait_ready(page, at)
            at("reading the page")
            info = page.evaluate(
                """() => ({
                  svgs: document.querySelectorAll('.plotly-graph-div .main-svg').length,
                  dir: document.documentElement.dir || '',
                  lang: document.documentElement.lang || '',
                })"""
            )
            at("taking the screenshot")
            data = page.screenshot(full_page=full_page, type="png")
        write_atomic(png_path, data)
        return PageCheck(
            path=png_path,
            blocked_requests=rec.blocked,
            console_errors=rec.errors,
            plotly_svg_count=int(info["svgs"]),
            dir=str(info["dir"]),
            lang=str(info["lang"]),
            dialogs=rec.dialogs,
        )

    # -- static charts ---------------------------------------------------------------------
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

        Replaces kaleido, which downloads its own Chrome. ``plotly_js`` is the plotly.js source
        (``plotly.offline.get_plotlyjs()``); it is loaded once into a page kept for further
        images, so only the first image pays for parsing 4.8 MB of JavaScript. A PNG is
        ``width*scale`` × ``height*scale`` pixels; ``scale`` does not apply to SVG.
        """
        from playwright.sync_api import TimeoutError as PWTimeout

        if fmt not in ("png", "svg"):
            raise ValueError(f"fmt must be 'png' or 'svg', not {fmt!r}")
        timeout = self.timeout_s if timeout_s is None else timeout_s
        path = Path(path)
        deadline = _Deadline(timeout)
        try:
            page = self._image_page_for(plotly_js, deadline)
            page.set_default_timeout(deadline.remaining_ms())
            opts = {"format": fmt, "width": width, "height": height, "scale": scale}
            url = page.evaluate(_TO_IMAGE_JS, [figure_json, opts, deadline.remaining_ms()])
        except PWTimeout as exc:
            self._drop_image_page()
            raise PrintTimeout("<plotly figure>", timeout, f"exporting {fmt}") from exc
        except Exception as exc:
            if "drawdown: Plotly.toImage timed out" in str(exc):
                self._drop_image_page()
                raise PrintTimeout("<plotly figure>", timeout, f"exporting {fmt}") from exc
            raise
        write_atomic(path, _decode_data_url(url))
        return path

    def _image_page_for(self, plotly_js: str, deadline: _Deadline) -> Page:
        key = (len(plotly_js), hash(plotly_js))
        if self._image_page is not None and self._image_plotly_key == key:
            return self._image_page
        self._drop_image_page()
        rec = _Recorder()
        ctx = self._new_context(rec)
        try:
            page = ctx.new_page()
            self._watch(page, rec)
            page.set_default_timeout(deadline.remaining_ms())
            page.set_content(
                '<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>'
            )
            page.add_script_tag(content=plotly_js)
            page.wait_for_function("() => typeof window.Plotly !== 'undefined'")
        except BaseException:
            with suppress(Exception):
                ctx.close()
            raise
        self._image_ctx, self._image_page, self._image_rec = ctx, page, rec
        self._image_plotly_key = key
        return page

    def _drop_image_page(self) -> None:
        ctx = self._image_ctx
        self._image_ctx = self._image_page = self._image_rec = None
        self._image_plotly_key = None
        if ctx is not None:
            with suppress(Exception):
                ctx.close()


def print_pdfs(
    jobs: Sequence[PrintJob], *, executable: str | None = None, timeout_s: float = 60
) -> list[PdfResult]:
    """Print every report with one Chromium process, all pages loading in parallel tabs.

    This goes over the DevTools pipe (:mod:`analysis.cdp`), not Playwright: Playwright keeps
    the ``Runtime`` domain on, which made plotly.js in the page ~75 % slower, so printing
    through it was slower than a ``chromium --print-to-pdf`` process per report (measured).
    Requests to other hosts cannot resolve (``--host-resolver-rules``); dialogs and
    ``window.print()`` are disabled in the page. ``blocked_requests``, ``console_errors``
    and ``dialogs`` are not observed on this path: :meth:`Browser.print_pdf` records them.
    """
    from analysis.cdp import Chromium, PdfJob

    pdf_jobs = []
    for job in jobs:
        if job.digits not in ("western", "arabic"):
            raise ValueError(f"digits must be 'western' or 'arabic', not {job.digits!r}")
        arabic = job.digits == "arabic"
        pdf_jobs.append(PdfJob(
            html=Path(job.html_path), pdf=Path(job.pdf_path),
            header_template=_header_template(job.header_title, job.lang),
            footer_template="<span></span>" if arabic
            else _footer_template(job.footer_text, job.lang, job.page_label),
            extra_css=_footer_margin_css(job.footer_text, job.page_label, job.lang)
            if arabic else "",
            margins_mm=tuple(float(PDF_MARGIN[k].removesuffix("mm"))
                             for k in ("top", "right", "bottom", "left")),
        ))
    with Chromium(executable or find_chromium(), timeout_s=timeout_s) as chromium:
        seconds = chromium.print_all(pdf_jobs)
    return [
        PdfResult(path=job.pdf, pages=pdf_page_count(job.pdf), seconds=took)
        for job, took in zip(pdf_jobs, seconds, strict=True)
    ]
