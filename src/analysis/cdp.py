"""Drive headless Chromium over its DevTools pipe (stdlib only): the one way this project does.

Every page is opened the same way (:meth:`Chromium.open`): dialogs and ``window.print()``
are answered inside the page and recorded, errors the page meets are recorded, every
request to another host is refused and recorded (the ``Fetch`` domain; host lookups fail
anyway), and readiness means loaded, fonts ready and every plotly chart drawn. The
build's PDFs, the browser tests' screenshots and the static chart export all go through it.

Why not Playwright: it always enables the DevTools ``Runtime`` domain, and with it on,
plotly.js runs ~75 % slower in the page (measured: 2.68 s against 1.52 s for one report's
charts). Nothing here enables ``Runtime``: what the page did is recorded by the page itself
and read back with ``Runtime.evaluate``, which needs no domain.

Protocol: JSON messages, each ended by a NUL byte; Chromium reads commands on fd 3 and
writes replies and events on fd 4.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.files import write_atomic
from analysis.paths import TEMPLATES_DIR

#: The JavaScript run in the pages, kept as files of its own.
_JS = TEMPLATES_DIR / "browser"

#: Sandbox/GPU/shm flags make it run in containers and CI; the background-networking
#: family stops Chromium phoning home (update checks, sync, component downloads, QUIC
#: probes), which offline only produces refused connections and noise; and with every
#: host lookup failing, a page can make no request to another host even if it tried.
QUIET_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-breakpad",
    "--disable-extensions",
    "--mute-audio",
    "--metrics-recording-only",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
CHROMIUM_FLAGS = (
    "--headless",
    *QUIET_FLAGS,
    "--remote-debugging-pipe",
    # Tabs load and print in parallel; none may be throttled for being in the background.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
)

#: Installed in every page before its own scripts: dialogs answer at once (an unanswered
#: alert() blocks the page forever) and window.print() does nothing (ours would fail with
#: "already being printed"); both are recorded, as are errors and failed loads.
_WATCH_PAGE = (_JS / "watch.js").read_text(encoding="utf-8")

#: True once the page has loaded, fonts are ready and every plotly chart has drawn, and that
#: has held for two further checks (traces draw just after ``.main-svg`` appears). Polled: a
#: promise awaited from before the navigation committed would never settle.
_READY = (_JS / "ready.js").read_text(encoding="utf-8").strip()

_STATE = (_JS / "state.js").read_text(encoding="utf-8")

#: Request URLs paused (and refused) by the Fetch domain: anything that is not a local file.
_NETWORK = [{"urlPattern": p} for p in ("http:*", "https:*", "ws:*", "wss:*", "ftp:*")]

A4_INCHES = (8.27, 11.69)
#: Page margins of printed reports, top, right, bottom, left, in mm: the one place they are
#: written. The header and footer sit inside the top and bottom margins.
MARGINS_MM = (18.0, 15.0, 18.0, 15.0)
#: A4 minus the left and right margins, in CSS pixels (96 per inch): the printed text width.
PRINT_WIDTH_PX = round((210 - MARGINS_MM[1] - MARGINS_MM[3]) / 25.4 * 96)


class CdpError(RuntimeError):
    """Chromium answered a command with an error, or went away."""


class PrintTimeout(RuntimeError):
    """A page did not load, draw its charts or print within the time allowed.

    Carries the page, the step and the timeout: a build prints many pages.
    """

    def __init__(self, page: Path | str, timeout_s: float, step: str) -> None:
        """Name the page, the time allowed and the step that ran out of it."""
        self.page = str(page)
        self.timeout_s = timeout_s
        self.step = step
        super().__init__(f"{page}: timed out after {timeout_s:g} s while {step}")


@dataclass(frozen=True)
class PdfJob:
    """One page to print, with the header and footer Chromium draws on every page."""

    html: Path
    pdf: Path
    header_template: str = "<span></span>"
    footer_template: str = "<span></span>"
    #: CSS added once the page is ready (e.g. @page margin boxes for Arabic-Indic numbers).
    extra_css: str = ""


@dataclass
class Page:
    """An open tab, and what it tried to do that a report must not."""

    target: str
    session: str
    source: str
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class _Printing:
    """A job in progress: its tab, when it started, what is asked of Chromium."""

    job: PdfJob
    page: Page
    started: float = field(default_factory=time.monotonic)
    asked: int | None = None
    printing: int | None = None
    error: BaseException | None = None


class _Deadline:
    def __init__(self, source: str, seconds: float) -> None:
        self.source, self.seconds = source, seconds
        self.end = time.monotonic() + seconds
        self.step = "opening the page"

    def left(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> PrintTimeout:
        return PrintTimeout(self.source, self.seconds, self.step)


class Chromium:
    """One headless Chromium process, driven over a pipe."""

    #: Processes started, over the life of the interpreter (tests check one per build).
    launches = 0

    def __init__(self, executable: str, *, timeout_s: float = 60) -> None:
        """Start Chromium; ``timeout_s`` bounds each page (load, draw and print)."""
        Chromium.launches += 1
        self.executable, self.timeout_s = executable, timeout_s
        self._next_id = 0
        self._buffer = b""
        self._replies: dict[int, dict[str, Any]] = {}
        self._pages: dict[str, Page] = {}
        self._ready_tabs: list[tuple[Page, tuple[int, int, str]]] = []
        self._profile = tempfile.mkdtemp(prefix="drawdown-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes on fd 4. bash puts the pipe ends there
        # and execs Chromium: no preexec_fn, which is unsafe while other threads run (a
        # build starts its kernels at the same time). The ends are first moved to fds >= 10
        # (bash, not sh: dash takes single-digit fds only), so "3<&r 4>&w" cannot clobber
        # one with the other.
        child_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        script = f'exec "$0" "$@" 3<&{child_r} 4>&{child_w} {child_r}<&- {child_w}>&-'
        argv = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={self._profile}", "about:blank"]
        try:
            self.process = subprocess.Popen(
                [shutil.which("bash") or "/bin/bash", "-c", script, *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(child_r, child_w),
            )
        finally:
            os.close(child_r)
            os.close(child_w)

    def __enter__(self) -> Chromium:
        """The browser, for a ``with`` block that closes it."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the browser."""
        self.close()

    def close(self) -> None:
        """Ask Chromium to exit, kill it if it does not, and remove its profile."""
        if self.process.poll() is None:
            try:
                self.post("Browser.close")
                self.process.wait(timeout=5)
            except (OSError, CdpError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    def _exit_message(self) -> str:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "Chromium stopped answering on its DevTools pipe"
        return f"Chromium was killed by signal {-code}" if code < 0 else f"Chromium exited ({code})"

    # ------------------------------------------------------------------ protocol

    def post(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> int:
        """Send a command; return its id without waiting for the reply."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                written = os.write(self._to_chrome, data)
                data = data[written:]
        except OSError as exc:  # EPIPE: the browser is gone; say so, not "Broken pipe"
            raise CdpError(self._exit_message()) from exc
        return self._next_id

    def wait(self, message_id: int, timeout_s: float) -> dict[str, Any]:
        """The reply to a command; events that arrive meanwhile are handled."""
        deadline = time.monotonic() + timeout_s
        while message_id not in self._replies:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no reply to DevTools command {message_id}")
            self._read(remaining)
        reply = self._replies.pop(message_id)
        if "error" in reply:
            raise CdpError(f"{reply['error'].get('message')} ({message_id})")
        return reply.get("result", {})

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        *,
        timeout_s: float | None = None,
    ) -> dict[str, Any]:
        """Send a command and wait for its reply."""
        return self.wait(self.post(method, params, session), timeout_s or self.timeout_s)

    def _read(self, timeout_s: float) -> None:
        ready, _, _ = select.select([self._from_chrome], [], [], timeout_s)
        if not ready:
            return
        chunk = os.read(self._from_chrome, 1 << 20)
        if not chunk:
            raise CdpError(self._exit_message())
        self._buffer += chunk
        while b"\0" in self._buffer:
            raw, self._buffer = self._buffer.split(b"\0", 1)
            message = json.loads(raw)
            if "id" in message:
                self._replies[message["id"]] = message
            elif message.get("method") == "Fetch.requestPaused":
                self._refuse(message)

    def _refuse(self, event: dict[str, Any]) -> None:
        """A request to another host: record it and fail it, as a blocked load."""
        session = event.get("sessionId", "")
        page = self._pages.get(session)
        params = event["params"]
        if page is not None:
            page.blocked.append(params["request"]["url"])
        self.post(
            "Fetch.failRequest",
            {"requestId": params["requestId"], "errorReason": "BlockedByClient"},
            session,
        )

    # ------------------------------------------------------------------ pages

    def prepare(
        self, count: int, *, width: int = PRINT_WIDTH_PX, height: int = 1100, media: str = "print"
    ) -> None:
        """Make ``count`` watched blank tabs ahead of time (a build does it while its kernels
        run): :meth:`open` uses them first, and only has to navigate."""
        for page in self._new_tabs(count, width=width, height=height, media=media):
            self._ready_tabs.append((page, (width, height, media)))

    def _new_tabs(self, count: int, *, width: int, height: int, media: str) -> list[Page]:
        # Always new tabs: in the tab Chromium opens at start, scripts registered to run on
        # a new document do not run (measured, Chromium 156), and the watch must.
        created = [self.post("Target.createTarget", {"url": "about:blank"}) for _ in range(count)]
        targets = [self.wait(i, self.timeout_s)["targetId"] for i in created]
        attached = [
            self.post("Target.attachToTarget", {"targetId": t, "flatten": True}) for t in targets
        ]
        sessions = [self.wait(i, self.timeout_s)["sessionId"] for i in attached]
        pages, pending = [], []
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        for target, session in zip(targets, sessions, strict=True):
            page = Page(target, session, "about:blank")
            self._pages[session] = page
            pages.append(page)
            pending += [
                self.post("Fetch.enable", {"patterns": _NETWORK}, session),
                # Scripts to evaluate on a new document run only with the Page domain on.
                self.post("Page.enable", {}, session),
                self.post(
                    "Page.addScriptToEvaluateOnNewDocument", {"source": _WATCH_PAGE}, session
                ),
                self.post("Emulation.setEmulatedMedia", {"media": media}, session),
                self.post("Emulation.setDeviceMetricsOverride", metrics, session),
            ]
        # Navigate only once the watch is installed: sent together with the navigation, the
        # new document sometimes came up without it (measured).
        for message_id in pending:
            self.wait(message_id, self.timeout_s)
        return pages

    def open(
        self,
        sources: Sequence[Path | str],
        *,
        width: int = PRINT_WIDTH_PX,
        height: int = 1100,
        media: str = "print",
    ) -> list[Page]:
        """One watched tab per page (a local file, or ``about:blank``), all loading at once.

        ``width`` is the layout width: plotly sizes its charts once, at load, to the window;
        wider than the printed page, they would spill.
        """
        urls = [s if isinstance(s, str) else Path(s).resolve().as_uri() for s in sources]
        shape = (width, height, media)
        pages = []
        while len(pages) < len(urls) and self._ready_tabs and self._ready_tabs[0][1] == shape:
            pages.append(self._ready_tabs.pop(0)[0])
        pages += self._new_tabs(len(urls) - len(pages), width=width, height=height, media=media)
        navigating = []
        for page, url in zip(pages, urls, strict=True):
            page.source = url
            navigating.append(self.post("Page.navigate", {"url": url}, page.session))
        for message_id in navigating:
            self.wait(message_id, self.timeout_s)
        return pages

    def close_page(self, page: Page) -> None:
        """Close a tab (a browser-level command: it works even if the page is stuck)."""
        self._pages.pop(page.session, None)
        try:
            self.post("Target.closeTarget", {"targetId": page.target})
        except CdpError:
            pass  # the browser is gone; the error that got us here is the one to tell

    def evaluate(self, page: Page, expression: str, deadline: _Deadline) -> Any:
        """The value of ``expression`` in the page (awaited if it is a promise)."""
        params = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        try:
            reply = self.wait(self.post("Runtime.evaluate", params, page.session), deadline.left())
        except TimeoutError:
            raise deadline.expired() from None
        if "exceptionDetails" in reply:
            raise CdpError(f"{page.source}: {reply['exceptionDetails'].get('text', 'error')}")
        return reply.get("result", {}).get("value")

    def settle(self, pages: Sequence[Page], timeout_s: float | None = None) -> None:
        """Wait until every page is ready; record what each did. :class:`PrintTimeout` else."""
        timeout = timeout_s or self.timeout_s
        deadline = _Deadline("", timeout)
        waiting = list(pages)
        while waiting:
            asked = [
                (page, self.post("Runtime.evaluate", _ready_params(page), page.session))
                for page in waiting
            ]
            for page, message_id in asked:
                try:
                    reply = self.wait(message_id, max(0.01, deadline.left()))
                except TimeoutError:
                    raise self._stuck(page, timeout) from None
                if reply.get("result", {}).get("value"):
                    waiting.remove(page)
            if waiting and deadline.left() <= 0:
                raise self._stuck(waiting[0], timeout)
            if waiting:
                time.sleep(0.015)  # polling the page, ~ once a frame
        for page in pages:
            page.info = self._state(page, self.timeout_s)
            page.dialogs = list(page.info.get("dialogs", []))
            page.errors = list(page.info.get("errors", []))

    def _stuck(self, page: Page, timeout: float) -> PrintTimeout:
        loaded = self._state(page, 1.0).get("loaded")
        step = "waiting for the charts to draw and fonts to load" if loaded else "loading the page"
        return PrintTimeout(page.source, timeout, step)

    def _state(self, page: Page, timeout_s: float) -> dict[str, Any]:
        params = {"expression": _STATE, "returnByValue": True}
        try:
            reply = self.wait(self.post("Runtime.evaluate", params, page.session), timeout_s)
        except (TimeoutError, CdpError):
            return {}
        return reply.get("result", {}).get("value") or {}

    # ------------------------------------------------------------------ printing

    def print_all(self, jobs: Sequence[PdfJob]) -> list[tuple[float, Page]]:
        """Print every job, all tabs loading at once; return the seconds each took and its page.

        Each PDF appears at its path only complete (temporary file and rename). The first
        page that fails raises its error (:class:`PrintTimeout` names the page and step).
        """
        pending: list[PdfJob] | None = list(jobs)
        done: dict[int, tuple[float, Page]] = {}
        errors: list[BaseException] = []

        def take(block: bool) -> list[PdfJob] | None:
            nonlocal pending
            given, pending = pending, None
            return given

        def finish(job: PdfJob, seconds: float, page: Page | None, error: BaseException | None):
            if error is not None:
                errors.append(error)
            elif page is not None:
                done[id(job)] = (seconds, page)

        self.print_stream(take, finish)
        if errors:
            raise errors[0]
        return [done[id(job)] for job in jobs]

    def print_stream(
        self,
        take: Callable[[bool], list[PdfJob] | None],
        finish: Callable[[PdfJob, float, Page | None, BaseException | None], None],
    ) -> None:
        """Print jobs as they come, each page on its own clock of ``timeout_s``.

        ``take(block)`` gives the jobs handed over since (``[]``: none yet; ``None``: no
        more will come; ``block``: nothing is in progress, so it may wait). Each job ends in
        ``finish(job, seconds, page, error)``. A page that times out fails alone; a browser
        that goes away fails every job in progress and raises :class:`CdpError`.
        """
        active: list[_Printing] = []
        more = True
        try:
            while active or more:
                if more:
                    new = take(not active)
                    more = new is not None
                    if new:
                        pages = self.open([job.html for job in new])
                        active += [
                            _Printing(job, page) for job, page in zip(new, pages, strict=True)
                        ]
                for item in self._advance(active):
                    active.remove(item)
                    self.close_page(item.page)
                    finish(item.job, time.monotonic() - item.started, item.page, item.error)
        except BaseException as exc:
            for item in active:
                self.close_page(item.page)
                finish(item.job, time.monotonic() - item.started, None, exc)
            raise

    def _advance(self, active: list[_Printing]) -> list[_Printing]:
        """One round: ask the loading pages if they are ready, print the ready ones, collect
        the printed ones. Returns the jobs that ended (printed, or failed)."""
        for item in active:
            if item.asked is None and item.printing is None:
                item.asked = self.post(
                    "Runtime.evaluate", _ready_params(item.page), item.page.session
                )
        self._read(0.015)  # polling the pages, ~ once a frame; replies and events handled
        ended = []
        for item in active:
            if item.printing is None and item.asked in self._replies:
                reply = self._replies.pop(item.asked)
                item.asked = None
                if reply.get("result", {}).get("result", {}).get("value"):
                    self._start_printing(item)
            if item.printing is not None and item.printing in self._replies:
                reply = self._replies.pop(item.printing)
                if "error" in reply:
                    item.error = CdpError(f"{item.page.source}: {reply['error'].get('message')}")
                else:
                    write_atomic(item.job.pdf, base64.b64decode(reply["result"]["data"]))
                ended.append(item)
            elif time.monotonic() - item.started > self.timeout_s:
                item.error = (
                    PrintTimeout(item.job.html, self.timeout_s, "printing")
                    if item.printing is not None
                    else self._stuck(item.page, self.timeout_s)
                )
                ended.append(item)
        return ended

    def _start_printing(self, item: _Printing) -> None:
        page, job = item.page, item.job
        page.info = self._state(page, self.timeout_s)
        page.dialogs = list(page.info.get("dialogs", []))
        page.errors = list(page.info.get("errors", []))
        if job.extra_css:
            expression = (
                "(() => { const s = document.createElement('style');"
                f" s.textContent = {json.dumps(job.extra_css)};"
                " document.head.appendChild(s); })()"
            )
            self.send("Runtime.evaluate", {"expression": expression}, page.session)
        item.printing = self.post("Page.printToPDF", print_params(job), page.session)

    def screenshot(self, page: Page, *, width: int, full_page: bool) -> bytes:
        """A PNG of the page at ``width`` CSS pixels (the whole page when ``full_page``)."""
        height = int(page.info.get("height") or 800) if full_page else 800
        clip = {"x": 0, "y": 0, "width": width, "height": max(1, height), "scale": 1}
        params = {"format": "png", "clip": clip, "captureBeyondViewport": full_page}
        return base64.b64decode(self.send("Page.captureScreenshot", params, page.session)["data"])


def _ready_params(page: Page) -> dict[str, Any]:
    return {"expression": f"{_READY}({json.dumps(page.source)})", "returnByValue": True}


def print_params(job: PdfJob) -> dict[str, Any]:
    """``Page.printToPDF``'s parameters: A4, the margins, the header and footer."""
    top, right, bottom, left = (m / 25.4 for m in MARGINS_MM)
    return {
        "paperWidth": A4_INCHES[0],
        "paperHeight": A4_INCHES[1],
        "marginTop": top,
        "marginRight": right,
        "marginBottom": bottom,
        "marginLeft": left,
        "printBackground": True,
        "displayHeaderFooter": True,
        "headerTemplate": job.header_template,
        "footerTemplate": job.footer_template,
        "preferCSSPageSize": False,
    }
