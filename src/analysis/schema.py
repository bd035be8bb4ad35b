"""Reads ``datapackage.json``'s schema into table rules, checking the descriptor's shape.

:func:`read_schema` merges the descriptor's schema into the code's own policy
(:data:`analysis.policy.POLICY`, re-exported here): a descriptor may add columns and
constraints (a narrower enum, another pattern, a shorter maxLength), never remove or
widen one (:func:`analysis.policy.merge_table`).

It checks the descriptor's shape, so that a malformed one (``schema: []``, a field
without a name, an invalid pattern, ``maxLength: "70"``, ``foreignKeys: [{}]``…) is a
problem naming the JSON path, never a traceback. This module reads no files.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.dates import DateFormatError, PartialDate
from analysis.policy import (
    CONFIDENCES,
    KINDS,
    POLICY,
    STATUSES,
    TABLES,
    FieldRule,
    ForeignKey,
    TableRule,
    merge_table,
)

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

_CONSTRAINTS = frozenset(
    {"required", "unique", "pattern", "enum", "maxLength", "minLength", "minimum", "maximum"}
)  # read by _CONSTRAINT_READERS
_TYPES = ("string", "number")


@dataclass(frozen=True)
class DescriptorProblem:
    """Something wrong in ``datapackage.json``: where (a JSON path), the value, what."""

    path: str
    value: str | None
    message: str


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
        name: merge_table(POLICY[name], rule, key) for name, (rule, key, _) in declared.items()
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
