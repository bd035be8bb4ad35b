"""The bad-input corpus (tests/corpus/, written by tests/corpus/generate.py).

Errors: `validate` and `build` exit 2 naming the file, line and column, with no
traceback and no change to the output tree. Legitimate input: it builds and renders.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from html import escape as html_escape
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.dataset import DataValidationError, load_dataset
from conftest import TESTS_DIR, write_schema

CORPUS = TESTS_DIR / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "expected.json").exists())
ERRORS = [p for p in CASES if json.loads((p / "expected.json").read_text())["verdict"] == "error"]
LEGIT = [p for p in CASES if p not in ERRORS]


def dataset_dir(case: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(case, target, ignore=shutil.ignore_patterns("expected.json"))
    write_schema(target)
    return target


def tree_hash(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_the_corpus_is_big_enough() -> None:
    assert len(ERRORS) >= 30 and len(LEGIT) >= 5


@pytest.mark.parametrize("case", ERRORS, ids=lambda p: p.name)
def test_error_case_is_refused_with_its_location(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    data = dataset_dir(case, tmp_path)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data)
    found = [
        p
        for p in caught.value.problems
        if (p.file, p.line, p.column, p.column_number, p.message)
        == (
            expected["file"],
            expected["line"],
            expected["column"],
            expected["column_number"],
            expected["message"],
        )
    ]
    assert found, "\n".join(map(str, caught.value.problems))

    assert main(["validate", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert expected["file"] in err and "Traceback" not in err

    out = tmp_path / "reports"
    (out / "2025-01-01" / "en").mkdir(parents=True)
    (out / "2025-01-01" / "en" / "drawdown-report.html").write_text("last good report")
    before = tree_hash(out)
    assert main(["build", "--data", str(data), "--out", str(out), "--as-of", "2025-10-15"]) == 2
    err = capsys.readouterr().err
    assert "nothing was built" in err and expected["file"] in err
    assert tree_hash(out) == before


@pytest.mark.parametrize("case", LEGIT, ids=lambda p: p.name)
def test_legitimate_case_loads(case: Path, tmp_path: Path) -> None:
    dataset = load_dataset(dataset_dir(case, tmp_path))
    assert len(dataset.events) == 4


@pytest.mark.slow
@pytest.mark.parametrize("case", LEGIT, ids=lambda p: p.name)
def test_legitimate_case_builds_and_renders(case: Path, tmp_path: Path) -> None:
    data = dataset_dir(case, tmp_path)
    out = tmp_path / "reports"
    code = main(
        [
            "build",
            "--data",
            str(data),
            "--out",
            str(out),
            "--as-of",
            "2025-10-15",
            "--lang",
            "en",
            "--format",
            "html",
            "--quiet",
        ]
    )
    assert code == 0
    html = (out / "2025-10-15" / "en" / "drawdown-report.html").read_text(encoding="utf-8")
    dataset = load_dataset(data)
    statement = dataset.event("statement-1")
    assert html.count("Mission at Alpha") >= 1
    exported = (out / "2025-10-15" / "timeline.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported, newline="")))
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    if statement.title_en.startswith("="):
        assert any(r["title_en"] == "'" + statement.title_en for r in rows)
        # shown as text; the house style sets straight quotes as typographic ones in prose
        shown = html.replace("\u201c", '"').replace("\u201d", '"')
        assert f"<strong>{html_escape(statement.title_en, quote=False)}</strong>" in shown
