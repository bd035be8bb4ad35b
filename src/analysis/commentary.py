"""Analyst notes: the Markdown files in a data directory's ``commentary/``, read with the data.

A note is ``YYYY-MM-DD-slug.<lang>.md`` (dated) or ``slug.<lang>.md`` (standing), or
carries a ``date: YYYY-MM-DD`` front-matter line; ``lang`` is ``en`` or ``ar``. Notes are
read, checked and sanitised when the dataset is loaded (:func:`read_notes`, called by
:func:`analysis.dataset.load_dataset`), so a bad note is a validation problem with its
file and line, reported by ``drawdown validate`` before any report runs. Each note's HTML
(:func:`render_markdown_safe`) is computed once, then; the narrative only picks the notes
a report may show (:func:`select_notes`). The data directory is a boundary here too: a
note that is a symbolic link out of it, or not a regular file, is refused unread.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from analysis.datafiles import FORBIDDEN_CHARS, UnsafeFileError, read_regular, resolve_inside
from analysis.dates import DateFormatError, PartialDate

__all__ = [
    "CITATION",
    "LANGUAGES",
    "MAX_NOTE_BYTES",
    "Commentary",
    "CommentaryError",
    "check_citations",
    "citations",
    "cited_ids",
    "load_commentary",
    "read_notes",
    "render_markdown_safe",
    "select_notes",
    "strip_citations",
    "summary_citation_problems",
]

#: The languages a note may be written in (the report's languages).
LANGUAGES = ("en", "ar")
#: A note larger than this is refused: notes are a few paragraphs.
MAX_NOTE_BYTES = 1024 * 1024

_ALLOWED_TAGS = frozenset(
    {"p", "em", "strong", "ul", "ol", "li", "a", "blockquote", "code", "br", "h3", "h4"}
)
_HTTP_URL = re.compile(r"^https?://", re.IGNORECASE)
_NOTE_FILE = re.compile(r"^(?:(?P<date>\d{4}-\d{2}-\d{2})-)?(?P<slug>.+)\.(?P<lang>[a-z]{2})\.md$")
_FRONT_LINE = re.compile(r"^(?P<key>[A-Za-z_]+):\s*(?P<value>.*?)\s*$")
#: A citation in a note's Markdown: ``[@source-id]`` or ``[@a; @b]`` (spaces before it are
#: dropped: the marker is glued to the word it follows).
CITATION = re.compile(r"\s*\[@(?P<ids>[^\]\s;@]+(?:\s*;\s*@[^\]\s;@]+)*)\]")


class CommentaryError(ValueError):
    """A note cannot be used: ``file`` (as the reader knows it), ``line`` and the fix."""

    def __init__(self, file: str, line: int | None, message: str, value: str | None = None):
        self.file, self.line, self.message, self.value = file, line, message, value
        super().__init__(f"{file}{'' if line is None else f':{line}'}: {message}")


@dataclass(frozen=True)
class Commentary:
    """One analyst note: a Markdown file in one language, dated or standing, sanitised."""

    path: Path
    slug: str
    lang: str
    #: Shown only in reports as of this date or later; None for a standing note.
    date: PartialDate | None
    markdown: str
    #: The line of the file on which ``markdown`` starts (after any front matter).
    first_line: int = 1
    #: The sanitised HTML (:func:`render_markdown_safe`), rendered once when the note is read.
    html: Markup = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "html", render_markdown_safe(self.markdown))

    def visible(self, as_of: dt.date) -> bool:
        """True when the note was written by ``as_of`` (an undated note always shows)."""
        return self.date is None or self.date.last_day() <= as_of


# --------------------------------------------------------------------------- reading


def _front_matter(text: str, file: str) -> tuple[dict[str, str], str]:
    """``---``-fenced ``key: value`` lines, or a lone first ``date:`` line."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        try:
            close = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
        except StopIteration:
            raise CommentaryError(
                file,
                1,
                "front matter opened with '---' on line 1 is never closed: "
                "add a '---' line after the 'date: YYYY-MM-DD' line",
            ) from None
        header, body, first = lines[1:close], lines[close + 1 :], 2
    elif lines and re.match(r"^date:", lines[0].strip()):
        header, body, first = lines[:1], lines[1:], 1
    else:
        return {}, text
    values: dict[str, str] = {}
    for number, line in enumerate(header, start=first):
        if not line.strip():
            continue
        match = _FRONT_LINE.match(line)
        if not match or match["key"] != "date":
            raise CommentaryError(
                file,
                number,
                f"{line.strip()!r} is not understood: the front matter "
                "holds one line, 'date: YYYY-MM-DD'",
                line.strip(),
            )
        values["date"] = match["value"]
    return values, "\n".join(body)


def _parse_note_date(value: str, file: str, where: str, line: int | None) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except DateFormatError as exc:
        message = f"the date in the {where} is wrong: {exc}"
        raise CommentaryError(file, line, message, value) from None


def _decode(raw: bytes, file: str) -> str:
    if len(raw) > MAX_NOTE_BYTES:
        raise CommentaryError(
            file,
            None,
            f"is over the {MAX_NOTE_BYTES // 1024} KB limit for a note: a note is a few paragraphs",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = f"is not UTF-8 ({exc.reason}): re-save it as UTF-8"
        raise CommentaryError(file, line, message) from None
    text = text.replace("\r\n", "\n")
    bad = FORBIDDEN_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise CommentaryError(
            file,
            line,
            f"contains the control character U+{ord(bad.group()):04X}, which would "
            "hide or reorder text: remove it",
        )
    return text


def _read_note(path: Path, name: str, file: str) -> Commentary:
    match = _NOTE_FILE.match(name)
    assert match is not None
    text = _decode(read_regular(path, MAX_NOTE_BYTES), file)
    date = _parse_note_date(match["date"], file, "file name", None) if match["date"] else None
    front, body = _front_matter(text, file)
    if "date" in front:
        line = next(
            (
                n
                for n, line in enumerate(text.split("\n"), start=1)
                if line.strip().startswith("date:")
            ),
            None,
        )
        stated = _parse_note_date(front["date"], file, "front matter", line)
        if date is not None and stated != date:
            raise CommentaryError(
                file,
                line,
                f"the file name says {date} but the front matter says {stated}: keep one date",
                front["date"],
            )
        date = stated
    offset = text.count("\n") - body.count("\n")  # lines of front matter before the body
    skipped = len(body) - len(body.lstrip())
    first = 1 + offset + body.count("\n", 0, skipped)
    return Commentary(
        path, match["slug"], match["lang"], date, body.strip() + "\n", first_line=first
    )


def citations(note: Commentary) -> list[tuple[int, str]]:
    """The ``(line, source id)`` of every ``[@source-id]`` in a note, in reading order."""
    found = []
    for match in CITATION.finditer(note.markdown):
        line = note.first_line + note.markdown.count("\n", 0, match.start("ids"))
        found.extend((line, i.strip().lstrip("@")) for i in match["ids"].split(";"))
    return found


def _note_file(note: Commentary) -> str:
    return f"{note.path.parent.name}/{note.path.name}"


def check_citations(
    notes: Iterable[Commentary], known: Iterable[str], *, file: str | None = None
) -> list[CommentaryError]:
    """A problem for every citation of a source id not in ``known`` (the ids of
    ``sources.csv``), naming the note's file, the line and the id."""
    known = set(known)
    return [
        CommentaryError(
            file or _note_file(note),
            line,
            f"cites [@{source_id}], but sources.csv has no source with the id "
            f"{source_id!r}: add the source (and its event_sources rows) or fix the id",
            source_id,
        )
        for note in notes
        for line, source_id in citations(note)
        if source_id not in known
    ]


def cited_ids(text: str) -> list[str]:
    """The source ids of every ``[@source-id]`` in a text, in reading order."""
    return [
        i.strip().lstrip("@") for match in CITATION.finditer(text) for i in match["ids"].split(";")
    ]


def strip_citations(text: str) -> str:
    """A text (an event's summary) without its ``[@source-id]`` citations: for chart
    hovers, alt text and analyst tables, where footnote markers mean nothing."""
    return CITATION.sub("", text)


def summary_citation_problems(
    rows: Iterable[tuple[int, Mapping[str, str]]], known: Iterable[str]
) -> list[tuple[int, str, str, str]]:
    """``(line, column, id, message)`` for every ``[@source-id]`` in an event's
    ``summary_en``/``summary_ar`` that names no source of ``sources.csv``."""
    known = set(known)
    return [
        (
            line,
            column,
            source_id,
            f"cites [@{source_id}], but sources.csv has no source with the id "
            f"{source_id!r}: add the source or fix the id",
        )
        for line, row in rows
        for column in ("summary_en", "summary_ar")
        for source_id in cited_ids(row.get(column) or "")
        if source_id not in known
    ]


def _note_names(directory: Path) -> list[str]:
    names = []
    for entry in sorted(directory.iterdir()):
        match = _NOTE_FILE.match(entry.name)
        if match and match["lang"] in LANGUAGES:
            names.append(entry.name)
    return names


def read_notes(
    root: Path,
    subdir: str = "commentary",
    *,
    label: str | None = None,
    sources: Iterable[str] | None = None,
) -> tuple[tuple[Commentary, ...], list[CommentaryError]]:
    """Every note in ``root/subdir``: the notes that are good, and a problem for each bad one.

    ``root`` is the (resolved) data directory: the notes directory and each note must
    resolve inside it. Files that are not ``*.en.md`` or ``*.ar.md`` (the README) are
    ignored; a missing directory holds no notes. ``label`` is how messages name the
    directory (default: ``subdir``). With ``sources`` (the ids of ``sources.csv``), a
    citation of any other id is a problem (:func:`check_citations`).
    """
    prefix = label if label is not None else subdir
    try:
        directory = resolve_inside(root, subdir) if subdir else root
    except UnsafeFileError as exc:
        return (), [CommentaryError(prefix, None, f"the notes directory {exc}")]
    if not directory.is_dir():
        return (), []
    notes: list[Commentary] = []
    problems: list[CommentaryError] = []
    for name in _note_names(directory):
        file = f"{prefix}/{name}" if prefix else name
        try:
            path = resolve_inside(root, f"{subdir}/{name}" if subdir else name)
            note = _read_note(path, name, file)
            if sources is not None:
                unknown = check_citations([note], sources, file=file)
                if unknown:
                    problems.extend(unknown)
                    continue
            notes.append(note)
        except UnsafeFileError as exc:
            problems.append(CommentaryError(file, None, str(exc)))
        except FileNotFoundError:
            continue  # removed while reading the directory
        except CommentaryError as exc:
            problems.append(exc)
    return tuple(notes), problems


def select_notes(notes: Iterable[Commentary], lang: str, as_of: dt.date) -> list[Commentary]:
    """The notes in ``lang`` that a report as of ``as_of`` may show, in reading order.

    A dated note appears only in reports as of its date or later: no leak from the
    future. Dated notes come oldest first (a later note is a postscript to an earlier
    one), then standing ones by name.
    """
    shown = [n for n in notes if n.lang == lang and n.visible(as_of)]
    dated = [n for n in shown if n.date is not None]
    dated.sort(key=lambda n: (n.date.last_day() if n.date else dt.date.min, n.slug))
    standing = sorted((n for n in shown if n.date is None), key=lambda n: n.path.name)
    return dated + standing


def load_commentary(commentary_dir: Path | str, lang: str, as_of: dt.date) -> list[Commentary]:
    """The notes of a directory in ``lang`` that a report as of ``as_of`` may show.

    For a directory outside a dataset (a dataset's notes are ``Dataset.commentary``).
    The first bad note raises :class:`CommentaryError` naming the file.
    """
    directory = Path(commentary_dir)
    if not directory.is_dir():
        return []
    root = directory.resolve()
    notes, problems = read_notes(root, "", label=str(directory))
    if problems:
        raise problems[0]
    return select_notes(notes, lang, as_of)


def notes_summary(notes: Sequence[Commentary]) -> str:
    """ "2 notes (en, ar)" for the dataset's one-line summary."""
    langs = sorted({n.lang for n in notes}, key=LANGUAGES.index)
    return f"{len(notes)} note(s) ({', '.join(langs)})" if notes else "no notes"


# --------------------------------------------------------------------------- sanitising


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML is parsed (html=True) only so that its tokens can be dropped: with
    # html=False markdown-it would print "<img onerror=…>" as visible text.
    md = MarkdownIt("commonmark", {"html": True})
    md.disable("image")
    # Every link reaches _drop_unsafe; a rejected one would stay as literal text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def _drop_unsafe(tokens: list[Token]) -> list[Token]:
    """Remove raw HTML, unwrap non-http(s) links, and move headings to h3/h4."""
    kept = []
    for token in tokens:
        if token.type in {"html_block", "html_inline"}:
            continue
        if token.type in {"heading_open", "heading_close"}:
            token.tag = "h3" if token.tag in {"h1", "h2"} else "h4"
        if token.children is not None:
            token.children = _drop_unsafe_inline(token.children)
        kept.append(token)
    return kept


#: Raw HTML elements whose content is code or hidden, never text for the reader. Inline, the
#: tags arrive as separate tokens with the content between them as text: when the tags are
#: dropped the content must go too, or "<script>alert(1)</script>" would show "alert(1)".
_HIDDEN_CONTENT_TAGS = frozenset(
    {"script", "style", "template", "title", "noscript", "iframe", "noembed", "noframes"}
)
_HTML_TAG = re.compile(r"^<(/?)([A-Za-z][A-Za-z0-9-]*)")


def _track_hidden(raw: str, hidden: list[str]) -> None:
    """Update the stack of open hidden-content elements with one raw inline HTML tag."""
    match = _HTML_TAG.match(raw)
    if not match or match[2].lower() not in _HIDDEN_CONTENT_TAGS:
        return
    name = match[2].lower()
    if match[1]:  # a closing tag closes the innermost element of its name, if any is open
        if name in hidden:
            del hidden[len(hidden) - 1 - hidden[::-1].index(name) :]
    elif not raw.rstrip().endswith("/>"):
        hidden.append(name)


def _drop_unsafe_inline(tokens: list[Token]) -> list[Token]:
    kept: list[Token] = []
    dropping: list[str] = []  # a stack of "unwrap"/"remove"/"keep" for open links
    hidden: list[str] = []  # open raw <script>, <style> …: their content is dropped too
    for token in tokens:
        if token.type == "html_inline":
            _track_hidden(token.content, hidden)
            continue
        if token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            if _HTTP_URL.match(href) and not hidden:
                dropping.append("keep")
                kept.append(token)
            else:
                dropping.append("remove" if token.info == "auto" else "unwrap")
            continue
        if token.type == "link_close":
            if dropping and dropping.pop() == "keep":
                kept.append(token)
            continue
        if "remove" in dropping or (hidden and token.nesting == 0):
            continue  # inside hidden content only the text goes: emphasis stays balanced
        kept.append(token)
    return kept


def render_markdown_safe(text: str) -> Markup:
    """Markdown → HTML that cannot run anything: no raw HTML, no script, no javascript:.

    markdown-it-py renders CommonMark with raw HTML removed and images disabled;
    links other than http(s) lose their link (the text stays). nh3 then keeps only
    p, em, strong, ul, ol, li, a[href http/https], blockquote, code, br, h3 and h4,
    adding ``rel="noopener noreferrer"`` to links.
    """
    md = _markdown()
    tokens = _drop_unsafe(md.parse(text))
    rendered = md.renderer.render(tokens, md.options, {})
    clean = nh3.clean(
        rendered,
        tags=set(_ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        url_relative="deny",
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(clean.strip())
