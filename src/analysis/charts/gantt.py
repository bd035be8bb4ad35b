"""The Gantt: one lane per site, one row per phase, deadlines and point events on them.

* **Lanes are positions, not categories.** A lane can hold several phases (Iraq: the coalition
  mission and UNAMI's mandate) and each phase needs its own row with its deadline marks on it;
  plotly cannot offset a scatter point inside a category. So the y axis is linear, lane labels
  are ``tickvals``/``ticktext`` (in lane order, top to bottom), and rows are fractions of a lane.
* **A lane from the top:** its point events (stacked in levels where they share a date), then
  per phase a title line and the bar. The title sits clear of the markers above it and of the
  deadline tick on its bar (the tick is no taller than the gap).
* **The time window** (:func:`window`): a phase that started more than three years before the
  report date (the Iraq-wide mission, 2014) would squash everything else into a sliver, so the
  window opens three months before the earliest *other* phase start and closes two months after
  the later of the report date and the last deadline or end. Long phases are drawn clipped,
  labelled "◀ … (since 2014)": the year alone, since the day the mission began is disputed
  (US strikes from 8 August 2014, the task force from 17 October: editor B4), and the name of
  the whole mission where the row's short name is its last stretch's (``chart.phase_since``:
  "Coalition military mission in Iraq", not "…, federal Iraq", which dates from 2024). The
  window is the axis' autorange, so double-clicking the chart returns to it.
* **What is known:** bars stop at the coverage end when the report date is past it; only a
  firm deadline missed before then is hatched; an end known as a range is drawn faded over it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from analysis.charts.alt import gantt_alt
from analysis.charts.axes import PRINT_PLOT_PX, frame, lane_axis, x_axis
from analysis.charts.hover import deadline_hover, phase_hover
from analysis.charts.layers import (
    Layers,
    Mark,
    Piece,
    Point,
    as_of_marker,
    bar,
    deadline_marks,
    lane_bands,
    milestone_traces,
    no_data_zone,
    overrun,
    whiskers,
)
from analysis.charts.marks import kind_key, milestone_marks, stack
from analysis.charts.model import (
    chart_subtitle,
    coverage_end,
    end_earliest,
    known_through,
    value_span,
)
from analysis.charts.style import (
    PALETTE,
    Chart,
    esc,
    iso,
    label_or,
    line,
    plain,
    text,
    wrapped,
)
from analysis.dataset import Dataset
from analysis.dates import PartialDate
from analysis.i18n import Locale, format_date
from analysis.timeline import PhaseState, Timeline

# Geometry, in y units (one unit is _PX_PER_UNIT pixels; y grows downwards).
_PX_PER_UNIT = 37
_STRIP_DY = 0.32  # first level of point events below the lane's top edge
_LEVEL_DY = 0.3  # between stacked levels of point events
# (the phase titles are 15 px, 7.2 pt as printed at 64 %: the lanes were grown for them,
# ROUND8 decision 12; at 11 px they were about 5 pt, Arabic editor nit 13)
_STRIP_TO_ROW = 1.2  # from the last level of point events to the first bar
_ROW_STEP = 1.6  # between phase rows of one lane (room for a title wrapped on two lines)
_BAR_WIDTH = 0.4
_LABEL_DY = -0.62  # phase title above its bar (its line box, Naskh's 1.7 em, clear of the bar)
_LINK_DY = 0.34  # revision bracket below the bar
_LANE_BOTTOM_DY = 0.55  # lane's bottom edge below its last row
#: Site names on the lanes wrap at this many characters on at most this many lines.
_LANE_LABEL = (26, 2)
#: A lane label's line (18 px type, ~23 px a line) in y units.
_LABEL_LINE_UNITS = 23 / _PX_PER_UNIT
#: A phase's title above its bar is cut at this many characters.
_PHASE_LABEL_CHARS = 80

_LONG_PHASE = dt.timedelta(days=3 * 365)
_LEAD = dt.timedelta(days=91)
_TAIL = dt.timedelta(days=61)


def window(tl: Timeline) -> tuple[dt.date, dt.date]:
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
    # the axis opens on a month's first day: the caption's "Events before March 2024 are not
    # plotted" is then exactly the axis' first month (ROUND7 decision 9: it began mid-month)
    return (first - _LEAD).replace(day=1), max([as_of, *ends]) + _TAIL


@dataclass(frozen=True)
class LaneRows:
    """Where one lane sits: its label, edges, one y per phase, and its stacked markers."""

    label: str  # plotly text, escaped and wrapped (each line isolated in Arabic)
    top: float
    bottom: float
    rows: dict[str, float]
    marks: tuple[Mark, ...]
    site_id: str | None = None  # None for the "Elsewhere" lane

    @property
    def label_y(self) -> float:
        """Where the lane's label sits: the middle of its phase rows (or of its markers)."""
        ys = list(self.rows.values()) or [m.y for m in self.marks] or [self.top]
        return round(sum(ys) / len(ys), 3)


def lane_rows(
    tl: Timeline, dataset: Dataset, loc: Locale, limit: int, window_days: int
) -> list[LaneRows]:
    """Lanes top to bottom, plus an "Elsewhere" lane for point events at sites with no phase
    (statements in Washington, resolutions in New York): context a reader should not lose."""
    out: list[LaneRows] = []
    top = 0.0
    for lane in tl.lanes:
        marks = milestone_marks(
            lane.milestones, dataset, loc, limit, with_site=False, as_of=tl.as_of
        )
        placed, levels = _stacked(marks, top, window_days)
        first_row = top + _STRIP_DY + (max(levels, 1) - 1) * _LEVEL_DY + _STRIP_TO_ROW
        # rounded: positions go into the page's JSON, where 3.5999999999999996 is noise
        rows = {s.phase.id: round(first_row + i * _ROW_STEP, 3) for i, s in enumerate(lane.phases)}
        bottom = round(max(rows.values()) + _LANE_BOTTOM_DY, 3)
        name = "<br>".join(
            line(esc(part), loc) for part in wrapped(lane.site.name(loc.lang), *_LANE_LABEL)
        )
        out.append(LaneRows(name, top, bottom, rows, placed, lane.site.id))
        top = bottom
    laned = {lane.site.id for lane in tl.lanes}
    others = tuple(e for e in tl.milestones if e.site not in laned)
    if others:
        marks = milestone_marks(others, dataset, loc, limit, with_site=True, as_of=tl.as_of)
        parts = wrapped(elsewhere_label(others, dataset, loc), _LANE_LABEL[0], 4)
        # the lane is as tall as its label's lines, and its markers sit in the middle, so the
        # label never touches the lane above (Arabic editor 18b: «أربيل» ran into it)
        spare = max(0.0, (len(parts) * _LABEL_LINE_UNITS - 0.87) / 2)
        placed, levels = _stacked(marks, top + 0.08 + spare, window_days)
        bottom = round(top + 0.55 + _STRIP_DY + (max(levels, 1) - 1) * _LEVEL_DY + 2 * spare, 3)
        name = "<br>".join(line(esc(part), loc) for part in parts)
        out.append(LaneRows(name, top, bottom, {}, placed))
    return out


def elsewhere_label(events: Sequence[Any], dataset: Dataset, loc: Locale) -> str:
    """ "Elsewhere (Washington, Syria, coalition-wide)": the lane of events at sites without a
    phase, naming those sites (short names where the catalogue has one), most events first."""
    tally: dict[str, int] = {}
    for e in events:
        tally[e.site] = tally.get(e.site, 0) + 1
    names: list[str] = []
    for site_id in sorted(tally, key=lambda k: -tally[k]):
        site = dataset.sites.get(site_id)
        full = site.name(loc.lang) if site is not None else site_id
        name = label_or(f"chart.site_short.{site_id}", loc, full)
        if name not in names:
            names.append(name)
    if not names:
        return text("lane.elsewhere", loc)
    sep = "، " if loc.lang == "ar" else ", "
    return text("lane.elsewhere_sites", loc, sites=sep.join(names))


def _stacked(marks: Sequence[Mark], top: float, window_days: int) -> tuple[tuple[Mark, ...], int]:
    placed = [
        Mark(m.kind, m.x, m.hover, m.n, round(top + _STRIP_DY + level * _LEVEL_DY, 3))
        for m, level in stack(marks, window_days)
    ]
    levels = 1 + max((round((m.y - top - _STRIP_DY) / _LEVEL_DY) for m in placed), default=0)
    return tuple(placed), levels


def segments(
    state: PhaseState, known: dt.date, unknown_to: dt.date | None = None
) -> list[tuple[str, dt.date, dt.date]]:
    """A phase's bar pieces: ("actual" | "planned" | "slip" | "range" | "unknown", from, to).

    Solid up to the actual end, or to the last known day (the report date, or the coverage end
    before it) while it runs. Past a *firm* deadline missed, the rest is "slip" (hatched). An
    end or a start known only as a range is a faded "range" piece over it. An open phase before
    its deadline gets a lighter "planned" piece up to it; but when the report date
    ``unknown_to`` is well past the coverage end, the stretch from the last known day to the
    deadline (or to the report date) is "unknown": no "time left" before a deadline that has
    passed since the information ends.
    """
    due = state.deadline.due if state.deadline is not None else None
    original = state.history[0] if state.slipped else None
    # a date announced after the deadline passed does not reset the clock: the overrun runs
    # from the original firm deadline (Ain al-Asad: from end-September 2025, not 10 January)
    late = state.missed or (original is not None and original.firm and original.due < known)
    if original is not None and original.firm:
        due = original.due
    if known < state.start:
        return [("planned", state.start, due)] if due is not None and due > state.start else []
    solid_end = end_earliest(state) if state.end is not None else known
    assert solid_end is not None
    pieces: list[tuple[str, dt.date, dt.date]] = []
    if late and due is not None and solid_end > due:
        cut_at = max(due, state.start)
        pieces += [("actual", state.start, cut_at), ("slip", cut_at, solid_end)]
    else:
        pieces.append(("actual", state.start, solid_end))
    if state.end is not None and state.end > solid_end:
        pieces.append(("range", solid_end, state.end))
    if state.end is None and due is not None and due > known:
        if unknown_to is not None and unknown_to > known:
            pieces.append(("unknown", known, min(due, unknown_to)))
            if due > unknown_to:
                pieces.append(("planned", unknown_to, due))
        else:
            pieces.append(("planned", known, due))
    span = value_span(state.phase.start)
    if span is not None and span[1] > span[0]:
        pieces = [("range", span[0], span[1])] + [
            (role, max(a, span[1]), b) for role, a, b in pieces
        ]
    return [p for p in pieces if p[2] > p[1]]


#: A phase title's type size: printed at 64 % (report.css), 15 px is 7.2 pt on paper, never
#: less than 7 pt (ROUND8 decision 12; tests/test_chart_layout.py measures it in print).
PHASE_LABEL_PX = 15
#: Pixels a character of a phase title takes (Noto Sans, Noto Naskh Arabic): measured at
#: 11 px (5.7 and 4.6), scaled to the title's size.
_LABEL_CHAR_PX = {"en": 5.7 * PHASE_LABEL_PX / 11, "ar": 4.6 * PHASE_LABEL_PX / 11}


def phase_name(state: PhaseState, loc: Locale) -> str:
    """A phase's short name on the charts ("Exit from Ain al-Asad"), or its title."""
    return label_or(f"chart.phase.{state.phase.id}", loc, state.phase.title(loc.lang))


def phase_label(
    state: PhaseState,
    y: float,
    window: tuple[dt.date, dt.date],
    as_of: dt.date,
    loc: Locale,
    reverse: bool,
) -> dict[str, Any]:
    """The phase's title above its bar; a phase clipped by the window says since when.

    The title runs from the bar's start toward later dates, unless it would run into the
    report-date line (widths estimated at the printed size): then it ends just before the
    line, or starts just after it, or, with room for neither, is cut to the larger side.
    """
    x0, x1 = window
    clipped = state.start < x0
    title = phase_name(state, loc)
    if clipped:  # the whole mission since 2014, not its last phase's name (editor nit 3)
        title = label_or(f"chart.phase_since.{state.phase.id}", loc, title)
    since = format_date(PartialDate(state.start.year), loc)
    suffix = f" ({text('since', loc, date=since)})" if clipped else ""
    days_per_char = _LABEL_CHAR_PX[loc.lang] * (x1 - x0).days / PRINT_PLOT_PX
    gap = dt.timedelta(days=math.ceil(6 * (x1 - x0).days / PRINT_PLOT_PX))
    start, forward, chars = max(state.start, x0), True, _PHASE_LABEL_CHARS
    width = dt.timedelta(days=(len(plain(title + suffix)) + 3) * days_per_char)
    if start < as_of < start + width + gap:
        before, after = (as_of - gap - x0).days, (x1 - as_of - gap).days
        if before >= width.days or before >= after:  # ends just before the line
            start, forward = as_of - gap, False
            chars = int(before / days_per_char) - 3 - len(plain(suffix))
        else:  # starts just after it
            start = as_of + gap
            chars = int(after / days_per_char) - 3 - len(plain(suffix))
    label_y, anchor = round(y + _LABEL_DY, 3), "middle"
    if chars >= len(plain(title)):
        parts = [title + suffix]
    else:  # no room on one line: two lines above the bar (the rows leave room), never cut
        parts = wrapped(title + suffix, max(chars + len(plain(suffix)), 16), 2)
        label_y, anchor = round(y - _BAR_WIDTH / 2 - 0.06, 3), "bottom"
    texts = [line(esc(part), loc) for part in parts]
    if clipped:  # the arrow points out of the window, towards the phase's start
        texts[0] = f"{texts[0]} ▶" if reverse else f"◀ {texts[0]}"
    label_text = "<br>".join(texts)
    return {
        "x": iso(start),
        "y": label_y,
        "xref": "x",
        "yref": "y",
        "text": label_text,
        "showarrow": False,
        # the text runs toward later dates (forward) or earlier ones from its anchor
        "xanchor": "right" if reverse == forward else "left",
        "yanchor": anchor,
        "name": "phase-label",
        "font": {"size": PHASE_LABEL_PX, "color": PALETTE["muted"]},
    }


@dataclass
class _PhaseParts:
    """What the phases of all lanes contribute, gathered before the traces are made."""

    pieces: dict[str, list[Piece]]
    deadlines: dict[str, list[Point]]
    ranges: list[tuple[dt.date, dt.date, float, str]]
    links: list[tuple[dt.date, dt.date, tuple[float, float, float, float]]]


def _phase_parts(
    tl: Timeline,
    lanes: Sequence[LaneRows],
    dataset: Dataset,
    loc: Locale,
    labels: list[dict[str, Any]],
    window: tuple[dt.date, dt.date],
    reverse: bool,
) -> _PhaseParts:
    parts = _PhaseParts(
        {"actual": [], "planned": [], "slip": [], "range": [], "unknown": []},
        {"deadline": [], "superseded": [], "soft": []},
        [],
        [],
    )
    known = known_through(tl)
    by_site = {lane.site.id: lane for lane in tl.lanes}
    for rows in lanes:
        if rows.site_id is None:
            continue
        lane = by_site[rows.site_id]
        for state in lane.phases:
            y = rows.rows[state.phase.id]
            hover = phase_hover(state, dataset, loc, tl.as_of)
            for role, a, b in segments(state, known, tl.as_of if coverage_end(tl) else None):
                parts.pieces[role].append((a, b, y, hover))
            labels.append(phase_label(state, y, window, tl.as_of, loc, reverse))
        _deadline_parts(parts, lane.deadlines, rows, dataset, loc, tl.as_of)
    return parts


def _deadline_parts(
    parts: _PhaseParts,
    deadlines: Sequence[Any],
    rows: LaneRows,
    dataset: Dataset,
    loc: Locale,
    as_of: dt.date,
) -> None:
    """Deadline marks: the first deadline of each phase is the deadline (black tick, open
    diamond when conditional); a date announced later is a faint mark ("Later announced
    date"), with no arrow: nothing says the deadline itself was moved."""
    for d in deadlines:
        y = rows.rows.get(d.event.phase or "")
        if y is None:
            continue
        hover = deadline_hover(d, dataset, loc, as_of)
        role = "superseded" if d.event.revises else "deadline" if d.firm else "soft"
        parts.deadlines[role].append((d.due, y, hover))
        span = value_span(d.event.start)
        if span is not None and span[1] > span[0]:
            parts.ranges.append((span[0], span[1], y, hover))


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
    per phase: solid up to the actual end or the last known day, lighter up to a deadline still
    ahead, hatched past a missed firm deadline, faded where an end is a range. Deadlines in force
    are black ticks, superseded ones faint, with a dotted arrow to their revision; conditional
    or minimum ones are open diamonds. Point events are markers by kind (one legend entry per
    kind), thinned to ``max_markers_per_lane`` per lane and stacked where they share a date.
    A dashed line marks the report date; a shaded zone the stretch after the coverage end.
    In Arabic, time runs right to left unless ``rtl_axis=False``.
    """
    reverse = loc.lang == "ar" and rtl_axis
    x0, x1 = window(tl)
    lanes = lane_rows(tl, dataset, loc, max_markers_per_lane, (x1 - x0).days)
    layers = Layers()
    lane_bands(layers, [(rows.top, rows.bottom) for rows in lanes])
    parts = _phase_parts(tl, lanes, dataset, loc, layers.annotations, (x0, x1), reverse)
    for role, key in (
        ("actual", "legend.actual"),
        ("range", "legend.range"),
        ("planned", "legend.planned"),
    ):
        layers.add(bar(role, line(text(key, loc), loc), parts.pieces[role], _BAR_WIDTH))
    # "Outcome unknown": the grey zone's entry says "No information after …" (editor B2)
    unknown_name = line(text("legend.unknown", loc), loc)
    layers.add(bar("unknown", unknown_name, parts.pieces["unknown"], _BAR_WIDTH))
    layers.add(overrun(line(text("legend.slip", loc), loc), parts.pieces["slip"], _BAR_WIDTH))
    spans = whiskers(
        line(text("legend.deadline_range", loc), loc),
        "deadline-range",
        parts.ranges,
        PALETTE["superseded"],
    )
    if spans is not None and parts.pieces["range"]:
        spans["showlegend"] = False  # "Exact date uncertain" is in the legend once
    layers.add(
        deadline_marks("deadline", parts.deadlines["deadline"], loc, shape="tick"),
        deadline_marks("soft", parts.deadlines["soft"], loc, shape="diamond"),
        deadline_marks("superseded", parts.deadlines["superseded"], loc, shape="tick"),
        spans,
    )
    marks: dict[str, list[Mark]] = {}
    for rows in lanes:
        for mark in rows.marks:
            marks.setdefault(mark.kind, []).append(mark)
    layers.add(*milestone_traces(marks, loc, sorted(marks, key=kind_key)))
    no_data_zone(layers, coverage_end(tl), tl.as_of, loc)
    as_of_marker(layers, tl.as_of, loc, reverse, published=coverage_end(tl) is not None)
    if not tl.phases:
        layers.annotations.append(
            {
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
                "yref": "paper",
                "showarrow": False,
                "text": line(text("empty", loc, date=format_date(tl.as_of, loc)), loc),
            }
        )
    total = lanes[-1].bottom if lanes else 1.0
    title = text("title.gantt", loc)
    subtitle = chart_subtitle(tl, loc)
    layout = frame(loc, title, layers.data, plot_px=total * _PX_PER_UNIT + 8, subtitle=subtitle)
    layout.update(
        {
            "xaxis": x_axis(x0, x1, loc, reverse),
            "yaxis": lane_axis(
                loc, (total + 0.05, -0.05), [r.label_y for r in lanes], [r.label for r in lanes]
            ),
            "barmode": "overlay",
            "shapes": layers.shapes,
            "annotations": layers.annotations,
        }
    )
    return Chart(
        "gantt", go.Figure(data=layers.data, layout=layout), gantt_alt(tl, loc, x0), loc.lang
    )
