"""Reading the CSV tables against their rules: every problem with its file, line and column.

:func:`read_table` reads one table (a regular file inside the data directory, through
:mod:`analysis.datafiles`) into rows of raw strings with their CSV line numbers, after
checking its encoding and header; :func:`check_cells`, :func:`check_primary_key` and
:func:`check_foreign_keys` apply the merged rules of :mod:`analysis.schema`. Nothing stops
at the first problem: a :class:`Collector` gathers them all for one
:class:`DataValidationError`. The cost is linear in the size of the tables.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.datafiles import FORBIDDEN_CHARS, UnsafeFileError, read_regular, resolve_inside
from analysis.dates import DateFormatError, DateValue, parse_date_value
from analysis.schema import FieldRule, TableRule

__all__ = [
    "MAX_DESCRIPTOR_BYTES",
    "MAX_FILE_BYTES",
    "Collector",
    "DataValidationError",
    "Problem",
    "Table",
    "check_cells",
    "check_foreign_keys",
    "check_primary_key",
    "parse_date",
    "read_descriptor",
    "read_table",
]

#: Files larger than this are refused before parsing, with a message that says so.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: A descriptor larger than this is refused: the shipped one is 20 KB.
MAX_DESCRIPTOR_BYTES = 1024 * 1024
_FORBIDDEN_CHARS = FORBIDDEN_CHARS
#: A cell of only these is blank: spaces, and the invisible characters (zero-width
#: space/joiners, marks, isolates, word joiner, BOM, soft hyphen, Arabic letter mark).
_BLANK = re.compile(r"[\s\u00ad\u034f\u061c\u180e\u200b-\u200f\u2060-\u2064\u2066-\u2069\ufeff]*")
#: Hints ("did you mean …?") are computed for this many problems per column at most:
#: each costs a fuzzy match against every id, and validation must stay linear.
_MAX_HINTS = 20


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
        """``file:line:column`` as far as it is known."""
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


# --------------------------------------------------------------------------- reading


@dataclass
class Table:
    """A CSV file read against its rules: rows of raw strings plus line numbers."""

    name: str
    file: str
    fields: list[FieldRule]
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    #: Whether the file holds a forbidden character anywhere (else cells need no search).
    has_forbidden: bool = True

    def field_spec(self, name: str) -> FieldRule | None:
        """The rule of column ``name``, or None."""
        return next((f for f in self.fields if f.name == name), None)

    def column_number(self, name: str) -> int | None:
        """The 1-based position of ``name`` in the header, or None."""
        return self.header.index(name) + 1 if name in self.header else None


class Collector:
    """Every problem found in one load, in the order found."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self,
        table: Table | str,
        line: int | None,
        column: str | None,
        value: str | None,
        message: str,
    ) -> None:
        """Record a problem in ``table`` (a table, or a file name) at a line and column."""
        if isinstance(table, Table):
            file, number = table.file, table.column_number(column) if column else None
        else:
            file, number = table, None
        self.problems.append(Problem(file, line, column, value, message, number))


def read_descriptor(root: Path, problems: Collector) -> Any:
    """``datapackage.json`` parsed, or None with the reason in ``problems``."""
    try:
        raw = read_regular(resolve_inside(root, "datapackage.json"), MAX_DESCRIPTOR_BYTES)
    except FileNotFoundError:
        problems.add(
            "datapackage.json",
            None,
            None,
            None,
            f"missing in {root}: a data directory needs the package descriptor "
            "(copy data/datapackage.json from the project)",
        )
        return None
    except UnsafeFileError as exc:
        problems.add("datapackage.json", None, None, None, str(exc))
        return None
    if len(raw) > MAX_DESCRIPTOR_BYTES:
        problems.add(
            "datapackage.json",
            None,
            None,
            None,
            f"is over the {_size(MAX_DESCRIPTOR_BYTES)} limit for a descriptor",
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add("datapackage.json", None, None, None, f"is not UTF-8 ({exc.reason})")
        return None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.add("datapackage.json", exc.lineno, None, None, f"is not valid JSON: {exc.msg}")
        return None
    except RecursionError:
        problems.add(
            "datapackage.json",
            None,
            None,
            None,
            "is nested too deeply to read: a descriptor is a few levels deep",
        )
        return None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        problems.add("datapackage.json", None, None, None, f"is not valid JSON: {exc}")
        return None
    return descriptor


def _size(limit: int) -> str:
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit:,} bytes"


def _decode(raw: bytes, file: str, problems: Collector) -> str | None:
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


def _table_bytes(root: Path, rule: TableRule, problems: Collector, optional: bool) -> bytes | None:
    """The bytes of a table's file, or None (with the reason) if it cannot be read."""
    file = rule.path
    try:
        raw = read_regular(resolve_inside(root, file), MAX_FILE_BYTES)
    except UnsafeFileError as exc:
        problems.add("datapackage.json", None, None, file, f"{rule.where}.path {file!r} {exc}")
        return None
    except FileNotFoundError:
        if optional:
            problems.add(
                file,
                None,
                None,
                None,
                f"missing: datapackage.json declares the '{rule.name}' table ({rule.where}); "
                "add the file (a header row is enough) or remove the resource, so that no row "
                "is lost silently",
            )
        else:
            problems.add(file, None, None, None, f"missing: the '{rule.name}' table is required")
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.add(
            file,
            None,
            None,
            None,
            f"is over the {_size(MAX_FILE_BYTES)} limit per table; "
            "split the dataset or raise analysis.tables.MAX_FILE_BYTES",
        )
        return None
    if not raw.strip(b"\xef\xbb\xbf \t\r\n"):
        problems.add(file, None, None, None, "is empty: expected a header row and data rows")
        return None
    return raw


def read_table(
    root: Path, rule: TableRule, problems: Collector, *, optional: bool = False
) -> Table | None:
    """One table read (inside ``root`` only) and its header checked, or None with problems."""
    file = rule.path
    table = Table(rule.name, file, list(rule.fields))
    raw = _table_bytes(root, rule, problems, optional)
    text = None if raw is None else _decode(raw, file, problems)
    if text is None:
        return None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        problems.add(file, line, None, None, "contains a NUL byte: the file is damaged or binary")
        return None
    table.has_forbidden = _FORBIDDEN_CHARS.search(text) is not None
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
    return table if _read_rows(table, reader, problems) else None


def _read_rows(table: Table, reader: Any, problems: Collector) -> bool:
    """The data rows into ``table.rows`` with their CSV lines; False if the CSV breaks."""
    line = reader.line_num + 1
    try:
        for cells in reader:
            if cells and any(c.strip() for c in cells):
                if len(cells) != len(table.header):
                    problems.add(
                        table.file,
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
        problems.add(table.file, reader.line_num, None, None, f"is not valid CSV: {exc}")
        return False
    return True


def _check_header(table: Table, problems: Collector) -> bool:
    known = [f.name for f in table.fields]
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
        if spec.required and spec.name not in table.header:
            problems.add(
                table.file,
                1,
                spec.name,
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


def check_cells(table: Table, problems: Collector) -> None:
    """Apply the rules of every column (policy and schema, merged) to every cell."""
    for spec in table.fields:
        if spec.name not in table.header:
            continue
        column = _Column(spec, table.has_forbidden)
        if column.free:
            continue  # no rule on this column, no control character in the file
        seen: dict[str, int] = {}
        for line, row in table.rows:
            value = row[spec.name]
            message = column.problem(value)
            if message is None and spec.unique and value:
                if value in seen:
                    message = f"duplicate: already used on line {seen[value]}"
                else:
                    seen[value] = line
            if message is not None:
                problems.add(table, line, spec.name, value, message)


class _Column:
    """One column's rules, prepared once; :meth:`problem` checks one cell against them."""

    def __init__(self, spec: FieldRule, search_controls: bool) -> None:
        self.spec = spec
        self.search = _FORBIDDEN_CHARS.search if search_controls else None
        self.patterns = [(p, _compiled(p)) for p in spec.patterns]
        self.enum = None if spec.enum is None else frozenset(spec.enum)
        self.free = self.search is None and spec == FieldRule(spec.name, type="string")

    def problem(self, value: str) -> str | None:
        """What is wrong with ``value`` (the first rule it breaks), or None."""
        bad = self.search(value) if self.search else None
        if bad:
            return (
                f"contains the control character U+{ord(bad.group()):04X}, "
                "which would hide or reorder text: remove it"
            )
        spec = self.spec
        if value == "":
            return "is required but empty" if spec.required else None
        if spec.required and _BLANK.fullmatch(value):
            return "is required but blank: it holds only spaces or invisible characters"
        message = _length_problem(spec, value)
        if message is None and spec.dates is not None:
            return _date_problem(value, spec)
        if message is None and self.enum is not None and value not in self.enum:
            return f"is not one of the allowed values: {', '.join(spec.enum or ())}"
        if message is None and spec.type == "number":
            return _number_problem(value, spec)
        if message is None and self.patterns:
            failed = next((p for p, rx in self.patterns if not rx.fullmatch(value)), None)
            message = None if failed is None else _pattern_message(spec.name, failed)
        return message


def _length_problem(spec: FieldRule, value: str) -> str | None:
    if spec.max_length is not None and len(value) > spec.max_length:
        return f"is {len(value):,} characters long, over the maximum {spec.max_length:,}"
    if spec.min_length is not None and len(value) < spec.min_length:
        return f"is shorter than the minimum {spec.min_length:,}"
    return None


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@functools.lru_cache(maxsize=1 << 16)
def parse_date(text: str) -> DateValue:
    """A date cell's value, parsed once per distinct text: a dataset repeats its dates, and
    parsing them is most of the cost of validating and building."""
    return parse_date_value(text)


def _date_problem(value: str, spec: FieldRule) -> str | None:
    if "/" in value and not spec.ranges:
        return "is a date range (A/B), which this column does not accept"
    try:
        date = parse_date(value)
    except DateFormatError as exc:
        return str(exc)
    low, high = spec.dates or (None, None)
    # A date outside the window is almost always a typo (0001, 9999) and would
    # stretch every chart axis over centuries.
    if (low and date.first_day() < parse_date(low).first_day()) or (
        high and date.last_day() > parse_date(high).last_day()
    ):
        return f"is outside the supported years {low}-{high} (set in datapackage.json)"
    return None


def _pattern_message(column: str, pattern: str) -> str:
    if column in {"id", "event_id"} or column.endswith("_id"):
        return "is not a valid id: use lower-case letters, digits and '-' only"
    if column == "url":
        return "is not a web address: expected http:// or https:// followed by a host"
    return f"does not match the expected form {pattern}"


def _number_problem(value: str, spec: FieldRule) -> str | None:
    try:
        number = float(value)
    except ValueError:
        return "is not a number"
    if number != number or number in (float("inf"), float("-inf")):
        return "is not a finite number"
    if spec.minimum is not None and number < spec.minimum:
        return f"is below the minimum {spec.minimum}"
    if spec.maximum is not None and number > spec.maximum:
        return f"is above the maximum {spec.maximum}"
    return None


def check_primary_key(table: Table, key: tuple[str, ...], problems: Collector) -> None:
    """Duplicates of a key of several columns (one-column keys are unique columns)."""
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


def check_foreign_keys(
    table: Table, rule: TableRule, tables: Mapping[str, Table], problems: Collector
) -> None:
    """Every value of a foreign-key column must be an id of the table it points to."""
    for fk in rule.foreign_keys:
        target = tables.get(fk.resource)
        if target is None or fk.column not in table.header:
            continue
        ids = {row.get(fk.field, "") for _, row in target.rows}
        choices: list[str] | None = None
        hints = 0
        for line, row in table.rows:
            value = row[fk.column]
            if value and value not in ids:
                hint = ""
                if hints < _MAX_HINTS:
                    choices = sorted(ids) if choices is None else choices
                    hint, hints = _closest(value, choices), hints + 1
                problems.add(
                    table,
                    line,
                    fk.column,
                    value,
                    f"refers to no row of {target.file}: expected an existing {fk.field}{hint}",
                )
