"""The report's charts: a Gantt of the drawdown per site and a promise-versus-reality chart.

Both are plotly figures built from a :class:`~analysis.timeline.Timeline`, in the report's
language, and both look alike through :data:`PROJECT_TEMPLATE`. Decisions, with their reasons:

* **Escaping.** Plotly draws a subset of HTML in *every* string it shows (``<b>``, ``<br>``,
  ``<a href>``, ``<span style>``), in hover labels, tick labels, annotations and legends. A title
  holding ``<a href="javascript:…">`` would become a live link. Every string that comes from the
  data goes through :func:`_esc` (``html.escape`` without quotes: plotly decodes ``&lt;``,
  ``&gt;``, ``&amp;`` and numeric entities, but would show ``&quot;`` literally).
* **Lanes are positions, not categories.** A lane can hold several phases (Iraq: the coalition
  mission and UNAMI's mandate) and each phase needs its own row with its deadline markers on it;
  plotly cannot offset a scatter point inside a category. So the y axis is linear, lane labels
  are ``tickvals``/``ticktext`` (in lane order, top to bottom), and rows are fractions of a lane.
* **Arabic.** Time runs right to left by mirroring the x axis (``autorange="reversed"``) and lane
  labels sit on the right; ``rtl_axis=False`` keeps Arabic labels with a left-to-right time axis.
  The report forces ``direction: ltr`` on the chart (PIPELINE-NOTES, "Arabic": otherwise plotly's
  text-measuring element clips labels), so each Arabic line is wrapped in RLI…PDI: without its own
  right-to-left context, Chromium lays out "المصدر: Reuters" with the Arabic label on the left
  (checked in an export). Browsers shape Arabic themselves; nothing is reshaped here. The
  isolates that :func:`~analysis.i18n.count` puts around numbers render as nothing in the SVG.
* **Dates keep their precision** in every hover ("September 2025", never "1 September 2025");
  a point event known to the month is drawn in the middle of its month. Tick labels are explicit
  (``tickvals``/``ticktext`` from CLDR month names) because plotly.js only writes English months.
* **The time window** (:func:`_gantt_window`): a phase that started more than three years before
  the report date (the Iraq-wide mission, 2014) would squash everything else into a sliver, so
  the window opens three months before the earliest *other* phase start and closes two months
  after the later of the report date and the last deadline or end. Long phases are drawn clipped,
  labelled "◀ … (since 8 August 2014)". The window is the axis' autorange, so double-clicking
  the chart returns to it, and zooming out still shows everything.
* **Big data stays readable.** A lane with more than ``max_markers_per_lane`` point events is
  aggregated: one marker per kind and month (else quarter) while that is few enough, else one
  marker per period for all kinds (month, quarter, half-year, year, …), sized by its count, with
  the count per kind and the first titles in the hover. 10,000 events give about 50 markers
  per lane, and no event is lost (``customdata`` holds each marker's count).
* **Deterministic output.** No random ids: the plot div is ``chart-<name>``; the same inputs give
  byte-identical HTML, so reports can be diffed and cached.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import plotly.graph_objects as go

from analysis.dataset import Dataset, Event
from analysis.dates import PartialDate
from analysis.i18n import Locale, count, format_date, label, month_name, phrase
from analysis.paths import LABELS_DIR
from analysis.timeline import Deadline, PhaseState, Timeline

if TYPE_CHECKING:  # pragma: no cover - typing only; browser.py imports Playwright lazily anyway
    from analysis.browser import Browser

__all__ = [
    "CHART_STYLE_FILE",
    "FONT_STACK",
    "PALETTE",
    "PROJECT_TEMPLATE",
    "Chart",
    "export_image",
    "figure_html",
    "gantt_figure",
    "promise_figure",
]

#: Colours, fonts, marker symbols and chart-only strings ("display text is data", STYLE.md).
CHART_STYLE_FILE = LABELS_DIR / "chart_style.json"

_RLI, _PDI = "\u2067", "\u2069"
_DAY_MS = 86_400_000
#: Kinds of point events in legend order; kinds outside it follow, alphabetically.
_KIND_ORDER = ("agreement", "announcement", "statement", "handover", "withdrawal", "incident")

# Geometry of the Gantt, in y units (one phase row is about one unit; y grows downwards).
_MILESTONE_DY = 0.32  # milestone strip below the lane's top edge
_FIRST_ROW_DY = 1.0  # first phase row below the lane's top edge
_ROW_STEP = 1.05  # between phase rows of one lane
_BAR_WIDTH = 0.4
_LABEL_DY = -0.38  # phase title above its bar
_LINK_DY = 0.36  # revision connector below the bar
_LANE_BOTTOM_DY = 0.55  # lane's bottom edge below its last row
_GANTT_PX_PER_UNIT = 44
_PROMISE_PX_PER_ROW = 64
_MARGIN_TOP = 80  # title, then the "as of" label above the plot
#: Axis labels from the data wrap at this many characters on at most this many lines, and the
#: rest is cut with "…" (the whole text is in the hover, the caption and the narrative). The
#: schema allows 200-character site names and 300-character titles: on one line such a label
#: pushed the plot off the figure ("Too many auto-margin redraws"). The shipped names fit.
_LANE_LABEL = (28, 2)  # site names on the Gantt's lanes
_ROW_SITE = (34, 1)  # the site on a row of the promise chart
_ROW_TITLE = (34, 2)  # the phase's title under it, in small type
#: A phase's title above its bar is cut at this many characters.
_PHASE_LABEL_CHARS = 80

#: Window rule of the Gantt (see the module docstring).
_LONG_PHASE = dt.timedelta(days=3 * 365)
_LEAD = dt.timedelta(days=91)
_TAIL = dt.timedelta(days=61)


@cache
def _style() -> dict[str, Any]:
    with CHART_STYLE_FILE.open(encoding="utf-8") as f:
        data = json.load(f)
    for key, value in data["labels"].items():
        if not isinstance(value, dict) or any(
            not isinstance(value.get(lang), str) or not value[lang].strip() for lang in ("en", "ar")
        ):
            raise ValueError(f"{CHART_STYLE_FILE}: label {key!r} needs non-empty 'en' and 'ar'")
    return data


#: Okabe–Ito colours by role ("actual", "planned", "slip", "deadline", "superseded", …) and by
#: point-event kind ("agreement", "statement", …); from ``labels/chart_style.json``.
PALETTE: dict[str, str] = dict(_style()["palette"])
#: CSS font stacks naming the fonts the PDF embeds (Noto Naskh Arabic / Amiri for Arabic).
FONT_STACK: dict[str, str] = dict(_style()["fonts"])
_SYMBOLS: dict[str, str] = dict(_style()["milestone_symbols"])
_OPACITY: dict[str, float] = dict(_style()["opacity"])

#: One look for every chart: print-friendly (white background, light grid, horizontal legend
#: at the bottom so the plot keeps the page width), readable hover labels.
PROJECT_TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": FONT_STACK["en"], "size": 13, "color": PALETTE["text"]},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": [PALETTE[k] for k in ("actual", "slip", "on_time", "announcement",
                                          "statement", "planned", "incident", "deadline")],
        "margin": {"l": 24, "r": 24, "t": 96, "b": 96, "pad": 4},
        "title": {"font": {"size": 18}, "x": 0, "xanchor": "left", "y": 0.985,
                  "yanchor": "top", "yref": "container"},
        "hoverlabel": {"bgcolor": "white", "bordercolor": PALETTE["axis"],
                       "font": {"size": 12, "color": PALETTE["text"]}, "namelength": -1},
        "hovermode": "closest",
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0.01, "yanchor": "bottom",
                   "yref": "container", "font": {"size": 12}, "itemclick": "toggle",
                   "bgcolor": "rgba(255,255,255,0)", "tracegroupgap": 4},
        "xaxis": {"showgrid": True, "gridcolor": PALETTE["grid"], "gridwidth": 1,
                  "showline": True, "linecolor": PALETTE["axis"], "ticks": "outside",
                  "tickcolor": PALETTE["axis"], "zeroline": False, "automargin": True,
                  "tickfont": {"size": 11}},
        "yaxis": {"showgrid": False, "zeroline": False, "showline": False, "ticks": "",
                  "automargin": True, "tickfont": {"size": 13}},
    }
)

_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
}


@dataclass(frozen=True)
class Chart:
    """A figure with what a page needs around it: a fixed id and a sentence for screen readers.

    ``alt_text`` is plain (unescaped) text; :func:`figure_html` escapes it.
    """

    name: str
    figure: go.Figure
    alt_text: str
    lang: str


# --------------------------------------------------------------------------- text helpers


def _esc(text: str) -> str:
    """Make a data string inert in plotly text (see the module docstring)."""
    return html.escape(text, quote=False)


def _text(key: str, loc: Locale, **values: str) -> str:
    """A chart string from ``chart_style.json``, with its ``{fields}`` filled."""
    template = _style()["labels"][key][loc.lang]
    return template.format_map(values) if values else template


def _line(text: str, loc: Locale) -> str:
    """One line of chart text in its own right-to-left context when the report is Arabic."""
    return f"{_RLI}{text}{_PDI}" if loc.lang == "ar" else text


def _lines(lines: Iterable[str], loc: Locale) -> str:
    """Hover or note lines joined with plotly's ``<br>``; empty lines are dropped."""
    return "<br>".join(_line(text, loc) for text in lines if text)


def _wrapped(text: str, width: int, lines: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, at most ``lines`` of them; the last
    line ends with "…" when text was cut. Plain text: escape each line afterwards."""
    parts = textwrap.wrap(text, width) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], parts[lines - 1][: width - 1].rstrip() + "…"]
    return parts


def _cut(text: str, chars: int) -> str:
    """``text`` cut to at most ``chars`` characters, ending with "…" when it was cut."""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _plain(text: str) -> str:
    """Chart text without plotly markup or isolates: for aria-label."""
    return html.unescape(text.replace("<br>", " ").replace(_RLI, "").replace(_PDI, ""))


def _label_or(key: str, loc: Locale, fallback: str) -> str:
    try:
        return label(key, loc)
    except KeyError:  # a kind or status outside the contract: show the raw value, escaped
        return _esc(fallback)


def _days(n: int, loc: Locale) -> str:
    return count(n, "day", loc, case="oblique")


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _mid(value: PartialDate) -> dt.date:
    """Where a point event is drawn: the middle of the period its date is known to."""
    first, last = value.first_day(), value.last_day()
    return first + (last - first) // 2


# --------------------------------------------------------------------------- hover text


def _provenance(event: Event, dataset: Dataset, loc: Locale) -> list[str]:
    source = dataset.sources.get(event.source_id)
    publisher = source.publisher(loc.lang) if source is not None else event.source_id
    conf = _label_or(f"confidence.{event.confidence}", loc, event.confidence)
    return [f"{label('confidence', loc)}: {conf}", f"{label('source', loc)}: {_esc(publisher)}"]


def _status_text(state: PhaseState, loc: Locale) -> str:
    """"Overdue (15 days)": the status with the one day count that goes with it."""
    status = _label_or(f"status.{state.status}", loc, state.status)
    days = {
        "overdue": state.days_overdue,
        "ended_late": state.days_late,
        "ended_early": state.days_early,
    }.get(state.status)
    if days is not None:
        return f"{status} ({count(days, 'day', loc)})"
    if state.days_until_deadline is not None:
        return f"{status} ({_text('due_in', loc, duration=_days(state.days_until_deadline, loc))})"
    return status


def _phase_hover(state: PhaseState, dataset: Dataset, loc: Locale) -> str:
    phase = state.phase
    site = dataset.sites.get(state.site)
    lines = [f"<b>{_esc(phase.title(loc.lang))}</b>"]
    if site is not None:
        lines.append(_esc(site.name(loc.lang)))
    lines.append(f"{label('start', loc)}: {format_date(phase.start, loc)}")
    if state.end is not None and phase.end is not None:
        lines.append(f"{label('end', loc)}: {format_date(phase.end, loc)}")
    else:
        lines.append(f"{label('end', loc)}: {label('no_recorded_end', loc)}")
    if state.deadline is not None:
        due = format_date(state.deadline.event.start, loc)
        lines.append(f"{label('deadline_in_force', loc)}: {due}")
        if state.slipped:
            original = format_date(state.history[0].event.start, loc)
            lines.append(f"{label('original_deadline', loc)}: {original}")
    lines.append(f"{label('status', loc)}: {_status_text(state, loc)}")
    lines += _provenance(phase, dataset, loc)
    return _lines(lines, loc)


def _deadline_hover(deadline: Deadline, dataset: Dataset, loc: Locale) -> str:
    event = deadline.event
    lines = [
        f"<b>{_esc(event.title(loc.lang))}</b>",
        f"{label('date', loc)}: {format_date(event.start, loc)}",
    ]
    if deadline.in_force:
        lines.append(f"{label('status', loc)}: {label('deadline_in_force', loc)}")
    else:
        lines.append(f"{label('status', loc)}: {label('superseded_deadline', loc)}")
        if deadline.superseded_by is not None:
            successor = dataset.event(deadline.superseded_by)
            lines.append(_text("replaced_by", loc, date=format_date(successor.start, loc)))
    lines.append(f"{label('announced', loc)}: {format_date(event.announced, loc)}")
    lines += _provenance(event, dataset, loc)
    return _lines(lines, loc)


def _event_hover(event: Event, dataset: Dataset, loc: Locale, *, with_site: bool) -> str:
    lines = [
        f"<b>{_esc(event.title(loc.lang))}</b>",
        f"{label('kind', loc)}: {_label_or(f'kind.{event.kind}', loc, event.kind)}",
        f"{label('date', loc)}: {format_date(event.start, loc)}",
    ]
    site = dataset.sites.get(event.site)
    if with_site and site is not None:
        lines.append(f"{label('site', loc)}: {_esc(site.name(loc.lang))}")
    status = _label_or(f"record_status.{event.status}", loc, event.status)
    lines.append(f"{label('status', loc)}: {status}")
    lines += _provenance(event, dataset, loc)
    return _lines(lines, loc)


# --------------------------------------------------------------------------- dates and axes


def _gantt_window(tl: Timeline) -> tuple[dt.date, dt.date]:
    """The default time window of the Gantt (the rule is in the module docstring)."""
    as_of = tl.as_of
    starts = [s.start for s in tl.phases]
    recent = [d for d in starts if d >= as_of - _LONG_PHASE]
    if recent:
        first = min(recent)
    elif starts:
        first = max(min(starts), as_of - _LONG_PHASE)
    else:
        first = as_of - dt.timedelta(days=365)
    ends = [d.due for d in tl.deadlines] + [s.end for s in tl.phases if s.end is not None]
    return first - _LEAD, max([as_of, *ends]) + _TAIL


def _date_ticks(x0: dt.date, x1: dt.date, loc: Locale) -> tuple[list[str], list[str]]:
    """Tick positions and localized labels: monthly, quarterly or yearly by the span."""
    span = (x1 - x0).days
    if span > 5 * 366:
        step = 1 if span <= 12 * 366 else 2 if span <= 30 * 366 else 5
        years = [y for y in range(x0.year, x1.year + 1) if y % step == 0]
        days = [dt.date(y, 1, 1) for y in years if x0 <= dt.date(y, 1, 1) <= x1]
        return [_iso(d) for d in days], [format_date(PartialDate(d.year), loc) for d in days]
    # Few enough labels to stay level at the printed width (~680 px): plotly would tilt them.
    if span > 900:
        months: tuple[int, ...] = (1, 7)
    elif span > 540:
        months = (1, 4, 7, 10)
    elif span > 240:
        months = (1, 3, 5, 7, 9, 11)
    else:
        months = tuple(range(1, 13))
    vals, texts = [], []
    year, month = x0.year, x0.month
    while dt.date(year, month, 1) <= x1:
        day = dt.date(year, month, 1)
        if month in months and day >= x0:
            vals.append(_iso(day))
            texts.append(f"{month_name(month, loc)}<br>{format_date(PartialDate(year), loc)}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return vals, texts


def _x_axis(x0: dt.date, x1: dt.date, loc: Locale, reverse: bool) -> dict[str, Any]:
    vals, texts = _date_ticks(x0, x1, loc)
    return {
        "type": "date",
        # autorange within fixed bounds, rather than a fixed range: "reset axes" returns here.
        "autorange": "reversed" if reverse else True,
        # clip + include pins the autorange to exactly [x0, x1]; plotly.js 4.1 draws an empty
        # axis when minallowed/maxallowed are dates (tried).
        "autorangeoptions": {"clipmin": _iso(x0), "clipmax": _iso(x1),
                             "include": [_iso(x0), _iso(x1)]},
        "tickmode": "array",
        "tickvals": vals,
        "ticktext": texts,
        "tickangle": 0,
    }


def _frame(
    loc: Locale, title: str, data: Sequence[dict[str, Any]], *, plot_px: float
) -> dict[str, Any]:
    """The layout both charts share: language, side, title, legend, hover alignment, and a
    height that fits the plot (``plot_px``), the date ticks and the legend below them."""
    rtl = loc.lang == "ar"
    names = [t["name"] for t in data if t.get("showlegend", True)]
    rows = _legend_rows(names)
    margin_bottom = 58 + 24 * rows
    return {
        "template": PROJECT_TEMPLATE,
        "font": {"family": FONT_STACK[loc.lang]},
        "title": {"text": _line(title, loc), "x": 0.99 if rtl else 0.01,
                  "xanchor": "right" if rtl else "left"},
        "height": int(_MARGIN_TOP + plot_px + margin_bottom),
        "margin": {"t": _MARGIN_TOP, "b": margin_bottom},
        # Plotly lays legend items out left to right; on one row, reversing the order lets an
        # Arabic reader meet the first item first, on the right.
        "legend": {"x": 1 if rtl else 0, "xanchor": "right" if rtl else "left",
                   "traceorder": "reversed" if rtl and rows == 1 else "normal"},
        "hoverlabel": {"align": "right" if rtl else "left",
                       "font": {"family": FONT_STACK[loc.lang]}},
    }


def _legend_rows(names: Sequence[str], width_px: int = 1052) -> int:
    """Rows a horizontal legend takes in an 1100 px figure, estimated from its entries.

    Plotly packs the entries on one row when they fit (about 40 px of symbol and gap plus 6 px
    a character at 12 px, in both scripts, measured); otherwise it lays them out in columns as
    wide as the widest entry.
    """
    widths = [40 + 6 * len(_plain(name)) for name in names]
    if sum(widths) <= width_px or not widths:
        return 1
    per_row = max(1, width_px // max(widths))
    return math.ceil(len(widths) / per_row)


# --------------------------------------------------------------------------- Gantt pieces


@dataclass(frozen=True)
class _LaneRows:
    """Where one lane sits: its label, edges, milestone strip and one row per phase."""

    #: Plotly text, escaped and wrapped (each line isolated in Arabic).
    label: str
    top: float
    bottom: float
    milestone_y: float
    rows: dict[str, float]
    events: tuple[Event, ...]
    #: The site of the lane; None for the "Elsewhere" lane.
    site_id: str | None = None

    @property
    def elsewhere(self) -> bool:
        return self.site_id is None

    @property
    def label_y(self) -> float:
        if not self.rows:
            return self.milestone_y
        return round(sum(self.rows.values()) / len(self.rows), 3)


def _lane_rows(tl: Timeline, loc: Locale) -> list[_LaneRows]:
    """Lanes top to bottom, plus an "Elsewhere" lane for point events at sites with no phase
    (statements in Washington, resolutions in New York): context a reader should not lose."""
    out: list[_LaneRows] = []
    top = 0.0
    for lane in tl.lanes:
        # rounded: positions go into the page's JSON, where 3.5999999999999996 is noise
        rows = {
            s.phase.id: round(top + _FIRST_ROW_DY + i * _ROW_STEP, 3)
            for i, s in enumerate(lane.phases)
        }
        bottom = round(max(rows.values()) + _LANE_BOTTOM_DY, 3)
        label = "<br>".join(
            _line(_esc(part), loc) for part in _wrapped(lane.site.name(loc.lang), *_LANE_LABEL)
        )
        out.append(_LaneRows(label, top, bottom,
                             round(top + _MILESTONE_DY, 3), rows, lane.milestones, lane.site.id))
        top = bottom
    laned = {lane.site.id for lane in tl.lanes}
    others = tuple(e for e in tl.milestones if e.site not in laned)
    if others:
        out.append(_LaneRows(_line(_text("lane.elsewhere", loc), loc), top, round(top + 0.8, 3),
                             round(top + 0.4, 3), {}, others))
    return out


def _segments(state: PhaseState, as_of: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """A phase's bar pieces: ("actual" | "planned" | "slip", from, to).

    Solid up to the actual end, or to the report date while it runs; the part past the deadline
    in force is "slip" (ended late: due → end; overdue: due → as-of); an open phase before its
    deadline gets a lighter "planned" piece up to it.
    """
    due = state.deadline.due if state.deadline is not None else None
    if as_of < state.start:
        return [("planned", state.start, due)] if due is not None and due > state.start else []
    reached = state.end if state.end is not None else as_of
    pieces: list[tuple[str, dt.date, dt.date]] = []
    if due is not None and reached > due:
        cut = max(due, state.start)
        pieces += [("actual", state.start, cut), ("slip", cut, reached)]
    else:
        pieces.append(("actual", state.start, reached))
        if state.end is None and due is not None and due > as_of:
            pieces.append(("planned", as_of, due))
    return [p for p in pieces if p[2] > p[1]]


@dataclass(frozen=True)
class _Mark:
    """A point-event marker: one event, or ``n`` of them aggregated."""

    kind: str
    x: dt.date
    hover: str
    n: int


#: Aggregation periods tried in turn, in months, aligned to the calendar (12: calendar years,
#: 24: pairs of years from an even year); 0 is the lane's whole span.
_BIN_MONTHS = (1, 3, 6, 12, 24, 60, 120, 0)


def _bin_of(day: dt.date, months: int) -> int:
    return (day.year * 12 + day.month - 1) // months if months else 0


def _bin_bounds(index: int, months: int, events: Sequence[Event]) -> tuple[dt.date, dt.date]:
    """First and last day of a period (for the whole-span period: of its events)."""
    if not months:
        return min(e.start.first_day() for e in events), max(e.start.last_day() for e in events)
    first, last = index * months, index * months + months - 1
    return (
        dt.date(first // 12, first % 12 + 1, 1),
        PartialDate(last // 12, last % 12 + 1).last_day(),
    )


def _period_text(first: dt.date, last: dt.date, months: int, loc: Locale) -> str:
    """"March 2025", "2025" or "January 2024 – December 2025": a period at its own precision."""
    if months == 1:
        return format_date(PartialDate(first.year, first.month), loc)
    if months == 12:
        return format_date(PartialDate(first.year), loc)
    return (
        f"{format_date(PartialDate(first.year, first.month), loc)} – "
        f"{format_date(PartialDate(last.year, last.month), loc)}"
    )


def _kind_key(kind: str) -> tuple[int, str]:
    return (_KIND_ORDER.index(kind) if kind in _KIND_ORDER else len(_KIND_ORDER), kind)


#: The pseudo-kind of an aggregated marker that stands for events of several kinds.
_MIXED = "mixed"
#: Per-kind periods are only tried up to a quarter: coarser, a marker per kind says little
#: about *when*; then one marker per period stands for all kinds.
_KIND_BIN_MONTHS = (1, 3)


def _groups(
    events: Sequence[Event], limit: int
) -> tuple[dict[tuple[str, int], list[Event]], int]:
    """Events grouped by (kind, period), or by period alone (kind ``_MIXED`` where a period
    holds several kinds): the finest grouping that gives ``limit`` groups or fewer."""
    groups: dict[tuple[str, int], list[Event]] = {}
    for months in _KIND_BIN_MONTHS:
        groups = {}
        for e in events:
            groups.setdefault((e.kind, _bin_of(_mid(e.start), months)), []).append(e)
        if len(groups) <= limit:
            return groups, months
    for months in _BIN_MONTHS:
        by_period: dict[int, list[Event]] = {}
        for e in events:
            by_period.setdefault(_bin_of(_mid(e.start), months), []).append(e)
        if len(by_period) <= limit or not months:
            break
    groups = {}
    for index, members in by_period.items():
        kinds = {e.kind for e in members}
        groups[(kinds.pop() if len(kinds) == 1 else _MIXED, index)] = members
    return groups, months


def _milestone_marks(
    lane: _LaneRows, dataset: Dataset, loc: Locale, limit: int
) -> list[_Mark]:
    """One mark per event, or per group of events when the lane has more than ``limit``.

    Groups are (kind, month or quarter) while that is enough, else periods of all kinds (see
    :func:`_groups`), so a lane has at most ``max(limit, 1)`` marks and stays readable with
    thousands of events. A group's hover gives its count, period, kinds and first titles.
    """
    events = lane.events
    if len(events) <= limit:
        return [
            _Mark(e.kind, _mid(e.start), _event_hover(e, dataset, loc, with_site=lane.elsewhere), 1)
            for e in events
        ]
    groups, months = _groups(events, limit)
    marks = []
    for (kind, index), members in sorted(groups.items(), key=lambda g: (_kind_key(g[0][0]), g[0])):
        if len(members) == 1:
            e = members[0]
            hover = _event_hover(e, dataset, loc, with_site=lane.elsewhere)
            marks.append(_Mark(kind, _mid(e.start), hover, 1))
            continue
        first, last = _bin_bounds(index, months, members)
        lines = [
            f"<b>{count(len(members), 'event', loc)}</b>",
            f"{_text('period', loc)}: {_period_text(first, last, months, loc)}",
        ]
        per_kind: dict[str, int] = {}
        for e in members:
            per_kind[e.kind] = per_kind.get(e.kind, 0) + 1
        lines += [
            f"{_label_or(f'kind.{k}', loc, k)}: {count(n, 'event', loc)}"
            for k, n in sorted(per_kind.items(), key=lambda item: _kind_key(item[0]))
        ]
        shown = members[:5]
        lines += [f"• {_esc(e.title(loc.lang))} ({format_date(e.start, loc)})" for e in shown]
        if len(members) > len(shown):
            rest = count(len(members) - len(shown), "event", loc)
            lines.append(_text("more_events", loc, count=rest))
        marks.append(_Mark(kind, first + (last - first) // 2, _lines(lines, loc), len(members)))
    return marks


def _kind_name(kind: str, loc: Locale) -> str:
    """The legend name of a point-event kind (or of the aggregated "several kinds")."""
    if kind == _MIXED:
        return _text("legend.mixed", loc)
    return _label_or(f"kind.{kind}", loc, kind)


def _bar(
    role: str, name: str, pieces: list[tuple[dt.date, dt.date, float, str]]
) -> dict[str, Any]:
    """One horizontal bar trace on the date axis: base = start, length in milliseconds."""
    bar: dict[str, Any] = {
        "type": "bar",
        "orientation": "h",
        "name": name,
        "legendgroup": role,
        "base": [_iso(a) for a, _, _, _ in pieces],
        "x": [(b - a).days * _DAY_MS for a, b, _, _ in pieces],
        "y": [y for _, _, y, _ in pieces],
        "width": _BAR_WIDTH,
        "hovertext": [h for _, _, _, h in pieces],
        "hoverinfo": "text",
        "marker": {"color": PALETTE[role], "line": {"width": 0}},
        "showlegend": True,
    }
    if role == "planned":
        bar["opacity"] = _OPACITY["planned"]
    if role == "slip":
        # hatched, so the overrun reads as "not planned" in greyscale print too; the background
        # must be set: a pattern's default background is transparent
        bar["marker"]["pattern"] = {"shape": "/", "bgcolor": PALETTE["slip"],
                                    "fgcolor": "rgba(255,255,255,0.6)", "solidity": 0.3}
    return bar


def _phase_label(
    state: PhaseState, y: float, x0: dt.date, loc: Locale, reverse: bool
) -> dict[str, Any]:
    """The phase's title above its bar; a phase clipped by the window says since when."""
    title = _esc(_cut(state.phase.title(loc.lang), _PHASE_LABEL_CHARS))
    clipped = state.start < x0
    if clipped:
        title += f" ({_text('since', loc, date=format_date(state.phase.start, loc))})"
    text = _line(title, loc)
    if clipped:  # the arrow points out of the window, towards the phase's start
        text = f"{text} ▶" if reverse else f"◀ {text}"
    return {
        "x": _iso(max(state.start, x0)),
        "y": round(y + _LABEL_DY, 3),
        "xref": "x",
        "yref": "y",
        "text": text,
        "showarrow": False,
        "xanchor": "right" if reverse else "left",
        "yanchor": "middle",
        "font": {"size": 11, "color": PALETTE["muted"]},
    }


def _toward_the_past(reverse: bool) -> str:
    """Anchor the "as of" label so it runs back into the data, never off the plot's edge."""
    return "left" if reverse else "right"


def gantt_figure(
    tl: Timeline,
    dataset: Dataset,
    loc: Locale,
    *,
    rtl_axis: bool = True,
    max_markers_per_lane: int = 60,
) -> Chart:
    """The drawdown as lanes of phases, deadlines and events, as of ``tl.as_of``.

    One lane per site of ``tl.lanes`` (top to bottom, labelled in the report language), one row
    per phase: solid up to the actual end or the report date, lighter up to a deadline still
    ahead, hatched past a missed deadline. Deadlines in force are black diamonds, superseded
    ones faint, with a dotted arrow to their revision. Point events are markers by kind (one
    legend entry per kind), thinned to ``max_markers_per_lane`` per lane. A dashed line marks the
    report date. In Arabic, time runs right to left unless ``rtl_axis=False``.
    """
    as_of = tl.as_of
    reverse = loc.lang == "ar" and rtl_axis
    x0, x1 = _gantt_window(tl)
    lanes = _lane_rows(tl, loc)
    by_site = {lane.site.id: lane for lane in tl.lanes}

    pieces: dict[str, list[tuple[dt.date, dt.date, float, str]]] = {
        "actual": [], "planned": [], "slip": []
    }
    deadline_points: dict[bool, list[tuple[dt.date, float, str]]] = {True: [], False: []}
    links_x: list[str | None] = []
    links_y: list[float | None] = []
    links_size: list[int] = []
    annotations: list[dict[str, Any]] = []
    marks_by_kind: dict[str, list[tuple[_Mark, float]]] = {}

    for rows in lanes:
        for mark in _milestone_marks(rows, dataset, loc, max_markers_per_lane):
            marks_by_kind.setdefault(mark.kind, []).append((mark, rows.milestone_y))
        if rows.site_id is None:
            continue
        lane = by_site[rows.site_id]
        for state in lane.phases:
            y = rows.rows[state.phase.id]
            hover = _phase_hover(state, dataset, loc)
            for role, a, b in _segments(state, as_of):
                pieces[role].append((a, b, y, hover))
            annotations.append(_phase_label(state, y, x0, loc, reverse))
        deadlines = {d.id: d for d in lane.deadlines}
        for d in lane.deadlines:
            y = rows.rows.get(d.event.phase or "")
            if y is None:
                continue
            deadline_points[d.in_force].append((d.due, y, _deadline_hover(d, dataset, loc)))
            successor = deadlines.get(d.superseded_by or "")
            if successor is not None:
                # a bracket under the bar from the old due date to the new one, arrow at the end
                old, new = _iso(d.due), _iso(successor.due)
                links_x += [old, old, new, new, None]
                links_y += [round(y + dy, 3) for dy in (0.12, _LINK_DY, _LINK_DY, 0.2)] + [None]
                links_size += [0, 0, 0, 11, 0]

    data: list[dict[str, Any]] = []
    legend_roles = {"actual": "legend.actual", "planned": "legend.planned", "slip": "legend.slip"}
    for role, key in legend_roles.items():
        if pieces[role]:
            data.append(_bar(role, _line(_text(key, loc), loc), pieces[role]))
    for in_force in (True, False):
        points = deadline_points[in_force]
        if not points:
            continue
        role = "deadline" if in_force else "superseded"
        name = label("deadline_in_force" if in_force else "superseded_deadline", loc)
        trace: dict[str, Any] = {
            "type": "scatter",
            "mode": "markers",
            "name": _line(name, loc),
            "legendgroup": role,
            "x": [_iso(x) for x, _, _ in points],
            "y": [y for _, y, _ in points],
            "hovertext": [h for _, _, h in points],
            "hoverinfo": "text",
            # a thin tick, not a diamond: a diamond would hide a slip of a few days
            "marker": {"symbol": "line-ns", "size": 24,
                       "line": {"color": PALETTE[role], "width": 3.5}},
            "cliponaxis": False,
        }
        if not in_force:
            trace["opacity"] = _OPACITY["superseded"]
        data.append(trace)
    if links_x:
        data.append({
            "type": "scatter",
            "mode": "lines+markers",
            "name": _line(label("deadline_history", loc), loc),
            "legendgroup": "superseded",
            "showlegend": False,
            "x": links_x,
            "y": links_y,
            "line": {"color": PALETTE["superseded"], "width": 1.3, "dash": "dot"},
            "marker": {"symbol": "arrow", "angleref": "previous", "size": links_size,
                       "color": PALETTE["superseded"]},
            "hoverinfo": "skip",
            "connectgaps": False,
        })
    for kind in sorted(marks_by_kind, key=_kind_key):
        marks = marks_by_kind[kind]
        data.append({
            "type": "scatter",
            "mode": "markers",
            "name": _line(_kind_name(kind, loc), loc),
            "legendgroup": f"milestone-{kind}",
            "x": [_iso(m.x) for m, _ in marks],
            "y": [y for _, y in marks],
            "hovertext": [m.hover for m, _ in marks],
            "hoverinfo": "text",
            "customdata": [m.n for m, _ in marks],  # events per marker (1 unless aggregated)
            "marker": {
                "symbol": _SYMBOLS.get(kind, _SYMBOLS["other"]),
                "color": PALETTE.get(kind, PALETTE["other"]),
                "size": [min(22, 10 + 2 * math.sqrt(m.n - 1)) for m, _ in marks],
                "line": {"color": PALETTE["muted"] if kind == "incident" else "white",
                         "width": 1},
            },
            "cliponaxis": False,
        })

    total = lanes[-1].bottom if lanes else 1.0
    shapes: list[dict[str, Any]] = [
        {"type": "rect", "xref": "paper", "yref": "y", "x0": 0, "x1": 1,
         "y0": rows.top, "y1": rows.bottom, "fillcolor": PALETTE["lane_band"],
         "line": {"width": 0}, "layer": "below"}
        for i, rows in enumerate(lanes) if i % 2 == 0
    ]
    shapes.append({
        "type": "line", "xref": "x", "yref": "paper", "x0": _iso(as_of), "x1": _iso(as_of),
        "y0": 0, "y1": 1, "line": {"color": PALETTE["as_of"], "width": 1.5, "dash": "dash"},
        "layer": "below",  # under the bars: a slip of a few days must stay visible
    })
    as_of_text = label("as_of", loc) + " " + format_date(as_of, loc)
    annotations.append({
        "x": _iso(as_of), "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom",
        "xanchor": _toward_the_past(reverse),
        "text": _line(as_of_text, loc), "showarrow": False,
        "font": {"size": 12, "color": PALETTE["as_of"]},
    })
    if not tl.phases:
        annotations.append({
            "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "showarrow": False,
            "text": _line(_text("empty", loc, date=format_date(as_of, loc)), loc),
        })

    title = _text("title.gantt", loc, date=format_date(as_of, loc))
    layout = _frame(loc, title, data, plot_px=total * _GANTT_PX_PER_UNIT + 8)
    layout.update({
        "xaxis": _x_axis(x0, x1, loc, reverse),
        "yaxis": {
            "range": [total + 0.05, -0.05],
            "tickmode": "array",
            "tickvals": [rows.label_y for rows in lanes],
            "ticktext": [rows.label for rows in lanes],
            "side": "right" if loc.lang == "ar" else "left",
            "fixedrange": True,
        },
        "barmode": "overlay",
        "shapes": shapes,
        "annotations": annotations,
    })
    return Chart("gantt", go.Figure(data=data, layout=layout), _gantt_alt(tl, loc), loc.lang)


# --------------------------------------------------------------------------- promise chart


def _gap_phrase(state: PhaseState, loc: Locale) -> str:
    """The slip written out: "15 days late", "overdue by 15 days", "deadline in 350 days"."""
    if state.status == "overdue" and state.days_overdue is not None:
        return phrase("phrase.overdue_by", loc, duration=_days(state.days_overdue, loc))
    if state.status == "ended_late" and state.days_late is not None:
        return phrase("phrase.late_by", loc, duration=_days(state.days_late, loc))
    if state.status == "ended_early" and state.days_early is not None:
        return phrase("phrase.early_by", loc, duration=_days(state.days_early, loc))
    if state.status == "ended_on_time":
        return label("status.ended_on_time", loc)
    if state.days_until_deadline is not None:
        return _text("due_in", loc, duration=_days(state.days_until_deadline, loc))
    return label(f"status.{state.status}", loc)


def _original_phrase(state: PhaseState, reached: dt.date, loc: Locale) -> str | None:
    """How the end (or the report date) compares with the *first* promise, when it moved."""
    if not state.slipped:
        return None
    original = state.history[0]
    date = format_date(original.event.start, loc)
    if reached > original.due:
        return _text("vs_original", loc, duration=_days((reached - original.due).days, loc),
                     date=date)
    if reached < original.period_start:
        gap = (original.period_start - reached).days
        return _text("before_original", loc, duration=_days(gap, loc), date=date)
    return None


def _row_label(state: PhaseState, dataset: Dataset, loc: Locale) -> str:
    """The site in the row's label, the phase's title under it in small type: a site can have
    several phases with deadlines, and "Iraq" alone would not say which one is meant."""
    site = dataset.sites.get(state.site)
    name = site.name(loc.lang) if site is not None else state.site
    big = "<br>".join(_line(_esc(part), loc) for part in _wrapped(name, *_ROW_SITE))
    small = "<br>".join(
        f'<span style="font-size:10px">{_line(_esc(part), loc)}</span>'
        for part in _wrapped(state.phase.title(loc.lang), *_ROW_TITLE)
    )
    return f"{big}<br>{small}"


def _note_text(lines: Sequence[str], loc: Locale, reverse: bool) -> str:
    """A note beside a marker, one em space away from it on every line."""
    pad = "\u2003"
    return "<br>".join(
        f"{_line(text, loc)}{pad}" if reverse else f"{pad}{_line(text, loc)}" for text in lines
    )


def _room_for_notes(
    x0: dt.date, hi: dt.date, notes: Sequence[tuple[dt.date, int]], plot_px: float = 800
) -> dt.date:
    """The axis end that leaves room for each note after its row's latest marker.

    A note of ``n`` characters needs about ``7.5 n`` pixels of a plot about ``plot_px`` wide
    (a 1100 px figure less the row labels); a wider page only adds room.
    """
    days = max((hi - x0).days, 30) * 1.08
    for x, chars in notes:
        share = max(0.3, 1 - (7.5 * chars + 24) / plot_px)
        days = max(days, (x - x0).days / share)
    return x0 + dt.timedelta(days=math.ceil(days))


def promise_figure(
    tl: Timeline, dataset: Dataset, loc: Locale, *, rtl_axis: bool = True
) -> Chart:
    """Each phase with a deadline: the deadline in force against the actual end (or the report
    date while it runs), the slip written next to it, and the original deadline if it moved.

    A dumbbell per phase: black diamond = deadline in force, filled circle = actual end, open
    circle = still running at the report date; the bar between them is red when the end (or the
    report date) is past the deadline. Superseded deadlines are faint diamonds with a dotted
    arrow to the one in force. Same template and right-to-left rules as :func:`gantt_figure`.
    """
    as_of = tl.as_of
    reverse = loc.lang == "ar" and rtl_axis
    states = [s for s in tl.phases if s.deadline is not None]

    slip_x: list[str | None] = []
    slip_y: list[float | None] = []
    ok_x: list[str | None] = []
    ok_y: list[float | None] = []
    ahead_x: list[str | None] = []
    ahead_y: list[float | None] = []
    link_x: list[str | None] = []
    link_y: list[float | None] = []
    link_size: list[int] = []
    in_force: list[tuple[dt.date, float, str]] = []
    superseded: list[tuple[dt.date, float, str]] = []
    ended: list[tuple[dt.date, float, str]] = []
    open_: list[tuple[dt.date, float, str]] = []
    notes: list[tuple[dt.date, float, str]] = []
    all_x: list[dt.date] = [as_of]

    for y, state in enumerate(states):
        deadline = state.deadline
        assert deadline is not None  # filtered above; for the type checker
        hover = _phase_hover(state, dataset, loc)
        reached = state.end if state.end is not None else as_of
        xs, ys = [_iso(deadline.due), _iso(reached), None], [y, y, None]
        if reached > deadline.due:
            slip_x += xs
            slip_y += ys
        elif state.end is not None:
            ok_x += xs
            ok_y += ys
        else:
            ahead_x += xs
            ahead_y += ys
        in_force.append((deadline.due, y, _deadline_hover(deadline, dataset, loc)))
        for old in state.history[:-1]:
            superseded.append((old.due, y, _deadline_hover(old, dataset, loc)))
        if state.slipped:
            first = state.history[0].due
            link_x += [_iso(first), _iso(first), _iso(deadline.due), _iso(deadline.due), None]
            link_y += [round(y + dy, 3) for dy in (-0.12, -0.3, -0.3, -0.16)] + [None]
            link_size += [0, 0, 0, 11, 0]
        (ended if state.end is not None else open_).append((reached, y, hover))
        note_lines = [_gap_phrase(state, loc), _original_phrase(state, reached, loc) or ""]
        row_x = [deadline.due, reached, *(h.due for h in state.history)]
        notes.append((max(row_x), y, [n for n in note_lines if n]))
        all_x += row_x

    def points(name: str, role: str, rows: list[tuple[dt.date, float, str]], **marker: Any):
        return {
            "type": "scatter", "mode": "markers", "name": _line(name, loc), "legendgroup": role,
            "x": [_iso(x) for x, _, _ in rows], "y": [y for _, y, _ in rows],
            "hovertext": [h for _, _, h in rows], "hoverinfo": "text", "marker": marker,
            "cliponaxis": False,
        }

    def segments(name: str, role: str, xs: list, ys: list, colour: str, dash: str, show: bool):
        return {
            "type": "scatter", "mode": "lines", "name": _line(name, loc), "legendgroup": role,
            "x": xs, "y": ys, "line": {"color": colour, "width": 5, "dash": dash},
            "hoverinfo": "skip", "showlegend": show, "connectgaps": False,
        }

    data: list[dict[str, Any]] = []
    if slip_x:
        data.append(segments(_text("legend.slip", loc), "slip", slip_x, slip_y,
                             PALETTE["slip"], "solid", True))
    if ok_x:
        data.append(segments(label("status.ended_on_time", loc), "on_time", ok_x, ok_y,
                             PALETTE["on_time"], "solid", True))
    if ahead_x:
        data.append(segments(_text("legend.planned", loc), "planned", ahead_x, ahead_y,
                             PALETTE["planned"], "dot", True))
    if link_x:
        data.append({
            "type": "scatter", "mode": "lines+markers", "legendgroup": "superseded",
            "name": _line(label("deadline_history", loc), loc), "showlegend": False,
            "x": link_x, "y": link_y, "hoverinfo": "skip", "connectgaps": False,
            "line": {"color": PALETTE["superseded"], "width": 1.3, "dash": "dot"},
            "marker": {"symbol": "arrow", "angleref": "previous", "size": link_size,
                       "color": PALETTE["superseded"]},
        })
    if superseded:
        trace = points(label("superseded_deadline", loc), "superseded", superseded,
                       symbol="diamond-tall", size=17, color=PALETTE["superseded"],
                       line={"color": "white", "width": 1})
        trace["opacity"] = _OPACITY["superseded"]
        data.append(trace)
    if in_force:
        data.append(points(label("deadline_in_force", loc), "deadline", in_force,
                           symbol="diamond-tall", size=17, color=PALETTE["deadline"],
                           line={"color": "white", "width": 1}))
    if ended:
        data.append(points(_text("legend.actual_end", loc), "actual", ended,
                           symbol="circle", size=14, color=PALETTE["actual"],
                           line={"color": "white", "width": 1}))
    if open_:
        data.append(points(_text("legend.not_ended", loc), "open", open_, symbol="circle-open",
                           size=14, color=PALETTE["actual"], line={"width": 3}))
    if notes:
        data.append({
            "type": "scatter", "mode": "text", "name": "", "showlegend": False,
            "legendgroup": "notes",
            "x": [_iso(x) for x, _, _ in notes], "y": [y for _, y, _ in notes],
            "text": [_note_text(lines, loc, reverse) for _, _, lines in notes],
            "textposition": "middle left" if reverse else "middle right",
            "textfont": {"size": 12, "color": PALETTE["text"]},
            "hoverinfo": "skip", "cliponaxis": False,
        })

    lo, hi = min(all_x), max(all_x)
    x0 = lo - dt.timedelta(days=max(30, (hi - lo).days // 12))
    x1 = _room_for_notes(x0, hi, [(x, max(map(len, lines))) for x, _, lines in notes])
    rows = len(states)
    title = _text("title.promise", loc, date=format_date(as_of, loc))
    layout = _frame(loc, title, data, plot_px=max(rows, 1) * _PROMISE_PX_PER_ROW)
    layout.update({
        "xaxis": _x_axis(x0, x1, loc, reverse),
        "yaxis": {
            "range": [rows - 0.45, -0.55] if rows else [0.5, -0.5],
            "tickmode": "array",
            "tickvals": list(range(rows)),
            "ticktext": [_row_label(s, dataset, loc) for s in states],
            "side": "right" if loc.lang == "ar" else "left",
            "fixedrange": True,
            "showgrid": True,
            "gridcolor": PALETTE["grid"],
        },
        "shapes": [{
            "type": "line", "xref": "x", "yref": "paper", "x0": _iso(as_of), "x1": _iso(as_of),
            "y0": 0, "y1": 1, "line": {"color": PALETTE["as_of"], "width": 1.5, "dash": "dash"},
        }],
        "annotations": [{
            "x": _iso(as_of), "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom",
            "xanchor": _toward_the_past(reverse),
            "text": _line(label("as_of", loc) + " " + format_date(as_of, loc), loc),
            "showarrow": False, "font": {"size": 12, "color": PALETTE["as_of"]},
        }],
    })
    return Chart("promise", go.Figure(data=data, layout=layout), _promise_alt(tl, loc), loc.lang)


# --------------------------------------------------------------------------- alt text


def _notable(states: Sequence[PhaseState], loc: Locale) -> str:
    """The one fact a reader should take away: the worst overdue phase, else the latest end,
    else the biggest deadline move, else the next deadline. Ties go to the first in lane order."""

    def title(s: PhaseState) -> str:
        return s.phase.title(loc.lang)

    def due(s: PhaseState) -> str:
        assert s.deadline is not None
        return format_date(s.deadline.event.start, loc)

    overdue = [s for s in states if s.status == "overdue" and s.days_overdue is not None]
    if overdue:
        s = max(overdue, key=lambda s: s.days_overdue or 0)
        return _text("notable.overdue", loc, phase=title(s), date=due(s),
                     duration=_days(s.days_overdue or 0, loc))
    late = [s for s in states if s.status == "ended_late" and s.days_late is not None]
    if late:
        s = max(late, key=lambda s: s.days_late or 0)
        return _text("notable.ended_late", loc, phase=title(s), date=due(s),
                     duration=_days(s.days_late or 0, loc))
    moved = [s for s in states if s.slipped and s.deadline is not None]
    if moved:
        s = max(moved, key=lambda s: (s.history[-1].due - s.history[0].due).days)
        original = format_date(s.history[0].event.start, loc)
        return _text("notable.revised", loc, phase=title(s), date=due(s), original=original)
    ahead = [s for s in states if s.days_until_deadline is not None]
    if ahead:
        s = min(ahead, key=lambda s: s.days_until_deadline or 0)
        return _text("notable.next", loc, phase=title(s), date=due(s),
                     duration=_days(s.days_until_deadline or 0, loc))
    return _text("notable.none", loc)


def _gantt_alt(tl: Timeline, loc: Locale) -> str:
    return _text(
        "alt.gantt", loc,
        sites=count(len(tl.lanes), "site", loc, case="oblique"),
        date=format_date(tl.as_of, loc),
        notable=_notable(tl.phases, loc),
    )


def _promise_alt(tl: Timeline, loc: Locale) -> str:
    states = [s for s in tl.phases if s.deadline is not None]
    return _text(
        "alt.promise", loc,
        phases=count(len(states), "phase", loc, case="oblique"),
        date=format_date(tl.as_of, loc),
        notable=_notable(states, loc),
    )


# --------------------------------------------------------------------------- output


def figure_html(chart: Chart) -> str:
    """The chart as an HTML fragment: ``<figure>`` with the interactive plot and a caption.

    The plot div is ``chart-<name>`` (no random id, so the same chart gives the same bytes);
    plotly.js itself is not included (the report inlines it once per page). The figure is
    described by its caption (the escaped alt text) through ``aria-describedby``; it is not
    ``role="img"`` because the plot is interactive.
    """
    div_id = f"chart-{chart.name}"
    caption_id = f"{div_id}-caption"
    height = chart.figure.layout.height
    config = {**_CONFIG, "toImageButtonOptions": {"filename": div_id, "scale": 2}}
    plot = chart.figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        config=config,
        default_width="100%",
        default_height=f"{int(height)}px" if height else "100%",
    )
    title = _plain(chart.figure.layout.title.text or "")
    direction = "rtl" if chart.lang == "ar" else "ltr"
    name = html.escape(chart.name)
    return (
        f'<figure class="chart chart-{name}" id="figure-{name}"'
        f' lang="{html.escape(chart.lang)}" dir="{direction}"'
        f' aria-label="{html.escape(title)}" aria-describedby="{caption_id}">\n'
        f"{plot}\n"
        f'<figcaption id="{caption_id}">{html.escape(chart.alt_text)}</figcaption>\n'
        "</figure>\n"
    )


#: plotly.js "basic" (bar, scatter, pie: all these charts use), the same release as the
#: bundle plotly.py ships. 1.2 MB instead of 4.8 MB: every report page parses it, and
#: parsing the full bundle was 90 % of a report's load and print time (measured 1.41 s
#: of 1.47 s). From npm (plotly.js-basic-dist-min); `make vendor-plotly` refreshes it.
PLOTLY_BASIC_JS = Path(__file__).resolve().parent / "vendor" / "plotly-basic.min.js"
PLOTLY_TRACE_TYPES = frozenset({"bar", "scatter", "pie"})


@cache
def plotly_js() -> str:
    """The plotly.js source the reports inline once per page."""
    return PLOTLY_BASIC_JS.read_text(encoding="utf-8")


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
    from analysis.browser import Browser

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
