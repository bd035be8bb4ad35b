"""The frame both charts share: the date axis and its ticks, the lane axis, title and legend.

Tick labels are explicit (``tickvals``/``ticktext`` from CLDR month names) because plotly.js only
writes English months. The figure's top holds, from the edge down: a strip for the toolbar
(:data:`~analysis.charts.style.TOOLBAR_PX`), the title, then the "as of" label above the plot,
so neither the toolbar nor the as-of label ever sits on the title, in either direction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from analysis.charts.style import FONT_STACK, PROJECT_TEMPLATE, TOOLBAR_PX, iso, line
from analysis.charts.style import plain as plain_text
from analysis.dates import PartialDate
from analysis.i18n import Locale, format_date, month_name

#: Title (18 px, one line) below the toolbar strip, then the as-of label row above the plot.
TITLE_PX = 30
AS_OF_ROW_PX = 26
MARGIN_TOP = TOOLBAR_PX + TITLE_PX + AS_OF_ROW_PX
#: The printed report is about 680 px wide; the plot, less the lane labels, about this much.
#: Decisions about room for text (notes, labels) are made for print, the narrowest case.
PRINT_PLOT_PX = 470


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
    loc: Locale, title: str, data: Sequence[dict[str, Any]], *, plot_px: float
) -> dict[str, Any]:
    """The layout both charts share: language, side, title, legend, hover alignment, and a
    height that fits the toolbar strip, the title, the plot (``plot_px``), the date ticks and
    the legend below them."""
    rtl = loc.lang == "ar"
    names = [t["name"] for t in data if t.get("showlegend", True) and t.get("name")]
    rows = legend_rows(names)
    margin_bottom = 58 + 24 * rows
    height = int(MARGIN_TOP + plot_px + margin_bottom)
    return {
        "template": PROJECT_TEMPLATE,
        "font": {"family": FONT_STACK[loc.lang]},
        "title": {
            "text": line(title, loc),
            "x": 0.99 if rtl else 0.01,
            "xanchor": "right" if rtl else "left",
            "y": round(1 - TOOLBAR_PX / height, 4),
            "yanchor": "top",
        },
        "height": height,
        "margin": {"t": MARGIN_TOP, "b": margin_bottom},
        # Plotly lays legend items out left to right; on one row, reversing the order lets an
        # Arabic reader meet the first item first, on the right.
        "legend": {
            "x": 1 if rtl else 0,
            "xanchor": "right" if rtl else "left",
            "traceorder": "reversed" if rtl and rows == 1 else "normal",
        },
        "hoverlabel": {
            "align": "right" if rtl else "left",
            "font": {"family": FONT_STACK[loc.lang]},
        },
    }


def legend_rows(names: Sequence[str], width_px: int = 640) -> int:
    """Rows a horizontal legend takes at the printed width, estimated from its entries.

    Plotly packs the entries on one row when they fit (about 40 px of symbol and gap plus 6 px
    a character at 12 px, in both scripts, measured); otherwise it lays them out in columns as
    wide as the widest entry.
    """
    widths = [40 + 6 * len(plain_text(name)) for name in names]
    if not widths or sum(widths) <= width_px:
        return 1
    per_row = max(1, width_px // max(widths))
    return math.ceil(len(widths) / per_row)


def text_days(chars: int, x0: dt.date, x1: dt.date, plot_px: float = PRINT_PLOT_PX) -> float:
    """How many days of the axis ``chars`` characters of 12 px text cover at the print width."""
    return (7.0 * chars + 16) * max((x1 - x0).days, 1) / plot_px
