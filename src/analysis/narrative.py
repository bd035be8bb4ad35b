"""The report's words: a headline, a paragraph per site, who said what, what changed,
analyst commentary and footnoted sources, in Arabic or English.

:func:`narrative` turns a :class:`~analysis.timeline.Timeline` into HTML fragments
(:class:`markupsafe.Markup`) that a report notebook displays as they are, and
:meth:`Narrative.to_text` gives the same words as plain text for golden tests and
for reading.

Decisions, in one place:

* **Wording is data, logic is code.** Every sentence lives in a Jinja2 template,
  one file per section per language, under ``templates/narrative/{en,ar}/``. This
  module decides what is worth saying (which phases are overdue, which ended
  recently, which deadline comes next, days or months) and formats values through
  :mod:`analysis.i18n`; the templates choose the words and their order, so Arabic
  is written as Arabic, not as the English sentence translated.
* **Data is never template source.** The environment has autoescape on and
  :class:`jinja2.StrictUndefined`; titles, summaries, quotes, names, publishers and
  URLs reach the templates only as values, so ``<script>`` shows as text and
  ``{{ 7*7 }}`` stays ``{{ 7*7 }}``. Only ``http``/``https`` URLs become links.
* **English is British** (``en_GB``): "15 October 2025", "programme", "defence",
  everywhere; proper names and quotes keep their own spelling.
* **Arabic** is Modern Standard Arabic as Iraqi outlets write it, with Iraqi month
  names unless the locale asks for the Egyptian ones. In Arabic HTML every number,
  date and Latin run sits in a ``<bdi>`` (``dir="ltr"`` for numbers and Latin), and
  the locale's digit style applies to the data's own text as well. Verbs and
  pronouns agree with a phase title's grammatical gender, read from its first word
  (feminine when it ends in ة or ات, as مهمة، الولاية، قوات do).
* **House style** (``docs/style-guide.md``): one spelling per name, ranks before
  names, the language's own quotation marks, words for one to nine in English
  prose, Western digits in Arabic unless asked. Its mechanical part is
  ``labels/house_style.json``, applied to every text from the data the report
  writes in its own voice; quotations and cited titles keep their author's spelling.
* **Every quotation in the reader's language**: a quotation said in the other
  language is shown translated, marked as a translation, with the original beneath
  it in smaller type; one with no translation is left out (see :func:`quote_original`).
* **Relative time**: up to :data:`RELATIVE_DAYS_LIMIT` days a gap is told in days,
  beyond it as "about N months" (:func:`analysis.i18n.relative_months`); the site
  paragraphs give the exact days as well. Overdue and late figures are always days,
  and a range where their inputs are ("between 57 and 110 days").
* **Dates keep their precision** ("September 2021", never "30 September 2021"); a
  range reads "1–2 July 2021" or "between A and B" («بين 1 و2 تموز 2021»).
* **Lines never break badly**: a date's spaces are no-break spaces, a footnote
  marker is glued to the word before it by a word joiner (U+2060), and a date range,
  a count with its noun and an outlet's name sit in a no-break span (:func:`nowrap`).
* **Events and statements** list every point event (statements, announcements,
  agreements, withdrawals, handovers, incidents) oldest first; "what changed" lists
  new records newest first.
* **Footnotes**: one cluster per claim, at its end, in ascending order: one ``[n]``
  per source of its own row (a deadline's sources for the deadline, the end's rows
  for the end), and only sources published by the report's date
  (:func:`analysis.timeline.known_sources`). Numbers follow first citation in reading
  order (headline, sites, statements, changes); ``sources`` lists exactly those.
* **Confidence**: "reported" = carried by news reports but not confirmed by an
  official statement or independent sources; "unverified" = confirmed by no one; the
  note saying so (:attr:`Narrative.confidence`) sits directly under the headline.
* **No bookkeeping**: never "the data record", "the latest event recorded"; a report
  past its information's end says "this report's information runs to …" once, in the
  lede. Declared ends are attributed to who declared them; a later announced date is
  an announcement, never "the deadline was moved": an end is measured against the
  original deadline first.
* **Acronyms** are spelled out at their first use in reading order (``first_use`` in
  ``labels/house_style.json``).
* **Coverage**: the data reach a date (``Timeline.coverage``). A deadline after it
  with no recorded end is unknown, never overdue; a report more than
  :data:`BEYOND_DAYS` days past it leads with the cut-off and the deadlines passed
  since. Conditional and minimum deadlines are never called a miss.
* **Curator's notes** (``note_en``/``note_ar``) are never written here.
* **Analyst commentary** is Markdown under the data directory's ``commentary/``
  (see ``data/commentary/README.md``), rendered by :func:`render_markdown_safe`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as html_lib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from itertools import groupby
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from analysis import i18n
from analysis.commentary import (  # notes are read with the dataset; re-exported here
    Commentary,
    CommentaryError,
    load_commentary,
    render_markdown_safe,
    select_notes,
)
from analysis.dataset import Actor, Dataset, Event, Source
from analysis.dates import PartialDate
from analysis.i18n import Case, Locale
from analysis.paths import LABELS_DIR, TEMPLATES_DIR
from analysis.timeline import (
    COVERAGE_LEAD_DAYS,
    Changes,
    Deadline,
    PhaseChange,
    PhaseState,
    Timeline,
    known_sources,
)

__all__ = [
    "RECENT_END_DAYS",
    "RELATIVE_DAYS_LIMIT",
    "TEMPLATE_DIR",
    "Commentary",
    "CommentaryError",
    "Narrative",
    "SiteParagraph",
    "house_jargon",
    "house_names",
    "house_ranks",
    "house_text",
    "html_to_text",
    "load_commentary",
    "narrative",
    "overdue_phrase",
    "quote_original",
    "rank_first",
    "render_markdown_safe",
]

#: The house style's mechanical part: one spelling per name, ranks, jargon.
HOUSE_STYLE_FILE = LABELS_DIR / "house_style.json"
#: Glue: a no-break space inside a date, a word joiner before a footnote marker.
NBSP = "\u00a0"
WORD_JOINER = "\u2060"
#: Where the section templates live: ``<lang>/<section>.j2``.
TEMPLATE_DIR = TEMPLATES_DIR / "narrative"
#: Gaps up to this many days are told in days; longer ones as "about N months".
RELATIVE_DAYS_LIMIT = 60
#: A phase that ended at most this many days before the report's date leads the
#: headline: a quarter, so a report shortly after an end still opens with it.
RECENT_END_DAYS = 90

_HTTP_URL = re.compile(r"^https?://", re.IGNORECASE)
# A run that reads left to right inside Arabic text: Latin words, numbers and what
# joins them ("F-16", "CJTF-OIR", "2,500", "250–350"). It must start and end with a
# letter or digit so that spaces and punctuation around it stay in the Arabic flow.
_LTR_RUN = re.compile(
    r"[A-Za-z0-9\u0660-\u0669]"
    r"(?:[A-Za-z0-9\u0660-\u0669.,:/%+&'’_\-– ]*[A-Za-z0-9\u0660-\u0669%])?"
)
_ISOLATED = re.compile("[\u2066\u2067\u2068](.*?)\u2069", re.DOTALL)
_TAG = re.compile(r"(<[^>]*>)")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class SiteParagraph:
    """One lane's paragraph: its phases, deadlines, gaps and latest event."""

    site_id: str
    #: The site's name in the report's language: plain text, escape it when writing HTML.
    heading: str
    html: Markup


@dataclass(frozen=True)
class Narrative:
    """Every text section of one report, as HTML fragments in one language."""

    lang: str
    #: The headline summary paragraph.
    headline: Markup
    sites: tuple[SiteParagraph, ...]
    #: Attributed statements, newest first.
    statements: Markup
    #: "What changed since", when the report is compared with an earlier date.
    changes: Markup | None
    #: A caution when the data is far behind the report's date.
    freshness: Markup | None
    #: Analyst commentary from Markdown files, sanitised.
    commentary: Markup | None
    #: ``<ol class="sources">`` with one ``<li id="src-<id>">`` per cited source.
    sources: Markup
    #: Source ids in footnote order: ``[1]`` is ``cited[0]``.
    cited: tuple[str, ...]
    #: What the confidence marks mean: shown directly under the headline.
    confidence: Markup = dataclasses.field(default_factory=Markup)

    def to_text(self) -> str:
        """Plain text of every section: tags stripped, markers kept as ``[n]``.

        Sections are introduced by ``##`` headings and sites by ``###``. Bidi
        isolation is an HTML matter and is left out, so the text reads and diffs
        cleanly.
        """
        heads = _headings(self.lang)
        parts = [html_to_text(self.headline)]
        if self.confidence:
            parts.append(html_to_text(self.confidence))
        if self.sites:
            parts.append(f"## {heads.sites}")
            parts.extend(f"### {site.heading}\n{html_to_text(site.html)}" for site in self.sites)
        parts.append(f"## {heads.statements}\n{html_to_text(self.statements)}")
        if self.changes is not None:
            parts.append(f"## {heads.changes}\n{html_to_text(self.changes)}")
        if self.freshness is not None:
            parts.append(f"## {heads.freshness}\n{html_to_text(self.freshness)}")
        if self.commentary is not None:
            parts.append(f"## {heads.commentary}\n{html_to_text(self.commentary)}")
        parts.append(f"## {heads.sources}\n{html_to_text(self.sources)}")
        return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------- templates


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _headings(lang: str) -> Any:
    return _environment().get_template(f"{lang}/headings.j2").module


def _render(section: str, loc: Locale, **context: Any) -> Markup:
    template = _environment().get_template(f"{loc.lang}/{section}.j2")
    html = _tidy(template.render(limit=RELATIVE_DAYS_LIMIT, **context))
    # Dates in the data's own text (summaries, quotations, commentary) never split either.
    html = "".join(
        piece if piece.startswith("<") else _glue_dates(piece) for piece in _TAG.split(html)
    )
    if loc.lang == "ar":
        # Each fragment carries its own direction: JupyterLab shows it outside the
        # export template's <html dir="rtl">.
        html = f'<div lang="ar" dir="rtl">{html}</div>'
    return Markup(html)


def _tidy(text: str) -> str:
    """Collapse template whitespace: sentences are written over several lines.

    Only ASCII whitespace collapses: the no-break spaces inside dates stay.
    """
    text = re.sub(r"[ \t\r\n]+", " ", text).strip()
    text = re.sub(r" +(?=\u2060<sup class=\"ref\">)", "", text)
    text = re.sub(r" +([,.;:،؛)])", r"\1", text)
    text = re.sub(r"\( +", "(", text)
    return re.sub(r" ?(</?(?:p|li|ul|ol|blockquote|h4|article)\b[^>]*>) ?", r"\1", text)


# --------------------------------------------------------------------------- house style


@cache
def _house_style() -> dict[str, Any]:
    return json.loads(HOUSE_STYLE_FILE.read_text(encoding="utf-8"))


def house_names(lang: str) -> tuple[tuple[str, str], ...]:
    """``(variant, house form)`` pairs: one spelling per name (``labels/house_style.json``)."""
    return tuple((a, b) for a, b in _house_style()["names"][lang])


def house_ranks(lang: str) -> tuple[str, ...]:
    """Military ranks that go before a name, longest first."""
    return tuple(sorted(_house_style()["ranks"][lang], key=len, reverse=True))


def house_jargon(lang: str) -> tuple[str, ...]:
    """Words of data-keeping that never reach the reader."""
    return tuple(_house_style()["jargon"][lang])


def _apply_house_names(text: str, lang: str) -> str:
    for variant, house in house_names(lang):
        text = text.replace(variant, house)
    return text


_STRAIGHT_QUOTED = re.compile(r'"([^"\n]+)"')
_EN_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_AR_MONTHS = (
    "كانون الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين الأول|تشرين الثاني|"
    "كانون الأول|يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر"
)
_DATE_IN_TEXT = re.compile(
    rf"\b\d{{1,2}} (?:{_EN_MONTHS})(?: \d{{4}})?\b|\b(?:{_EN_MONTHS}) \d{{4}}\b"
    rf"|\d{{1,2}} (?:{_AR_MONTHS})(?: \d{{4}})?|(?:{_AR_MONTHS}) \d{{4}}"
)


def _glue_dates(text: str) -> str:
    """No-break spaces inside the dates of a text: "18 January 2026" never splits."""
    return _DATE_IN_TEXT.sub(lambda m: m.group().replace(" ", NBSP), text)


def house_text(text: str, lang: str) -> str:
    """Text from the data as the report writes it: house spellings, the language's
    quotation marks (« » in Arabic, “ ” in English) and unbreakable dates."""
    text = _apply_house_names(text, lang)
    opening, closing = ("«", "»") if lang == "ar" else ("“", "”")
    text = _STRAIGHT_QUOTED.sub(lambda m: f"{opening}{m.group(1)}{closing}", text)
    return _glue_dates(text)


def rank_first(name: str, role: str | None, lang: str) -> tuple[str, str | None]:
    """Move a rank from the start of a role to before the name.

    ("Qais al-Muhammadawi", "Lieutenant General, Deputy Commander of …") →
    ("Lieutenant General Qais al-Muhammadawi", "Deputy Commander of …").
    """
    if not role:
        return name, role
    for rank in house_ranks(lang):
        match = re.match(rf"^{re.escape(rank)}\s*[,،]\s*(.*)$", role)
        if match:
            return f"{rank} {name}", match.group(1) or None
        if role == rank:
            return f"{rank} {name}", None
    return name, role


# --------------------------------------------------------------------------- formatting


def _arabic_number_run(run: str) -> str:
    """Arabic-Indic digits with the Arabic separators (U+066C, U+066B) between them."""
    run = re.sub(r"(?<=\d),(?=\d)", "\u066c", run)
    run = re.sub(r"(?<=\d)\.(?=\d)", "\u066b", run)
    return i18n.to_arabic_digits(run)


def _arabic_inline(text: str, loc: Locale) -> Markup:
    """Escape Arabic text from the data, isolating each number or Latin run in it."""
    out = Markup()
    position = 0
    for match in _LTR_RUN.finditer(text):
        run = match.group()
        if loc.arabic_digits:
            run = _arabic_number_run(run)
        out += escape(text[position : match.start()]) + i18n.isolate_ltr(run, html=True)
        position = match.end()
    return out + escape(text[position:])


def _localize_html(fragment: Markup, loc: Locale) -> Markup:
    """Apply :func:`_arabic_inline` to the text (never the tags) of a safe fragment."""
    if loc.lang != "ar":
        return fragment
    pieces = []
    for piece in _TAG.split(str(fragment)):
        if piece.startswith("<"):
            pieces.append(piece)
        elif piece:
            pieces.append(str(_arabic_inline(_glue_dates(html_lib.unescape(piece)), loc)))
    return Markup("".join(pieces))


def _isolates_to_html(text: str) -> Markup:
    """i18n returns Unicode isolates around numbers; HTML output uses ``<bdi>``."""
    out = Markup()
    position = 0
    for match in _ISOLATED.finditer(text):
        out += escape(text[position : match.start()])
        out += i18n.isolate_ltr(match.group(1), html=True)
        position = match.end()
    return out + escape(text[position:])


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
    return int(value.low), int(value.high)


_EN_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


class _Writer:
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
        return nowrap(self._range_text(low, high, compact=compact))

    def _range_text(self, low: PartialDate, high: PartialDate, *, compact: bool) -> Markup:
        same_year = low.year == high.year and low.precision == high.precision != "year"
        same_month = same_year and low.month == high.month and low.precision == "day"
        if self.arabic:
            if same_month:
                first = i18n.isolate_ltr(i18n.format_number(low.day or 1, self.loc), html=True)
            elif same_year and low.precision == "day":
                first = self._wrap_date(self._day_month(low))
            elif same_year:
                first = self._wrap_date(i18n.month_name(low.month or 1, self.loc))
            else:
                first = self.date(low)
            return Markup("بين {} و{}").format(first, self.date(high))
        if same_month:
            text = f"{low.day}–{self._plain_date(high)}"
            return Markup("{}{}").format("" if compact else "on ", text)
        if same_year and low.precision == "day":
            first = self._day_month(low)
        elif same_year:
            first = i18n.month_name(low.month or 1, self.loc)
        else:
            first = self._plain_date(low)
        if compact:
            return escape(f"{first} – {self._plain_date(high)}")
        return escape(f"between {first} and {self._plain_date(high)}")

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

    # ---------------------------------------------------------------- text

    def text(self, value: str | None) -> Markup:
        """Text from the data in the report's voice: house style, escaped, isolated in Arabic."""
        if value is None:
            return Markup()
        styled = house_text(value, self.loc.lang)
        return _arabic_inline(styled, self.loc) if self.arabic else escape(styled)

    def quoted(self, value: str, lang: str) -> Markup:
        """A quotation as its author wrote it: escaped (isolated when Arabic), never restyled."""
        value = _glue_dates(value)  # no-break spaces: the words are the author's
        if lang == "ar" and self.arabic:
            return _arabic_inline(value, self.loc)
        return escape(value)

    def cite_end(self, p: Any) -> Markup:
        """The markers of an end claim: the end rows' sources, without those published
        before the end began (the timetable's articles cannot show that it happened),
        unless nothing else is left."""
        rows = p.end_rows
        start = p.end.first_day() if p.end is not None else None
        ids = list(dict.fromkeys(_source_ids(rows, self.dataset, self.as_of)))

        def early(source_id: str) -> bool:
            source = self.dataset.sources.get(source_id)
            return bool(
                source and source.published and start and source.published.last_day() < start
            )

        kept = [i for i in ids if not early(i)] or ids
        for source_id in kept:
            self.citations.number(source_id)
        kept.sort(key=self.citations.number)
        return Markup("").join(self.marker(i) for i in kept)

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
            role = _sentence_case(role, _proper_words(self.dataset))
        if role:
            return Markup("{}{} {}").format(shown, "،" if self.arabic else ",", self.text(role))
        return shown

    def who(self, actor: Actor) -> Markup:
        """An actor as the subject of "said": "the Higher Military Commission (HMC)" for a
        body, «اللجنة العسكرية العليا»; a person with their rank and role."""
        if _is_body(actor) or (self.arabic and not actor.role(self.loc.lang)):
            name = self.text(actor.name(self.loc.lang))
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

    def fem(self, actor: Actor | None) -> bool:
        """Arabic gender of an actor's name, for the verb: اللجنة «أعلنت»، المحمداوي «أعلن»."""
        return actor is not None and _arabic_feminine(actor.name("ar"))

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

    def start_phrase(self, phase_id: str) -> tuple[Markup, ...] | None:
        """How a phase's start is told when its date is not the phase's own beginning
        (``start_phrases`` in ``labels/house_style.json``): "US air strikes against ISIS in
        Iraq began" for the coalition's mission, whose data start is the first strike."""
        phrase = _house_style().get("start_phrases", {}).get(phase_id, {}).get(self.loc.lang)
        return tuple(self.text(part) for part in phrase) if phrase else None

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
        return self.text(_sentence_case(role, _proper_words(self.dataset)))

    def rich(self, fragment: Markup) -> Markup:
        """Sanitised HTML (commentary) with the report's digits and isolation."""
        return _localize_html(fragment, self.loc)


# --------------------------------------------------------------------------- phases


@dataclass(frozen=True)
class _PhaseView:
    """What the templates need about one phase, decided here rather than in wording."""

    state: PhaseState
    #: The status the text reports (the model's, read against the coverage end).
    status: str
    #: The title for running text ("the coalition mission at …"; Arabic as it is).
    name: str | Markup
    #: The same, capitalised to open a sentence.
    Name: str | Markup
    #: Arabic grammatical gender of the title: verbs and pronouns agree with it.
    fem: bool
    start: Any
    #: The start is the day the exit timetable was set, not a beginning: "under the
    #: timetable set on 27 September 2024, … was due to end by …".
    timetable: bool
    #: The end as recorded (a date or a range), None while no end is known.
    end: Any
    #: The end is an official's declaration, not an observed departure.
    declared: bool
    deadline: Deadline | None
    #: ``firm`` | ``conditional`` | ``minimum`` (the deadline in force's terms).
    terms: str
    #: The first deadline of a revised chain (None when the deadline never moved).
    original: Deadline | None
    revisions: tuple[Deadline, ...]
    #: Rows that record the end (a withdrawal or handover on the end date), else the phase.
    end_rows: tuple[Event, ...]
    #: For an ended phase whose deadline moved: days from the original due date to the end.
    days_after_original: Any
    #: Days from the deadline to the known-through date, for an overdue phase.
    days_overdue: Any
    #: The phase ended on the deadline's very day ("as planned").
    on_the_day: bool
    #: ``after_coverage`` | ``end_in_range`` for an unknown status, else None.
    unknown_reason: str | None
    #: The recorded end's range while the report's date falls inside it.
    pending_end: Any
    #: ``state.status`` in ("upcoming", "ongoing") with a deadline ahead.
    pending: bool
    #: Reported in the past tense: the phase has ended or its deadline has passed.
    past: bool
    #: Who declared a declared end (the end row's actor), for "X said on … that …".
    declarer: Actor | None = None
    #: The row that declared it (its date is the declaration's).
    declaration: Event | None = None


def _proper_words(dataset: Dataset) -> frozenset[str]:
    """First words of site and actor names: a label starting with one keeps its capital."""
    names = [site.name_en for site in dataset.sites.values()]
    names += [actor.name_en for actor in dataset.actors.values()]
    return frozenset(name.split()[0] for name in names if name.split())


def _sentence_case(label: str, proper: frozenset[str]) -> str:
    """A label as it reads inside a sentence: "Adviser to the Prime Minister" → "adviser …".

    Only a label in sentence case loses its first capital: one whose first word is
    plain (not an acronym, not a name from the data or a word built on one, such
    as "Iraqi") and whose second word is lower-case. Title-case labels ("National
    Security Adviser of Iraq", "Chief Pentagon spokesman") are left as written.
    """
    words = label.split()
    if not words:
        return label
    first = words[0]
    bare = re.sub(r"['’]s$", "", first)
    plain = first[:1].isupper() and not any(c.isupper() or c.isdigit() for c in first[1:])
    named = any(bare.startswith(word) for word in proper)
    second_lower = len(words) == 1 or words[1][:1].islower()
    if plain and not named and second_lower:
        return label[:1].lower() + label[1:]
    return label


def _english_names(title: str, proper: frozenset[str]) -> tuple[str, str]:
    """("the coalition mission at X", "The coalition mission at X") from a title.

    Titles are written as labels ("Coalition mission at Ain al-Asad Air Base"); in
    running text they go into sentence case (:func:`_sentence_case`) and take
    "the", unless they open with a possessive ("UNAMI's final mandate") or an
    article of their own.
    """
    title = _apply_house_names(title, "en")
    first = title.split()[0] if title.split() else ""
    running = _sentence_case(title, proper)
    bare = re.sub(r"['’]s$", "", first)
    possessive = bare != first
    common = (
        first[:1].isupper()
        and not any(c.isupper() or c.isdigit() for c in first[1:])
        and not any(bare.startswith(word) for word in proper)
    )
    if possessive and common:  # "Coalition's Erbil-based mission" → "the coalition's …"
        running = f"the {first.lower()}{title[len(first) :]}"
    elif first.lower() not in {"the", "a", "an"} and not possessive:
        running = f"the {running}"
    return running, running[:1].upper() + running[1:]


def _arabic_feminine(title: str) -> bool:
    words = title.split()
    first = words[0].strip("«»\"'()") if words else ""
    return first.endswith(("ة", "ات"))


def _date_key(event: Event) -> tuple[dt.date, dt.date, int]:
    """When a row happened; a deadline "happens" when it is announced, not when due."""
    when = event.announced if event.kind == "deadline" else event.start
    return (when.first_day(), when.last_day(), event.line)


def _end_rows(state: PhaseState, tl: Timeline) -> tuple[Event, ...]:
    """The withdrawals or handovers of the phase on its end date (within it, for a range)."""
    end = state.phase.end
    if end is None:
        return (state.phase,)
    rows = tuple(
        e
        for e in tl.visible
        if e.phase == state.id
        and e.kind in {"withdrawal", "handover"}
        and (
            e.start == end
            or (
                _is_range(end)
                and end.first_day() <= e.start.first_day()
                and e.start.last_day() <= end.last_day()
            )
        )
    )
    return rows or (state.phase,)


def _terms(deadline: Deadline | None) -> str:
    return deadline.terms if deadline is not None else "firm"


def _phase_view(
    state: PhaseState, tl: Timeline, writer: _Writer, proper: frozenset[str]
) -> _PhaseView:
    phase = state.phase
    if writer.arabic:
        name = Name = writer.text(phase.title_ar)
    else:
        name, Name = _english_names(phase.title_en, proper)
    history = state.history
    slipped = len(history) > 1
    terms = _terms(state.deadline)
    status, reason = state.status, state.unknown_reason
    ended = state.end is not None and status != "unknown"
    end_value = state.end_value or phase.end
    after_original = None
    if slipped and ended:
        past_original = state.days_past_original(tl.as_of)
        after_original = past_original if _bounds(past_original) else None
    first = history[0] if history else None
    timetable = bool(
        first is not None
        and first.event.announced == phase.start
        and phase.start.precision == "day"
    )
    end_basis = state.end_basis or phase.end_basis
    end_rows = _end_rows(state, tl) if ended else ()
    declarer = declaration = None
    if ended and end_basis == "declared":
        # The row on the end's (last) day with an actor says who declared it.
        last = end_value.last_day() if end_value is not None else None
        for row in end_rows:
            if row.actor and row.start.last_day() == last and writer.actor(row.actor):
                declarer, declaration = writer.actor(row.actor), row
                break
    on_the_day = bool(
        ended
        and state.deadline is not None
        and not _is_range(end_value)
        and state.deadline.precision == "day"
        and state.end == state.deadline.due
    )
    return _PhaseView(
        state=state,
        status=status,
        name=name,
        Name=Name,
        fem=_arabic_feminine(phase.title_ar),
        start=state.start_value or phase.start,
        timetable=timetable,
        end=end_value if ended else None,
        declared=ended and end_basis == "declared",
        deadline=state.deadline,
        terms=terms,
        original=history[0] if slipped else None,
        revisions=history[1:] if slipped else (),
        end_rows=end_rows,
        days_after_original=after_original,
        days_overdue=state.days_overdue,
        on_the_day=on_the_day,
        unknown_reason=reason if status == "unknown" else None,
        pending_end=end_value if status == "unknown" and reason == "end_in_range" else None,
        pending=status in {"upcoming", "ongoing"} and state.days_until_deadline is not None,
        past=ended or status in {"overdue", "unknown", "past_soft_deadline"},
        declarer=declarer,
        declaration=declaration,
    )


def _lane_latest(phases: Sequence[_PhaseView]) -> Event | None:  # pragma: no cover - unused
    """The lane's latest event, unless the paragraph already tells it (an end row)."""
    told = {e.id for p in phases for e in p.end_rows} | {p.state.id for p in phases}
    events = [
        p.state.latest_event
        for p in phases
        if p.state.latest_event is not None and p.state.latest_event.id not in told
    ]
    latest = max(events, key=_date_key) if events else None
    every = [p.state.latest_event for p in phases if p.state.latest_event is not None]
    newest = max(every, key=_date_key) if every else None
    return latest if latest is not None and latest == newest else None


def _headline_context(
    views: Sequence[_PhaseView], as_of: dt.date, cov: _CoverageView
) -> dict[str, Any]:
    """Which phases lead the headline: the coverage end when the report is well past it,
    overdue phases, recent ends, then the next two deadlines.

    Phases sharing a deadline (same due date and precision) are told in one clause.
    """
    order = {v.state.id: i for i, v in enumerate(views)}

    def deadline_key(v: _PhaseView) -> tuple[dt.date, str]:
        return (v.deadline.due, v.deadline.precision) if v.deadline else (dt.date.max, "")

    def by_deadline(v: _PhaseView) -> tuple[tuple[dt.date, str], int]:
        return (deadline_key(v), order[v.state.id])

    def grouped(items: Iterable[_PhaseView]) -> list[list[_PhaseView]]:
        return [list(g) for _, g in groupby(sorted(items, key=by_deadline), key=deadline_key)]

    overdue = [v for v in views if v.status == "overdue"]
    soft = [v for v in views if v.status == "past_soft_deadline"]
    passed_ids = {v.state.id for v in cov.passed}
    unknown = [
        v for v in views if v.status == "unknown" and not (cov.beyond and v.state.id in passed_ids)
    ]
    ended = sorted(
        (
            v
            for v in views
            if v.end is not None
            and v.state.end is not None
            and (cov.known_through - v.state.end).days <= RECENT_END_DAYS
        ),
        key=lambda v: (v.state.end, -order[v.state.id]),
        reverse=True,
    )
    groups = grouped(v for v in views if v.pending)
    return {
        "lead": cov if cov.beyond else None,
        "passed": grouped(cov.passed) if cov.beyond else [],
        "passed_count": len(cov.passed),
        "passed_soft": all(v.terms == "minimum" for v in cov.passed),
        "overdue": grouped(overdue),
        "soft": soft,
        "unknown": unknown,
        "ended": ended,
        "upcoming": groups[0] if groups else [],
        # The deadline after the next one: a reader in October 2025 wants Erbil's
        # September 2026 as well as December's UNAMI deadline.
        "later": groups[1] if len(groups) > 1 else [],
    }


# --------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class _Outlet:
    name: Markup
    markers: Markup


@dataclass(frozen=True)
class _Quote:
    """A quotation in the reader's language, with its original when that is a translation."""

    #: The text shown large, in the report's language.
    text: Markup
    #: True when ``text`` is a translation (the original is shown beneath it).
    translated: bool
    original: Markup | None
    original_lang: str


@dataclass(frozen=True)
class _Statement:
    event: Event
    actor: Actor | None
    #: The speaker as named in a byline ("Lieutenant General …, deputy …"), or None when
    #: the summary already names them.
    speaker: Markup | None
    summary: Markup | None
    outlets: tuple[_Outlet, ...]
    quote: _Quote | None


#: The kinds the events-and-statements section lists: every point event a reader
#: should be able to read about, not only in a chart's hover.
POINT_KINDS = frozenset(
    {"statement", "announcement", "agreement", "withdrawal", "handover", "incident", "milestone"}
)


def _is_statement(event: Event) -> bool:
    return event.kind in POINT_KINDS


#: The events-and-statements section lists the newest this many; the rest are counted, not shown
#: (a dataset of 100,000 statements must still give a readable report, and a fast one).
MAX_STATEMENTS = 100


def quote_original(event: Event) -> str | None:
    """Which language the quotation was said in: ``quote_original``, else the only one
    given, else Arabic (when both are given, the data's default)."""
    stated = event.quote_original
    if stated in {"ar", "en"}:
        return stated
    if event.quote_ar and event.quote_en:
        return "ar"
    if event.quote_ar:
        return "ar"
    if event.quote_en:
        return "en"
    return None


def _quote(event: Event, writer: _Writer) -> _Quote | None:
    """The quotation for this report: in the reader's language or not at all.

    An original in the other language is shown only with its translation (the
    translation large, marked as such, the original beneath it); a quotation with
    no translation into the reader's language is left out (the data-quality
    notebook lists it), so no reader meets a quotation they may not read.
    """
    original = quote_original(event)
    if original is None:
        return None
    texts = {"ar": event.quote_ar, "en": event.quote_en}
    lang = writer.loc.lang
    if original == lang:
        source = texts[lang]
        if not source:
            return None
        return _Quote(writer.quoted(source, lang), False, None, lang)
    translation, source = texts[lang], texts[original]
    if not translation or not source:
        return None
    return _Quote(writer.quoted(translation, lang), True, writer.quoted(source, original), original)


_BODY = re.compile(
    r"\(|\b(?:Department|Ministry|Governments?|Embassy|Commission|Council|Mission|Forces?"
    r"|Command|Coalition|Office|Agency|Task Force)\b",
    re.IGNORECASE,
)


def _is_body(actor: Actor) -> bool:
    """An institution rather than a person: its summary speaks for it, no byline."""
    return bool(_BODY.search(actor.name_en))


def _names_speaker(summary: str | None, actor: Actor, lang: str) -> bool:
    """True when the summary already names the speaker (by the last word of the name)."""
    if not summary:
        return False
    words = re.sub(r"\(.*?\)", "", actor.name(lang)).split()
    if not words:
        return True
    last = re.sub(r"^(?:al-|ال)", "", words[-1])
    return last.lower() in summary.lower()


def _statements(tl: Timeline, writer: _Writer) -> tuple[list[_Statement], int]:
    """The newest statements, and how many older ones are left out."""
    rows = sorted((e for e in tl.visible if _is_statement(e)), key=_date_key, reverse=True)
    omitted = max(0, len(rows) - MAX_STATEMENTS)
    lang = writer.loc.lang
    out = []
    # The newest MAX_STATEMENTS, told in chronological order (oldest first).
    for event in reversed(rows[:MAX_STATEMENTS]):
        outlets: dict[str, list[str]] = {}
        for source_id in known_sources(writer.dataset, event, tl.as_of):
            source = writer.dataset.sources.get(source_id)
            publisher = source.publisher(lang) if source else source_id
            outlets.setdefault(publisher, []).append(source_id)
        actor = writer.actor(event.actor)
        summary = event.summary(lang)
        speaker = None
        if actor is not None and not _is_body(actor) and not _names_speaker(summary, actor, lang):
            # With a summary (which says who they are) the byline is the name alone.
            speaker = writer.speaker(actor, with_role=not summary)
        out.append(
            _Statement(
                event=event,
                actor=actor,
                speaker=speaker,
                summary=writer.text(summary) if summary else None,
                outlets=tuple(
                    _Outlet(
                        nowrap(writer.text(name)),
                        Markup("").join(
                            writer.marker(i) for i in sorted(ids, key=writer.citations.number)
                        ),
                    )
                    for name, ids in outlets.items()
                ),
                quote=_quote(event, writer),
            )
        )
    return out, omitted


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class _CoverageView:
    """How far the data reach, for the text: ``Timeline.coverage`` with the phases whose
    deadline passed after it as views."""

    #: The last day the data cover (None: nothing is recorded at all).
    through: dt.date | None
    #: ``through`` at its own precision, for text ("11 February 2026", "February 2026").
    value: Any
    declared: bool
    #: min(as_of, through): day counts stop here.
    known_through: dt.date
    days_beyond: int
    #: The report is so far past the coverage end that the headline leads with it.
    beyond: bool
    #: Phases whose deadline fell in (through, as_of] with no recorded end.
    passed: tuple[_PhaseView, ...] = ()


#: Beyond this many days past the coverage end, the headline leads with it.
BEYOND_DAYS = COVERAGE_LEAD_DAYS


def _coverage(tl: Timeline) -> _CoverageView:
    """``Timeline.coverage`` for the text (None when the data record nothing at all)."""
    model = tl.coverage
    if model is None or not tl.visible:
        return _CoverageView(None, None, False, tl.as_of, 0, False)
    return _CoverageView(
        through=model.through,
        value=model.value,
        declared=model.declared,
        known_through=model.known_through,
        days_beyond=model.days_beyond,
        beyond=model.beyond,
    )


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class _SourceView:
    id: str
    number: int
    source: Source | None
    #: True when the URL is http(s) and may be a link.
    link: bool


def _source_views(dataset: Dataset, citations: _Citations) -> list[_SourceView]:
    views = []
    for source_id, number in citations.numbers.items():
        source = dataset.sources.get(source_id)
        link = source is not None and bool(_HTTP_URL.match(source.url))
        views.append(_SourceView(source_id, number, source, link))
    return views


# --------------------------------------------------------------------------- text


_BLOCKS = frozenset(
    {
        "p",
        "li",
        "ul",
        "ol",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "article",
        "div",
        "section",
        "br",
    }
)


class _TextRenderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.lists: list[str] = []
        self.quotes = 0
        #: "- " before the first line of a bulleted item, "  " before its later lines.
        self.bullet = ""

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            indent = "  " * max(len(self.lists) - 1, 0)
            quote = "> " * self.quotes
            self.lines.append(f"{indent}{self.bullet}{quote}{text}")
            if self.bullet:
                self.bullet = "  "
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _BLOCKS:
            return
        self._flush()
        if tag in {"ul", "ol"}:
            self.lists.append(tag)
        elif tag == "blockquote":
            self.quotes += 1
        elif tag == "li":
            self.bullet = "- " if self.lists and self.lists[-1] == "ul" else ""

    def handle_endtag(self, tag: str) -> None:
        if tag not in _BLOCKS:
            return
        self._flush()
        if tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
        elif tag == "li":
            self.bullet = ""
        elif tag == "blockquote":
            self.quotes = max(self.quotes - 1, 0)

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def text(self) -> str:
        self._flush()
        return "\n".join(self.lines)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: one line per block, ``- `` for list items,
    ``> `` for quotations; tags dropped, entities decoded."""
    renderer = _TextRenderer()
    renderer.feed(str(fragment).replace(WORD_JOINER, ""))
    renderer.close()
    return renderer.text()


#: Formatting a lone figure needs a writer but no data.
_EMPTY_DATASET = Dataset(
    path=Path("."),
    title="",
    title_ar="",
    sites={},
    actors={},
    sources={},
    events=(),
    data_hash="",
)


def overdue_phrase(days: int, loc: Locale) -> str:
    """The headline's "N days past" figure as plain text: "15 days", "بـ15 يومًا".

    Arabic uses بـ and the oblique case ("بيومين"), as in the headline; the
    template calls the same code, so the plural tests cover what readers see.
    """
    writer = _Writer(_EMPTY_DATASET, loc, _Citations())
    value = writer.bi(days, "day") if writer.arabic else writer.count(days, "day")
    return html_to_text(value)


# --------------------------------------------------------------------------- public


def narrative(
    dataset: Dataset,
    tl: Timeline,
    loc: Locale,
    *,
    changes: Changes | None = None,
    commentary_dir: Path | None = None,
    stale_after_days: int | None = None,
) -> Narrative:
    """Write every text section of the report as of ``tl.as_of`` in ``loc``'s language.

    ``changes`` (from :func:`analysis.timeline.compare`) adds "what changed since".
    The analyst notes are the dataset's; ``commentary_dir`` reads another directory
    (no notes when it does not exist). How far the data reach is the timeline's
    coverage: a report more than :data:`BEYOND_DAYS` past it leads with the cut-off.
    ``stale_after_days`` is accepted for older callers and ignored.
    """
    del stale_after_days
    citations = _Citations()
    writer = _Writer(dataset, loc, citations, tl.as_of)
    proper = _proper_words(dataset)
    cov = _coverage(tl)
    base = {"f": writer, "as_of": tl.as_of, "cov": cov}

    lane_views = [
        (lane, [_phase_view(state, tl, writer, proper) for state in lane.phases])
        for lane in tl.lanes
    ]
    views = [view for _, phases in lane_views for view in phases]
    by_id = {v.state.id: v for v in views}
    since = tl.coverage.deadlines_passed_since if tl.coverage is not None else ()
    passed = tuple(by_id[s.id] for s in since if s.id in by_id)
    cov = dataclasses.replace(cov, passed=passed)
    base["cov"] = cov
    first_use = _FirstUse(loc.lang)
    headline = first_use(
        _render("headline", loc, **base, **_headline_context(views, tl.as_of, cov))
    )
    confidence = _render("confidence", loc, **base)

    sites = tuple(
        SiteParagraph(
            site_id=lane.site.id,
            heading=lane.site.name(loc.lang),
            html=first_use(_render("site", loc, **base, site=lane.site, phases=phases)),
        )
        for lane, phases in lane_views
    )
    shown, omitted = _statements(tl, writer)
    statements = first_use(_render("statements", loc, **base, statements=shown, omitted=omitted))
    changes_html = None
    if changes is not None:
        context = _changes_context(changes, tl, writer, proper)
        changes_html = first_use(_render("changes", loc, **base, **context))
    freshness = None
    if cov.through is None:
        freshness = _render("freshness", loc, **base)

    notes = (
        load_commentary(commentary_dir, loc.lang, tl.as_of)
        if commentary_dir is not None
        else select_notes(dataset.commentary, loc.lang, tl.as_of)
    )
    commentary = first_use(_render("commentary", loc, **base, notes=notes)) if notes else None

    sources = _render("sources", loc, **base, sources=_source_views(dataset, citations))
    return Narrative(
        lang=loc.lang,
        headline=headline,
        sites=sites,
        statements=statements,
        changes=changes_html,
        freshness=freshness,
        commentary=commentary,
        sources=sources,
        cited=tuple(citations.numbers),
        confidence=confidence,
    )


class _FirstUse:
    """Acronyms spelled out at their first use in reading order (``first_use`` in
    ``labels/house_style.json``): "the UN Assistance Mission for Iraq (UNAMI)" once,
    "UNAMI" after. Quotations, cited titles and tags are left alone; a name already
    spelled out earlier (or in the same text) is not spelled out again. Headings
    (``<strong>``) keep the short form: the entry beneath them spells it out."""

    def __init__(self, lang: str) -> None:
        self.rules = [
            (re.compile(rule["pattern"]), rule["long"], rule["done"])
            for rule in _house_style().get("first_use", {}).get(lang, ())
        ]
        self.done: set[str] = set()

    def __call__(self, fragment: Markup) -> Markup:
        pieces = _TAG.split(str(fragment))
        quoted = 0
        for index, piece in enumerate(pieces):
            if piece.startswith("<"):
                name = re.match(r"</?\s*([a-zA-Z0-9]+)", piece)
                if name and name.group(1).lower() in {"blockquote", "cite", "q", "strong"}:
                    quoted += -1 if piece.startswith("</") else 1
                continue
            if quoted > 0 or not piece:
                continue
            for pattern, long, done in self.rules:
                if done in self.done:
                    continue
                if done in html_lib.unescape(piece):
                    self.done.add(done)
                    continue
                match = pattern.search(piece)
                if match is None:
                    continue
                replacement = str(escape(match.expand(long)))
                before = piece[: match.start()]
                if re.search(r"(?:^|[.!?]\s+)$", before) and replacement[:1].islower():
                    replacement = replacement[:1].upper() + replacement[1:]
                piece = before + replacement + piece[match.end() :]
                self.done.add(done)
            pieces[index] = piece
        return Markup("".join(pieces))


def _changes_context(
    changes: Changes, tl: Timeline, writer: _Writer, proper: frozenset[str]
) -> dict[str, Any]:
    def view(change: PhaseChange) -> dict[str, Any]:
        before = change.before
        return {
            "change": change,
            "p": _phase_view(change.after, tl, writer, proper),
            "before": before.status if before is not None else None,
        }

    ended_ids = {c.phase_id for c in changes.ended}
    return {
        "changes": changes,
        "revised": [view(c) for c in changes.revised_deadlines],
        "ended": sorted(
            (view(c) for c in changes.ended), key=lambda v: v["p"].state.end, reverse=True
        ),
        "status_changed": [
            item
            for item in (view(c) for c in changes.status_changed if c.phase_id not in ended_ids)
            if item["before"] != item["p"].status
        ],
        "new_events": sorted(changes.new_events, key=_date_key, reverse=True),
    }
