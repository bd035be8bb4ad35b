"""The report's data as pandas tables, for analysts.

``report.frames()`` (or :func:`report_frames`) gives what the report knows on its
date, one DataFrame per kind of thing:

``phases``
    one row per phase: site, status, start, end, the deadline in force and the
    original one, and the day counts (``days_after_deadline_min``/``_max``: positive
    late or overdue, negative early, 0 on time; min == max unless a date is a range).
``deadlines``
    every deadline known on the date: due date, when it was announced, the deadline
    it revised, the one that replaced it, whether it is in force, its terms.
``events``
    the rows visible on the date, with typed dates.
``sources``
    every source, with how many visible rows cite it.

Dates are ``datetime64`` columns. A date may be known to a day, a month, a year or a
range ``A/B``: each date has ``<name>_precision`` beside it, and where a date is a
period, ``<name>_from``/``<name>_to`` give its first and last possible day (equal for
a day). ``df.attrs`` holds ``as_of`` and ``lang``.

Only this module imports pandas, and only when a frame is asked for: a headless
report kernel never pays for it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from analysis.quality import Check
    from analysis.report import Report


@dataclasses.dataclass(frozen=True)
class Frames:
    """The four tables of one report: attributes, ``frames["phases"]``, or unpacked."""

    phases: pd.DataFrame
    deadlines: pd.DataFrame
    events: pd.DataFrame
    sources: pd.DataFrame

    def __getitem__(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        """``phases, deadlines, events, sources = report.frames()``."""
        return (self[k] for k in self.keys())

    def keys(self) -> tuple[str, ...]:
        """The table names, in order."""
        return tuple(f.name for f in dataclasses.fields(self))

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}: {len(self[k])} rows" for k in self.keys())
        as_of = self.phases.attrs.get("as_of", "")
        return f"<Frames as of {as_of}: {sizes}>"


# --------------------------------------------------------------------------- values


def _bounds(value: Any) -> tuple[dt.date | None, dt.date | None, str | None]:
    """(first day, last day, precision) of a PartialDate / DateInterval / date / None."""
    if value is None:
        return None, None, None
    if isinstance(value, dt.date):
        return value, value, "day"
    return value.first_day(), value.last_day(), str(value.precision)


def _span(value: Any) -> tuple[int | None, int | None]:
    """(low, high) of a day count that is an int or a ``DayRange`` (or None)."""
    if value is None:
        return None, None
    if isinstance(value, int):
        return value, value
    return int(value.low), int(value.high)


def _neg(span: tuple[int | None, int | None]) -> tuple[int | None, int | None]:
    low, high = span
    return (None if high is None else -high, None if low is None else -low)


def _date_columns(prefix: str, value: Any, *, point: str | None = None) -> dict[str, Any]:
    """``<prefix>_from``, ``<prefix>_to``, ``<prefix>_precision`` (and ``<prefix>`` itself
    when ``point`` says which bound stands for the date: "from" or "to")."""
    first, last, precision = _bounds(value)
    out: dict[str, Any] = {}
    if point is not None:
        out[prefix] = first if point == "from" else last
    out[f"{prefix}_from"] = first
    out[f"{prefix}_to"] = last
    out[f"{prefix}_precision"] = precision
    return out


def _frame(rows: list[dict[str, Any]], columns: Iterable[str], attrs: Mapping[str, Any]) -> Any:
    import pandas as pd

    columns = list(columns)
    df = pd.DataFrame.from_records(rows, columns=columns)
    for name in columns:
        if name in ("as_of",) or name.endswith(("_from", "_to")) or name in _DATE_COLUMNS:
            df[name] = pd.to_datetime(df[name])
        elif name.startswith("days_") or name in ("revisions", "n_sources", "cited_by"):
            df[name] = df[name].astype("Int64")
        elif name in ("in_force", "slipped", "firm", "missed"):
            df[name] = df[name].astype("boolean")
    df.attrs.update(attrs)
    return df


#: Plain date columns (the day the timeline reasons with).
_DATE_COLUMNS = frozenset(
    {"start", "end", "end_earliest", "due", "original_due", "published", "known_through"}
)


# --------------------------------------------------------------------------- tables


PHASE_COLUMNS = (
    "phase",
    "site",
    "site_name",
    "title",
    "status",
    "start",
    "start_precision",
    "end",
    "end_earliest",
    "end_precision",
    "end_basis",
    "unknown_reason",
    "deadline",
    "due",
    "due_precision",
    "terms",
    "missed",
    "known_through",
    "original_deadline",
    "original_due",
    "original_due_precision",
    "revisions",
    "days_after_deadline_min",
    "days_after_deadline_max",
    "days_until_deadline_min",
    "days_until_deadline_max",
    "days_after_original_min",
    "days_after_original_max",
    "confidence",
    "n_sources",
)


def phases_frame(report: Report) -> Any:
    """One row per phase: status, dates with their precision, deadlines and day counts."""
    tl, ds, lang = report.timeline, report.dataset, report.lang
    rows = []
    for state in tl.phases:
        ev = state.phase
        deadline = state.deadline
        original = state.original_deadline
        late = _span(state.days_late)
        overdue = _span(state.days_overdue)
        early = _neg(_span(state.days_early))
        after = next(
            (s for s in (late, overdue, early) if s[0] is not None),
            (0, 0) if state.status == "ended_on_time" and deadline is not None else (None, None),
        )
        end_value = getattr(state, "end_value", None)
        end_precision = state.end_precision
        if end_value is not None and state.end is not None:
            end_precision = str(end_value.precision)
        past_original = _span(state.days_past_original(tl.as_of))
        until = _span(state.days_until_deadline)
        rows.append(
            {
                "phase": ev.id,
                "site": state.site,
                "site_name": ds.sites[state.site].name(lang) if state.site in ds.sites else None,
                "title": ev.title(lang),
                "status": state.status,
                "start": state.start,
                "start_precision": str((getattr(state, "start_value", None) or ev.start).precision),
                "end": state.end,
                "end_earliest": getattr(state, "end_earliest", None) or state.end,
                "end_precision": end_precision,
                "end_basis": getattr(state, "end_basis", None),
                "unknown_reason": getattr(state, "unknown_reason", None),
                "deadline": deadline.id if deadline else None,
                "due": deadline.due if deadline else None,
                "due_precision": deadline.precision if deadline else None,
                "terms": getattr(deadline, "terms", "firm") if deadline else None,
                "missed": getattr(state, "missed", None),
                "known_through": getattr(state, "known_through", None),
                "original_deadline": original.id if original else None,
                "original_due": original.due if original else None,
                "original_due_precision": original.precision if original else None,
                "revisions": max(len(state.history) - 1, 0),
                "days_after_deadline_min": after[0],
                "days_after_deadline_max": after[1],
                "days_until_deadline_min": until[0],
                "days_until_deadline_max": until[1],
                "days_after_original_min": past_original[0],
                "days_after_original_max": past_original[1],
                "confidence": ev.confidence,
                "n_sources": len(ev.source_ids or (ev.source_id,)),
            }
        )
    return _frame(rows, PHASE_COLUMNS, _attrs(report))


DEADLINE_COLUMNS = (
    "deadline",
    "phase",
    "site",
    "title",
    "due",
    "due_precision",
    "due_from",
    "due_to",
    "announced_from",
    "announced_to",
    "announced_precision",
    "revises",
    "superseded_by",
    "in_force",
    "terms",
    "firm",
    "actor",
    "confidence",
    "n_sources",
)


def deadlines_frame(report: Report) -> Any:
    """Every deadline known on the date, by announcement: due date, revision chain, terms."""
    tl, lang = report.timeline, report.lang
    rows = []
    for d in tl.deadlines:
        ev = d.event
        terms = getattr(d, "terms", None) or getattr(ev, "terms", None) or "firm"
        rows.append(
            {
                "deadline": d.id,
                "phase": ev.phase,
                "site": ev.site,
                "title": ev.title(lang),
                "due": d.due,
                "due_precision": d.precision,
                **{
                    k: v
                    for k, v in _date_columns("due", getattr(d, "value", ev.start)).items()
                    if k != "due_precision"
                },
                **_date_columns("announced", ev.announced),
                "revises": ev.revises,
                "superseded_by": d.superseded_by,
                "in_force": d.in_force,
                "terms": terms,
                "firm": terms == "firm",
                "actor": ev.actor,
                "confidence": ev.confidence,
                "n_sources": len(ev.source_ids or (ev.source_id,)),
            }
        )
    df = _frame(rows, DEADLINE_COLUMNS, _attrs(report))
    return df.sort_values(["announced_to", "due"], kind="stable").reset_index(drop=True)


EVENT_COLUMNS = (
    "id",
    "kind",
    "site",
    "site_name",
    "phase",
    "actor",
    "actor_name",
    "start_from",
    "start_to",
    "start_precision",
    "end_from",
    "end_to",
    "end_precision",
    "end_basis",
    "announced_from",
    "announced_to",
    "announced_precision",
    "revises",
    "terms",
    "confidence",
    "title",
    "summary",
    "quote",
    "quote_language",
    "quote_ar",
    "quote_en",
    "source_id",
    "source_ids",
    "n_sources",
)


def events_frame(report: Report) -> Any:
    """The rows visible on the date, with typed dates, names, quotes and sources."""
    ds, lang = report.dataset, report.lang
    rows = []
    for ev in report.timeline.visible:
        original = getattr(ev, "quote_original", None) or ("ar" if ev.quote_ar else "en")
        quote = ev.quote_ar if original == "ar" else ev.quote_en
        quote = quote or ev.quote_ar or ev.quote_en
        actor = ds.actors.get(ev.actor) if ev.actor else None
        source_ids = tuple(ev.source_ids or (ev.source_id,))
        rows.append(
            {
                "id": ev.id,
                "kind": ev.kind,
                "site": ev.site,
                "site_name": ds.sites[ev.site].name(lang) if ev.site in ds.sites else None,
                "phase": ev.phase,
                "actor": ev.actor,
                "actor_name": actor.name(lang) if actor else None,
                **_date_columns("start", ev.start),
                **_date_columns("end", ev.end),
                "end_basis": getattr(ev, "end_basis", None),
                **_date_columns("announced", ev.announced),
                "revises": ev.revises,
                "terms": getattr(ev, "terms", None),
                "confidence": ev.confidence,
                "title": ev.title(lang),
                "summary": ev.summary(lang),
                "quote": quote,
                "quote_language": original if quote else None,
                "quote_ar": ev.quote_ar,
                "quote_en": ev.quote_en,
                "source_id": ev.source_id,
                "source_ids": ", ".join(source_ids),
                "n_sources": len(source_ids),
            }
        )
    return _frame(rows, EVENT_COLUMNS, _attrs(report))


SOURCE_COLUMNS = (
    "source",
    "publisher",
    "publisher_en",
    "publisher_ar",
    "title",
    "url",
    "language",
    "published",
    "published_precision",
    "cited_by",
)


def sources_frame(report: Report) -> Any:
    """Every source, with how many visible rows cite it."""
    ds, lang = report.dataset, report.lang
    cited: dict[str, int] = {}
    for ev in report.timeline.visible:
        for sid in dict.fromkeys(ev.source_ids or (ev.source_id,)):
            cited[sid] = cited.get(sid, 0) + 1
    rows = []
    for src in ds.sources.values():
        first, _, precision = _bounds(src.published)
        rows.append(
            {
                "source": src.id,
                "publisher": src.publisher(lang),
                "publisher_en": src.publisher_en,
                "publisher_ar": src.publisher_ar,
                "title": src.title,
                "url": src.url,
                "language": src.language,
                "published": first,
                "published_precision": precision,
                "cited_by": cited.get(src.id, 0),
            }
        )
    return _frame(rows, SOURCE_COLUMNS, _attrs(report))


def _attrs(report: Report) -> dict[str, Any]:
    """``as_of``, ``lang`` and, with the coverage model, ``data_through`` (the coverage end)."""
    tl = report.timeline
    out = {"as_of": tl.as_of.isoformat(), "lang": report.lang}
    coverage = getattr(tl, "coverage", None)
    if coverage is not None:
        out["data_through"] = coverage.through.isoformat()
        out["known_through"] = coverage.known_through.isoformat()
    return out


def report_frames(report: Report) -> Frames:
    """Every table of :class:`Frames` for one report."""
    return Frames(
        phases=phases_frame(report),
        deadlines=deadlines_frame(report),
        events=events_frame(report),
        sources=sources_frame(report),
    )


# --------------------------------------------------------------------------- data quality


def check_frame(check: Check) -> Any:
    """One data-quality check (:class:`analysis.quality.Check`) as a DataFrame; the
    check's name and explanation are in ``df.attrs``."""
    import pandas as pd

    df = pd.DataFrame.from_records(list(check.rows), columns=list(check.header))
    df.attrs.update(check=check.name, explanation=check.explanation)
    return df


def quality_frames(data_dir: Any = "", as_of: str | dt.date = "") -> dict[str, Any]:
    """Every data-quality check as a DataFrame, by check name."""
    from pathlib import Path

    from analysis.dates import parse_as_of
    from analysis.paths import DATA_DIR
    from analysis.quality import checks

    day = (
        as_of if isinstance(as_of, dt.date) else (parse_as_of(as_of) if as_of else dt.date.today())
    )
    return {c.name: check_frame(c) for c in checks(Path(data_dir) if data_dir else DATA_DIR, day)}
