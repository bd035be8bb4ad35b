"""The charts' look and words: colours, fonts, the plotly template, and the text helpers.

Colours, fonts, marker symbols and opacities come from ``labels/chart_style.json``; every chart
string comes from the one label catalogue, ``labels/labels.json``, under ``chart.*`` keys.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import plotly.graph_objects as go

from analysis.i18n import Locale, count, format_number, isolate_ltr, label, phrase
from analysis.paths import LABELS_DIR

#: Colours, fonts, marker symbols and opacities ("display settings are data", STYLE.md).
CHART_STYLE_FILE = LABELS_DIR / "chart_style.json"

RLI, PDI = "\u2067", "\u2069"
DAY_MS = 86_400_000


@cache
def _style() -> dict[str, Any]:
    with CHART_STYLE_FILE.open(encoding="utf-8") as f:
        return json.load(f)


#: Okabe–Ito colours by role ("actual", "planned", "slip", "deadline", "superseded", …) and by
#: point-event kind ("agreement", "statement", …); from ``labels/chart_style.json``.
PALETTE: dict[str, str] = dict(_style()["palette"])
#: CSS font stacks naming the fonts the PDF embeds (Noto Naskh Arabic / Amiri for Arabic).
FONT_STACK: dict[str, str] = dict(_style()["fonts"])
SYMBOLS: dict[str, str] = dict(_style()["milestone_symbols"])
OPACITY: dict[str, float] = dict(_style()["opacity"])

#: One look for every chart: print-friendly (white background, light grid, horizontal legend
#: at the bottom so the plot keeps the page width), readable hover labels.
PROJECT_TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": FONT_STACK["en"], "size": 13, "color": PALETTE["text"]},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": [
            PALETTE[k]
            for k in (
                "actual",
                "slip",
                "on_time",
                "announcement",
                "statement",
                "planned",
                "incident",
                "deadline",
            )
        ],
        "margin": {"l": 24, "r": 24, "t": 96, "b": 96, "pad": 4},
        "title": {
            "font": {"size": 18},
            "x": 0,
            "xanchor": "left",
            "yanchor": "top",
            "yref": "container",
        },
        "hoverlabel": {
            "bgcolor": "white",
            "bordercolor": PALETTE["axis"],
            "font": {"size": 12, "color": PALETTE["text"]},
            "namelength": -1,
        },
        "hovermode": "closest",
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 0.01,
            "yanchor": "bottom",
            "yref": "container",
            # printed at 64 % (report.css): 16 px is 7.7 pt on paper, never less than 7.5 pt
            # (editor B2, ROUND7 decision 9; tests/test_chart_layout.py measures it in print)
            "font": {"size": 16},
            "itemclick": "toggle",
            "bgcolor": "rgba(255,255,255,0)",
            "tracegroupgap": 4,
        },
        "xaxis": {
            "showgrid": True,
            "gridcolor": PALETTE["grid"],
            "gridwidth": 1,
            "showline": True,
            "linecolor": PALETTE["axis"],
            "ticks": "outside",
            "tickcolor": PALETTE["axis"],
            "zeroline": False,
            "automargin": True,
            # printed at 64 %: 17 px is 8.2 pt, never less than 8 pt (ROUND7 decision 9)
            "tickfont": {"size": 17},
        },
        "yaxis": {
            "showgrid": False,
            "zeroline": False,
            "showline": False,
            "ticks": "",
            "automargin": True,
            "tickfont": {"size": 18},
        },
    }
)

#: plotly's config. The toolbar shows on hover only, in a strip of its own above the title
#: (see :data:`TOOLBAR_PX`), and never in print (report.css).
CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "displayModeBar": "hover",
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
}
#: Height of the strip at the top of every figure that only the toolbar uses: the title starts
#: below it, so the toolbar (2 px from the edge, 32 px high; on the side away from the title,
#: report.css) never covers it, even where Arabic glyphs rise above the title's line.
TOOLBAR_PX = 40


@dataclass(frozen=True)
class Chart:
    """A figure with what a page needs around it: a fixed id and a sentence for screen readers.

    ``alt_text`` is plain (unescaped) text; :func:`~analysis.charts.figure_html` escapes it.
    """

    name: str
    figure: go.Figure
    alt_text: str
    lang: str


# --------------------------------------------------------------------------- text


def esc(text: str) -> str:
    """Make a data string inert in plotly text (plotly draws a subset of HTML everywhere)."""
    return html.escape(text, quote=False)


def text(key: str, loc: Locale, **values: str) -> str:
    """The chart string ``chart.<key>`` from the label catalogue, its ``{fields}`` filled."""
    return phrase(f"chart.{key}", loc, **values)


def line(value: str, loc: Locale) -> str:
    """One line of chart text in its own right-to-left context when the report is Arabic."""
    return f"{RLI}{value}{PDI}" if loc.lang == "ar" else value


def lines(values: Iterable[str], loc: Locale) -> str:
    """Hover or note lines joined with plotly's ``<br>``; empty lines are dropped."""
    return "<br>".join(line(v, loc) for v in values if v)


def sentence_case(value: str, loc: Locale) -> str:
    """English chart notes start with a capital, whatever phrase they came from."""
    return value[:1].upper() + value[1:] if loc.lang == "en" else value


#: Words a line must not end with: a line break after them splits a phrase ("ضد / داعش").
_BINDING = frozenset(
    "a an the of in at on to for from against with and or by under about within "
    "original first minimum conditional firm revised new final "
    "في من إلى على عن ضد مع حول بين لدى عند حتى و".split()
)
#: Words a line must not start with: adjectives that follow their noun ("الموعد / النهائي").
_FOLLOWERS = frozenset(
    "النهائي النهائية الأصلي الأصلية الدولي الدولية العسكرية العسكري الجوية المشتركة "
    "الأمريكية الأميركية المعتمد السابق".split()
)
#: Words a line may well start with: a phrase boundary ("… / in Iraq", "… / في العراق").
_STARTERS = frozenset(
    "in at on for from against with under within في من إلى على عن ضد مع لدعم حول بين".split()
)


def _break_cost(words: list[str], i: int) -> int:
    """What breaking before ``words[i]`` costs: least after a colon, little at a phrase
    boundary, more inside one, and too much inside a date or between a number and its noun
    ("11 / شباط", "September / 2025", "110 / days")."""
    before, after = _INVISIBLE.sub("", words[i - 1]), _INVISIBLE.sub("", words[i])
    if before.lower() in _BINDING or after in _FOLLOWERS or after.startswith(")"):
        return 100
    # a day or a count ends the word before (a year may end a line), or a year starts the next
    if re.search(r"(?<![\d,.])\d{1,3}$", before) or re.fullmatch(r"\d{4}\W*", after):
        return 100
    if before.endswith((":", "؛")):
        return -6
    if before.endswith((",", "،", ")")) or after.startswith("(") or after.lower() in _STARTERS:
        return 0
    return 8


def wrapped(value: str, width: int, max_lines: int) -> list[str]:
    """``value`` in lines of at most ``width`` characters, broken between phrases rather than
    inside one ("… against ISIS / in Iraq", never "… against / ISIS in Iraq"), at most
    ``max_lines`` of them; the last line ends with "…" when text was cut. Plain text: escape
    each line afterwards."""
    words = value.split()
    if _visible(value) <= width:
        return [value]
    if 2 <= len(words) <= _MAX_WORDS and _visible(value) < max_lines * (width + 1):
        best = _best_breaks(words, width, max_lines)
        if best is not None:
            bounds = [0, *best, len(words)]
            return [" ".join(words[i:j]) for i, j in itertools.pairwise(bounds)]
    return _cut_lines(textwrap.wrap(value, width) or [""], width, max_lines)


#: Labels longer than this many words are wrapped greedily (the search is over break sets).
_MAX_WORDS = 16


def _best_breaks(words: list[str], width: int, max_lines: int) -> tuple[int, ...] | None:
    """The break positions (indexes of the words that start a line) that fit ``width`` at the
    least cost: fewest lines first, then the fewest breaks inside a phrase, then balance."""
    best: tuple[int, tuple[int, ...]] | None = None
    for n in range(1, max_lines):
        for breaks in itertools.combinations(range(1, len(words)), n):
            bounds = [0, *breaks, len(words)]
            lengths = [_visible(" ".join(words[i:j])) for i, j in itertools.pairwise(bounds)]
            if max(lengths) > width:
                continue
            cost = sum(_break_cost(words, i) for i in breaks) + (max(lengths) - min(lengths)) // 4
            if best is None or cost < best[0]:
                best = (cost, breaks)
        if best is not None and best[0] < 100:
            return best[1]
    return best[1] if best is not None else None


def _visible(value: str) -> int:
    """Characters that take room: bidi isolates and marks take none."""
    return len(_INVISIBLE.sub("", value))


_INVISIBLE = re.compile("[\u200e\u200f\u2066-\u2069]")


def _cut_lines(parts: list[str], width: int, max_lines: int) -> list[str]:
    if len(parts) > max_lines:
        parts = [*parts[: max_lines - 1], parts[max_lines - 1][: width - 1].rstrip() + "…"]
    return parts


def cut(value: str, chars: int) -> str:
    """``value`` cut to at most ``chars`` characters, ending with "…" when it was cut."""
    return value if len(value) <= chars else value[: chars - 1].rstrip() + "…"


def plain(value: str) -> str:
    """Chart text without plotly markup or isolates: for aria-label and width estimates."""
    value = re.sub(r"<[^>]+>", " ", value.replace("<br>", " "))
    return html.unescape(value.replace(RLI, "").replace(PDI, "")).strip()


def label_or(key: str, loc: Locale, fallback: str) -> str:
    """A value label, or the raw value escaped when the catalogue does not know it."""
    try:
        return label(key, loc)
    except KeyError:
        return esc(fallback)


def status_label(status: str, loc: Locale) -> str:
    """A status as the charts name it (Arabic verbal nouns, which agree with any noun)."""
    return label_or(f"chart.status.{status}", loc, status)


def duration(days: Any, loc: Locale) -> str:
    """A day count for a template's ``{duration}``: "15 days", or "57–110 days" for a range.

    ``days`` is an ``int`` or a day range with ``low``/``high`` (exact when they are equal).
    """
    low, high = _bounds(days)
    if low == high:
        return count(low, "day", loc, case="oblique")
    number = format_number(low, loc)
    if loc.lang == "ar":
        number = isolate_ltr(number, html=False)
    return text("days_between", loc, low=number, high=count(high, "day", loc, case="oblique"))


def duration_ranging(days: Any, loc: Locale) -> str:
    """A day count after «ب» in a caption: a range as «ما بين 57 و110 أيام», not «57 إلى 110
    أيام» (round-4 Arabic editor N22, round-10 N5); English "57–110 days", as :func:`duration`."""
    low, high = _bounds(days)
    if low == high:
        # «بـ15 يومًا»: the caption's «ب» is joined to a figure by a tatweel
        return ("ـ" if loc.lang == "ar" else "") + duration(days, loc)
    number = format_number(low, loc)
    if loc.lang == "ar":
        number = isolate_ltr(number, html=False)
    return text("days_ranging", loc, low=number, high=count(high, "day", loc, case="oblique"))


def _bounds(days: Any) -> tuple[int, int]:
    if isinstance(days, int):
        return days, days
    return max(0, int(days.low)), max(0, int(days.high))


def iso(day: dt.date) -> str:
    """A day as plotly takes it on a date axis."""
    return day.isoformat()


@cache
def mid(value: Any) -> dt.date:
    """Where a point event is drawn: the middle of the period its date is known to."""
    first, last = value.first_day(), value.last_day()
    return first + (last - first) // 2
