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
from analysis.fragment import Html
from analysis.timeline import timeline

TRANSLATED_PAIRS = (
    ("title_en", "title_ar"),
    ("summary_en", "summary_ar"),
)


@dataclasses.dataclass(frozen=True)
class Check:
    """One data-quality check: what it found, as rows and as an HTML table."""

    name: str
    explanation: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def html(self) -> Html:
        """The check as a section of the data-quality notebook."""
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
        "Rows whose summary exists in one language only (quotations: see below).",
        ("event", "line", "missing column"),
        tuple(rows),
    )


def single_source_events(dataset: Dataset) -> Check:
    """Rows that rest on a single source."""
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
    """Rows graded as unverified claims."""
    rows = tuple(
        (e.id, e.start.iso, e.title_en) for e in dataset.events if e.confidence == "unverified"
    )
    return Check(
        "Unverified claims",
        "Rows recorded as claims: the report labels them so.",
        ("event", "date", "title"),
        rows,
    )


def coverage(dataset: Dataset, as_of: dt.date) -> Check:
    """How far the data reach, seen from the report date the analyst chose."""
    tl = timeline(dataset, as_of)
    cov = tl.coverage
    how = (
        "declared by the curator in datapackage.json"
        if cov.declared
        else (f"the latest row ({dataset.coverage.event_id if dataset.coverage else '—'})")
    )
    latest = tl.latest_record
    rows: list[tuple[str, ...]] = [
        ("the data end on", f"{cov.value.iso} ({how})"),
        (
            "latest recorded date visible on the report date",
            f"{latest.value.iso} ({latest.event.id})" if latest else "—",
        ),
        ("days from the data's end to the report date", str(cov.days_beyond)),
        ("the report leads with the cut-off", "yes" if cov.beyond else "no"),
    ]
    rows += [
        (
            f"deadline passed after the data end: {p.phase.id}",
            f"{p.deadline.value.iso}: met or missed is unknown",
        )
        for p in cov.deadlines_passed_since
        if p.deadline is not None
    ]
    rows += [
        (
            f"{p.status.replace('_', ' ')}: {p.phase.id}",
            f"{p.days_overdue} days past {p.deadline.value.iso}, counted to "
            f"{cov.known_through.isoformat()}",
        )
        for p in tl.phases
        if p.status in ("overdue", "past_soft_deadline") and p.deadline is not None
    ]
    return Check(
        "Coverage",
        f"As of {as_of.isoformat()}: where the data end, and the deadlines the report can "
        'and cannot speak for. Declare a later end in datapackage.json ("coverage": '
        '{"through": "YYYY-MM-DD"}) only after checking that nothing else happened.',
        ("check", "value"),
        tuple(rows),
    )


def curator_notes(dataset: Dataset) -> Check:
    """The curator's reasoning (``note_en``/``note_ar``): here, never in reports."""
    rows = tuple(
        (e.id, str(e.line), e.note_en or "", e.note_ar or "")
        for e in dataset.events
        if e.note_en or e.note_ar
    )
    return Check(
        "Curator's notes",
        "Why a date was inferred, a precision kept or a source preferred. Reports never "
        "show these.",
        ("event", "line", "note (en)", "note (ar)"),
        rows,
    )


def missing_quote_translations(dataset: Dataset) -> Check:
    """Quotations a reader of the other language would see untranslated."""
    rows = []
    for event in dataset.events:
        original = event.quote_original
        if original is None:
            continue
        other = "en" if original == "ar" else "ar"
        if not getattr(event, f"quote_{other}"):
            rows.append((event.id, str(event.line), f"quote_{other}", f"quote_{original}"))
    return Check(
        "Quotations without a translation",
        "Every quotation is shown in the reader's language: add the translation.",
        ("event", "line", "missing", "original"),
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
    """Every check of the data in ``data_dir``, coverage seen from ``as_of``."""
    dataset, summary = validation_summary(data_dir)
    if dataset is None:
        return [summary]
    return [
        summary,
        translation_coverage(dataset),
        single_source_events(dataset),
        unverified_claims(dataset),
        coverage(dataset, as_of),
        missing_quote_translations(dataset),
        curator_notes(dataset),
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
