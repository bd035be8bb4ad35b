"""The rules of the data contract that a Table Schema cannot say, checked on ``events.csv``.

``end`` after ``start`` and only on phases; a ``phase`` link reaches a phase and a
``revises`` link a deadline; deadlines are announced; columns that describe one kind of
row appear on that kind only; ``revises`` chains have no cycle (each chain walked once:
linear time); and no impossible order: a point event public before it happened, a
revision announced before its original, a withdrawal before the phase it ends.
"""

from __future__ import annotations

from collections.abc import Mapping

from analysis.dates import DateFormatError, DateValue
from analysis.tables import Collector, Table, parse_date

__all__ = ["PHASE_LINKED_KINDS", "check_event_order", "check_event_rules"]

#: Kinds whose ``phase`` column names the phase they bound or end, or (statements and
#: announcements) the phase they speak about: the Pentagon's 30 September 2025 word on
#: the first phase (ROUND5 decision 6).
PHASE_LINKED_KINDS = frozenset({"deadline", "withdrawal", "handover", "statement", "announcement"})


def check_event_rules(events: Table, problems: Collector) -> None:
    """The rules of the contract that a Table Schema cannot express."""
    by_id = {row["id"]: (line, row) for line, row in events.rows}

    def date(row: dict[str, str], column: str) -> DateValue | None:
        try:
            return parse_date(row[column]) if row.get(column) else None
        except DateFormatError:
            return None  # already reported

    for line, row in events.rows:
        kind = row.get("kind", "")
        start, end = date(row, "start"), date(row, "end")
        if end is not None and kind != "phase":
            problems.add(
                events, line, "end", row["end"], f"only phases have an end; this row is a {kind}"
            )
        if start and end and end.last_day() < start.first_day():
            problems.add(events, line, "end", row["end"], f"is before the start {row['start']}")
        _check_kind_columns(events, line, row, kind, problems)
        if kind == "deadline" and not row.get("announced"):
            problems.add(
                events,
                line,
                "announced",
                "",
                "is required for a deadline: when did the deadline become public?",
            )
        _check_links(events, line, row, kind, by_id, problems)
    _check_revision_cycles(events, by_id, problems)


def _check_links(
    events: Table,
    line: int,
    row: dict[str, str],
    kind: str,
    by_id: Mapping[str, tuple[int, dict[str, str]]],
    problems: Collector,
) -> None:
    """``phase`` links a deadline, withdrawal, handover, statement or announcement to a phase
    row; ``revises`` links a deadline to a deadline row (a missing id is the foreign key's
    problem)."""
    phase = row.get("phase", "")
    if phase:
        if kind not in PHASE_LINKED_KINDS:
            problems.add(
                events,
                line,
                "phase",
                phase,
                f"only {', '.join(sorted(PHASE_LINKED_KINDS))} rows link to a phase; "
                f"this row is a{'n' if kind[:1] in 'aeiou' else ''} {kind}",
            )
        elif phase in by_id and by_id[phase][1].get("kind") != "phase":
            target_line, target = by_id[phase]
            problems.add(
                events,
                line,
                "phase",
                phase,
                f"links to a {target.get('kind')} (line {target_line}), expected a phase row",
            )
    revises = row.get("revises", "")
    if revises:
        if kind != "deadline":
            problems.add(
                events,
                line,
                "revises",
                revises,
                f"only deadlines revise deadlines; this row is a {kind}",
            )
        elif revises in by_id and by_id[revises][1].get("kind") != "deadline":
            target_line, target = by_id[revises]
            problems.add(
                events,
                line,
                "revises",
                revises,
                f"revises a {target.get('kind')} (line {target_line}), expected a deadline row",
            )


#: Columns that mean something for one kind of row only: (column, kinds, what it is for).
_KIND_COLUMNS = (
    ("end_basis", {"phase"}, "how a phase's end is known"),
    ("terms", {"deadline"}, "how binding a deadline is"),
)


def _check_kind_columns(
    events: Table, line: int, row: dict[str, str], kind: str, problems: Collector
) -> None:
    """``end_basis``/``terms`` on the kinds they describe; ``quote_original`` names a quote."""
    for column, kinds, meaning in _KIND_COLUMNS:
        if row.get(column) and kind not in kinds:
            problems.add(
                events,
                line,
                column,
                row[column],
                f"says {meaning}, so only {'/'.join(sorted(kinds))} rows have it; "
                f"this row is a {kind}",
            )
    if row.get("end_basis") and not row.get("end"):
        problems.add(events, line, "end_basis", row["end_basis"], "is set but the phase has no end")
    original = row.get("quote_original")
    if original and not row.get(f"quote_{original}"):
        problems.add(
            events,
            line,
            "quote_original",
            original,
            f"names quote_{original} as the original quote, but quote_{original} is empty",
        )


def _check_revision_cycles(
    events: Table, by_id: Mapping[str, tuple[int, dict[str, str]]], problems: Collector
) -> None:
    """Each deadline revises at most one other: follow each chain once (linear time).

    A walk stops at a row already finished (its chain was checked) or at a row of the
    walk itself: that row starts a cycle, reported once.
    """
    finished: set[str] = set()
    for event_id in by_id:
        if event_id in finished:
            continue
        walk: dict[str, int] = {}  # the rows of this walk, in order (dicts keep order)
        current = event_id
        while current in by_id and current not in finished and current not in walk:
            walk[current] = len(walk)
            current = by_id[current][1].get("revises", "")
        if current in walk:
            cycle = list(walk)[walk[current] :]
            shown = [*cycle, current]
            if len(shown) > 8:  # a long cycle is named by its ends, not printed whole
                shown = [*shown[:3], f"… ({len(cycle) - 5} more) …", *shown[-3:]]
            line, row = by_id[current]
            problems.add(
                events,
                line,
                "revises",
                row["revises"],
                "revision cycle: "
                + " -> ".join(shown)
                + "; a deadline chain must run from the original to the latest",
            )
        finished.update(walk)


def _cell_date(row: Mapping[str, str], column: str) -> DateValue | None:
    try:
        return parse_date(row[column]) if row.get(column) else None
    except DateFormatError:
        return None  # already reported


def check_event_order(events: Table, problems: Collector) -> None:
    """Orders that cannot happen: public before it happened, a revision before its original.

    Only deadlines (due later) and phases (planned ahead) may be announced before they
    start; a statement, agreement or withdrawal is public once it happened, so a row
    announced before its start would be shown as already recorded before it took place.
    """
    by_id = {row["id"]: row for _, row in events.rows if row.get("id")}
    for line, row in events.rows:
        kind = row.get("kind", "")
        start, announced = _cell_date(row, "start"), _cell_date(row, "announced")
        if (
            start
            and announced
            and kind not in {"deadline", "phase"}
            and announced.last_day() < start.first_day()
        ):
            problems.add(
                events,
                line,
                "announced",
                row["announced"],
                f"is before the start {row['start']}: a {kind} is public only once it has "
                "happened (a date still to come is a deadline or a planned phase)",
            )
        original = by_id.get(row.get("revises", ""))
        if announced and original is not None and kind == "deadline":
            was = _cell_date(original, "announced") or _cell_date(original, "start")
            if was and announced.last_day() < was.first_day():
                problems.add(
                    events,
                    line,
                    "announced",
                    row["announced"],
                    f"is before the deadline it revises ({row['revises']}) was announced "
                    f"({original.get('announced') or original.get('start')}): a revision "
                    "comes after the original",
                )
        phase = by_id.get(row.get("phase", ""))
        if phase is not None and kind in {"withdrawal", "handover"} and start:
            began = _cell_date(phase, "start")
            if began and start.last_day() < began.first_day():
                problems.add(
                    events,
                    line,
                    "start",
                    row["start"],
                    f"is before the phase it ends ({row['phase']}) starts ({phase.get('start')})",
                )
