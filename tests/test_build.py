"""`drawdown build` end to end: real papermill kernels, real nbconvert, real Chromium.

One module-scoped build (one date, both languages, HTML and PDF) is shared by the
inspections below; the failure tests run builds of their own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis.dataset import load_dataset
from analysis.i18n import label, make_locale
from analysis.pipeline.build import build
from analysis.pipeline.plan import Options, expand_as_of
from conftest import DATA_DIR, PROJECT_DIR

pytestmark = pytest.mark.slow

AS_OF = "2025-10-15"
DRAWDOWN = [sys.executable, "-m", "analysis"]


def run(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DRAWDOWN, *args], capture_output=True, text=True, timeout=timeout, cwd=PROJECT_DIR
    )


def tree_hash(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("reports")
    result = run("build", "--as-of", AS_OF, "--out", str(out), "--jobs", "2", "--combined")
    assert result.returncode == 0, result.stderr
    return out, result


def html_attributes(page: str) -> dict[str, str]:
    tag = re.search(r"<html\b([^>]*)>", page)
    assert tag, "no <html> tag"
    return dict(re.findall(r'(\w+)="([^"]*)"', tag.group(1)))


class _Links(HTMLParser):
    """Every URL a page would fetch: src/href of scripts, stylesheets, images, fonts."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.anchors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.anchors.append(values["href"] or "")
        elif tag in {"script", "img", "link", "iframe", "source", "video", "audio", "embed"}:
            for key in ("src", "href", "srcset", "data"):
                if values.get(key):
                    self.fetched.append(values[key] or "")


def test_writes_every_file(built) -> None:
    out, result = built
    for lang in ("ar", "en"):
        for ext in ("ipynb", "html", "pdf"):
            assert (out / AS_OF / lang / f"drawdown-report.{ext}").stat().st_size > 1000
    assert (out / "index.html").exists()
    assert not list(out.glob(".drawdown-staging-*")), "staging directory left behind"
    assert "2/2 done" in result.stderr  # the progress display


def test_html_is_clean_rtl_and_offline(built) -> None:
    out, _ = built
    ar = (out / AS_OF / "ar" / "drawdown-report.html").read_text(encoding="utf-8")
    en = (out / AS_OF / "en" / "drawdown-report.html").read_text(encoding="utf-8")
    assert html_attributes(ar) == {"lang": "ar", "dir": "rtl"}
    assert html_attributes(en) == {"lang": "en", "dir": "ltr"}
    for page in (ar, en):
        assert "Report.from_parameters" not in page and "jp-InputArea" not in page
        assert "injected-parameters" not in page and "interactive = False" not in page
        assert "Traceback" not in page and "stderr" not in page
        assert page.count("Plotly.newPlot") >= 2 and 'id="chart-gantt"' in page
        assert page.count("window.PlotlyConfig") <= 1  # plotly.js inlined once
        parser = _Links()
        parser.feed(page)
        external = [u for u in parser.fetched if re.match(r"^(https?:)?//", u)]
        assert external == [], external
        assert len(page.encode()) <= 5.5 * 2**20
    assert "عين الأسد" in ar and "أربيل" in ar
    assert "Ain al-Asad" in en and "Noto Naskh Arabic" in ar


def test_manifest_records_the_build(built) -> None:
    out, _ = built
    manifest = json.loads((out / AS_OF / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == AS_OF
    assert manifest["data_hash"] == load_dataset(DATA_DIR).data_hash
    assert set(manifest["variants"]) == {"ar", "en"}
    assert manifest["tools"]["papermill"] and manifest["code_version"]
    for lang, info in manifest["variants"].items():
        assert info["parameters"]["lang"] == lang and info["parameters"]["as_of"] == AS_OF
        for fmt in ("html", "pdf", "ipynb"):
            path = out / info["files"][fmt]["path"]
            assert hashlib.sha256(path.read_bytes()).hexdigest() == info["files"][fmt]["sha256"]
        assert info["timings_s"]["execute"] > 0


def test_index_lists_both_languages(built) -> None:
    out, _ = built
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f"{AS_OF}/ar/drawdown-report.html" in index
    assert f"{AS_OF}/en/drawdown-report.pdf" in index
    assert "العربية" in index and "English" in index


# The exit-2 paths (bad parameters, bad data, no Chromium) run in-process in the unit
# suite: tests/test_plan.py.


def test_failing_notebook_exits_1_and_keeps_the_last_good_report(built, tmp_path: Path) -> None:
    import nbformat

    out, _ = built
    before = tree_hash(out)
    notebook = nbformat.read(PROJECT_DIR / "notebooks" / "drawdown_report.ipynb", as_version=4)
    notebook.cells.insert(4, nbformat.v4.new_code_cell("raise RuntimeError('boom in cell')"))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(notebook, broken)
    code = build(
        Options(
            as_of=expand_as_of(AS_OF, None),
            langs=("en",),
            formats=("html",),
            out=out,
            notebook=broken,
            quiet=True,
        )
    )
    assert code == 1
    after = tree_hash(out)
    failed = [k for k in after if k.startswith("_failed/")]
    assert failed == [f"_failed/{AS_OF}-en-drawdown-report.ipynb"]

    def reports(tree: dict[str, str]) -> dict[str, str]:
        """Everything but the records of the attempt: status, index, log, _failed/."""
        return {
            k: v
            for k, v in tree.items()
            if not k.startswith(("_failed/", "_logs/")) and k not in {"status.json", "index.html"}
        }

    assert reports(after) == reports(before)
    kept = nbformat.read(out / failed[0], as_version=4)
    assert any("boom in cell" in json.dumps(c.get("outputs", [])) for c in kept.cells)


def test_the_kernel_warm_up_leaves_nothing_behind(tmp_path: Path) -> None:
    """The build's kernels import the report's modules before the notebook runs (silently):
    no name in the notebook's namespace, no execution count, no output comes from that."""
    import nbformat

    notebook = nbformat.read(PROJECT_DIR / "notebooks" / "drawdown_report.ipynb", as_version=4)
    probe = (
        "seen = sorted(k for k in globals() if not k.startswith('_') and k not in "
        "{'In', 'Out', 'get_ipython', 'exit', 'quit', 'open'})\n"
        "assert seen == [], seen\n"
        "assert 'analysis.report' in __import__('sys').modules  # the warm-up did run"
    )
    first_code = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
    notebook.cells.insert(first_code, nbformat.v4.new_code_cell(probe))
    probed = tmp_path / "probe.ipynb"
    nbformat.write(notebook, probed)
    out = tmp_path / "out"
    code = build(
        Options(
            as_of=expand_as_of(AS_OF, None),
            langs=("en",),
            formats=("html",),
            out=out,
            notebook=probed,
            quiet=True,
        )
    )
    assert code == 0, (out / "status.json").read_text()
    executed = nbformat.read(out / AS_OF / "en" / "drawdown-report.ipynb", as_version=4)
    counts = [c.execution_count for c in executed.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))


def test_browser_opens_each_report_offline(built, tmp_path: Path) -> None:
    """Headless Chromium with the network blocked: charts drawn, no request, no console error."""
    from analysis.browser import Browser

    out, _ = built
    # Set DRAWDOWN_SCREENSHOTS=DIR to keep the screenshots and look at them.
    shots = Path(os.environ.get("DRAWDOWN_SCREENSHOTS", tmp_path))
    with Browser() as browser:
        for lang, direction in (("ar", "rtl"), ("en", "ltr")):
            html = out / AS_OF / lang / "drawdown-report.html"
            check = browser.screenshot(html, shots / f"{AS_OF}-{lang}.png")
            assert check.plotly_svg_count >= 2, lang
            assert check.blocked_requests == [], check.blocked_requests
            assert check.console_errors == [], check.console_errors
            assert check.dir == direction and check.lang == lang
            assert check.dialogs == []


def pdf_text(path: Path) -> str:
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def test_pdfs_embed_every_font_and_hold_the_text(built) -> None:
    out, _ = built
    for lang, words in (
        ("en", ["Ain al-Asad", "Erbil", "as of 15 October 2025", "Page 1 of"]),
        ("ar", ["عين الأسد", "أربيل", "تشرين الأول", "صفحة"]),
    ):
        pdf = out / AS_OF / lang / "drawdown-report.pdf"
        assert pdf.stat().st_size < 2 * 2**20
        fonts = subprocess.run(
            ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
        text = pdf_text(pdf)
        for word in words:
            assert word in text, (lang, word)
        assert 3 <= pdf_pages(pdf) <= 30
        assert pdf.read_bytes().count(b"/URI (https://") >= 10  # source links stay clickable
    assert "Noto Naskh Arabic".replace(" ", "") in subprocess.run(
        ["pdffonts", str(out / AS_OF / "ar" / "drawdown-report.pdf")],
        capture_output=True,
        text=True,
    ).stdout.replace(" ", "")


def _ppm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P6"
    return int(parts[1]), int(parts[2]), parts[4]


def test_chart_pages_are_drawn_not_blank(built, tmp_path: Path) -> None:
    """The page holding the Gantt chart has the chart's blue bars and orange slip in it."""
    out, _ = built
    for lang in ("en", "ar"):
        title = label("chart.title.gantt", make_locale(lang))  # the chart's own title
        pdf = out / AS_OF / lang / "drawdown-report.pdf"
        pages = pdf_text(pdf).split("\f")
        number = next(i for i, page in enumerate(pages, start=1) if title in page)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "40",
                "-f",
                str(number),
                "-l",
                str(number),
                str(pdf),
                str(tmp_path / lang),
            ],
            check=True,
        )
        _, _, pixels = _ppm(next(tmp_path.glob(f"{lang}-*.ppm")))
        blue = orange = 0
        for i in range(0, len(pixels) - 2, 3):
            r, g, b = pixels[i], pixels[i + 1], pixels[i + 2]
            blue += b > 150 and r < 60 and 80 < g < 150  # phase bars, #0072B2
            orange += r > 180 and 60 < g < 130 and b < 60  # slip, #D55E00
        assert blue > 500 and orange > 20, (lang, blue, orange)
        values = pixels[::3]
        mean = sum(values) / len(values)
        variance = sum((v - mean) ** 2 for v in values) / len(values)
        assert variance > 300, (lang, variance)


def test_combined_pdf_is_both_reports_back_to_back(built) -> None:
    out, _ = built
    combined = out / AS_OF / "drawdown-report-ar-en.pdf"
    parts = [out / AS_OF / lang / "drawdown-report.pdf" for lang in ("ar", "en")]
    assert pdf_pages(combined) == sum(pdf_pages(p) for p in parts)
    text = pdf_text(combined).split("\f")
    assert "صفحة" in text[0] and "Page" not in text[0]  # the Arabic report first
    assert "Page" in text[-2] and "صفحة" not in text[-2]  # the English one last
