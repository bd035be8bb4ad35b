"""The dataset as it stood on one day: phases, the deadlines in force, slippage, freshness.

Every report is written *as of* a date, and the report must not know what was
not yet public then. :func:`timeline` derives everything from dates, never from
the ``status`` column, because that column is "as last recorded" and would leak
the future into an older report. The rules:

1. **No leak from the future.** A row is visible at ``as_of`` iff
   ``announced.last_day() <= as_of``. A month- or year-precision announcement is
   only certainly public once its whole period is over. (The loader defaults
   ``announced`` to ``start`` for rows other than deadlines.)
2. **A phase's actual end** is known at ``as_of`` iff the phase is visible and
   ``end.last_day() <= as_of``: a withdrawal after ``as_of`` has not happened yet.
   The end date used for arithmetic is ``end.last_day()``: the day itself at day
   precision, the period's last day (the conservative reading) for ``2026-01`` or
   ``2026``; ``end_precision`` keeps the precision for the text.
3. **The deadline in force.** Among the visible deadlines linked to a phase, a
   deadline is superseded when a visible deadline revises it; the one in force is
   the head of the ``revises`` chain (visible and revised by no visible deadline).
   When a phase has several heads (independent deadlines), the latest-announced
   head is in force (tie: the later due date). A revision announced after
   ``as_of`` is invisible, so the deadline it replaces stays in force. A deadline
   linked to no phase is in force while nothing visible revises it.
4. **Status.** ``upcoming`` if ``as_of`` is before the phase's start. Otherwise,
   with an end known: ``ended_late`` if the end is after the deadline's due date
   (its last allowed day), ``ended_early`` if the end is before the deadline's
   period began (``deadline.start.first_day()``: ending in September is on time
   for a "September 2025" deadline), else ``ended_on_time`` (also with no deadline
   at all). With no end known: ``overdue`` if a deadline exists and ``as_of`` is
   past its due date, else ``ongoing``.
5. **Precision is kept.** A deadline is due on ``start.last_day()``: ``2025-09``
   on 2025-09-30, ``2024-02`` on 2024-02-29, ``2026`` on 2026-12-31. The gap
   counts carry ``measured_against`` (the deadline's precision) so text can say
   "measured from the end of September 2025" rather than imply a day.
6. **Freshness** is the latest date the visible rows know of: every announcement
   date, and the start and end dates already reached (``last_day() <= as_of``)
   of phases and point events. A deadline's due date is a promise, not news, and
   does not count. The data is stale when that date is more than
   ``stale_after_days`` before ``as_of``.

Everything here is pure and uses the standard library only: every report kernel
imports it, so it must import fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from analysis.dataset import Dataset, Event, Site
from analysis.dates import parse_as_of

Status = Literal["upcoming", "ongoing", "overdue", "ended_on_time", "ended_late", "ended_early"]

#: Kinds that are not point events: they are drawn as spans or markers of their own.
_NON_MILESTONE_KINDS = frozenset({"phase", "deadline"})


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Deadline:
    """A visible deadline row with its due date and its place in the revision chain."""

    event: Event
    #: The last day the deadline allows (a month-precision deadline is due by the month's end).
    due: dt.date
    precision: str
    #: True for the deadline in force at ``as_of``. False with no ``superseded_by``: an
    #: independent deadline of the same phase outranked by a later-announced one (rule 3).
    in_force: bool
    #: Id of the visible revision that replaced it, if any.
    superseded_by: str | None

    @property
    def id(self) -> str:
        return self.event.id

    @property
    def period_start(self) -> dt.date:
        """The first day of the deadline's period: ending on or after it is not "early"."""
        return self.event.start.first_day()


@dataclass(frozen=True)
class PhaseState:
    """One phase as of a date: planned versus actual, and by how much they differ."""

    phase: Event
    site: str
    start: dt.date
    end: dt.date | None
    end_precision: str | None
    deadline: Deadline | None
    #: The visible revision chain, original first, the deadline in force last.
    history: tuple[Deadline, ...]
    status: Status
    days_until_deadline: int | None
    days_overdue: int | None
    days_late: int | None
    days_early: int | None
    #: The precision of the deadline the day counts are measured against (e.g. "month").
    measured_against: str | None
    #: The latest visible event on the phase's site or linked to the phase.
    latest_event: Event | None

    @property
    def id(self) -> str:
        return self.phase.id

    @property
    def slipped(self) -> bool:
        """True when the deadline in force is a revision: the original promise moved."""
        return len(self.history) > 1

    @property
    def original_deadline(self) -> Deadline | None:
        """The first promise of the chain (the deadline in force when never revised)."""
        return self.history[0] if self.history else None

    def days_past_original(self, as_of: dt.date) -> int | None:
        """Days the phase ran (or has run, if still open) past its *original* deadline.

        A phase that ended within a revised deadline is "on time" against the deadline in
        force, yet the first promise was missed: the report shows both.
        """
        original = self.original_deadline
        if original is None:
            return None
        reference = self.end if self.end is not None else as_of
        gap = (reference - original.due).days
        return gap if gap > 0 else None

    def __repr__(self) -> str:
        """One line: the phase, its status and the day count that goes with it."""
        counts = (
            ("late", self.days_late), ("overdue", self.days_overdue),
            ("early", self.days_early), ("until deadline", self.days_until_deadline),
        )
        detail = [f"{value} days {name}" for name, value in counts if value is not None]
        if self.deadline is not None:
            detail.append(f"deadline {self.deadline.event.start}")
        if self.end is not None:
            detail.append(f"ended {self.end.isoformat()}")
        return f"<PhaseState {self.phase.id}: {self.status}" + "".join(
            f"; {d}" for d in detail
        ) + ">"


@dataclass(frozen=True)
class Lane:
    """One site's row in the chart: its phases, point events and deadlines."""

    site: Site
    phases: tuple[PhaseState, ...]
    milestones: tuple[Event, ...]
    deadlines: tuple[Deadline, ...]


@dataclass(frozen=True)
class Freshness:
    """How recent the visible data is, so a report can warn when it is far behind ``as_of``."""

    latest: dt.date | None
    days_since: int | None
    #: ``days_since > stale_after_days``; also True when nothing at all is visible.
    stale: bool


@dataclass(frozen=True)
class Timeline:
    """Everything a report shows, as of one date."""

    as_of: dt.date
    lanes: tuple[Lane, ...]
    phases: tuple[PhaseState, ...]
    milestones: tuple[Event, ...]
    deadlines: tuple[Deadline, ...]
    visible: tuple[Event, ...]
    freshness: Freshness

    def __repr__(self) -> str:
        """One line: the date, the sites and phases by status (not the 160 kB dump)."""
        counts: dict[str, int] = {}
        for state in self.phases:
            counts[state.status] = counts.get(state.status, 0) + 1
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        return (
            f"<Timeline as of {self.as_of.isoformat()}: {len(self.lanes)} sites, "
            f"{len(self.phases)} phases ({statuses or 'none'}), {len(self.deadlines)} deadlines, "
            f"{len(self.visible)} visible rows>"
        )

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


# --------------------------------------------------------------------------- rules


def is_visible(event: Event, as_of: dt.date) -> bool:
    """Rule 1: public for certain by ``as_of`` (the whole announcement period is over)."""
    return event.announced.last_day() <= as_of


def _as_date(value: dt.date | str, name: str) -> dt.date:
    if isinstance(value, str):
        return parse_as_of(value)
    # datetime is a date subclass, but comparing it with a date raises: refuse it plainly.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(
            f"{name} must be a datetime.date or a 'YYYY-MM-DD' string, not {type(value).__name__}"
        )
    return value


def _date_key(event: Event) -> tuple[dt.date, dt.date, int]:
    """Order by when a thing happened; CSV order breaks ties, so output is stable."""
    return (event.start.first_day(), event.start.last_day(), event.line)


def _announced_key(event: Event) -> tuple[dt.date, dt.date, str]:
    """Rule 3's order between independent heads: announcement, then due date (id for ties)."""
    return (event.announced.last_day(), event.start.last_day(), event.id)


def _deadlines(visible: Sequence[Event]) -> dict[str, Deadline]:
    """Every visible deadline with its due date, its successor and whether it is in force."""
    rows = [e for e in visible if e.kind == "deadline"]
    successor: dict[str, Event] = {}
    for row in sorted(rows, key=_announced_key):
        if row.revises:
            successor[row.revises] = row  # sorted, so the latest-announced revision wins
    heads = [row for row in rows if row.id not in successor]
    in_force: set[str] = set()
    by_phase: dict[str, list[Event]] = {}
    for head in heads:
        if head.phase is None:
            in_force.add(head.id)
        else:
            by_phase.setdefault(head.phase, []).append(head)
    for candidates in by_phase.values():
        in_force.add(max(candidates, key=_announced_key).id)
    return {
        row.id: Deadline(
            event=row,
            due=row.start.last_day(),
            precision=row.start.precision,
            in_force=row.id in in_force,
            superseded_by=successor[row.id].id if row.id in successor else None,
        )
        for row in rows
    }


def _history(head: Deadline, deadlines: dict[str, Deadline]) -> tuple[Deadline, ...]:
    """Follow ``revises`` back through visible deadlines; original first."""
    chain = [head]
    seen = {head.id}
    current = head.event.revises
    while current is not None and current in deadlines and current not in seen:
        chain.append(deadlines[current])
        seen.add(current)
        current = deadlines[current].event.revises
    return tuple(reversed(chain))


def _status(
    as_of: dt.date, start: dt.date, end: dt.date | None, deadline: Deadline | None
) -> tuple[Status, dict[str, int | None]]:
    """Rule 4, with the one day count that goes with the status."""
    counts: dict[str, int | None] = {
        "days_until_deadline": None, "days_overdue": None, "days_late": None, "days_early": None,
    }
    if as_of < start:
        if deadline is not None:
            counts["days_until_deadline"] = (deadline.due - as_of).days
        return "upcoming", counts
    if end is not None:
        if deadline is None:
            return "ended_on_time", counts
        if end > deadline.due:
            counts["days_late"] = (end - deadline.due).days
            return "ended_late", counts
        if end < deadline.period_start:
            counts["days_early"] = (deadline.period_start - end).days
            return "ended_early", counts
        return "ended_on_time", counts
    if deadline is not None and as_of > deadline.due:
        counts["days_overdue"] = (as_of - deadline.due).days
        return "overdue", counts
    if deadline is not None:
        counts["days_until_deadline"] = (deadline.due - as_of).days
    return "ongoing", counts


def _phase_state(
    phase: Event,
    as_of: dt.date,
    deadlines: dict[str, Deadline],
    point_events: Sequence[Event],
) -> PhaseState:
    linked = [d for d in deadlines.values() if d.event.phase == phase.id and d.in_force]
    deadline = linked[0] if linked else None
    history = _history(deadline, deadlines) if deadline is not None else ()
    end_known = phase.end is not None and phase.end.last_day() <= as_of
    end = phase.end.last_day() if end_known and phase.end is not None else None
    start = phase.start.first_day()
    status, counts = _status(as_of, start, end, deadline)
    related = [e for e in point_events if e.site == phase.site or e.phase == phase.id]
    return PhaseState(
        phase=phase,
        site=phase.site,
        start=start,
        end=end,
        end_precision=phase.end.precision if end is not None and phase.end is not None else None,
        deadline=deadline,
        history=history,
        status=status,
        measured_against=deadline.precision if deadline is not None else None,
        latest_event=max(related, key=_date_key) if related else None,
        **counts,
    )


def _freshness(visible: Iterable[Event], as_of: dt.date, stale_after_days: int) -> Freshness:
    """The latest date the visible rows know of, counting only dates already reached.

    A deadline's due date is a promise, not news: counting it would make the data
    look fresh exactly when a deadline has passed with no update, the case the
    warning is for. So a deadline row contributes its announcement date only.
    """
    dates = []
    for event in visible:
        dates.append(event.announced.last_day())
        if event.kind == "deadline":
            continue
        for value in (event.start, event.end):
            if value is not None and value.last_day() <= as_of:
                dates.append(value.last_day())
    if not dates:
        return Freshness(latest=None, days_since=None, stale=True)
    latest = max(dates)
    days_since = (as_of - latest).days
    return Freshness(latest=latest, days_since=days_since, stale=days_since > stale_after_days)


def _selected_sites(dataset: Dataset, sites: Sequence[str] | None) -> frozenset[str]:
    if sites is None:
        return frozenset(dataset.sites)
    if isinstance(sites, str):  # "erbil" would otherwise be read as five one-letter ids
        sites = [sites]
    unknown = [s for s in sites if s not in dataset.sites]
    if unknown:
        raise ValueError(
            f"unknown site id(s): {', '.join(map(repr, unknown))}; "
            f"known sites: {', '.join(dataset.sites)}"
        )
    return frozenset(sites)


# --------------------------------------------------------------------------- public


def timeline(
    dataset: Dataset,
    as_of: dt.date | str,
    *,
    sites: Sequence[str] | None = None,
    stale_after_days: int = 60,
) -> Timeline:
    """The dataset as it stood on ``as_of`` (rules in the module docstring).

    ``sites`` restricts the lanes, phases, milestones, deadlines and visible rows
    (and so the freshness) to those sites; a row linked to a selected phase is
    kept even when it sits elsewhere. Deadline chains are still worked out over
    the whole dataset, so a filter never changes which deadline is in force.
    """
    day = _as_date(as_of, "as_of")
    selected = _selected_sites(dataset, sites)
    all_visible = [e for e in dataset.events if is_visible(e, day)]
    deadlines = _deadlines(all_visible)
    point_events = sorted(
        (e for e in all_visible if e.kind not in _NON_MILESTONE_KINDS), key=_date_key
    )

    lanes: list[Lane] = []
    for site in dataset.sites.values():
        if site.id not in selected:
            continue
        site_phases = sorted(
            (e for e in all_visible if e.kind == "phase" and e.site == site.id), key=_date_key
        )
        if not site_phases:
            continue
        states = tuple(_phase_state(p, day, deadlines, point_events) for p in site_phases)
        ids = {p.id for p in site_phases}
        lanes.append(
            Lane(
                site=site,
                phases=states,
                milestones=tuple(e for e in point_events if e.site == site.id),
                deadlines=tuple(
                    sorted(
                        (d for d in deadlines.values() if d.event.phase in ids),
                        key=lambda d: (d.due, _announced_key(d.event)),
                    )
                ),
            )
        )

    phase_ids = {s.phase.id for lane in lanes for s in lane.phases}
    visible = tuple(
        sorted(
            (e for e in all_visible if e.site in selected or e.phase in phase_ids),
            key=_date_key,
        )
    )
    visible_ids = {e.id for e in visible}
    return Timeline(
        as_of=day,
        lanes=tuple(lanes),
        phases=tuple(s for lane in lanes for s in lane.phases),
        milestones=tuple(e for e in point_events if e.site in selected),
        deadlines=tuple(
            sorted(
                (d for d in deadlines.values() if d.id in visible_ids),
                key=lambda d: (d.due, _announced_key(d.event)),
            )
        ),
        visible=visible,
        freshness=_freshness(visible, day, stale_after_days),
    )


def compare(
    dataset: Dataset,
    earlier: dt.date | str,
    later: dt.date | str,
    *,
    sites: Sequence[str] | None = None,
) -> Changes:
    """What changed between two as-of dates: new rows, revised deadlines, ends, statuses."""
    first, second = _as_date(earlier, "earlier"), _as_date(later, "later")
    if first > second:
        raise ValueError(
            f"earlier ({first.isoformat()}) is after later ({second.isoformat()}): "
            "swap the two dates"
        )
    before, after = timeline(dataset, first, sites=sites), timeline(dataset, second, sites=sites)
    seen = {e.id for e in before.visible}
    old = {s.phase.id: s for s in before.phases}
    revised, ended, changed = [], [], []
    for state in after.phases:
        prior = old.get(state.phase.id)
        change = PhaseChange(state.phase.id, prior, state)
        if prior is not None and prior.deadline is not None and (
            state.deadline is None or state.deadline.id != prior.deadline.id
        ):
            revised.append(change)
        if state.end is not None and (prior is None or prior.end is None):
            ended.append(change)
        if prior is None or prior.status != state.status:
            changed.append(change)
    return Changes(
        earlier=first,
        later=second,
        new_events=tuple(e for e in after.visible if e.id not in seen),
        revised_deadlines=tuple(revised),
        ended=tuple(ended),
        status_changed=tuple(changed),
    )
