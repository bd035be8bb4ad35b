"""What the charts read from the timeline beyond dates: coverage, ranges, end basis, terms,
and the role every drawn piece declares.

Roles are a contract with the end-to-end claims test (``tests/test_claims.py``): every trace
carries ``meta={"role": ROLE}`` and every shape ``name=ROLE``, ROLE one of :data:`ROLES`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from analysis.dates import DateInterval
from analysis.i18n import Locale, format_date, phrase
from analysis.timeline import PhaseState, Timeline

#: ``phase`` (a phase's bar, its end marks), ``planned`` (time left to a deadline ahead),
#: ``unknown`` (after the coverage end, toward a deadline the report cannot speak for),
#: ``overrun`` (past a firm deadline, never after the last known day), ``deadline``,
#: ``superseded``, ``milestone``, ``range`` (an uncertain date's span), ``no-data`` (coverage
#: end to report date), ``as-of``; and ``lane`` (the lane bands) and ``note`` (row text).
ROLES = frozenset(
    {
        "phase",
        "planned",
        "unknown",
        "overrun",
        "deadline",
        "superseded",
        "milestone",
        "range",
        "no-data",
        "as-of",
        "lane",
        "note",
    }
)


def role(name: str) -> dict[str, Any]:
    """The ``meta`` of a trace: its role (see :data:`ROLES`)."""
    assert name in ROLES, name
    return {"role": name}


def coverage_end(tl: Timeline) -> dt.date | None:
    """The coverage end when the report date is well past it (the report leads with the
    cut-off, and the charts shade the stretch after it); else None."""
    return tl.coverage.through if tl.coverage.beyond else None


def known_through(tl: Timeline) -> dt.date:
    """The last day the report can speak for: the report date, or the coverage end before it."""
    return tl.coverage.known_through


def end_range(state: PhaseState) -> DateInterval | None:
    """The end as given, when it is a range of dates ``A/B``; else None."""
    value = state.end_value
    return value if state.end is not None and isinstance(value, DateInterval) else None


def end_earliest(state: PhaseState) -> dt.date | None:
    """The earliest day the known end allows (the end itself unless it is a range)."""
    return state.end_earliest or state.end


def value_span(value: Any) -> tuple[dt.date, dt.date] | None:
    """First and last day of a date given as an interval ``A/B``; None for a plain date."""
    if not isinstance(value, DateInterval):
        return None
    return value.first_day(), value.last_day()


def chart_subtitle(tl: Timeline, loc: Locale) -> str:
    """The line under a chart's title: "as of 15 October 2025"; when the report date is well
    past the data, "Events to 31 March 2026 (published 30 November 2026)" (ROUND3 decision 1,
    ROUND7 decision 8: never "as of" a date the data does not reach)."""
    as_of = format_date(tl.as_of, loc)
    if tl.coverage.beyond:
        through = format_date(tl.coverage.value, loc)
        return phrase("chart.title.past_data", loc, through=through, date=as_of)
    return phrase("chart.title.as_of", loc, date=as_of)


def deadline_kind(state: PhaseState) -> str:
    """ "soft" (conditional or minimum), "month" (a firm deadline known to the month or year,
    or as a range) or "day": only a firm deadline known to the day is counted down in days."""
    deadline = state.deadline
    if deadline is None or not deadline.firm:
        return "soft"
    return "day" if deadline.event.start.precision == "day" else "month"
