"""The charts' alternative text: one data-derived sentence saying what a reader should see."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from analysis.charts.model import coverage_end
from analysis.charts.style import duration, text
from analysis.i18n import Locale, count, format_date
from analysis.timeline import PhaseState, Timeline


def _high(days: Any) -> int:
    return int(getattr(days, "high", days) or 0)


def _pick(
    states: Sequence[PhaseState], status: str, days: Callable[[PhaseState], Any]
) -> PhaseState | None:
    """The phase of ``status`` with the largest day count (ties: the first in lane order)."""
    hits = [s for s in states if s.status == status and days(s) is not None]
    return max(hits, key=lambda s: _high(days(s))) if hits else None


def notable(states: Sequence[PhaseState], loc: Locale, tl: Timeline) -> str:
    """The one fact a reader should take away: that the data end before the report date when
    deadlines passed since, else the worst overdue phase, else the latest end, else the
    biggest deadline move, else the next deadline."""

    def title(s: PhaseState) -> str:
        return s.phase.title(loc.lang)

    def due(s: PhaseState) -> str:
        assert s.deadline is not None
        return format_date(s.deadline.event.start, loc)

    through = coverage_end(tl)
    if through is not None and any(s.status == "unknown" for s in states):
        return text("notable.coverage", loc, date=format_date(through, loc))
    s = _pick(states, "overdue", lambda s: s.days_overdue)
    if s is not None:
        return text(
            "notable.overdue",
            loc,
            phase=title(s),
            date=due(s),
            duration=duration(s.days_overdue, loc),
        )
    s = _pick(states, "ended_late", lambda s: s.days_late)
    if s is not None:
        return text(
            "notable.ended_late",
            loc,
            phase=title(s),
            date=due(s),
            duration=duration(s.days_late, loc),
        )
    moved = [s for s in states if s.slipped and s.deadline is not None]
    if moved:
        s = max(moved, key=lambda s: (s.history[-1].due - s.history[0].due).days)
        original = format_date(s.history[0].event.start, loc)
        return text("notable.revised", loc, phase=title(s), date=due(s), original=original)
    ahead = [s for s in states if s.days_until_deadline is not None]
    if ahead:
        s = min(ahead, key=lambda s: _high(s.days_until_deadline))
        return text(
            "notable.next",
            loc,
            phase=title(s),
            date=due(s),
            duration=duration(s.days_until_deadline, loc),
        )
    return text("notable.none", loc)


def gantt_alt(tl: Timeline, loc: Locale) -> str:
    """The Gantt's alternative text: its lanes, date and the one notable fact."""
    return text(
        "alt.gantt",
        loc,
        sites=count(len(tl.lanes), "site", loc, case="oblique"),
        date=format_date(tl.as_of, loc),
        notable=notable(tl.phases, loc, tl),
    )


def promise_alt(tl: Timeline, loc: Locale) -> str:
    """The promise chart's alternative text: its phases, date and the one notable fact."""
    states = [s for s in tl.phases if s.deadline is not None]
    return text(
        "alt.promise",
        loc,
        phases=count(len(states), "phase", loc, case="oblique"),
        date=format_date(tl.as_of, loc),
        notable=notable(states, loc, tl),
    )
