"""Text and HTML plumbing of the report's words: Arabic isolation of Latin runs, plain text.

Left-to-right runs inside Arabic sit in ``<bdi>``; :func:`html_to_text` turns a
narrative fragment back into plain text for golden tests and for reading.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from functools import cache
from html.parser import HTMLParser

from markupsafe import Markup, escape

from analysis import i18n
from analysis.i18n import Locale
from analysis.narrative.house import WORD_JOINER, _glue_dates

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
    renderer.feed(str(fragment).replace(WORD_JOINER, "").replace("\u200b", ""))
    renderer.close()
    return renderer.text()


# --------------------------------------------------------------------------- going back in time

#: Eastern Arabic digits, read as Western ones when dates are compared.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_PARAGRAPH = re.compile(r"<p\b[^>]*>.*?</p>", re.S)


@cache
def _month_names(loc: Locale) -> dict[str, int]:
    """Month names as the report writes them in full dates, for reading dates back."""
    names = {}
    for month in range(1, 13):
        text = i18n.format_date(dt.date(2000, month, 15), loc).translate(_DIGITS)
        names[re.sub(r"[\d\u200e\u200f\u061c]+", "", text).strip()] = month
    return names


def _day_dates(text: str, months: dict[str, int]) -> list[dt.date]:
    """The day-precision dates written in a text ("26 November 2025", «18 كانون الثاني
    2026»), in reading order; month-only dates (deadlines) are not counted."""
    text = " ".join(text.translate(_DIGITS).replace("\xa0", " ").split())
    names = "|".join(re.escape(n) for n in sorted(months, key=len, reverse=True))
    found = []
    for day, month, year in re.findall(rf"(?<!\d)(\d{{1,2}}) ({names}) (\d{{4}})(?!\d)", text):
        try:
            found.append(dt.date(int(year), months[month], int(day)))
        except ValueError:
            continue
    return found


#: How a paragraph that goes back in time opens (ROUND12 item 4): its opening words as
#: rendered, replaced by the same words after "Earlier, ".
_EARLIER = {
    "en": (re.compile(r"^(\s*)On "), r"\1Earlier, on "),
    "ar": (re.compile(r"^(\s*)و?في "), r"\1وقبل ذلك، في "),
}


def earlier(html: str, loc: Locale, as_of: dt.date, through: dt.date | None = None) -> Markup:
    """Open with "Earlier, " / «وقبل ذلك، » a paragraph whose first date precedes the
    latest date the paragraph before it has told (a location section's statements after
    the declared end: Baghdad's 26 November 2025, Ain al-Asad's 20 October 2025). Only
    day-precision dates before ``as_of`` and ``through`` count: a deadline to come is not
    something told, nor is the edition's date ("about eight months after 1 February
    2026") or its cut-off («تقف عند 31 آذار 2026»); a paragraph that does not open with its date
    ("On …", «وفي …») is left as it is."""
    html = str(html)
    months = _month_names(loc)
    limit = min(as_of, through) if through else as_of
    pattern, opening = _EARLIER[loc.lang]
    out, last, latest = [], 0, None
    for match in _PARAGRAPH.finditer(html):
        paragraph = match.group(0)
        head = re.match(r"<p\b[^>]*>", paragraph)
        assert head is not None
        dates = [d for d in _day_dates(html_to_text(paragraph), months) if d < limit]
        if dates and latest is not None and dates[0] < latest:
            body = paragraph[head.end() :]
            paragraph = head.group(0) + pattern.sub(opening, body, count=1)
        if dates:
            latest = max(dates)
        out.append(html[last : match.start()] + paragraph)
        last = match.end()
    out.append(html[last:])
    return Markup("".join(out))
