"""The house style's mechanical part: one spelling per name, ranks before names, glued dates.

Reads ``labels/house_style.json`` (``docs/style-guide.md`` explains it) and applies it to
the texts from the data that the report writes in its own voice.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from markupsafe import Markup

from analysis.paths import LABELS_DIR

#: The house style's mechanical part: one spelling per name, ranks, jargon.
HOUSE_STYLE_FILE = LABELS_DIR / "house_style.json"
#: Glue: a no-break space inside a date, a word joiner before a footnote marker.
NBSP = "\u00a0"
WORD_JOINER = "\u2060"


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
    # "Aug. 8, 2014" in a quotation's original (Arabic editor N28) before "August 2014"
    rf"\b(?:{_EN_MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.? \d{{1,2}}, \d{{4}}\b"
    rf"|\b\d{{1,2}} (?:{_EN_MONTHS})(?: \d{{4}})?\b|\b(?:{_EN_MONTHS}) \d{{4}}\b"
    rf"|\d{{1,2}} (?:{_AR_MONTHS})(?: \d{{4}})?|(?:{_AR_MONTHS}) \d{{4}}"
)


#: The same, across a line break of the source (Markdown wraps "23 شباط\n2026").
_DATE_ACROSS_LINES = re.compile(_DATE_IN_TEXT.pattern.replace(" ", "[ \n]"))


def _glue_dates(text: str) -> str:
    """No-break spaces inside the dates of a text: "18 January 2026" never splits, even
    when the source wrapped it over two lines."""
    return _DATE_ACROSS_LINES.sub(lambda m: re.sub("[ \n]", NBSP, m.group()), text)


#: An Arabic name's particle and the name it joins ("al-Asad", "al-Muhammadawi", "Abu-…"),
#: not inside a web address or a longer hyphenated word.
_NAME_PARTICLE = re.compile(r"(?<![\w/.-])(?:[Aa]l|[Ee]l|[Bb]in|[Ii]bn|[Aa]bu)-[A-Z][\w’']*")


#: A day range in one month ("4–10 January") and "end-September" never break at their dash
#: or hyphen (ROUND8 decision 8); the dates' own spaces are already no-break.
_GLUED_RUN = re.compile(rf"\b\d{{1,2}}–\d{{1,2}}\xa0(?:{_EN_MONTHS})\b|\bend-(?:{_EN_MONTHS})\b")


#: A rank's abbreviation and the name after it ("Lt Gen Qais", "Adm Brad"), and an outlet's
#: "Al" and the word after it ("Al Jazeera", "Al Arabiya") never break (EN nits 21–22 of
#: read 15): no-break spaces, the words unchanged.
_GLUED_WORDS = re.compile(r"(?<![\w-])(?:(?:Lt|Maj|Brig) Gen|Gen|Adm|Col|Al) (?=[A-Z])")


def _glue_names(text: str) -> str:
    """Names never break at their hyphen ("Ain al-/Asad", ROUND4 decision 7): the particle
    and the name after it in one unbreakable span. The text itself is unchanged (still
    "al-Asad" when copied or searched). ``text`` is the text of an HTML fragment, between
    tags; the result is HTML."""

    def glued(m: re.Match[str]) -> str:
        return f'<span class="nowrap" style="white-space:nowrap">{m.group()}</span>'

    text = _GLUED_WORDS.sub(lambda m: m.group().replace(" ", NBSP), text)
    return _GLUED_RUN.sub(glued, _NAME_PARTICLE.sub(glued, text))


def house_text(text: str, lang: str) -> str:
    """Text from the data as the report writes it: house spellings, the language's
    quotation marks (« » in Arabic, “ ” in English) and unbreakable dates."""
    text = _apply_house_names(text, lang)
    opening, closing = ("«", "»") if lang == "ar" else ("“", "”")
    text = _STRAIGHT_QUOTED.sub(lambda m: f"{opening}{m.group(1)}{closing}", text)
    if lang == "en":
        text = curl_apostrophes(text)
    return _glue_dates(text)


_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)|(?<=s)'(?=[\s,.;:)]|$)")
_SINGLE_QUOTED = re.compile(r"(?<![\w’])‘([^‘’]+)’(?!\w)")


def curl_apostrophes(text: str) -> str:
    """English house style: the typographic apostrophe (coalition’s, advisers’) and
    “ ” for a quotation inside the report’s own text (‘not withdrawing’ → “not
    withdrawing”)."""
    text = _APOSTROPHE.sub("’", text)
    return _SINGLE_QUOTED.sub(lambda m: f"“{m.group(1)}”", text)


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


def short_names(html: str, lang: str, seen: set[str] | None = None) -> Markup:
    """A person's full title and name once in a section, then the short form ("al-Sudani",
    «السوداني»; ``short_names`` in house_style.json, ROUND8 decision 9). ``html`` is a
    rendered section: a word of the name may sit in a no-break span. With ``seen`` (the
    long forms already given in earlier sections, updated here) the full form is given
    once across those sections, not once in each (Arabic editor N9 of read 14)."""
    html = str(html)  # plain text: a Markup slice would escape the short form's tags
    for long, short in _house_style().get("short_names", {}).get(lang, []):
        words = [rf"(?:<[^>]+>)?{re.escape(w)}(?:</[^>]+>)?" for w in long.split(" ")]
        pattern = re.compile(r"(?:\s|\xa0)+".join(words))
        found = list(pattern.finditer(html))
        glued = _glue_names(short) if lang == "en" else short
        keep = 0 if seen is not None and long in seen else 1
        for match in reversed(found[keep:]):
            html = html[: match.start()] + glued + html[match.end() :]
        if found and seen is not None:
            seen.add(long)
    return Markup(html)
