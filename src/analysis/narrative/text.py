"""Text and HTML plumbing of the report's words: Arabic isolation of Latin runs, plain text.

Left-to-right runs inside Arabic sit in ``<bdi>``; :func:`html_to_text` turns a
narrative fragment back into plain text for golden tests and for reading.
"""

from __future__ import annotations

import html as html_lib
import re
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
