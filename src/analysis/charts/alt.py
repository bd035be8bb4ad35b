"""The charts' captions (also their alternative text): one short sentence per chart stating what
a reader should see, distinct for each chart.

* The phase chart (deadlines and outcomes) states the deadline finding: every phase overdue,
  not only the worst ("three of the five phases were overdue … each by 15 days: …").
* The timeline states where each phase stands ("By 1 February 2026, four of the five phases had
  ended; one is under way").
* When the report date is well past the data, both say only "No information after 31 March
  2026": the report's lede carries the disclaimer once.

Counts from one to nine are words ("five phases", «خمس مراحل»).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from analysis.charts.model import coverage_end
from analysis.charts.style import duration, text
from analysis.i18n import Locale, count, format_date, format_number, label
from analysis.timeline import PhaseState, Timeline

_ENDED = ("ended_on_time", "ended_late", "ended_early", "ended_uncertain",
          "ended_after_soft_deadline")  # fmt: skip


def _high(days: Any) -> int:
    return int(getattr(days, "high", days) or 0)


def counted(n: int, noun: str, loc: Locale) -> str:
    """ "five phases", «خمس مراحل»: words for one to nine, figures from ten."""
    if 1 <= n <= 9:
        return text(f"count.{noun}.{n}", loc)
    return count(n, "phase" if noun == "phase" else "site", loc, case="oblique")


def number(n: int, loc: Locale) -> str:
    """A bare number in words from one to nine ("five", «خمس»), else figures."""
    return text(f"num.{n}", loc) if 1 <= n <= 9 else format_number(n, loc)


def phase_name(state: PhaseState, loc: Locale) -> str:
    """The phase's short name on the charts (``chart.phase.<id>``), else its title (plain
    text: the caption is escaped where it is written)."""
    try:
        return label(f"chart.phase.{state.phase.id}", loc)
    except KeyError:
        return state.phase.title(loc.lang)


def _pick(
    states: Sequence[PhaseState], status: str, days: Callable[[PhaseState], Any]
) -> PhaseState | None:
    """The phase of ``status`` with the largest day count (ties: the first in lane order)."""
    hits = [s for s in states if s.status == status and days(s) is not None]
    return max(hits, key=lambda s: _high(days(s))) if hits else None


def _capital(value: str, loc: Locale) -> str:
    return value[:1].upper() + value[1:] if loc.lang == "en" else value


def _join(names: Sequence[str], loc: Locale) -> str:
    if loc.lang == "ar":
        return "، ".join(names)
    return "; ".join(names)


def notable(states: Sequence[PhaseState], loc: Locale, tl: Timeline) -> str:
    """The deadline finding: every overdue phase, else the latest late end, else the next
    deadline."""

    def due(s: PhaseState) -> str:
        first = s.history[0] if s.slipped else s.deadline
        assert first is not None
        return format_date(first.event.start, loc)

    as_of = format_date(tl.as_of, loc)
    overdue = [s for s in states if s.status == "overdue" and s.days_overdue is not None]
    if len(overdue) > 1:
        spans = {(s.days_overdue.low, s.days_overdue.high) for s in overdue}  # type: ignore[union-attr]
        worst = max(overdue, key=lambda s: _high(s.days_overdue))
        key = "notable.overdue_many" if len(spans) == 1 else "notable.overdue_many_upto"
        k = len(overdue)
        return _capital(
            text(
                key,
                loc,
                k=counted(k, "phase", loc) if loc.lang == "ar" else number(k, loc),
                n=number(len(states), loc),
                as_of=as_of,
                duration=duration(worst.days_overdue, loc),
                phases=_join([phase_name(s, loc) for s in overdue], loc),
            ),
            loc,
        )
    if overdue:
        s = overdue[0]
        return _capital(
            text(
                "notable.overdue",
                loc,
                phase=phase_name(s, loc),
                date=due(s),
                duration=duration(s.days_overdue, loc),
                as_of=as_of,
            ),
            loc,
        )
    late = [s for s in states if s.end is not None and s.status in _ENDED]
    s = _pick(states, "ended_late", lambda s: s.days_late)
    if s is not None and not s.slipped:
        key = "notable.declared_late" if s.end_basis == "declared" else "notable.ended_late"
        return _capital(
            text(key, loc, phase=phase_name(s, loc), date=due(s),
                 duration=duration(s.days_late, loc)),
            loc,
        )  # fmt: skip
    ahead = [s for s in states if s.days_until_deadline is not None]
    if ahead:
        s = min(ahead, key=lambda s: _high(s.days_until_deadline))
        return _capital(
            text(
                "notable.next",
                loc,
                phase=phase_name(s, loc),
                date=due(s),
                duration=duration(s.days_until_deadline, loc),
            ),
            loc,
        )
    del late
    return _capital(text("notable.none", loc), loc)


def standing(tl: Timeline, loc: Locale) -> str:
    """Where the phases stand: "By 1 February 2026, four of the five phases had ended, one
    under way"."""
    states = list(tl.phases)
    ended = sum(1 for s in states if s.end is not None and s.end <= tl.coverage.known_through)
    overdue = sum(1 for s in states if s.status == "overdue")
    running = len(states) - ended - overdue
    parts = []
    if ended:
        parts.append(text("state.ended", loc, phases=counted(ended, "phase", loc)))
    if overdue:
        parts.append(text("state.overdue", loc, phases=counted(overdue, "phase", loc)))
    if running:
        parts.append(text("state.running", loc, phases=counted(running, "phase", loc)))
    sep = "، " if loc.lang == "ar" else ", "
    return text("state.summary", loc, as_of=format_date(tl.as_of, loc), parts=sep.join(parts))


def _no_information(tl: Timeline, loc: Locale) -> str | None:
    through = coverage_end(tl)
    if through is None:
        return None
    return text("notable.coverage", loc, date=format_date(through, loc))


def gantt_alt(tl: Timeline, loc: Locale) -> str:
    """The timeline's caption: its locations and where the phases stand."""
    cut_off = _no_information(tl, loc)
    if cut_off is not None:
        return cut_off
    laned = {lane.site.id for lane in tl.lanes}
    elsewhere = any(e.site not in laned for e in tl.milestones)
    locations = counted(len(tl.lanes), "location", loc)
    places = text("alt.places" if elsewhere else "alt.places_only", loc, locations=locations)
    if not tl.phases:
        return _capital(places, loc) + "."
    return text("alt.gantt", loc, places=_capital(places, loc), notable=standing(tl, loc))


def promise_alt(tl: Timeline, loc: Locale) -> str:
    """The phase chart's caption: the deadline finding."""
    cut_off = _no_information(tl, loc)
    if cut_off is not None:
        return cut_off
    states = [s for s in tl.phases if s.deadline is not None]
    return text("alt.promise", loc, notable=notable(states, loc, tl))
