"""Text for the terminal: problem tables and every echoed value made safe to print.

A value echoed back to the user (a parameter, a path, an error from a notebook) may hold
control characters: an ESC sequence would clear the screen or rewrite earlier lines, a
newline would forge a line of its own. :func:`printable` shows them as escapes instead.
"""

from __future__ import annotations

from collections.abc import Sequence


def printable(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` with control and invisible characters shown as ``\\uXXXX`` escapes."""
    out = []
    for char in str(text):
        if char.isprintable() or (keep_newlines and char == "\n"):
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)


def _cell(value: str | None) -> str:
    if value is None:
        return ""
    text = printable(value)
    return text if len(text) <= 32 else text[:31] + "…"


def format_problems(problems: Sequence) -> str:
    """Every problem as a readable table: file, line, column, value, message."""
    headers = ("file", "line", "col", "column", "value", "message")
    rows = [
        (
            printable(p.file),
            "" if p.line is None else str(p.line),
            "" if p.column_number is None else str(p.column_number),
            printable(p.column or ""),
            _cell(p.value),
            printable(p.message, keep_newlines=True),
        )
        for p in problems
    ]
    widths = [min(max(len(r[i]) for r in [headers, *rows]), 32) for i in range(5)]
    lines = []
    for row in [headers, *rows]:
        cells = [row[i][: widths[i]].ljust(widths[i]) for i in range(5)]
        lines.append("  ".join([*cells, row[5]]))
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 7)
    return "\n".join(lines)
