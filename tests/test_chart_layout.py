"""The deadline chart's row labels and both charts' legends, measured in real Chromium.

One real build of the shipped data (HTML, both languages, three report dates) is loaded in
headless Chromium on screen (1100 px) and at the printed width with print media emulated, the
way the PDF is printed (the helpers are tests/test_layout.py's). Measured:

* every row label of the deadline chart (the location, the row's name and its status lines) is
  a box clear of every other row's box, with a visible gap (editor B1, Arabic editor S4);
* legend text is at least 7.5 pt as printed (editor B2: it was about 5 pt; ROUND7 decision
  9), on screen at least the size plotly was given;
* every row label (each line of it) and date tick label of both charts is at least 8 pt as
  printed (Arabic editor N11: "too small to read in print"; ROUND7 decision 9). The PDF is
  printed at scale 1 on A4 (analysis.cdp.print_params), so a CSS pixel of the print layout is
  1/96 inch on paper: a text's size on paper is its font size times its CSS zoom;
* the chart caption's grey is at least 4.5:1 against the page (ROUND7 decision 9);
* the timeline's phase titles above its bars (and its "Publication date" label) are at least
  7 pt as printed (Arabic editor nit 13: about 5 pt; ROUND8 decision 12), each clear of every
  bar.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from analysis.cdp import Chromium
from conftest import PROJECT_DIR
from test_layout import PRINT_WIDTH_PX, measure, overlap

pytestmark = pytest.mark.slow

DATES = ("2025-10-15", "2026-02-01", "2026-11-30")
#: 7.5 pt and 8 pt in CSS pixels (96 px to the inch, 72 pt).
LEGEND_PT_PX = 7.5 * 96 / 72
LABEL_PT_PX = 8 * 96 / 72
#: 7 pt in CSS pixels: the least size of the timeline's in-bar labels as printed.
IN_BAR_PT_PX = 7 * 96 / 72
#: The least clear space between two row labels, in CSS pixels as laid out (before print zoom).
MIN_GAP_PX = 4

#: Per chart: the boxes of the deadline chart's row labels (one per row, all its lines), each
#: line of them, and every legend text with its size as drawn (font size times CSS zoom).
ROWS = r"""(() => {
  const box = (el) => { const r = el.getBoundingClientRect();
                        return [r.left, r.top, r.right, r.bottom]; };
  const zoom = (el) => (el.currentCSSZoom === undefined ? 1 : el.currentCSSZoom);
  const out = {};
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const labels = Array.from(gd.querySelectorAll('.yaxislayer-above .ytick text'));
    out[gd.id] = {
      zoom: zoom(gd),
      rows: labels.map((t) => ({text: t.textContent, box: box(t),
                                lines: Array.from(t.querySelectorAll('tspan.line')).map(box)})),
      legend: Array.from(gd.querySelectorAll('.legend .traces text.legendtext')).map((t) => ({
        text: t.textContent,
        px: parseFloat(getComputedStyle(t).fontSize) * zoom(t),
        box: box(t),
      })),
      plot: box(gd.querySelector('.main-svg')),
      // the texts drawn in the plot (the timeline's phase titles, the report-date label), each
      // run (a line of a title wrapped on two) at its own size, and the bars' boxes
      annotations: Array.from(gd.querySelectorAll('.annotation-text')).map((t) => ({
        text: t.textContent,
        box: box(t),
        px: Math.min(...[t, ...t.querySelectorAll('tspan')].filter((r) => r.textContent.trim())
          .map((r) => parseFloat(getComputedStyle(r).fontSize))) * zoom(t),
      })),
      bars: Array.from(gd.querySelectorAll('.barlayer .point path')).map(box)
        .filter((b) => b[2] > b[0] && b[3] > b[1]),
      // every run of text of the row labels and date ticks, at its own size (a label's lines
      // are tspans with their own font-size)
      labels: Array.from(gd.querySelectorAll('.xtick text, .ytick text')).flatMap((t) => {
        const runs = Array.from(t.querySelectorAll('tspan')).filter((r) => r.textContent.trim()
          && !r.querySelector('tspan'));
        return (runs.length ? runs : [t]).map((r) => ({
          text: r.textContent,
          px: parseFloat(getComputedStyle(r).fontSize) * zoom(t),
        }));
      }),
    };
  }
  const caption = document.querySelector('figure.chart figcaption');
  out.caption = caption ? getComputedStyle(caption).color : null;
  return JSON.stringify(out);
})()"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reports' HTML for three dates in both languages (the PDF prints this HTML)."""
    if shutil.which("chromium") is None:  # pragma: no cover - the project's machines have one
        pytest.skip("no chromium")
    out = tmp_path_factory.mktemp("chart-layout")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "analysis", "build", "--as-of", ",".join(DATES)]
    command += ["--format", "html", "--out", str(out), "--jobs", "1", "--quiet"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return out


@pytest.fixture(scope="module")
def chromium() -> Any:
    with Chromium(shutil.which("chromium") or "chromium", timeout_s=60) as browser:
        yield browser


VIEWS = [
    (date, lang, width, media)
    for date in DATES
    for lang in ("en", "ar")
    for width, media in ((1100, "screen"), (PRINT_WIDTH_PX, "print"))
]
VIEW_IDS = [f"{date}-{lang}-{media}" for date, lang, _, media in VIEWS]


@pytest.fixture(scope="module")
def measured(built: Path, chromium: Chromium) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {
        (date, lang, media): measure(
            chromium,
            built / date / lang / "drawdown-report.html",
            width=width,
            media=media,
            script=ROWS,
        )
        for date, lang, width, media in VIEWS
    }


@pytest.mark.parametrize("view", [v[:2] + v[3:] for v in VIEWS], ids=VIEW_IDS)
def test_row_labels_of_the_deadline_chart_never_touch(measured, view) -> None:
    """Editor B1, Arabic editor S4: "… declared complete 18 January 2026" sat on "Ain al-Asad
    Air Base"; «وإعلان الاكتمال في 18 كانون الثاني 2026» on «قاعدة عين الأسد الجوية»."""
    chart = measured[view]["chart-promise"]
    rows = chart["rows"]
    assert len(rows) == 5, [r["text"] for r in rows]  # the shipped data: five deadlines
    # every line of every label is drawn (a label is several lines: location, name, status)
    assert all(len(r["lines"]) >= 3 for r in rows), [r["text"] for r in rows]
    scale = chart["zoom"]
    for a, b in itertools.combinations(rows, 2):
        assert not overlap(a["box"], b["box"], slack=0), (a["text"], b["text"])
        for la, lb in itertools.product(a["lines"], b["lines"]):
            assert not overlap(la, lb, slack=0), (a["text"], b["text"])
    ordered = sorted(rows, key=lambda r: r["box"][1])
    for upper, lower in itertools.pairwise(ordered):
        gap = (lower["box"][1] - upper["box"][3]) / scale
        assert gap >= MIN_GAP_PX, f"{gap:.1f} px between {upper['text']!r} and {lower['text']!r}"
    # and each label stays inside the figure
    svg = chart["plot"]
    for r in rows:
        assert svg[1] - 1 <= r["box"][1] and r["box"][3] <= svg[3] + 1, r["text"]
        assert svg[0] - 1 <= r["box"][0] and r["box"][2] <= svg[2] + 1, r["text"]


@pytest.mark.parametrize("view", [v[:2] + v[3:] for v in VIEWS], ids=VIEW_IDS)
def test_legend_text_is_at_least_seven_and_a_half_points_in_print(measured, view) -> None:
    """Editor B2: the legends were set at about 5 pt in the PDF. Every entry of both charts'
    legends is at least 7.5 pt as printed (ROUND7 decision 9); each is drawn once ("Outcome
    unknown" once)."""
    media = view[2]
    for name in ("chart-promise", "chart-gantt"):
        legend = measured[view][name]["legend"]
        assert len(legend) >= 4, name
        for entry in legend:
            if media == "print":
                assert entry["px"] >= LEGEND_PT_PX, (name, entry["text"], entry["px"] * 0.75)
            else:
                assert entry["px"] >= 14, (name, entry["text"], entry["px"])
        texts = [e["text"] for e in legend]
        assert len(texts) == len(set(texts)), (name, texts)
        # (boxes are the fonts' line boxes: Naskh's, 1.7 em tall, overlap the next legend row's
        # by a few pixels where no ink is; an entry drawn on another is far more)
        for a, b in itertools.combinations(legend, 2):
            assert not overlap(a["box"], b["box"], slack=4), (name, a["text"], b["text"])


@pytest.mark.parametrize("view", [v[:2] + v[3:] for v in VIEWS], ids=VIEW_IDS)
def test_row_labels_are_flush_on_the_reading_side(measured, view) -> None:
    """Arabic editor N20: the Arabic row labels (right of the plot) were set flush left,
    ragged on the right, the side an Arabic reader starts from. Every line of every row label
    of the deadline chart now ends at one right edge: in Arabic the reading side, in English
    (labels left of the plot, plotly's own setting) the plot's side."""
    rows = measured[view]["chart-promise"]["rows"]
    lines = [line for r in rows for line in r["lines"]]
    assert len(lines) >= 15, rows
    edges = [line[2] for line in lines]
    assert max(edges) - min(edges) <= 1.5, (view, sorted(edges)[:3], sorted(edges)[-3:])


@pytest.mark.parametrize("view", [v[:2] + v[3:] for v in VIEWS], ids=VIEW_IDS)
def test_row_and_tick_labels_are_at_least_eight_points_in_print(measured, view) -> None:
    """Arabic editor N11, ROUND7 decision 9: the row labels were 5.3-6.2 pt in the PDF. Every
    run of every row label (site, row name, status) and date tick of both charts is at least
    8 pt as printed, on screen at least 16 px."""
    least = LABEL_PT_PX if view[2] == "print" else 16
    for name in ("chart-promise", "chart-gantt"):
        labels = measured[view][name]["labels"]
        assert len(labels) >= 10, (name, labels)
        small = [(lb["text"], round(lb["px"] * 0.75, 1)) for lb in labels if lb["px"] < least]
        assert not small, (name, small)


def contrast(rgb: str) -> float:
    """The WCAG contrast ratio of a CSS ``rgb(…)`` colour against white."""

    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (float(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (lum + 0.05)


@pytest.mark.parametrize("view", [v[:2] + v[3:] for v in VIEWS], ids=VIEW_IDS)
def test_the_chart_caption_meets_the_contrast_minimum(measured, view) -> None:
    """Arabic editor N11: the caption was light grey. ROUND7 decision 9: at least 4.5:1."""
    colour = measured[view]["caption"]
    assert colour and contrast(colour) >= 4.5, colour


@pytest.mark.parametrize("view", [v[:2] + v[3:] for v in VIEWS], ids=VIEW_IDS)
def test_the_timelines_in_bar_labels_are_at_least_seven_points_in_print(measured, view) -> None:
    """Arabic editor nit 13: the timeline's phase titles («الخروج من بغداد», «الولاية الأخيرة
    ليونامي», «▶ المهمة العسكرية للتحالف في العراق (منذ 2014)») were about 5 pt in the PDF.
    ROUND8 decision 12: every one (and the "Publication date" label) is at least 7 pt as
    printed, on screen at least 15 px; the lanes grew so that none touches a bar."""
    chart = measured[view]["chart-gantt"]
    labels, bars = chart["annotations"], chart["bars"]
    # the shipped data: five phases, each titled above its bar, and the report-date label
    assert len(labels) >= 6, [lb["text"] for lb in labels]
    assert len(bars) >= 5, bars
    least = IN_BAR_PT_PX if view[2] == "print" else 15
    small = [(lb["text"], round(lb["px"] * 0.75, 1)) for lb in labels if lb["px"] < least]
    assert not small, small
    for lb in labels:
        for b in bars:
            assert not overlap(lb["box"], b, slack=0), (lb["text"], lb["box"], b)
