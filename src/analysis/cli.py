"""The ``drawdown`` command line: the interface schedulers and analysts write to.

Exit codes: 0 success; 2 bad data or parameters (nothing written); 1 a run failed.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from analysis import __version__
from analysis.build import add_build_parser
from analysis.paths import DATA_DIR
from analysis.schedule import add_schedule_parser

EXIT_OK, EXIT_RUN_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def format_problems(problems: Sequence) -> str:
    """Every problem as a readable table: file, line, column, value, message."""
    headers = ("file", "line", "col", "column", "value", "message")
    rows = [
        (
            p.file,
            "" if p.line is None else str(p.line),
            "" if p.column_number is None else str(p.column_number),
            p.column or "",
            _printable(p.value),
            p.message,
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


def _printable(value: str | None) -> str:
    if value is None:
        return ""
    # Show invisible and control characters so the reader can find them.
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in value)
    return text if len(text) <= 32 else text[:31] + "…"


def cmd_validate(args: argparse.Namespace) -> int:
    from analysis.dataset import DataValidationError, load_dataset

    try:
        dataset = load_dataset(args.data)
    except DataValidationError as exc:
        print(f"{args.data}: {len(exc.problems)} problem(s) found\n", file=sys.stderr)
        print(format_problems(exc.problems), file=sys.stderr)
        print(
            "\nFix these in the files named above, then run 'drawdown validate' again.",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    print(f"{args.data}: valid — {dataset.summary_line()}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drawdown",
        description=textwrap.dedent(
            """\
            The coalition drawdown report: validate the sourced dataset and build
            bilingual (Arabic/English) HTML and PDF reports as of a date.

            exit codes: 0 success; 2 bad data or parameters (nothing written);
                        1 a report run failed (its notebook kept under OUT/_failed/)"""
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"drawdown {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = sub.add_parser(
        "validate",
        help="check a data directory against its datapackage.json",
        description="Check every table of a data directory. Prints every problem "
        "(file, line, column, value, what was expected) and exits 2, or prints a "
        "one-line summary and exits 0.",
    )
    validate.add_argument(
        "--data",
        type=Path,
        default=DATA_DIR,
        metavar="DIR",
        help=f"the data directory (default: {DATA_DIR}, or $DRAWDOWN_DATA)",
    )
    validate.set_defaults(func=cmd_validate)

    add_build_parser(sub)
    add_schedule_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
