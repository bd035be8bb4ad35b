"""Promise against reality: per phase with a deadline, the deadline in force against the end.

A dumbbell per phase: diamond = deadline in force (open: conditional or minimum), filled circle
= end (crossed: declared complete rather than observed), whisker = an end known as a range,
open circle = no end recorded by the last known day. The bar between them says how the two
compare (red: a firm deadline missed). Superseded deadlines are faint diamonds with a dotted
arrow to the one in force. Each row's note is written beside it, on the side where it crosses
neither the report-date line nor another mark.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

from analysis.charts.alt import promise_alt
from analysis.charts.axes import PRINT_PLOT_PX, frame, lane_axis, x_axis
from analysis.charts.hover import countdown, deadline_hover, phase_hover
from analysis.charts.layers import (
    Layers,
    Point,
    as_of_marker,
    deadline_marks,
    no_data_zone,
    whiskers,
)
from analysis.charts.model import (
    chart_subtitle,
    coverage_end,
    end_earliest,
    end_range,
    known_through,
)
from analysis.charts.model import role as role_of
from analysis.charts.style import (
    PALETTE,
    Chart,
    duration,
    duration_ranging,
    esc,
    iso,
    label_or,
    line,
    plain,
    sentence_case,
    status_label,
    text,
    wrapped,
)
from analysis.dataset import Dataset
from analysis.dates import PartialDate
from analysis.i18n import Locale, format_date
from analysis.timeline import PhaseState, Timeline

#: Rows are placed by their labels' heights (the y axis is in pixels from the top), so a row's
#: label (site, the row's short name, the note beneath) never runs into the next row's (editor
#: B1, Arabic editor S4; tests/test_chart_layout.py measures the boxes in Chromium). Plotly sets
#: a label's lines 1.3 em apart (18 px type: 24 px); the glyphs of the first and last lines
#: add a little over a line (Naskh's marks more than Latin); then a clear gap to the next label.
#: Every line is at least 17 px: 8 pt as printed at 64 % (ROUND7 decision 9).
_PX_PER_LABEL_LINE = 24
_LABEL_GLYPH_PX = {"en": 26, "ar": 34}
#: …and this much more for a label of four lines or more (English: "Forces left 16–18 January
#: 2026, / 108–110 days late" under its site and name came 0.4 px short of the gap).
_TALL_LABEL_PX = 4
_ROW_GAP_PX = 14
#: Room above the first row's label and below the last one's.
_ROW_PAD_PX = 6
#: A row is at least this tall (its marks are 17 px).
_MIN_ROW_PX = 40
#: The later announced date's diamond sits this far above its row line (px).
_ANNOUNCED_DY = 16
#: The site on a row's label, and the phase's title under it in small type.
_ROW_SITE = (30, 1)
_ROW_TITLE = (36, 2)
#: A note's phrases wrap at this many characters, on at most this many lines each.
_NOTE_WRAP = (48, 3)
#: Pixels between the latest mark and the notes column (a diamond is 17 px wide).
_NOTE_GAP_PX = 14
#: How each status draws the bar between deadline and end: (role, colour, dash).
_BARS = {
    "slip": ("slip", "solid"),
    "on_time": ("on_time", "solid"),
    "planned": ("planned", "dot"),
    "uncertain": ("slip", "dash"),
    "past-soft": ("muted", "solid"),
    "unknown": ("superseded", "dot"),
}
_BAR_OF_STATUS = {
    "overdue": "slip",
    "ended_late": "slip",
    "ended_on_time": "on_time",
    "ended_early": "on_time",
    "ended_uncertain": "uncertain",
    "past_soft_deadline": "past-soft",
    "ended_after_soft_deadline": "past-soft",
    "unknown": "unknown",
}
_BAR_ROLES = {
    "slip": "overrun",
    "on_time": "phase",
    "planned": "planned",
    "uncertain": "phase",
    "past-soft": "phase",
    "unknown": "unknown",
}
_BAR_NAMES = {
    "slip": "legend.slip",
    "on_time": "status.ended_on_time",
    "planned": "legend.planned",
    "uncertain": "status.ended_uncertain",
    "past-soft": "legend.after_soft_deadline",
    "unknown": "legend.unknown",
}
#: Bars whose legend entry is a marker's: the grey dots to an unknown outcome go with the grey
#: open dot ("Outcome unknown" once, editor B2, Arabic editor N16).
_BAR_GROUPS = {"unknown": "unknown-end"}


# --------------------------------------------------------------------------- notes


def gap_phrase(state: PhaseState, loc: Locale, through: PartialDate) -> str:
    """The comparison written out: "Ended 110 days late", "Overdue by 15 days", …; in
    Arabic a range after «ب» reads «بما بين 108 و110 أيام» (Arabic editor, read 16), as in
    the text."""
    status = state.status
    declared = state.end_basis == "declared"
    original = state.history[0] if state.slipped else None
    if original is not None and original.firm and state.end_value is not None:
        past = state.days_past_original(state.end)
        if past is not None:
            return text(
                "note.left_vs_original",
                loc,
                date=short_date(state.end_value, loc),
                duration=duration_ranging(past, loc),
            )
    span = end_range(state)
    if declared and span is not None and status == "ended_late" and state.days_late is not None:
        return text(
            "note.declared_range",
            loc,
            duration=duration_ranging(state.days_late, loc),
            date=short_date(span.high, loc),
        )
    days = {
        "overdue": state.days_overdue,
        "ended_late": state.days_late,
        "ended_early": state.days_early,
        "ended_after_soft_deadline": state.days_late,
    }.get(status)
    if status == "ended_uncertain" and state.days_late is not None:
        return text("note.uncertain", loc, duration=duration(max(state.days_late.high, 0), loc))
    if status == "unknown" and state.unknown_reason == "after_coverage":
        # the grey zone's legend entry says "No information after 31 March 2026" (editor B2)
        return text("note.unknown_after", loc)
    if days is not None:
        key = f"note.declared.{status}" if declared and status != "overdue" else f"note.{status}"
        return text(key, loc, duration=duration_ranging(days, loc))
    if status == "ended_on_time" and declared:
        return text("note.declared.ended_on_time", loc)
    if status in ("upcoming", "ongoing") and state.days_until_deadline is not None:
        return countdown(state, loc)
    return status_label(status, loc)


def short_date(value: Any, loc: Locale) -> str:
    """A date for a chart note, written in full ("18 January 2026", as in the text and the
    legend: no abbreviated months, editor C30)."""
    return format_date(value, loc)


def original_phrase(state: PhaseState, as_of: dt.date, loc: Locale) -> str | None:
    """How the end (or the last known day) compares with the *first* promise, when it moved
    and the note does not already say it (a firm original deadline is the one measured)."""
    if not state.slipped or state.history[0].firm:
        return None
    original = state.history[0]
    date = format_date(original.event.start, loc)
    past = state.days_past_original(as_of)
    if past is not None:
        return text("vs_original", loc, duration=duration(past, loc), date=date)
    if state.end is not None and state.end < original.period_start:
        gap = (original.period_start - state.end).days
        return text("before_original", loc, duration=duration(gap, loc), date=date)
    return None


@dataclass
class _Note:
    """A row's note: its lines (wrapped) and the row's extent on the date axis."""

    y: float
    rows: list[str]
    lo: dt.date
    hi: dt.date

    @property
    def share(self) -> float:
        """The part of the printed plot's width the note takes (at 12 px, ~7 px a character)."""
        chars = max((len(plain(r)) for r in self.rows), default=0)
        return min(0.5, (6.5 * chars + 20) / PRINT_PLOT_PX)


def note_lines(phrases: Sequence[str]) -> list[str]:
    """A note's phrases, each wrapped between phrases to fit the notes column."""
    return [part for p in phrases if p for part in wrapped(p, *_NOTE_WRAP)]


def place_notes(
    notes: Sequence[_Note], lo: dt.date, hi: dt.date, as_of: dt.date
) -> tuple[dt.date, dt.date, dt.date]:
    """The notes column and the axis window: notes start together a little after the latest
    mark of every row and the report-date line, so none crosses a mark or that line; the axis
    runs on far enough to hold the widest note at the printed width. Returns (x0, x1, column).
    """
    pad = dt.timedelta(days=max(30, (hi - lo).days // 12))
    x0 = lo - pad
    latest = max([as_of, hi, *(n.hi for n in notes)])
    share = max((n.share for n in notes), default=0.0)
    gap = _NOTE_GAP_PX / PRINT_PLOT_PX  # clear of the marks' half-width
    days = math.ceil((latest - x0).days / (1 - share - gap))
    column = latest + dt.timedelta(days=math.ceil(gap * days))
    return x0, max(x0 + dt.timedelta(days=days + 1), hi + pad), column


def axis_window(lo: dt.date, hi: dt.date) -> tuple[dt.date, dt.date]:
    """The date axis: a little before the earliest mark and a little after the latest (the
    notes sit with the row labels, so nothing else needs room)."""
    pad = dt.timedelta(days=max(30, (hi - lo).days // 14))
    return lo - pad, hi + pad


def notes_trace(
    notes: Sequence[_Note], column: dt.date, loc: Locale, reverse: bool
) -> dict[str, Any] | None:
    """The notes, one per row, starting together at ``column`` toward later dates."""
    if not notes:
        return None
    return {
        "type": "scatter",
        "mode": "text",
        "name": "",
        "showlegend": False,
        "legendgroup": "notes",
        "meta": role_of("note"),
        "x": [iso(column)] * len(notes),
        "y": [n.y for n in notes],
        "text": ["<br>".join(line(r, loc) for r in n.rows) for n in notes],
        "textposition": "middle left" if reverse else "middle right",
        "textfont": {"size": 12, "color": PALETTE["text"]},
        "hoverinfo": "skip",
        "cliponaxis": False,
    }


# --------------------------------------------------------------------------- rows


def row_label(state: PhaseState, dataset: Dataset, loc: Locale, note: Sequence[str] = ()) -> str:
    """The row's label: the site, the phase's short name under it in small type (a site can
    have several phases with deadlines), then the outcome in words. The outcome sits with the
    label, not in the plot: it never crosses a mark or the report-date line, and the date axis
    need not run on to hold it."""
    site = dataset.sites.get(state.site)
    name = site.name(loc.lang) if site is not None else state.site
    big = "<br>".join(line(esc(part), loc) for part in wrapped(name, *_ROW_SITE))
    title = label_or(f"chart.phase.{state.phase.id}", loc, state.phase.title(loc.lang))
    small = "<br>".join(
        f'<span style="font-size:17px">{line(esc(part), loc)}</span>'
        for part in wrapped(title, *_ROW_TITLE)
    )
    colour = PALETTE["slip"] if state.missed or state.slipped else PALETTE["text"]
    said = "<br>".join(
        f'<span style="font-size:17px;color:{colour}">{line(esc(part), loc)}</span>'
        for part in note
    )
    return f"{big}<br>{small}" + (f"<br>{said}" if said else "")


@dataclass
class _Rows:
    """What the rows contribute, gathered before the traces are made."""

    bars: dict[str, tuple[list[str | None], list[float | None]]] = field(default_factory=dict)
    deadlines: dict[str, list[Point]] = field(
        default_factory=lambda: {"deadline": [], "soft": [], "superseded": []}
    )
    ends: dict[str, list[Point]] = field(
        default_factory=lambda: {"actual": [], "declared": [], "open": [], "unknown": []}
    )
    ranges: list[tuple[dt.date, dt.date, float, str]] = field(default_factory=list)
    links: list[tuple[dt.date, dt.date, tuple[float, float, float, float]]] = field(
        default_factory=list
    )
    notes: list[_Note] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    xs: list[dt.date] = field(default_factory=list)


def row_notes(state: PhaseState, tl: Timeline, loc: Locale) -> list[str]:
    """A row's note: the comparison written out, and how it compares with a first promise that
    moved; wrapped."""
    return note_lines(
        [
            sentence_case(gap_phrase(state, loc, tl.coverage.value), loc),
            original_phrase(state, tl.as_of, loc) or "",
        ]
    )


def row_positions(labels: Sequence[str], lang: str) -> tuple[list[float], float]:
    """Each row's place (px from the plot's top) and the plot's height: a label's half-height
    above and below its row line, a clear gap between labels."""
    heights = [
        max(
            _MIN_ROW_PX,
            _PX_PER_LABEL_LINE * label.count("<br>")
            + _LABEL_GLYPH_PX[lang]
            + (_TALL_LABEL_PX if label.count("<br>") >= 3 else 0),
        )
        for label in labels
    ]
    ys, y = [], float(_ROW_PAD_PX)
    for i, h in enumerate(heights):
        y += h / 2 if i == 0 else heights[i - 1] / 2 + _ROW_GAP_PX + h / 2
        ys.append(y)
    return ys, (y + heights[-1] / 2 + _ROW_PAD_PX) if heights else 60.0


def _add_row(
    rows: _Rows,
    y: float,
    state: PhaseState,
    tl: Timeline,
    dataset: Dataset,
    loc: Locale,
    note: list[str],
) -> None:
    deadline = state.deadline
    assert deadline is not None
    hover = phase_hover(state, dataset, loc, tl.as_of)
    known = known_through(tl)
    reached = state.end if state.end is not None else known
    bar = _BAR_OF_STATUS.get(state.status, "planned")
    # the deadline measured against is the first one; a date announced after it passed is a
    # faint mark and does not reset the clock (Ain al-Asad: late from end-September 2025)
    first = state.history[0] if state.slipped else deadline
    if state.slipped and first.firm and first.due < reached:
        bar = "slip"
    xs, ys = rows.bars.setdefault(bar, ([], []))
    xs += [iso(first.due), iso(reached), None]
    ys += [y, y, None]
    role = "deadline" if first.firm else "soft"
    rows.deadlines[role].append((first.due, y, deadline_hover(first, dataset, loc, tl.as_of)))
    for later in state.history[1:]:
        later_hover = deadline_hover(later, dataset, loc, tl.as_of)
        # just above the row line: beside the end's dot a week later, it would hide under it
        rows.deadlines["superseded"].append((later.due, y - _ANNOUNCED_DY, later_hover))
    earliest = end_earliest(state)
    if state.end is not None and earliest is not None and earliest < state.end:
        rows.ranges.append((earliest, state.end, y, hover))
    kind = (
        ("unknown" if state.status == "unknown" else "open")
        if state.end is None
        else "declared"
        if state.end_basis == "declared"
        else "actual"
    )
    rows.ends[kind].append((reached, y, hover))
    row_x = [deadline.due, reached, *(h.due for h in state.history)]
    if earliest is not None:
        row_x.append(earliest)
    rows.notes.append(_Note(y, note, min(row_x), max(row_x)))
    rows.labels.append(row_label(state, dataset, loc, rows.notes[-1].rows))
    rows.xs += row_x


def _end_traces(rows: _Rows, loc: Locale) -> list[dict[str, Any] | None]:
    def points(name: str, role: str, pts: list[Point], **marker: Any) -> dict[str, Any] | None:
        if not pts:
            return None
        return {
            "type": "scatter",
            "mode": "markers",
            "name": line(name, loc),
            "legendgroup": role,
            "meta": role_of("phase"),
            "x": [iso(x) for x, _, _ in pts],
            "y": [y for _, y, _ in pts],
            "hovertext": [h for _, _, h in pts],
            "hoverinfo": "text",
            "marker": marker,
            "cliponaxis": False,
        }

    colour = PALETTE["actual"]
    # the range is drawn after (above) the end markers, never hidden under the Ain al-Asad
    # dot (English editor nit 9, Arabic editor N9)
    return [
        points(
            text("legend.actual_end", loc),
            "actual",
            rows.ends["actual"],
            symbol="circle",
            size=14,
            color=colour,
            line={"color": "white", "width": 1},
        ),
        points(
            text("legend.declared_end", loc),
            "declared",
            rows.ends["declared"],
            symbol="circle-x",
            size=14,
            color=colour,
            line={"color": "white", "width": 1.5},
        ),
        points(
            text("legend.not_ended", loc),
            "open",
            rows.ends["open"],
            symbol="circle-open",
            size=14,
            color=colour,
            line={"width": 3},
        ),
        # the outcome after the coverage end is unknown: a grey open dot, not "not yet ended"
        points(
            text("legend.unknown_end", loc),
            "unknown-end",
            rows.ends["unknown"],
            symbol="circle-open-dot",
            size=14,
            color=PALETTE["superseded"],
            line={"width": 2},
        ),
        whiskers(line(text("legend.end_range", loc), loc), "end-range", rows.ranges, colour),
    ]


def _bar_traces(rows: _Rows, loc: Locale) -> list[dict[str, Any]]:
    traces = []
    for bar, key in _BAR_NAMES.items():
        if bar not in rows.bars:
            continue
        xs, ys = rows.bars[bar]
        colour, dash = _BARS[bar]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": line(text(key, loc), loc),
                "legendgroup": _BAR_GROUPS.get(bar, bar),
                "meta": role_of(_BAR_ROLES[bar]),
                "x": xs,
                "y": ys,
                "line": {"color": PALETTE[colour], "width": 5, "dash": dash},
                "hoverinfo": "skip",
                # a bar of no length (ended on the deadline day) draws nothing to explain
                "showlegend": bar not in _BAR_GROUPS
                and any(a != b for a, b in zip(xs[::3], xs[1::3], strict=True)),
                "connectgaps": False,
            }
        )
    return traces


def promise_figure(tl: Timeline, dataset: Dataset, loc: Locale, *, rtl_axis: bool = True) -> Chart:
    """Each phase with a deadline: the deadline in force against the actual end (or the last
    known day while it runs), the comparison written next to it, and the original deadline if
    it moved. Same frame, layers and right-to-left rules as the Gantt."""
    reverse = loc.lang == "ar" and rtl_axis
    states = [s for s in tl.phases if s.deadline is not None]
    rows = _Rows()
    notes = [row_notes(state, tl, loc) for state in states]
    ys, plot_px = row_positions(
        [row_label(state, dataset, loc, note) for state, note in zip(states, notes, strict=True)],
        loc.lang,
    )
    for y, state, note in zip(ys, states, notes, strict=True):
        _add_row(rows, y, state, tl, dataset, loc, note)
    layers = Layers()
    layers.add(
        *_bar_traces(rows, loc),
        deadline_marks("superseded", rows.deadlines["superseded"], loc, shape="diamond"),
        deadline_marks("deadline", rows.deadlines["deadline"], loc, shape="diamond"),
        deadline_marks("soft", rows.deadlines["soft"], loc, shape="diamond"),
        # ends over deadlines: an end on the deadline day is a dot inside the diamond, both
        # visible (UNAMI, 31 December 2025: editor B3)
        *_end_traces(rows, loc),
    )
    through = coverage_end(tl)
    if through is None:
        x0, x1 = axis_window(min([tl.as_of, *rows.xs]), max([tl.as_of, *rows.xs]))
        no_data_zone(layers, through, tl.as_of, loc)
        as_of_marker(layers, tl.as_of, loc, reverse)
    else:
        # well past the information's end, the axis stops a little after the last mark: not
        # most of the plot in grey (Arabic editor N19); the grey stretch runs from the cut-off
        # to the axis' end (a chart with no deadline row still has the cut-off to frame). The
        # report date is in the subtitle only: no "Published … →" note pointing off the axis
        # (ROUND7 decision 9, English editor)
        x0, x1 = axis_window(min([through, *rows.xs]), max([through, *rows.xs]))
        no_data_zone(layers, through, tl.as_of, loc, until=x1)
    title = text("title.promise", loc)
    subtitle = chart_subtitle(tl, loc)
    layout = frame(loc, title, layers.data, plot_px=plot_px, subtitle=subtitle)
    layout.update(
        {
            "xaxis": x_axis(x0, x1, loc, reverse),
            "yaxis": lane_axis(
                loc,
                (plot_px, 0),
                ys,
                rows.labels,
                showgrid=True,
                gridcolor=PALETTE["grid"],
            ),
            "shapes": layers.shapes,
            "annotations": layers.annotations,
        }
    )
    return Chart(
        "promise", go.Figure(data=layers.data, layout=layout), promise_alt(tl, loc), loc.lang
    )
