"""What the charts read from the timeline beyond dates: coverage, ranges, end basis, terms.

One place that knows these model fields, so the figures stay about drawing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from analysis.timeline import Deadline, PhaseState, Timeline

#: Statuses a chart draws as an overrun (hatched bar, red dumbbell): a firm deadline missed.
MISSED = frozenset({"overdue", "ended_late"})


def coverage_end(tl: Timeline) -> dt.date | None:
    """The last day the data covers, when the report date is past it; else None."""
    coverage = getattr(tl, "coverage", None)
    if coverage is None or coverage.through >= tl.as_of:
        return None
    return coverage.through


def known_through(tl: Timeline) -> dt.date:
    """The last day the report knows about: the report date, or the coverage end before it."""
    return coverage_end(tl) or tl.as_of


def end_range(state: PhaseState) -> tuple[Any, Any] | None:
    """(earliest, latest) value of an end known only as a range of days; else None."""
    earliest = getattr(state, "end_earliest", None)
    if state.end is None or earliest is None or earliest == state.end:
        return None
    value = getattr(state, "end_value", None)
    if value is not None and hasattr(value, "low"):
        return value.low, value.high
    return earliest, state.end


def end_earliest(state: PhaseState) -> dt.date | None:
    return getattr(state, "end_earliest", None) or state.end


def end_basis(state: PhaseState) -> str | None:
    return getattr(state, "end_basis", None)


def terms(deadline: Deadline) -> str:
    """``firm``, ``conditional`` ("subject to conditions") or ``minimum`` ("until at least")."""
    return getattr(deadline, "terms", None) or "firm"


def firm(deadline: Deadline) -> bool:
    return terms(deadline) == "firm"


def value_span(value: Any) -> tuple[dt.date, dt.date] | None:
    """First and last day of a date given as an interval ``A/B``; None for a plain date."""
    if value is None or getattr(value, "precision", None) != "range":
        return None
    return value.first_day(), value.last_day()
