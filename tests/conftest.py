"""Shared fixtures: real files in temporary directories, built from the project's own schema."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
PROJECT_DIR = TESTS_DIR.parent
DATA_DIR = PROJECT_DIR / "data"
MINIMAL_DIR = TESTS_DIR / "fixtures" / "minimal"


#: The columns of events.csv, in the schema's order (data/datapackage.json).
EVENT_COLUMNS = [
    field["name"]
    for resource in json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))[
        "resources"
    ]
    if resource["name"] == "events"
    for field in resource["schema"]["fields"]
]

#: Keys of the shipped descriptor that describe the shipped data only, not the schema.
DATASET_ONLY_KEYS = ("coverage",)


def write_schema(target: Path) -> Path:
    """The project's datapackage.json in ``target``, without what is true of the shipped data
    only (its declared coverage): the schema for a dataset of the test's own."""
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    for key in DATASET_ONLY_KEYS:
        descriptor.pop(key, None)
    path = target / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def copy_dataset(source: Path, target: Path) -> Path:
    """A data directory in ``target``: the CSVs of ``source``, the project's schema.

    The shipped data keep their own descriptor (with its coverage declaration); any other
    source gets the schema alone (:func:`write_schema`).
    """
    shutil.copytree(source, target, dirs_exist_ok=True)
    if source.resolve() != DATA_DIR.resolve():
        write_schema(target)
    return target


def set_cell(path: Path, row_id: str, column: str, value: str, key: str = "id") -> None:
    """Rewrite one cell of a CSV file (the row whose ``key`` is ``row_id``)."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    fieldnames = list(rows[0].keys())
    hits = [r for r in rows if r[key] == row_id]
    assert hits, f"no row {row_id!r} in {path}"
    for row in hits:
        row[column] = value
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    """A CSV file from rows of cells; missing cells are empty."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in columns} for row in rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture
def minimal_data(tmp_path: Path) -> Path:
    """A small valid dataset in a temporary directory, safe to break."""
    return copy_dataset(MINIMAL_DIR, tmp_path / "data")


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Callable[[], Path]:
    """A copy of the shipped dataset in a temporary directory."""
    return lambda: copy_dataset(DATA_DIR, tmp_path / "shipped")


class _TextNodes(HTMLParser):
    """Text nodes with the chain of open elements above them."""

    VOID = frozenset({"br", "img", "hr", "meta", "link", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[tuple[str, tuple[tuple[str, dict[str, str | None]], ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.texts.append((data, tuple(self.stack)))


def text_nodes(html: str) -> list[tuple[str, tuple[tuple[str, dict[str, str | None]], ...]]]:
    """Each text node of ``html`` with the open elements above it (tag, attributes)."""
    walker = _TextNodes()
    walker.feed(html)
    walker.close()
    return walker.texts
