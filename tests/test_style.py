"""The house style's mechanical checks (docs/style-guide.md), on what readers see.

For the shipped data at several report dates, in both languages (and with Arabic-Indic
digits): no ASCII or English quotation marks inside Arabic text, no quotation in the
Arabic report that only a Latin-script reader can read, no word of data-keeping ("row",
«صف», "curator"…), one spelling per name (``labels/house_style.json``), footnote markers
glued to the word before them, dates that cannot split across lines, the confidence marks
explained, and curators' notes never printed.
"""

from __future__ import annotations

import html as html_lib
import re
from functools import cache
from html.parser import HTMLParser
from types import MappingProxyType

import pytest

from analysis.dataset import Dataset, Event, load_dataset
from analysis.i18n import make_locale
from analysis.narrative import Narrative, house_jargon, house_names, html_to_text, narrative
from analysis.timeline import compare, timeline
from conftest import DATA_DIR
from test_narrative import dataset_of, event

#: Before the deadlines, between them, just after the data end, and long after.
DATES = ("2025-08-01", "2025-10-15", "2026-02-01", "2026-11-30")
CASES = [(d, lang, digits) for d in DATES for lang, digits in
         (("en", "western"), ("ar", "western"), ("ar", "arabic"))]
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
LATIN_LETTER = re.compile("[A-Za-z]")


@cache
def shipped() -> Dataset:
    return load_dataset(DATA_DIR)


@cache
def written(as_of: str, lang: str, digits: str) -> Narrative:
    data = shipped()
    previous = DATES[DATES.index(as_of) - 1] if DATES.index(as_of) else None
    changes = compare(data, previous, as_of) if previous else None
    return narrative(data, timeline(data, as_of), make_locale(lang, digits=digits),
                     changes=changes)


def sections(n: Narrative) -> list[str]:
    parts = [n.headline, *(s.html for s in n.sites), n.statements]
    parts += [p for p in (n.changes, n.freshness, n.commentary) if p is not None]
    return [str(p) for p in (*parts, n.sources)]


class _Nodes(HTMLParser):
    """Text nodes with the open elements above them."""

    VOID = frozenset({"br", "img", "hr", "meta", "link", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.nodes: list[tuple[str, tuple[tuple[str, dict[str, str | None]], ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.nodes.append((data, tuple(self.stack)))


def nodes(html: str) -> list[tuple[str, tuple[tuple[str, dict[str, str | None]], ...]]]:
    parser = _Nodes()
    parser.feed(html)
    parser.close()
    return parser.nodes


def foreign(stack: tuple[tuple[str, dict[str, str | None]], ...], lang: str) -> bool:
    """Inside an element in another language, a web address, or a cited title."""
    return any(
        (attrs.get("lang") not in (None, lang)) or tag == "cite"
        or "url" in (attrs.get("class") or "").split()
        for tag, attrs in stack
    )


def quotation(stack: tuple[tuple[str, dict[str, str | None]], ...]) -> bool:
    return any(tag in {"blockquote", "cite"} for tag, _ in stack)


def reader_text(n: Narrative, lang: str, *, keep_quotes: bool = True) -> str:
    """The words the report writes in its own voice (no URLs, no other-language runs)."""
    return "\n".join(
        text for html in sections(n) for text, stack in nodes(html)
        if not foreign(stack, lang) and (keep_quotes or not quotation(stack))
    )


# --------------------------------------------------------------------------- checks


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("digits", ["western", "arabic"])
def test_no_ascii_or_english_quotation_marks_inside_arabic_text(as_of: str, digits: str) -> None:
    text = reader_text(written(as_of, "ar", digits), "ar")
    assert not re.findall(r'.{0,30}["“”].{0,30}', text)
    assert text.count("«") == text.count("»")


@pytest.mark.parametrize("as_of", DATES)
def test_every_quotation_in_the_arabic_report_is_in_arabic(as_of: str) -> None:
    html = str(written(as_of, "ar", "western").statements)
    quotes = re.findall(r"<blockquote[^>]*><p>(.*?)</p>", html)
    latin_only = [q for q in quotes if not ARABIC_LETTER.search(html_to_text(q))]
    assert latin_only == []
    english = str(written(as_of, "en", "western").statements)
    for q in re.findall(r"<blockquote[^>]*><p>(.*?)</p>", english):
        assert LATIN_LETTER.search(html_to_text(q)), q  # and English readers read English


@pytest.mark.parametrize(("as_of", "lang", "digits"), CASES)
def test_no_data_keeping_jargon_reaches_the_reader(as_of: str, lang: str, digits: str) -> None:
    text = reader_text(written(as_of, lang, digits), lang)
    found = [w for w in house_jargon(lang)
             if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE)]
    assert found == [], found


@pytest.mark.parametrize(("as_of", "lang", "digits"), CASES)
def test_one_spelling_per_name(as_of: str, lang: str, digits: str) -> None:
    text = reader_text(written(as_of, lang, digits), lang, keep_quotes=False)
    text = text.replace("\u00a0", " ")
    variants = [variant for variant, house in house_names(lang)
                if variant in text and variant not in house]
    assert variants == []


@pytest.mark.parametrize(("as_of", "lang", "digits"), CASES)
def test_footnote_markers_are_glued_to_the_word_before(as_of: str, lang: str, digits: str) -> None:
    for html in sections(written(as_of, lang, digits)):
        markers = html.count('<sup class="ref">')
        glued = re.findall(r'(.)\u2060<sup class="ref">', html, re.DOTALL)
        assert len(glued) == markers
        assert not [c for c in glued if c.isspace()]


@pytest.mark.parametrize(("as_of", "lang", "digits"), CASES)
def test_dates_never_split_across_lines(as_of: str, lang: str, digits: str) -> None:
    months = ("January|February|March|April|May|June|July|August|September|October|November|"
              "December|كانون الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين الأول|"
              "تشرين الثاني|كانون الأول")
    broken = re.compile(rf"[0-9٠-٩] (?:{months})|(?:{months}) [0-9٠-٩]{{4}}")
    for html in sections(written(as_of, lang, digits)):
        # Across tags too: «أيلول <bdi>2025</bdi>» would split as readily as plain text.
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", html))
        assert not broken.findall(text)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_confidence_marks_are_explained(lang: str) -> None:
    n = written("2026-02-01", lang, "western")
    note = html_to_text(n.sources).split("\n")[0]
    mark = {"en": "“reported”", "ar": "«وفق التقارير»"}[lang]
    assert mark in note and mark.strip("“”«»") in reader_text(n, lang).replace(note, "")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_curators_notes_never_reach_the_reader(lang: str) -> None:
    fields = Event.__dataclass_fields__
    notes = {"note_en": "The day is inferred from Wednesday.", "note_ar": "استُنتج اليوم."}
    known = {k: v for k, v in notes.items() if k in fields}
    extra = {k: v for k, v in notes.items() if k not in fields}
    cells = {**known, **({"extra": MappingProxyType(extra)} if extra else {})}
    data = dataset_of([
        event("p", "phase", "2024-01-01", **cells),
        event("d", "deadline", "2025-09", phase="p", announced="2024-02-01", **cells),
        event("s", "statement", "2025-03-01", summary_en="Said.", summary_ar="قال.", **cells),
        event("later", "incident", "2026-01-01"),
    ])
    text = narrative(data, timeline(data, "2025-10-01"), make_locale(lang)).to_text()
    assert "inferred" not in text and "استُنتج" not in text
