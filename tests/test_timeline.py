"""The as-of timeline model: visibility, deadlines in force, status and day counts.

Every figure below is worked out by hand, with the arithmetic in a comment, so a
test fails when the model says something a careful reader would not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from analysis.dataset import Coverage, Dataset, load_dataset
from analysis.dates import DateFormatError, PartialDate
from analysis.timeline import DayRange, compare, is_visible, timeline
from conftest import DATA_DIR, EVENT_COLUMNS, MINIMAL_DIR, copy_dataset, write_csv

D = dt.date


def R(low: int | None, high: int | None = None) -> DayRange | None:
    """An expected day count: exact, or a range."""
    if low is None:
        return None
    return DayRange(low, low if high is None else high)


def covered(dataset: Dataset, through: str = "2099-12-31") -> Dataset:
    """The dataset with a curator's coverage declaration: nothing else happened up to ``through``.

    Tests of deadline arithmetic use it so that a passed deadline is a known overrun rather
    than the "unknown" of a report past the data's end (tested separately below).
    """
    day = PartialDate.parse(through)
    return replace(dataset, coverage=Coverage(day.first_day(), day, declared=True))


def row(id: str, kind: str, start: str, **cells: str) -> dict[str, str]:
    """One events.csv row with the required cells filled in."""
    return {
        "id": id,
        "kind": kind,
        "start": start,
        "site": "alpha",
        "status": "planned",
        "title_en": id,
        "title_ar": id,
        "source_id": "src-a",
        **cells,
    }


def build(tmp_path: Path, rows: list[dict[str, str]]) -> Dataset:
    """A dataset on disk: the minimal fixture's sites, actors and sources, with these events."""
    data = copy_dataset(MINIMAL_DIR, tmp_path / "synthetic")
    write_csv(data / "events.csv", EVENT_COLUMNS, rows)
    write_csv(data / "event_sources.csv", ["event_id", "source_id"], [])
    return covered(load_dataset(data))


def phase_with_deadline(
    tmp_path: Path, deadline: str, *, start: str = "2020-01-01", end: str = ""
) -> Dataset:
    """One phase at alpha bounded by one deadline, announced with the phase."""
    return build(
        tmp_path,
        [
            row("p", "phase", start, end=end),
            row("d", "deadline", deadline, phase="p", announced=start),
        ],
    )


@pytest.fixture
def minimal(tmp_path: Path) -> Dataset:
    """deadline-alpha (2025-09, announced 2024-09-27) revised by deadline-alpha-2
    (2026-01, announced 2025-12-31); phase-alpha from 2024-09-27, no end."""
    return covered(load_dataset(copy_dataset(MINIMAL_DIR, tmp_path / "minimal")))


# --------------------------------------------------------------------------- shipped data
#
# The shipped phases (data/events.csv); the data are declared complete through 2026-03-31:
#   phase-iraq-coalition-mission  iraq, from 2014-08-08, declared ended 2026-01-18 (HMC);
#                                 deadline 2025-09 (joint statement clause 1, announced 2024-09-27)
#   phase-unami-mandate           iraq, 2024-06-01 to 2025-12-31; deadline 2025-12-31 (day)
#   phase-baghdad-mission         from 2024-09-27, declared ended 2026-01-18 (HMC; 26 Nov 2025
#                                 cannot be a lower bound: four or five personnel were left);
#                                 deadline 2025-09, announced 2024-09-27
#   phase-ain-al-asad-mission     from 2024-09-27, ended 2026-01-16/2026-01-18 (observed);
#                                 deadline 2025-09 revised on 2025-12-31 to "next week",
#                                 2026-01-04/2026-01-10 (due 2026-01-10)
#   phase-erbil-mission           from 2024-09-27, no end; conditional deadline 2026-09
# Due dates: 2025-09 -> 2025-09-30, 2026-09 -> 2026-09-30.

SHIPPED_CASES = [
    # as_of, phase, status, deadline in force, until, overdue, late, early
    # 2025-08-01 -> 2025-09-30 = 31 (to Sep 1) + 29 = 60
    (
        "2025-08-01",
        "phase-iraq-coalition-mission",
        "ongoing",
        "deadline-iraq-coalition-2025-09",
        60,
        None,
        None,
        None,
    ),
    # 2025-08-01 -> 2025-12-31 = 31 (to Sep 1) + 30 + 31 + 30 + 30 = 152
    (
        "2025-08-01",
        "phase-unami-mandate",
        "ongoing",
        "deadline-unami-2025-12-31",
        152,
        None,
        None,
        None,
    ),
    (
        "2025-08-01",
        "phase-baghdad-mission",
        "ongoing",
        "deadline-baghdad-2025-09",
        60,
        None,
        None,
        None,
    ),
    (
        "2025-08-01",
        "phase-ain-al-asad-mission",
        "ongoing",
        "deadline-ain-al-asad-2025-09",
        60,
        None,
        None,
        None,
    ),
    # 2025-08-01 -> 2026-09-30 = 365 (to 2026-08-01) + 31 + 29 = 425, about 14 months
    (
        "2025-08-01",
        "phase-erbil-mission",
        "ongoing",
        "deadline-erbil-2026-09",
        425,
        None,
        None,
        None,
    ),
    # 2025-09-30 -> 2025-10-15 = 15, no end recorded yet (the data reach past it)
    (
        "2025-10-15",
        "phase-iraq-coalition-mission",
        "overdue",
        "deadline-iraq-coalition-2025-09",
        None,
        15,
        None,
        None,
    ),
    # 2025-10-15 -> 2025-12-31 = 16 (to Nov 1) + 30 + 31 = 77
    (
        "2025-10-15",
        "phase-unami-mandate",
        "ongoing",
        "deadline-unami-2025-12-31",
        77,
        None,
        None,
        None,
    ),
    (
        "2025-10-15",
        "phase-baghdad-mission",
        "overdue",
        "deadline-baghdad-2025-09",
        None,
        15,
        None,
        None,
    ),
    (
        "2025-10-15",
        "phase-ain-al-asad-mission",
        "overdue",
        "deadline-ain-al-asad-2025-09",
        None,
        15,
        None,
        None,
    ),
    # 425 - (2025-08-01 -> 2025-10-15 = 31 + 30 + 14 = 75) = 350
    (
        "2025-10-15",
        "phase-erbil-mission",
        "ongoing",
        "deadline-erbil-2026-09",
        350,
        None,
        None,
        None,
    ),
    # Declared ended 2026-01-18 against 2025-09-30: 31 (Oct) + 30 (Nov) + 31 (Dec) + 18 = 110
    (
        "2026-01-20",
        "phase-iraq-coalition-mission",
        "ended_late",
        "deadline-iraq-coalition-2025-09",
        None,
        None,
        110,
        None,
    ),
    (
        "2026-01-20",
        "phase-unami-mandate",
        "ended_on_time",
        "deadline-unami-2025-12-31",
        None,
        None,
        None,
        None,
    ),
    # Declared ended 2026-01-18: 31 + 30 + 31 + 18 = 110 days late.
    (
        "2026-01-20",
        "phase-baghdad-mission",
        "ended_late",
        "deadline-baghdad-2025-09",
        None,
        None,
        (110, 110),
        None,
    ),
    # The revision ("next week", due 2026-01-10) is in force: ended 01-16 to 01-18, 6 to 8
    # days late — the second slip is visible.
    (
        "2026-01-20",
        "phase-ain-al-asad-mission",
        "ended_late",
        "deadline-ain-al-asad-2026-01",
        None,
        None,
        (6, 8),
        None,
    ),
    # 2026-01-20 -> 2026-09-30 = 12 (to Feb 1) + 28+31+30+31+30+31+31 + 29 = 253
    (
        "2026-01-20",
        "phase-erbil-mission",
        "ongoing",
        "deadline-erbil-2026-09",
        253,
        None,
        None,
        None,
    ),
    (
        "2026-11-29",
        "phase-baghdad-mission",
        "ended_late",
        "deadline-baghdad-2025-09",
        None,
        None,
        (110, 110),
        None,
    ),
    (
        "2026-11-29",
        "phase-ain-al-asad-mission",
        "ended_late",
        "deadline-ain-al-asad-2026-01",
        None,
        None,
        (6, 8),
        None,
    ),
    # The data end on 2026-03-31: the September 2026 deadline passed after it, so whether it
    # was met is unknown, and nothing is counted.
    (
        "2026-11-29",
        "phase-erbil-mission",
        "unknown",
        "deadline-erbil-2026-09",
        None,
        None,
        None,
        None,
    ),
]


def _expected(value: int | tuple[int, int] | None) -> DayRange | None:
    return R(*value) if isinstance(value, tuple) else R(value)


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load_dataset(DATA_DIR)


@pytest.mark.parametrize(
    ("as_of", "phase", "status", "deadline", "until", "overdue", "late", "early"),
    SHIPPED_CASES,
    ids=[f"{c[0]}-{c[1]}" for c in SHIPPED_CASES],
)
def test_shipped_phase_figures(
    shipped, as_of, phase, status, deadline, until, overdue, late, early
):
    state = timeline(shipped, as_of).phase(phase)
    assert state.status == status
    assert (state.deadline.id if state.deadline else None) == deadline
    expected = tuple(_expected(v) for v in (until, overdue, late, early))
    assert (
        state.days_until_deadline,
        state.days_overdue,
        state.days_late,
        state.days_early,
    ) == expected
    assert state.measured_against == (state.deadline.precision if state.deadline else None)


def test_shipped_lanes_follow_sites_csv_and_phases_their_start(shipped):
    tl = timeline(shipped, "2026-01-20")
    assert [lane.site.id for lane in tl.lanes] == ["iraq", "baghdad", "ain-al-asad", "erbil"]
    assert [s.phase.id for s in tl.phases] == [
        "phase-iraq-coalition-mission",
        "phase-unami-mandate",
        "phase-baghdad-mission",
        "phase-ain-al-asad-mission",
        "phase-erbil-mission",
    ]
    # Milestones include sites without a phase (washington, global, al-tanf) once visible.
    assert "2014-10-17-cjtf-oir-established" in {e.id for e in tl.milestones}
    starts = [e.start.first_day() for e in tl.milestones]
    assert starts == sorted(starts)


def test_shipped_ain_al_asad_history_and_ends(shipped):
    ain = timeline(shipped, "2026-01-20").phase("phase-ain-al-asad-mission")
    assert [d.id for d in ain.history] == [
        "deadline-ain-al-asad-2025-09",
        "deadline-ain-al-asad-2026-01",
    ]
    assert ain.history[0].superseded_by == "deadline-ain-al-asad-2026-01"
    assert (ain.end_earliest, ain.end, ain.end_precision) == (
        D(2026, 1, 16),
        D(2026, 1, 18),
        "range",
    )
    assert ain.latest_event is not None
    assert ain.latest_event.start.first_day() <= D(2026, 1, 20)  # 01-21 not yet
    # On 2026-01-12 the revised deadline (due 01-10) had passed with no end: overdue by 2.
    before = timeline(shipped, "2026-01-12").phase("phase-ain-al-asad-mission")
    assert (before.status, before.end, before.days_overdue) == ("overdue", None, R(2))
    # On 2026-01-17 the report date lies inside the end's range: not yet known.
    inside = timeline(shipped, "2026-01-17").phase("phase-ain-al-asad-mission")
    assert (inside.status, inside.unknown_reason) == ("unknown", "end_in_range")
    lane = timeline(shipped, "2026-01-20").lane("ain-al-asad")
    assert {d.id for d in lane.deadlines} == {
        "deadline-ain-al-asad-2025-09",
        "deadline-ain-al-asad-2026-01",
    }


@pytest.mark.parametrize(
    ("as_of", "latest", "days_since", "stale"),
    [
        # Nothing is announced between Blinken's 2024-09-30 statement and 2025-08-01:
        # 2024-09-30 -> 2025-08-01 = 1 + 304 (Oct 1 to Aug 1) = 305 days.
        ("2025-08-01", D(2024, 9, 30), 305, True),
        # The Pentagon announcement of 2025-09-30: 15 days.
        ("2025-10-15", D(2025, 9, 30), 15, False),
        # The HMC handover and the Baghdad phase end of 2026-01-18: 2 days.
        ("2026-01-20", D(2026, 1, 18), 2, False),
        # The last news is the Victoria base strike of 2026-03-04; the passed 2026-09
        # deadline is not news. 2026-03-04 -> 2026-11-29 = 27 + 30+31+30+31+31+30+31 + 29 = 270.
        ("2026-11-29", D(2026, 3, 4), 270, True),
    ],
)
def test_shipped_latest_record(shipped, as_of, latest, days_since, stale):
    tl = timeline(shipped, as_of)
    assert (tl.latest_record.day, (tl.as_of - tl.latest_record.day).days) == (latest, days_since)
    # The curator declared the data complete through 2026-03-31.
    assert tl.coverage.through == D(2026, 3, 31) and tl.coverage.declared
    assert tl.coverage.beyond is (as_of > "2026-04-21")


def test_shipped_sites_filter(shipped):
    tl = timeline(shipped, "2026-11-29", sites=["erbil", "washington"])
    assert [lane.site.id for lane in tl.lanes] == ["erbil"]
    sites = {e.site for e in tl.milestones}
    assert "washington" in sites and sites <= {"erbil", "washington"}
    assert [d.id for d in tl.deadlines] == ["deadline-erbil-2026-09"]
    with pytest.raises(ValueError, match=r"'kabul'.*known sites: iraq, baghdad, ain-al-asad"):
        timeline(shipped, "2026-11-29", sites=["kabul"])


def test_shipped_compare_across_the_handover(shipped):
    changes = compare(shipped, "2025-10-15", "2026-01-20")
    new = [e.id for e in changes.new_events]
    assert "2025-10-20-sudani-advisers-stay-ain-al-asad" in new
    assert "deadline-ain-al-asad-2026-01" in new
    assert "2025-09-30-pentagon-reduce-mission" not in new  # already visible on 2025-10-15
    assert all(
        D(2025, 10, 15) < e.announced.last_day() <= D(2026, 1, 20) for e in changes.new_events
    )
    [revised] = changes.revised_deadlines
    assert revised.phase_id == "phase-ain-al-asad-mission"
    assert (revised.before.deadline.id, revised.after.deadline.id) == (
        "deadline-ain-al-asad-2025-09",
        "deadline-ain-al-asad-2026-01",
    )
    assert [c.phase_id for c in changes.ended] == [
        "phase-iraq-coalition-mission",
        "phase-unami-mandate",
        "phase-baghdad-mission",
        "phase-ain-al-asad-mission",
    ]
    assert {c.phase_id: (c.before.status, c.after.status) for c in changes.status_changed} == {
        "phase-iraq-coalition-mission": ("overdue", "ended_late"),
        "phase-unami-mandate": ("ongoing", "ended_on_time"),
        "phase-baghdad-mission": ("overdue", "ended_late"),
        "phase-ain-al-asad-mission": ("overdue", "ended_late"),
    }


def test_shipped_compare_with_itself_is_empty(shipped):
    changes = compare(shipped, "2026-11-29", "2026-11-29")
    assert (
        changes.new_events,
        changes.revised_deadlines,
        changes.ended,
        changes.status_changed,
    ) == ((), (), (), ())


# --------------------------------------------------------------------------- no leak


def test_a_revision_announced_after_as_of_leaves_the_old_deadline_in_force(minimal):
    before = timeline(minimal, "2025-12-30").phase("phase-alpha")
    # Due 2025-09-30; 2025-09-30 -> 2025-12-30 = 31 (Oct) + 30 (Nov) + 30 = 91 days.
    assert before.deadline is not None and before.deadline.id == "deadline-alpha"
    assert before.deadline.due == D(2025, 9, 30)
    assert (before.status, before.days_overdue) == ("overdue", R(91))
    assert before.measured_against == "month"
    assert [d.id for d in before.history] == ["deadline-alpha"]
    assert before.deadline.in_force and before.deadline.superseded_by is None
    assert "deadline-alpha-2" not in {e.id for e in timeline(minimal, "2025-12-30").visible}


def test_the_revision_is_in_force_from_the_day_it_is_announced(minimal):
    tl = timeline(minimal, "2025-12-31")
    after = tl.phase("phase-alpha")
    # Due 2026-01-31; 2025-12-31 -> 2026-01-31 = 31 days to go.
    assert after.deadline is not None and after.deadline.id == "deadline-alpha-2"
    assert (after.status, after.days_until_deadline, after.days_overdue) == ("ongoing", R(31), None)
    assert [d.id for d in after.history] == ["deadline-alpha", "deadline-alpha-2"]
    original = next(d for d in tl.deadlines if d.id == "deadline-alpha")
    assert (original.in_force, original.superseded_by) == (False, "deadline-alpha-2")
    assert after.slipped


def test_a_row_announced_the_day_after_as_of_is_invisible(minimal):
    statement = minimal.event("statement-1")  # 2025-08-18, announced = start
    assert not is_visible(statement, D(2025, 8, 17))
    assert is_visible(statement, D(2025, 8, 18))
    assert "statement-1" not in {e.id for e in timeline(minimal, "2025-08-17").visible}
    assert "statement-1" in {e.id for e in timeline(minimal, "2025-08-18").milestones}


def test_a_month_precision_announcement_is_visible_only_once_the_month_is_over(tmp_path):
    data = build(tmp_path, [row("s", "statement", "2025-09", status="completed")])
    assert not is_visible(data.event("s"), D(2025, 9, 29))
    assert is_visible(data.event("s"), D(2025, 9, 30))
    assert timeline(data, "2025-09-29").visible == ()


@pytest.mark.parametrize(
    "as_of", ["2014-08-07", "2025-08-01", "2025-10-15", "2026-01-20", "2026-11-29"]
)
def test_every_visible_row_was_announced_by_as_of(shipped, as_of):
    data = shipped
    day = dt.date.fromisoformat(as_of)
    tl = timeline(data, day)
    assert all(e.announced.last_day() <= day for e in tl.visible)
    hidden = {e.id for e in data.events} - {e.id for e in tl.visible}
    assert all(data.event(i).announced.last_day() > day for i in hidden)
    assert all(d.event.announced.last_day() <= day for d in tl.deadlines)


def test_an_end_after_as_of_has_not_happened_yet(tmp_path):
    data = phase_with_deadline(tmp_path, "2026-02", end="2026-01-16")
    assert timeline(data, "2026-01-15").phase("p").end is None
    assert timeline(data, "2026-01-15").phase("p").status == "ongoing"
    assert timeline(data, "2026-01-16").phase("p").end == D(2026, 1, 16)


# --------------------------------------------------------------------------- precision


@pytest.mark.parametrize(
    ("deadline", "due"),
    [
        ("2026", D(2026, 12, 31)),  # year precision: due on the year's last day
        ("2024-02", D(2024, 2, 29)),  # leap year
        ("2023-02", D(2023, 2, 28)),  # not a leap year
        ("2025-04", D(2025, 4, 30)),  # a 30-day month
        ("2025-09-30", D(2025, 9, 30)),  # day precision: the day itself
    ],
)
def test_a_deadline_is_due_on_the_last_day_of_its_period(tmp_path, deadline, due):
    data = phase_with_deadline(tmp_path, deadline)
    on_the_day = timeline(data, due).phase("p")
    assert (on_the_day.status, on_the_day.days_until_deadline) == ("ongoing", R(0))
    day_after = timeline(data, due + dt.timedelta(days=1)).phase("p")
    assert (day_after.status, day_after.days_overdue) == ("overdue", R(1))
    assert day_after.deadline is not None and day_after.deadline.due == due


def test_a_leap_day_deadline_counts_the_29th(tmp_path):
    data = phase_with_deadline(tmp_path, "2024-02")
    # 2024-02-01 -> 2024-02-29 = 28 days (a 2023-02 deadline would be 27).
    state = timeline(data, "2024-02-01").phase("p")
    assert (state.days_until_deadline, state.measured_against) == (R(28), "month")
    # 2024-02-29 -> 2024-03-31 = 31 days overdue.
    assert timeline(data, "2024-03-31").phase("p").days_overdue == R(31)


def test_a_year_precision_deadline_is_measured_from_the_year_end(tmp_path):
    data = phase_with_deadline(tmp_path, "2026")
    # 2026-12-31 -> 2027-01-31 = 31 days.
    state = timeline(data, "2027-01-31").phase("p")
    assert (state.status, state.days_overdue, state.measured_against) == ("overdue", R(31), "year")


@pytest.mark.parametrize(
    ("end", "status", "days_early", "days_late"),
    [
        ("2025-08-31", "ended_early", 1, None),  # the day before September began
        ("2025-09-01", "ended_on_time", None, None),  # the first day of the deadline's month
        ("2025-09-30", "ended_on_time", None, None),  # the due date itself
        ("2025-10-01", "ended_late", None, 1),  # the day after the due date
        ("2025-07-01", "ended_early", 62, None),  # 2025-07-01 -> 2025-09-01 = 31 + 31
        ("2026-01-16", "ended_late", None, 108),  # 2025-09-30 -> 2026-01-16 = 31+30+31+16
    ],
)
def test_end_against_a_month_deadline(tmp_path, end, status, days_early, days_late):
    data = phase_with_deadline(tmp_path, "2025-09", start="2024-09-27", end=end)
    state = timeline(data, "2026-06-01").phase("p")
    assert state.end == D.fromisoformat(end)
    assert (state.status, state.days_early, state.days_late) == (
        status,
        R(days_early),
        R(days_late),
    )
    assert state.days_overdue is None and state.days_until_deadline is None


@pytest.mark.parametrize(
    ("end", "status", "days_early", "days_late"),
    [
        ("2025-09-14", "ended_early", 1, None),
        ("2025-09-15", "ended_on_time", None, None),
        ("2025-09-16", "ended_late", None, 1),
    ],
)
def test_end_against_a_day_deadline(tmp_path, end, status, days_early, days_late):
    data = phase_with_deadline(tmp_path, "2025-09-15", start="2024-09-27", end=end)
    state = timeline(data, "2026-06-01").phase("p")
    assert (state.status, state.days_early, state.days_late) == (
        status,
        R(days_early),
        R(days_late),
    )
    assert state.measured_against == "day"


def test_a_month_precision_end_is_known_at_the_month_end_and_read_conservatively(tmp_path):
    data = phase_with_deadline(tmp_path, "2025-09", start="2024-09-27", end="2025-10")
    # Mid-October the withdrawal month is not over: still overdue, 2025-09-30 -> 10-15 = 15.
    mid = timeline(data, "2025-10-15").phase("p")
    assert (mid.status, mid.end, mid.days_overdue) == ("overdue", None, R(15))
    # From 2025-10-31 the end is known and read as its last day: late by 31 days.
    done = timeline(data, "2025-10-31").phase("p")
    assert (done.status, done.end, done.end_precision, done.days_late) == (
        "ended_late",
        D(2025, 10, 31),
        "month",
        R(31),
    )


def test_a_phase_without_a_deadline(tmp_path):
    data = build(tmp_path, [row("p", "phase", "2020-01-01", end="2020-06-30")])
    running = timeline(data, "2020-03-01").phase("p")
    assert (running.status, running.deadline, running.days_until_deadline) == (
        "ongoing",
        None,
        None,
    )
    assert running.measured_against is None and running.history == ()
    assert timeline(data, "2020-07-01").phase("p").status == "ended_on_time"


def test_a_phase_announced_before_it_starts_is_upcoming(tmp_path):
    data = build(
        tmp_path,
        [
            row("p", "phase", "2026-03-01", announced="2026-01-01"),
            row("d", "deadline", "2026-09", phase="p", announced="2026-01-01"),
        ],
    )
    state = timeline(data, "2026-02-01").phase("p")
    # 2026-02-01 -> 2026-09-30 = 241 days (28+31+30+31+30+31+31+30 = 242, less the 1st).
    assert (state.status, state.days_until_deadline) == ("upcoming", R(241))
    assert state.start == D(2026, 3, 1)
    assert timeline(data, "2026-03-01").phase("p").status == "ongoing"


def test_independent_deadlines_the_latest_announced_is_in_force(tmp_path):
    data = build(
        tmp_path,
        [
            row("p", "phase", "2020-01-01"),
            row("a", "deadline", "2021-06", phase="p", announced="2020-01-01"),
            row("b", "deadline", "2021-03", phase="p", announced="2020-05-01"),
            row("c", "deadline", "2021-12", phase="p", announced="2020-05-01"),
        ],
    )
    assert timeline(data, "2020-04-30").phase("p").deadline.id == "a"
    # b and c were announced the same day: the later due date (c) wins.
    state = timeline(data, "2020-05-01").phase("p")
    assert state.deadline.id == "c" and [d.id for d in state.history] == ["c"]
    assert {d.id: d.in_force for d in timeline(data, "2020-05-01").deadlines} == {
        "a": False,
        "b": False,
        "c": True,
    }


def test_a_three_step_chain_is_history_original_first(tmp_path):
    data = build(
        tmp_path,
        [
            row("p", "phase", "2020-01-01"),
            row("d1", "deadline", "2021-01", phase="p", announced="2020-01-01"),
            row("d2", "deadline", "2021-06", phase="p", announced="2020-06-01", revises="d1"),
            row("d3", "deadline", "2022", phase="p", announced="2021-02-01", revises="d2"),
        ],
    )
    tl = timeline(data, "2021-03-01")
    assert [d.id for d in tl.phase("p").history] == ["d1", "d2", "d3"]
    assert {d.id: d.superseded_by for d in tl.deadlines} == {"d1": "d2", "d2": "d3", "d3": None}
    # Between the second and third announcements, d2 is in force and not yet passed.
    mid = timeline(data, "2021-01-31").phase("p")
    assert [d.id for d in mid.history] == ["d1", "d2"]
    assert mid.days_until_deadline == R(150)  # 2021-01-31 -> 2021-06-30 = 28+31+30+31+30


# --------------------------------------------------------------------------- freshness, sites


def test_latest_record_is_the_latest_date_already_reached(minimal):
    """The minimal rows: a 2025-08-18 statement, deadlines announced 2024-09-27 and
    2025-12-31 (due 2025-09 and 2026-01). Due dates are promises, not records."""
    latest = timeline(minimal, "2025-12-30").latest_record
    assert (latest.day, latest.value.iso) == (D(2025, 8, 18), "2025-08-18")
    # The revision's announcement on 2025-12-31 is news.
    assert timeline(minimal, "2025-12-31").latest_record.day == D(2025, 12, 31)


def test_a_phase_end_is_a_record_once_reached(tmp_path):
    data = build(tmp_path, [row("p", "phase", "2020-01-01", end="2020-06-30")])
    assert timeline(data, "2020-06-29").latest_record.day == D(2020, 1, 1)
    assert timeline(data, "2020-06-30").latest_record.day == D(2020, 6, 30)


def test_latest_record_keeps_its_precision(tmp_path):
    data = build(tmp_path, [row("s", "statement", "2021-09", status="completed")])
    latest = timeline(data, "2022-01-01").latest_record
    assert (latest.value.iso, latest.value.precision) == ("2021-09", "month")


def test_no_latest_record_with_nothing_visible(minimal):
    assert timeline(minimal, "2024-01-01").latest_record is None


# --------------------------------------------------------------------------- coverage


def cut_off(tmp_path: Path, *, terms: str = "") -> Dataset:
    """Data that stop on 2026-02-11 (the last row): a phase whose firm deadline passed
    within the data (2025-09) and one whose deadline falls after the cut-off (2026-09)."""
    data = copy_dataset(MINIMAL_DIR, tmp_path / "cut")
    write_csv(
        data / "events.csv",
        EVENT_COLUMNS,
        [
            row("early", "phase", "2024-09-27"),
            row("d-early", "deadline", "2025-09", phase="early", announced="2024-09-27"),
            row("late", "phase", "2024-09-27"),
            row("d-late", "deadline", "2026-09", phase="late", announced="2024-09-27", terms=terms),
            row("last-news", "statement", "2026-02-11", status="completed"),
        ],
    )
    write_csv(data / "event_sources.csv", ["event_id", "source_id"], [])
    return load_dataset(data)


def test_coverage_defaults_to_the_latest_row(tmp_path):
    data = cut_off(tmp_path)
    assert (data.coverage.through, data.coverage.declared, data.coverage.event_id) == (
        D(2026, 2, 11),
        False,
        "last-news",
    )


def test_a_deadline_after_the_cut_off_is_unknown_not_overdue(tmp_path):
    tl = timeline(cut_off(tmp_path), "2026-11-30")
    late = tl.phase("late")
    assert (late.status, late.unknown_reason) == ("unknown", "after_coverage")
    assert late.days_overdue is None and late.days_late is None
    assert late.days_past_original(tl.as_of) is None
    cov = tl.coverage
    # 2026-02-11 -> 2026-11-30 = 17 (to Feb 28) + 31+30+31+30+31+31+30+31 + 30 = 292
    assert (cov.through, cov.known_through, cov.days_beyond, cov.beyond) == (
        D(2026, 2, 11),
        D(2026, 2, 11),
        292,
        True,
    )
    assert [p.id for p in cov.deadlines_passed_since] == ["late"]


def test_an_overrun_is_counted_only_up_to_the_cut_off(tmp_path):
    early = timeline(cut_off(tmp_path), "2026-11-30").phase("early")
    # Due 2025-09-30; counted to 2026-02-11 (the data's end), not to 2026-11-30:
    # 31 (Oct) + 30 + 31 + 31 (Jan) + 11 = 134.
    assert (early.status, early.days_overdue, early.known_through) == (
        "overdue",
        R(134),
        D(2026, 2, 11),
    )


def test_before_the_cut_off_nothing_changes(tmp_path):
    tl = timeline(cut_off(tmp_path), "2026-01-15")
    assert (tl.coverage.known_through, tl.coverage.days_beyond, tl.coverage.beyond) == (
        D(2026, 1, 15),
        0,
        False,
    )
    assert tl.phase("late").status == "ongoing"
    # Three weeks past the cut-off is not yet "well past" it.
    assert not timeline(cut_off(tmp_path), "2026-03-04").coverage.beyond
    assert timeline(cut_off(tmp_path), "2026-03-05").coverage.beyond


def test_a_declared_coverage_extends_what_is_known(tmp_path):
    data = cut_off(tmp_path)
    declared = replace(data, coverage=Coverage(D(2026, 10, 31), PartialDate(2026, 10, 31), True))
    late = timeline(declared, "2026-11-30").phase("late")
    # Due 2026-09-30, known through 2026-10-31: 31 days overdue, and that is a finding.
    assert (late.status, late.days_overdue) == ("overdue", R(31))


def test_a_minimum_deadline_passed_is_not_a_miss(tmp_path):
    data = replace(
        cut_off(tmp_path, terms="minimum"),
        coverage=Coverage(D(2026, 10, 31), PartialDate(2026, 10, 31), True),
    )
    late = timeline(data, "2026-11-30").phase("late")
    assert (late.status, late.missed, late.deadline.terms, late.deadline.firm) == (
        "past_soft_deadline",
        False,
        "minimum",
        False,
    )


@pytest.mark.parametrize(
    ("through", "message"),
    [
        ("2099-01-01", "is in the future"),
        ("2026-01-01", "is before the data's own latest date 2026-02-11"),
        ("2026-06-30", "is later than the sources support"),
        ("2026-06", "needs a day"),
    ],
)
def test_a_declared_coverage_is_checked(tmp_path, through, message):
    import json

    from analysis.dataset import DataValidationError

    data = copy_dataset(MINIMAL_DIR, tmp_path / "cov")
    write_csv(
        data / "events.csv",
        EVENT_COLUMNS,
        [
            row("last-news", "statement", "2026-02-11", status="completed"),
        ],
    )
    write_csv(data / "event_sources.csv", ["event_id", "source_id"], [])
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["coverage"] = {"through": through}
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data)
    problem = caught.value.problems[0]
    assert (problem.file, problem.column) == ("datapackage.json", "coverage.through")
    assert message in problem.message


# --------------------------------------------------------------------------- ranges


def test_an_end_range_gives_ranged_counts_and_ended_late_only_when_wholly_late(tmp_path):
    data = phase_with_deadline(tmp_path, "2025-09", start="2024-09-27", end="2025-11-26/2026-01-18")
    done = timeline(data, "2026-02-01").phase("p")
    # 2025-09-30 -> 2025-11-26 = 31 + 26 = 57; -> 2026-01-18 = 31 + 30 + 31 + 18 = 110
    assert (done.status, done.days_late, done.end_precision) == ("ended_late", R(57, 110), "range")
    assert (done.end_earliest, done.end) == (D(2025, 11, 26), D(2026, 1, 18))
    assert str(done.days_late) == "57–110"
    assert done.end_value.iso == "2025-11-26/2026-01-18"


def test_a_report_date_inside_the_end_range_is_not_yet_known(tmp_path):
    data = phase_with_deadline(tmp_path, "2025-09", start="2024-09-27", end="2025-11-26/2026-01-18")
    inside = timeline(data, "2025-12-15").phase("p")
    assert (inside.status, inside.unknown_reason, inside.end) == ("unknown", "end_in_range", None)
    assert inside.days_overdue is None and inside.days_late is None


def test_a_range_across_the_deadline_is_uncertain(tmp_path):
    data = phase_with_deadline(
        tmp_path, "2021-07-01", start="2021-01-01", end="2021-07-01/2021-07-02"
    )
    state = timeline(data, "2021-08-01").phase("p")
    assert (state.status, state.days_late) == ("ended_uncertain", R(0, 1))
    assert not state.missed


def test_a_day_range_end_validates_and_reads_as_a_range(tmp_path):
    data = phase_with_deadline(tmp_path, "2021-06", start="2021-01-01", end="2021-07-01/2021-07-02")
    state = timeline(data, "2021-08-01").phase("p")
    # 2021-06-30 -> 07-01 = 1, -> 07-02 = 2
    assert (state.status, state.days_late, state.days_past_original(D(2021, 8, 1))) == (
        "ended_late",
        R(1, 2),
        R(1, 2),
    )


def test_a_deadline_given_as_a_range_is_due_at_its_latest_day(tmp_path):
    data = phase_with_deadline(
        tmp_path, "2026-01-04/2026-01-10", start="2024-09-27", end="2026-01-16"
    )
    state = timeline(data, "2026-02-01").phase("p")
    assert (state.deadline.due, state.status, state.days_late) == (
        D(2026, 1, 10),
        "ended_late",
        R(6),
    )


def test_a_declared_end_says_so(tmp_path):
    data = build(
        tmp_path,
        [
            row("p", "phase", "2024-09-27", end="2026-01-18", end_basis="declared"),
        ],
    )
    state = timeline(data, "2026-02-01").phase("p")
    assert (state.end_basis, state.status) == ("declared", "ended_on_time")
    observed = build(tmp_path / "o", [row("p", "phase", "2024-09-27", end="2026-01-18")])
    assert timeline(observed, "2026-02-01").phase("p").end_basis == "observed"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-01-18/2025-11-26", "a range runs forward"),
        ("2025-11/2025-11-26", "a range runs forward"),
        ("2025-11-26/", "is not a date"),
        ("1850/2025-11-26", "outside the supported years"),
    ],
)
def test_a_bad_range_is_a_validation_error(tmp_path, value, message):
    from analysis.dataset import DataValidationError

    with pytest.raises(DataValidationError) as caught:
        build(tmp_path, [row("p", "phase", "2024-09-27", end=value)])
    assert any(message in p.message and p.column == "end" for p in caught.value.problems), (
        caught.value.problems
    )


def test_the_sites_filter_restricts_lanes_and_milestones(minimal):
    everything = timeline(minimal, "2025-12-31")
    assert [lane.site.id for lane in everything.lanes] == ["alpha"]  # beta has no phase
    assert [e.id for e in everything.milestones] == ["statement-1"]
    beta = timeline(minimal, "2025-12-31", sites=["beta"])
    assert (beta.lanes, beta.phases, beta.deadlines) == ((), (), ())
    assert [e.id for e in beta.milestones] == ["statement-1"]
    alpha = timeline(minimal, "2025-12-31", sites=["alpha"])
    assert [s.phase.id for s in alpha.phases] == ["phase-alpha"]
    assert alpha.milestones == ()
    assert {d.id for d in alpha.deadlines} == {"deadline-alpha", "deadline-alpha-2"}


def test_an_unknown_site_is_refused_with_the_known_ids(minimal):
    with pytest.raises(ValueError, match=r"'gamma'.*known sites: alpha, beta"):
        timeline(minimal, "2025-12-31", sites=["alpha", "gamma"])


def test_lookups_fail_with_a_message_naming_what_there_is(minimal):
    tl = timeline(minimal, "2025-12-31")
    with pytest.raises(KeyError, match=r"no phase 'phase-beta'.*phases: phase-alpha"):
        tl.phase("phase-beta")
    with pytest.raises(KeyError, match=r"no lane for site 'beta'.*lanes: alpha"):
        tl.lane("beta")
    assert tl.lane("alpha").phases[0].phase.id == "phase-alpha"


def test_as_of_must_be_a_day(minimal):
    with pytest.raises(DateFormatError):
        timeline(minimal, "2025-12")
    with pytest.raises(TypeError, match=r"datetime\.date"):
        timeline(minimal, dt.datetime(2025, 12, 31, 12))
    assert timeline(minimal, D(2025, 12, 31)).as_of == timeline(minimal, "2025-12-31").as_of


# --------------------------------------------------------------------------- compare


def test_compare_reports_the_revision_on_the_minimal_data(minimal):
    changes = compare(minimal, "2025-12-30", "2025-12-31")
    assert [e.id for e in changes.new_events] == ["deadline-alpha-2"]
    [revised] = changes.revised_deadlines
    assert revised.before is not None and revised.before.deadline.id == "deadline-alpha"
    assert revised.after.deadline.id == "deadline-alpha-2"
    assert [(c.before.status, c.after.status) for c in changes.status_changed] == [
        ("overdue", "ongoing")
    ]
    assert changes.ended == ()


def test_compare_refuses_dates_in_the_wrong_order(minimal):
    with pytest.raises(ValueError, match=r"earlier \(2026-01-01\) is after later \(2025-12-31\)"):
        compare(minimal, "2026-01-01", "2025-12-31")


def test_compare_a_phase_that_appears_has_no_before(tmp_path):
    data = build(tmp_path, [row("p", "phase", "2020-01-01", end="2020-02-01")])
    changes = compare(data, "2019-12-31", "2020-03-01")
    assert [(c.phase_id, c.before) for c in changes.ended] == [("p", None)]
    assert [c.after.status for c in changes.status_changed] == ["ended_on_time"]
    assert changes.revised_deadlines == ()


def test_days_past_original_deadline_shows_the_missed_first_promise() -> None:
    """Ain al-Asad missed its revised deadline by 6-8 days, and the first one by 108-110."""
    tl = timeline(load_dataset(DATA_DIR), "2026-01-20")
    ain = tl.phase("phase-ain-al-asad-mission")
    assert (ain.status, ain.days_late) == ("ended_late", R(6, 8))
    assert ain.original_deadline.id == "deadline-ain-al-asad-2025-09"
    # 2025-09-30 -> 2026-01-16 = 31 + 30 + 31 + 16 = 108; -> 2026-01-18 = 110
    assert ain.days_past_original(tl.as_of) == R(108, 110)
    erbil = tl.phase("phase-erbil-mission")
    assert erbil.days_past_original(tl.as_of) is None


def test_a_report_cites_only_sources_published_by_its_date() -> None:
    """The Baghdad exit row gathers sources into 2026; an October 2025 report cites the
    ones out by then, and a source with no date counts as published."""
    from analysis.timeline import known_sources

    shipped = load_dataset(DATA_DIR)
    phase = shipped.event("phase-baghdad-mission")
    early = known_sources(shipped, phase, D(2025, 10, 15))
    late = known_sources(shipped, phase, D(2026, 11, 30))
    assert set(early) < set(late)
    for source_id in early:
        published = shipped.sources[source_id].published
        assert published is None or published.last_day() <= D(2025, 10, 15)
    assert any(
        shipped.sources[i].published and shipped.sources[i].published.last_day() > D(2025, 10, 15)
        for i in late
    )


def test_a_row_whose_sources_all_came_later_keeps_its_earliest(tmp_path):
    from analysis.timeline import known_sources

    data = build(tmp_path, [row("s", "statement", "2024-12-01", status="completed")])
    # src-a (the minimal fixture) was published on 2025-01-02, after the statement.
    assert known_sources(data, data.event("s"), D(2024, 12, 15)) == ("src-a",)
