"""The report's charts: a Gantt of the drawdown per site and a promise-versus-reality chart.

Both are plotly figures built from a :class:`~analysis.timeline.Timeline`, in the report's
language, composed from the same layers (:mod:`.layers`: as-of marker, "no data" zone, lane
bands, deadline marks, revision arrows, point-event markers, bars, range whiskers) in the same
frame (:mod:`.axes`: date axis, lane axis, title below the toolbar strip, legend). Modules:
:mod:`.style` (look and words), :mod:`.model` (what the charts read from the timeline),
:mod:`.hover`, :mod:`.marks` (point events: thinned and stacked), :mod:`.gantt`,
:mod:`.promise`, :mod:`.alt` (alternative text), :mod:`.output` (HTML and images).
Decisions common to all, with their reasons:

* **Escaping.** Plotly draws a subset of HTML in *every* string it shows (``<b>``, ``<br>``,
  ``<a href>``, ``<span style>``), in hover labels, tick labels, annotations and legends. A title
  holding ``<a href="javascript:…">`` would become a live link. Every string that comes from the
  data goes through :func:`~.style.esc` (``html.escape`` without quotes: plotly decodes
  ``&lt;``, ``&gt;``, ``&amp;`` and numeric entities, but would show ``&quot;`` literally).
* **Arabic.** Time runs right to left by mirroring the x axis (``autorange="reversed"``) and lane
  labels sit on the right; ``rtl_axis=False`` keeps Arabic labels with a left-to-right time axis.
  The report forces ``direction: ltr`` on the chart (PIPELINE-NOTES, "Arabic": otherwise plotly's
  text-measuring element clips labels), so each Arabic line is wrapped in RLI…PDI: without its own
  right-to-left context, Chromium lays out "المصدر: Reuters" with the Arabic label on the left.
  Browsers shape Arabic themselves; nothing is reshaped here. Status labels are verbal nouns
  («تجاوز الموعد النهائي»), which agree with any noun (مهمة، ولاية، مرحلة).
* **Dates keep their precision** in every hover ("September 2025", never "1 September 2025");
  a point event known to the month is drawn in the middle of its month; a date known only as a
  range (``A/B``) is drawn as a range.
* **Words are data.** Every chart string is a ``chart.*`` key of ``labels/labels.json``; colours,
  fonts and symbols are in ``labels/chart_style.json``.
"""

from __future__ import annotations

from analysis.charts.gantt import gantt_figure
from analysis.charts.output import (
    PLOTLY_BASIC_JS,
    PLOTLY_TRACE_TYPES,
    export_image,
    figure_html,
    plotly_js,
)
from analysis.charts.promise import promise_figure
from analysis.charts.style import (
    CHART_STYLE_FILE,
    FONT_STACK,
    PALETTE,
    PROJECT_TEMPLATE,
    Chart,
)

__all__ = [
    "CHART_STYLE_FILE",
    "FONT_STACK",
    "PALETTE",
    "PLOTLY_BASIC_JS",
    "PLOTLY_TRACE_TYPES",
    "PROJECT_TEMPLATE",
    "Chart",
    "export_image",
    "figure_html",
    "gantt_figure",
    "plotly_js",
    "promise_figure",
]
