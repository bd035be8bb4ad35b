"""The report notebook in a real JupyterLab, driven by headless Chromium (Playwright).

One JupyterLab server and one browser for the module. The Arabic report is run top to
bottom; its text must compute ``direction: rtl``; the controls must redraw the headline
and both charts in place (one report on the page, the kernel's ``report`` follows); a
dark theme must darken the charts; a bad parameter must show a short message naming it.
Screenshots go to ``$LAB_SCREENSHOTS`` when set (else the test's temporary directory).
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import PROJECT_DIR

pytestmark = pytest.mark.slow
playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NOTEBOOK = PROJECT_DIR / "notebooks" / "drawdown_report.ipynb"
STEP_MS = 60_000  # any one step in the page


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _with_parameters(source: Path, target: Path, **values: object) -> Path:
    """A copy of the notebook whose parameters cell sets ``values`` (other lines kept),
    written as JupyterLab and jupytext write it, with its paired ``.py``."""
    import jupytext
    import nbformat

    node = nbformat.read(str(source), as_version=4)
    cell = next(c for c in node.cells if "parameters" in c.metadata.get("tags", []))
    lines = cell.source.splitlines()
    for name, value in values.items():
        lines = [
            f"{name} = {json.dumps(value)}" if line.startswith(f"{name}:") else line
            for line in lines
        ]
    cell.source = "\n".join(lines)
    nbformat.write(node, str(target))
    jupytext.write(node, str(target.with_suffix(".py")), fmt="py:percent")
    return target


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """A JupyterLab server on a free port; yields its base URL (token in the query)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium")
    root = tmp_path_factory.mktemp("lab")
    home = tmp_path_factory.mktemp("lab-home")  # settings, workspaces, runtime files
    (root / ".gitignore").write_text(".ipynb_checkpoints/\n")  # as the project's
    _with_parameters(NOTEBOOK, root / "report.ipynb", lang="ar", as_of="2025-10-15")
    _with_parameters(NOTEBOOK, root / "bad.ipynb", lang="fr", sites="erbil,nowhere")
    # A repository that tracks them: saving a tracked notebook must leave `git status` clean.
    for args in (
        ["init", "-q"],
        ["add", "."],
        ["-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qm", "t"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, timeout=30)
    # No "get notified about news?" pop-up over the page.
    news = home / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    token, port = secrets.token_hex(16), _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR / "src"), os.environ.get("PYTHONPATH", "")]),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.token={token}",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--ServerApp.port_retries=0",
        f"--config={PROJECT_DIR / 'notebooks' / 'jupyter_server_config.py'}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for_url(server, port, deadline=time.monotonic() + 90)
        yield f"http://127.0.0.1:{port}", token, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_for_url(server: subprocess.Popen, port: int, deadline: float) -> None:
    """Read the server's log until it prints its URL (it is then serving)."""
    assert server.stderr is not None
    sel = selectors.DefaultSelector()
    sel.register(server.stderr, selectors.EVENT_READ)
    log = []
    while time.monotonic() < deadline:
        if not sel.select(timeout=deadline - time.monotonic()):
            break
        line = server.stderr.readline()
        if not line:
            break
        log.append(line)
        if f":{port}/lab" in line:
            # Keep draining the log, or a full pipe would stall the server later on.
            threading.Thread(target=server.stderr.read, daemon=True).start()
            return
    raise AssertionError("JupyterLab did not start:\n" + "".join(log[-30:]))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _shots() -> Path | None:
    where = os.environ.get("LAB_SCREENSHOTS")
    return Path(where) if where else None


def _open(browser: object, lab: tuple[str, str, Path], name: str) -> object:
    url, token, _ = lab
    page = browser.new_page(  # type: ignore[attr-defined]
        viewport={"width": 1280, "height": 1400},
        permissions=["clipboard-read", "clipboard-write"],
    )
    page.set_default_timeout(STEP_MS)
    page.goto(f"{url}/lab/tree/{name}?token={token}&reset")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    # The kernel is up when the notebook's session reports an idle kernel.
    page.wait_for_function(
        """() => { const w = window.jupyterapp.shell.currentWidget;
                   const k = w && w.sessionContext && w.sessionContext.session
                             && w.sessionContext.session.kernel;
                   return k && k.status === 'idle'; }"""
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    return page


def _state(page: object) -> dict:
    """What the page shows: the report's sections, charts and direction."""
    return page.evaluate(  # type: ignore[attr-defined]
        """() => {
          const one = (s) => document.querySelector(s);
          const headline = one('[data-drawdown-section=headline] .headline');
          const charts = [...document.querySelectorAll(
              '.jp-RenderedPlotly')];
          return {
            headlines: document.querySelectorAll('[data-drawdown-section=headline]').length,
            titles: document.querySelectorAll('[data-drawdown-section=title]').length,
            headline: headline ? headline.textContent : null,
            direction: headline ? getComputedStyle(headline).direction : null,
            lang: headline ? headline.closest('[lang]').getAttribute('lang') : null,
            sitesAlign: (() => { const p = one('[data-drawdown-section=sites] p');
                                 return p ? getComputedStyle(p).textAlign : null; })(),
            charts: charts.length,
            chartTitles: charts.map(c => { const t = c.querySelector('.gtitle');
                                           return t ? t.textContent : null; }),
            chartFilter: charts.length ? getComputedStyle(charts[0]).filter : null,
            controls: document.querySelectorAll('.drawdown-controls').length,
            command: (one('.drawdown-command code') || {}).textContent || null,
            problems: (one('.drawdown-problems') || {}).textContent || null,
            siteNames: [...document.querySelectorAll('.drawdown-controls select[multiple] option')]
                         .map(o => o.textContent),
          };
        }"""
    )


def _wait_drawn(page: object, headline_not: str | None = None, lang: str | None = None) -> dict:
    """Wait until the headline, two drawn charts and the controls are on the page."""
    page.wait_for_function(  # type: ignore[attr-defined]
        """([before, lang]) => {
          const h = document.querySelector('[data-drawdown-section=headline] .headline');
          if (!h || (before !== null && h.textContent === before)) return false;
          if (lang && h.closest('[lang]').getAttribute('lang') !== lang) return false;
          const charts = document.querySelectorAll(
              '.jp-RenderedPlotly .main-svg');
          const picker = '.drawdown-controls .widget-datepicker input';
          return charts.length >= 2 && document.querySelector(picker) !== null;
        }""",
        arg=[headline_not, lang],
    )
    return _state(page)


def _kernel_says(page: object, code: str) -> str:
    """What ``code`` prints in the notebook's kernel (run outside any cell)."""
    return page.evaluate(  # type: ignore[attr-defined]
        """async (code) => {
          const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
          const future = kernel.requestExecute({code, silent: false, store_history: false});
          let out = '';
          future.onIOPub = (m) => { if (m.header.msg_type === 'stream') out += m.content.text; };
          await future.done;
          return out.trim();
        }""",
        code,
    )


def _show(page: object, section: str, path: Path) -> None:
    """A screenshot with the given section at the top of the notebook."""
    page.evaluate(  # type: ignore[attr-defined]
        "(s) => document.querySelector(`[data-drawdown-section=${s}]`)"
        ".closest('.jp-Cell').scrollIntoView()",
        section,
    )
    page.screenshot(path=str(path))  # type: ignore[attr-defined]


def _wait_charts_changed(page: object, before: list) -> None:
    """Both charts redrawn: each chart's title differs from what it was."""
    page.wait_for_function(  # type: ignore[attr-defined]
        """(before) => {
          const t = [...document.querySelectorAll('.jp-RenderedPlotly .gtitle')]
                      .map(e => e.textContent);
          return t.length === 2 && t.every((x, i) => x !== before[i]); }""",
        arg=before,
    )


def test_arabic_report_in_jupyterlab_reads_rtl_and_redraws_in_place(
    browser: object, lab: tuple[str, str, Path], tmp_path: Path
) -> None:
    shots = _shots() or tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    page = _open(browser, lab, "report.ipynb")
    first = _wait_drawn(page, lang="ar")
    _show(page, "title", shots / "lab-1-arabic.png")
    assert first["direction"] == "rtl" and first["lang"] == "ar"
    assert first["sitesAlign"] in ("start", "right")
    assert first["charts"] == 2 and first["headlines"] == 1 and first["controls"] == 1
    assert first["command"].startswith("drawdown build --as-of 2025-10-15 --lang ar")
    # Only sites with phases, named in the report's language.
    assert "أربيل" in first["siteNames"] and "Erbil" not in first["siteNames"]
    assert len(first["siteNames"]) == 4

    # The date: headline and both charts change, in the same cells.
    page.locator(".drawdown-controls .widget-datepicker input").first.fill("2026-01-31")
    second = _wait_drawn(page, headline_not=first["headline"], lang="ar")
    _wait_charts_changed(page, first["chartTitles"])
    second = _state(page)
    assert second["headlines"] == 1 and second["titles"] == 1 and second["charts"] == 2
    assert all(a != b for a, b in zip(first["chartTitles"], second["chartTitles"], strict=True))
    assert "2026-01-31" in second["command"]

    # The language: English, left-to-right, in place.
    page.locator(".drawdown-controls .widget-toggle-button", has_text="English").click()
    third = _wait_drawn(page, headline_not=second["headline"], lang="en")
    _wait_charts_changed(page, second["chartTitles"])
    third = _state(page)
    _show(page, "title", shots / "lab-2-english-2026-01-31.png")
    assert third["direction"] == "ltr" and third["headlines"] == 1 and third["charts"] == 2
    title = page.locator("[data-drawdown-section=title]").text_content().replace("\xa0", " ")
    assert "31 January 2026" in title  # the subtitle's dates are unbreakable (no-break spaces)
    # The kernel's `report` is the redrawn one.
    assert _kernel_says(page, "print(report.lang, report.timeline.as_of)") == "en 2026-01-31"
    assert "--lang en" in third["command"] and "Erbil" in third["siteNames"]
    page.locator(".drawdown-copy").click()
    assert page.evaluate("() => navigator.clipboard.readText()") == third["command"]

    # A bad value in the controls: a short message naming the parameter; nothing redrawn.
    page.locator(".drawdown-controls .widget-datepicker input").nth(1).fill("2027-01-01")
    page.wait_for_selector(".drawdown-problems")
    problems = _state(page)["problems"]
    assert "compare_to" in problems and "before as_of" in problems and len(problems) < 200
    assert _state(page)["headline"] == third["headline"]

    # Dark theme: the charts follow it (inverted), the text keeps the theme's colours.
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.jp-RenderedPlotly'))"
        ".filter.includes('invert')"
    )
    _show(page, "headline", shots / "lab-3-dark.png")
    page.locator(".drawdown-controls").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "lab-4-controls-problem.png"))
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Light'})"
    )

    # Saving the executed notebook writes no outputs: the repository stays clean.
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
    root = lab[2]
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, timeout=30
    )
    diff = subprocess.run(["git", "diff"], cwd=root, capture_output=True, text=True, timeout=30)
    assert status.stdout == "", status.stdout + diff.stdout[:3000]
    assert page.locator(".jp-RenderedPlotly").count() == 2  # the page still shows them
    page.close()


def test_bad_parameters_show_a_short_message_naming_them(
    browser: object, lab: tuple[str, str, Path], tmp_path: Path
) -> None:
    shots = _shots() or tmp_path
    page = _open(browser, lab, "bad.ipynb")
    error = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    error.first.wait_for()
    text = error.first.inner_text()
    page.screenshot(path=str(shots / "lab-5-bad-parameters.png"), full_page=False)
    assert "lang='fr'" in text and "'ar', 'en'" in text and "'nowhere'" in text
    assert "Traceback" not in text and len(text.strip().splitlines()) <= 4
    page.close()


def test_sections_read_rtl_on_a_page_of_their_own(browser: object) -> None:
    """Outside JupyterLab and without ``<html dir>`` (as VS Code shows an output): each
    section's own wrapper makes the Arabic right-to-left, aligned to the start."""
    from analysis.report import Report, Section

    report = Report.from_parameters(as_of="2025-10-15", lang="ar", interactive=False)
    html = "".join(p.html for p in report.sections() if isinstance(p, Section))
    page = browser.new_page()  # type: ignore[attr-defined]
    page.set_content(
        "<html><head><style>body{text-align:left} ol{padding-left:2em}</style></head>"
        f"<body>{html}</body></html>"
    )
    found = page.evaluate(
        # (an English original under its Arabic translation is its own left-to-right block)
        """() => [...document.querySelectorAll('[data-drawdown-section] :is(p, h1, h2, li)')]
                 .filter(e => !e.closest('[lang=en][dir=ltr]'))
                 .map(e => [getComputedStyle(e).direction, getComputedStyle(e).textAlign])"""
    )
    sources = page.evaluate(
        "() => getComputedStyle(document.querySelector('ol.sources, ol')).paddingLeft"
    )
    page.close()
    assert found and all(d == "rtl" and a in ("start", "right") for d, a in found), found
    assert sources == "0px"  # the page's left padding does not survive in right-to-left
