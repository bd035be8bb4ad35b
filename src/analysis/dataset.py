"""The validated, immutable dataset that every later stage reads.

:func:`load_dataset` is the one way in: it turns a data directory (a
Frictionless Data Package) into a :class:`Dataset`, or raises a single
:class:`DataValidationError` that carries *every* problem found, each with the
file, CSV line, column, value and what was expected.

The steps: the descriptor's schema merged into the code's policy
(:mod:`analysis.schema`: a descriptor may add rules, never remove them); the
tables read and checked cell by cell (:mod:`analysis.tables`, through
:mod:`analysis.datafiles`: nothing outside the data directory, nothing but
regular files, never more than the size limit); the rules a Table Schema cannot
say (:mod:`analysis.event_rules`); analyst notes read, checked and sanitised
(:mod:`analysis.commentary`); then the records and the coverage, built here.
The loader uses no pandas or frictionless: every report kernel imports it, and
they would add more than half a second to each start (``benchmarks/bench_load.py``).
Validation stays linear in the size of the data (``benchmarks/bench_validation.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from analysis.commentary import (
    Commentary,
    read_notes,
    strip_citations,
    summary_citation_problems,
)
from analysis.dates import DateFormatError, DateInterval, DateValue, PartialDate
from analysis.event_rules import PHASE_LINKED_KINDS, check_event_order, check_event_rules
from analysis.method_notes import MethodNote, read_method
from analysis.package import hash_data, package_files
from analysis.paths import DATA_DIR
from analysis.schema import POLICY, TableRule, read_schema
from analysis.tables import (
    MAX_FILE_BYTES,
    Collector,
    DataValidationError,
    Problem,
    Table,
    check_cells,
    check_foreign_keys,
    check_primary_key,
    parse_date,
    read_descriptor,
    read_table,
)

__all__ = [
    "COVERAGE_GRACE_DAYS",
    "MAX_FILE_BYTES",
    "PHASE_LINKED_KINDS",
    "REQUIRED_TABLES",
    "Actor",
    "Coverage",
    "DataValidationError",
    "Dataset",
    "Event",
    "Problem",
    "Site",
    "Source",
    "default_coverage",
    "hash_data",
    "load_dataset",
    "package_files",
]

#: A declared coverage end may run at most this many days past the newest source's
#: publication date: a curator vouches for silence only shortly after their last reading.
COVERAGE_GRACE_DAYS = 31
_DEFAULT_CONFIDENCE = "reported"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Site:
    """One row of ``sites.csv``: a place the report has a lane or a marker for."""

    id: str
    name_en: str
    name_ar: str
    kind: str
    lat: float | None = None
    lon: float | None = None

    def name(self, lang: str) -> str:
        """The site's name in ``lang``."""
        return self.name_ar if lang == "ar" else self.name_en


@dataclass(frozen=True)
class Actor:
    """One row of ``actors.csv``: who acted or spoke."""

    id: str
    name_en: str
    name_ar: str
    role_en: str | None = None
    role_ar: str | None = None

    def name(self, lang: str) -> str:
        """The actor's name in ``lang``."""
        return self.name_ar if lang == "ar" else self.name_en

    def role(self, lang: str) -> str | None:
        """The actor's role in ``lang`` (None when not recorded)."""
        return self.role_ar if lang == "ar" else self.role_en


@dataclass(frozen=True)
class Source:
    """One row of ``sources.csv``: a publication a claim rests on."""

    id: str
    publisher_en: str
    publisher_ar: str
    url: str
    language: str
    title: str | None = None
    published: PartialDate | None = None
    #: An English rendering of a title in another language (shown in brackets in English).
    title_en: str | None = None

    def publisher(self, lang: str) -> str:
        """The publisher's name in ``lang``."""
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
        """The row's short title in ``lang``."""
        return self.title_ar if lang == "ar" else self.title_en

    def summary(self, lang: str, *, cited: bool = False) -> str | None:
        """The row's summary in ``lang`` (None when there is none); its ``[@source-id]``
        citations kept only when ``cited`` (the narrative prints them as footnotes;
        hovers, alt text and tables get the plain text)."""
        text = self.summary_ar if lang == "ar" else self.summary_en
        return text if cited or text is None else strip_citations(text)

    def note(self, lang: str) -> str | None:
        """The curator's note in ``lang``, or in the other language when only that exists."""
        first, second = (
            (self.note_ar, self.note_en) if lang == "ar" else (self.note_en, self.note_ar)
        )
        return first or second

    @property
    def is_phase(self) -> bool:
        """True for a phase (a span of time at a site)."""
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
    #: Analyst notes of ``commentary/``, every language and date, checked and sanitised.
    commentary: tuple[Commentary, ...] = ()
    #: How far the data reach: see :class:`Coverage`.
    coverage: Coverage | None = None
    subtitle: str | None = None
    subtitle_ar: str | None = None
    #: Dated method notes (``"method"`` in datapackage.json): :mod:`analysis.method_notes`.
    method: tuple[MethodNote, ...] = ()

    def display_title(self, lang: str) -> str:
        """The dataset's title in ``lang`` (``title``/``title_ar`` of datapackage.json)."""
        return self.title_ar if lang == "ar" else self.title

    def display_subtitle(self, lang: str) -> str | None:
        """The dataset's subtitle in ``lang``, if the package gives one."""
        return self.subtitle_ar if lang == "ar" else self.subtitle

    def event(self, event_id: str) -> Event:
        """The row with id ``event_id`` (KeyError when there is none)."""
        return self._by_id[event_id]

    @property
    def _by_id(self) -> Mapping[str, Event]:
        index = self.__dict__.get("_index")
        if index is None:
            index = MappingProxyType({e.id: e for e in self.events})
            object.__setattr__(self, "_index", index)
        return index

    def date_range(self) -> tuple[PartialDate, PartialDate] | None:
        """The earliest and latest date in the rows (None for no rows)."""
        dates = [d for e in self.events for d in (e.start, e.end, e.announced) if d]
        if not dates:
            return None
        return min(dates, key=lambda d: d.first_day()), max(dates, key=lambda d: d.last_day())

    def summary_line(self) -> str:
        """One line for a terminal: counts, date span and the sites with events."""
        span = self.date_range()
        when = f"{span[0]} to {span[1]}" if span else "no dates"
        sites_with_events = sorted({e.site for e in self.events})
        return (
            f"{len(self.events)} events, {len(self.sites)} sites, {len(self.actors)} actors, "
            f"{len(self.sources)} sources, {len(self.commentary)} analyst notes; {when}; "
            f"sites: {', '.join(sites_with_events)}"
        )


# --------------------------------------------------------------------------- building


def _opt(row: Mapping[str, str], column: str) -> str | None:
    return row.get(column) or None


def _build(
    data_dir: Path,
    descriptor: dict[str, Any],
    tables: Mapping[str, Table],
    data_hash: str,
    commentary: tuple[Commentary, ...] = (),
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
            parse_date(r["published"]) if r.get("published") else None,
            _opt(r, "title_en"),
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
        start = parse_date(r["start"])
        extra = {k: v for k, v in r.items() if k not in contract}
        events.append(
            Event(
                id=r["id"],
                kind=r["kind"],
                site=r["site"],
                start=start,
                announced=parse_date(r["announced"]) if r.get("announced") else start,
                status=r["status"],
                confidence=r.get("confidence") or _DEFAULT_CONFIDENCE,
                title_en=r["title_en"],
                title_ar=r["title_ar"],
                source_id=r["source_id"],
                actor=_opt(r, "actor"),
                end=parse_date(r["end"]) if r.get("end") else None,
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
        commentary=commentary,
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
    descriptor: Mapping[str, Any], dataset: Dataset, problems: Collector, today: dt.date
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


REQUIRED_TABLES = ("events", "sites", "actors", "sources")
OPTIONAL_TABLES = ("event_sources",)


def _read_tables(
    root: Path, rules: Mapping[str, TableRule], problems: Collector
) -> dict[str, Table]:
    for name in REQUIRED_TABLES:
        if name not in rules:
            problems.add("datapackage.json", None, None, name, f"declares no '{name}' resource")
    for name in OPTIONAL_TABLES:
        default = POLICY[name].path
        if name not in rules and (root / default).exists():
            problems.add(
                "datapackage.json",
                None,
                None,
                name,
                f"declares no '{name}' resource, but {default} is in the data directory: "
                "declare it (copy the resource from the project's datapackage.json) or "
                "remove the file, so that none of its rows is lost silently",
            )
    tables: dict[str, Table] = {}
    for name, rule in rules.items():
        table = read_table(root, rule, problems, optional=name in OPTIONAL_TABLES)
        if table is not None:
            tables[name] = table
    return tables


def _read_commentary(
    root: Path, problems: Collector, tables: Mapping[str, Table]
) -> tuple[Commentary, ...]:
    known = {r["id"] for _, r in tables["sources"].rows} if "sources" in tables else None
    notes, errors = read_notes(root, sources=known)
    for error in errors:
        problems.add(error.file, error.line, None, error.value, error.message)
    if known is not None and "events" in tables:  # [@source-id] in a summary (ROUND7 d. 3)
        for line, column, value, message in summary_citation_problems(tables["events"].rows, known):
            problems.add(tables["events"], line, column, value, message)
    return notes


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Read and validate a data directory, analyst notes included.

    Raises :class:`DataValidationError` listing every problem found.
    """
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    problems = Collector()
    if not data_dir.is_dir():
        problems.add(str(data_dir), None, None, None, "is not a directory")
        raise DataValidationError(problems.problems)
    root = data_dir.resolve()
    descriptor = read_descriptor(root, problems)
    if problems.problems:  # (a descriptor that is JSON null is read, and refused below)
        raise DataValidationError(problems.problems)
    rules, shape = read_schema(descriptor)
    for issue in shape:
        problems.add("datapackage.json", None, None, issue.value, issue.message)
    if problems.problems:
        raise DataValidationError(problems.problems)
    tables = _read_tables(root, rules, problems)
    for name, table in tables.items():
        check_cells(table, problems)
        for key in rules[name].keys:
            check_primary_key(table, key, problems)
    for name, table in tables.items():
        check_foreign_keys(table, rules[name], tables, problems)
    if "events" in tables:
        check_event_rules(tables["events"], problems)
        check_event_order(tables["events"], problems)
    commentary = _read_commentary(root, problems, tables)
    method = read_method(descriptor, problems)
    if problems.problems or any(name not in tables for name in REQUIRED_TABLES):
        raise DataValidationError(problems.problems)
    dataset = _build(data_dir, descriptor, tables, hash_data(data_dir), commentary)
    coverage = _coverage(descriptor, dataset, problems, dt.date.today())
    if problems.problems:
        raise DataValidationError(problems.problems)
    return replace(dataset, coverage=coverage, method=method)
