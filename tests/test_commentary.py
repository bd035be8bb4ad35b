"""Issue 15 part 4: analyst notes are read, checked and sanitised with the dataset.

A bad note is a validation problem with its file and line: ``drawdown validate`` reports
it and ``drawdown build`` stops with exit 2 before any kernel starts, writing nothing.
The narrative receives the notes, not a directory.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.commentary import Commentary, select_notes
from analysis.dataset import DataValidationError, load_dataset
from analysis.i18n import make_locale
from analysis.narrative import narrative
from analysis.timeline import timeline
from conftest import DATA_DIR

HOSTILE = """\
# Heading

Text with <script>alert(1)</script> and [a link](javascript:alert(2)) and
[a good one](https://example.org/x) <img src=x onerror=alert(3)>.
"""


def note(data: Path, name: str, text: str | bytes) -> Path:
    notes = data / "commentary"
    notes.mkdir(exist_ok=True)
    path = notes / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_notes_come_with_the_dataset_sanitised(minimal_data: Path) -> None:
    note(minimal_data, "2025-09-01-dated.en.md", HOSTILE)
    note(minimal_data, "standing.ar.md", "ملاحظة دائمة.\n")
    note(minimal_data, "README.md", "not a note")
    dataset = load_dataset(minimal_data)
    assert {(n.slug, n.lang) for n in dataset.commentary} == {("dated", "en"), ("standing", "ar")}
    dated = next(n for n in dataset.commentary if n.slug == "dated")
    html = str(dated.html).lower()
    assert "<h3>heading</h3>" in html and 'href="https://example.org/x"' in html
    for bad in ("script", "alert", "javascript:", "onerror", "<img"):
        assert bad not in html, bad
    assert dated.date is not None and dated.date.iso == "2025-09-01"
    assert "2 analyst notes" in dataset.summary_line()


def test_the_narrative_receives_the_dataset_notes(minimal_data: Path) -> None:
    events = (minimal_data / "events.csv").read_text(encoding="utf-8").splitlines()
    (minimal_data / "events.csv").write_text(  # the statement only: the notes are the point
        "\n".join(line for line in events if line.startswith(("id,", "statement-1,"))) + "\n",
        encoding="utf-8",
    )
    note(minimal_data, "2025-09-01-dated.en.md", "A dated note.\n")
    note(minimal_data, "standing.en.md", "A standing note.\n")
    dataset = load_dataset(minimal_data)
    # Removed after loading: the report still shows what was loaded (and checked).
    for path in (minimal_data / "commentary").iterdir():
        path.unlink()
    before = narrative(dataset, timeline(dataset, "2025-08-31"), make_locale("en"))
    after = narrative(dataset, timeline(dataset, "2025-09-01"), make_locale("en"))
    assert "A standing note." in str(before.commentary)
    assert "A dated note." not in str(before.commentary)
    assert "A dated note." in str(after.commentary)


def test_select_notes_orders_dated_oldest_first_then_standing() -> None:
    """A later note is a postscript to an earlier one: it follows it (ROUND4 decision 8)."""
    from analysis.dates import PartialDate

    def make(slug: str, date: str | None, lang: str = "en") -> Commentary:
        return Commentary(
            Path(f"{slug}.{lang}.md"), slug, lang, PartialDate.parse(date) if date else None, "x\n"
        )

    notes = [
        make("b", None),
        make("old", "2025-01-01"),
        make("new", "2025-06"),
        make("a", None),
        make("later", "2026-01-01"),
        make("ar", None, "ar"),
    ]
    chosen = select_notes(notes, "en", dt.date(2025, 6, 30))
    assert [n.slug for n in chosen] == ["old", "new", "a", "b"]


# name, content, the line the problem is on, words of the message
BAD_NOTES = {
    "bad date in the file name": ("2025-13-01-x.en.md", "Text.\n", None, "file name"),
    "bad date in the front matter": (
        "x.en.md",
        "date: 18 January 2026\nText.\n",
        1,
        "front matter",
    ),
    "front matter never closed": ("x.en.md", "---\ndate: 2026-01-18\nText.\n", 1, "never closed"),
    "unknown front matter key": (
        "x.en.md",
        "---\ndate: 2026-01-18\nauthor: me\n---\nText.\n",
        3,
        "'author: me' is not understood",
    ),
    "two dates that disagree": (
        "2026-01-18-x.en.md",
        "---\ndate: 2026-01-19\n---\nText.\n",
        2,
        "keep one date",
    ),
    "not UTF-8": ("x.ar.md", "سطر أول\nسطر ثانٍ\n".encode("cp1256"), 1, "is not UTF-8"),
    "a bidi override": ("x.ar.md", "سطر أول\nنص \u202eمعكوس\n", 2, "U+202E"),
    "a NUL byte": ("x.en.md", "one\ntwo\nthree\x00\n", 3, "U+0000"),
    "a citation of a source sources.csv lacks": (
        "x.en.md",
        "---\ndate: 2026-01-18\n---\nFirst [@src-a].\n\nSecond [@src-b; @no-such-source].\n",
        6,
        "[@no-such-source]",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_NOTES))
def test_a_bad_note_is_a_validation_problem_with_file_and_line(
    case: str, minimal_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, text, line, words = BAD_NOTES[case]
    note(minimal_data, name, text)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    [problem] = caught.value.problems
    assert problem.file == f"commentary/{name}" and problem.line == line
    assert words in problem.message
    assert main(["validate", "--data", str(minimal_data)]) == 2
    err = capsys.readouterr().err
    row = next(r for r in err.splitlines() if r.startswith(f"commentary/{name}"))
    assert words[:30] in row and (line is None or f"  {line} " in row)
    assert "Traceback" not in err


def test_a_bad_note_stops_the_build_before_anything_is_written(
    minimal_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It used to fail inside the kernel (exit 1); now it is exit 2 and nothing is built."""
    note(minimal_data, "x.en.md", "---\ndata: 2026-01-18\n---\nText.\n")
    out = tmp_path / "reports"
    code = main(["build", "--data", str(minimal_data), "--out", str(out), "--as-of", "2026-02-01"])
    err = capsys.readouterr().err
    assert code == 2 and "nothing was built" in err and "commentary/x.en.md" in err
    assert not out.exists()


def test_every_bad_note_is_reported_at_once(minimal_data: Path) -> None:
    note(minimal_data, "2025-13-01-a.en.md", "x\n")
    note(minimal_data, "b.ar.md", "date: soon\nx\n")
    (minimal_data / "sites.csv").write_text(
        (minimal_data / "sites.csv").read_text(encoding="utf-8").replace(",base,", ",camp,"),
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    files = sorted(p.file for p in caught.value.problems)
    assert files == ["commentary/2025-13-01-a.en.md", "commentary/b.ar.md", "sites.csv"]


def test_an_oversized_note_is_refused(minimal_data: Path) -> None:
    from analysis.commentary import MAX_NOTE_BYTES

    note(minimal_data, "big.en.md", "x" * (MAX_NOTE_BYTES + 10))
    with pytest.raises(DataValidationError, match="limit for a note"):
        load_dataset(minimal_data)


def test_the_shipped_notes_are_loaded_with_the_shipped_data() -> None:
    dataset = load_dataset(DATA_DIR)
    assert {n.lang for n in dataset.commentary} == {"en", "ar"}
    assert all("<h4>" in str(n.html) for n in dataset.commentary)


def test_a_citation_becomes_the_reports_footnote_marker_and_joins_the_sources(
    minimal_data: Path,
) -> None:
    """``[@id]`` in a note is printed as the report's own numbered marker, glued to the word
    before it, and the source is listed with the others (ROUND4 decision 8)."""
    note(minimal_data, "2025-09-01-cites.en.md", "Two counts differ [@src-b; @src-a].\n")
    note(minimal_data, "2025-09-01-cites.ar.md", "رقمان مختلفان [@src-b].\n")
    dataset = load_dataset(minimal_data)
    for lang in ("en", "ar"):
        text = narrative(dataset, timeline(dataset, "2025-09-02"), make_locale(lang))
        html = str(text.commentary)
        assert "[@" not in html
        number = text.cited.index("src-b") + 1  # numbered with the report's other markers
        marker = re.search(r'\u2060<sup class="ref"><a href="#src-src-b">\[(.*?)\]</a></sup>', html)
        assert marker and re.sub(r"<[^>]+>", "", marker[1]) == str(number), html
        assert 'id="src-src-b"' in str(text.sources)
    en = narrative(dataset, timeline(dataset, "2025-09-02"), make_locale("en"))
    html = str(en.commentary)
    assert "differ\u2060<sup" in html  # glued to the word, no space before it
    a, b = (en.cited.index(i) + 1 for i in ("src-a", "src-b"))
    assert html.index(f"[{min(a, b)}]") < html.index(f"[{max(a, b)}]")  # ascending in the cluster
    assert html.count('class="ref"') == 2


def test_a_citation_of_an_unknown_source_at_render_time_names_file_line_and_id(
    tmp_path: Path,
) -> None:
    """A notes directory read outside the dataset is checked when the report cites it."""
    from analysis.commentary import CommentaryError

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2025-09-01-x.en.md").write_text("One.\n\nTwo [@missing-id].\n", encoding="utf-8")
    dataset = load_dataset(DATA_DIR)
    with pytest.raises(CommentaryError) as caught:
        narrative(dataset, timeline(dataset, "2025-09-02"), make_locale("en"), commentary_dir=notes)
    assert caught.value.line == 3 and caught.value.value == "missing-id"
    assert "2025-09-01-x.en.md:3" in str(caught.value) and "[@missing-id]" in str(caught.value)


def test_an_arabic_title_is_followed_by_its_english_rendering_in_the_english_list(
    minimal_data: Path,
) -> None:
    """A source cited from a note is listed like any other: in the English report an Arabic
    title is followed by its English rendering (``title_en``) in square brackets; the
    Arabic report prints the title alone."""
    sources = minimal_data / "sources.csv"
    rows = sources.read_text(encoding="utf-8").splitlines()
    rows = [rows[0] + ",title_en"] + [
        row + (",An Arabic report" if row.startswith("src-b,") else ",") for row in rows[1:]
    ]
    sources.write_text("\n".join(rows) + "\n", encoding="utf-8")
    note(minimal_data, "2025-09-01-cites.en.md", "A count [@src-b].\n")
    note(minimal_data, "2025-09-01-cites.ar.md", "رقم [@src-b].\n")
    dataset = load_dataset(minimal_data)
    en = str(narrative(dataset, timeline(dataset, "2025-09-02"), make_locale("en")).sources)
    assert "«تقرير»</span> [An Arabic report]" in en
    ar = str(narrative(dataset, timeline(dataset, "2025-09-02"), make_locale("ar")).sources)
    assert "An Arabic report" not in ar
