"""The frame both charts share: the date axis and its ticks, the lane axis, title and legend.

Tick labels are explicit (``tickvals``/``ticktext`` from CLDR month names) because plotly.js only
writes English months. The figure's top holds, from the edge down: a strip for the toolbar
(:data:`~analysis.charts.style.TOOLBAR_PX`), the title, then the "as of" label above the plot,
so neither the toolbar nor the as-of label ever sits on the title, in either direction.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from analysis.charts.style import (
    FONT_STACK,
    PALETTE,
    PROJECT_TEMPLATE,
    TOOLBAR_PX,
    iso,
    line,
    wrapped,
)
from analysis.charts.style import plain as plain_text
from analysis.dates import PartialDate
from analysis.i18n import Locale, format_date, month_name

#: Title (18 px, the date beneath it at 13 px) below the toolbar strip, then the as-of label
#: row above the plot.
TITLE_PX = 48
AS_OF_ROW_PX = 26
MARGIN_TOP = TOOLBAR_PX + TITLE_PX + AS_OF_ROW_PX
#: The line under a chart's title (its date): smaller, and grey like the report's subtitle.
_SUBTITLE_STYLE = f"font-size:13px;color:{PALETTE['muted']}"
#: The plot's width, less the lane labels, on a desktop screen (the report column is at most
#: 60 rem) and in print (the charts are laid out about 1060 px wide and printed at 64 %, see
#: report.css): decisions about room for text (labels beside the report-date line) use it.
PRINT_PLOT_PX = 680
#: In print the charts are scaled to 64 % (report.css), so the two fit one A4 page: the page's
#: 680 px hold a figure laid out about 1060 px wide, whose legend has room for this much (as on a
#: desktop screen, where the report column is at most 60 rem).
LEGEND_PLOT_PX = 700


#: Tick steps tried in turn, in months; the first that gives at most ``max_ticks`` labels wins.
_TICK_MONTHS = (1, 2, 3, 4, 6, 12, 24, 60, 120)


def date_ticks(
    x0: dt.date, x1: dt.date, loc: Locale, max_ticks: int = 6
) -> tuple[list[str], list[str]]:
    """Tick positions and localized labels, few enough to stay level and apart at the printed
    width (about 90 px a label; plotly would tilt or drop them): months with their year while
    the step is under a year, else years."""
    first = x0.year * 12 + x0.month - 1 + (x0.day > 1)  # the first whole month in the window
    last = x1.year * 12 + x1.month - 1
    for step in _TICK_MONTHS:
        months = [m for m in range(first, last + 1) if m % step == 0]
        if len(months) <= max_ticks:
            break
    vals, texts = [], []
    for m in months:
        year, month = divmod(m, 12)
        vals.append(iso(dt.date(year, month + 1, 1)))
        year_text = format_date(PartialDate(year), loc)
        texts.append(year_text if step >= 12 else f"{month_name(month + 1, loc)}<br>{year_text}")
    return vals, texts


def x_axis(x0: dt.date, x1: dt.date, loc: Locale, reverse: bool) -> dict[str, Any]:
    """The date axis over ``[x0, x1]``, mirrored when time runs right to left."""
    vals, texts = date_ticks(x0, x1, loc)
    return {
        "type": "date",
        # autorange within fixed bounds, rather than a fixed range: "reset axes" returns here.
        "autorange": "reversed" if reverse else True,
        # clip + include pins the autorange to exactly [x0, x1]; plotly.js 4.1 draws an empty
        # axis when minallowed/maxallowed are dates (tried).
        "autorangeoptions": {"clipmin": iso(x0), "clipmax": iso(x1), "include": [iso(x0), iso(x1)]},
        "tickmode": "array",
        "tickvals": vals,
        "ticktext": texts,
        "tickangle": 0,
    }


def lane_axis(
    loc: Locale,
    span: tuple[float, float],
    vals: Sequence[float],
    texts: Sequence[str],
    **extra: Any,
) -> dict[str, Any]:
    """The categorical axis as positions: labels at ``vals``, on the reading side."""
    return {
        "range": list(span),
        "tickmode": "array",
        "tickvals": list(vals),
        "ticktext": list(texts),
        "side": "right" if loc.lang == "ar" else "left",
        "fixedrange": True,
        **extra,
    }


def frame(
    loc: Locale,
    title: str,
    data: Sequence[dict[str, Any]],
    *,
    plot_px: float,
    subtitle: str = "",
) -> dict[str, Any]:
    """The layout both charts share: language, side, title, legend, hover alignment, and a
    height that fits the toolbar strip, the title, the plot (``plot_px``), the date ticks and
    the legend below them."""
    rtl = loc.lang == "ar"
    fit_legend_names(data, loc)
    names = [t["name"] for t in data if t.get("showlegend", True) and t.get("name")]
    grid = legend_grid(names, loc.lang)
    margin_bottom = _TICKS_PX + _LEGEND_ROW_PX * grid.rows + grid.extra_px
    height = int(MARGIN_TOP + plot_px + margin_bottom)
    return {
        "template": PROJECT_TEMPLATE,
        "font": {"family": FONT_STACK[loc.lang]},
        "title": {
            # the date on a line of its own (a narrow screen, 420 px, shows the whole title),
            # smaller and grey: a subtitle, not part of the title (English editor nit 22)
            "text": line(title, loc)
            + (
                f'<br><span style="{_SUBTITLE_STYLE}">{line(subtitle, loc)}</span>'
                if subtitle
                else ""
            ),
            "x": 0.99 if rtl else 0.01,
            "xanchor": "right" if rtl else "left",
            "y": round(1 - TOOLBAR_PX / height, 4),
            "yanchor": "top",
        },
        "height": height,
        "margin": {"t": MARGIN_TOP, "b": margin_bottom},
        # Plotly wraps a horizontal legend at the plot's width: in columns of a fixed width,
        # its rows are known here and the figure's height holds them at the printed width. On
        # one row, reversing the order lets an Arabic reader meet the first item first.
        "legend": {
            "x": 1 if rtl else 0,
            "xanchor": "right" if rtl else "left",
            "entrywidth": grid.entry_px,
            "entrywidthmode": "pixels",
            "traceorder": "reversed" if rtl and grid.rows == 1 else "normal",
        },
        "hoverlabel": {
            "align": "right" if rtl else "left",
            "font": {"family": FONT_STACK[loc.lang]},
        },
    }


#: The legend's type size (``PROJECT_TEMPLATE``), a legend row's height and what each further
#: line of a two-line entry adds, at that size.
LEGEND_FONT_PX = PROJECT_TEMPLATE.layout.legend.font.size
_LEGEND_ROW_PX = round(1.5 * LEGEND_FONT_PX)  # measured in Chromium: 22.5 px at 15 px
_LEGEND_LINE_PX = round(1.3 * LEGEND_FONT_PX)
#: Below the plot, above the legend: the date ticks (month and year on two lines, 17 px).
_TICKS_PX = 68


def _small(value: str) -> str:
    return f'<span style="font-size:13px">{value}</span>'


@dataclass(frozen=True)
class LegendGrid:
    """A legend's layout: entries whose text is ``entry_px`` wide, ``rows`` of them."""

    entry_px: int
    rows: int
    extra_px: int = 0


#: Pixels a character of legend text takes, measured in Chromium at 11 px (5.6 and 4.1: Noto
#: Sans and Noto Naskh Arabic) and scaled to the legend's size; and what an entry adds to its
#: text (symbol, gaps).
_LEGEND_CHAR_PX = {"en": 5.6 * LEGEND_FONT_PX / 11, "ar": 4.1 * LEGEND_FONT_PX / 11}
_LEGEND_ENTRY_PX = 50


def legend_grid(names: Sequence[str], lang: str, plot_px: int = LEGEND_PLOT_PX) -> LegendGrid:
    """The columns and rows of a horizontal legend at the printed width: plotly wraps it at the
    plot's width, every column as wide as the widest entry (``entrywidth``). Names longer than
    a third of the width are on two lines (:func:`fit_legend_names`), so there are always
    three columns; ``extra_px`` is what their second lines add."""
    lines = [plain_text(name.replace("<br>", "\n")).split("\n") for name in names] or [[""]]
    chars = [max(len(part) for part in parts) for parts in lines]
    text_px = math.ceil(max(chars) * _LEGEND_CHAR_PX[lang]) + 4
    per_row = max(1, plot_px // (text_px + _LEGEND_ENTRY_PX))
    rows = [lines[i : i + per_row] for i in range(0, len(lines), per_row)]
    extra = sum(_LEGEND_LINE_PX * (max(len(parts) for parts in row) - 1) for row in rows)
    return LegendGrid(text_px, len(rows), extra)


def legend_cap(lang: str, plot_px: int = LEGEND_PLOT_PX) -> int:
    """The most characters a legend line may hold for three columns to fit the width."""
    return int((plot_px // 3 - _LEGEND_ENTRY_PX - 4) / _LEGEND_CHAR_PX[lang])


def fit_legend_names(data: Sequence[dict[str, Any]], loc: Locale) -> None:
    """Put a legend name longer than a third of the width on two lines (in place)."""
    cap = legend_cap(loc.lang)
    for trace in data:
        name = trace.get("name")
        if not name or not trace.get("showlegend", True) or "<br>" in name:
            continue
        flat = plain_text(name)
        if len(flat) <= cap:
            continue
        parts = wrapped(flat, cap, 2)
        trace["name"] = "<br>".join(line(html.escape(part, quote=False), loc) for part in parts)
