"""The statements section (who said what, with quotations) and the list of sources."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from analysis.dataset import Actor, Dataset, Event, Source
from analysis.narrative.house import _house_style
from analysis.narrative.names import _ROLE_WORDS, _is_body, _proper_words, _sentence_case
from analysis.narrative.text import _HTTP_URL
from analysis.narrative.views import _date_key
from analysis.narrative.writer import _Citations, _Writer, nowrap
from analysis.timeline import (
    Timeline,
    known_sources,
)

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
    #: Whose rendering the quotation is, when it is not the speaker's own words
    #: (``quote_via`` in labels/house_style.json, by event id): "Arabic as reported by
    #: Alsumaria, citing Rudaw" (fact-checker 7).
    via: Markup | None = None


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
    #: Who is quoted, for the line under a quotation ("— Sean Parnell, chief Pentagon
    #: spokesman"; a body by its name): the entry's actor as the report prints it, or
    #: None without an actor or a quotation (ROUND11, EN S3).
    quoted: Markup | None = None


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
    via = writer.quote_via(event)
    if original == lang:
        source = texts[lang]
        if not source:
            return None
        return _Quote(writer.quoted(source, lang), False, None, lang, via)
    translation, source = texts[lang], texts[original]
    if not translation or not source:
        return None
    return _Quote(
        writer.quoted(translation, lang), True, writer.quoted(source, original), original, via
    )


def _names_speaker(summary: str | None, actor: Actor, lang: str) -> bool:
    """True when the summary already names the speaker (by the last word of the name)."""
    if not summary:
        return False
    words = re.sub(r"\(.*?\)", "", actor.name(lang)).split()
    if not words:
        return True
    last = re.sub(r"^(?:al-|ال)", "", words[-1])
    return last.lower() in summary.lower()


def _quoted(actor: Actor | None, writer: _Writer) -> Markup | None:
    """The speaker line's words: a person with their role, a body by its name."""
    if actor is None or not actor.name(writer.loc.lang).strip():
        return None
    if _is_body(actor):
        # A body by its full name, never its acronym: "— Higher Military Commission",
        # "— US Department of Defense" (not "— HMC", "— Pentagon"; EN nits 1–2 of read 14).
        name = actor.name(writer.loc.lang)
        return writer.text(re.sub(r"\s*\([^()]*\)\s*$", "", name))
    return writer.speaker(actor)


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
        summary = event.summary(lang, cited=True)
        speaker = None
        if actor is not None and not _is_body(actor) and not _names_speaker(summary, actor, lang):
            # With a summary (which says who they are) the byline is the name alone.
            speaker = writer.speaker(actor, with_role=not summary)
        quote = _quote(event, writer)
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
                quote=quote,
                quoted=(writer.quote_by(event) or _quoted(actor, writer)) if quote else None,
            )
        )
    return out, omitted


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


# --------------------------------------------------------------------------- last word

_FIRST_SENTENCE = re.compile(r"^(.+?[a-z0-9\)’”»])\.(?=\s+[A-Z“])", re.DOTALL)
_LAST_WORD_KINDS = frozenset({"incident", "withdrawal", "handover", "statement", "announcement"})


@dataclass(frozen=True)
class LastWord:
    """The latest thing known at a location, told as one sentence of substance at the end
    of its section (ROUND3 decision 6), never as bookkeeping ("latest event recorded")."""

    event: Event
    text: Markup
    #: The sentence names its own date ("…targeted twice on the morning of 1 March 2026"):
    #: no "On 1 March 2026, " before it (ROUND8 decision 5), and it keeps its capital.
    dated: bool = False


def _names_its_date(event: Event, writer: _Writer) -> bool:
    def plain(html: str) -> str:
        text = re.sub(r"<[^>]+>", "", html).replace("\xa0", " ")
        return re.sub("[\u2066-\u2069\u200e\u200f]", "", text)

    first = re.split(r"(?<=[.؛;])\s", str(event.summary(writer.loc.lang) or ""), maxsplit=1)[0]
    return plain(str(writer.date(event.start))) in plain(first)


def last_word(
    site_id: str, phases: Sequence[Any], tl: Timeline, writer: _Writer
) -> LastWord | None:
    """The newest visible point event at the site, when it comes after every end the
    section tells (an ended phase's end rows are already told) and after the section's
    last start; its summary's first sentence."""
    told = {row.id for p in phases for row in (p.end_rows or ())}
    ends = [p.end.last_day() for p in phases if p.end is not None]
    deadlines = [p.deadline.event.start.last_day() for p in phases if p.deadline is not None]
    unknown = any(p.status == "unknown" for p in phases)
    if not (ends or unknown or deadlines):
        return None
    starts = [p.start.first_day() for p in phases if p.start is not None]
    rows = [
        e
        for e in tl.visible
        if e.site == site_id
        and e.kind in _LAST_WORD_KINDS
        and e.id not in told
        and e.summary(writer.loc.lang)
        and all(e.start.first_day() > end for end in ends)
        and all(e.start.first_day() > start for start in starts)
        # news after an end, after a deadline, or past the data's end: not background
        and (ends or unknown or any(e.start.first_day() > d for d in deadlines))
    ]
    if not rows:
        return None
    event = max(rows, key=lambda e: (e.start.last_day(), e.start.first_day()))
    if _names_its_date(event, writer):
        return LastWord(event, writer.cap(first_sentence(event, writer)), dated=True)
    return LastWord(event, first_sentence(event, writer))


@dataclass(frozen=True)
class KeyStatement:
    """A statement a location section lists (``site_statements`` in house_style.json,
    ROUND7 decisions 2, 4, 5): its row, the words, and whether they carry their own
    ``[@source-id]`` citations (else the row's sources are cited). The words are
    rendered by the template (``f.text``), so footnotes are numbered in reading order."""

    event: Event
    words: str
    cited: bool


def key_statements(site_id: str, tl: Timeline, writer: _Writer) -> list[KeyStatement]:
    """The site's key statements a report as of its date may show, oldest first."""
    lang = writer.loc.lang
    visible = {e.id: e for e in tl.visible}
    out = []
    for entry in _house_style().get("site_statements", {}).get(site_id, []):
        event, words = visible.get(entry.get("event", "")), entry.get(lang)
        if event is not None and words:
            out.append(KeyStatement(event, words, "[@" in words))
    return sorted(out, key=lambda k: _date_key(k.event))


def split_statements(
    statements: list[KeyStatement], phases: Sequence[Any], last: LastWord | None
) -> tuple[list[KeyStatement], list[KeyStatement]]:
    """A site's key statements told before its ends, and those after them, which open the
    last word's paragraph (ROUND8 decision 9: the 2 March claim with the 4 March strike,
    not with the 26 November head-count)."""
    ends = [p.end.last_day() for p in phases if p.end is not None]
    if last is None or not ends:
        return statements, []
    late = [k for k in statements if k.event.start.first_day() > max(ends)]
    return [k for k in statements if k not in late], late


def last_word_more(last: LastWord | None, writer: _Writer) -> Markup | None:
    """A sentence the section adds after its last word (``last_word_more`` in
    house_style.json, by event id): the Victoria Base caveat (ROUND7 decision 5)."""
    if last is None:
        return None
    words = _house_style().get("last_word_more", {}).get(last.event.id, {}).get(writer.loc.lang)
    return writer.text(words) if words else None


def first_sentence(event: Event, writer: _Writer) -> Markup:
    """The first sentence of a row's summary, in the report's voice, without its full stop."""
    summary = str(event.summary(writer.loc.lang, cited=True)).strip()
    if writer.arabic:
        first = re.split(r"(?<=[.؛])\s", summary, maxsplit=1)[0].rstrip(".")
    else:
        match = _FIRST_SENTENCE.match(summary)
        first = match.group(1) if match else summary.rstrip(".")
        first = _sentence_case(first, _proper_words(writer.dataset))
        # After "On 30 September 2025, ": "chief Pentagon spokesman Sean Parnell said" (a
        # description: it has a lower-case role word), but "Prime Minister Mohammed …".
        words = first.split(" ")
        if words[0].lower() in _ROLE_WORDS and any(
            w in _ROLE_WORDS and w.islower() for w in words[1:4]
        ):
            first = first[:1].lower() + first[1:]
    return writer.text(first)


def phase_word(phase_ids: set[str], tl: Timeline, writer: _Writer) -> LastWord | None:
    """The latest statement or announcement linked to one of these phases (its ``phase``
    column) that the report may show: the last official word on an overdue phase
    (ROUND5 decision 6: the Pentagon's 30 September 2025 "reduce")."""
    rows = [
        e
        for e in tl.visible
        if e.kind in {"statement", "announcement"}
        and e.phase in phase_ids
        and e.summary(writer.loc.lang)
    ]
    if not rows:
        return None
    event = max(rows, key=lambda e: (e.start.last_day(), e.start.first_day(), e.line))
    return LastWord(event, first_sentence(event, writer))
