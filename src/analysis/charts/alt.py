"""The charts' captions (also their alternative text): one short sentence per chart stating what
a reader should see, distinct for each chart.

* The deadline chart states the deadline finding: every deadline passed, not only the worst
  ("three of the five deadlines had passed, by 15 days each, with no completion announced: …").
* The timeline states where each row stands. English names the rows ("UNAMI’s mandate and the
  exit from Ain al-Asad had ended; …"); Arabic counts them as «مسار/مسارات». Neither calls a
  row a "phase"/«مرحلة»: the sources speak of two phases of the coalition mission, and UNAMI is
  a UN mission, not a phase of the drawdown (ROUND4 decision 1).
* A deadline known only to the month, or conditional, gets no day count ("September 2026,
  subject to conditions", ROUND4 decision 5).

Counts from one to nine are words («ثلاثة مسارات»).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Sequence
from typing import Any

from analysis.charts.model import coverage_end, deadline_kind
from analysis.charts.style import duration, duration_ranging, text
from analysis.dates import PartialDate
from analysis.i18n import Locale, count, format_date, format_number, label
from analysis.timeline import PhaseState, Timeline

_ENDED = ("ended_on_time", "ended_late", "ended_early", "ended_uncertain",
          "ended_after_soft_deadline")  # fmt: skip


def _high(days: Any) -> int:
    return int(getattr(days, "high", days) or 0)


def counted(n: int, noun: str, loc: Locale) -> str:
    """ "five deadlines", «خمسة مسارات»: words for one to nine, figures from ten."""
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


def caption_name(state: PhaseState, loc: Locale) -> str:
    """The phase as running text names it ("the advisers' departure from Baghdad"), else its
    title: never a chart label pasted into a sentence (editor B23)."""
    try:
        return label(f"chart.caption_phase.{state.phase.id}", loc)
    except KeyError:
        return state.phase.title(loc.lang)


def _listed(names: Sequence[str], loc: Locale, *, clauses: bool = False) -> str:
    """ "a, b and c" / «أ وب وج» (clauses: «أ، وب، وج»)."""
    if len(names) <= 1:
        return "".join(names)
    if loc.lang == "ar":
        return ("، و" if clauses else " و").join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _late_days(s: PhaseState) -> Any:
    """How late an end came, against the first firm deadline when a later date was announced
    (Ain al-Asad: 108–110 days after end-September 2025, not 6–8 after "the following week")."""
    if s.slipped and s.history[0].firm and s.end is not None:
        past = s.days_past_original(s.end)
        if past is not None:
            return past
    return s.days_late


class _Span:
    """A day range for :func:`~.style.duration`."""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high


def notable(states: Sequence[PhaseState], loc: Locale, tl: Timeline) -> str:
    """The deadline finding: every missed deadline still open; else the deadlines met late
    (with the range of days), those met on time, and the next deadline or the one past the
    information cut-off."""

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
                k=_oblique(k, "phase", loc) if loc.lang == "ar" else number(k, loc),
                n=number(len(states), loc),
                as_of=as_of,
                duration=duration(worst.days_overdue, loc),
                phases=_listed([caption_name(s, loc) for s in overdue], loc),
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
    # separate sentences, each with its own subject (English editor S4, ROUND9 decision 10):
    # "The end of the mission in federal Iraq and the exits from Baghdad and Ain al-Asad were
    # completed or declared complete 108–110 days after the September 2025 deadline. UNAMI’s
    # mandate ended on time. The second phase … had a September 2026 target, after the period
    # this report covers."
    parts: list[str] = []
    late = [s for s in states if s.status == "ended_late" and _late_days(s) is not None]
    if late:
        lows = [max(0, int(getattr(_late_days(s), "low", _late_days(s)))) for s in late]
        highs = [_high(_late_days(s)) for s in late]
        dues = {_month_end(due(s), s, loc) for s in late}
        span = duration_ranging(_Span(min(lows), max(highs)), loc)
        if len(dues) == 1:
            parts.append(
                text(
                    "caption.late_after",
                    loc,
                    done=_done(late, loc),
                    date=next(iter(dues)),
                    duration=span,
                )
            )
        else:  # each its own deadline: no one date to name
            parts.append(text("caption.late_after_each", loc, done=_done(late, loc), duration=span))
    on_time = [s for s in states if s.status in ("ended_on_time", "ended_early")]
    if on_time:
        names = _closed(_listed([caption_name(s, loc) for s in on_time], loc), loc)
        parts.append(text("caption.on_time", loc, phases=names))
    ahead = [s for s in states if s.days_until_deadline is not None]
    unknown = [s for s in states if s.status == "unknown"]
    if ahead:
        s = min(ahead, key=lambda s: _high(s.days_until_deadline))
        key = "caption." + {"soft": "next_soft", "month": "next_month"}.get(
            deadline_kind(s), "next"
        )
        days = {"duration": duration(s.days_until_deadline, loc)} if key == "caption.next" else {}
        parts.append(text(key, loc, phase=caption_name(s, loc), date=due(s), **days))
    elif unknown:
        s = unknown[0]
        key = "caption.unknown_soft" if deadline_kind(s) == "soft" else "caption.unknown"
        parts.append(text(key, loc, phase=_closed(caption_name(s, loc), loc), date=due(s)))
    parts += _declared_then(states, loc, tl)
    if not parts:
        return _capital(text("notable.none", loc), loc)
    return ". ".join(_capital(p, loc) for p in parts)


def _end_name(state: PhaseState, loc: Locale) -> str:
    """What ended, as the subject of "was completed": "the end of the mission in federal
    Iraq" (``chart.caption_end.<id>``), else the row's running-text name."""
    try:
        return label(f"chart.caption_end.{state.phase.id}", loc)
    except KeyError:
        return caption_name(state, loc)


def _month_end(date: str, state: PhaseState, loc: Locale) -> str:
    """A deadline known to the month, as the Arabic caption names it: «نهاية أيلول 2025»
    (Arabic editor N5); English "the September 2025 deadline" as before."""
    first = state.history[0] if state.slipped else state.deadline
    start = first.event.start if first is not None else None
    if isinstance(start, PartialDate) and start.month is not None and start.day is None:
        return text("month_end", loc, date=date)
    return date


def _done(late: Sequence[PhaseState], loc: Locale) -> str:
    """The late rows and their verb. Arabic with ends both observed and declared: one clause
    each, the observed first, «اكتمل الخروج من عين الأسد، وأُعلن اكتمال المهمة في المناطق
    الاتحادية والخروج من بغداد،» (Arabic editor N5: «… أو أُعلن اكتماله» blurred which was
    which)."""
    kinds = {s.end_basis == "declared" for s in late}
    if loc.lang == "ar" and len(kinds) > 1:
        done = [s for s in late if s.end_basis != "declared"]
        declared = [s for s in late if s.end_basis == "declared"]
        return f"{_done_one_kind(done, loc)}، و{_done_one_kind(declared, loc)}،"
    return _done_one_kind(late, loc)


def _done_one_kind(late: Sequence[PhaseState], loc: Locale) -> str:
    """The late rows and their verb: exits from sites grouped ("the exits from Baghdad and
    Ain al-Asad", «الخروج من بغداد ومن عين الأسد»), "was/were completed", "declared complete"
    or both, as the data dates the ends (observed or declared)."""
    names: list[str] = []
    sites: list[str] = []
    for s in late:
        try:
            sites.append(label(f"chart.exit_site.{s.phase.id}", loc))
        except KeyError:
            names.append(_end_name(s, loc))
    if sites:
        key = "caption.exits" if len(sites) > 1 else "caption.exit"
        sep = " ومن " if loc.lang == "ar" else None
        joined = sep.join(sites) if sep else _listed(sites, loc)
        names.append(text(key, loc, sites=joined))
    declared = {s.end_basis == "declared" for s in late}
    how = "mixed" if len(declared) > 1 else "declared" if True in declared else "completed"
    form = "many" if len(late) > 1 else "one.f" if _feminine(late[0], loc) else "one"
    return text(f"caption.done.{how}.{form}", loc, phases=_listed(names, loc))


def _declared_then(states: Sequence[PhaseState], loc: Locale, tl: Timeline) -> list[str]:
    """An exit dated by a declaration, when the timeline records a later event at the same
    site (within the information), so that "declared complete" is not read as a full exit
    (fact-checker 2: the Victoria Base report of 4 March 2026 after the HMC's declaration of
    18 January). The latest such entry may have its own sentence, keyed by its id
    (``chart.caption.later.<event-id>``: what the report said, ROUND10 decision 1); else "…;
    the timeline records a later report from {site}, of {date}" (never "the same site": a
    declaration about a headquarters and a report from an airport base are not one site).
    Nothing when the data has none."""
    known = tl.coverage.known_through
    sites = {lane.site.id: lane.site for lane in tl.lanes}
    said = []
    for s in states:
        if s.end is None or s.end_basis != "declared" or not _is_exit(s):
            continue
        later = [
            e
            for e in tl.milestones
            if e.site == s.phase.site and s.end < _first_day(e.start) <= known
        ]
        if not later:
            continue
        last = max(later, key=lambda e: (_first_day(e.start), e.id))
        site = sites.get(last.site)
        fields = {
            "phase": caption_name(s, loc),
            "declared": format_date(s.end, loc),
            "date": format_date(last.start, loc),
            "site": site.name(loc.lang) if site is not None else last.site,
        }
        key = f"caption.later.{last.id}"
        try:
            template = label(f"chart.{key}", loc)
        except KeyError:
            key, template = "caption.declared_then", label("chart.caption.declared_then", loc)
        used = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
        said.append(text(key, loc, **{k: v for k, v in fields.items() if k in used}))
    return said


def _oblique(n: int, noun: str, loc: Locale) -> str:
    """ "two" as an Arabic object or after a noun: «مسارين», not «مساران»."""
    written = counted(n, noun, loc)
    if loc.lang == "ar" and n == 2:
        return written.replace("تان", "تين").replace("ان", "ين")
    return written


def _is_exit(state: PhaseState) -> bool:
    """An exit from a site is complete, not ended (English editor nit 5)."""
    return " exit " in f" {state.phase.title('en').lower()} "


def _closed(names: str, loc: Locale) -> str:
    """An English name in apposition ("the second phase, support from Iraq for operations in
    Syria") closes with a comma before the verb that follows it."""
    last = names.rsplit(" and ", 1)[-1]
    return names + "," if loc.lang == "en" and ", " in last else names


def _feminine(state: PhaseState, loc: Locale) -> bool:
    """Whether an Arabic row name is feminine, for its verb («انتهت ولاية يونامي», «لا يزال
    الخروج من بغداد»): its head noun ends in tā’ marbūṭa («المهمة», «ولاية»; the catalogue's
    names are all of that kind or masculine verbal nouns, «الخروج»)."""
    if loc.lang != "ar":
        return False
    head = caption_name(state, loc).split(" ", 1)[0]
    return head.endswith("ة")


def _is_mandate(state: PhaseState, loc: Locale) -> bool:
    """An Arabic row that is a mandate («ولاية يونامي»): it is in force («سارية»), not
    under way; English keeps "under way" for every row."""
    return loc.lang == "ar" and caption_name(state, loc).startswith("ولاية")


def standing(tl: Timeline, loc: Locale) -> str:
    """Where the rows stand, ended and declared kept apart (as the deadline chart's legend does:
    editor D40, fact-check 11). English names the rows: "By 1 February 2026, UNAMI’s mandate had
    ended and the exit from Ain al-Asad was complete; the mission in federal Iraq and the exit
    from Baghdad had been declared complete; the second phase, support from Iraq for operations
    in Syria, was under way" (editor B5, round-5 nit 5); so does Arabic, the verb agreeing with
    the name: «انتهت ولاية يونامي», «لا يزال كلٌّ من … قيد التنفيذ», the clauses apart by «؛ و»
    (round-4 Arabic editor S3, S4: counted rows, «انتهى مساران», could not be decoded; «تجاوز
    الموعد النهائي ثلاثة مسارات» read backwards). At the information cut-off, a row with no end
    recorded by then "had not been reported as ended" / «لم تكن المصادر قد أفادت بانتهاء …»: no
    source says it was still running (fact-checker 11, round-5 Arabic editor S2)."""
    states = list(tl.phases)
    known = tl.coverage.known_through
    cut_off = coverage_end(tl) is not None
    groups: dict[str, list[PhaseState]] = {
        k: [] for k in ("ended", "completed", "declared", "overdue", "running", "unknown")
    }
    for s in states:
        if s.end is not None and s.end <= known:
            if s.end_basis == "declared":
                groups["declared"].append(s)
            else:
                groups["completed" if _is_exit(s) else "ended"].append(s)
        elif s.status == "overdue":
            groups["overdue"].append(s)
        elif s.status == "unknown" and not (cut_off and s.end is None):
            groups["unknown"].append(s)
        else:
            groups["running"].append(s)
    parts = []
    for key, group in groups.items():
        if not group:
            continue
        n = len(group)
        phases = _closed(_listed([caption_name(s, loc) for s in group], loc), loc)
        form = "" if n > 1 else ".one.f" if _feminine(group[0], loc) else ".one"
        # past the information cut-off, a row with no end recorded is not "under way" /
        # «لا تزال قيد التنفيذ» (fact-checker 11, Arabic editor S2): no source says so
        state = "unreported" if key == "running" and cut_off else key
        mandates = [x for x in group if _is_mandate(x, loc)] if state == "running" else []
        if mandates and len(mandates) < n:
            # «ولا تزال ولاية يونامي سارية، والمرحلة الثانية … قيد التنفيذ»: a mandate is in
            # force, not «قيد التنفيذ» (ROUND10 decision 5, Arabic editor N20)
            rest = [x for x in group if x not in mandates]
            others = _closed(_listed([caption_name(x, loc) for x in rest], loc), loc)
            in_force = _listed([caption_name(x, loc) for x in mandates], loc)
            key_ = "state.in_force_and_running" + ("" if len(rest) > 1 else ".one")
            parts.append(text(key_, loc, in_force=in_force, phases=others))
            continue
        if mandates and n == 1:  # «ولا تزال ولاية يونامي سارية»
            parts.append(text("state.in_force.one", loc, phases=phases))
            continue
        parts.append(text(f"state.{state}{form}", loc, phases=phases))
    if groups["ended"] and groups["completed"]:
        # "UNAMI’s mandate had ended and the exit from Ain al-Asad was complete" (EN nit 5)
        parts[:2] = [(" and " if loc.lang == "en" else " و").join(parts[:2])]
    joined = ("; " if loc.lang == "en" else "؛ و").join(parts)
    if cut_off:
        return joined
    return text("state.summary", loc, as_of=format_date(tl.as_of, loc), parts=joined)


def gantt_alt(tl: Timeline, loc: Locale, x0: dt.date | None = None) -> str:
    """The timeline's caption: its locations and where the phases stand (at the information
    cut-off, with what the grey area means, when the report date is well past it). When point
    events precede the axis start ``x0``, it says so: "Events before March 2024 are listed
    below but not plotted" (English editor nit 8)."""
    laned = {lane.site.id for lane in tl.lanes}
    elsewhere = any(e.site not in laned for e in tl.milestones)
    locations = counted(len(tl.lanes), "location", loc)
    places = text("alt.places" if elsewhere else "alt.places_only", loc, locations=locations)
    if not tl.phases:
        return _capital(places, loc) + "."
    before = ""
    if x0 is not None and any(_first_day(e.start) < x0 for e in tl.milestones):
        month = format_date(PartialDate(x0.year, x0.month), loc)
        before = f" {text('caption.before_axis', loc, month=month)}."
    through = coverage_end(tl)
    if through is not None:
        day = format_date(through, loc)
        status = text("caption.at_cut_off", loc, date=day, parts=standing(tl, loc))
        grey = text("caption.grey", loc, date=day)
        return f"{_capital(places, loc)}. {status}. {grey}.{before}"
    caption = text("alt.gantt", loc, places=_capital(places, loc), notable=standing(tl, loc))
    return caption + before


def _first_day(value: Any) -> dt.date:
    """The first day of a date, a partial date or a range."""
    return value.first_day() if hasattr(value, "first_day") else value


def promise_alt(tl: Timeline, loc: Locale) -> str:
    """The phase chart's caption: the deadline finding (at the information cut-off, when the
    report date is well past it: the deadline past it is said to fall after the information)."""
    states = [s for s in tl.phases if s.deadline is not None]
    # what the grey area means is said once, under the timeline (Arabic editor 37: not the
    # same line under both charts)
    return text("alt.promise", loc, notable=notable(states, loc, tl))
