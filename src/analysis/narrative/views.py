"""What the narrative says about each phase and the coverage, and the headline's context.

Turns :class:`~analysis.timeline.PhaseState` records into phase views (status, gaps,
deadline terms, end rows) and chooses what the headline leads with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from markupsafe import Markup

from analysis.dataset import Actor, Event
from analysis.narrative.house import curl_apostrophes
from analysis.narrative.names import _arabic_feminine, _english_names
from analysis.narrative.writer import _bounds, _is_range, _Writer
from analysis.timeline import (
    COVERAGE_LEAD_DAYS,
    Deadline,
    PhaseState,
    Timeline,
)

#: A phase that ended at most this many days before the report's date leads the
#: headline: a quarter, so a report shortly after an end still opens with it.
RECENT_END_DAYS = 90


# --------------------------------------------------------------------------- phases


@dataclass(frozen=True)
class _PhaseView:
    """What the templates need about one phase, decided here rather than in wording."""

    state: PhaseState
    #: The status the text reports (the model's, read against the coverage end).
    status: str
    #: The title for running text ("the coalition mission at …"; Arabic as it is).
    name: str | Markup
    #: The same, capitalised to open a sentence.
    Name: str | Markup
    #: Arabic grammatical gender of the title: verbs and pronouns agree with it.
    fem: bool
    start: Any
    #: The start is the day the exit timetable was set, not a beginning: "under the
    #: timetable set on 27 September 2024, … was due to end by …".
    timetable: bool
    #: The end as recorded (a date or a range), None while no end is known.
    end: Any
    #: The end is an official's declaration, not an observed departure.
    declared: bool
    deadline: Deadline | None
    #: ``firm`` | ``conditional`` | ``minimum`` (the deadline in force's terms).
    terms: str
    #: The first deadline of a revised chain (None when the deadline never moved).
    original: Deadline | None
    revisions: tuple[Deadline, ...]
    #: Rows that record the end (a withdrawal or handover on the end date), else the phase.
    end_rows: tuple[Event, ...]
    #: For an ended phase whose deadline moved: days from the original due date to the end.
    days_after_original: Any
    #: Days from the deadline to the known-through date, for an overdue phase.
    days_overdue: Any
    #: The phase ended on the deadline's very day ("as planned").
    on_the_day: bool
    #: ``after_coverage`` | ``end_in_range`` for an unknown status, else None.
    unknown_reason: str | None
    #: The recorded end's range while the report's date falls inside it.
    pending_end: Any
    #: ``state.status`` in ("upcoming", "ongoing") with a deadline ahead.
    pending: bool
    #: Reported in the past tense: the phase has ended or its deadline has passed.
    past: bool
    #: Who declared a declared end (the end row's actor), for "X said on … that …".
    declarer: Actor | None = None
    #: The row that declared it (its date is the declaration's).
    declaration: Event | None = None


def _date_key(event: Event) -> tuple[dt.date, dt.date, int]:
    """When a row happened; a deadline "happens" when it is announced, not when due."""
    when = event.announced if event.kind == "deadline" else event.start
    return (when.first_day(), when.last_day(), event.line)


def _end_rows(state: PhaseState, tl: Timeline) -> tuple[Event, ...]:
    """The withdrawals or handovers of the phase on its end date (within it, for a range)."""
    end = state.phase.end
    if end is None:
        return (state.phase,)
    rows = tuple(
        e
        for e in tl.visible
        if e.phase == state.id
        and e.kind in {"withdrawal", "handover"}
        and (
            e.start == end
            or (
                _is_range(end)
                and end.first_day() <= e.start.first_day()
                and e.start.last_day() <= end.last_day()
            )
        )
    )
    return rows or (state.phase,)


def _terms(deadline: Deadline | None) -> str:
    return deadline.terms if deadline is not None else "firm"


def _phase_view(
    state: PhaseState, tl: Timeline, writer: _Writer, proper: frozenset[str]
) -> _PhaseView:
    phase = state.phase
    if writer.arabic:
        name = Name = writer.text(phase.title_ar)
    else:
        name, Name = _english_names(curl_apostrophes(phase.title_en), proper)
    history = state.history
    slipped = len(history) > 1
    terms = _terms(state.deadline)
    status, reason = state.status, state.unknown_reason
    ended = state.end is not None and status != "unknown"
    end_value = state.end_value or phase.end
    after_original = None
    if slipped and ended:
        past_original = state.days_past_original(tl.as_of)
        after_original = past_original if _bounds(past_original) else None
    first = history[0] if history else None
    timetable = bool(
        first is not None
        # announced on the phase's start day, or a month before it (al-Abbasi's 8 September 2024
        # date for the sites whose exit the 27 September statement began: data7, EN S13)
        and first.event.announced is not None
        and phase.start.precision == "day"
        and (
            first.event.announced == phase.start
            or (
                first.event.start.precision == "month"
                and first.event.announced.last_day() < phase.start.last_day()
            )
        )
    )
    end_basis = state.end_basis or phase.end_basis
    end_rows = _end_rows(state, tl) if ended else ()
    declarer = declaration = None
    if ended and end_basis == "declared":
        # The row on the end's (last) day with an actor says who declared it.
        last = end_value.last_day() if end_value is not None else None
        for row in end_rows:
            if row.actor and row.start.last_day() == last and writer.actor(row.actor):
                declarer, declaration = writer.actor(row.actor), row
                break
    on_the_day = bool(
        ended
        and state.deadline is not None
        and not _is_range(end_value)
        and state.deadline.precision == "day"
        and state.end == state.deadline.due
    )
    return _PhaseView(
        state=state,
        status=status,
        name=name,
        Name=Name,
        fem=_arabic_feminine(phase.title_ar),
        start=state.start_value or phase.start,
        timetable=timetable,
        end=end_value if ended else None,
        declared=ended and end_basis == "declared",
        deadline=state.deadline,
        terms=terms,
        original=history[0] if slipped else None,
        revisions=history[1:] if slipped else (),
        end_rows=end_rows,
        days_after_original=after_original,
        days_overdue=state.days_overdue,
        on_the_day=on_the_day,
        unknown_reason=reason if status == "unknown" else None,
        pending_end=end_value if status == "unknown" and reason == "end_in_range" else None,
        pending=status in {"upcoming", "ongoing"} and state.days_until_deadline is not None,
        past=ended or status in {"overdue", "unknown", "past_soft_deadline"},
        declarer=declarer,
        declaration=declaration,
    )


def _lane_latest(phases: Sequence[_PhaseView]) -> Event | None:  # pragma: no cover - unused
    """The lane's latest event, unless the paragraph already tells it (an end row)."""
    told = {e.id for p in phases for e in p.end_rows} | {p.state.id for p in phases}
    events = [
        p.state.latest_event
        for p in phases
        if p.state.latest_event is not None and p.state.latest_event.id not in told
    ]
    latest = max(events, key=_date_key) if events else None
    every = [p.state.latest_event for p in phases if p.state.latest_event is not None]
    newest = max(every, key=_date_key) if every else None
    return latest if latest is not None and latest == newest else None


def _headline_context(
    views: Sequence[_PhaseView], as_of: dt.date, cov: _CoverageView
) -> dict[str, Any]:
    """Which phases lead the headline: the coverage end when the report is well past it,
    overdue phases, recent ends, then the next two deadlines.

    Phases sharing a deadline (same due date and precision) are told in one clause.
    """
    order = {v.state.id: i for i, v in enumerate(views)}

    def deadline_key(v: _PhaseView) -> tuple[dt.date, str]:
        return (v.deadline.due, v.deadline.precision) if v.deadline else (dt.date.max, "")

    def by_deadline(v: _PhaseView) -> tuple[tuple[dt.date, str], int]:
        return (deadline_key(v), order[v.state.id])

    def grouped(items: Iterable[_PhaseView]) -> list[list[_PhaseView]]:
        return [list(g) for _, g in groupby(sorted(items, key=by_deadline), key=deadline_key)]

    overdue = [v for v in views if v.status == "overdue"]
    soft = [v for v in views if v.status == "past_soft_deadline"]
    passed_ids = {v.state.id for v in cov.passed}
    unknown = [
        v for v in views if v.status == "unknown" and not (cov.beyond and v.state.id in passed_ids)
    ]
    ended = sorted(
        (
            v
            for v in views
            if v.end is not None
            and v.state.end is not None
            and (cov.known_through - v.state.end).days <= RECENT_END_DAYS
        ),
        key=lambda v: (v.state.end, -order[v.state.id]),
        reverse=True,
    )
    groups = grouped(v for v in views if v.pending)
    return {
        "lead": cov if cov.beyond else None,
        "passed": grouped(cov.passed) if cov.beyond else [],
        "passed_count": len(cov.passed),
        "passed_soft": all(v.terms == "minimum" for v in cov.passed),
        "overdue": grouped(overdue),
        "soft": soft,
        "unknown": unknown,
        "ended": ended,
        "upcoming": groups[0] if groups else [],
        # The deadline after the next one: a reader in October 2025 wants Erbil's
        # September 2026 as well as December's UNAMI deadline.
        "later": groups[1] if len(groups) > 1 else [],
    }


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class _CoverageView:
    """How far the data reach, for the text: ``Timeline.coverage`` with the phases whose
    deadline passed after it as views."""

    #: The last day the data cover (None: nothing is recorded at all).
    through: dt.date | None
    #: ``through`` at its own precision, for text ("11 February 2026", "February 2026").
    value: Any
    declared: bool
    #: min(as_of, through): day counts stop here.
    known_through: dt.date
    days_beyond: int
    #: The report is so far past the coverage end that the headline leads with it.
    beyond: bool
    #: Phases whose deadline fell in (through, as_of] with no recorded end.
    passed: tuple[_PhaseView, ...] = ()


#: Beyond this many days past the coverage end, the headline leads with it.
BEYOND_DAYS = COVERAGE_LEAD_DAYS


def _coverage(tl: Timeline) -> _CoverageView:
    """``Timeline.coverage`` for the text (None when the data record nothing at all)."""
    model = tl.coverage
    if model is None or not tl.visible:
        return _CoverageView(None, None, False, tl.as_of, 0, False)
    return _CoverageView(
        through=model.through,
        value=model.value,
        declared=model.declared,
        known_through=model.known_through,
        days_beyond=model.days_beyond,
        beyond=model.beyond,
    )
