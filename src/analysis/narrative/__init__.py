"""The report's words in Arabic or English: headline, sites, statements, changes, sources.

A headline, a paragraph per site, who said what, what changed, analyst commentary and
footnoted sources. This package's modules, one job each: :mod:`.house` (the house
style's mechanical part), :mod:`.text` (Arabic isolation, HTML to plain text),
:mod:`.templates` (rendering the section templates), :mod:`.writer` (values into
words, footnotes), :mod:`.views` (what is said about each phase, the headline's
context), :mod:`.sections` (statements and sources); this file composes them and
re-exports every public name.

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
  past its information's end says "This report covers events to …" once, first in the
  lede, and "Since then, … has passed: …; this report does not cover whether it ended"
  (ROUND4 decision 2); a location section tells an end the lede has told briefly, in
  other words (decision 4). Declared ends are attributed to who declared them; a later
  announced date is an announcement, never "the deadline was moved": an end is measured
  against the original deadline first.
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
import html as html_lib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from analysis.commentary import (  # notes are read with the dataset; re-exported here
    Commentary,
    CommentaryError,
    load_commentary,
    render_markdown_safe,
    select_notes,
)
from analysis.dataset import Dataset
from analysis.i18n import Locale
from analysis.narrative.house import (
    HOUSE_STYLE_FILE,
    NBSP,
    WORD_JOINER,
    _house_style,
    house_jargon,
    house_names,
    house_ranks,
    house_text,
    rank_first,
)
from analysis.narrative.house import short_names as _short_names
from analysis.narrative.names import _proper_words
from analysis.narrative.sections import (
    MAX_STATEMENTS,
    POINT_KINDS,
    _source_views,
    _statements,
    key_statements,
    last_word,
    last_word_more,
    phase_word,
    quote_original,
    split_statements,
)
from analysis.narrative.templates import RELATIVE_DAYS_LIMIT, TEMPLATE_DIR, _headings, _render
from analysis.narrative.text import _TAG, earlier, html_to_text
from analysis.narrative.views import (
    BEYOND_DAYS,
    RECENT_END_DAYS,
    _coverage,
    _date_key,
    _headline_context,
    _phase_view,
)
from analysis.narrative.writer import _Citations, _Writer, nowrap
from analysis.timeline import (
    Changes,
    PhaseChange,
    Timeline,
)

__all__ = [
    "BEYOND_DAYS",
    "HOUSE_STYLE_FILE",
    "MAX_STATEMENTS",
    "NBSP",
    "POINT_KINDS",
    "RECENT_END_DAYS",
    "RELATIVE_DAYS_LIMIT",
    "TEMPLATE_DIR",
    "WORD_JOINER",
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
    "nowrap",
    "overdue_phrase",
    "quote_original",
    "rank_first",
    "render_markdown_safe",
]

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
    lane_views = _borrow_declarers(lane_views)
    views = [view for _, phases in lane_views for view in phases]
    by_id = {v.state.id: v for v in views}
    since = tl.coverage.deadlines_passed_since if tl.coverage is not None else ()
    passed = tuple(by_id[s.id] for s in since if s.id in by_id)
    cov = dataclasses.replace(cov, passed=passed)
    base["cov"] = cov
    first_use = _FirstUse(loc.lang, dataset)
    lead_context = _headline_context(views, tl.as_of, cov)
    # The last official word on an overdue phase, said apart from the absence (decision 6).
    overdue_ids = {v.state.id for group in lead_context["overdue"] for v in group}
    lead_context["word"] = (
        phase_word(overdue_ids, tl, writer) if overdue_ids and not cov.beyond else None
    )
    headline = first_use(_render("headline", loc, **base, **lead_context))
    # A location section tells an end the lead has told briefly, in its own words
    # (ROUND4 decision 4: the lead and the body never repeat a sentence).
    told_in_lead = frozenset(v.state.id for v in lead_context["ended"])

    # In Arabic a person's full title and name once across the location sections, read
    # one after another (Arabic editor N9 of read 14); in English once in each section.
    named: set[str] | None = set() if loc.lang == "ar" else None
    sites = tuple(
        SiteParagraph(
            site_id=lane.site.id,
            heading=lane.site.name(loc.lang),
            html=first_use(
                earlier(
                    _short_names(
                        _render(
                            "site",
                            loc,
                            **base,
                            site=lane.site,
                            phases=phases,
                            told_in_lead=told_in_lead,
                            last=(last := last_word(lane.site.id, phases, tl, writer)),
                            more=last_word_more(last, writer),
                            statements=(
                                said := split_statements(
                                    key_statements(lane.site.id, tl, writer), phases, last
                                )
                            )[0],
                            late=said[1],
                        ),
                        loc.lang,
                        named,
                    ),
                    loc,
                    tl.as_of,
                    cov.known_through,
                )
            ),
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
    # The "unverified" mark is defined only if some text in this report uses it.
    shown_text = " ".join(
        str(x) for x in (headline, statements, changes_html, *(p.html for p in sites)) if x
    )
    unverified = ("غير مؤكد" if loc.lang == "ar" else "unverified") in shown_text
    confidence = _render("confidence", loc, **base, unverified=unverified)

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


def _borrow_declarers(lane_views: list[Any]) -> list[Any]:
    """A declared end with no declaration row of its own, on the day another phase's end
    was declared, is that declaration's: the Higher Military Commission's statement of
    18 January 2026 ended the first phase, the exit from Baghdad with it (ROUND5
    decision 1: "declared the exit from Baghdad complete on the same day")."""
    declared = {
        v.declaration.start: v
        for _, phases in lane_views
        for v in phases
        if v.declared and v.declarer is not None and v.declaration is not None
    }

    def borrow(v: Any) -> Any:
        other = declared.get(v.end) if v.declared and v.declarer is None else None
        if other is None:
            return v
        return dataclasses.replace(v, declarer=other.declarer, declaration=other.declaration)

    return [(lane, [borrow(v) for v in phases]) for lane, phases in lane_views]


class _FirstUse:
    """Acronyms spelled out at their first use in reading order (``first_use`` in
    ``labels/house_style.json``): "the UN Assistance Mission for Iraq (UNAMI)" once,
    "UNAMI" after. Quotations, cited titles and tags are left alone; a name already
    spelled out earlier (or in the same text) is not spelled out again. Headings
    (``<strong>``) keep the short form: the entry beneath them spells it out."""

    def __init__(self, lang: str, dataset: Dataset | None = None) -> None:
        self.rules = [
            (re.compile(rule["pattern"]), rule["long"], rule["done"])
            for rule in _house_style().get("first_use", {}).get(lang, ())
        ]
        self.done: set[str] = set()
        #: An actor named "Higher Military Commission (HMC)" is spelled out once, then
        #: "HMC" (EN nit 1: never defined twice and then not used).
        self.short: list[tuple[str, str]] = []
        for actor in dataset.actors.values() if dataset is not None else ():
            named = re.fullmatch(r"(.*\S) \(([^()\s]+)\)", actor.name(lang))
            if named:
                self.short.append((str(escape(named.group(0))), str(escape(named.group(2)))))
        self.spelled: set[str] = set()

    def _shorten(self, piece: str) -> str:
        for long, abbr in self.short:
            if long not in piece:
                continue
            if long in self.spelled:
                piece = piece.replace(long, abbr)
            else:
                first = piece.index(long) + len(long)
                piece = piece[:first] + piece[first:].replace(long, abbr)
                self.spelled.add(long)
        return piece

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
            pieces[index] = self._shorten(piece)
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
