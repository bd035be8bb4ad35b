"""Hover text of the charts: a phase, a deadline, a point event, each with its own provenance.

A deadline row keeps its own confidence and sources: the deadline's hover, and the deadline line
of its phase's hover, cite the deadline row ("Deadline in force: September 2026 — Reported,
LBCI"), never the phase's.
"""

from __future__ import annotations

import datetime as dt

from analysis.charts.model import deadline_kind, end_range
from analysis.charts.style import duration, esc, label_or, lines, status_label, text
from analysis.dataset import Dataset, Event
from analysis.dates import DateInterval
from analysis.i18n import Locale, format_date, label
from analysis.timeline import Deadline, PhaseState, known_sources


def publishers(event: Event, dataset: Dataset, loc: Locale, as_of: dt.date) -> str:
    """The publishers of the event's sources published by the report date (never a later one:
    its title would leak what happened next), in the report language, escaped."""
    return _names(list(known_sources(dataset, event, as_of)), dataset, loc)


def confidence_word(event: Event, loc: Locale) -> str:
    """The text's own tag for a row's grade: "Reported" / «وفق تقارير صحفية», "Unverified";
    nothing for a confirmed row (no mark in the text means an official statement or several
    independent sources), so a hover never says "Confidence: Confirmed" where the text is silent."""
    if event.confidence in ("reported", "unverified"):
        return text(f"hover.{event.confidence}", loc)
    return ""


def provenance(event: Event, dataset: Dataset, loc: Locale, as_of: dt.date) -> list[str]:
    """The row's tag ("Reported"), if any, and its "Source: Reuters" line."""
    return [
        confidence_word(event, loc),
        f"{label('source', loc)}: {publishers(event, dataset, loc, as_of)}",
    ]


def deadline_text(deadline: Deadline, dataset: Dataset, loc: Locale, as_of: dt.date) -> str:
    """ "September 2026 (until at least) — Reported, LBCI": the deadline with its own
    terms, confidence and sources."""
    event = deadline.event
    due = _due_text(deadline, loc)
    if not deadline.firm:
        due = f"{due} ({label_or(f'chart.terms.{deadline.terms}', loc, deadline.terms)})"
    conf = confidence_word(event, loc)
    source = publishers(event, dataset, loc, as_of)
    if conf:
        return text("deadline_with_conf_source", loc, date=due, confidence=conf, source=source)
    return text("deadline_with_source", loc, date=due, source=source)


def _due_text(deadline: Deadline, loc: Locale) -> str:
    """The due date; a later announced date given as a range ("the following week" read as
    4–10 January 2026) says it is this report's reading of words said on the announcement day,
    not a date anyone announced (ROUND3 decision 4)."""
    event = deadline.event
    date = format_date(event.start, loc)
    if event.revises and isinstance(event.start, DateInterval) and event.announced is not None:
        announced = format_date(event.announced, loc)
        date = text("hover.announced_range", loc, date=date, announced=announced)
    return date


def status_text(state: PhaseState, loc: Locale, as_of: dt.date) -> str:
    """ "Overdue (15 days)": the status with the one day count that goes with it. A phase
    whose deadline was followed by a later announced date is measured against the deadline."""
    status = status_label(state.status, loc)
    declared = state.end is not None and state.end_basis == "declared"
    if state.slipped and state.history[0].firm:
        past = state.days_past_original(as_of)
        if past is not None:
            if declared:
                return text("hover.declared.ended_late", loc, duration=duration(past, loc))
            key = "ended_late" if state.end is not None else "overdue"
            after = text("hover.days_past_original", loc, duration=duration(past, loc))
            return f"{status_label(key, loc)} ({after})"
    days = {
        "overdue": state.days_overdue,
        "ended_late": state.days_late,
        "ended_early": state.days_early,
        "ended_after_soft_deadline": state.days_late,
    }.get(state.status)
    if declared and (days is not None or state.status == "ended_on_time"):
        # a declared end is not a fact the hover may state: "Declared complete 110 days after
        # the deadline", never "Ended late" (English editor S13)
        key = f"hover.declared.{state.status}"
        return text(key, loc, duration=duration(days, loc)) if days is not None else text(key, loc)
    if days is not None:
        return f"{status} ({duration(days, loc)})"
    if state.days_until_deadline is not None and state.status in ("upcoming", "ongoing"):
        ahead = countdown(state, loc)
        return f"{status} ({ahead[:1].lower() + ahead[1:] if loc.lang == 'en' else ahead})"
    return status


def countdown(state: PhaseState, loc: Locale) -> str:
    """A deadline ahead: "deadline in 45 days" only for a firm deadline known to the day; a
    conditional one is "Conditional target: September 2026", a firm one known to the month
    "Deadline: September 2026" (no day count to a date nobody gave: ROUND4 decision 5)."""
    kind = deadline_kind(state)
    if kind == "day":
        return text("due_in", loc, duration=duration(state.days_until_deadline, loc))
    assert state.deadline is not None
    date = format_date(state.deadline.event.start, loc)
    return text("soft_target" if kind == "soft" else "due_on", loc, date=date)


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


def phase_hover(state: PhaseState, dataset: Dataset, loc: Locale, as_of: dt.date) -> str:
    """A phase's hover: title, site, start, end, deadlines (their own sources), status."""
    phase = state.phase
    site = dataset.sites.get(state.site)
    rows = [f"<b>{esc(phase.title(loc.lang))}</b>"]
    if site is not None:
        rows.append(esc(site.name(loc.lang)))
    rows.append(f"{label('start', loc)}: {format_date(phase.start, loc)}")
    rows.append(end_text(state, loc))
    if state.deadline is not None:
        first = state.history[0] if state.slipped else state.deadline
        rows.append(f"{text('hover.deadline', loc)}: {deadline_text(first, dataset, loc, as_of)}")
        for later in state.history[1:]:
            announced = deadline_text(later, dataset, loc, as_of)
            rows.append(f"{text('hover.announced_date', loc)}: {announced}")
    rows.append(f"{label('status', loc)}: {status_text(state, loc, as_of)}")
    rows.append(confidence_word(phase, loc))
    rows += claim_sources(state, dataset, loc, as_of)
    return lines(rows, loc)


def claim_sources(state: PhaseState, dataset: Dataset, loc: Locale, as_of: dt.date) -> list[str]:
    """Sources per claim of a phase row (ROUND3 decision 5): the start cites the sources
    published before the end's first day, the end those published on or after it; a side that
    would be empty falls back to all the row's known sources. One line while the phase has no
    end (or every source sits on one side)."""
    phase = state.phase
    ids = known_sources(dataset, phase, as_of)
    first = state.end_earliest or state.end
    if state.end is None or first is None:
        return [f"{label('source', loc)}: {publishers(phase, dataset, loc, as_of)}"]

    def published(source_id: str) -> dt.date | None:
        source = dataset.sources.get(source_id)
        day = getattr(source, "published", None) if source is not None else None
        return day.first_day() if hasattr(day, "first_day") else day

    before = [i for i in ids if (published(i) or first) < first]
    after = [i for i in ids if i not in before]
    if not before or not after:
        return [f"{label('source', loc)}: {publishers(phase, dataset, loc, as_of)}"]
    return [
        text("hover.start_source", loc, source=_names(before, dataset, loc)),
        text("hover.end_source", loc, source=_names(after, dataset, loc)),
    ]


def _names(ids: list[str], dataset: Dataset, loc: Locale) -> str:
    names: list[str] = []
    for source_id in ids:
        source = dataset.sources.get(source_id)
        name = source.publisher(loc.lang) if source is not None else source_id
        if name not in names:
            names.append(name)
    return esc("، ".join(names) if loc.lang == "ar" else ", ".join(names))


def deadline_hover(deadline: Deadline, dataset: Dataset, loc: Locale, as_of: dt.date) -> str:
    """A deadline's hover: its date, terms, standing, announcement and its own sources. A later
    announced date given as a range ("the following week" read as 4–10 January 2026) says it is
    this report's reading of words said on the announcement day, not a date anyone announced."""
    event = deadline.event
    rows = [
        f"<b>{esc(event.title(loc.lang))}</b>",
        f"{label('date', loc)}: {_due_text(deadline, loc)}",
    ]
    if not deadline.firm:
        terms = label_or(f"chart.terms.{deadline.terms}", loc, deadline.terms)
        rows.append(text("terms_line", loc, terms=terms))
    if event.revises:
        rows.append(text("hover.announced_date", loc))
    rows.append(f"{label('announced', loc)}: {format_date(event.announced, loc)}")
    rows += provenance(event, dataset, loc, as_of)
    return lines(rows, loc)


def event_hover(
    event: Event, dataset: Dataset, loc: Locale, as_of: dt.date, *, with_site: bool
) -> str:
    """A point event's hover: title, kind, date, site (in the "Elsewhere" lane), sources. No
    "Status: Completed": a statement or a handover is not a task with a status."""
    rows = [
        f"<b>{esc(event.title(loc.lang))}</b>",
        f"{label('kind', loc)}: {label_or(f'kind.{event.kind}', loc, event.kind)}",
        f"{label('date', loc)}: {format_date(event.start, loc)}",
    ]
    site = dataset.sites.get(event.site)
    if with_site and site is not None:
        rows.append(f"{label('site', loc)}: {esc(site.name(loc.lang))}")
    rows += provenance(event, dataset, loc, as_of)
    return lines(rows, loc)
