"""Charts leave as HTML fragments (for the report pages) or as PNG/SVG images (via Chromium).

**Deterministic output.** No random ids: the plot div is ``chart-<name>``; the same inputs give
byte-identical HTML, so reports can be diffed and cached.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from analysis.charts.style import CONFIG, Chart, plain
from analysis.narrative.house import _glue_dates, _glue_names

if TYPE_CHECKING:  # pragma: no cover - typing only; the browser is imported when needed
    from analysis.browser import Browser

#: plotly.js "basic" (bar, scatter, pie: all these charts use), the same release as the
#: bundle plotly.py ships. 1.2 MB instead of 4.8 MB: every report page parses it, and
#: parsing the full bundle was 90 % of a report's load and print time (measured 1.41 s
#: of 1.47 s). From npm (plotly.js-basic-dist-min); `make vendor-plotly` refreshes it.
PLOTLY_BASIC_JS = Path(__file__).resolve().parent.parent / "vendor" / "plotly-basic.min.js"
PLOTLY_TRACE_TYPES = frozenset({"bar", "scatter", "pie"})


@cache
def plotly_js() -> str:
    """The plotly.js source the reports inline once per page."""
    return PLOTLY_BASIC_JS.read_text(encoding="utf-8")


#: Arabic row and lane labels (to the plot's right) set flush right, one right edge for all:
#: plotly sets a label's lines flush left, ragged on the reading side (Arabic editor N20).
#: Run after every drawing of the chart (plotly redraws on resize).
_ALIGN_RIGHT = """<script>(function () {
  var gd = document.getElementById("{id}");
  if (!gd || !gd.on) return;
  function align() {
    var texts = gd.querySelectorAll(".yaxislayer-above .ytick text");
    var edge = -Infinity, parts = [];
    texts.forEach(function (t) {
      var lines = t.querySelectorAll("tspan.line");
      lines = lines.length ? Array.prototype.slice.call(lines) : [t];
      // plotly's own x, unless this label still has the x set here last time
      var x = t.getAttribute("x") || "0";
      var x0 = parseFloat(x === t.getAttribute("data-edge") ? t.getAttribute("data-x0") : x);
      t.setAttribute("data-x0", x0);
      lines.forEach(function (l) {
        edge = Math.max(edge, x0 + l.getComputedTextLength());
      });
      parts.push([t, lines]);
    });
    parts.forEach(function (p) {
      p[0].setAttribute("text-anchor", "end");
      p[0].setAttribute("x", edge);
      p[0].setAttribute("data-edge", String(edge));
      p[1].forEach(function (l) { l.setAttribute("x", edge); });
    });
  }
  gd.on("plotly_afterplot", align);
  align();
})();</script>
"""


def figure_html(chart: Chart) -> str:
    """The chart as an HTML fragment: ``<figure>`` with the interactive plot and a caption.

    The plot div is ``chart-<name>`` (no random id, so the same chart gives the same bytes);
    plotly.js itself is not included (the report inlines it once per page); the plotly toolbar
    is off (``displayModeBar: false``): a published page is not a workbench. The figure is
    described by its caption (the escaped alt text) through ``aria-describedby``; it is not
    ``role="img"`` because the plot is interactive.
    """
    div_id = f"chart-{chart.name}"
    caption_id = f"{div_id}-caption"
    height = chart.figure.layout.height
    # exported reports carry no toolbar (editor D42); JupyterLab draws the plotly JSON with
    # its own toolbar, which analysts keep
    config = {**CONFIG, "displayModeBar": False}
    plot = chart.figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        config=config,
        default_width="100%",
        default_height=f"{int(height)}px" if height else "100%",
    )
    # the title and the line under it (the date) as a reader hears them: "Deadlines and what
    # happened — Events to 31 March 2026 (…)", not run together (English editor nit 22)
    if chart.lang == "ar":
        plot += _ALIGN_RIGHT.replace("{id}", div_id)
    title = " — ".join(
        part
        for part in (plain(p) for p in (chart.figure.layout.title.text or "").split("<br>"))
        if part
    )
    direction = "rtl" if chart.lang == "ar" else "ltr"
    name = html.escape(chart.name)
    caption = _glue_names(html.escape(_glue_dates(chart.alt_text)))
    return (
        f'<figure class="chart chart-{name}" id="figure-{name}"'
        f' lang="{html.escape(chart.lang)}" dir="{direction}"'
        f' aria-label="{html.escape(title)}" aria-describedby="{caption_id}">\n'
        f"{plot}\n"
        # a name never breaks at its hyphen ("Ain al-/Asad"), nor a date at its spaces ("of 4 /
        # March 2026", English editor nit 28), as in the narrative
        f'<figcaption id="{caption_id}">{caption}</figcaption>\n'
        "</figure>\n"
    )


def export_image(
    chart: Chart,
    path: Path,
    *,
    fmt: Literal["png", "svg"] = "png",
    width: int = 1100,
    height: int | None = None,
    browser: Browser | None = None,
) -> Path:
    """Write the chart as PNG (at twice the size, for print) or SVG through the system Chromium.

    Not kaleido: it downloads its own browser, which this machine cannot. Pass ``browser`` to
    reuse one Chromium for many images; otherwise one is started and closed here. ``height``
    defaults to the figure's own height, which the chart sizes to its number of lanes.
    """
    from analysis.browser import Browser  # Chromium's client loads only when an image is made

    height = height or int(chart.figure.layout.height or 600)
    path = Path(path)
    figure_json = chart.figure.to_json()
    if browser is not None:
        return browser.figure_to_image(
            figure_json, path, fmt=fmt, width=width, height=height, plotly_js=plotly_js()
        )
    with Browser() as own:
        return own.figure_to_image(
            figure_json, path, fmt=fmt, width=width, height=height, plotly_js=plotly_js()
        )
