"""analysis.browser: printing reports to PDF with the system Chromium, checked with poppler.

The PDFs are judged the way a reader would: text extracted by ``pdftotext`` (Arabic comes out in
logical order, wrapped in bidi embedding marks, which are stripped), fonts embedded per
``pdffonts``, and the chart's bars visible in a ``pdftoppm`` rendering (PPM, parsed by hand: no
imaging dependency). Tests that start Chromium are marked ``slow``; they share one Browser per
module, except the tests that count process starts.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis import browser as br
from analysis.browser import (
    Browser,
    ChromiumNotFound,
    PageCheck,
    PdfResult,
    PrintJob,
    PrintTimeout,
    find_chromium,
    pdf_page_count,
    print_pdfs,
)

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
AR_SENTENCE = "انتهاء مهمة التحالف الدولي في عين الأسد وأربيل"
EN_SENTENCE = "The coalition mission ended at Ain al-Asad and Erbil"
#: plotly's first default trace colour (#636efa): pixels of it prove the bars were printed.
TRACE_RGB = (0x63, 0x6E, 0xFA)
#: Bidi controls pdftotext wraps around right-to-left runs (LRE/RLE/PDF/LRO/RLO, isolates, marks).
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")


# -- helpers ------------------------------------------------------------------------------------
def pdftotext(pdf: Path, *args: str) -> str:
    out = subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    )
    return BIDI_CONTROLS.sub("", out.stdout)


def pdffonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, emb column) for every font of the PDF."""
    out = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    header = out[0]
    emb_at = header.index("emb")
    return [(line.split()[0], line[emb_at : emb_at + 3].strip()) for line in out[2:] if line]


def render_ppm(pdf: Path, out_dir: Path, page: int = 1, dpi: int = 50) -> tuple[int, int, bytes]:
    """Render one page with pdftoppm to a binary PPM (P6) and return width, height, RGB bytes."""
    prefix = out_dir / f"{pdf.stem}-p{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
        timeout=60,
    )
    data = (prefix.with_suffix(".ppm")).read_bytes()
    # P6 header: magic, width, height, maxval separated by whitespace, then one whitespace byte.
    match = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert match, "not a binary PPM"
    width, height, maxval = (int(g) for g in match.groups())
    assert maxval == 255
    pixels = data[match.end() :]
    assert len(pixels) == width * height * 3
    return width, height, pixels


def trace_pixels(width: int, pixels: bytes, rows: range) -> int:
    """Pixels within the given rows close to plotly's first trace colour."""
    count = 0
    for y in rows:
        row = pixels[y * width * 3 : (y + 1) * width * 3]
        for x in range(0, len(row), 3):
            r, g, b = row[x], row[x + 1], row[x + 2]
            if abs(r - TRACE_RGB[0]) < 30 and abs(g - TRACE_RGB[1]) < 30 and b > 200:
                count += 1
    return count


def variance(width: int, pixels: bytes, rows: range) -> float:
    grey = [
        sum(pixels[i : i + 3]) / 3
        for y in rows
        for i in range(y * width * 3, (y + 1) * width * 3, 3)
    ]
    mean = sum(grey) / len(grey)
    return sum((v - mean) ** 2 for v in grey) / len(grey)


def chart_page(path: Path, *, lang: str, title: str, sentence: str, labels: list[str]) -> Path:
    """A report-like page: a heading, a bar chart (plotly.js inline) and paragraphs."""
    import plotly.graph_objects as go

    rtl = lang == "ar"
    fig = go.Figure(go.Bar(x=labels, y=[3, 5, 2]))
    fig.update_layout(
        width=700,
        height=400,
        title=title,
        showlegend=False,
        font_family="Noto Naskh Arabic, Amiri" if rtl else "Noto Sans, DejaVu Sans",
    )
    page = fig.to_html(
        include_plotlyjs=True,
        full_html=True,
        include_mathjax=False,
        config={"displayModeBar": False, "responsive": False},
    )
    font = "'Noto Naskh Arabic', 'Amiri', serif" if rtl else "'Noto Serif', serif"
    head = (
        '<meta charset="utf-8"><style>'
        f"body {{ font-family: {font}; }}"
        # From the notes: plotly's text measuring must stay LTR inside an RTL page.
        "#js-plotly-tester, .plotly-graph-div { direction: ltr; }</style>"
    )
    body = f"<h1>{title}</h1>"
    paragraphs = "".join(f"<p>{sentence} ({i}).</p>" for i in range(1, 31))
    page = page.replace("<html>", f'<html lang="{lang}" dir="{"rtl" if rtl else "ltr"}">', 1)
    page = page.replace("<head>", f"<head>{head}", 1)
    page = page.replace("<body>", f"<body>{body}", 1)
    page = page.replace("</body>", f"{paragraphs}</body>", 1)
    path.write_text(page, encoding="utf-8")
    return path


def chromium_or_skip() -> str:
    try:
        return find_chromium()
    except ChromiumNotFound as exc:
        pytest.skip(f"no Chromium: {exc}")


# -- fixtures -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("pages")
    return {
        "en": chart_page(
            d / "en.html",
            lang="en",
            title="Drawdown report",
            sentence=EN_SENTENCE,
            labels=["Ain al-Asad", "Erbil", "Baghdad"],
        ),
        "ar": chart_page(
            d / "ar.html",
            lang="ar",
            title="تقرير الانسحاب",
            sentence=AR_SENTENCE,
            labels=["عين الأسد", "أربيل", "بغداد"],
        ),
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(chromium_or_skip(), timeout_s=60) as b:
        yield b


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("out")


@pytest.fixture(scope="module")
def en_pdf(browser: Browser, pages: dict[str, Path], out_dir: Path) -> PdfResult:
    return browser.print_pdf(
        pages["en"],
        out_dir / "en.pdf",
        lang="en",
        header_title="Drawdown <report> & notes",
        footer_text="Source: project dataset",
    )


@pytest.fixture(scope="module")
def ar_pdf(browser: Browser, pages: dict[str, Path], out_dir: Path) -> PdfResult:
    return browser.print_pdf(
        pages["ar"],
        out_dir / "ar.pdf",
        lang="ar",
        header_title="تقرير الانسحاب",
        footer_text="المصدر: بيانات المشروع",
        page_label="صفحة {page} من {total}",
    )


@pytest.fixture(scope="module")
def ar_digits_pdf(browser: Browser, pages: dict[str, Path], out_dir: Path) -> PdfResult:
    return browser.print_pdf(
        pages["ar"],
        out_dir / "ar-digits.pdf",
        lang="ar",
        header_title="تقرير الانسحاب",
        footer_text="المصدر: بيانات المشروع",
        page_label="صفحة {page} من {total}",
        digits="arabic",
    )


# -- without a browser --------------------------------------------------------------------------
def test_import_is_cheap() -> None:
    code = "import sys, analysis.browser; print('nbconvert' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_env_var_naming_missing_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAWDOWN_CHROMIUM", "/nonexistent")
    with pytest.raises(ChromiumNotFound) as err:
        find_chromium()
    message = str(err.value)
    assert "/nonexistent" in message
    assert "sudo apt-get install chromium fonts-noto-core fonts-hosny-amiri" in message
    assert "DRAWDOWN_CHROMIUM=/path/to/chrome" in message


def test_env_var_naming_non_executable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "chrome"
    fake.write_text("not a browser")
    fake.chmod(0o644)
    monkeypatch.setenv("DRAWDOWN_CHROMIUM", str(fake))
    with pytest.raises(ChromiumNotFound, match="not an executable"):
        find_chromium()


def test_env_var_wins_over_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("DRAWDOWN_CHROMIUM", str(fake))
    assert find_chromium() == str(fake)


def test_path_search_in_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DRAWDOWN_CHROMIUM", raising=False)
    for name in ("google-chrome", "chromium-browser"):
        (tmp_path / name).write_text("#!/bin/sh\n")
        (tmp_path / name).chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() == str(tmp_path / "chromium-browser")


def test_nothing_found_lists_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DRAWDOWN_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ChromiumNotFound) as err:
        find_chromium()
    for word in ("DRAWDOWN_CHROMIUM", "chromium", "chromium-browser", "google-chrome", "conda"):
        assert word in str(err.value)


def test_browser_start_raises_chromium_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAWDOWN_CHROMIUM", "/nonexistent")
    with pytest.raises(ChromiumNotFound, match="/nonexistent"), Browser():
        pass


def test_templates_escape_text() -> None:
    header = br._header_template('<img src=x onerror="alert(1)"> & co', "en")
    assert "<img" not in header and "&lt;img" in header and "&amp; co" in header
    footer = br._footer_template("<b>src</b>", "ar", "<i>صفحة</i> {page} من {total}")
    assert "<b>" not in footer and "<i>" not in footer
    assert '<span class="pageNumber"></span>' in footer
    assert '<span class="totalPages"></span>' in footer
    assert 'dir="rtl"' in footer and "Noto Naskh Arabic" in footer
    assert 'dir="ltr"' in header and "font-size: 8pt" in header
    # Chromium overwrites elements of class title/url/date: the header must not use them.
    assert not re.search(r'class="(title|url|date)"', header + footer)


def test_margin_box_css_quotes_text() -> None:
    css = br._footer_margin_css('a "quoted" \\ text\n', "صفحة {page} من {total}", "ar")
    assert 'content: "a \\22 quoted\\22  \\5c  text\\a "' in css
    assert "counter(page, arabic-indic)" in css and "counter(pages, arabic-indic)" in css
    assert "@bottom-left" in css and "@bottom-right" in css


def test_decode_data_url() -> None:
    assert br._decode_data_url("data:image/png;base64,iVBORw==") == b"\x89PNG"
    assert br._decode_data_url("data:image/svg+xml,%3Csvg%20a%3D%221%22%3E") == b'<svg a="1">'
    with pytest.raises(ValueError):
        br._decode_data_url("https://example.com/x.png")


def test_pdf_page_count_without_pdfinfo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Pages /Count 2 >> endobj\n"
        b"2 0 obj << /Type /Page >> endobj 3 0 obj <</Type/Page>> endobj\n"
    )
    monkeypatch.setattr(br.shutil, "which", lambda name: None)
    assert pdf_page_count(pdf) == 2


def test_bad_digits_rejected() -> None:
    with pytest.raises(ValueError, match="digits"):
        Browser().print_pdf(
            PAGES / "plain.html",
            Path("x.pdf"),
            lang="en",
            header_title="",
            footer_text="",
            digits="persian",  # type: ignore[arg-type]
        )


# -- printing -----------------------------------------------------------------------------------
@pytest.mark.slow
@needs_poppler
def test_english_pdf(en_pdf: PdfResult, out_dir: Path) -> None:
    pdf = en_pdf.path
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert en_pdf.pages >= 1 and en_pdf.pages == pdf_page_count(pdf)
    assert en_pdf.blocked_requests == [] and en_pdf.console_errors == []
    text = pdftotext(pdf)
    assert EN_SENTENCE in text and "Drawdown report" in text
    # Header (escaped text, not markup) and footer with page numbers, on every page.
    assert text.count("Drawdown <report> & notes") == en_pdf.pages
    assert text.count("Source: project dataset") == en_pdf.pages
    assert f"Page 1 of {en_pdf.pages}" in text
    assert f"Page {en_pdf.pages} of {en_pdf.pages}" in text


@pytest.mark.slow
@needs_poppler
def test_arabic_pdf_text(ar_pdf: PdfResult) -> None:
    pdf = ar_pdf.path
    assert pdf.read_bytes()[:5] == b"%PDF-" and ar_pdf.pages >= 1
    assert ar_pdf.blocked_requests == [] and ar_pdf.console_errors == []
    # pdftotext gives Arabic in logical order (inside RLE…PDF marks): words are searchable.
    text = pdftotext(pdf)
    assert "عين الأسد" in text and "أربيل" in text and AR_SENTENCE in text
    assert text.count("تقرير الانسحاب") >= ar_pdf.pages  # header on every page (+ the <h1>)
    # pdftotext misplaces neutral punctuation in RTL runs ("المصدر :بيانات"): compare words.
    assert "بيانات المشروع" in text
    # Western digits by default: "صفحة 1 من N" (bidi marks removed, spacing varies).
    assert re.search(rf"صفحة\s*1\s*من\s*{ar_pdf.pages}\b", text)


@pytest.mark.slow
@needs_poppler
def test_arabic_indic_page_numbers(ar_digits_pdf: PdfResult) -> None:
    text = pdftotext(ar_digits_pdf.path)
    total = str(ar_digits_pdf.pages).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert re.search(rf"صفحة\s*١\s*من\s*{total}", text), text[-200:]
    assert not re.search(r"صفحة\s*1\s*من", text)
    assert text.count("بيانات المشروع") == ar_digits_pdf.pages


@pytest.mark.slow
@needs_poppler
@pytest.mark.parametrize("which", ["en_pdf", "ar_pdf", "ar_digits_pdf"])
def test_fonts_embedded(which: str, request: pytest.FixtureRequest) -> None:
    result: PdfResult = request.getfixturevalue(which)
    fonts = pdffonts(result.path)
    assert fonts, "no fonts in the PDF"
    assert all(emb == "yes" for _, emb in fonts), fonts
    if which.startswith("ar"):
        assert any("NotoNaskhArabic" in name or "Amiri" in name for name, _ in fonts), fonts


@pytest.mark.slow
@needs_poppler
@pytest.mark.parametrize("which", ["en_pdf", "ar_pdf"])
def test_chart_is_printed(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    result: PdfResult = request.getfixturevalue(which)
    width, height, pixels = render_ppm(result.path, tmp_path)
    chart_rows = range(height // 8, height // 2)  # heading, then the 400 px chart
    # The bars (plotly's #636efa) are on the page, not just an empty frame.
    assert trace_pixels(width, pixels, chart_rows) > 500
    assert variance(width, pixels, chart_rows) > 100


# -- misbehaving pages --------------------------------------------------------------------------
@pytest.mark.slow
def test_alert_and_network_do_not_hang(browser: Browser, tmp_path: Path) -> None:
    result = browser.print_pdf(
        PAGES / "alert_and_remote.html",
        tmp_path / "alert.pdf",
        lang="en",
        header_title="t",
        footer_text="f",
        timeout_s=30,
    )
    assert result.path.read_bytes()[:5] == b"%PDF-" and result.pages >= 1
    assert result.dialogs == [
        "alert: hello from the page",
        "print: window.print() ignored",
    ]
    assert "https://example.com/x.png" in result.blocked_requests
    assert "https://cdn.example.com/style.css" in result.blocked_requests
    assert "https://example.com/data.json" in result.blocked_requests
    assert result.console_errors  # the aborted loads are reported by the page as errors


@pytest.mark.slow
def test_screenshot_of_misbehaving_page(browser: Browser, tmp_path: Path) -> None:
    check = browser.screenshot(PAGES / "alert_and_remote.html", tmp_path / "a.png", timeout_s=30)
    assert check.dialogs == [
        "alert: hello from the page",
        "print: window.print() ignored",
    ]
    assert "https://example.com/x.png" in check.blocked_requests
    assert check.plotly_svg_count == 0


@pytest.mark.slow
def test_timeout_raises_and_leaves_nothing(browser: Browser, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(PrintTimeout) as err:
        browser.print_pdf(
            PAGES / "chart_never_draws.html",
            out / "never.pdf",
            lang="en",
            header_title="t",
            footer_text="f",
            timeout_s=1.5,
        )
    assert "chart_never_draws.html" in str(err.value) and "1.5 s" in str(err.value)
    assert "charts" in err.value.step
    assert list(out.iterdir()) == []  # no PDF, no temporary file
    # The browser survives a timed-out page.
    ok = browser.print_pdf(
        PAGES / "plain.html", out / "plain.pdf", lang="en", header_title="t", footer_text="f"
    )
    assert ok.pages == 1 and [p.name for p in out.iterdir()] == ["plain.pdf"]


@pytest.mark.slow
def test_busy_page_times_out_and_browser_survives(browser: Browser, tmp_path: Path) -> None:
    with pytest.raises(PrintTimeout, match="loading the page"):
        browser.screenshot(PAGES / "script_never_ends.html", tmp_path / "busy.png", timeout_s=2)
    assert list(tmp_path.iterdir()) == []
    check = browser.screenshot(PAGES / "plain.html", tmp_path / "plain.png")
    assert check.path.exists() and check.console_errors == []


@pytest.mark.slow
def test_existing_pdf_replaced_whole(browser: Browser, tmp_path: Path) -> None:
    pdf = tmp_path / "plain.pdf"
    pdf.write_bytes(b"old report")
    browser.print_pdf(PAGES / "plain.html", pdf, lang="en", header_title="t", footer_text="f")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert [p.name for p in tmp_path.iterdir()] == ["plain.pdf"]


@pytest.mark.slow
def test_timed_out_pdf_keeps_previous_report(browser: Browser, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF- previous build")
    with pytest.raises(PrintTimeout):
        browser.print_pdf(
            PAGES / "chart_never_draws.html",
            pdf,
            lang="en",
            header_title="t",
            footer_text="f",
            timeout_s=1,
        )
    assert pdf.read_bytes() == b"%PDF- previous build"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


# -- screenshots --------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize(("lang", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_screenshot_checks(
    browser: Browser, pages: dict[str, Path], tmp_path: Path, lang: str, direction: str
) -> None:
    check = browser.screenshot(pages[lang], tmp_path / f"{lang}.png", width=1000)
    assert isinstance(check, PageCheck)
    png = check.path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">I", png[16:20])[0] == 1000  # IHDR width = viewport width
    assert check.plotly_svg_count >= 1
    assert check.dir == direction and check.lang == lang
    assert check.console_errors == [] and check.blocked_requests == [] and check.dialogs == []


# -- static chart export ------------------------------------------------------------------------
@pytest.mark.slow
def test_figure_to_image(browser: Browser, tmp_path: Path) -> None:
    import plotly.graph_objects as go
    from plotly.offline import get_plotlyjs

    fig = go.Figure(go.Bar(x=["عين الأسد", "أربيل"], y=[1, 2]))
    plotly_js = get_plotlyjs()
    png = browser.figure_to_image(
        fig.to_json(),
        tmp_path / "c.png",
        fmt="png",
        width=400,
        height=300,
        scale=2,
        plotly_js=plotly_js,
    )
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (800, 600)
    svg = browser.figure_to_image(
        fig.to_json(), tmp_path / "c.svg", fmt="svg", width=400, height=300, plotly_js=plotly_js
    )
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<svg") and 'width="400"' in text and "عين الأسد" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.png", "c.svg"]


# -- one process for many pages -----------------------------------------------------------------
@pytest.mark.slow
def test_one_process_prints_many(tmp_path: Path) -> None:
    before = Browser.total_launches
    with Browser(chromium_or_skip()) as b:
        for name in ("one", "two"):
            b.print_pdf(
                PAGES / "plain.html",
                tmp_path / f"{name}.pdf",
                lang="en",
                header_title=name,
                footer_text="f",
            )
        assert b.launch_count == 1
    assert Browser.total_launches == before + 1
    assert (tmp_path / "one.pdf").exists() and (tmp_path / "two.pdf").exists()


@pytest.mark.slow
def test_print_pdfs_uses_one_browser(tmp_path: Path) -> None:
    from analysis.cdp import Chromium

    chromium = chromium_or_skip()
    before = Chromium.launches
    jobs = [
        PrintJob(
            PAGES / "plain.html", tmp_path / "en.pdf", lang="en", header_title="E", footer_text="f"
        ),
        PrintJob(
            PAGES / "plain.html",
            tmp_path / "ar.pdf",
            lang="ar",
            header_title="ع",
            footer_text="ف",
            page_label="صفحة {page} من {total}",
            digits="arabic",
        ),
    ]
    results = print_pdfs(jobs, executable=chromium, timeout_s=60)
    assert [r.path for r in results] == [j.pdf_path for j in jobs]
    assert all(r.pages >= 1 for r in results)
    assert Chromium.launches == before + 1
    arabic = subprocess.run(
        ["pdftotext", str(tmp_path / "ar.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "١" in arabic  # Arabic-Indic page numbers from the @page margin boxes


def test_browser_must_be_started() -> None:
    """Using a Browser outside ``with`` is a clear error, not a Playwright traceback."""
    with pytest.raises(RuntimeError, match="not running"):
        Browser(os.devnull).screenshot(PAGES / "plain.html", Path("x.png"))
