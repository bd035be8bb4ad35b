"""Printing PDFs through Chromium's DevTools protocol over a pipe (stdlib only).

Why not Playwright here: Playwright always enables the DevTools ``Runtime`` domain,
and with it on, plotly.js runs ~75 % slower in the page (measured: 2.68 s against
1.52 s for one report's charts), so printing through Playwright was slower than one
``chromium --print-to-pdf`` process per report. Talking to Chromium directly over
``--remote-debugging-pipe`` enables nothing we do not need, and one browser prints
every report of a build in parallel tabs. Playwright stays the tool for the browser
tests, where its console and network events are the point.

Protocol: JSON messages, each ended by a NUL byte; Chromium reads commands on fd 3
and writes replies and events on fd 4.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.files import write_atomic

#: Flags for every Chromium we start (here and under Playwright in analysis.browser).
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
#: The printing browser: headless, driven over a pipe.
CHROMIUM_FLAGS = (
    "--headless",
    *QUIET_FLAGS,
    "--remote-debugging-pipe",
    # Tabs print in parallel; none may be throttled for being in the background.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
)

#: Dialogs would block the page forever and window.print() would clash with ours.
_QUIET_PAGE = (
    "window.alert = window.confirm = window.prompt = function () { return null; };"
    "window.print = function () {};"
)

#: True once the page has loaded, every plotly chart has drawn, and fonts are ready.
_READY = """(() => {
  if (document.readyState !== 'complete') return false;
  if (document.fonts && document.fonts.status !== 'loaded') return false;
  const charts = document.querySelectorAll('.plotly-graph-div');
  for (const c of charts) { if (!c.querySelector('.main-svg')) return false; }
  return true;
})()"""

A4_INCHES = (8.27, 11.69)
MM = 1 / 25.4
#: A4 minus 15 mm margins each side, in CSS pixels (96 per inch): the printed text width.
PRINT_WIDTH_PX = round((210 - 2 * 15) / 25.4 * 96)


class CdpError(RuntimeError):
    """Chromium answered a command with an error, or went away."""


class PrintTimeout(RuntimeError):
    """A page did not load, draw its charts or print within the time allowed.

    Carries the page, the step and the timeout: a build prints many pages.
    """

    def __init__(self, page: Path | str, timeout_s: float, step: str) -> None:
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
    margins_mm: tuple[float, float, float, float] = (18, 15, 18, 15)  # top, right, bottom, left


class Chromium:
    """One headless Chromium process, driven over a pipe."""

    #: Processes started, over the life of the interpreter (tests check one per build).
    launches = 0

    def __init__(self, executable: str, *, timeout_s: float = 60) -> None:
        Chromium.launches += 1
        self.executable, self.timeout_s = executable, timeout_s
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        self._profile = tempfile.mkdtemp(prefix="drawdown-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def pipes_on_3_and_4() -> None:
            # Chromium reads commands on fd 3 and writes on fd 4. Copy both ends out of
            # the way first: one of them may already sit on 3 or 4.
            read_end, write_end = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=pipes_on_3_and_4,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.post("Browser.close")
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
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

    def post(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> int:
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
        deadline = time.monotonic() + timeout_s
        while True:
            for i, event in enumerate(self._events):
                if event.get("id") == message_id:
                    del self._events[i]
                    if "error" in event:
                        raise CdpError(f"{event['error'].get('message')} ({message_id})")
                    return event.get("result", {})
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no reply to DevTools command {message_id}")
            self._read(remaining)

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None, *, timeout_s: float | None = None) -> dict[str, Any]:
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
            if "id" in message:  # events are not needed: readiness is polled
                self._events.append(message)

    # ------------------------------------------------------------------ printing

    def open_tabs(self, urls: Sequence[str]) -> list[tuple[str, str]]:
        """One tab per URL, every command sent before any reply is awaited."""
        # The tab Chromium opened at start is the first one: no new renderer to spawn.
        first = [t["targetId"] for t in self.send("Target.getTargets")["targetInfos"]
                 if t["type"] == "page"][:1]
        created = [self.post("Target.createTarget", {"url": "about:blank"})
                   for _ in urls[len(first):]]
        targets = first + [self.wait(i, self.timeout_s)["targetId"] for i in created]
        attached = [self.post("Target.attachToTarget", {"targetId": t, "flatten": True})
                    for t in targets]
        sessions = [self.wait(i, self.timeout_s)["sessionId"] for i in attached]
        pending = []
        for session, url in zip(sessions, urls, strict=True):
            pending += [
                self.post("Page.addScriptToEvaluateOnNewDocument", {"source": _QUIET_PAGE},
                          session),
                self.post("Emulation.setEmulatedMedia", {"media": "print"}, session),
                # Lay the page out at the printed width from the start: plotly sizes its
                # charts once, at load, to the window; wider than the page, they would spill.
                self.post("Emulation.setDeviceMetricsOverride", {
                    "width": PRINT_WIDTH_PX, "height": 1100, "deviceScaleFactor": 1,
                    "mobile": False}, session),
                self.post("Page.navigate", {"url": url}, session),
            ]
        for message_id in pending:
            self.wait(message_id, self.timeout_s)
        return list(zip(targets, sessions, strict=True))

    def is_ready(self, session: str) -> bool:
        result = self.send("Runtime.evaluate", {"expression": _READY, "returnByValue": True},
                           session)
        return bool(result.get("result", {}).get("value"))

    def print_all(self, jobs: Sequence[PdfJob]) -> list[float]:
        """Print every job, all tabs loading at once; return the seconds each took."""
        started = time.monotonic()
        deadline = started + self.timeout_s
        tabs = self.open_tabs([job.html.resolve().as_uri() for job in jobs])
        try:
            waiting = dict(zip([s for _, s in tabs], jobs, strict=True))
            while waiting:
                for session in [s for s in waiting if self.is_ready(s)]:
                    del waiting[session]
                if waiting and time.monotonic() > deadline:
                    job = next(iter(waiting.values()))
                    raise PrintTimeout(job.html, self.timeout_s, "waiting for the charts to draw")
                time.sleep(0.02)
            for job, (_, session) in zip(jobs, tabs, strict=True):
                if job.extra_css:
                    self.send("Runtime.evaluate", {"expression": (
                        "(() => { const s = document.createElement('style');"
                        f" s.textContent = {json.dumps(job.extra_css)};"
                        " document.head.appendChild(s); })()")}, session)
            printing = [self.post("Page.printToPDF", _print_params(job), session)
                        for job, (_, session) in zip(jobs, tabs, strict=True)]
            seconds = []
            for job, message_id in zip(jobs, printing, strict=True):
                try:
                    pdf = self.wait(message_id, max(1.0, deadline - time.monotonic()))
                except TimeoutError:
                    raise PrintTimeout(job.html, self.timeout_s, "printing") from None
                write_atomic(job.pdf, base64.b64decode(pdf["data"]))
                seconds.append(time.monotonic() - started)
        finally:
            for target, _ in tabs:
                try:
                    self.post("Target.closeTarget", {"targetId": target})
                except CdpError:
                    break  # the browser is gone; the error that got us here is the one to tell
        return seconds


def _print_params(job: PdfJob) -> dict[str, Any]:
    top, right, bottom, left = (m * MM for m in job.margins_mm)
    return {
        "paperWidth": A4_INCHES[0], "paperHeight": A4_INCHES[1],
        "marginTop": top, "marginRight": right, "marginBottom": bottom, "marginLeft": left,
        "printBackground": True, "displayHeaderFooter": True,
        "headerTemplate": job.header_template, "footerTemplate": job.footer_template,
        "preferCSSPageSize": False,
    }
