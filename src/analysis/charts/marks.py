"""Point events as markers: thinned when a lane has too many, stacked when they share a date.

* **Big data stays readable.** A lane with more than ``limit`` point events is aggregated: one
  marker per kind and month (else quarter) while that is few enough, else one marker per
  period for all kinds (month, quarter, half-year, year, …), sized by its count, with the count
  per kind and the first titles in the hover. 10,000 events give about 50 markers per lane,
  and no event is lost (``customdata`` holds each marker's count).
* **Markers on the same date don't hide each other.** Markers closer than their own width at
  the printed size are stacked in levels (:func:`stack`); the lane grows by a level each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from analysis.charts.axes import PRINT_PLOT_PX
from analysis.charts.hover import event_hover
from analysis.charts.layers import MIXED, Mark, marker_size
from analysis.charts.style import esc, label_or, lines, mid, text
from analysis.dataset import Dataset, Event
from analysis.dates import PartialDate
from analysis.i18n import Locale, count, format_date

#: Kinds of point events in legend order; kinds outside it follow, alphabetically.
KIND_ORDER = ("agreement", "announcement", "statement", "handover", "withdrawal", "incident")
#: Aggregation periods tried in turn, in months, aligned to the calendar (12: calendar years,
#: 24: pairs of years from an even year); 0 is the lane's whole span.
_BIN_MONTHS = (1, 3, 6, 12, 24, 60, 120, 0)
#: Per-kind periods are only tried up to a quarter: coarser, a marker per kind says little
#: about *when*; then one marker per period stands for all kinds.
_KIND_BIN_MONTHS = (1, 3)
#: Levels a lane's markers may stack to; beyond, markers share the last level.
MAX_LEVELS = 4


def kind_key(kind: str) -> tuple[int, str]:
    """Sort key of a point-event kind: legend order, unknown kinds last, alphabetically."""
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), kind)


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
    """ "March 2025", "2025" or "January 2024 – December 2025": a period at its own precision."""
    if months == 1:
        return format_date(PartialDate(first.year, first.month), loc)
    if months == 12:
        return format_date(PartialDate(first.year), loc)
    return (
        f"{format_date(PartialDate(first.year, first.month), loc)} – "
        f"{format_date(PartialDate(last.year, last.month), loc)}"
    )


def _groups(events: Sequence[Event], limit: int) -> tuple[dict[tuple[str, int], list[Event]], int]:
    """Events grouped by (kind, period), or by period alone (kind ``MIXED`` where a period
    holds several kinds): the finest grouping that gives ``limit`` groups or fewer."""
    groups: dict[tuple[str, int], list[Event]] = {}
    # each event's month, once: (year * 12 + month - 1) of the middle of its date
    month_of = [(e, m.year * 12 + m.month - 1) for e in events for m in (mid(e.start),)]
    for months in _KIND_BIN_MONTHS:
        groups = {}
        for e, month in month_of:
            groups.setdefault((e.kind, month // months), []).append(e)
        if len(groups) <= limit:
            return groups, months
    by_period: dict[int, list[Event]] = {}
    for months in _BIN_MONTHS:
        by_period = {}
        for e, month in month_of:
            by_period.setdefault(month // months if months else 0, []).append(e)
        if len(by_period) <= limit or not months:
            break
    groups = {}
    for index, members in by_period.items():
        kinds = {e.kind for e in members}
        groups[(kinds.pop() if len(kinds) == 1 else MIXED, index)] = members
    return groups, months


def _group_hover(
    members: Sequence[Event], first: dt.date, last: dt.date, months: int, loc: Locale
) -> str:
    rows = [
        f"<b>{count(len(members), 'event', loc)}</b>",
        f"{text('period', loc)}: {_period_text(first, last, months, loc)}",
    ]
    per_kind: dict[str, int] = {}
    for e in members:
        per_kind[e.kind] = per_kind.get(e.kind, 0) + 1
    rows += [
        f"{label_or(f'kind.{k}', loc, k)}: {count(n, 'event', loc)}"
        for k, n in sorted(per_kind.items(), key=lambda item: kind_key(item[0]))
    ]
    shown = members[:5]
    rows += [f"• {esc(e.title(loc.lang))} ({format_date(e.start, loc)})" for e in shown]
    if len(members) > len(shown):
        rows.append(text("more_events", loc, count=count(len(members) - len(shown), "event", loc)))
    return lines(rows, loc)


def milestone_marks(
    events: Sequence[Event], dataset: Dataset, loc: Locale, limit: int, *, with_site: bool
) -> list[Mark]:
    """One mark per event, or per group of events when there are more than ``limit``.

    Groups are (kind, month or quarter) while that is enough, else periods of all kinds (see
    :func:`_groups`), so a lane has at most ``max(limit, 1)`` marks and stays readable with
    thousands of events. A group's hover gives its count, period, kinds and first titles.
    """
    if len(events) <= limit:
        return [
            Mark(e.kind, mid(e.start), event_hover(e, dataset, loc, with_site=with_site), 1)
            for e in events
        ]
    groups, months = _groups(events, limit)
    marks = []
    for (kind, index), members in sorted(groups.items(), key=lambda g: (kind_key(g[0][0]), g[0])):
        if len(members) == 1:
            e = members[0]
            marks.append(
                Mark(kind, mid(e.start), event_hover(e, dataset, loc, with_site=with_site), 1)
            )
            continue
        first, last = _bin_bounds(index, months, members)
        hover = _group_hover(members, first, last, months, loc)
        marks.append(Mark(kind, first + (last - first) // 2, hover, len(members)))
    return marks


def stack(marks: Sequence[Mark], window_days: int) -> list[tuple[Mark, int]]:
    """Each mark with its level (0 = the lane's first strip): a mark closer to a mark of the
    same level than both their half-widths at the printed size goes one level further.

    Greedy by date, so the result is deterministic and each level is read left to right.
    """
    days_per_px = max(window_days, 1) / PRINT_PLOT_PX
    last_right: list[float] = []  # per level, the right edge (in days) of its last mark
    out: list[tuple[Mark, int]] = []
    for mark in sorted(marks, key=lambda m: (m.x, kind_key(m.kind))):
        half = (marker_size(mark.n) / 2 + 1.5) * days_per_px
        x = float(mark.x.toordinal())
        level = next((i for i, right in enumerate(last_right) if x - half >= right), None)
        if level is None:
            if len(last_right) < MAX_LEVELS:
                last_right.append(0.0)
                level = len(last_right) - 1
            else:
                level = min(range(MAX_LEVELS), key=lambda i: last_right[i])
        last_right[level] = x + half
        out.append((mark, level))
    return out
