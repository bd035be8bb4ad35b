"""Every validation rule of the data contract, each with a broken file and its exact message."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.cli import main
from analysis.dataset import DataValidationError, Problem, load_dataset
from conftest import MINIMAL_DIR, copy_dataset, set_cell

Breaker = Callable[[Path], None]


def edit(file: str, row_id: str, column: str, value: str, key: str = "id") -> Breaker:
    return lambda d: set_cell(d / file, row_id, column, value, key)


def replace_text(file: str, old: str, new: str) -> Breaker:
    def apply(d: Path) -> None:
        text = (d / file).read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        (d / file).write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def write_bytes(file: str, data: bytes) -> Breaker:
    return lambda d: (d / file).write_bytes(data)


def encode_as(file: str, encoding: str) -> Breaker:
    return lambda d: (d / file).write_bytes((d / file).read_text(encoding="utf-8").encode(encoding))


# Line numbers are CSV lines: the header is line 1, phase-alpha line 2, deadline-alpha
# line 3, deadline-alpha-2 line 4, statement-1 line 5 (see tests/fixtures/minimal).
CASES: dict[str, tuple[Breaker, Problem]] = {
    "missing required column": (
        replace_text("sites.csv", "id,name_en,name_ar,kind", "id,name_en,kind"),
        Problem(
            "sites.csv",
            1,
            "name_ar",
            None,
            "required column is missing from the header (columns: id, name_en, kind, lat, lon)",
        ),
    ),
    "unknown column": (
        replace_text("actors.csv", "role_en,role_ar", "role_en,rank"),
        Problem(
            "actors.csv",
            1,
            "rank",
            None,
            "unknown column: not in the 'actors' schema of datapackage.json; "
            "declare it there to carry an extra column through",
            5,
        ),
    ),
    "misspelt column": (
        replace_text("actors.csv", "role_en,role_ar", "role_en,role_arr"),
        Problem(
            "actors.csv",
            1,
            "role_arr",
            None,
            "unknown column: not in the 'actors' schema of datapackage.json "
            "(did you mean 'role_ar'?); declare it there to carry an extra column through",
            5,
        ),
    ),
    "number type": (
        edit("sites.csv", "alpha", "lat", "north"),
        Problem("sites.csv", 2, "lat", "north", "is not a number", 5),
    ),
    "number range": (
        edit("sites.csv", "alpha", "lat", "133.8"),
        Problem("sites.csv", 2, "lat", "133.8", "is above the maximum 90", 5),
    ),
    "month 13": (
        edit("events.csv", "deadline-alpha", "start", "2025-13"),
        Problem("events.csv", 3, "start", "2025-13", "'2025-13': month 13 is not 01-12", 5),
    ),
    "unpadded date": (
        edit("events.csv", "phase-alpha", "start", "2025-9-1"),
        Problem(
            "events.csv",
            2,
            "start",
            "2025-9-1",
            "'2025-9-1' is not a date: expected YYYY-MM-DD, YYYY-MM or YYYY",
            5,
        ),
    ),
    "day-first date": (
        edit("events.csv", "statement-1", "start", "31/08/2021"),
        Problem(
            "events.csv",
            5,
            "start",
            "31/08/2021",
            "'31/08/2021' is not a date: expected YYYY-MM-DD, YYYY-MM or YYYY",
            5,
        ),
    ),
    "impossible day": (
        edit("events.csv", "statement-1", "start", "2025-02-29"),
        Problem(
            "events.csv",
            5,
            "start",
            "2025-02-29",
            "'2025-02-29': day 29 is not in 2025-02 (01-28)",
            5,
        ),
    ),
    "end before start": (
        edit("events.csv", "phase-alpha", "end", "2024-09-26"),
        Problem("events.csv", 2, "end", "2024-09-26", "is before the start 2024-09-27", 6),
    ),
    "end on a point event": (
        edit("events.csv", "statement-1", "end", "2025-08-19"),
        Problem(
            "events.csv",
            5,
            "end",
            "2025-08-19",
            "only phases have an end; this row is a statement",
            6,
        ),
    ),
    "unknown kind": (
        edit("events.csv", "statement-1", "kind", "speech"),
        Problem(
            "events.csv",
            5,
            "kind",
            "speech",
            "is not one of the allowed values: agreement, announcement, statement, deadline, "
            "phase, withdrawal, handover, incident",
            2,
        ),
    ),
    "unknown status": (
        edit("events.csv", "statement-1", "status", "done"),
        Problem(
            "events.csv",
            5,
            "status",
            "done",
            "is not one of the allowed values: planned, in_progress, completed, cancelled, "
            "superseded",
            10,
        ),
    ),
    "unknown confidence": (
        edit("events.csv", "statement-1", "confidence", "certain"),
        Problem(
            "events.csv",
            5,
            "confidence",
            "certain",
            "is not one of the allowed values: confirmed, reported, unverified",
            11,
        ),
    ),
    "unknown language": (
        edit("sources.csv", "src-a", "language", "fr"),
        Problem("sources.csv", 2, "language", "fr", "is not one of the allowed values: ar, en", 7),
    ),
    "duplicate id": (
        edit("events.csv", "statement-1", "id", "phase-alpha"),
        Problem("events.csv", 5, "id", "phase-alpha", "duplicate: already used on line 2", 1),
    ),
    "id not a slug": (
        edit("events.csv", "statement-1", "id", "Statement 1"),
        Problem(
            "events.csv",
            5,
            "id",
            "Statement 1",
            "is not a valid id: use lower-case letters, digits and '-' only",
            1,
        ),
    ),
    "dangling site": (
        edit("events.csv", "statement-1", "site", "gamma"),
        Problem(
            "events.csv",
            5,
            "site",
            "gamma",
            "refers to no row of sites.csv: expected an existing id",
            3,
        ),
    ),
    "dangling actor": (
        edit("events.csv", "statement-1", "actor", "spokesmen"),
        Problem(
            "events.csv",
            5,
            "actor",
            "spokesmen",
            "refers to no row of actors.csv: expected an existing id (did you mean 'spokesman'?)",
            4,
        ),
    ),
    "dangling source": (
        edit("events.csv", "statement-1", "source_id", "src-z"),
        Problem(
            "events.csv",
            5,
            "source_id",
            "src-z",
            "refers to no row of sources.csv: expected an existing id (did you mean 'src-b'?)",
            18,
        ),
    ),
    "dangling phase": (
        edit("events.csv", "deadline-alpha", "phase", "phase-omega"),
        Problem(
            "events.csv",
            3,
            "phase",
            "phase-omega",
            "refers to no row of events.csv: expected an existing id (did you mean 'phase-alpha'?)",
            7,
        ),
    ),
    "dangling revises": (
        edit("events.csv", "deadline-alpha-2", "revises", "deadline-zeta"),
        Problem(
            "events.csv",
            4,
            "revises",
            "deadline-zeta",
            "refers to no row of events.csv: expected an existing id "
            "(did you mean 'deadline-alpha'?)",
            9,
        ),
    ),
    "dangling event in event_sources": (
        edit("event_sources.csv", "statement-1", "event_id", "statement-9", key="event_id"),
        Problem(
            "event_sources.csv",
            2,
            "event_id",
            "statement-9",
            "refers to no row of events.csv: expected an existing id (did you mean 'statement-1'?)",
            1,
        ),
    ),
    "revises cycle": (
        edit("events.csv", "deadline-alpha", "revises", "deadline-alpha-2"),
        Problem(
            "events.csv",
            3,
            "revises",
            "deadline-alpha-2",
            "revision cycle: deadline-alpha -> deadline-alpha-2 -> deadline-alpha; "
            "a deadline chain must run from the original to the latest",
            9,
        ),
    ),
    "phase link to a non-phase": (
        edit("events.csv", "deadline-alpha", "phase", "statement-1"),
        Problem(
            "events.csv",
            3,
            "phase",
            "statement-1",
            "links to a statement (line 5), expected a phase row",
            7,
        ),
    ),
    "phase link from an incident": (
        lambda d: (
            set_cell(d / "events.csv", "statement-1", "kind", "incident"),
            set_cell(d / "events.csv", "statement-1", "phase", "phase-alpha"),
        ),
        Problem(
            "events.csv",
            5,
            "phase",
            "phase-alpha",
            "only announcement, deadline, handover, statement, withdrawal rows link to a phase; "
            "this row is an incident",
            7,
        ),
    ),
    "deadline without announced": (
        edit("events.csv", "deadline-alpha", "announced", ""),
        Problem(
            "events.csv",
            3,
            "announced",
            "",
            "is required for a deadline: when did the deadline become public?",
            8,
        ),
    ),
    "missing Arabic title": (
        edit("events.csv", "statement-1", "title_ar", ""),
        Problem("events.csv", 5, "title_ar", "", "is required but empty", 13),
    ),
    "missing English title": (
        edit("events.csv", "phase-alpha", "title_en", ""),
        Problem("events.csv", 2, "title_en", "", "is required but empty", 12),
    ),
    "non-web URL": (
        edit("sources.csv", "src-b", "url", "javascript:alert(1)"),
        Problem(
            "sources.csv",
            3,
            "url",
            "javascript:alert(1)",
            "is not a web address: expected http:// or https:// followed by a host",
            5,
        ),
    ),
    "URL with a space": (
        edit("sources.csv", "src-a", "url", "https://example.org/a b"),
        Problem(
            "sources.csv",
            2,
            "url",
            "https://example.org/a b",
            "is not a web address: expected http:// or https:// followed by a host",
            5,
        ),
    ),
    "bidi override in a title": (
        edit("events.csv", "statement-1", "title_en", "A \u202estatement"),
        Problem(
            "events.csv",
            5,
            "title_en",
            "A \u202estatement",
            "contains the control character U+202E, which would hide or reorder text: remove it",
            12,
        ),
    ),
    "ragged row": (
        replace_text("actors.csv", "Spokesman,المتحدث الرسمي", "Spokesman"),
        Problem(
            "actors.csv",
            2,
            None,
            None,
            "has 4 cells, expected 5 (the header's columns): check for a missing or extra comma",
        ),
    ),
    "empty file": (
        write_bytes("sites.csv", b""),
        Problem("sites.csv", None, None, None, "is empty: expected a header row and data rows"),
    ),
    "UTF-16 file": (
        encode_as("actors.csv", "utf-16"),
        Problem(
            "actors.csv",
            None,
            None,
            None,
            "is UTF-16, expected UTF-8: re-save it as 'CSV UTF-8' "
            "(or: iconv -f UTF-16 -t UTF-8 actors.csv > fixed.csv)",
        ),
    ),
    "Windows-1256 file": (
        encode_as("sites.csv", "cp1256"),
        Problem(
            "sites.csv",
            2,
            None,
            "\\xde",
            "is not UTF-8: byte at line 2, byte column 18 cannot be decoded; it looks like "
            "Windows-1256 (Arabic Windows): re-save it as UTF-8 "
            "(iconv -f WINDOWS-1256 -t UTF-8 sites.csv > fixed.csv)",
            18,
        ),
    ),
    "NUL byte": (
        replace_text("actors.csv", "A Spokesman", "A Spokes\x00man"),
        Problem("actors.csv", 2, None, None, "contains a NUL byte: the file is damaged or binary"),
    ),
    "title over the length limit": (
        edit("events.csv", "statement-1", "title_en", "x" * 301),
        Problem(
            "events.csv",
            5,
            "title_en",
            "x" * 301,
            "is 301 characters long, over the maximum 300",
            12,
        ),
    ),
    "date before the supported window": (
        edit("events.csv", "statement-1", "start", "0001-01-01"),
        Problem(
            "events.csv",
            5,
            "start",
            "0001-01-01",
            "is outside the supported years 1900-2100 (set in datapackage.json)",
            5,
        ),
    ),
    "date after the supported window": (
        edit("events.csv", "phase-alpha", "end", "9999-12-31"),
        Problem(
            "events.csv",
            2,
            "end",
            "9999-12-31",
            "is outside the supported years 1900-2100 (set in datapackage.json)",
            6,
        ),
    ),
    "summary cites a source sources.csv lacks": (
        edit("events.csv", "statement-1", "summary_ar", "قال ذلك [@src-a; @no-such-source]."),
        Problem(
            "events.csv",
            5,
            "summary_ar",
            "no-such-source",
            "cites [@no-such-source], but sources.csv has no source with the id "
            "'no-such-source': add the source or fix the id",
            15,
        ),
    ),
    "missing table": (
        lambda d: (d / "sources.csv").unlink(),
        Problem("sources.csv", None, None, None, "missing: the 'sources' table is required"),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_reports_its_exact_problem(case: str, minimal_data: Path) -> None:
    breaker, expected = CASES[case]
    breaker(minimal_data)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    assert expected in caught.value.problems, "\n".join(map(str, caught.value.problems))


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_command_exits_2_and_names_the_place(
    case: str, minimal_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    breaker, expected = CASES[case]
    breaker(minimal_data)
    assert main(["validate", "--data", str(minimal_data)]) == 2
    err = capsys.readouterr().err
    assert expected.file in err and expected.message[:40] in err
    if expected.line is not None:
        row = next(line for line in err.splitlines() if expected.message[:40] in line)
        assert f"  {expected.line} " in row


def test_all_problems_are_reported_at_once(minimal_data: Path) -> None:
    set_cell(minimal_data / "events.csv", "statement-1", "kind", "speech")
    set_cell(minimal_data / "events.csv", "phase-alpha", "start", "2025-13")
    set_cell(minimal_data / "sources.csv", "src-a", "language", "fr")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    assert {(p.file, p.column) for p in caught.value.problems} == {
        ("events.csv", "kind"),
        ("events.csv", "start"),
        ("sources.csv", "language"),
    }


def test_arabic_indic_digits_in_dates_are_normalised(minimal_data: Path) -> None:
    set_cell(minimal_data / "events.csv", "deadline-alpha", "start", "٢٠٢٥-٠٩")
    dataset = load_dataset(minimal_data)
    assert dataset.event("deadline-alpha").start.iso == "2025-09"
    assert dataset.event("deadline-alpha").start.precision == "month"


def test_excel_bom_is_accepted(minimal_data: Path) -> None:
    path = minimal_data / "events.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    dataset = load_dataset(minimal_data)
    assert dataset.events[0].id == "phase-alpha"


def test_declared_extra_column_is_carried_through(minimal_data: Path) -> None:
    import json

    descriptor = json.loads((minimal_data / "datapackage.json").read_text(encoding="utf-8"))
    events = next(r for r in descriptor["resources"] if r["name"] == "events")
    events["schema"]["fields"].append({"name": "casualties", "type": "string"})
    (minimal_data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    replace_text("events.csv", "source_id\n", "source_id,casualties\n")(minimal_data)
    text = (minimal_data / "events.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    (minimal_data / "events.csv").write_text(
        "\n".join([lines[0], *[f"{line},{i}" for i, line in enumerate(lines[1:])]]) + "\n",
        encoding="utf-8",
    )
    dataset = load_dataset(minimal_data)
    assert dataset.event("statement-1").extra == {"casualties": "3"}


def test_dataset_is_immutable(minimal_data: Path) -> None:
    dataset = load_dataset(minimal_data)
    with pytest.raises(AttributeError):
        dataset.events[0].title_en = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        dataset.sites["x"] = dataset.sites["alpha"]  # type: ignore[index]


def test_event_sources_extend_the_source_list(minimal_data: Path) -> None:
    assert load_dataset(minimal_data).event("statement-1").source_ids == ("src-b", "src-a")


def test_data_hash_changes_exactly_when_a_file_changes(minimal_data: Path) -> None:
    first = load_dataset(minimal_data).data_hash
    assert load_dataset(minimal_data).data_hash == first
    set_cell(minimal_data / "actors.csv", "spokesman", "role_en", "Spokesperson")
    assert load_dataset(minimal_data).data_hash != first


def test_missing_directory_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError) as caught:
        load_dataset(tmp_path / "nowhere")
    assert caught.value.problems[0].message == "is not a directory"


@pytest.mark.slow
def test_console_script_on_shipped_and_broken_data(tmp_path: Path) -> None:
    """The installed `drawdown validate` as a user runs it: exit 0 and a summary, or exit 2."""
    drawdown = Path(sys.executable).with_name("drawdown")
    ok = subprocess.run([drawdown, "validate"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "valid" in ok.stdout and "events" in ok.stdout
    broken = copy_dataset(MINIMAL_DIR, tmp_path / "broken")
    set_cell(broken / "events.csv", "statement-1", "start", "2025-9-1")
    bad = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", "--data", broken],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "events.csv" in bad.stderr and "2025-9-1" in bad.stderr
    assert "Traceback" not in bad.stderr


# Random CSV text: the loader must answer with a dataset or the validation error, never
# any other exception.
_cell = st.text(
    alphabet=st.sampled_from([*'abc-019,"\n\r ءابت٢٠٢٥', "\u202e", "\x00", "é"]),
    max_size=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(
        st.sampled_from(["id", "kind", "site", "start", "title_en", "x", ""]), max_size=6
    ),
    rows=st.lists(st.lists(_cell, max_size=7), max_size=5),
    raw_tail=st.binary(max_size=20),
)
def test_random_csv_text_gives_a_dataset_or_the_validation_error(
    minimal_data: Path, header: list[str], rows: list[list[str]], raw_tail: bytes
) -> None:
    text = "\n".join([",".join(header), *(",".join(r) for r in rows)])
    (minimal_data / "events.csv").write_bytes(text.encode("utf-8") + raw_tail)
    try:
        load_dataset(minimal_data)
    except DataValidationError as exc:
        assert exc.problems and all(p.file and p.message for p in exc.problems)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_cells_in_the_real_schema(tmp_path: Path, data: st.DataObject) -> None:
    """Valid shape, random values: still a dataset or the validation error."""
    minimal_data = copy_dataset(MINIMAL_DIR, Path(tempfile.mkdtemp(dir=tmp_path)))
    column = data.draw(
        st.sampled_from(["start", "end", "kind", "phase", "revises", "announced", "id"])
    )
    row = data.draw(
        st.sampled_from(["phase-alpha", "deadline-alpha", "deadline-alpha-2", "statement-1"])
    )
    value = data.draw(st.text(max_size=12))
    if value in {"\r", "\n"} or "\x00" in value:
        return
    set_cell(minimal_data / "events.csv", row, column, value)
    try:
        load_dataset(minimal_data)
    except DataValidationError as exc:
        assert exc.problems


# --------------------------------------------------------------------------- revision chains
# Issue 14 class 5: the cycle check walks each chain once. (Timings: benchmarks/
# bench_validation.py; here, the work is counted instead of timed.)


def add_chain(data: Path, length: int, *, first_revises: str = "deadline-alpha-2") -> None:
    rows = []
    for i in range(length):
        revises = f"dl-{i - 1}" if i else first_revises
        rows.append(
            f"dl-{i},deadline,alpha,,2026-02,,phase-alpha,2026-01-01,{revises},"
            f"planned,reported,Deadline {i},موعد {i},,,,,src-a"
        )
    with (data / "events.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")


def cycle_problems(data: Path) -> list[Problem]:
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data)
    return [p for p in caught.value.problems if p.message.startswith("revision cycle")]


def test_a_5000_long_revision_chain_is_valid(minimal_data: Path) -> None:
    add_chain(minimal_data, 5000)
    dataset = load_dataset(minimal_data)
    assert dataset.event("dl-4999").revises == "dl-4998"


def test_a_cycle_closing_a_long_chain_is_reported_once_by_its_ends(minimal_data: Path) -> None:
    add_chain(minimal_data, 5000, first_revises="dl-4999")
    [problem] = cycle_problems(minimal_data)
    assert problem.message == (
        "revision cycle: dl-0 -> dl-4999 -> dl-4998 -> … (4995 more) … -> dl-2 -> dl-1 -> dl-0"
        "; a deadline chain must run from the original to the latest"
    )
    assert problem.line == 6


def test_a_deadline_revising_itself_is_a_cycle(minimal_data: Path) -> None:
    set_cell(minimal_data / "events.csv", "deadline-alpha-2", "revises", "deadline-alpha-2")
    [problem] = cycle_problems(minimal_data)
    assert "deadline-alpha-2 -> deadline-alpha-2;" in problem.message and problem.line == 4


def test_separate_cycles_and_tails_into_them_are_each_reported_once(minimal_data: Path) -> None:
    rows = [
        "c-1,deadline,alpha,,2026-02,,phase-alpha,2026-01-01,c-2,planned,reported,A,أ,,,,,src-a",
        "c-2,deadline,alpha,,2026-02,,phase-alpha,2026-01-01,c-1,planned,reported,B,ب,,,,,src-a",
        "t-1,deadline,alpha,,2026-02,,phase-alpha,2026-01-01,c-1,planned,reported,C,ج,,,,,src-a",
        "t-2,deadline,alpha,,2026-02,,phase-alpha,2026-01-01,t-1,planned,reported,D,د,,,,,src-a",
    ]
    with (minimal_data / "events.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    set_cell(minimal_data / "events.csv", "deadline-alpha", "revises", "deadline-alpha-2")
    problems = cycle_problems(minimal_data)
    assert sorted(p.value for p in problems) == ["c-2", "deadline-alpha-2"]


def test_the_cycle_check_looks_each_row_up_a_bounded_number_of_times() -> None:
    """Linear, counted: every row is looked up at most a few times, however long the chain."""
    from analysis.event_rules import _check_revision_cycles
    from analysis.tables import Collector, Table

    class Counting(dict):  # type: ignore[type-arg]
        lookups = 0

        def __getitem__(self, key: str) -> tuple[int, dict[str, str]]:
            Counting.lookups += 1
            return super().__getitem__(key)

    for length in (100, 5000):
        Counting.lookups = 0
        revises = [f"d-{length - 1}"] + [f"d-{i}" for i in range(length - 1)]
        by_id = Counting(
            (f"d-{i}", (i + 2, {"id": f"d-{i}", "revises": revises[i]})) for i in range(length)
        )
        problems = Collector()
        _check_revision_cycles(Table("events", "events.csv", []), by_id, problems)
        assert len(problems.problems) == 1
        assert Counting.lookups <= 2 * length + 2, (length, Counting.lookups)


def test_a_statement_may_link_to_the_phase_it_speaks_about(tmp_path: Path) -> None:
    """ROUND5 decision 6: the Pentagon's 30 September 2025 word on the first phase is a
    statement linked to that phase (the 15 October lede prints it)."""
    data = copy_dataset(MINIMAL_DIR, tmp_path / "data")
    set_cell(data / "events.csv", "statement-1", "phase", "phase-alpha")
    statement = load_dataset(data).event("statement-1")
    assert statement.phase == "phase-alpha"


def test_method_note_problems_name_the_note_and_its_field(tmp_path: Path) -> None:
    """ROUND5 decision 3: datapackage.json → method[i] → field, every problem at once."""
    import json

    data = copy_dataset(MINIMAL_DIR, tmp_path / "data")
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["method"] = [
        {"en": "Counted from the month's last day.", "ar": "تُحسب من آخر يوم.", "from": "2025-12"},
        {"en": "No Arabic."},
        {"en": "x", "ar": "س", "form": "2025-12-31"},
        {"en": "Fine.", "ar": "سليم.", "from": "2025-12-31"},
    ]
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data)
    found = {(p.file, p.column) for p in caught.value.problems}
    assert found == {
        ("datapackage.json", "method[0].from"),
        ("datapackage.json", "method[1].ar"),
        ("datapackage.json", "method[2].form"),
    }, caught.value.problems
    descriptor["method"] = [descriptor["method"][3]]
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (note,) = load_dataset(data).method
    assert note.since == dt.date(2025, 12, 31) and not note.applies(dt.date(2025, 12, 30))
    assert note.applies(dt.date(2025, 12, 31))
