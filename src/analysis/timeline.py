"""The dataset as it stood on one day: phases, the deadlines in force, slippage, coverage.

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
   ``2026``; ``end_precision`` keeps the precision for the text. An end given as a
   range ``A/B`` spans ``[A.first_day(), B.last_day()]``; while ``as_of`` lies inside
   it the end is *not yet known* (status ``unknown``).
3. **The deadline in force.** Among the visible deadlines linked to a phase, a
   deadline is superseded when a visible deadline revises it; the one in force is
   the head of the ``revises`` chain (visible and revised by no visible deadline).
   When a phase has several heads (independent deadlines), the latest-announced
   head is in force (tie: the later due date). A revision announced after
   ``as_of`` is invisible, so the deadline it replaces stays in force. A deadline
   linked to no phase is in force while nothing visible revises it.
4. **Status.** ``upcoming`` if ``as_of`` is before the phase's start. Otherwise,
   with an end known: ``ended_late`` if the *whole* end range is after the
   deadline's due date (its last allowed day), ``ended_early`` if it is wholly
   before the deadline's period began (``deadline.start.first_day()``: ending in
   September is on time for a "September 2025" deadline), ``ended_on_time`` if it
   lies wholly within (also with no deadline at all), else ``ended_uncertain``. A
   conditional or minimum deadline (``terms``) is never missed: ending after it is
   ``ended_after_soft_deadline``. With no end known: a deadline passed on or before
   the coverage end is ``overdue`` (firm) or ``past_soft_deadline`` (soft); a
   deadline passed *after* the coverage end is ``unknown`` — the data cannot say
   whether it was met; otherwise ``ongoing``.
5. **Precision is kept.** A deadline is due on ``start.last_day()``: ``2025-09``
   on 2025-09-30, ``2024-02`` on 2024-02-29, ``2026`` on 2026-12-31. The gap
   counts carry ``measured_against`` (the deadline's precision) so text can say
   "measured from the end of September 2025" rather than imply a day.
6. **Coverage.** The data reach up to ``Dataset.coverage.through`` (the latest row,
   or a curator's checked declaration). As of a date they are known through
   ``min(as_of, through)``; nothing after that is inferred from silence: day
   counts stop there (an overrun is counted up to the coverage end, not to
   ``as_of``), and the report leads with the cut-off once ``as_of`` is more than
   :data:`COVERAGE_LEAD_DAYS` past it.
7. **Ranges.** Every day count is a :class:`DayRange`: exact when its inputs are
   exact, ``low..high`` when an input date is a range.

Everything here is pure and uses the standard library only: every report kernel
imports it, so it must import fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from analysis.dataset import Dataset, Event, default_coverage
from analysis.dates import DateInterval, PartialDate, parse_as_of
from analysis.states import (
    COVERAGE_LEAD_DAYS,
    Changes,
    CoverageState,
    DayRange,
    Deadline,
    Lane,
    LatestRecord,
    PhaseChange,
    PhaseState,
    Status,
    Timeline,
    UnknownReason,
)

__all__ = [
    "COVERAGE_LEAD_DAYS",
    "Changes",
    "CoverageState",
    "DayRange",
    "Deadline",
    "Lane",
    "LatestRecord",
    "PhaseChange",
    "PhaseState",
    "Status",
    "Timeline",
    "UnknownReason",
    "compare",
    "is_visible",
    "known_sources",
    "timeline",
]


#: Kinds that are not point events: they are drawn as spans or markers of their own.
_NON_MILESTONE_KINDS = frozenset({"phase", "deadline"})


# --------------------------------------------------------------------------- rules


def is_visible(event: Event, as_of: dt.date) -> bool:
    """Rule 1: public for certain by ``as_of`` (the whole announcement period is over)."""
    return event.announced.last_day() <= as_of


def known_sources(dataset: Dataset, event: Event, as_of: dt.date) -> tuple[str, ...]:
    """The row's sources a report as of ``as_of`` may cite: those published by then.

    Rule 1 for sources: a phase row gathers sources over its whole life, and an article
    of January 2026 cited in an October 2025 report leaks its news through its title.
    A source with no publication date counts as published. When every source of a
    visible row came out later (it was announced the day before its first write-up),
    the earliest-published ones stand in, so no claim goes unsourced.
    """
    ids = tuple(dict.fromkeys(event.source_ids or (event.source_id,)))

    def published(source_id: str) -> dt.date | None:
        source = dataset.sources.get(source_id)
        return source.published.last_day() if source and source.published else None

    known = tuple(i for i in ids if (published(i) or as_of) <= as_of)
    if known:
        return known
    earliest = min(published(i) or as_of for i in ids)
    return tuple(i for i in ids if published(i) == earliest)


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
            terms=row.terms or "firm",
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


def _end_status(
    start: dt.date, earliest: dt.date, latest: dt.date, deadline: Deadline | None
) -> tuple[Status, dict[str, DayRange | None]]:
    """Rule 4 for a phase whose end is known to lie in ``[earliest, latest]``."""
    counts: dict[str, DayRange | None] = {}
    if deadline is None:
        return "ended_on_time", counts
    if earliest > deadline.due:
        counts["days_late"] = DayRange.between(earliest, latest, deadline.due)
        return ("ended_late" if deadline.firm else "ended_after_soft_deadline"), counts
    if latest < deadline.period_start:
        counts["days_early"] = DayRange(
            (deadline.period_start - latest).days, (deadline.period_start - earliest).days
        )
        return "ended_early", counts
    if earliest >= deadline.period_start and latest <= deadline.due:
        return "ended_on_time", counts
    if latest > deadline.due:
        counts["days_late"] = DayRange.between(earliest, latest, deadline.due)
    return "ended_uncertain", counts


def _open_status(
    as_of: dt.date, known_through: dt.date, deadline: Deadline | None
) -> tuple[Status, dict[str, DayRange | None], UnknownReason | None]:
    """Rule 4 for a started phase with no end known at ``as_of``."""
    if deadline is None:
        return "ongoing", {}, None
    if deadline.due >= as_of:
        return (
            "ongoing",
            {"days_until_deadline": DayRange.exact_days((deadline.due - as_of).days)},
            None,
        )
    if deadline.due >= known_through:
        # The deadline passed after the data end: met or missed, the data cannot say.
        return "unknown", {}, "after_coverage"
    overdue = DayRange.exact_days((known_through - deadline.due).days)
    return ("overdue" if deadline.firm else "past_soft_deadline"), {"days_overdue": overdue}, None


def _phase_state(
    phase: Event,
    as_of: dt.date,
    known_through: dt.date,
    deadlines: dict[str, Deadline],
    point_events: Sequence[Event],
) -> PhaseState:
    linked = [d for d in deadlines.values() if d.event.phase == phase.id and d.in_force]
    deadline = linked[0] if linked else None
    history = _history(deadline, deadlines) if deadline is not None else ()
    start = phase.start.first_day()
    end_value = phase.end
    end: dt.date | None = None
    earliest: dt.date | None = None
    unknown: UnknownReason | None = None
    counts: dict[str, DayRange | None] = {}
    if as_of < start:
        status: Status = "upcoming"
        if deadline is not None:
            counts["days_until_deadline"] = DayRange.exact_days((deadline.due - as_of).days)
    elif end_value is not None and end_value.last_day() <= as_of:
        end = end_value.last_day()
        earliest = end_value.first_day() if isinstance(end_value, DateInterval) else end
        status, counts = _end_status(start, earliest, end, deadline)
    elif isinstance(end_value, DateInterval) and end_value.first_day() <= as_of:
        status, unknown = "unknown", "end_in_range"
    else:
        status, counts, unknown = _open_status(as_of, known_through, deadline)
    related = [e for e in point_events if e.site == phase.site or e.phase == phase.id]
    return PhaseState(
        phase=phase,
        site=phase.site,
        start=start,
        end=end,
        end_precision=end_value.precision if end is not None and end_value is not None else None,
        deadline=deadline,
        history=history,
        status=status,
        days_until_deadline=counts.get("days_until_deadline"),
        days_overdue=counts.get("days_overdue"),
        days_late=counts.get("days_late"),
        days_early=counts.get("days_early"),
        measured_against=deadline.precision if deadline is not None else None,
        latest_event=max(related, key=_date_key) if related else None,
        start_value=phase.start,
        end_value=end_value if end is not None else None,
        end_earliest=earliest,
        end_basis=phase.end_basis if end is not None else None,
        unknown_reason=unknown,
        known_through=known_through,
    )


def _latest_record(visible: Iterable[Event], as_of: dt.date) -> LatestRecord | None:
    """The latest date the visible rows *record*, at its precision, with its row.

    A deadline counts only by the day it was announced, not by its due date: a due
    date passing is exactly the news a stale report lacks. Phase starts and ends,
    point events and announcements count once reached. A range counts by its
    latest day (and keeps being a range for text through ``event``).
    """
    best: LatestRecord | None = None
    for event in visible:
        candidates = [event.announced]
        if event.kind != "deadline":
            candidates += [d for d in (event.start, event.end) if d is not None]
        for value in candidates:
            day = value.last_day()
            point = value.high if isinstance(value, DateInterval) else value
            if day <= as_of and (best is None or day > best.day):
                best = LatestRecord(point, day, event)
    return best


def _coverage_state(
    dataset: Dataset, as_of: dt.date, phases: Sequence[PhaseState]
) -> CoverageState:
    coverage = dataset.coverage or default_coverage(dataset.events)
    if coverage is None:  # no rows at all: nothing is known beyond the report date itself
        point = PartialDate.from_date(as_of)
        return CoverageState(as_of, point, False, as_of, 0, ())
    return CoverageState(
        through=coverage.through,
        value=coverage.value,
        declared=coverage.declared,
        known_through=min(as_of, coverage.through),
        days_beyond=max(0, (as_of - coverage.through).days),
        deadlines_passed_since=tuple(
            p for p in phases if p.status == "unknown" and p.unknown_reason == "after_coverage"
        ),
    )


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
) -> Timeline:
    """The dataset as it stood on ``as_of`` (rules in the module docstring).

    ``sites`` restricts the lanes, phases, milestones, deadlines and visible rows
    (and so the freshness) to those sites; a row linked to a selected phase is
    kept even when it sits elsewhere. Deadline chains are still worked out over
    the whole dataset, so a filter never changes which deadline is in force.
    """
    day = _as_date(as_of, "as_of")
    selected = _selected_sites(dataset, sites)
    coverage = dataset.coverage or default_coverage(dataset.events)
    known_through = min(day, coverage.through) if coverage is not None else day
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
        states = tuple(
            _phase_state(p, day, known_through, deadlines, point_events) for p in site_phases
        )
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
    phases = tuple(s for lane in lanes for s in lane.phases)
    return Timeline(
        as_of=day,
        lanes=tuple(lanes),
        phases=phases,
        milestones=tuple(e for e in point_events if e.site in selected),
        deadlines=tuple(
            sorted(
                (d for d in deadlines.values() if d.id in visible_ids),
                key=lambda d: (d.due, _announced_key(d.event)),
            )
        ),
        visible=visible,
        coverage=_coverage_state(dataset, day, phases),
        latest_record=_latest_record(visible, day),
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
        if (
            prior is not None
            and prior.deadline is not None
            and (state.deadline is None or state.deadline.id != prior.deadline.id)
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
