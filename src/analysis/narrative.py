"""The report's words: a headline, a paragraph per site, who said what, what changed,
a freshness caution, analyst commentary and footnoted sources, in Arabic or English.

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
* **Relative time**: up to :data:`RELATIVE_DAYS_LIMIT` days a gap is told in days,
  beyond it as "about N months" (:func:`analysis.i18n.relative_months`); the site
  paragraphs give the exact days as well. Overdue and late figures are always days.
* **Lists of events are newest first** (statements, new records in "what changed").
* **Footnotes**: each sentence drawn from a row is marked with one ``[n]`` per
  source of the row, numbered in order of first citation in reading order
  (headline, sites, statements, changes, freshness); ``sources`` lists exactly
  those sources in that order.
* **Freshness** is measured from the latest *recorded* date: a deadline's due date
  passing is not news, so deadlines count by the day they were announced only
  (see :func:`latest_record`). A caution is shown when it is more than
  ``stale_after_days`` before the report's date.
* **Analyst commentary** is Markdown under the data directory's ``commentary/``
  (see ``data/commentary/README.md``), rendered by :func:`render_markdown_safe`.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
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
from analysis.paths import TEMPLATES_DIR
from analysis.timeline import Changes, Deadline, PhaseChange, PhaseState, Timeline

__all__ = [
    "RECENT_END_DAYS",
    "RELATIVE_DAYS_LIMIT",
    "TEMPLATE_DIR",
    "Commentary",
    "CommentaryError",
    "Narrative",
    "SiteParagraph",
    "html_to_text",
    "latest_record",
    "load_commentary",
    "narrative",
    "overdue_phrase",
    "render_markdown_safe",
]

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

    def to_text(self) -> str:
        """Plain text of every section: tags stripped, markers kept as ``[n]``.

        Sections are introduced by ``##`` headings and sites by ``###``. Bidi
        isolation is an HTML matter and is left out, so the text reads and diffs
        cleanly.
        """
        heads = _headings(self.lang)
        parts = [html_to_text(self.headline)]
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
    return Markup(_tidy(template.render(limit=RELATIVE_DAYS_LIMIT, **context)))


def _tidy(text: str) -> str:
    """Collapse template whitespace: sentences are written over several lines."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r" +(?=<sup class=\"ref\">)", "", text)
    text = re.sub(r" +([,.;:،؛)])", r"\1", text)
    text = re.sub(r"\( +", "(", text)
    return re.sub(r" ?(</?(?:p|li|ul|ol|blockquote|h4|article)\b[^>]*>) ?", r"\1", text)


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
            pieces.append(str(_arabic_inline(html_lib.unescape(piece), loc)))
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


def _source_ids(rows: Iterable[Event | Iterable[Event]]) -> Iterable[str]:
    for row in rows:
        for event in [row] if isinstance(row, Event) else row:
            yield from event.source_ids or (event.source_id,)


class _Writer:
    """The helpers a template calls as ``f.…``: values formatted for one locale."""

    def __init__(self, dataset: Dataset, loc: Locale, citations: _Citations) -> None:
        self.dataset = dataset
        self.loc = loc
        self.citations = citations

    @property
    def arabic(self) -> bool:
        return self.loc.lang == "ar"

    def date(self, value: PartialDate | dt.date) -> Markup:
        text = i18n.format_date(value, self.loc)
        return i18n.isolate(text, html=True) if self.arabic else escape(text)

    def num(self, n: int) -> Markup:
        text = i18n.format_number(n, self.loc)
        return i18n.isolate_ltr(text, html=True) if self.arabic else escape(text)

    def count(self, n: int, noun: str, case: Case = "nominative") -> Markup:
        return _isolates_to_html(i18n.count(n, noun, self.loc, case=case))

    def bi(self, n: int, noun: str) -> Markup:
        """Arabic بـ + a count: "بـ15 يومًا" before a figure, "بيومين" before a word."""
        counted = i18n.count(n, noun, self.loc, case="oblique")
        prefix = "ب" if counted[:1].isalpha() else "بـ"
        return _isolates_to_html(prefix + counted)

    def months(self, days: int) -> int:
        return i18n.relative_months(days)

    def text(self, value: str | None) -> Markup:
        """Text from the data, in the report's language: escaped (and isolated in Arabic)."""
        if value is None:
            return Markup()
        return _arabic_inline(value, self.loc) if self.arabic else escape(value)

    def cite(self, *rows: Event | Iterable[Event], exclude: Iterable[Event] = ()) -> Markup:
        """One ``[n]`` marker per source of the rows, in the rows' order, no repeats.

        ``exclude`` leaves out sources already marked earlier in the same sentence.
        """
        done = set(_source_ids(exclude))
        ids = [i for i in dict.fromkeys(_source_ids(rows)) if i not in done]
        return Markup("").join(self.marker(source_id) for source_id in ids)

    def marker(self, source_id: str) -> Markup:
        number = self.num(self.citations.number(source_id))
        return Markup('<sup class="ref"><a href="#src-{}">[{}]</a></sup>').format(
            source_id, number
        )

    def actor(self, actor_id: str | None) -> Actor | None:
        return self.dataset.actors.get(actor_id) if actor_id else None

    def role(self, actor: Actor) -> str | Markup | None:
        """An actor's role as it reads after the name: "Hussein Allawi, adviser to …"."""
        role = actor.role(self.loc.lang)
        if role is None or self.arabic:
            return self.text(role) if role else None
        return _sentence_case(role, _proper_words(self.dataset))

    def rich(self, fragment: Markup) -> Markup:
        """Sanitised HTML (commentary) with the report's digits and isolation."""
        return _localize_html(fragment, self.loc)


# --------------------------------------------------------------------------- phases


@dataclass(frozen=True)
class _PhaseView:
    """What the templates need about one phase, decided here rather than in wording."""

    state: PhaseState
    #: The title for running text ("the coalition mission at …"; Arabic as it is).
    name: str | Markup
    #: The same, capitalised to open a sentence.
    Name: str | Markup
    #: Arabic grammatical gender of the title: verbs and pronouns agree with it.
    fem: bool
    start: PartialDate
    end: PartialDate | None
    deadline: Deadline | None
    #: The first deadline of a revised chain (None when the deadline never moved).
    original: Deadline | None
    revisions: tuple[Deadline, ...]
    #: Rows that record the end (a withdrawal or handover on the end date), else the phase.
    end_rows: tuple[Event, ...]
    #: For an ended phase whose deadline moved: days from the original due date to the end.
    days_after_original: int | None
    #: ``state.status`` in ("upcoming", "ongoing") with a deadline ahead.
    pending: bool
    #: Reported in the past tense: the phase has ended or its deadline has passed.
    past: bool


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
    first = title.split()[0] if title.split() else ""
    running = _sentence_case(title, proper)
    if first.lower() not in {"the", "a", "an"} and not re.search(r"['’]s$", first):
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
    end = state.phase.end
    rows = tuple(
        e
        for e in tl.visible
        if e.phase == state.id and e.kind in {"withdrawal", "handover"} and e.start == end
    )
    return rows or (state.phase,)


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
    after_original = None
    if slipped and state.end is not None and state.end > history[0].due:
        after_original = (state.end - history[0].due).days
    ended = state.end is not None
    return _PhaseView(
        state=state,
        name=name,
        Name=Name,
        fem=_arabic_feminine(phase.title_ar),
        start=phase.start,
        end=phase.end if ended else None,
        deadline=state.deadline,
        original=history[0] if slipped else None,
        revisions=history[1:] if slipped else (),
        end_rows=_end_rows(state, tl) if ended else (),
        days_after_original=after_original,
        pending=state.status in {"upcoming", "ongoing"} and state.days_until_deadline is not None,
        past=ended or state.status == "overdue",
    )


def _lane_latest(phases: Sequence[PhaseState]) -> Event | None:
    events = [p.latest_event for p in phases if p.latest_event is not None]
    return max(events, key=_date_key) if events else None


def _headline_context(views: Sequence[_PhaseView], as_of: dt.date) -> dict[str, Any]:
    """Which phases lead the headline: overdue first, recent ends, the next two deadlines.

    Phases sharing a deadline (same due date and precision) are told in one clause.
    """
    order = {v.state.id: i for i, v in enumerate(views)}

    def deadline_key(v: _PhaseView) -> tuple[dt.date, str]:
        return (v.deadline.due, v.deadline.precision) if v.deadline else (dt.date.max, "")

    def by_deadline(v: _PhaseView) -> tuple[tuple[dt.date, str], int]:
        return (deadline_key(v), order[v.state.id])

    overdue = sorted((v for v in views if v.state.status == "overdue"), key=by_deadline)
    ended = sorted(
        (
            v
            for v in views
            if v.state.end is not None and (as_of - v.state.end).days <= RECENT_END_DAYS
        ),
        key=lambda v: (v.state.end, -order[v.state.id]),
        reverse=True,
    )
    pending = sorted((v for v in views if v.pending), key=by_deadline)
    groups = [list(group) for _, group in groupby(pending, key=deadline_key)]
    return {
        "overdue": [list(group) for _, group in groupby(overdue, key=deadline_key)],
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
class _Statement:
    event: Event
    actor: Actor | None
    outlets: tuple[_Outlet, ...]


def _is_statement(event: Event) -> bool:
    return event.kind == "statement" or (event.kind == "announcement" and event.actor is not None)


#: The statements section lists the newest this many; the rest are counted, not shown
#: (a dataset of 100,000 statements must still give a readable report, and a fast one).
MAX_STATEMENTS = 40


def _statements(tl: Timeline, writer: _Writer) -> tuple[list[_Statement], int]:
    """The newest statements, and how many older ones are left out."""
    rows = sorted((e for e in tl.visible if _is_statement(e)), key=_date_key, reverse=True)
    omitted = max(0, len(rows) - MAX_STATEMENTS)
    out = []
    for event in rows[:MAX_STATEMENTS]:
        outlets: dict[str, list[str]] = {}
        for source_id in event.source_ids or (event.source_id,):
            source = writer.dataset.sources.get(source_id)
            publisher = source.publisher(writer.loc.lang) if source else source_id
            outlets.setdefault(publisher, []).append(source_id)
        out.append(
            _Statement(
                event=event,
                actor=writer.actor(event.actor),
                outlets=tuple(
                    _Outlet(writer.text(name), Markup("").join(writer.marker(i) for i in ids))
                    for name, ids in outlets.items()
                ),
            )
        )
    return out, omitted


# --------------------------------------------------------------------------- freshness


def latest_record(tl: Timeline) -> tuple[PartialDate, dt.date, Event] | None:
    """The latest date the visible rows *record*, with its precision and its row.

    Unlike :attr:`Timeline.freshness`, a deadline counts only by the day it was
    announced, not by its due date: a due date passing is exactly the news a
    stale report lacks. Phase starts and ends, point events and announcements
    count once reached. Returns ``(date, last_day, row)`` or None.
    """
    best: tuple[dt.date, PartialDate, Event] | None = None
    for event in tl.visible:
        candidates = [event.announced]
        if event.kind != "deadline":
            candidates += [d for d in (event.start, event.end) if d is not None]
        for value in candidates:
            day = value.last_day()
            if day <= tl.as_of and (best is None or day > best[0]):
                best = (day, value, event)
    if best is None:
        return None
    return best[1], best[0], best[2]


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
    {"p", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "article", "div",
     "section", "br"}
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
    renderer.feed(str(fragment))
    renderer.close()
    return renderer.text()


#: Formatting a lone figure needs a writer but no data.
_EMPTY_DATASET = Dataset(
    path=Path("."), title="", title_ar="", sites={}, actors={}, sources={}, events=(),
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
    stale_after_days: int = 60,
) -> Narrative:
    """Write every text section of the report as of ``tl.as_of`` in ``loc``'s language.

    ``changes`` (from :func:`analysis.timeline.compare`) adds "what changed since".
    The analyst notes are the dataset's; ``commentary_dir`` reads another directory
    (no notes when it does not exist). A freshness caution appears when the latest
    recorded date (:func:`latest_record`) is more than ``stale_after_days`` before
    the report's date, or when nothing is recorded at all.
    """
    citations = _Citations()
    writer = _Writer(dataset, loc, citations)
    proper = _proper_words(dataset)
    base = {"f": writer, "as_of": tl.as_of}

    lane_views = [
        (lane, [_phase_view(state, tl, writer, proper) for state in lane.phases])
        for lane in tl.lanes
    ]
    views = [view for _, phases in lane_views for view in phases]
    headline = _render("headline", loc, **base, **_headline_context(views, tl.as_of))

    sites = tuple(
        SiteParagraph(
            site_id=lane.site.id,
            heading=lane.site.name(loc.lang),
            html=_render(
                "site", loc, **base, site=lane.site, phases=phases,
                latest=_lane_latest(lane.phases),
            ),
        )
        for lane, phases in lane_views
    )
    shown, omitted = _statements(tl, writer)
    statements = _render("statements", loc, **base, statements=shown, omitted=omitted)
    changes_html = None
    if changes is not None:
        context = _changes_context(changes, tl, writer, proper)
        changes_html = _render("changes", loc, **base, **context)
    freshness = _freshness(tl, loc, base, stale_after_days)

    notes = (
        load_commentary(commentary_dir, loc.lang, tl.as_of)
        if commentary_dir is not None
        else select_notes(dataset.commentary, loc.lang, tl.as_of)
    )
    commentary = _render("commentary", loc, **base, notes=notes) if notes else None

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
    )


def _changes_context(
    changes: Changes, tl: Timeline, writer: _Writer, proper: frozenset[str]
) -> dict[str, Any]:
    def view(change: PhaseChange) -> dict[str, Any]:
        return {"change": change, "p": _phase_view(change.after, tl, writer, proper)}

    ended_ids = {c.phase_id for c in changes.ended}
    return {
        "changes": changes,
        "revised": [view(c) for c in changes.revised_deadlines],
        "ended": sorted(
            (view(c) for c in changes.ended), key=lambda v: v["p"].state.end, reverse=True
        ),
        "status_changed": [view(c) for c in changes.status_changed if c.phase_id not in ended_ids],
        "new_events": sorted(changes.new_events, key=_date_key, reverse=True),
    }


def _freshness(
    tl: Timeline, loc: Locale, base: dict[str, Any], stale_after_days: int
) -> Markup | None:
    record = latest_record(tl)
    if record is None:
        return _render("freshness", loc, **base, latest=None, days=None, row=None, passed=[])
    value, day, row = record
    days = (tl.as_of - day).days
    if days <= stale_after_days:
        return None
    writer: _Writer = base["f"]
    proper = _proper_words(writer.dataset)
    passed = [
        _phase_view(state, tl, writer, proper)
        for state in tl.phases
        if state.status == "overdue" and state.deadline is not None and state.deadline.due > day
    ]
    return _render("freshness", loc, **base, latest=value, days=days, row=row, passed=passed)
