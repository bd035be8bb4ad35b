"""Method notes: how the report reads its sources, said once in "About the data".

``datapackage.json`` may carry a top-level ``"method"`` list (ROUND5 decision 3)::

    "method": [
      {"en": "Days late are counted from …", "ar": "تُحسب أيام التأخير …"},
      {"en": "“Next week”, said on 31 December 2025, …", "ar": "…", "from": "2025-12-31"}
    ]

Each note is one or two sentences in both languages. ``from`` (optional, ``YYYY-MM-DD``)
is the first report date the note applies to: a note about a statement of 31 December
2025 never shows in an edition dated before it (a report never prints what was not yet
known). Method belongs here, not glossed inside event summaries.

Every problem names ``datapackage.json`` and the note's place and field
(``method[2].from``), as the tables' problems name a file, line and column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from analysis.tables import Collector

__all__ = ["MAX_NOTE_CHARS", "MethodNote", "read_method", "shown_notes"]

#: A note is a sentence or two, not an essay: longer is a paste accident.
MAX_NOTE_CHARS = 1200
_FIELDS = ("en", "ar", "from")
#: Bidi embeddings, overrides and isolates reorder what a reader sees (as in the tables).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_FILE = "datapackage.json"


@dataclass(frozen=True)
class MethodNote:
    """One dated method note in both languages."""

    en: str
    ar: str
    #: The first report date the note applies to (None: every edition).
    since: dt.date | None = None

    def text(self, lang: str) -> str:
        """The note in ``lang`` (``ar`` or ``en``)."""
        return self.ar if lang == "ar" else self.en

    def applies(self, as_of: dt.date) -> bool:
        """Whether a report dated ``as_of`` shows this note."""
        return self.since is None or self.since <= as_of


def shown_notes(notes: tuple[MethodNote, ...], as_of: dt.date) -> tuple[MethodNote, ...]:
    """The notes a report dated ``as_of`` shows, in the package's order."""
    return tuple(note for note in notes if note.applies(as_of))


def _text(item: dict[str, Any], key: str, where: str, problems: Collector) -> str | None:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.add(
            _FILE, None, f"{where}.{key}", repr(value), "is required: the note's text (non-empty)"
        )
        return None
    if len(value) > MAX_NOTE_CHARS:
        problems.add(
            _FILE,
            None,
            f"{where}.{key}",
            value[:40] + "…",
            f"is {len(value)} characters; a method note is at most {MAX_NOTE_CHARS}",
        )
        return None
    control = _BIDI_CONTROLS.search(value)
    if control:
        problems.add(
            _FILE,
            None,
            f"{where}.{key}",
            value[:40],
            f"contains U+{ord(control.group()):04X}, a bidi control that reorders what a reader "
            "sees: remove it",
        )
        return None
    return value.strip()


def _since(item: dict[str, Any], where: str, problems: Collector) -> tuple[bool, dt.date | None]:
    value = item.get("from")
    if value is None:
        return True, None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return True, dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.add(
        _FILE,
        None,
        f"{where}.from",
        repr(value),
        "expected a day as YYYY-MM-DD: the first report date the note applies to",
    )
    return False, None


def read_method(descriptor: Any, problems: Collector) -> tuple[MethodNote, ...]:
    """The package's method notes (none when it has no ``method`` key); each problem is
    added to ``problems`` naming ``method[i].field``."""
    if not isinstance(descriptor, dict) or "method" not in descriptor:
        return ()
    notes = descriptor["method"]
    if not isinstance(notes, list):
        problems.add(
            _FILE,
            None,
            "method",
            repr(notes)[:60],
            'expected a list of notes: [{"en": "…", "ar": "…", "from": "YYYY-MM-DD"}]',
        )
        return ()
    out = []
    for index, item in enumerate(notes):
        where = f"method[{index}]"
        if not isinstance(item, dict):
            problems.add(
                _FILE,
                None,
                where,
                repr(item)[:60],
                'expected {"en": "…", "ar": "…"} with an optional "from": "YYYY-MM-DD"',
            )
            continue
        unknown = [key for key in item if key not in _FIELDS]
        for key in unknown:
            problems.add(
                _FILE, None, f"{where}.{key}", repr(item[key])[:60], "unknown field: en, ar, from"
            )
        en, ar = _text(item, "en", where, problems), _text(item, "ar", where, problems)
        ok, since = _since(item, where, problems)
        if en and ar and ok and not unknown:
            out.append(MethodNote(en, ar, since))
    return tuple(out)
