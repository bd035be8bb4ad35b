"""A tidy CSV of the timeline as of a date, for analysts who work in spreadsheets.

Text from the data may hold spreadsheet formulas (``=HYPERLINK(...)`` copied from a
news page): a cell that starts with ``= + - @``, a tab or a carriage return is written
with a leading apostrophe so Excel, LibreOffice and Sheets show it as text instead of
running it (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from analysis.dataset import Dataset
from analysis.timeline import Timeline

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "row_type",
    "id",
    "kind",
    "site",
    "start",
    "end",
    "deadline_in_force",
    "original_deadline",
    "status",
    "days_until_deadline",
    "days_overdue",
    "days_late",
    "days_early",
    "confidence",
    "title_en",
    "title_ar",
    "sources",
)


def neutralise(value: object) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def timeline_rows(tl: Timeline, dataset: Dataset) -> list[dict[str, object]]:
    """One row per phase, then one per event visible on the date, in :data:`COLUMNS`."""
    rows: list[dict[str, object]] = []
    for state in tl.phases:
        event = state.phase
        rows.append(
            {
                "row_type": "phase",
                "id": event.id,
                "kind": event.kind,
                "site": event.site,
                "start": event.start.iso,
                "end": event.end.iso if state.end else "",
                "deadline_in_force": state.deadline.event.start.iso if state.deadline else "",
                "original_deadline": state.history[0].event.start.iso if state.history else "",
                "status": state.status,
                "days_until_deadline": state.days_until_deadline,
                "days_overdue": state.days_overdue,
                "days_late": state.days_late,
                "days_early": state.days_early,
                "confidence": event.confidence,
                "title_en": event.title_en,
                "title_ar": event.title_ar,
                "sources": " ".join(dataset.sources[s].url for s in event.source_ids),
            }
        )
    for event in tl.milestones:
        rows.append(
            {
                "row_type": "event",
                "id": event.id,
                "kind": event.kind,
                "site": event.site,
                "start": event.start.iso,
                "status": event.status,
                "confidence": event.confidence,
                "title_en": event.title_en,
                "title_ar": event.title_ar,
                "sources": " ".join(dataset.sources[s].url for s in event.source_ids),
            }
        )
    return rows


def to_csv(rows: Iterable[dict[str, object]], columns: Sequence[str] = COLUMNS) -> str:
    """UTF-8 CSV text with a BOM, so Excel opens the Arabic columns correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(row.get(c)) for c in columns])
    return "\ufeff" + buffer.getvalue()
