"""Formats values for the narrative: dates, day counts, numbers, names, titles and footnotes.

:class:`_Writer` is the one place a value becomes words in the report's language;
:class:`_Citations` numbers the sources in order of first citation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape

from analysis import i18n
from analysis.dataset import Actor, Dataset, Event
from analysis.dates import PartialDate
from analysis.i18n import Case, Locale
from analysis.narrative.house import (
    NBSP,
    _glue_dates,
    _house_style,
    house_text,
    rank_first,
)
from analysis.narrative.names import (
    _arabic_feminine,
    _is_body,
    _proper_words,
    _role_case,
    _sentence_case,
)
from analysis.narrative.phrasing import _CITE_SLOT, _Phrasing
from analysis.narrative.templates import RELATIVE_DAYS_LIMIT
from analysis.narrative.text import _arabic_inline, _isolates_to_html
from analysis.timeline import (
    known_sources,
)

#: "about N months" in Arabic words, after نحو (genitive): one to ten (ROUND4 decision 5).
_AR_ABOUT_MONTHS = {
    1: "شهر",
    2: "شهرين",
    3: "ثلاثة أشهر",
    4: "أربعة أشهر",
    5: "خمسة أشهر",
    6: "ستة أشهر",
    7: "سبعة أشهر",
    8: "ثمانية أشهر",
    9: "تسعة أشهر",
    10: "عشرة أشهر",
}


class _Citations:
    """Footnote numbers in order of first citation."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def number(self, source_id: str) -> int:
        return self.numbers.setdefault(source_id, len(self.numbers) + 1)


def _source_ids(
    rows: Iterable[Event | Iterable[Event]],
    dataset: Dataset | None = None,
    as_of: dt.date | None = None,
) -> Iterable[str]:
    """The rows' source ids; with a dataset and a date, only those published by then
    (:func:`analysis.timeline.known_sources`: a report never cites a later article)."""
    for row in rows:
        for event in [row] if isinstance(row, Event) else row:
            if dataset is not None and as_of is not None:
                yield from known_sources(dataset, event, as_of)
            else:
                yield from event.source_ids or (event.source_id,)


def nowrap(fragment: Markup | str) -> Markup:
    """A run that never breaks across lines: a date range, a count with its noun, an
    outlet's name («بين 16 و18 كانون الثاني 2026», "57–110 days", «كوردستان 24»)."""
    return Markup('<span class="nowrap" style="white-space:nowrap">{}</span>').format(fragment)


def _is_range(value: Any) -> bool:
    """A ``dates.DateInterval`` ("sometime between A and B")."""
    return getattr(value, "precision", None) == "range"


def _bounds(value: Any) -> tuple[int, int] | None:
    """A day count as ``(low, high)``: a ``timeline.DayRange`` or a plain int."""
    if value is None:
        return None
    if isinstance(value, int):
        return value, value
    if isinstance(value, tuple):
        return int(value[0]), int(value[1])
    return int(value.low), int(value.high)


_EN_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


class _Writer(_Phrasing):
    """The helpers a template calls as ``f.…``: values formatted for one locale."""

    def __init__(
        self,
        dataset: Dataset,
        loc: Locale,
        citations: _Citations,
        as_of: dt.date | None = None,
    ) -> None:
        self.dataset = dataset
        self.loc = loc
        self.citations = citations
        #: Sources published after this date are never cited.
        self.as_of = as_of
        #: How many paragraphs have told the exit timetable already: the frame varies.
        self.timetable_told = 0
        #: Deadline dates already named in full in the current paragraph.
        self.deadlines_told: set[str] = set()
        #: Timetable dates given by an earlier section, and overdue sentences told.
        self.timetables: set[str] = set()
        self.overdue_told = 0

    def timetable_again(self, d: Any) -> bool:
        """Whether an earlier section gave the same timetable date (then the frame changes:
        "Iraqi officials gave the same date, …"); remembers this one."""
        again = str(d) in self.timetables
        self.timetables.add(str(d))
        return again

    def overdue_turn(self) -> int:
        """0 the first time a section says no completion was announced, then 1, 2, …: the
        sentence is not the same frame in every section (ROUND5 decision 7)."""
        self.overdue_told += 1
        return self.overdue_told - 1

    def timetable_turn(self) -> int:
        """0 the first time a paragraph tells the timetable, then 1, 2, …"""
        self.timetable_told += 1
        return self.timetable_told - 1

    @property
    def arabic(self) -> bool:
        return self.loc.lang == "ar"

    # ---------------------------------------------------------------- dates

    def _plain_date(self, value: PartialDate | dt.date) -> str:
        return i18n.format_date(value, self.loc).replace(" ", NBSP)

    def _wrap_date(self, text: str) -> Markup:
        return i18n.isolate(text, html=True) if self.arabic else escape(text)

    def _day_month(self, value: PartialDate) -> str:
        day = i18n.format_number(value.day or 1, self.loc)
        return f"{day}{NBSP}{i18n.month_name(value.month or 1, self.loc).replace(' ', NBSP)}"

    def date(self, value: Any) -> Markup:
        """A date at its own precision; a range as "1–2 July 2021" or "between A and B"."""
        if _is_range(value):
            return self._range(value.low, value.high, compact=True)
        return self._wrap_date(self._plain_date(value))

    def dateline(self, value: Any) -> Markup:
        """An entry's date: two consecutive days as «22 و23 تموز 2024», not «بين …» (Arabic
        editor N6); otherwise :meth:`date`."""
        if (
            self.arabic
            and _is_range(value)
            and value.low.precision == value.high.precision == "day"
            and (value.low.year, value.low.month) == (value.high.year, value.high.month)
            and (value.high.day or 0) == (value.low.day or 0) + 1
        ):
            first = i18n.isolate_ltr(i18n.format_number(value.low.day or 1, self.loc), html=True)
            return nowrap(Markup("{} و{}").format(first, self.date(value.high)))
        return self.date(value)

    def on(self, value: Any) -> Markup:
        """The date after a verb: "on 18 January 2026", "in September 2021", "between …"."""
        if _is_range(value):
            return self._range(value.low, value.high, compact=False)
        if self.arabic:
            year = "عام " if value.precision == "year" else ""
            return Markup("في {}{}").format(year, self.date(value))
        word = "on" if getattr(value, "precision", "day") == "day" else "in"
        return Markup("{} {}").format(word, self.date(value))

    def _range(self, low: PartialDate, high: PartialDate, *, compact: bool) -> Markup:
        if not compact or self.arabic:  # «بين … و…», "between … and …": in words, a line
            # may break between the two dates, never inside one (ROUND8 decision 8)
            return self._range_text(low, high, compact=False)
        return nowrap(self._range_text(low, high, compact=compact))

    def _range_text(self, low: PartialDate, high: PartialDate, *, compact: bool) -> Markup:
        same_year = low.year == high.year and low.precision == high.precision != "year"
        same_month = same_year and low.month == high.month and low.precision == "day"
        if self.arabic:
            if same_month:  # «بين 16 و18 كانون الثاني 2026» never splits (ROUND10 d. 5, N19)
                first = i18n.isolate_ltr(i18n.format_number(low.day or 1, self.loc), html=True)
                return nowrap(Markup("بين {} و{}").format(first, self.date(high)))
            elif same_year and low.precision == "day":
                first = self._wrap_date(self._day_month(low))
            elif same_year:
                first = self._wrap_date(i18n.month_name(low.month or 1, self.loc))
            else:
                first = self.date(low)
            return Markup("بين {} و{}").format(first, self.date(high))
        if same_month and compact:
            return Markup(f"{low.day}–{self._plain_date(high)}")
        if same_month:  # "between 16 and 18 January 2026" (ROUND7 decision 2, EN S2)
            return Markup("between {} and {}").format(low.day, nowrap(self._plain_date(high)))
        if same_year and low.precision == "day":
            first = self._day_month(low)
        elif same_year:
            first = i18n.month_name(low.month or 1, self.loc)
        else:
            first = self._plain_date(low)
        if compact:
            return escape(f"{first} – {self._plain_date(high)}")
        # Only each date is unbreakable, not the phrase (editor 38: ragged lines).
        return Markup("between {} and {}").format(nowrap(first), nowrap(self._plain_date(high)))

    # ---------------------------------------------------------------- numbers

    def num(self, n: int) -> Markup:
        text = i18n.format_number(n, self.loc)
        return i18n.isolate_ltr(text, html=True) if self.arabic else escape(text)

    def count(self, n: int, noun: str, case: Case = "nominative") -> Markup:
        """ "15 days", "three months" (English words for one to nine), "3 أشهر"."""
        text = i18n.count(n, noun, self.loc, case=case)
        if not self.arabic and 0 < n < 10:
            text = re.sub(r"^\d+", _EN_WORDS[n], text)
        return _isolates_to_html(text)

    def word(self, n: int) -> str:
        """A small number as a word in English prose ("two"), else as a figure."""
        return _EN_WORDS[n] if not self.arabic and 0 <= n < 10 else str(self.num(n))

    def days(self, value: Any, case: Case = "nominative") -> Markup:
        """A day count that may be a range: "110 days", "between 57 and 110 days",
        «ما بين 57 و110 أيام»."""
        low, high = _bounds(value) or (0, 0)
        if low == high:
            return nowrap(self.count(high, "day", case))
        if self.arabic:
            # «ما بين يوم واحد ويومين»، «ما بين 57 و110 أيام»: one and two are words.
            first = self.count(low, "day", case) if 0 < low <= 2 else self.num(low)
            return nowrap(Markup("ما بين {} و{}").format(first, self.count(high, "day", case)))
        if not (0 < low < 10 and high < 10):
            return nowrap(Markup("{}–{}").format(self.num(low), self.count(high, "day")))
        return nowrap(Markup("between {} and {}").format(_EN_WORDS[low], self.count(high, "day")))

    def gap(self, later: Any, earlier: Any) -> tuple[int, int]:
        """Days from one date (or range) to a later one, as ``(fewest, most)``: 16–18
        January after 4–10 January is 6–14 days (ROUND8 decision 2)."""
        low = (later.first_day() - earlier.last_day()).days
        return low, (later.last_day() - earlier.first_day()).days

    def span(self, value: Any, case: Case = "oblique") -> Markup:
        """A gap told roughly, for a lede: "two weeks", "about a week", "about 11 months";
        exact days under a week («أسبوعين»، «نحو أسبوع»)."""
        low, high = _bounds(value) or (0, 0)
        days = (low + high) // 2
        if days < 7:
            return self.days(value, case)
        if days <= RELATIVE_DAYS_LIMIT:
            weeks = max(1, round(days / 7))
            about = low != high or days % 7 not in (0, 1)
            if weeks == 1:
                if self.arabic:
                    return nowrap(Markup("نحو أسبوع" if about else "أسبوع"))
                return nowrap(Markup("about a week" if about else "a week"))
            if about:  # «نحو أسبوعين»: the noun after نحو is genitive
                counted = self.count(weeks, "week", "oblique")
                return nowrap(Markup("{} {}").format("نحو" if self.arabic else "about", counted))
            return nowrap(self.count(weeks, "week", case))
        months = self.count(i18n.relative_months(high), "month", "oblique")
        return nowrap(Markup("{} {}").format("نحو" if self.arabic else "about", months))

    def exact(self, value: Any) -> bool:
        bounds = _bounds(value)
        return bounds is not None and bounds[0] == bounds[1]

    def high(self, value: Any) -> int:
        bounds = _bounds(value)
        return bounds[1] if bounds else 0

    def bi(self, value: Any, noun: str = "day") -> Markup:
        """Arabic بـ + a count: "بـ15 يومًا" before a figure, "بيومين" before a word."""
        low, high = _bounds(value) or (0, 0)
        if low != high:
            first = self.count(low, noun, "oblique") if 0 < low <= 2 else self.num(low)
            return Markup("بما بين {} و{}").format(first, self.count(high, noun, "oblique"))
        counted = i18n.count(high, noun, self.loc, case="oblique")
        prefix = "ب" if counted[:1].isalpha() else "بـ"
        return _isolates_to_html(prefix + counted)

    def months(self, days: Any) -> int:
        return i18n.relative_months(self.high(days))

    def about_months(self, days: Any) -> Markup:
        """ "about eight months", «نحو ثمانية أشهر»: a month count in words up to ten
        (ROUND4 decision 5), figures above («نحو 11 شهرًا»)."""
        halves = round(self.high(days) / i18n.DAYS_PER_MONTH * 2)
        if halves % 2 and halves < 12:  # under six months, to the half (ROUND8 d. 9, FC 5)
            whole = halves // 2
            if self.arabic:
                first = _AR_ABOUT_MONTHS.get(whole, "")
                return nowrap(Markup(f"نحو {first} ونصف" if whole else "نحو نصف شهر"))
            if not whole:
                return Markup("about ") + nowrap(Markup("half a month"))
            # only the count and its unit are unbreakable, not "about" or "in" before
            # them: a long unbreakable run left lines far short (EN S2 of read 15)
            return Markup("about ") + nowrap(Markup(f"{_EN_WORDS[whole]} and a half months"))
        n = max(1, self.months(days))
        if self.arabic and n in _AR_ABOUT_MONTHS:
            return nowrap(Markup("نحو " + _AR_ABOUT_MONTHS[n]))
        counted = self.count(n, "month", "oblique")
        if not self.arabic:
            return Markup("about ") + nowrap(counted)
        return nowrap(Markup("{} {}").format("نحو", counted))

    def more_months(self, days: Any) -> Markup:
        """ "about eight more months", «نحو ثمانية أشهر أخرى»: the adjective agrees with the
        count (شهر آخر، شهرين آخرين، ثمانية أشهر أخرى)؛ from 11, «11 شهرًا إضافيًا» (AR
        nit 17 of read 15: «شهرًا آخر» after a number reads awkwardly)."""
        if not self.arabic:
            return Markup(str(self.about_months(days)).replace(" month", " more month"))
        n = max(1, self.months(days))
        other = "أخرى" if 3 <= n <= 10 else "آخرين" if n == 2 else "إضافيًا" if n > 10 else "آخر"
        return nowrap(Markup("{} {}").format(self.about_months(days), other))

    def imprecise(self, p: Any) -> bool:
        """A deadline known only to the month or the year, or conditional: never counted
        to the day (ROUND4 decision 5)."""
        d = p.deadline
        if d is None:
            return False
        return p.terms == "conditional" or d.event.start.precision not in ("day", "range")

    def same_month(self, d: Any) -> bool:
        """The deadline falls in the report's own month."""
        return (d.year, d.month) == (self.as_of.year, self.as_of.month)

    # ---------------------------------------------------------------- text

    def text(self, value: str | None) -> Markup:
        """Text from the data in the report's voice: house style, escaped, isolated in
        Arabic; a ``[@source-id]`` in it (an event's summary) becomes this report's
        footnote marker, the source joining the list (ROUND7 decision 3)."""
        if value is None:
            return Markup()
        clusters: list[Markup] = []
        if "[@" in value:
            value = self._slot_citations(value, clusters, later=False)
        styled = house_text(value, self.loc.lang)
        html = _arabic_inline(styled, self.loc) if self.arabic else escape(styled)
        if not clusters:
            return html
        slots = iter(clusters)
        return Markup(re.sub(_CITE_SLOT, lambda _: str(next(slots)), str(html)))

    def quoted(self, value: str, lang: str) -> Markup:
        """A quotation as its author wrote it: escaped (isolated when Arabic), never restyled."""
        value = _glue_dates(value)  # no-break spaces: the words are the author's
        if lang == "ar" and self.arabic:
            return _arabic_inline(value, self.loc)
        return escape(value)

    def cite_end(self, p: Any, extra: Iterable[str] = ()) -> Markup:
        """The markers of an end claim: the end rows' sources, without those published
        before the end began (the timetable's articles cannot show that it happened),
        unless nothing else is left."""
        rows = p.end_rows
        start = p.end.first_day() if p.end is not None else None
        ids = list(dict.fromkeys(_source_ids(rows, self.dataset, self.as_of)))
        if _is_range(p.end) and getattr(p, "state", None) is not None:
            # "between 16 and 18 January 2026": the phase row's own sources of those days
            # cover the span's far end too (the HMC's of 18 January; ROUND7 decision 2)
            low, high = p.end.first_day(), p.end.last_day()
            for source_id in _source_ids([p.state.phase], self.dataset, self.as_of):
                source = self.dataset.sources.get(source_id)
                published = source.published if source else None
                if published and low <= published.first_day() and published.last_day() <= high:
                    ids.append(source_id) if source_id not in ids else None

        def early(source_id: str) -> bool:
            source = self.dataset.sources.get(source_id)
            return bool(
                source and source.published and start and source.published.last_day() < start
            )

        kept = [i for i in ids if not early(i)] or ids
        kept += [i for i in extra if i not in kept]  # a house phrase's own sources
        for source_id in kept:
            self.citations.number(source_id)
        kept.sort(key=self.citations.number)
        return Markup("").join(self.marker(i) for i in kept)

    def cite_start(self, p: Any) -> Markup:
        """The markers of a phase's start claim: its own row's sources published before
        its end began (a report of the end does not support the start), unless nothing
        else is left (ROUND3 decision 5)."""
        row = p.state.phase
        end = p.end.first_day() if getattr(p, "end", None) is not None else None
        ids = list(dict.fromkeys(_source_ids([row], self.dataset, self.as_of)))

        def late(source_id: str) -> bool:
            source = self.dataset.sources.get(source_id)
            return bool(source and source.published and end and source.published.first_day() >= end)

        kept = [i for i in ids if not late(i)] or ids
        for source_id in kept:
            self.citations.number(source_id)
        kept.sort(key=self.citations.number)
        return Markup("").join(self.marker(i) for i in kept)

    @staticmethod
    def names(phases: Iterable[Any], conj: str = "or") -> Markup:
        """Names in a list, those sharing their words up to "from" merged: "the mission in
        Iraq or the coalition advisers’ exit from Baghdad and from Ain al-Asad Air Base"."""
        units: list[list[str]] = []
        for p in phases:
            name = str(p.name)
            cut = name.find(" from ")
            if cut > 0 and units and units[-1][0].startswith(name[: cut + 6]):
                units[-1].append(name[cut + 1 :])
            else:
                units.append([name])
        parts = [" and ".join(unit) for unit in units]
        text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {conj} " + parts[-1]
        return Markup(text)

    def told(self, d: Any) -> bool:
        """Whether this deadline date was already named in full in the current paragraph
        (then it is "that deadline", not "the end-September 2025 deadline" again);
        marks it told."""
        key = str(d)
        seen = key in self.deadlines_told
        self.deadlines_told.add(key)
        return seen

    def new_paragraph(self) -> str:
        """Forget the deadlines told: a new paragraph names them in full again."""
        self.deadlines_told = set()
        return ""

    def cite(self, *rows: Event | Iterable[Event], exclude: Iterable[Event] = ()) -> Markup:
        """One ``[n]`` marker per source of the rows, in the rows' order, no repeats.

        ``exclude`` leaves out sources already marked earlier in the same sentence.
        """
        done = set(_source_ids(exclude, self.dataset, self.as_of))
        ids = [
            i for i in dict.fromkeys(_source_ids(rows, self.dataset, self.as_of)) if i not in done
        ]
        for source_id in ids:  # number them in reading order, then print in ascending order
            self.citations.number(source_id)
        ids.sort(key=self.citations.number)
        return Markup("").join(self.marker(source_id) for source_id in ids)

    def marker(self, source_id: str) -> Markup:
        """``[n]`` glued to the word before it by a word joiner (U+2060): a marker
        never starts a line, and "[2][3]" never splits."""
        number = self.num(self.citations.number(source_id))
        return Markup('\u2060<sup class="ref"><a href="#src-{}">[{}]</a></sup>').format(
            source_id, number
        )

    def actor(self, actor_id: str | None) -> Actor | None:
        return self.dataset.actors.get(actor_id) if actor_id else None

    def speaker(self, actor: Actor, *, with_role: bool = True) -> Markup:
        """ "Lieutenant General Qais al-Muhammadawi, deputy commander of …": rank first."""
        lang = self.loc.lang
        name, role = rank_first(actor.name(lang), actor.role(lang), lang)
        if not with_role or role in _house_style().get("self_evident_roles", {}).get(lang, ()):
            role = None
        shown = self.text(name)
        if role and not self.arabic:
            role = _role_case(_sentence_case(role, _proper_words(self.dataset)))
        if role:
            return Markup("{}{} {}").format(shown, "،" if self.arabic else ",", self.text(role))
        return shown

    def who(self, actor: Actor) -> Markup:
        """An actor as the subject of "said": "the Higher Military Commission (HMC)" for a
        body, «اللجنة العسكرية العليا»; a person with their rank and role."""
        if _is_body(actor) or (self.arabic and not actor.role(self.loc.lang)):
            name = actor.name(self.loc.lang)
            if not self.arabic and re.match(r"Governments? ", name):
                name = name[:1].lower() + name[1:]  # "the governments of Iraq and the US"
            name = self.text(name)
            if self.arabic or str(name).lower().startswith("the "):
                return name
            return Markup("the {}").format(name)
        shown = self.speaker(actor)
        # An apposition closes with a comma before the verb: "X, deputy commander …, said".
        has_role = self.speaker(actor, with_role=False) != shown
        return (
            Markup("{}،").format(shown)
            if has_role and self.arabic
            else (Markup("{},").format(shown) if has_role else shown)
        )

    def again(self, actor: Actor) -> Markup:
        """An Arabic body named again in the next sentences: its head noun, «اللجنة» for
        «اللجنة العسكرية العليا» (a bare «وقالت» left the subject two sentences back: Arabic
        editor, read 16); a name without the article stays whole."""
        name = actor.name(self.loc.lang)
        head = name.split(" ", 1)[0]
        return self.text(head if _is_body(actor) and head.startswith("ال") else name)

    def fem(self, actor: Actor | None) -> bool:
        """Arabic gender of an actor's name, for the verb: اللجنة «أعلنت»، المحمداوي «أعلن»."""
        if actor is None:
            return False
        name = actor.name("ar")
        # «حكومتا العراق والولايات المتحدة»: a feminine dual takes «قالت».
        return _arabic_feminine(name) or name.split(" ", 1)[0].endswith("تا")

    nowrap = staticmethod(nowrap)

    @staticmethod
    def li(name: Markup | str) -> Markup:
        """Arabic لـ before a name: «للمهمة» (ل + ال), «لخروج», «لـ» before a Latin run."""
        text = str(name)
        if text.startswith("ال"):
            return Markup("لل" + text[2:])
        if text[:1].isalpha() and not text[:1].isascii():
            return Markup("ل" + text)
        return Markup("لـ" + text)

    def days_since(self, value: Any) -> int:
        """Days from a date (its last day, at month or year precision) to the report's date."""
        last = value.last_day() if hasattr(value, "last_day") else value
        return (self.as_of - last).days if self.as_of else 0

    def months_before(self, through: dt.date) -> Markup:
        """How long before the report's date the information stops: "eight months" when it
        is a whole number of calendar months (31 March to 30 November), else "about N
        months"; Arabic in words up to ten («ثمانية أشهر»)."""
        as_of = self.as_of or through
        n = (as_of.year - through.year) * 12 + as_of.month - through.month
        month_end = (through + dt.timedelta(days=1)).day == 1 and (
            as_of + dt.timedelta(days=1)
        ).day == 1
        if n < 1 or not (as_of.day == through.day or month_end):
            return self.about_months((as_of - through).days)
        if self.arabic and n in _AR_ABOUT_MONTHS:
            return nowrap(Markup(_AR_ABOUT_MONTHS[n]))
        return nowrap(self.count(n, "month", "oblique"))

    def day_month(self, value: Any) -> Markup:
        """A date, or a range within one month, without its year ("4–10 January",
        «بين 4 و10 كانون الثاني»), when the year is plain from the sentence."""
        if _is_range(value) and value.low.precision == value.high.precision == "day":
            low, high = value.low, value.high
            if (low.year, low.month) == (high.year, high.month):
                last = self._day_month(high)
                if self.arabic:
                    first = i18n.isolate_ltr(i18n.format_number(low.day or 1, self.loc), html=True)
                    # one month: never split (ROUND10 decision 5, AR N19)
                    return nowrap(Markup("بين {} و{}").format(first, self._wrap_date(last)))
                return nowrap(escape(f"{low.day}–{last}"))
        if not _is_range(value) and getattr(value, "precision", "day") == "day":
            return nowrap(self._wrap_date(self._day_month(value)))
        return self.date(value)

    @staticmethod
    def cap(fragment: Markup | str) -> Markup:
        """The first letter of the text (not of a tag) in upper case: a sentence opener."""
        text = str(fragment)
        match = re.match(r"((?:<[^>]*>)*)(.)", text, re.DOTALL)
        if match is None:
            return Markup(text)
        return Markup(match.group(1) + match.group(2).upper() + text[match.end() :])

    def role(self, actor: Actor) -> str | Markup | None:
        """An actor's role as it reads after the name: "Hussein Allawi, adviser to …"."""
        role = actor.role(self.loc.lang)
        if role is None or self.arabic:
            return self.text(role) if role else None
        return self.text(_role_case(_sentence_case(role, _proper_words(self.dataset))))
