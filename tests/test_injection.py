"""Injection: a dataset whose every text field is an HTML/JS/template payload builds, and the
report opened in headless Chromium runs none of it and shows it as text.

The dataset is ``tests/fixtures/hostile/``: its CSVs and commentary are written from the
constants below by ``tests/fixtures/hostile/generate.py`` (run it after changing them;
``test_the_fixture_holds_every_payload`` fails until you do). What is checked, per language:

* the build succeeds (HTML and PDF);
* the page runs nothing: no dialog, no console message, no page error, no request, no
  navigation (``Browser.screenshot`` and a Playwright page of our own);
* the DOM holds nothing from the data: the same scripts as a report of the shipped data, no
  ``on*`` attribute, no ``javascript:``/``data:`` URL, no element a report does not make, no
  link inside a chart; chart strings carry only the chart code's own plotly markup;
* every payload shows as text, ``{{ 7*7 }}`` as written (never 49), in the page and the PDF;
* commentary Markdown loses raw HTML (and what a script or style holds) and non-http links;
* the ``url`` column takes http(s) only.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from analysis.dataset import DataValidationError, load_dataset
from conftest import DATA_DIR, PROJECT_DIR, TESTS_DIR, copy_dataset, set_cell

# Every text field of the hostile dataset holds some of these; summaries and quotes hold all.
PAYLOADS: list[str] = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '<a href="javascript:alert(3)">x</a>',
    "[click](javascript:alert(4))",
    "{{ 7*7 }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "<b>bold</b>",
    "<svg onload=alert(5)>",
    "\"><script>fetch('http://evil.example/x')</script>",
    '<iframe src="http://evil.example">',
    "</script><script>alert(6)</script>",
    '<a href="https://evil.example/plotly">plotly link</a>',
    '<span style="font-size:90px" onmouseover="alert(7)">big</span>',
    "javascript:alert(8)",
    "'-alert(9)-'",
    "${alert(10)}",
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=http://evil.example/">',
    '<base href="http://evil.example/">',
    '<link rel="stylesheet" href="http://evil.example/x.css">',
    '<object data="javascript:alert(11)"></object>',
    '<math><a xlink:href="javascript:alert(12)">m</a></math>',
    "{{ 7777*3 }}",
    "{# hidden #}",
    "&lt;script&gt;alert(13)&lt;/script&gt;",
    '<div onclick="alert(14)">click</div>',
    "<br><sup>sup</sup><sub>sub</sub><i>it</i>",
    "<input autofocus onfocus=alert(15)>",
    "<details open ontoggle=alert(16)>",
    "<![CDATA[<script>alert(17)</script>]]>",
    "<!-- c --><x-y onclick=alert(18)>",
    "\\u003cscript\\u003ealert(19)\\u003c/script\\u003e",
]

# The url column takes http(s) only, but anything else that has no space: quotes and brackets.
URL_PAYLOADS: list[str] = [
    'https://example.org/a?q="><script>alert(20)</script>',
    "https://example.org/b#'onmouseover='alert(21)'<img/src=x/onerror=alert(22)>",
    "http://evil.example/{{7*7}}</a><svg/onload=alert(23)>",
]

COMMENTARY_EN = """date: 2025-10-01
## Heading <script>alert(30)</script> {{ 7*7 }}

Raw HTML: <script>alert(31)</script> <img src=x onerror=alert(32)> <b>bold</b> and
<span onmouseover="alert(33)">a span</span>.

<div onclick="alert(34)">block of raw html</div>

<iframe src="http://evil.example/frame"></iframe>

<style>body { display: none }</style>

- [a javascript link](javascript:alert(35)) and [a mixed-case one](JaVaScRiPt:alert(36))
- [a data link](data:text/html,alert(37)) and [a relative one](../secrets)
- an autolink <javascript:alert(38)> and [vbscript](vbscript:msgbox(39))
- [an entity](java&#x73;cript:alert(40)) and [a fine link](https://example.org/fine "t")
- [brackets in a link](https://example.org/a>b"c<d)
- ![an image](http://evil.example/img.png)
- `<script>alert(41)</script>` in code

Template syntax stays text: {{ 7777*3 }} and {% for x in range(3) %}loop{% endfor %}

<svg onload=alert(42)>
"""

COMMENTARY_AR = """## عنوان <script>alert(50)</script>

نص خام: <img src=x onerror=alert(51)> و<b>غامق</b> و[رابط](javascript:alert(52)).

<iframe src="http://evil.example/ar"></iframe>

قالب: {{ 7*7 }} و{% for x in range(3) %}loop{% endfor %}
"""


AS_OF = "2025-10-15"
HOSTILE_DIR = TESTS_DIR / "fixtures" / "hostile"
DRAWDOWN = [sys.executable, "-m", "analysis"]
#: What the commentary tries: scripts and handlers, bad link schemes, images, template syntax.
COMMENTARY_PAYLOADS = re.findall(
    r"(?:alert|msgbox)\(\d+\)|\{\{|\{%|!\[", COMMENTARY_EN + COMMENTARY_AR
)
#: Raw HTML in commentary is dropped, not shown: these must not reach the page, even as text.
DROPPED_FROM_COMMENTARY = [
    "alert(30)",
    "alert(31)",
    "alert(32)",
    "alert(33)",
    "alert(34)",
    "alert(42)",
    "alert(50)",
    "alert(51)",
    "evil.example/frame",
    "display: none",
]
#: Tags a report may contain: the page skeleton, nbconvert's output wrappers, the narrative
#: (with the source list's <wbr> break points), sanitised commentary, and plotly's SVG. A tag
#: from the data (iframe, img, object, form, input, details, math, base, link, x-y …) is not
#: among them.
REPORT_TAGS = frozenset(
    "html head meta title style script body main header footer section article figure "
    "figcaption div p span a h1 h2 h3 h4 ul ol li blockquote cite code strong em small br wbr "
    "sup bdi table tbody thead tr th td time button svg g defs clippath rect path text tspan "
    "pattern line circle polygon polyline image".split()
)


def run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DRAWDOWN, *args], capture_output=True, text=True, timeout=timeout, cwd=PROJECT_DIR
    )


def hostile_copy(target: Path) -> Path:
    return copy_dataset(HOSTILE_DIR, target)


# --------------------------------------------------------------------------- the fixture


def test_the_fixture_holds_every_payload() -> None:
    """Every payload is in the data, every text column holds payloads, and it is valid."""
    texts = {
        "events.csv": ["title_en", "title_ar", "summary_en", "summary_ar", "quote_ar", "quote_en"],
        "sites.csv": ["name_en", "name_ar"],
        "actors.csv": ["name_en", "name_ar", "role_en", "role_ar"],
        "sources.csv": ["publisher_en", "publisher_ar", "title"],
    }
    everything = ""
    for file, columns in texts.items():
        rows = list(csv.DictReader((HOSTILE_DIR / file).open(encoding="utf-8", newline="")))
        for row in rows:
            for column in columns:
                value = row[column]
                if column.startswith("quote") and row["kind"] not in ("statement", "announcement"):
                    continue
                assert any(p in value for p in PAYLOADS), (file, row.get("id"), column)
                everything += value
    for payload in PAYLOADS:
        assert payload in everything, payload
    sources = csv.DictReader((HOSTILE_DIR / "sources.csv").open(encoding="utf-8", newline=""))
    assert sorted(row["url"] for row in sources) == sorted(URL_PAYLOADS)
    notes = {p.name: p.read_text(encoding="utf-8") for p in (HOSTILE_DIR / "commentary").iterdir()}
    assert set(notes.values()) == {COMMENTARY_EN, COMMENTARY_AR}


def test_the_hostile_dataset_is_valid(tmp_path: Path) -> None:
    dataset = load_dataset(hostile_copy(tmp_path / "data"))
    assert len(dataset.events) == 11 and len(dataset.sources) == 3
    assert {s.url for s in dataset.sources.values()} == set(URL_PAYLOADS)


# --------------------------------------------------------------------------- url: http(s) only

NOT_WEB_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "ftp://example.org/x",
    "https:evil.example",
    "http://",
    "https:// evil.example",
    "mailto:someone@example.org",
    "example.org/no-scheme",
    "https://example.org/a b",
    "https://example.org/\tx",
    "https://example.org/a\n",
]


@pytest.mark.parametrize("descriptor", ["shipped", "url pattern removed"])
@pytest.mark.parametrize("url", NOT_WEB_URLS)
def test_url_column_accepts_only_http_and_https(url: str, descriptor: str, tmp_path: Path) -> None:
    """Also when the data's own datapackage.json drops the url pattern (issue 14 class 3):
    the rule is the code's, not the descriptor's."""
    data = hostile_copy(tmp_path / "data")
    if descriptor == "url pattern removed":
        package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
        sources = next(r for r in package["resources"] if r["name"] == "sources")
        url_field = next(f for f in sources["schema"]["fields"] if f["name"] == "url")
        url_field["constraints"] = {"required": True}
        (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    set_cell(data / "sources.csv", "src-b", "url", url)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data)
    assert [(p.file, p.line, p.column) for p in caught.value.problems] == [
        ("sources.csv", 3, "url")
    ], caught.value.problems


@pytest.mark.slow
def test_a_javascript_url_stops_the_build_with_exit_2(tmp_path: Path) -> None:
    data = hostile_copy(tmp_path / "data")
    set_cell(data / "sources.csv", "src-a", "url", "javascript:alert(1)")
    out = tmp_path / "out"
    result = run("build", "--data", str(data), "--out", str(out), "--as-of", AS_OF, timeout=120)
    assert result.returncode == 2, result.stderr
    problem = [line for line in result.stderr.splitlines() if "javascript:alert(1)" in line]
    assert len(problem) == 1 and "sources.csv" in problem[0], result.stderr
    assert re.search(r"\b2\b.*\burl\b", problem[0]), problem  # line 2, column url
    assert "is not a web address" in problem[0]
    assert "nothing was built" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


# --------------------------------------------------------------------------- commentary


@pytest.mark.parametrize(
    ("markdown", "shown", "hidden"),
    [
        ("Inline <script>alert(1)</script> code.", "Inline code.", "alert"),
        ("## Title <script>alert(2)</script>", "Title", "alert"),
        ("A <style>body { display: none }</style> style.", "A style.", "display"),
        ("*a <script>b* c</script> d", "a d", "c"),
        ("[x <script>y</script> z](https://example.org) <script>[l](https://e.org) k", "x z", "l"),
        ("a <noscript>n</noscript> <iframe src=x>fallback</iframe> b", "a b", "fallback"),
        ("<b onclick=alert(3)>bold</b> <img src=x onerror=alert(4)>", "bold", "alert"),
    ],
)
def test_inline_raw_html_is_dropped_with_its_hidden_content(
    markdown: str, shown: str, hidden: str
) -> None:
    """Inline <script>/<style> arrive as separate tokens with their content between them as
    text: the content must go with the tags (it once showed as "alert(1)")."""
    from analysis.narrative import html_to_text, render_markdown_safe

    html = str(render_markdown_safe(markdown))
    text = re.sub(r"\s+", " ", html_to_text(html)).strip()
    assert text == shown, html
    assert hidden not in text
    assert "<script" not in html.lower() and "alert" not in html and "onclick" not in html


# --------------------------------------------------------------------------- builds


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both at once: the hostile dataset in both languages, HTML and PDF, and the shipped data
    the same way (HTML only), which shows what a report's own DOM looks like."""
    root = tmp_path_factory.mktemp("injection")
    data = hostile_copy(root / "data")
    outs = {"hostile": root / "hostile", "clean": root / "clean"}
    runs = [
        subprocess.Popen(
            [
                *DRAWDOWN,
                "build",
                "--data",
                str(data),
                "--out",
                str(outs["hostile"]),
                "--as-of",
                AS_OF,
                "--quiet",
            ],
            stderr=subprocess.PIPE,
            text=True,
            cwd=PROJECT_DIR,
        ),
        subprocess.Popen(
            [
                *DRAWDOWN,
                "build",
                "--data",
                str(DATA_DIR),
                "--out",
                str(outs["clean"]),
                "--as-of",
                AS_OF,
                "--format",
                "html",
                "--quiet",
            ],
            stderr=subprocess.PIPE,
            text=True,
            cwd=PROJECT_DIR,
        ),
    ]
    for process in runs:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    return outs


@pytest.fixture(scope="module")
def hostile_out(built: dict[str, Path]) -> Path:
    return built["hostile"]


@pytest.fixture(scope="module")
def clean_out(built: dict[str, Path]) -> Path:
    return built["clean"]


@pytest.fixture(scope="module")
def page_checks(hostile_out: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``Browser.screenshot`` of each hostile report: the project's own page check."""
    from analysis.browser import Browser

    shots = tmp_path_factory.mktemp("screenshots")
    with Browser() as browser:
        return {
            lang: browser.screenshot(
                hostile_out / AS_OF / lang / "drawdown-report.html", shots / f"{lang}.png"
            )
            for lang in ("ar", "en")
        }


_DOM_JS = r"""() => {
  const all = Array.from(document.querySelectorAll('*'));
  const handlers = [], schemes = [];
  for (const el of all) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) handlers.push(`${el.tagName} ${a.name}`);
      if (/^\s*(javascript|vbscript|data)\s*:/i.test(a.value)) {
        schemes.push(`${el.tagName} ${a.name}=${a.value}`);
      }
    }
  }
  // Each report section carries its own lang/dir wrapper with one scoped <style> (so it reads
  // right in JupyterLab): the report's own markup, counted apart from anything in the data.
  // (and an Arabic fragment's bare lang/dir <div>, which narrative.py adds for the same reason)
  const own = (el) => el.matches('div.drawdown-out, div.drawdown-out > style, '
    + 'div[lang="ar"][dir="rtl"]:not([class]):not([style])');
  const tags = {};
  for (const el of all) {
    if (own(el)) continue;
    const t = el.tagName.toLowerCase();
    tags[t] = (tags[t] || 0) + 1;
  }
  const strings = [];
  const walk = (v) => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  const charts = Array.from(document.querySelectorAll('.plotly-graph-div'));
  for (const gd of charts) { walk(gd.data); walk(gd.layout); }
  const commentary = document.querySelector('section.commentary');
  return {
    url: location.href,
    handlers, schemes, tags, strings,
    scripts: Array.from(document.scripts).map((s) => ({src: s.getAttribute('src'),
                                                       text: s.text})),
    anchors: Array.from(document.querySelectorAll('a[href]')).map((a) => ({
      href: a.getAttribute('href'), rel: a.getAttribute('rel') || '',
      cls: a.getAttribute('class') || '', text: a.textContent})),
    svgLinks: document.querySelectorAll('svg a').length,
    charts: charts.map((gd) => gd.id),
    drawn: document.querySelectorAll('.plotly-graph-div .main-svg').length,
    prose: Array.from(document.querySelectorAll('header.title-block, .headline, main section'))
      .map((e) => e.innerText).join('\n'),
    body: document.body.innerText,
    commentary: commentary ? {
      text: commentary.innerText,
      tags: Array.from(commentary.querySelectorAll('*')).filter((e) => !own(e))
        .map((e) => e.tagName.toLowerCase()),
    } : null,
  };
}"""

_HOVER_JS = r"""async () => {
  const out = [];
  for (const gd of document.querySelectorAll('.plotly-graph-div')) {
    for (let i = 0; i < gd.data.length; i++) {
      const trace = gd.data[i];
      if (!trace.hovertext || trace.hoverinfo === 'skip') continue;
      Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: 0}]);
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      const layer = gd.querySelector('.hoverlayer');
      out.push({chart: gd.id, trace: i, text: layer ? layer.textContent : '',
                elements: layer ? Array.from(layer.querySelectorAll('*'))
                  .map((e) => e.tagName.toLowerCase()) : []});
    }
    Plotly.Fx.unhover(gd);
  }
  return out;
}"""


def inspect_pages(paths: list[Path], hover: set[Path]) -> dict[Path, dict[str, Any]]:
    """Open each page in headless Chromium (network blocked) and report what it did and holds:
    every request, console message, dialog and page error, the DOM facts of ``_DOM_JS``, and
    the chart hover labels of ``_HOVER_JS`` (every trace hovered once) for pages in ``hover``."""
    from playwright.sync_api import sync_playwright

    from analysis.browser import CHROMIUM_ARGS, find_chromium

    found: dict[Path, dict[str, Any]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            for path in paths:
                seen: dict[str, list[str]] = {
                    "requests": [],
                    "console": [],
                    "dialogs": [],
                    "errors": [],
                }
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page_url = path.resolve().as_uri()

                def route(r: Any, seen: dict[str, list[str]] = seen, own: str = page_url) -> None:
                    if r.request.url != own:
                        seen["requests"].append(r.request.url)
                        r.abort()
                    else:
                        r.continue_()

                context.route("**/*", route)
                page = context.new_page()
                page.on("console", lambda m, s=seen: s["console"].append(f"{m.type}: {m.text}"))
                page.on("pageerror", lambda e, s=seen: s["errors"].append(str(e)))
                page.on("dialog", lambda d, s=seen: (s["dialogs"].append(d.message), d.dismiss()))
                page.goto(page_url, wait_until="load", timeout=60_000)
                page.wait_for_function(
                    "() => document.querySelectorAll('.plotly-graph-div').length > 0 &&"
                    " Array.from(document.querySelectorAll('.plotly-graph-div'))"
                    ".every((d) => d.querySelector('.main-svg'))",
                    timeout=60_000,
                )
                page.wait_for_timeout(500)  # onerror, autofocus, meta refresh: all have fired
                hovers = page.evaluate(_HOVER_JS) if path in hover else []
                page.mouse.move(300, 300)
                page.mouse.wheel(0, 4000)
                page.wait_for_timeout(200)
                dom = page.evaluate(_DOM_JS)
                found[path] = {**seen, **dom, "hovers": hovers}
                context.close()
        finally:
            browser.close()
    return found


@pytest.fixture(scope="module")
def pages(hostile_out: Path, clean_out: Path) -> dict[str, dict[str, Any]]:
    paths = {
        f"{kind}-{lang}": out / AS_OF / lang / "drawdown-report.html"
        for kind, out in (("hostile", hostile_out), ("clean", clean_out))
        for lang in ("ar", "en")
    }
    seen = inspect_pages(
        list(paths.values()), hover={path for name, path in paths.items() if "hostile" in name}
    )
    return {name: seen[path] for name, path in paths.items()}


# --------------------------------------------------------------------------- the checks


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_report_runs_nothing_in_the_browser(page_checks, lang: str) -> None:
    """The project's own page check: no dialog, no console error, no request; charts drawn."""
    check = page_checks[lang]
    assert check.dialogs == []
    assert check.console_errors == []
    assert check.blocked_requests == []
    assert check.plotly_svg_count >= 2 * 3  # two charts, each drawn (plotly makes 3 svgs)
    assert (check.lang, check.dir) == (lang, "rtl" if lang == "ar" else "ltr")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_no_dialog_console_message_request_or_navigation(
    pages, hostile_out: Path, lang: str
) -> None:
    page = pages[f"hostile-{lang}"]
    assert page["dialogs"] == []
    assert page["console"] == []
    assert page["errors"] == []
    assert page["requests"] == []
    own = (hostile_out / AS_OF / lang / "drawdown-report.html").resolve().as_uri()
    assert page["url"] == own  # no meta refresh, no <base>, no script moved the page
    # the section order puts the deadline chart first, then the timeline
    assert page["drawn"] >= 2 and page["charts"] == ["chart-promise", "chart-gantt"]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_dom_holds_nothing_from_the_data(pages, lang: str) -> None:
    page, clean = pages[f"hostile-{lang}"], pages[f"clean-{lang}"]
    # the same scripts as a report of the shipped data: plotly.js and one per chart, and in
    # Arabic one per chart that sets the row labels flush right (our code, no data in it)
    count = 5 if lang == "ar" else 3
    assert len(page["scripts"]) == len(clean["scripts"]) == count
    assert [s["src"] for s in page["scripts"]] == [None] * count
    assert page["scripts"][0]["text"] == clean["scripts"][0]["text"]  # plotly.js itself
    aligners = [s["text"] for s in page["scripts"] if "data-edge" in s["text"]]
    assert aligners == [s["text"] for s in clean["scripts"] if "data-edge" in s["text"]]
    assert len(aligners) == (2 if lang == "ar" else 0)
    # chart data sits in the scripts as JSON: a "<" there could close the script early
    assert all("<" not in s["text"] for s in page["scripts"][1:] + clean["scripts"][1:])
    assert page["handlers"] == [] and page["schemes"] == []
    assert set(page["tags"]) <= REPORT_TAGS, set(page["tags"]) - REPORT_TAGS
    for tag in ("meta", "style", "script", "link", "iframe", "img", "object", "base", "form"):
        assert page["tags"].get(tag, 0) == clean["tags"].get(tag, 0), tag
    assert page["svgLinks"] == 0  # plotly turns <a href> in chart text into SVG links


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_links_are_the_sources_and_footnotes_only(pages, lang: str) -> None:
    page = pages[f"hostile-{lang}"]
    for anchor in page["anchors"]:
        href = anchor["href"]
        if href.startswith("#"):
            assert re.fullmatch(r"#src-src-[abc]", href), href
            continue
        assert re.match(r"^https?://", href), href
        assert "noopener" in anchor["rel"], anchor
        if anchor["cls"] == "url":
            # a source link: the address exactly as in the data, shown as text too
            assert href in URL_PAYLOADS and anchor["text"] == href, anchor
    sources = [a["href"] for a in page["anchors"] if a["cls"] == "url"]
    assert sorted(sources) == sorted(URL_PAYLOADS)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_payloads_show_as_text(pages, lang: str) -> None:
    page = pages[f"hostile-{lang}"]
    prose = page["prose"]
    missing = [p for p in PAYLOADS if p not in prose]
    assert missing == [], missing
    for url in URL_PAYLOADS:
        assert url in prose, url
    # template syntax is never evaluated: {{ 7*7 }} is not 49, the loop does not loop
    assert "{{ 7*7 }}" in prose and "{{ 7777*3 }}" in prose
    assert "23331" not in page["body"]
    assert "looploop" not in page["body"] and "loop loop" not in page["body"]
    assert "{# hidden #}" in prose
    print(
        f"\n{lang}: {len(PAYLOADS)} field payloads and {len(URL_PAYLOADS)} url payloads "
        "shown as text"
    )


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_chart_text_is_escaped_for_plotly(pages, lang: str) -> None:
    """Plotly draws <b>, <br>, <span style>, <a href> in chart strings: only the chart code's
    own markup may be there, never a tag from the data, and hovering shows payloads as text."""
    page, clean = pages[f"hostile-{lang}"], pages[f"clean-{lang}"]
    own_markup = {t for s in clean["strings"] for t in re.findall(r"<[^<>]*>", s)}
    assert own_markup, "the clean charts have markup of their own"
    for string in page["strings"]:
        extra = set(re.findall(r"<[^<>]*>", string)) - own_markup
        assert not extra, (extra, string[:200])
    hovers = page["hovers"]
    assert len(hovers) >= 8
    shown = " ".join(h["text"] for h in hovers)
    assert "<script>alert(1)</script>" in shown or "</script><script>alert(6)</script>" in shown
    assert "<a href=" in shown  # plotly's own link markup, as text
    for hover in hovers:
        assert set(hover["elements"]) <= {"g", "path", "text", "tspan", "rect"}, hover


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_commentary_markdown_is_sanitised(pages, lang: str) -> None:
    commentary = pages[f"hostile-{lang}"]["commentary"]
    assert commentary is not None, "the hostile note is not in the report"
    allowed = {
        "h2",
        "article",
        "p",
        "em",
        "strong",
        "ul",
        "ol",
        "li",
        "a",
        "blockquote",
        "code",
        "br",
        "h3",
        "h4",
        "bdi",
    }
    assert set(commentary["tags"]) <= allowed, set(commentary["tags"]) - allowed
    text = commentary["text"]
    for gone in DROPPED_FROM_COMMENTARY:
        assert gone not in text, gone
    assert "{{ 7*7 }}" in text and "loop{% endfor %}" in text
    if lang == "en":
        assert "{{ 7777*3 }}" in text and "23331" not in text
        assert "<script>alert(41)</script>" in text  # a code span is text
        for words in (
            "a javascript link",
            "a mixed-case one",
            "a data link",
            "vbscript",
            "an entity",
            "a fine link",
        ):
            assert words in text, words
        assert "alert(38)" not in text  # a javascript: autolink goes entirely
    else:
        assert "رابط" in text and "غامق" in text


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_commentary_links_are_http_only(pages, lang: str) -> None:
    page = pages[f"hostile-{lang}"]
    hrefs = {
        a["href"]
        for a in page["anchors"]
        if a["cls"] not in ("url",) and not a["href"].startswith("#")
    }
    if lang == "en":
        assert hrefs == {
            "https://example.org/fine",
            "https://example.org/a%3Eb%22c%3Cd",
            "http://evil.example/img.png",
        }
    else:
        assert hrefs == set()


@pytest.mark.slow
def test_pdfs_print_the_payloads_as_text(hostile_out: Path) -> None:
    for lang in ("ar", "en"):
        pdf = hostile_out / AS_OF / lang / "drawdown-report.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        flat = re.sub(r"[\s\u200e\u200f\u2066-\u2069]", "", text)
        for payload in ("<script>alert(1)</script>", "{{ 7*7 }}", "<img src=x onerror=alert(2)>"):
            assert re.sub(r"\s", "", payload) in flat, (lang, payload)


@pytest.mark.slow
def test_payload_count(pages) -> None:
    """How much was tried (printed with -s); fails if the lists were emptied."""
    fields = 0
    for file in ("events.csv", "sites.csv", "actors.csv", "sources.csv"):
        text = (HOSTILE_DIR / file).read_text(encoding="utf-8")
        fields += sum(text.count(p.replace('"', '""')) for p in PAYLOADS)
    total = len(PAYLOADS) + len(URL_PAYLOADS) + len(COMMENTARY_PAYLOADS)
    print(
        f"\ninjection: {total} distinct payloads ({len(PAYLOADS)} text, {len(URL_PAYLOADS)} url, "
        f"{len(COMMENTARY_PAYLOADS)} commentary), {fields} placements in data fields, "
        f"{len(NOT_WEB_URLS)} non-http urls refused, 4 pages inspected"
    )
    assert len(PAYLOADS) >= 30 and fields >= 300 and len(COMMENTARY_PAYLOADS) >= 20
    assert len(pages) == 4
