"""The tables' rules: the code's own policy, tightened (never loosened) by ``datapackage.json``.

``datapackage.json`` comes with the data, so a user's copy may drop a pattern, an enum or a
foreign key. The rules the report's correctness and safety depend on are therefore kept
here, in :data:`POLICY`: web addresses are http(s) only; ``site``, ``actor``,
``source_id``, ``phase`` and ``revises`` refer to existing rows; ``kind``, ``status`` and
``confidence`` take their listed values; ids are slugs; required columns are present and
filled; dates parse within 1900-2100. :func:`read_schema` merges the descriptor's schema
into that policy: a descriptor may add columns and constraints (a narrower enum, another
pattern, a shorter maxLength), never remove or widen one.

It also checks the descriptor's shape, so that a malformed one (``schema: []``, a field
without a name, an invalid pattern, ``maxLength: "70"``, ``foreignKeys: [{}]``…) is a
problem naming the JSON path, never a traceback. This module reads no files.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from analysis.dates import DateFormatError, PartialDate

__all__ = [
    "CONFIDENCES",
    "KINDS",
    "POLICY",
    "STATUSES",
    "TABLES",
    "DescriptorProblem",
    "FieldRule",
    "ForeignKey",
    "TableRule",
    "read_schema",
]

KINDS = (
    "agreement",
    "announcement",
    "statement",
    "deadline",
    "phase",
    "withdrawal",
    "handover",
    "incident",
)
STATUSES = ("planned", "in_progress", "completed", "cancelled", "superseded")
CONFIDENCES = ("confirmed", "reported", "unverified")
#: The tables the report reads, in reading order; ``event_sources`` is optional.
TABLES = ("events", "sites", "actors", "sources", "event_sources")
#: The constraint keys the loader enforces; any other is refused, never silently ignored.
_CONSTRAINTS = frozenset(
    {"required", "unique", "pattern", "enum", "maxLength", "minLength", "minimum", "maximum"}
)  # read by _CONSTRAINT_READERS
_TYPES = ("string", "number")
_SLUG = r"[a-z0-9-]+"
_WEB = r"https?://[^\s/$.?#][^\s]*"
_DATE_WINDOW = ("1900", "2100")


@dataclass(frozen=True)
class FieldRule:
    """Everything checked on one column: the policy's rules and the descriptor's, merged."""

    name: str
    type: str = "string"
    required: bool = False
    unique: bool = False
    patterns: tuple[str, ...] = ()
    enum: tuple[str, ...] | None = None
    max_length: int | None = None
    min_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    #: A partial date (``YYYY[-MM[-DD]]``) within these years; None: not a date column.
    dates: tuple[str | None, str | None] | None = None
    #: Date columns: whether an interval ``A/B`` ("sometime between A and B") is accepted.
    ranges: bool = False


@dataclass(frozen=True)
class ForeignKey:
    """A column whose values must be ids in another table."""

    column: str
    resource: str
    field: str


@dataclass(frozen=True)
class TableRule:
    """Every rule of one table: its fields, keys and foreign keys."""

    name: str
    #: The file, relative to the data directory, as the descriptor gives it.
    path: str
    fields: tuple[FieldRule, ...]
    #: Keys of several columns, checked for duplicates (a one-column key is a unique field).
    keys: tuple[tuple[str, ...], ...]
    foreign_keys: tuple[ForeignKey, ...]
    #: Where the resource is in the descriptor (``resources[2]``), for messages.
    where: str = ""

    def field(self, name: str) -> FieldRule | None:
        """The rule of column ``name``, or None when the table has no such column."""
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class DescriptorProblem:
    """Something wrong in ``datapackage.json``: where (a JSON path), the value, what."""

    path: str
    value: str | None
    message: str


def _policy() -> dict[str, TableRule]:
    ref = {"max_length": 80}
    slug = {"required": True, "unique": True, "patterns": (_SLUG,), "max_length": 80}
    date = {"dates": _DATE_WINDOW}
    date_or_range = {"dates": _DATE_WINDOW, "ranges": True}

    def table(
        name: str,
        keys: tuple[tuple[str, ...], ...],
        fks: tuple[tuple[str, str, str], ...],
        **columns: dict[str, Any],
    ) -> TableRule:
        return TableRule(
            name,
            f"{name}.csv",
            tuple(FieldRule(n, **c) for n, c in columns.items()),
            keys,
            tuple(ForeignKey(*fk) for fk in fks),
        )

    return {
        "events": table(
            "events",
            (),
            (
                ("site", "sites", "id"),
                ("actor", "actors", "id"),
                ("source_id", "sources", "id"),
                ("phase", "events", "id"),
                ("revises", "events", "id"),
            ),
            id=slug,
            kind={"required": True, "enum": KINDS},
            site={"required": True, **ref},
            actor=ref,
            start={"required": True, **date_or_range},
            end=date_or_range,
            phase=ref,
            announced=date_or_range,
            revises=ref,
            status={"required": True, "enum": STATUSES},
            confidence={"enum": CONFIDENCES},
            title_en={"required": True},
            title_ar={"required": True},
            summary_en={},
            summary_ar={},
            quote_ar={},
            quote_en={},
            source_id={"required": True, **ref},
            end_basis={"enum": ("observed", "declared")},
            terms={"enum": ("firm", "conditional", "minimum")},
            note_en={},
            note_ar={},
            quote_original={"enum": ("ar", "en")},
        ),
        "sites": table(
            "sites",
            (),
            (),
            id=slug,
            name_en={"required": True},
            name_ar={"required": True},
            kind={"required": True, "enum": ("city", "base", "region", "country", "global")},
            lat={"type": "number", "minimum": -90, "maximum": 90},
            lon={"type": "number", "minimum": -180, "maximum": 180},
        ),
        "actors": table(
            "actors",
            (),
            (),
            id=slug,
            name_en={"required": True},
            name_ar={"required": True},
            role_en={},
            role_ar={},
        ),
        "sources": table(
            "sources",
            (),
            (),
            id=slug,
            publisher_en={"required": True},
            publisher_ar={"required": True},
            title={},
            url={"required": True, "patterns": (_WEB,)},
            published=date,
            language={"required": True, "enum": ("ar", "en")},
        ),
        "event_sources": table(
            "event_sources",
            (("event_id", "source_id"),),
            (("event_id", "events", "id"), ("source_id", "sources", "id")),
            event_id={"required": True, **ref},
            source_id={"required": True, **ref},
        ),
    }


#: The rules enforced whatever the descriptor says.
POLICY: Mapping[str, TableRule] = _policy()


# --------------------------------------------------------------------------- merging


def _tighter(a: float | None, b: float | None, pick: Any) -> Any:
    return b if a is None else a if b is None else pick(a, b)


def _merge_field(policy: FieldRule | None, declared: FieldRule | None) -> FieldRule:
    if policy is None or declared is None:
        rule = policy or declared
        assert rule is not None
        return rule
    enum = policy.enum
    if declared.enum is not None:
        enum = declared.enum if enum is None else tuple(v for v in declared.enum if v in enum)
    dates, ranges = policy.dates, policy.ranges
    if declared.dates is not None:
        dates = (
            declared.dates
            if dates is None
            else (
                _tighter(dates[0], declared.dates[0], max),
                _tighter(dates[1], declared.dates[1], min),
            )
        )
        ranges = declared.ranges if policy.dates is None else ranges and declared.ranges
    return replace(
        policy,
        required=policy.required or declared.required,
        unique=policy.unique or declared.unique,
        patterns=tuple(dict.fromkeys(policy.patterns + declared.patterns)),
        enum=enum,
        max_length=_tighter(policy.max_length, declared.max_length, min),
        min_length=_tighter(policy.min_length, declared.min_length, max),
        minimum=_tighter(policy.minimum, declared.minimum, max),
        maximum=_tighter(policy.maximum, declared.maximum, min),
        dates=dates,
        ranges=ranges,
    )


def _merge_table(policy: TableRule, declared: TableRule, key: tuple[str, ...]) -> TableRule:
    """``declared`` (with its primary ``key``) within ``policy``: both sides' rules apply."""
    names = [f.name for f in declared.fields] + [
        f.name for f in policy.fields if declared.field(f.name) is None
    ]
    fields = [_merge_field(policy.field(n), declared.field(n)) for n in names]
    keys = policy.keys
    if len(key) == 1:  # a one-column key is a unique column
        fields = [replace(f, unique=True) if f.name == key[0] else f for f in fields]
    elif key and key not in keys:
        keys = (*keys, key)
    return TableRule(
        declared.name,
        declared.path,
        tuple(fields),
        keys,
        tuple(dict.fromkeys(policy.foreign_keys + declared.foreign_keys)),
        declared.where,
    )


# --------------------------------------------------------------------------- descriptor


class _Problems:
    def __init__(self) -> None:
        self.items: list[DescriptorProblem] = []

    def add(self, path: str, value: Any, message: str) -> None:
        shown = None if value is _MISSING else _show(value)
        self.items.append(DescriptorProblem(path, shown, f"{path}: {message}"))


_MISSING = object()


def _show(value: Any) -> str:
    """A short text of a JSON value, safe for any nesting depth."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "{…}" if value else "{}"
    if isinstance(value, list):
        return "[…]" if value else "[]"
    return (
        "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "true/false",
        str: "a string",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _names(value: Any, path: str, problems: _Problems, what: str) -> tuple[str, ...] | None:
    """A string or a list of strings (Table Schema allows both for keys)."""
    if isinstance(value, str) and value:
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    problems.add(path, value, f"is {_kind(value)}, expected {what}: a name or a list of names")
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _flag(value: Any) -> tuple[Any, str | None]:
    return (value, None) if isinstance(value, bool) else (None, "expected true or false")


def _length(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None, "expected a whole number ≥ 0"
    return value, None


def _bound(value: Any) -> tuple[Any, str | None]:
    return (value, None) if _number(value) else (None, "expected a finite number")


def _regex(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, "expected a regular expression"
    try:
        re.compile(value)
    except (re.error, RecursionError, OverflowError) as exc:
        return None, f"is not a valid regular expression: {exc}"
    return value, None


def _enum(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value), None
    return None, "expected a list of strings"


#: Each constraint's reader: the value to keep, or what was expected instead.
_CONSTRAINT_READERS = {
    "required": _flag,
    "unique": _flag,
    "maxLength": _length,
    "minLength": _length,
    "minimum": _bound,
    "maximum": _bound,
    "pattern": _regex,
    "enum": _enum,
}


def _constraints(raw: Any, path: str, problems: _Problems) -> dict[str, Any]:
    if not isinstance(raw, dict):
        problems.add(path, raw, f"is {_kind(raw)}, expected an object of constraints")
        return {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"{path}.{key}"
        reader = _CONSTRAINT_READERS.get(key)
        if reader is None:
            hint = difflib.get_close_matches(str(key), sorted(_CONSTRAINTS), n=1)
            problems.add(
                where,
                _MISSING,
                "is not a constraint the loader enforces"
                + (f" (did you mean {hint[0]!r}?)" if hint else "")
                + f"; supported: {', '.join(sorted(_CONSTRAINTS))}",
            )
            continue
        kept, expected = reader(value)
        if expected is None:
            out[key] = kept
        elif expected.startswith("expected"):
            problems.add(where, value, f"is {_kind(value)}, {expected}")
        else:
            problems.add(where, value, expected)
    return out


def _dates(
    raw: Any, path: str, problems: _Problems
) -> tuple[tuple[str | None, str | None] | None, bool]:
    """The ``partialDate`` key: the window of years, and whether intervals are accepted."""
    if raw is True:
        return (None, None), False
    if raw is False or raw is None:
        return None, False
    if not isinstance(raw, dict):
        problems.add(path, raw, f"is {_kind(raw)}, expected true or an object with min and max")
        return None, False
    ranges = raw.get("interval", False)
    if not isinstance(ranges, bool):
        problems.add(f"{path}.interval", ranges, f"is {_kind(ranges)}, expected true or false")
        return None, False
    bounds: list[str | None] = []
    for key in ("min", "max"):
        value = raw.get(key)
        if value is None:
            bounds.append(None)
            continue
        try:
            PartialDate.parse(value if isinstance(value, str) else "")
        except DateFormatError:
            problems.add(f"{path}.{key}", value, "is not a year or date (YYYY[-MM[-DD]])")
            return None, False
        bounds.append(value)
    return (bounds[0], bounds[1]), ranges


def _field(raw: Any, path: str, policy: FieldRule | None, problems: _Problems) -> FieldRule | None:
    if not isinstance(raw, dict):
        problems.add(path, raw, f"is {_kind(raw)}, expected an object with a 'name'")
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.add(
            f"{path}.name",
            raw.get("name", _MISSING) if "name" in raw else _MISSING,
            "is missing or empty: every field needs a name (its CSV column)",
        )
        return None
    kind = raw.get("type", policy.type if policy else "string")
    if kind not in _TYPES:
        problems.add(f"{path}.type", kind, f"is not supported: use {' or '.join(_TYPES)}")
        return None
    if policy is not None and kind != policy.type:
        problems.add(
            f"{path}.type",
            kind,
            f"must be {policy.type!r}: the report reads {name} as a {policy.type}",
        )
        return None
    cons = _constraints(raw.get("constraints", {}), f"{path}.constraints", problems)
    dates, ranges = _dates(raw.get("partialDate"), f"{path}.partialDate", problems)
    return FieldRule(
        name,
        kind,
        cons.get("required", False),
        cons.get("unique", False),
        (cons["pattern"],) if "pattern" in cons else (),
        cons.get("enum"),
        cons.get("maxLength"),
        cons.get("minLength"),
        cons.get("minimum"),
        cons.get("maximum"),
        dates,
        ranges,
    )


def _foreign_key(
    raw: Any, path: str, own: str, problems: _Problems
) -> tuple[ForeignKey, str] | None:
    if not isinstance(raw, dict):
        problems.add(path, raw, f"is {_kind(raw)}, expected an object with fields and reference")
        return None
    if "fields" not in raw:
        problems.add(f"{path}.fields", _MISSING, "is missing: name the column of this key")
        return None
    columns = _names(raw["fields"], f"{path}.fields", problems, "the column")
    reference = raw.get("reference")
    if not isinstance(reference, dict):
        problems.add(
            f"{path}.reference",
            reference if "reference" in raw else _MISSING,
            'is missing or not an object: expected {"resource": …, "fields": …}',
        )
        return None
    target = reference.get("resource", "")
    if not isinstance(target, str):
        problems.add(f"{path}.reference.resource", target, "is not a resource name")
        return None
    fields = _names(
        reference.get("fields"), f"{path}.reference.fields", problems, "the referenced column"
    )
    if columns is None or fields is None:
        return None
    if len(columns) != 1 or len(fields) != 1:
        problems.add(
            f"{path}.fields", raw.get("fields"), "only single-column foreign keys are supported"
        )
        return None
    return ForeignKey(columns[0], target or own, fields[0]), f"{path}.reference.resource"


def _schema(
    raw: Any, path: str, name: str, problems: _Problems
) -> tuple[list[FieldRule], tuple[str, ...], list[tuple[ForeignKey, str]]] | None:
    if not isinstance(raw, dict):
        extra = " (a schema given by path or URL is not supported)" if isinstance(raw, str) else ""
        problems.add(path, raw, f"is {_kind(raw)}, expected an object with 'fields'{extra}")
        return None
    raw_fields = raw.get("fields")
    if not isinstance(raw_fields, list):
        problems.add(
            f"{path}.fields",
            raw_fields if "fields" in raw else _MISSING,
            f"is {_kind(raw_fields) if 'fields' in raw else 'missing'}, "
            "expected a list of field objects",
        )
        return None
    policy = POLICY.get(name)
    fields: list[FieldRule] = []
    seen: set[str] = set()
    for i, item in enumerate(raw_fields):
        field_name = item.get("name") if isinstance(item, dict) else None
        rule = _field(
            item,
            f"{path}.fields[{i}]",
            policy.field(field_name) if policy and isinstance(field_name, str) else None,
            problems,
        )
        if rule is None:
            continue
        if rule.name in seen:
            problems.add(f"{path}.fields[{i}].name", rule.name, "is declared twice")
            continue
        seen.add(rule.name)
        fields.append(rule)
    key: tuple[str, ...] = ()
    if "primaryKey" in raw:
        key = _names(raw["primaryKey"], f"{path}.primaryKey", problems, "the key column(s)") or ()
    foreign: list[tuple[ForeignKey, str]] = []
    raw_fks = raw.get("foreignKeys", [])
    if not isinstance(raw_fks, list):
        problems.add(f"{path}.foreignKeys", raw_fks, f"is {_kind(raw_fks)}, expected a list")
    else:
        for i, fk in enumerate(raw_fks):
            found = _foreign_key(fk, f"{path}.foreignKeys[{i}]", name, problems)
            if found is not None:
                foreign.append(found)
    return fields, key, foreign


def _resource(
    raw: Any, path: str, problems: _Problems
) -> tuple[TableRule, tuple[str, ...], dict[ForeignKey, str]] | None:
    """The declared table, its primary key and where each foreign key is, or None."""
    if not isinstance(raw, dict):
        problems.add(path, raw, f"is {_kind(raw)}, expected a resource object")
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        problems.add(
            f"{path}.name",
            raw.get("name") if "name" in raw else _MISSING,
            "is missing or not a string: every resource needs a name",
        )
        return None
    if name not in TABLES:
        hint = difflib.get_close_matches(name, TABLES, n=1)
        problems.add(
            f"{path}.name",
            name,
            f"is not a table the report reads ({', '.join(TABLES)}), so its rows would be "
            "ignored: " + (f"did you mean {hint[0]!r}?" if hint else "remove the resource"),
        )
        return None
    file = raw.get("path", f"{name}.csv")
    if not isinstance(file, str):
        problems.add(
            f"{path}.path",
            file,
            f"is {_kind(file)}, expected one file name (multi-file resources are not supported)",
        )
        return None
    for key, allowed in (("encoding", {"utf-8", "utf8", "utf-8-sig"}), ("format", {"csv"})):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or value.lower() not in allowed):
            problems.add(
                f"{path}.{key}",
                value,
                f"is not supported: the loader reads "
                f"{'UTF-8' if key == 'encoding' else 'CSV'} only",
            )
    if "data" in raw:
        problems.add(f"{path}.data", _MISSING, "inline data is not supported: use a CSV file")
    schema = _schema(raw.get("schema"), f"{path}.schema", name, problems)
    if schema is None:
        return None
    fields, key, foreign = schema
    declared = TableRule(name, file, tuple(fields), (), tuple(fk for fk, _ in foreign), path)
    for column in key:
        if declared.field(column) is None and POLICY[name].field(column) is None:
            problems.add(f"{path}.schema.primaryKey", column, "names no field of the schema")
    return declared, key, {fk: where for fk, where in foreign}


def read_schema(
    descriptor: Any,
) -> tuple[dict[str, TableRule], list[DescriptorProblem]]:
    """The tables the descriptor declares, each merged with :data:`POLICY`, and its problems.

    A descriptor with problems gives no trustworthy tables: callers stop at the problems.
    """
    problems = _Problems()
    if not isinstance(descriptor, dict):
        problems.add("$", descriptor, f"is {_kind(descriptor)}, expected a JSON object")
        return {}, problems.items
    for key in ("title", "title_ar", "subtitle", "subtitle_ar", "name"):
        if key in descriptor and not isinstance(descriptor[key], str):
            problems.add(key, descriptor[key], f"is {_kind(descriptor[key])}, expected a string")
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        problems.add(
            "resources",
            resources if "resources" in descriptor else _MISSING,
            "is missing or not a list: a data package lists its tables in 'resources'",
        )
        return {}, problems.items
    declared: dict[str, tuple[TableRule, tuple[str, ...], dict[ForeignKey, str]]] = {}
    for i, raw in enumerate(resources):
        found = _resource(raw, f"resources[{i}]", problems)
        if found is None:
            continue
        name = found[0].name
        if name in declared:
            problems.add(
                f"resources[{i}].name", name, f"is declared twice (also {declared[name][0].where})"
            )
            continue
        declared[name] = found
    tables = {
        name: _merge_table(POLICY[name], rule, key) for name, (rule, key, _) in declared.items()
    }
    for name, (rule, _, paths) in declared.items():
        for fk in rule.foreign_keys:
            _check_reference(fk, paths.get(fk, rule.where), tables, tables[name], problems)
        for merged in tables[name].fields:
            if merged.enum == ():
                allowed = ", ".join((POLICY[name].field(merged.name) or merged).enum or ())
                problems.add(
                    f"{rule.where}.schema.fields ({merged.name}).constraints.enum",
                    _MISSING,
                    f"allows none of the values the report accepts ({allowed})",
                )
    return tables, problems.items


def _check_reference(
    fk: ForeignKey,
    where: str,
    tables: Mapping[str, TableRule],
    own: TableRule,
    problems: _Problems,
) -> None:
    """A declared foreign key names a table the report reads, and fields both sides have."""
    target = tables.get(fk.resource) or POLICY.get(fk.resource)
    if fk.resource not in TABLES:
        problems.add(where, fk.resource, f"names no resource (tables: {', '.join(TABLES)})")
    elif target is not None and target.field(fk.field) is None:
        problems.add(where, fk.resource, f"has no field {fk.field!r}")
    elif own.field(fk.column) is None:
        problems.add(where, fk.column, f"the column {fk.column!r} is not a field of {own.name}")
