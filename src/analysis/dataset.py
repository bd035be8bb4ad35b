"""The validated, immutable dataset that every later stage reads.

:func:`load_dataset` is the one way in: it turns a data directory (a
Frictionless Data Package) into a :class:`Dataset`, or raises a single
:class:`DataValidationError` that carries *every* problem found, each with the
file, CSV line, column, value and what was expected.

The table constraints (required, enum, pattern, unique, number ranges, keys)
are read from ``datapackage.json``; only the rules a Table Schema cannot say
(``end`` after ``start``, a ``phase`` link must reach a phase, ``revises``
chains without cycles) live here. The loader uses the standard library only:
every report kernel imports it, and pandas or frictionless would add more than
half a second to each start (see ``benchmarks/bench_load.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from analysis.dates import DateFormatError, DateInterval, DateValue, PartialDate, parse_date_value
from analysis.paths import DATA_DIR

#: Files larger than this are refused before parsing, with a message that says so.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: A declared coverage end may run at most this many days past the newest source's
#: publication date: a curator vouches for silence only shortly after their last reading.
COVERAGE_GRACE_DAYS = 31
#: Kinds whose ``phase`` column names the phase they bound or end.
PHASE_LINKED_KINDS = frozenset({"deadline", "withdrawal", "handover"})
_DEFAULT_CONFIDENCE = "reported"
# C0 controls other than tab/newline/CR, and the bidi overrides and embeddings
# (U+202A..U+202E): an override in a title would reorder what a reader sees.
# Isolates (U+2066..U+2069) and marks (U+200E/U+200F) are legitimate in Arabic text.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e]")


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as it can be."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str
    column_number: int | None = None

    def location(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column_number is not None:
            where += f":{self.column_number}"
        return where

    def __str__(self) -> str:
        column = f" column {self.column!r}" if self.column else ""
        value = f" value {_shorten(self.value)!r}" if self.value is not None else ""
        return f"{self.location()}:{column}{value}: {self.message}"


class DataValidationError(ValueError):
    """The data directory is not a valid dataset; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems[:50])
        more = f"\n  … and {count - 50} more" if count > 50 else ""
        super().__init__(f"{count} problem(s) in the data:\n{lines}{more}")


def _shorten(value: str | None, limit: int = 80) -> str | None:
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Site:
    id: str
    name_en: str
    name_ar: str
    kind: str
    lat: float | None = None
    lon: float | None = None

    def name(self, lang: str) -> str:
        return self.name_ar if lang == "ar" else self.name_en


@dataclass(frozen=True)
class Actor:
    id: str
    name_en: str
    name_ar: str
    role_en: str | None = None
    role_ar: str | None = None

    def name(self, lang: str) -> str:
        return self.name_ar if lang == "ar" else self.name_en

    def role(self, lang: str) -> str | None:
        return self.role_ar if lang == "ar" else self.role_en


@dataclass(frozen=True)
class Source:
    id: str
    publisher_en: str
    publisher_ar: str
    url: str
    language: str
    title: str | None = None
    published: PartialDate | None = None

    def publisher(self, lang: str) -> str:
        return self.publisher_ar if lang == "ar" else self.publisher_en


@dataclass(frozen=True)
class Event:
    """One row of ``events.csv``: a point event, a deadline or a phase."""

    id: str
    kind: str
    site: str
    #: ``start``, ``end`` and ``announced`` are a :class:`PartialDate` or, when the
    #: sources disagree or the thing happened in stages, a :class:`DateInterval`.
    start: DateValue
    announced: DateValue
    status: str
    confidence: str
    title_en: str
    title_ar: str
    source_id: str
    actor: str | None = None
    end: DateValue | None = None
    phase: str | None = None
    revises: str | None = None
    summary_en: str | None = None
    summary_ar: str | None = None
    quote_ar: str | None = None
    quote_en: str | None = None
    #: Which of ``quote_ar``/``quote_en`` is the original (the other is a translation).
    quote_original: str | None = None
    #: Phases: ``observed`` (a departure or handover seen) or ``declared`` (an official
    #: said it was done). None when the phase has no end.
    end_basis: str | None = None
    #: Deadlines: ``firm``, ``conditional`` ("subject to conditions") or ``minimum``
    #: ("until at least"). Only a firm deadline can be missed.
    terms: str | None = None
    #: The curator's reasoning (why a day was inferred, why a precision was kept):
    #: for the data-quality notebook, never for readers.
    note_en: str | None = None
    note_ar: str | None = None
    #: The main source first, then those of ``event_sources.csv``.
    source_ids: tuple[str, ...] = ()
    #: Columns beyond the contract, carried through untouched.
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: The CSV line the row starts on, for messages about it later.
    line: int = 0

    def title(self, lang: str) -> str:
        return self.title_ar if lang == "ar" else self.title_en

    def summary(self, lang: str) -> str | None:
        return self.summary_ar if lang == "ar" else self.summary_en

    def note(self, lang: str) -> str | None:
        """The curator's note in ``lang``, or in the other language when only that exists."""
        first, second = (
            (self.note_ar, self.note_en) if lang == "ar" else (self.note_en, self.note_ar)
        )
        return first or second

    @property
    def is_phase(self) -> bool:
        return self.kind == "phase"


@dataclass(frozen=True)
class Coverage:
    """How far the data reach: after ``through`` nothing is known, not even silence.

    By default the latest date on which any row happened or was announced (at that
    row's precision: ``value`` keeps it for text). A curator who has checked that
    nothing else happened may declare a later day in ``datapackage.json``
    (``"coverage": {"through": "YYYY-MM-DD"}``); the declaration may not be after
    today nor more than :data:`COVERAGE_GRACE_DAYS` after the newest source.
    """

    #: The last day the data speak for.
    through: dt.date
    #: ``through`` at its own precision, for text ("February 2026", "11 February 2026").
    value: PartialDate
    #: True when a curator declared it; False when it is the latest row's date.
    declared: bool
    #: The row that sets the default coverage (None when declared).
    event_id: str | None = None


@dataclass(frozen=True)
class Dataset:
    """Everything in a data directory, validated. Nothing here changes after loading."""

    path: Path
    title: str
    title_ar: str
    sites: Mapping[str, Site]
    actors: Mapping[str, Actor]
    sources: Mapping[str, Source]
    events: tuple[Event, ...]
    #: sha256 over the package's files (names and bytes): the identity of the data.
    data_hash: str
    #: How far the data reach: see :class:`Coverage`.
    coverage: Coverage | None = None
    subtitle: str | None = None
    subtitle_ar: str | None = None

    def display_title(self, lang: str) -> str:
        return self.title_ar if lang == "ar" else self.title

    def display_subtitle(self, lang: str) -> str | None:
        return self.subtitle_ar if lang == "ar" else self.subtitle

    def event(self, event_id: str) -> Event:
        return self._by_id[event_id]

    @property
    def _by_id(self) -> Mapping[str, Event]:
        index = self.__dict__.get("_index")
        if index is None:
            index = MappingProxyType({e.id: e for e in self.events})
            object.__setattr__(self, "_index", index)
        return index

    def date_range(self) -> tuple[PartialDate, PartialDate] | None:
        dates = [d for e in self.events for d in (e.start, e.end, e.announced) if d]
        if not dates:
            return None
        return min(dates, key=lambda d: d.first_day()), max(dates, key=lambda d: d.last_day())

    def summary_line(self) -> str:
        span = self.date_range()
        when = f"{span[0]} to {span[1]}" if span else "no dates"
        sites_with_events = sorted({e.site for e in self.events})
        return (
            f"{len(self.events)} events, {len(self.sites)} sites, {len(self.actors)} actors, "
            f"{len(self.sources)} sources; {when}; sites: {', '.join(sites_with_events)}"
        )


# --------------------------------------------------------------------------- reading


@dataclass
class _Table:
    """A CSV file read against its Table Schema: rows of raw strings plus line numbers."""

    name: str
    file: str
    fields: list[dict[str, Any]]
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def field_spec(self, name: str) -> dict[str, Any] | None:
        return next((f for f in self.fields if f["name"] == name), None)

    def column_number(self, name: str) -> int | None:
        return self.header.index(name) + 1 if name in self.header else None


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self,
        table: _Table | str,
        line: int | None,
        column: str | None,
        value: str | None,
        message: str,
    ) -> None:
        if isinstance(table, _Table):
            file, number = table.file, table.column_number(column) if column else None
        else:
            file, number = table, None
        self.problems.append(Problem(file, line, column, value, message, number))


def _read_descriptor(data_dir: Path, problems: _Collector) -> dict[str, Any] | None:
    path = data_dir / "datapackage.json"
    if not data_dir.is_dir():
        problems.add(str(data_dir), None, None, None, "is not a directory")
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.add(
            "datapackage.json",
            None,
            None,
            None,
            f"missing in {data_dir}: a data directory needs the package descriptor "
            "(copy data/datapackage.json from the project)",
        )
        return None
    except UnicodeDecodeError as exc:
        problems.add("datapackage.json", None, None, None, f"is not UTF-8 ({exc.reason})")
        return None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.add("datapackage.json", exc.lineno, None, None, f"is not valid JSON: {exc.msg}")
        return None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        problems.add("datapackage.json", None, None, None, "has no 'resources' list")
        return None
    return descriptor


def _decode(raw: bytes, file: str, problems: _Collector) -> str | None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(
            file,
            None,
            None,
            None,
            "is UTF-16, expected UTF-8: re-save it as 'CSV UTF-8' "
            f"(or: iconv -f UTF-16 -t UTF-8 {file} > fixed.csv)",
        )
        return None
    try:
        return raw.decode("utf-8-sig")  # an Excel BOM is accepted
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = ""
        try:
            raw.decode("cp1256")
            if re.search(rb"[\xc1-\xda\xdc-\xdf\xe1\xe3-\xe6\xec\xed]", raw):
                guess = (
                    "; it looks like Windows-1256 (Arabic Windows): re-save it as UTF-8 "
                    f"(iconv -f WINDOWS-1256 -t UTF-8 {file} > fixed.csv)"
                )
        except UnicodeDecodeError:
            pass
        problems.problems.append(
            Problem(
                file,
                line,
                None,
                repr(raw[exc.start : exc.start + 1])[2:-1],
                f"is not UTF-8: byte at line {line}, byte column {column} cannot be "
                f"decoded{guess or '; re-save the file as UTF-8'}",
                column,
            )
        )
        return None


def _read_table(data_dir: Path, resource: dict[str, Any], problems: _Collector) -> _Table | None:
    name = str(resource.get("name", "?"))
    file = str(resource.get("path", f"{name}.csv"))
    fields = resource.get("schema", {}).get("fields", [])
    table = _Table(name, file, fields)
    path = data_dir / file
    if not path.exists():
        if name == "event_sources":  # optional table
            return table
        problems.add(file, None, None, None, f"missing: the '{name}' table is required")
        return None
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.add(
            file,
            None,
            None,
            None,
            f"is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit per table; "
            "split the dataset or raise analysis.dataset.MAX_FILE_BYTES",
        )
        return None
    raw = path.read_bytes()
    if not raw.strip(b"\xef\xbb\xbf \t\r\n"):
        problems.add(file, None, None, None, "is empty: expected a header row and data rows")
        return None
    text = _decode(raw, file, problems)
    if text is None:
        return None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        problems.add(file, line, None, None, "contains a NUL byte: the file is damaged or binary")
        return None
    # A cell may be as long as the file: let maxLength in the schema report it, with its
    # column, instead of the csv module's bare "field larger than field limit".
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        table.header = next(reader)
    except (csv.Error, StopIteration) as exc:
        problems.add(file, 1, None, None, f"header row cannot be read: {exc}")
        return None
    if not _check_header(table, problems):
        return None
    line = reader.line_num + 1
    try:
        for cells in reader:
            if cells and any(c.strip() for c in cells):
                if len(cells) != len(table.header):
                    problems.add(
                        file,
                        line,
                        None,
                        None,
                        f"has {len(cells)} cells, expected {len(table.header)} "
                        f"(the header's columns): check for a missing or extra comma",
                    )
                else:
                    table.rows.append((line, dict(zip(table.header, cells, strict=True))))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.add(file, reader.line_num, None, None, f"is not valid CSV: {exc}")
        return None
    return table


def _check_header(table: _Table, problems: _Collector) -> bool:
    known = [f["name"] for f in table.fields]
    ok = True
    seen: set[str] = set()
    for number, column in enumerate(table.header, start=1):
        if column in seen:
            problems.problems.append(
                Problem(table.file, 1, column, None, "column appears twice in the header", number)
            )
            ok = False
        seen.add(column)
        if column not in known:
            hint = _closest(column, known)
            problems.problems.append(
                Problem(
                    table.file,
                    1,
                    column,
                    None,
                    f"unknown column: not in the '{table.name}' schema of datapackage.json"
                    f"{hint}; declare it there to carry an extra column through",
                    number,
                )
            )
            ok = False
    for spec in table.fields:
        if spec.get("constraints", {}).get("required") and spec["name"] not in table.header:
            problems.add(
                table.file,
                1,
                spec["name"],
                None,
                f"required column is missing from the header (columns: {', '.join(table.header)})",
            )
            ok = False
    return ok


def _closest(word: str, choices: list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


# --------------------------------------------------------------------------- checks


def _check_cells(table: _Table, problems: _Collector) -> None:
    """Apply the Table Schema constraints of every field to every cell."""
    for spec in table.fields:
        name = spec["name"]
        if name not in table.header:
            continue
        cons = spec.get("constraints", {})
        pattern = re.compile(cons["pattern"]) if "pattern" in cons else None
        enum = cons.get("enum")
        seen: dict[str, int] = {}
        for line, row in table.rows:
            value = row[name]
            bad = _FORBIDDEN_CHARS.search(value)
            if bad:
                problems.add(
                    table,
                    line,
                    name,
                    value,
                    f"contains the control character U+{ord(bad.group()):04X}, "
                    "which would hide or reorder text: remove it",
                )
                continue
            if value == "":
                if cons.get("required"):
                    problems.add(table, line, name, value, "is required but empty")
                continue
            if "maxLength" in cons and len(value) > cons["maxLength"]:
                problems.add(
                    table,
                    line,
                    name,
                    value,
                    f"is {len(value):,} characters long, over the maximum {cons['maxLength']:,}",
                )
                continue
            if spec.get("partialDate"):
                _check_partial_date(table, line, name, value, spec["partialDate"], problems)
                continue
            if enum is not None and value not in enum:
                problems.add(
                    table,
                    line,
                    name,
                    value,
                    f"is not one of the allowed values: {', '.join(enum)}",
                )
                continue
            if spec.get("type") == "number":
                _check_number(table, line, name, value, cons, problems)
                continue
            if pattern is not None and not pattern.fullmatch(value):
                problems.add(table, line, name, value, _pattern_message(name, cons["pattern"]))
                continue
            if cons.get("unique"):
                if value in seen:
                    problems.add(
                        table, line, name, value, f"duplicate: already used on line {seen[value]}"
                    )
                else:
                    seen[value] = line


def _check_partial_date(
    table: _Table, line: int, name: str, value: str, bounds: Any, problems: _Collector
) -> None:
    ranges = isinstance(bounds, dict) and bool(bounds.get("interval"))
    if "/" in value and not ranges:
        problems.add(
            table, line, name, value, "is a date range (A/B), which this column does not accept"
        )
        return
    try:
        date = parse_date_value(value)
    except DateFormatError as exc:
        problems.add(table, line, name, value, str(exc))
        return
    if isinstance(bounds, dict):
        low, high = bounds.get("min"), bounds.get("max")
        # A date outside the window is almost always a typo (0001, 9999) and would
        # stretch every chart axis over centuries.
        if (low and date.first_day() < PartialDate.parse(low).first_day()) or (
            high and date.last_day() > PartialDate.parse(high).last_day()
        ):
            problems.add(
                table,
                line,
                name,
                value,
                f"is outside the supported years {low}-{high} (set in datapackage.json)",
            )


def _pattern_message(column: str, pattern: str) -> str:
    if column in {"id", "event_id"} or column.endswith("_id"):
        return "is not a valid id: use lower-case letters, digits and '-' only"
    if column == "url":
        return "is not a web address: expected http:// or https:// followed by a host"
    return f"does not match the expected form {pattern}"


def _check_number(
    table: _Table, line: int, name: str, value: str, cons: dict[str, Any], problems: _Collector
) -> None:
    try:
        number = float(value)
    except ValueError:
        problems.add(table, line, name, value, "is not a number")
        return
    if number != number or number in (float("inf"), float("-inf")):
        problems.add(table, line, name, value, "is not a finite number")
    elif "minimum" in cons and number < cons["minimum"]:
        problems.add(table, line, name, value, f"is below the minimum {cons['minimum']}")
    elif "maximum" in cons and number > cons["maximum"]:
        problems.add(table, line, name, value, f"is above the maximum {cons['maximum']}")


def _check_primary_key(table: _Table, key: list[str], problems: _Collector) -> None:
    if len(key) < 2:  # single-column keys are checked as 'unique' with the cells
        return
    seen: dict[tuple[str, ...], int] = {}
    for line, row in table.rows:
        value = tuple(row.get(k, "") for k in key)
        if value in seen:
            problems.add(
                table,
                line,
                key[0],
                ", ".join(value),
                f"duplicate ({', '.join(key)}): already on line {seen[value]}",
            )
        seen.setdefault(value, line)


def _check_foreign_keys(
    table: _Table, resource: dict[str, Any], tables: Mapping[str, _Table], problems: _Collector
) -> None:
    for fk in resource.get("schema", {}).get("foreignKeys", []):
        column = fk["fields"][0] if isinstance(fk["fields"], list) else fk["fields"]
        target_name = fk["reference"]["resource"] or table.name
        target_field = fk["reference"]["fields"]
        target_field = target_field[0] if isinstance(target_field, list) else target_field
        target = tables.get(target_name)
        if target is None or column not in table.header:
            continue
        ids = {row.get(target_field, "") for _, row in target.rows}
        for line, row in table.rows:
            value = row[column]
            if value and value not in ids:
                problems.add(
                    table,
                    line,
                    column,
                    value,
                    f"refers to no row of {target.file}: expected an existing "
                    f"{target_field}{_closest(value, sorted(ids))}",
                )


def _check_event_rules(events: _Table, problems: _Collector) -> None:
    """The rules of the contract that a Table Schema cannot express."""
    by_id = {row["id"]: (line, row) for line, row in events.rows}

    def date(row: dict[str, str], column: str) -> DateValue | None:
        try:
            return parse_date_value(row[column]) if row.get(column) else None
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
        phase = row.get("phase", "")
        if phase:
            if kind not in PHASE_LINKED_KINDS:
                problems.add(
                    events,
                    line,
                    "phase",
                    phase,
                    f"only {', '.join(sorted(PHASE_LINKED_KINDS))} rows link to a phase; "
                    f"this row is a {kind}",
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
    _check_revision_cycles(events, by_id, problems)


#: Columns that mean something for one kind of row only: (column, kinds, what it is for).
_KIND_COLUMNS = (
    ("end_basis", {"phase"}, "how a phase's end is known"),
    ("terms", {"deadline"}, "how binding a deadline is"),
)


def _check_kind_columns(
    events: _Table, line: int, row: dict[str, str], kind: str, problems: _Collector
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
    events: _Table, by_id: Mapping[str, tuple[int, dict[str, str]]], problems: _Collector
) -> None:
    reported: set[str] = set()
    for event_id in by_id:
        path: list[str] = []
        current = event_id
        while current in by_id and current not in path:
            path.append(current)
            current = by_id[current][1].get("revises", "")
        if current in path and current not in reported:
            cycle = path[path.index(current) :]
            reported.update(cycle)
            line, row = by_id[current]
            problems.add(
                events,
                line,
                "revises",
                row["revises"],
                "revision cycle: "
                + " -> ".join([*cycle, current])
                + "; a deadline chain must run from the original to the latest",
            )


# --------------------------------------------------------------------------- building


def _opt(row: Mapping[str, str], column: str) -> str | None:
    return row.get(column) or None


def _build(
    data_dir: Path, descriptor: dict[str, Any], tables: Mapping[str, _Table], data_hash: str
) -> Dataset:
    sites = {
        r["id"]: Site(
            r["id"],
            r["name_en"],
            r["name_ar"],
            r["kind"],
            float(r["lat"]) if r.get("lat") else None,
            float(r["lon"]) if r.get("lon") else None,
        )
        for _, r in tables["sites"].rows
    }
    actors = {
        r["id"]: Actor(r["id"], r["name_en"], r["name_ar"], _opt(r, "role_en"), _opt(r, "role_ar"))
        for _, r in tables["actors"].rows
    }
    sources = {
        r["id"]: Source(
            r["id"],
            r["publisher_en"],
            r["publisher_ar"],
            r["url"],
            r["language"],
            _opt(r, "title"),
            PartialDate.parse(r["published"]) if r.get("published") else None,
        )
        for _, r in tables["sources"].rows
    }
    further: dict[str, list[str]] = {}
    if "event_sources" in tables:
        for _, r in tables["event_sources"].rows:
            further.setdefault(r["event_id"], []).append(r["source_id"])
    contract = {f.name for f in fields(Event)}
    events = []
    for line, r in tables["events"].rows:
        start = parse_date_value(r["start"])
        extra = {k: v for k, v in r.items() if k not in contract}
        events.append(
            Event(
                id=r["id"],
                kind=r["kind"],
                site=r["site"],
                start=start,
                announced=parse_date_value(r["announced"]) if r.get("announced") else start,
                status=r["status"],
                confidence=r.get("confidence") or _DEFAULT_CONFIDENCE,
                title_en=r["title_en"],
                title_ar=r["title_ar"],
                source_id=r["source_id"],
                actor=_opt(r, "actor"),
                end=parse_date_value(r["end"]) if r.get("end") else None,
                phase=_opt(r, "phase"),
                revises=_opt(r, "revises"),
                summary_en=_opt(r, "summary_en"),
                summary_ar=_opt(r, "summary_ar"),
                quote_ar=_opt(r, "quote_ar"),
                quote_en=_opt(r, "quote_en"),
                quote_original=_quote_original(r),
                end_basis=(r.get("end_basis") or "observed") if r.get("end") else None,
                terms=(r.get("terms") or "firm") if r["kind"] == "deadline" else None,
                note_en=_opt(r, "note_en"),
                note_ar=_opt(r, "note_ar"),
                source_ids=tuple(dict.fromkeys([r["source_id"], *further.get(r["id"], [])])),
                extra=MappingProxyType(extra),
                line=line,
            )
        )
    return Dataset(
        path=data_dir,
        title=str(descriptor.get("title", data_dir.name)),
        title_ar=str(descriptor.get("title_ar", descriptor.get("title", data_dir.name))),
        sites=MappingProxyType(sites),
        actors=MappingProxyType(actors),
        sources=MappingProxyType(sources),
        events=tuple(events),
        data_hash=data_hash,
        subtitle=_opt_text(descriptor, "subtitle"),
        subtitle_ar=_opt_text(descriptor, "subtitle_ar"),
    )


def _quote_original(row: Mapping[str, str]) -> str | None:
    """The language of the original quote: as declared, else the only one given, else Arabic."""
    if row.get("quote_original"):
        return row["quote_original"]
    given = [lang for lang in ("ar", "en") if row.get(f"quote_{lang}")]
    return given[0] if given else None


def _opt_text(descriptor: Mapping[str, Any], key: str) -> str | None:
    value = descriptor.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _happened(event: Event) -> Iterator[tuple[dt.date, DateValue]]:
    """The dates on which a row shows the world changed or spoke: what coverage counts.

    Every announcement counts, and so does a phase's recorded end. A row's start counts
    when it is not later than its announcement (a phase planned to start is not news of
    one). A deadline's due date is a promise and never counts.
    """
    yield event.announced.last_day(), event.announced
    if event.kind == "deadline":
        return
    if event.start.last_day() <= event.announced.last_day():
        yield event.start.last_day(), event.start
    if event.end is not None:
        yield event.end.last_day(), event.end


def _point(value: DateValue) -> PartialDate:
    return value.high if isinstance(value, DateInterval) else value


def default_coverage(events: tuple[Event, ...]) -> Coverage | None:
    """The latest date on which any row happened or was announced (None for no rows)."""
    best: tuple[dt.date, DateValue, Event] | None = None
    for event in events:
        for day, value in _happened(event):
            if best is None or day > best[0]:
                best = (day, value, event)
    if best is None:
        return None
    return Coverage(best[0], _point(best[1]), declared=False, event_id=best[2].id)


def _coverage(
    descriptor: Mapping[str, Any], dataset: Dataset, problems: _Collector, today: dt.date
) -> Coverage | None:
    """The dataset's coverage: the curator's declaration if valid, else the default."""
    default = default_coverage(dataset.events)
    declared = descriptor.get("coverage")
    if declared is None:
        return default
    where = "datapackage.json"
    through = declared.get("through") if isinstance(declared, dict) else None
    if not isinstance(through, str):
        problems.add(
            where,
            None,
            "coverage.through",
            repr(declared),
            'expected "coverage": {"through": "YYYY-MM-DD"}: the last day the data speak for',
        )
        return default
    try:
        value = PartialDate.parse(through)
    except DateFormatError as exc:
        problems.add(where, None, "coverage.through", through, str(exc))
        return default
    if value.precision != "day":
        problems.add(where, None, "coverage.through", through, "needs a day (YYYY-MM-DD)")
        return default
    day = value.first_day()
    newest = max(
        (s.published.last_day() for s in dataset.sources.values() if s.published), default=None
    )
    if day > today:
        problems.add(
            where,
            None,
            "coverage.through",
            through,
            f"is in the future (today is {today.isoformat()}): "
            "a curator can vouch only for days already past",
        )
    elif default is not None and day < default.through:
        problems.add(
            where,
            None,
            "coverage.through",
            through,
            f"is before the data's own latest date {default.value.iso} "
            f"(row {default.event_id}): remove it or move it later",
        )
    elif newest is None or (day - newest).days > COVERAGE_GRACE_DAYS:
        limit = (
            "no source has a publication date"
            if newest is None
            else (
                f"the newest source was published on {newest.isoformat()}, and a declared "
                f"coverage may run at most {COVERAGE_GRACE_DAYS} days past it (a descriptor "
                "copied from another dataset brings its coverage along: remove it)"
            )
        )
        problems.add(
            where, None, "coverage.through", through, f"is later than the sources support: {limit}"
        )
    else:
        return Coverage(day, value, declared=True)
    return default


def package_files(data_dir: Path) -> Iterator[Path]:
    """The files a report depends on: the descriptor, each resource, analyst commentary."""
    yield data_dir / "datapackage.json"
    yield from sorted((data_dir / "commentary").glob("*.md"))
    try:
        descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8-sig"))
        for resource in descriptor.get("resources", []):
            path = data_dir / str(resource.get("path", ""))
            if path.is_file():
                yield path
    except (OSError, ValueError):
        return


def hash_data(data_dir: Path) -> str:
    """sha256 over every package file's name and bytes, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(package_files(data_dir)):
        if path.is_file():
            digest.update(str(path.relative_to(data_dir)).encode() + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


REQUIRED_TABLES = ("events", "sites", "actors", "sources")


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Read and validate a data directory.

    Raises :class:`DataValidationError` listing every problem found.
    """
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    problems = _Collector()
    descriptor = _read_descriptor(data_dir, problems)
    if descriptor is None:
        raise DataValidationError(problems.problems)
    resources = {str(r.get("name")): r for r in descriptor["resources"] if isinstance(r, dict)}
    for name in REQUIRED_TABLES:
        if name not in resources:
            problems.add("datapackage.json", None, None, name, f"declares no '{name}' resource")
    tables: dict[str, _Table] = {}
    for name, resource in resources.items():
        table = _read_table(data_dir, resource, problems)
        if table is not None:
            tables[name] = table
    for name, table in tables.items():
        _check_cells(table, problems)
        _check_primary_key(table, resources[name].get("schema", {}).get("primaryKey", []), problems)
    for name, table in tables.items():
        _check_foreign_keys(table, resources[name], tables, problems)
    if "events" in tables:
        _check_event_rules(tables["events"], problems)
    if problems.problems or any(name not in tables for name in REQUIRED_TABLES):
        raise DataValidationError(problems.problems)
    dataset = _build(data_dir, descriptor, tables, hash_data(data_dir))
    coverage = _coverage(descriptor, dataset, problems, dt.date.today())
    if problems.problems:
        raise DataValidationError(problems.problems)
    return replace(dataset, coverage=coverage)
