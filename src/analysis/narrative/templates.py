"""Renders the narrative's Jinja2 section templates (``templates/narrative/<lang>/<section>.j2``).

Autoescape on, :class:`jinja2.StrictUndefined`; data reaches the templates only as
values. The output is tidied (spaces, glued dates) before it is returned.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from analysis.i18n import Locale
from analysis.narrative.house import _glue_dates, _glue_names
from analysis.narrative.text import _TAG
from analysis.paths import TEMPLATES_DIR

#: Where the section templates live: ``<lang>/<section>.j2``.
TEMPLATE_DIR = TEMPLATES_DIR / "narrative"
#: Gaps up to this many days are told in days; longer ones as "about N months".
RELATIVE_DAYS_LIMIT = 60


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
    html = ranges(_tidy(template.render(limit=RELATIVE_DAYS_LIMIT, **context)), loc.lang)
    # A citation cluster never breaks, neither before its first marker nor between two
    # (ROUND8 decision 8, reverting ROUND7 decision 7): each marker's word joiner holds.
    # A marker is glued to a figure before it with the word joiner too (Arabic editor
    # round 5, S6): a zero-width space there let "[1]–[9]" begin a line on its own.
    # Dates in the data's own text (summaries, quotations, commentary) never split either.
    pieces = _TAG.split(html)
    html = "".join(
        piece
        if piece.startswith("<")
        # a run already unbreakable (an outlet's name: "Al-Shorouk") is left as it is
        else _glue_dates(piece)
        if i and 'class="nowrap"' in pieces[i - 1]
        else _glue_names(_glue_dates(piece))
        for i, piece in enumerate(pieces)
    )
    if loc.lang == "ar":
        # Each fragment carries its own direction: JupyterLab shows it outside the
        # export template's <html dir="rtl">.
        html = f'<div lang="ar" dir="rtl">{html}</div>'
    return Markup(html)


#: One footnote marker as :meth:`analysis.narrative.writer._Writer.marker` writes it (the
#: number may sit in a ``<bdi>`` and be in Arabic-Indic digits).
_MARKER = re.compile(
    '\u2060<sup class="ref"><a href="#src-([^"]+)">\\[((?:<[^>]+>)*)([0-9\u0660-\u0669]+)'
    "((?:</[^>]+>)*)\\]</a></sup>"
)
_MARKERS = re.compile(f"(?:{_MARKER.pattern}){{3,}}")


def ranges(html: str, lang: str = "en") -> str:
    """Three or more consecutive footnote numbers as a range, "[1]–[9]" (EN nit 20),
    each end still a link to its source; "[1][2]" and "[2][5][6]" stay as they are.

    A cluster holding a range sets its groups apart with a comma glued to the group
    before and a no-break space, "[1]–[3], [10]–[15]" (ROUND9 decision 11, EN nit 8):
    one ``sup.ref``, which never breaks (report.css)."""
    sep = "، " if lang == "ar" else ", "
    head, tail = '⁠<sup class="ref">', "</sup>"

    def collapse(match: re.Match[str]) -> str:
        marks = list(_MARKER.finditer(match.group()))
        out: list[str] = []
        run: list[re.Match[str]] = []
        spans: list[bool] = []

        def flush() -> None:
            if len(run) >= 3:
                first, last = run[0], run[-1]
                out.append(
                    '<a href="#src-{}">[{}{}{}]</a>–<a href="#src-{}">[{}{}{}]</a>'.format(
                        *first.groups(), *last.groups()
                    )
                )
                spans.append(True)
            else:
                out.extend(m.group()[len(head) : -len(tail)] for m in run)
                spans.extend(False for _ in run)
            run.clear()

        for mark in marks:
            if run and int(mark.group(3)) != int(run[-1].group(3)) + 1:
                flush()
            run.append(mark)
        flush()
        if any(spans) and len(out) > 1:
            return head + sep.join(out) + tail
        return "".join(head + group + tail for group in out)

    return _MARKERS.sub(collapse, html)


def _tidy(text: str) -> str:
    """Collapse template whitespace: sentences are written over several lines.

    Only ASCII whitespace collapses: the no-break spaces inside dates stay.
    """
    text = re.sub(r"[ \t\r\n]+", " ", text).strip()
    text = re.sub(r" +(?=\u2060<sup class=\"ref\">)", "", text)
    text = re.sub(r" +([,.;:،؛)])", r"\1", text)
    text = re.sub(r"\( +", "(", text)
    return re.sub(r" ?(</?(?:p|li|ul|ol|blockquote|h4|article)\b[^>]*>) ?", r"\1", text)
