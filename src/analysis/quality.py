"""What an analyst checks before publishing: the data-quality notebook's sections.

Each check returns the rows it found (for tests and for code) and an HTML table
(for the notebook). Nothing here changes the data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from markupsafe import Markup

from analysis.dataset import Dataset, DataValidationError, Event, load_dataset
from analysis.report import Html
from analysis.timeline import timeline

TRANSLATED_PAIRS = (
    ("title_en", "title_ar"),
    ("summary_en", "summary_ar"),
    ("quote_en", "quote_ar"),
)


@dataclasses.dataclass(frozen=True)
class Check:
    name: str
    explanation: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def html(self) -> Html:
        head = Markup("").join(Markup("<th>{}</th>").format(h) for h in self.header)
        body = Markup("").join(
            Markup("<tr>{}</tr>").format(
                Markup("").join(Markup("<td><bdi>{}</bdi></td>").format(c) for c in row)
            )
            for row in self.rows
        )
        count = Markup("<p><strong>{}</strong> row(s).</p>").format(len(self.rows))
        table = (
            Markup("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(head, body)
            if self.rows
            else Markup("<p>Nothing to report.</p>")
        )
        return Html(
            Markup("<section><h2>{}</h2><p>{}</p>{}{}</section>").format(
                self.name, self.explanation, count, table
            )
        )


def validation_summary(data_dir: Path) -> tuple[Dataset | None, Check]:
    """Load the data; on failure every problem is a row."""
    try:
        dataset = load_dataset(data_dir)
    except DataValidationError as exc:
        rows = tuple(
            (p.file, str(p.line or ""), p.column or "", p.value or "", p.message)
            for p in exc.problems
        )
        return None, Check(
            "Validation",
            f"{data_dir} is NOT valid: fix these first.",
            ("file", "line", "column", "value", "problem"),
            rows,
        )
    counts = (
        ("events", str(len(dataset.events))),
        ("sites", str(len(dataset.sites))),
        ("actors", str(len(dataset.actors))),
        ("sources", str(len(dataset.sources))),
        ("data hash", dataset.data_hash[:12]),
    )
    return dataset, Check("Validation", f"{data_dir} is valid.", ("table", "rows"), counts)


def translation_coverage(dataset: Dataset) -> Check:
    """Rows with text in one language and not the other."""
    rows = []
    for event in dataset.events:
        for en, ar in TRANSLATED_PAIRS:
            has_en, has_ar = bool(getattr(event, en)), bool(getattr(event, ar))
            if has_en != has_ar:
                missing = ar if has_en else en
                rows.append((event.id, str(event.line), missing))
    return Check(
        "Translation coverage",
        "Rows whose summary or quote exists in one language only.",
        ("event", "line", "missing column"),
        tuple(rows),
    )


def single_source_events(dataset: Dataset) -> Check:
    rows = tuple(
        (e.id, e.kind, e.confidence, dataset.sources[e.source_id].publisher_en)
        for e in dataset.events
        if len(e.source_ids) < 2
    )
    return Check(
        "Events without a second source",
        "Consider a second, independent source before marking these confirmed.",
        ("event", "kind", "confidence", "only source"),
        rows,
    )


def unverified_claims(dataset: Dataset) -> Check:
    rows = tuple(
        (e.id, e.start.iso, e.title_en) for e in dataset.events if e.confidence == "unverified"
    )
    return Check(
        "Unverified claims",
        "Rows recorded as claims: the report labels them so.",
        ("event", "date", "title"),
        rows,
    )


def freshness(dataset: Dataset, as_of: dt.date) -> Check:
    tl = timeline(dataset, as_of)
    rows: list[tuple[str, ...]] = [
        (
            "latest date in the visible data",
            tl.freshness.latest.isoformat() if tl.freshness.latest else "—",
        ),
        ("days between it and the as-of date", str(tl.freshness.days_since)),
        ("stale", "yes" if tl.freshness.stale else "no"),
    ]
    rows += [
        (f"overdue: {p.phase.id}", f"{p.days_overdue} days past {p.deadline.event.start.iso}")
        for p in tl.phases
        if p.status == "overdue" and p.deadline
    ]
    return Check(
        "Freshness",
        f"As of {as_of.isoformat()}: deadlines passed with no update.",
        ("check", "value"),
        tuple(rows),
    )


def undated_phase_links(events: Sequence[Event]) -> Check:
    """Phases with no deadline at all: planned-versus-actual cannot be computed for them."""
    bounded = {e.phase for e in events if e.kind == "deadline"}
    rows = tuple((e.id, e.site) for e in events if e.kind == "phase" and e.id not in bounded)
    return Check(
        "Phases without a deadline",
        "Planned versus actual cannot be shown for these.",
        ("phase", "site"),
        rows,
    )


def checks(data_dir: Path, as_of: dt.date) -> list[Check]:
    dataset, summary = validation_summary(data_dir)
    if dataset is None:
        return [summary]
    return [
        summary,
        translation_coverage(dataset),
        single_source_events(dataset),
        unverified_claims(dataset),
        freshness(dataset, as_of),
        undated_phase_links(dataset.events),
    ]


def quality_report(data_dir: str | Path = "", as_of: str = "") -> Html:
    """Every check as one HTML page section, from the notebook's parameters."""
    from analysis.dates import parse_as_of
    from analysis.paths import DATA_DIR

    results = checks(
        Path(data_dir) if data_dir else DATA_DIR, parse_as_of(as_of) if as_of else dt.date.today()
    )
    return Html(Markup("").join(Markup(c.html().html) for c in results))
