"""The writer's phrasing helpers: house-style phrases by phase or event id, source-list
addresses and titles, and analyst notes with their citations (split from
:mod:`analysis.narrative.writer` for the 600-line rule). :class:`_Phrasing` is a mixin of
:class:`analysis.narrative.writer._Writer` and uses its ``text``, ``marker``, ``citations``,
``dataset`` and ``loc``."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from markupsafe import Markup, escape

from analysis.commentary import (
    CITATION,
    Commentary,
    check_citations,
    cited_ids,
    strip_citations,
)
from analysis.dataset import Event
from analysis.narrative.house import _house_style, curl_apostrophes
from analysis.narrative.text import _localize_html

#: A run of Arabic words in a decoded address, joined by hyphens (figures may stand between
#: them), Arabic at both ends: ``قاعدة-عين-الأسد-…-رسميا`` in
#: ``https://www.kurdistan24.net/ar/story/887928/قاعدة-عين-الأسد-…-رسميا``.
_ARABIC_RUN = re.compile(
    r"[\u0621-\u064a](?:[\u0621-\u0652\u0640\u0660-\u0669\u06af0-9-]*[\u0621-\u0652])?"
)
#: What a decoded address may hold to print decoded: printable ASCII and Arabic letters,
#: marks, tatweel and Arabic-Indic figures.
_LATIN_AND_ARABIC = re.compile(r"[!-~\u0621-\u0652\u0640\u0660-\u0669\u06af]+")

#: Where a note's citation goes while its text is localised (a private-use character).
_CITE_SLOT = "\ue000"


def _breakable(url: str) -> Markup:
    """An address that breaks only after "/", ".", "-" or "?" (ROUND10 decision 3, EN nit
    27): a ``<wbr>`` after each, none inside the scheme ("https://") or at the end; the
    stylesheet allows no other break."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    parts = re.split(r"(?<=[/.?-])(?=.)", rest)
    return escape(scheme + sep) + Markup("<wbr>").join(parts)


class _Phrasing:
    """House-style phrases, source-list rendering and analyst notes (a mixin)."""

    @staticmethod
    def inner_quotes(title: str) -> str:
        """A title printed inside «…» with «…» of its own: the inner pair becomes "…"
        (Arabic editor N10: «انتهاء المهام القتالية لقوات "التحالف" في العراق»)."""
        return title.replace("«", '"').replace("»", '"')

    @staticmethod
    def display_url(url: str) -> Markup:
        """A web address as the reader can follow it in print: in full, never cut with
        "…" (ROUND8 decision 10); percent-escapes decoded when the address reads as Latin
        text, else kept as they are (an Arabic path would print bidi-reordered: ROUND5
        decision 9). An address whose decoding would hide or add characters (spaces,
        controls, bidi marks, invalid UTF-8) is printed as it is."""
        if "%" not in url and url.isascii():
            return _breakable(url)
        try:
            decoded = unquote(url, errors="strict")
        except UnicodeDecodeError:
            return _breakable(url)
        if any(c.isspace() or not c.isprintable() or c in "\u200e\u200f" for c in decoded):
            return _breakable(url)
        if decoded.isascii():
            return _breakable(decoded)
        if not _LATIN_AND_ARABIC.fullmatch(decoded):
            return _breakable(url)
        # Each run of Arabic words prints decoded as its own right-to-left isolate
        # (ROUND9 decision 11, EN nit 31): the address reads left to right, segment by
        # segment, and each Arabic run right to left, whole; isolated, a run cannot pull
        # the figures or slashes beside it into its order (what made ROUND5 decision 9 keep
        # such addresses encoded, which printed four to six lines of "%D8%A7…": English
        # editor S2 and Arabic editor nit 13 of reads 15–16).
        out, last = Markup(), 0
        for run in _ARABIC_RUN.finditer(decoded):
            if run.start() > last:
                out += _breakable(decoded[last : run.start()])
            out += Markup('<span class="url-tail" dir="rtl" lang="ar">{}</span>').format(
                run.group()
            )
            last = run.end()
        if last < len(decoded):
            out += _breakable(decoded[last:])
        return out

    def start_phrase(self, phase_id: str) -> tuple[Markup, ...] | None:
        """How a phase's start is told when its date is not the phase's own beginning
        (``start_phrases`` in ``labels/house_style.json``): "US combat operations against ISIS in
        Iraq began" for the coalition's mission, whose data start is the first strike."""
        phrase = _house_style().get("start_phrases", {}).get(phase_id, {}).get(self.loc.lang)
        return tuple(self.text(part) for part in phrase) if phrase else None

    def renewed(self, p: Any) -> tuple[Markup, Markup, Any] | None:
        """How a phase told from its renewal begins (``renewed_phrases``, by phase id):
        "UNAMI’s mandate was renewed", " for a final 19 months", and the date, the phase
        row's ``announced`` (ROUND8 decision 9); None without both."""
        parts = _house_style().get("renewed_phrases", {}).get(p.state.id, {}).get(self.loc.lang)
        announced = getattr(p.state.phase, "announced", None)
        if not parts or announced is None:
            return None
        return self.text(parts[0]), self.text(parts[1]), announced

    def declared_phrase(self, phase_id: str) -> Markup | None:
        """What a declared end said, when "X was complete" would overstate it
        (``declared_phrases`` in ``labels/house_style.json``, by phase id): the HMC
        declared federal Iraq's bases clear, completing the FIRST phase."""
        phrase = _house_style().get("declared_phrases", {}).get(phase_id, {}).get(self.loc.lang)
        return self.text(phrase) if phrase else None

    def cited_phrase(self, key: str, phase_id: str) -> tuple[Markup, tuple[str, ...]] | None:
        """A house phrase by phase id whose ``[@source-id]`` citations join the sentence's
        own footnote cluster: the text without them, and their ids (``runs_phrases``)."""
        phrase = _house_style().get(key, {}).get(phase_id, {}).get(self.loc.lang)
        if not phrase:
            return None
        return self.text(strip_citations(phrase)), tuple(cited_ids(phrase))

    def said_phrase(self, key: str, phase_id: str, declaration: Event | None) -> Markup | None:
        """A house phrase by phase id with its markers where they stand (ROUND8 d. 1, 3):
        ``[@said]`` is the declaration's own markers, ``[@source-id]`` another source
        placing a word ("in Baghdad")."""
        phrase = _house_style().get(key, {}).get(phase_id, {}).get(self.loc.lang)
        if not phrase or declaration is None:
            return None
        said = self.cite(declaration)  # type: ignore[attr-defined]  # the writer's
        slot = "\ue00f"  # private use, like announced_frame's slots
        html = str(self.text(phrase.replace("[@said]", slot)))
        return Markup(html.replace(slot, str(said)))

    def ended_phrase(self, phase_id: str) -> Markup | None:
        """How the lead tells an end when the phase's name would make it awkward ("the
        exit … ended"): "The withdrawal from Ain al-Asad Air Base was completed"
        (``ended_phrases`` in ``labels/house_style.json``, by phase id)."""
        phrase = _house_style().get("ended_phrases", {}).get(phase_id, {}).get(self.loc.lang)
        return self.text(phrase) if phrase else None

    def completes(self, p: Any) -> bool:
        """An exit or a withdrawal "was completed"; a mission or a mandate "ended"
        (ROUND5 decision 7)."""
        title = str(p.state.phase.title_en).lower()
        return any(word in title for word in ("exit", "withdrawal", "departure"))

    def quote_via(self, event: Event) -> Markup | None:
        """Whose rendering a quotation is when it is not the speaker's own words
        (``quote_via`` in house_style.json, by event id)."""
        words = _house_style().get("quote_via", {}).get(event.id, {}).get(self.loc.lang)
        return self.text(words) if words else None

    def quote_by(self, event: Event) -> Markup | None:
        """Who said a quotation, when that is not the entry's actor as such (``quote_by`` in
        house_style.json, by event id): the commander, the office or the official."""
        words = _house_style().get("quote_by", {}).get(event.id, {}).get(self.loc.lang)
        return self.text(words) if words else None

    def announced_as(self, event: Event) -> Markup | None:
        """A later date in the speaker's own terms (``announced_as`` in house_style.json,
        by event id): the “following week”, which the desk reads as 4–10 January 2026."""
        words = _house_style().get("announced_as", {}).get(event.id, {}).get(self.loc.lang)
        return self.text(words) if words else None

    def announced_frame(
        self,
        event: Event,
        who: Markup,
        on: Markup,
        words: Markup,
        fem: bool = False,
        taken: Markup | None = None,
    ) -> Markup | None:
        """The sentence part that tells a date given in the speaker's own terms
        (``announced_as.<id>.frame`` in house_style.json): "the handover date given by
        {who} had said {on} the base would be handed over ({words}, taken here as {taken})"
        (ROUND7 d. 2, ROUND8 d. 2)."""
        entry = _house_style().get("announced_as", {}).get(event.id, {})
        frame = entry.get("frame", {}).get(self.loc.lang)
        if not frame:
            return None
        parts = {
            "{who}": who,
            "{on}": on,
            "{words}": words,
            "{taken}": taken or Markup(),
            "{gave}": Markup("حدّدته" if fem else "حدّده"),
            "{said}": Markup("قالت" if fem else "قال"),
        }
        slots = {name: chr(0xE001 + i) for i, name in enumerate(parts)}  # private use
        for name, slot in slots.items():
            frame = frame.replace(name, slot)
        html = str(self.text(frame))
        for name, slot in slots.items():
            html = html.replace(slot, str(parts[name]))
        # "{who}" may end with its role's comma ("…, deputy commander of …,"): said once
        return Markup(re.sub(r"([,،])(\s*)[,،]", r"\1\2", html))

    def note(self, note: Commentary) -> Markup:
        """An analyst note's HTML with each ``[@source-id]`` as this report's footnote
        markers (numbered with the rest; the source joins the list). An id the data do
        not hold is a :class:`CommentaryError` naming the note's file, line and id."""
        unknown = check_citations([note], self.dataset.sources)
        if unknown:
            raise unknown[0]
        clusters: list[Markup] = []
        pieces = [
            piece if piece.startswith("<") else self._slot_citations(piece, clusters)
            for piece in re.split(r"(<[^>]*>)", str(note.html))
        ]
        slots = iter(clusters)
        html = str(self.rich(Markup("".join(pieces))))
        return Markup(re.sub(_CITE_SLOT, lambda _: str(next(slots)), html))

    def _slot_citations(self, text: str, clusters: list[Markup], *, later: bool = True) -> str:
        """``text`` with each ``[@a; @b]`` replaced by a slot character, its markers
        (numbered now, in reading order; printed ascending) appended to ``clusters``.
        Without ``later``, a source published after the report's date is left out
        (a report never cites a later article), unless it is the only one."""

        def cluster(match: re.Match[str]) -> str:
            ids = list(dict.fromkeys(i.strip().lstrip("@") for i in match["ids"].split(";")))
            if not later and self.as_of is not None:
                ids = [i for i in ids if not self._published_after(i)] or ids
            for source_id in ids:
                self.citations.number(source_id)
            ids.sort(key=self.citations.number)
            clusters.append(Markup("").join(self.marker(i) for i in ids))
            return _CITE_SLOT

        return CITATION.sub(cluster, text)

    def _published_after(self, source_id: str) -> bool:
        source = self.dataset.sources.get(source_id)
        return bool(source and source.published and source.published.first_day() > self.as_of)

    def rich(self, fragment: Markup) -> Markup:
        """Sanitised HTML (commentary) with the report's digits and isolation; in English,
        the typographic apostrophe in its text (never inside a tag)."""
        if not self.arabic:
            fragment = Markup(
                re.sub(
                    r">([^<]*)<",
                    lambda m: (
                        ">"
                        + curl_apostrophes(m.group(1).replace("&#39;", "'").replace("&#x27;", "'"))
                        + "<"
                    ),
                    str(fragment),
                )
            )
        return _localize_html(fragment, self.loc)
