"""Hover text of the charts: a phase, a deadline, a point event, each with its own provenance.

A deadline row keeps its own confidence and sources: the deadline's hover, and the deadline line
of its phase's hover, cite the deadline row ("Deadline in force: September 2026 — Reported,
LBCI"), never the phase's.
"""

from __future__ import annotations

from analysis.charts.model import end_range
from analysis.charts.style import duration, esc, label_or, lines, status_label, text
from analysis.dataset import Dataset, Event
from analysis.i18n import Locale, format_date, label
from analysis.timeline import Deadline, PhaseState


def publishers(event: Event, dataset: Dataset, loc: Locale) -> str:
    """The publishers of the event's sources, in the report language, escaped."""
    ids = event.source_ids or (event.source_id,)
    names = []
    for source_id in ids:
        source = dataset.sources.get(source_id)
        name = source.publisher(loc.lang) if source is not None else source_id
        if name not in names:
            names.append(name)
    return esc("، ".join(names) if loc.lang == "ar" else ", ".join(names))


def provenance(event: Event, dataset: Dataset, loc: Locale) -> list[str]:
    """ "Confidence: Reported" and "Source: Reuters" lines for one row."""
    conf = label_or(f"confidence.{event.confidence}", loc, event.confidence)
    return [
        f"{label('confidence', loc)}: {conf}",
        f"{label('source', loc)}: {publishers(event, dataset, loc)}",
    ]


def deadline_text(deadline: Deadline, dataset: Dataset, loc: Locale) -> str:
    """ "September 2026 (until at least) — Reported, LBCI": the deadline with its own
    terms, confidence and sources."""
    event = deadline.event
    due = format_date(event.start, loc)
    if not deadline.firm:
        due = f"{due} ({label_or(f'chart.terms.{deadline.terms}', loc, deadline.terms)})"
    conf = label_or(f"confidence.{event.confidence}", loc, event.confidence)
    return text(
        "deadline_with_source",
        loc,
        date=due,
        confidence=conf,
        source=publishers(event, dataset, loc),
    )


def status_text(state: PhaseState, loc: Locale) -> str:
    """ "Overdue (15 days)": the status with the one day count that goes with it."""
    status = status_label(state.status, loc)
    days = {
        "overdue": state.days_overdue,
        "ended_late": state.days_late,
        "ended_early": state.days_early,
        "ended_after_soft_deadline": state.days_late,
    }.get(state.status)
    if days is not None:
        return f"{status} ({duration(days, loc)})"
    if state.days_until_deadline is not None and state.status in ("upcoming", "ongoing"):
        due_in = text("due_in", loc, duration=duration(state.days_until_deadline, loc))
        return f"{status} ({due_in})"
    return status


def end_text(state: PhaseState, loc: Locale) -> str:
    """The end line: a date, a range of dates, "declared complete on …", or no end recorded."""
    value = state.end_value
    if state.end is None or value is None:
        return f"{label('end', loc)}: {label('no_recorded_end', loc)}"
    span = end_range(state)
    if state.end_basis != "declared":
        return f"{label('end', loc)}: {format_date(value, loc)}"
    if span is None:
        return f"{label('end', loc)}: {text('declared_on', loc, date=format_date(value, loc))}"
    low, high = format_date(span.low, loc), format_date(span.high, loc)
    return f"{label('end', loc)}: {text('declared_between', loc, low=low, high=high)}"


def phase_hover(state: PhaseState, dataset: Dataset, loc: Locale) -> str:
    """A phase's hover: title, site, start, end, deadlines (their own sources), status."""
    phase = state.phase
    site = dataset.sites.get(state.site)
    rows = [f"<b>{esc(phase.title(loc.lang))}</b>"]
    if site is not None:
        rows.append(esc(site.name(loc.lang)))
    rows.append(f"{label('start', loc)}: {format_date(phase.start, loc)}")
    rows.append(end_text(state, loc))
    if state.deadline is not None:
        in_force = deadline_text(state.deadline, dataset, loc)
        rows.append(f"{label('deadline_in_force', loc)}: {in_force}")
        if state.slipped:
            original = deadline_text(state.history[0], dataset, loc)
            rows.append(f"{label('original_deadline', loc)}: {original}")
    rows.append(f"{label('status', loc)}: {status_text(state, loc)}")
    rows += provenance(phase, dataset, loc)
    return lines(rows, loc)


def deadline_hover(deadline: Deadline, dataset: Dataset, loc: Locale) -> str:
    """A deadline's hover: its date, terms, standing, announcement and its own sources."""
    event = deadline.event
    rows = [
        f"<b>{esc(event.title(loc.lang))}</b>",
        f"{label('date', loc)}: {format_date(event.start, loc)}",
    ]
    if not deadline.firm:
        terms = label_or(f"chart.terms.{deadline.terms}", loc, deadline.terms)
        rows.append(text("terms_line", loc, terms=terms))
    if deadline.in_force:
        rows.append(f"{label('status', loc)}: {label('deadline_in_force', loc)}")
    else:
        rows.append(f"{label('status', loc)}: {label('superseded_deadline', loc)}")
        if deadline.superseded_by is not None:
            successor = dataset.event(deadline.superseded_by)
            rows.append(text("replaced_by", loc, date=format_date(successor.start, loc)))
    rows.append(f"{label('announced', loc)}: {format_date(event.announced, loc)}")
    rows += provenance(event, dataset, loc)
    return lines(rows, loc)


def event_hover(event: Event, dataset: Dataset, loc: Locale, *, with_site: bool) -> str:
    """A point event's hover: title, kind, date, site (in the "Elsewhere" lane), sources."""
    rows = [
        f"<b>{esc(event.title(loc.lang))}</b>",
        f"{label('kind', loc)}: {label_or(f'kind.{event.kind}', loc, event.kind)}",
        f"{label('date', loc)}: {format_date(event.start, loc)}",
    ]
    site = dataset.sites.get(event.site)
    if with_site and site is not None:
        rows.append(f"{label('site', loc)}: {esc(site.name(loc.lang))}")
    status = label_or(f"record_status.{event.status}", loc, event.status)
    rows.append(f"{label('status', loc)}: {status}")
    rows += provenance(event, dataset, loc)
    return lines(rows, loc)
