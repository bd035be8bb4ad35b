"""Property-based tests: random *valid* datasets, written as CSV files, against the timeline
model's invariants at random as-of dates, and the narrative and charts built from them.

The generator (``datasets``) draws 1-5 sites with 0-3 phases each, deadline chains of random
length per phase (each row announced on a random date, revising an earlier deadline or not,
sometimes two revisions of one deadline, sometimes a deadline with no phase), point events of
every kind, and text in Latin and Arabic script (with markup characters, digits, newlines and
the occasional name or title at the schema's length limit). Dates come at day, month and year
precision, now and then in Arabic-Indic digits; files with LF or CRLF line ends, with or without
a BOM. Every dataset must load: a ``DataValidationError`` means the generator or the
validator is wrong, and the test says which rows were refused.

Invariants checked at many as-of dates per dataset: random ones, and dates where a status can
flip (up to 12 of the announcements, starts, due dates and ends, each with the day before and
the day after):

* no leak from the future: the visible rows are exactly those announced on or before as-of;
* a phase's status agrees with its dates: upcoming iff as-of is before its start; ended_* iff
  its end is known and not after as-of; overdue iff no end, a deadline, and the due date passed
  within the data's coverage; unknown iff it passed after the coverage end;
  the day counts are the date arithmetic; ended late/early/on time by the deadline's period;
* the deadline in force is visible, linked to the phase, revised by no visible deadline, and
  its history runs back through visible revisions;
* a site filter keeps the chosen lanes and the rows linked to their phases, and changes no
  phase's deadline or status;
* the narrative (both languages, with "what changed" from an earlier date) and both charts
  build, and no chart axis label runs longer than the charts' wrap width.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.charts import gantt_figure, promise_figure
from analysis.charts.gantt import _LANE_LABEL
from analysis.charts.promise import _NOTE_WRAP, _ROW_TITLE
from analysis.dataset import Dataset, DataValidationError, Event, load_dataset
from analysis.dates import PartialDate
from analysis.i18n import make_locale
from analysis.narrative import narrative
from analysis.timeline import DayRange, Timeline, compare, timeline
from conftest import write_schema

EXAMPLES = 120
FIRST, LAST = dt.date(2014, 1, 1), dt.date(2030, 12, 31)
POINT_KINDS = ("agreement", "announcement", "statement", "withdrawal", "handover", "incident")
STATUSES = ("planned", "in_progress", "completed", "cancelled", "superseded")
COUNTS = {"examples": 0, "as_of": 0, "phases": 0, "renders": 0}

_LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.,'&<>\"/()\n"
_ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةءآأإؤئى ٠١٢٣٤٥٦٧٨٩،؛ «»" + "Erbil F-16 2025"


@cache  # a strategy is built once, drawn from many times
def texts(alphabet: str, limit: int) -> st.SearchStrategy[str]:
    """Short text mostly, sometimes text at the column's length limit (a drawn piece repeated:
    drawing thousands of characters one by one would make each example slow)."""
    short = st.text(alphabet=alphabet, min_size=1, max_size=40)
    long = st.builds(
        lambda piece, words: (" ".join([piece] * words))[:limit],
        st.text(alphabet=alphabet, min_size=1, max_size=12),
        st.just(limit),
    )
    # A required text must have something visible: whitespace alone is a blank cell, which the
    # loader rightly refuses (tests/test_descriptor.py), not a valid dataset.
    return st.one_of(short, short, short, long).filter(lambda text: text.strip())


def latin(limit: int = 300) -> st.SearchStrategy[str]:
    return texts(_LATIN, limit)


def arabic(limit: int = 300) -> st.SearchStrategy[str]:
    return texts(_ARABIC, limit)


@cache
def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), strategy)


@st.composite
def partial_dates(draw: st.DrawFn, lo: dt.date = FIRST, hi: dt.date = LAST) -> str:
    day = draw(st.dates(lo, hi))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[precision]
    if draw(st.integers(0, 9)) == 0:  # pasted from an Arabic page: ٢٠٢٥-٠٩ is accepted
        text = text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    return text


def later_partial_date(draw: st.DrawFn, start: str) -> str:
    """A date whose period ends on or after ``start`` begins (what the validator asks of an
    end)."""
    return draw(partial_dates(lo=max(PartialDate.parse(start).first_day(), FIRST)))


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, list[dict[str, str]]]:
    """Rows for every table of a valid dataset."""
    n_sites = draw(st.integers(1, 5))
    sites = [
        {
            "id": f"site-{i}",
            "name_en": draw(latin(200)),
            "name_ar": draw(arabic(200)),
            "kind": draw(st.sampled_from(["city", "base", "region", "country", "global"])),
            "lat": draw(st.one_of(st.just(""), st.floats(-90, 90).map(lambda x: f"{x:.4f}"))),
            "lon": draw(st.one_of(st.just(""), st.floats(-180, 180).map(lambda x: f"{x:.4f}"))),
        }
        for i in range(n_sites)
    ]
    actors = [
        {
            "id": f"actor-{i}",
            "name_en": draw(latin(200)),
            "name_ar": draw(arabic(200)),
            "role_en": draw(optional(latin())),
            "role_ar": draw(optional(arabic())),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    sources = [
        {
            "id": f"src-{i}",
            "publisher_en": draw(latin(200)),
            "publisher_ar": draw(arabic(200)),
            "title": draw(optional(st.one_of(latin(500), arabic(500)))),
            "url": "https://example.org/"
            + draw(st.text(alphabet="abc123-_/?=&%#<>\"'", max_size=30)),
            "published": draw(optional(partial_dates())),
            "language": draw(st.sampled_from(["ar", "en"])),
        }
        for i in range(draw(st.integers(1, 3)))
    ]
    source_ids = [s["id"] for s in sources]
    actor_ids = [a["id"] for a in actors]
    events: list[dict[str, str]] = []

    def row(kind: str, site: str, start: str, **cells: str) -> dict[str, str]:
        record = {
            "id": f"{kind}-{len(events)}",
            "kind": kind,
            "site": site,
            "start": start,
            "status": draw(st.sampled_from(STATUSES)),
            "confidence": draw(st.sampled_from(["", "confirmed", "reported", "unverified"])),
            "title_en": draw(latin()),
            "title_ar": draw(arabic()),
            "summary_en": draw(optional(latin(3000))),
            "summary_ar": draw(optional(arabic(3000))),
            "source_id": draw(st.sampled_from(source_ids)),
            **cells,
        }
        events.append(record)
        return record

    def announced_after(revised: str) -> str:
        """A revision is announced no earlier than the deadline it revises (the validator's
        order rule); an original, any time."""
        if not revised:
            return draw(partial_dates())
        return later_partial_date(draw, next(e for e in events if e["id"] == revised)["announced"])

    phases: list[dict[str, str]] = []
    for site in sites:
        for _ in range(draw(st.integers(0, 3))):
            start = draw(partial_dates())
            end = later_partial_date(draw, start) if draw(st.booleans()) else ""
            phases.append(row("phase", site["id"], start, end=end))
    deadlines: list[dict[str, str]] = []
    for phase in phases:
        chain: list[dict[str, str]] = []
        for _ in range(draw(st.integers(0, 4))):
            revises = ""
            if chain:
                choice = draw(st.sampled_from(["previous", "previous", "earlier", "none"]))
                if choice == "previous":
                    revises = chain[-1]["id"]
                elif choice == "earlier":
                    revises = draw(st.sampled_from(chain))["id"]
            chain.append(
                row(
                    "deadline",
                    phase["site"],
                    draw(partial_dates()),
                    phase=phase["id"],
                    announced=announced_after(revises),
                    revises=revises,
                )
            )
        deadlines += chain
    for _ in range(draw(st.integers(0, 2))):  # deadlines of no phase, maybe revising one
        revises = draw(st.sampled_from(["", *[d["id"] for d in deadlines]]))
        row(
            "deadline",
            draw(st.sampled_from(sites))["id"],
            draw(partial_dates()),
            announced=announced_after(revises),
            revises=revises,
        )
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(POINT_KINDS))
        phase = ""
        if phases and kind in ("withdrawal", "handover"):
            phase = draw(st.sampled_from(["", *[p["id"] for p in phases]]))
        start = draw(partial_dates())
        if phase:  # the end of a phase is not before the phase starts
            start = later_partial_date(draw, next(p for p in phases if p["id"] == phase)["start"])
        # A point event is public once it has happened (the validator's order rule).
        cells = {"announced": later_partial_date(draw, start) if draw(st.booleans()) else ""}
        if actor_ids and kind in ("statement", "announcement"):
            cells["actor"] = draw(st.sampled_from(["", *actor_ids]))
        if kind == "statement":
            cells["quote_ar"] = draw(optional(arabic(3000)))
            cells["quote_en"] = draw(optional(latin(3000)))
        if phases and kind in ("withdrawal", "handover"):
            cells["phase"] = phase
        row(kind, draw(st.sampled_from(sites))["id"], start, **cells)
    pairs = draw(
        st.lists(
            st.tuples(
                st.sampled_from([e["id"] for e in events] or [""]), st.sampled_from(source_ids)
            ),
            max_size=4,
            unique=True,
        )
    )
    event_sources = [{"event_id": e, "source_id": s} for e, s in pairs if e]
    return {
        "sites": sites,
        "actors": actors,
        "sources": sources,
        "events": events,
        "event_sources": event_sources,
    }


COLUMNS = {
    "sites": ["id", "name_en", "name_ar", "kind", "lat", "lon"],
    "actors": ["id", "name_en", "name_ar", "role_en", "role_ar"],
    "sources": ["id", "publisher_en", "publisher_ar", "title", "url", "published", "language"],
    "events": [
        "id",
        "kind",
        "site",
        "actor",
        "start",
        "end",
        "phase",
        "announced",
        "revises",
        "status",
        "confidence",
        "title_en",
        "title_ar",
        "summary_en",
        "summary_ar",
        "quote_ar",
        "quote_en",
        "source_id",
    ],
    "event_sources": ["event_id", "source_id"],
}


def write_dataset(
    tables: dict[str, list[dict[str, str]]],
    directory: Path,
    *,
    crlf: bool = False,
    bom: bool = False,
) -> Path:
    """The tables as CSV files (Windows line ends and an Excel BOM if asked) and the
    project's datapackage.json."""
    directory.mkdir(parents=True, exist_ok=True)
    write_schema(directory)
    for name, columns in COLUMNS.items():
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n" if crlf else "\n")
        writer.writeheader()
        writer.writerows({c: r.get(c, "") for c in columns} for r in tables[name])
        (directory / f"{name}.csv").write_text(
            out.getvalue(), encoding="utf-8-sig" if bom else "utf-8"
        )
    return directory


# --------------------------------------------------------------------------- the model


def visible_at(dataset: Dataset, as_of: dt.date) -> set[str]:
    return {e.id for e in dataset.events if e.announced.last_day() <= as_of}


def expected_deadline(dataset: Dataset, phase: Event, as_of: dt.date) -> Event | None:
    """Rule 3 of analysis.timeline, from its docstring."""
    shown = [e for e in dataset.events if e.kind == "deadline" and e.announced.last_day() <= as_of]
    revised = {e.revises for e in shown if e.revises}
    heads = [e for e in shown if e.id not in revised and e.phase == phase.id]
    if not heads:
        return None
    return max(heads, key=lambda e: (e.announced.last_day(), e.start.last_day(), e.id))


def check_timeline(dataset: Dataset, tl: Timeline, as_of: dt.date) -> None:
    visible = {e.id for e in tl.visible}
    assert visible == visible_at(dataset, as_of), "visible rows are not those announced by then"
    for event in tl.visible:
        assert event.announced.last_day() <= as_of, f"{event.id} leaks from the future"
    for event in tl.milestones:
        assert event.kind not in ("phase", "deadline")
        assert event.id in visible
    for deadline in tl.deadlines:
        assert deadline.event.id in visible
        assert deadline.due == deadline.event.start.last_day()
    if tl.latest_record is not None:
        assert tl.latest_record.day <= as_of
    assert tl.coverage.known_through <= as_of
    phases = {e.id for e in dataset.events if e.kind == "phase" and e.id in visible}
    assert {s.phase.id for s in tl.phases} == phases
    for state in tl.phases:
        check_phase(dataset, state, as_of, visible)


def check_phase(dataset: Dataset, state: Any, as_of: dt.date, visible: set[str]) -> None:
    COUNTS["phases"] += 1
    phase = state.phase
    start = phase.start.first_day()
    end_known = phase.end is not None and phase.end.last_day() <= as_of
    end = phase.end.last_day() if end_known and phase.end is not None else None
    assert state.start == start and state.end == end
    deadline = expected_deadline(dataset, phase, as_of)
    assert (state.deadline.event if state.deadline else None) == deadline, phase.id
    due = deadline.start.last_day() if deadline else None
    status = state.status
    assert (status == "upcoming") == (as_of < start), (status, as_of, start)
    known = state.known_through
    assert known == min(as_of, dataset.coverage.through)
    if status != "upcoming":
        assert status.startswith("ended_") == (end is not None), (status, end)
        # Overdue only when the deadline passed within the data; after their end, unknown.
        assert (status == "overdue") == (end is None and due is not None and due < known)
        assert (status == "unknown") == (end is None and due is not None and known <= due < as_of)
    counts = {
        "days_overdue": None,
        "days_late": None,
        "days_early": None,
        "days_until_deadline": None,
    }
    if status == "overdue":
        counts["days_overdue"] = (known - due).days
        assert counts["days_overdue"] > 0
    elif status.startswith("ended_"):
        if deadline is None:
            assert status == "ended_on_time"
        elif end > due:
            assert status == "ended_late"
            counts["days_late"] = (end - due).days
        elif end < deadline.start.first_day():
            assert status == "ended_early"
            counts["days_early"] = (deadline.start.first_day() - end).days
        else:
            assert status == "ended_on_time"
    elif due is not None and status != "unknown":  # upcoming or ongoing, with a deadline
        counts["days_until_deadline"] = (due - as_of).days
        if status == "ongoing":
            assert counts["days_until_deadline"] >= 0
    for name, value in counts.items():
        expected = None if value is None else DayRange(value, value)
        assert getattr(state, name) == expected, (name, getattr(state, name), value, status)
    if state.deadline is not None:
        history = state.history
        assert history[-1] == state.deadline and all(d.event.id in visible for d in history)
        for older, newer in itertools.pairwise(history):
            assert newer.event.revises == older.id
        assert (
            history[0].event.revises is None
            or history[0].event.revises not in visible
            or dataset.event(history[0].event.revises).kind != "deadline"
        )
        assert state.measured_against == state.deadline.precision
    else:
        assert state.history == () and state.measured_against is None


def check_site_filter(dataset: Dataset, as_of: dt.date, chosen: list[str]) -> None:
    """``--sites``: only those lanes; rows of other sites only when linked to a chosen phase;
    a filter never changes a phase's deadline or status."""
    whole, part = timeline(dataset, as_of), timeline(dataset, as_of, sites=chosen)
    assert {lane.site.id for lane in part.lanes} <= set(chosen)
    phase_ids = {s.phase.id for s in part.phases}
    assert phase_ids == {s.phase.id for s in whole.phases if s.site in chosen}
    expected = {e.id for e in whole.visible if e.site in chosen or e.phase in phase_ids}
    assert {e.id for e in part.visible} == expected
    states = {s.phase.id: s for s in whole.phases}
    for state in part.phases:
        assert state == states[state.phase.id]


#: The charts wrap data text on axes at their widest wrap: the deadline chart's notes, which
#: sit in its row labels (phase titles wrap at 36, lane labels at 26).
_AXIS_LINE = max(_NOTE_WRAP[0], _ROW_TITLE[0], _LANE_LABEL[0])


def check_outputs(dataset: Dataset, tl: Timeline, earlier: dt.date | None) -> None:
    changes = compare(dataset, earlier, tl.as_of) if earlier is not None else None
    for lang in ("en", "ar"):
        loc = make_locale(lang, digits="arabic" if lang == "ar" and tl.as_of.day % 2 else "western")
        story = narrative(dataset, tl, loc, changes=changes)
        assert story.to_text().strip()
        assert len(story.sites) == len(tl.lanes)
        for chart in (gantt_figure(tl, dataset, loc), promise_figure(tl, dataset, loc)):
            assert chart.figure.layout.height > 0 and chart.alt_text
            for tick in chart.figure.layout.yaxis.ticktext or ():
                for line in re.sub(r"<[^>]+>", "\n", tick.replace("<br>", "\n")).split("\n"):
                    # bidi isolates and marks take no room on the axis
                    plain = re.sub("[\u200e\u200f\u2066-\u2069]", "", line)
                    plain = re.sub(r"&(lt|gt|amp);", "x", plain)
                    assert len(plain) <= _AXIS_LINE, plain
        COUNTS["renders"] += 1


# --------------------------------------------------------------------------- the property


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(tables=datasets(), data=st.data())
def _random_valid_datasets(tables: dict[str, list[dict[str, str]]], data: st.DataObject) -> None:
    COUNTS["examples"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        directory = write_dataset(
            tables, Path(tmp) / "data", crlf=data.draw(st.booleans()), bom=data.draw(st.booleans())
        )
        try:
            dataset = load_dataset(directory)
        except DataValidationError as exc:  # the generator's fault, or the validator's
            raise AssertionError(f"a valid dataset was refused:\n{exc}") from None
    assert len(dataset.events) == len(tables["events"])
    # where statuses flip: announcements, starts, due dates, ends (and the days around them)
    boundaries = sorted(
        {
            d
            for e in dataset.events
            for d in (
                e.announced.last_day(),
                e.start.first_day(),
                e.start.last_day(),
                e.end.last_day() if e.end else None,
            )
            if d is not None
        }
    )
    dates = data.draw(
        st.lists(st.dates(dt.date(2013, 1, 1), dt.date(2031, 12, 31)), min_size=1, max_size=2)
    )
    rng = data.draw(st.randoms(use_true_random=False))
    picks = rng.sample(boundaries, min(len(boundaries), 12))
    dates += [d + dt.timedelta(days=k) for d in picks for k in (-1, 0, 1)]
    for as_of in dates:
        COUNTS["as_of"] += 1
        check_timeline(dataset, timeline(dataset, as_of), as_of)
    chosen = data.draw(st.lists(st.sampled_from(sorted(dataset.sites)), min_size=1, unique=True))
    for as_of in dates[:3]:
        check_site_filter(dataset, as_of, chosen)
    as_of = dates[0]
    earlier = data.draw(st.one_of(st.none(), st.dates(dt.date(2013, 1, 1), as_of)))
    check_outputs(dataset, timeline(dataset, as_of), earlier if earlier != as_of else None)


# Slow: 120 random datasets, each rendered as narrative and both charts in both languages
# (about 20 s); it runs in `make test`, and `make test-fast` stays under a minute.
@pytest.mark.slow
def test_random_valid_datasets_keep_the_timeline_invariants() -> None:
    for key in COUNTS:
        COUNTS[key] = 0
    _random_valid_datasets()
    print(
        f"\nfuzz: {COUNTS['examples']} datasets, {COUNTS['as_of']} as-of dates, "
        f"{COUNTS['phases']} phase states checked, {COUNTS['renders']} narrative+chart sets"
    )
    assert COUNTS["examples"] >= EXAMPLES // 2 and COUNTS["renders"] >= EXAMPLES // 2
