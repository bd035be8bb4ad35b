"""The tables' rules the code insists on (:data:`POLICY`), and how a descriptor tightens them.

``datapackage.json`` comes with the data, so a user's copy may drop a pattern, an enum or a
foreign key. The rules the report's correctness and safety depend on are therefore kept
here: web addresses are http(s) only; ``site``, ``actor``, ``source_id``, ``phase`` and
``revises`` refer to existing rows; ``kind``, ``status`` and ``confidence`` take their
listed values; ids are slugs; required columns are present and filled; dates parse within
1900-2100. :func:`merge_table` applies a descriptor's table within that policy: it may add
columns and constraints (a narrower enum, another pattern, a shorter maxLength), never
remove or widen one. :mod:`analysis.schema` reads the descriptor and re-exports these names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

__all__ = [
    "CONFIDENCES",
    "KINDS",
    "POLICY",
    "STATUSES",
    "TABLES",
    "FieldRule",
    "ForeignKey",
    "TableRule",
    "merge_table",
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
            title_en={},
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


def merge_table(policy: TableRule, declared: TableRule, key: tuple[str, ...]) -> TableRule:
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
