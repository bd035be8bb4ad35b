"""The records of the as-of model: day counts, deadlines, phase states, lanes, coverage, changes.

These frozen dataclasses are what :func:`analysis.timeline.timeline` and
:func:`analysis.timeline.compare` return; the rules that fill them live in
:mod:`analysis.timeline`, which re-exports every name here. Standard library only:
every report kernel imports them, so they must import fast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from analysis.dataset import Event, Site
from analysis.dates import DateValue, PartialDate

Status = Literal[
    "upcoming",
    "ongoing",
    "overdue",
    "past_soft_deadline",
    "unknown",
    "ended_on_time",
    "ended_late",
    "ended_early",
    "ended_uncertain",
    "ended_after_soft_deadline",
]
#: Why a status is ``unknown``.
UnknownReason = Literal["after_coverage", "end_in_range"]

#: Once a report date is this many days past the coverage end, the report leads with it.
COVERAGE_LEAD_DAYS = 21


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, order=True)
class DayRange:
    """A count of days, exact (``low == high``) or a range when an input date is a range."""

    low: int
    high: int

    @classmethod
    def between(cls, earliest: dt.date, latest: dt.date, reference: dt.date) -> DayRange:
        """Days from ``reference`` to a date known to lie in ``[earliest, latest]``."""
        return cls((earliest - reference).days, (latest - reference).days)

    @classmethod
    def exact_days(cls, days: int) -> DayRange:
        """An exact count of ``days``."""
        return cls(days, days)

    @property
    def exact(self) -> bool:
        """True when the count is one number (its inputs were exact)."""
        return self.low == self.high

    @property
    def single(self) -> int | None:
        """The count when exact, else None."""
        return self.low if self.exact else None

    def __str__(self) -> str:
        return str(self.low) if self.exact else f"{self.low}–{self.high}"


@dataclass(frozen=True)
class Deadline:
    """A visible deadline row with its due date and its place in the revision chain."""

    event: Event
    #: The last day the deadline allows (a month-precision deadline is due by the month's end).
    due: dt.date
    precision: str
    #: ``firm``, ``conditional`` or ``minimum``: only a firm deadline can be missed.
    terms: str
    #: True for the deadline in force at ``as_of``. False with no ``superseded_by``: an
    #: independent deadline of the same phase outranked by a later-announced one (rule 3).
    in_force: bool
    #: Id of the visible revision that replaced it, if any.
    superseded_by: str | None

    @property
    def id(self) -> str:
        """The deadline row's id."""
        return self.event.id

    @property
    def firm(self) -> bool:
        """True for a firm deadline, the only kind that can be missed."""
        return self.terms == "firm"

    @property
    def value(self) -> DateValue:
        """The due date as the data give it (its precision, or a range)."""
        return self.event.start

    @property
    def period_start(self) -> dt.date:
        """The first day of the deadline's period: ending on or after it is not "early"."""
        return self.event.start.first_day()


@dataclass(frozen=True)
class PhaseState:
    """One phase as of a date: planned versus actual, and by how much they differ."""

    phase: Event
    site: str
    #: The earliest day the start allows.
    start: dt.date
    #: The latest day the known end allows (None while no end is known at ``as_of``).
    end: dt.date | None
    #: ``day``/``month``/``year``/``range``; None with no end known.
    end_precision: str | None
    deadline: Deadline | None
    #: The visible revision chain, original first, the deadline in force last.
    history: tuple[Deadline, ...]
    status: Status
    days_until_deadline: DayRange | None
    #: Days past a passed deadline with no end, counted up to ``known_through`` only.
    days_overdue: DayRange | None
    days_late: DayRange | None
    days_early: DayRange | None
    #: The precision of the deadline the day counts are measured against (e.g. "month").
    measured_against: str | None
    #: The latest visible event on the phase's site or linked to the phase.
    latest_event: Event | None
    #: The start and end as the data give them (precision kept; a range stays a range).
    start_value: DateValue | None = None
    end_value: DateValue | None = None
    #: The earliest day the known end allows (== ``end`` unless the end is a range).
    end_earliest: dt.date | None = None
    #: ``observed`` or ``declared`` for a known end, else None.
    end_basis: str | None = None
    #: Why the status is ``unknown`` (None otherwise).
    unknown_reason: UnknownReason | None = None
    #: The last day the data speak for at this report date: ``min(as_of, coverage end)``.
    known_through: dt.date | None = None

    @property
    def id(self) -> str:
        """The phase row's id."""
        return self.phase.id

    @property
    def slipped(self) -> bool:
        """True when the deadline in force is a revision: the original promise moved."""
        return len(self.history) > 1

    @property
    def original_deadline(self) -> Deadline | None:
        """The first promise of the chain (the deadline in force when never revised)."""
        return self.history[0] if self.history else None

    @property
    def missed(self) -> bool:
        """A firm deadline missed for certain (overdue, or the whole end range late)."""
        return self.status in ("overdue", "ended_late")

    def days_past_original(self, as_of: dt.date) -> DayRange | None:
        """Days the phase ran (or had run by the data's end, if open) past its *original* deadline.

        A phase that ended within a revised deadline is "on time" against the deadline in
        force, yet the first promise was missed: the report shows both. None unless the
        whole range is past the original deadline.
        """
        original = self.original_deadline
        if original is None:
            return None
        if self.end is not None and self.end_earliest is not None:
            gap = DayRange.between(self.end_earliest, self.end, original.due)
        elif self.status == "unknown":
            return None
        else:
            reached = min(as_of, self.known_through or as_of)
            gap = DayRange.exact_days((reached - original.due).days)
        return gap if gap.low > 0 else None

    def __repr__(self) -> str:
        due = self.deadline.value.iso if self.deadline is not None else "none"
        return f"<PhaseState {self.phase.id} {self.status} deadline={due}>"


@dataclass(frozen=True)
class Lane:
    """One site's row in the chart: its phases, point events and deadlines."""

    site: Site
    phases: tuple[PhaseState, ...]
    milestones: tuple[Event, ...]
    deadlines: tuple[Deadline, ...]


@dataclass(frozen=True)
class CoverageState:
    """How far the data reach, seen from one report date (module rule 6)."""

    #: The dataset's coverage end (the last day the data speak for).
    through: dt.date
    #: ``through`` at its own precision, for text.
    value: PartialDate
    #: True when a curator declared the coverage in ``datapackage.json``.
    declared: bool
    #: ``min(as_of, through)``: the last day this report can speak for.
    known_through: dt.date
    #: Days from the coverage end to the report date (0 when the report is within it).
    days_beyond: int
    #: Phases whose deadline passed after the coverage end, with no end recorded.
    deadlines_passed_since: tuple[PhaseState, ...]

    @property
    def beyond(self) -> bool:
        """The report date is well past the coverage end: lead with the cut-off."""
        return self.days_beyond > COVERAGE_LEAD_DAYS


@dataclass(frozen=True)
class LatestRecord:
    """The latest thing the visible rows record, at its precision, and its row."""

    value: PartialDate
    day: dt.date
    event: Event


@dataclass(frozen=True)
class Timeline:
    """Everything a report shows, as of one date."""

    as_of: dt.date
    lanes: tuple[Lane, ...]
    phases: tuple[PhaseState, ...]
    milestones: tuple[Event, ...]
    deadlines: tuple[Deadline, ...]
    visible: tuple[Event, ...]
    coverage: CoverageState
    #: The latest recorded date among the visible rows (None when nothing is visible).
    latest_record: LatestRecord | None = None

    def phase(self, phase_id: str) -> PhaseState:
        """The state of one phase; KeyError naming the phases there are."""
        for state in self.phases:
            if state.phase.id == phase_id:
                return state
        known = ", ".join(s.phase.id for s in self.phases) or "none"
        raise KeyError(
            f"no phase {phase_id!r} in the timeline as of {self.as_of.isoformat()} "
            f"(not in the data, announced later, or outside the selected sites); "
            f"phases: {known}"
        )

    def __repr__(self) -> str:
        statuses: dict[str, int] = {}
        for state in self.phases:
            statuses[state.status] = statuses.get(state.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
        return (
            f"<Timeline as of {self.as_of.isoformat()}: {len(self.lanes)} lanes, "
            f"{len(self.phases)} phases ({summary or 'none'}), {len(self.milestones)} events; "
            f"data through {self.coverage.value.iso}>"
        )

    def lane(self, site_id: str) -> Lane:
        """The lane of one site; KeyError naming the lanes there are."""
        for lane in self.lanes:
            if lane.site.id == site_id:
                return lane
        known = ", ".join(lane.site.id for lane in self.lanes) or "none"
        raise KeyError(
            f"no lane for site {site_id!r} as of {self.as_of.isoformat()} "
            f"(only sites with a visible phase have one); lanes: {known}"
        )


@dataclass(frozen=True)
class PhaseChange:
    """One phase at two dates; ``before`` is None if it was not visible at the earlier one."""

    phase_id: str
    before: PhaseState | None
    after: PhaseState


@dataclass(frozen=True)
class Changes:
    """What a reader of the earlier report would learn from the later one."""

    earlier: dt.date
    later: dt.date
    #: Rows visible at ``later`` but not at ``earlier``, by date.
    new_events: tuple[Event, ...]
    #: Phases whose deadline in force at ``earlier`` was replaced by ``later``. A phase that
    #: gets its first deadline is not a revision: that deadline row is in ``new_events``.
    revised_deadlines: tuple[PhaseChange, ...]
    #: Phases with no end known at ``earlier`` and an end known at ``later``.
    ended: tuple[PhaseChange, ...]
    #: Phases whose status differs (newly visible phases included).
    status_changed: tuple[PhaseChange, ...]
