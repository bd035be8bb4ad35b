"""Unit: the build's parameters, checked in-process before anything runs (exit 2, nothing
written); repeated flags; the schedule recipes quoted for where they go; echoed text escaped;
the progress counts. No kernel, no browser."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from analysis import schedule
from analysis.cli import build_parser, main
from analysis.pipeline import execute
from analysis.pipeline.plan import Options, Variant, expand_as_of
from analysis.pipeline.progress import Progress
from analysis.terminal import printable
from conftest import MINIMAL_DIR, PROJECT_DIR, copy_dataset

AS_OF = "2025-10-15"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_dataset(MINIMAL_DIR, tmp_path_factory.mktemp("data"))


def build_exit(capsys, tmp_path: Path, *args: str, data: Path = MINIMAL_DIR) -> tuple[int, str]:
    out = tmp_path / "out"
    code = main(["build", "--data", str(data), "--out", str(out), "--format", "html", *args])
    err = capsys.readouterr().err
    return code, err


# --------------------------------------------------------------------------- class 7


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--as-of", "9999-12-31"], "report dates must lie between"),
        (["--as-of", "0001-01-01"], "report dates must lie between"),
        (["--as-of", "9999-11-01..9999-12-31", "--every", "month"], "must lie between"),
        (["--as-of", AS_OF, "--compare-to", "0001-06-01"], "--compare-to 0001-06-01"),
        (["--as-of", AS_OF, "--cell-timeout", "0"], "--cell-timeout 0: expected seconds"),
        (["--as-of", AS_OF, "--cell-timeout", "-5"], "--cell-timeout -5: expected seconds"),
        (["--as-of", AS_OF, "--print-timeout", "0"], "--print-timeout 0: expected seconds"),
        (["--as-of", AS_OF, "--jobs", "0"], "--jobs 0: expected 1 or more"),
        (["--as-of", AS_OF, "--sites", "nowhere"], "--sites nowhere: not in sites.csv"),
    ],
    ids=[
        "year-9999",
        "year-0001",
        "series-overflow",
        "compare-year-0001",
        "cell-timeout-0",
        "cell-timeout-negative",
        "print-timeout-0",
        "jobs-0",
        "unknown-site",
    ],
)
def test_bad_parameters_exit_2_and_write_nothing(
    capsys, tmp_path: Path, data: Path, args, expected
) -> None:
    code, err = build_exit(capsys, tmp_path, *args, data=data)
    assert code == 2, err
    assert expected in err and "nothing was built" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--as-of", "2025-13-01"], "month 13"),
        (["--as-of", AS_OF, "--sites", "atlantis"], "atlantis"),
        (["--as-of", AS_OF, "--compare-to", "2026-01-01"], "--compare-to"),
        (["--as-of", "2025-01-01..2025-03-01"], "--every"),
    ],
    ids=["month-13", "unknown-site", "compare-after", "range-without-every"],
)
def test_more_bad_parameters_exit_2(capsys, tmp_path: Path, data: Path, args, needle) -> None:
    code, err = build_exit(capsys, tmp_path, *args, data=data)
    assert code == 2 and needle in err and "nothing was built" in err
    assert not (tmp_path / "out").exists(), "a refused build wrote something"


def test_bad_rows_exit_2_naming_file_and_value(capsys, tmp_path: Path) -> None:
    from conftest import set_cell

    data = copy_dataset(MINIMAL_DIR, tmp_path / "data")
    set_cell(data / "events.csv", "statement-1", "start", "31/08/2021")
    code, err = build_exit(capsys, tmp_path, "--as-of", AS_OF, data=data)
    assert code == 2 and "events.csv" in err and "31/08/2021" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("depth", [0, 1, 2], ids=["is-a-file", "under-a-file", "deep-under"])
def test_out_under_a_regular_file_is_exit_2(capsys, tmp_path: Path, data: Path, depth: int) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("the user's file")
    out = blocker.joinpath(*["sub"] * depth)
    code = main(
        ["build", "--data", str(data), "--out", str(out), "--as-of", AS_OF, "--format", "html"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "--out" in err and "Traceback" not in err
    assert blocker.read_text() == "the user's file"


def test_bad_data_is_exit_2_in_process(capsys, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "datapackage.json").write_text("{not json", encoding="utf-8")
    code = main(["build", "--data", str(data), "--out", str(tmp_path / "out"), "--as-of", AS_OF])
    err = capsys.readouterr().err
    assert code == 2 and "nothing was built" in err
    assert not (tmp_path / "out").exists()


def test_missing_chromium_is_exit_2_in_process(
    capsys, tmp_path: Path, data: Path, monkeypatch
) -> None:
    monkeypatch.setenv("DRAWDOWN_CHROMIUM", str(tmp_path / "no-such-chromium"))
    code = main(
        [
            "build",
            "--data",
            str(data),
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            AS_OF,
            "--format",
            "pdf",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "no-such-chromium" in err and "apt-get install chromium" in err
    assert not (tmp_path / "out").exists()


def test_series_stays_in_range_and_is_stepped() -> None:
    dates = expand_as_of("2999-10-31..2999-12-31", "month")
    assert dates == [dt.date(2999, 10, 31), dt.date(2999, 11, 30), dt.date(2999, 12, 31)]


# --------------------------------------------------------------------------- relative paths


def test_options_are_resolved_once_against_the_cwd(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    options = Options(data_dir=Path("data"), out=Path("out4"), notebook=Path("nb.ipynb"))
    resolved = options.resolved()
    assert resolved.out == tmp_path / "out4"
    assert resolved.data_dir == tmp_path / "data" and resolved.notebook == tmp_path / "nb.ipynb"
    monkeypatch.chdir(PROJECT_DIR)  # whatever the cwd is later, the paths stay
    assert resolved.out == tmp_path / "out4"


def test_no_code_changes_the_working_directory() -> None:
    """No os.chdir, and no papermill call with cwd= (papermill would os.chdir)."""
    import ast

    for path in (PROJECT_DIR / "src" / "analysis").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func)
            assert not name.endswith("chdir"), f"{path}: {name}"
            if name.endswith("execute_notebook"):
                assert "cwd" not in {k.arg for k in node.keywords}, path


# --------------------------------------------------------------------------- repeated flags


@pytest.mark.parametrize(
    ("argv", "langs", "formats", "sites"),
    [
        (["--lang", "en", "--lang", "ar"], ("en", "ar"), ("html", "pdf"), ()),
        (["--lang", "en", "ar"], ("en", "ar"), ("html", "pdf"), ()),
        (["--format", "html", "--format", "pdf"], ("ar", "en"), ("html", "pdf"), ()),
        (
            ["--sites", "erbil", "--sites", "ain-al-asad"],
            ("ar", "en"),
            ("html", "pdf"),
            ("erbil", "ain-al-asad"),
        ),
        (
            ["--sites", "erbil,ain-al-asad", "--lang", "ar"],
            ("ar",),
            ("html", "pdf"),
            ("erbil", "ain-al-asad"),
        ),
        (["--lang", "en", "--lang", "en"], ("en",), ("html", "pdf"), ()),
    ],
)
def test_list_flags_repeat_and_accumulate(monkeypatch, argv, langs, formats, sites) -> None:
    seen: list[Options] = []
    monkeypatch.setattr("analysis.pipeline.build.build", lambda o: seen.append(o) or 0)
    assert main(["build", "--as-of", AS_OF, *argv]) == 0
    assert (seen[0].langs, seen[0].formats, seen[0].sites) == (langs, formats, sites)


def test_source_date_epoch_is_the_build_clock(monkeypatch) -> None:
    seen: list[Options] = []
    monkeypatch.setattr("analysis.pipeline.build.build", lambda o: seen.append(o) or 0)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    main(["build", "--as-of", AS_OF])
    assert seen[0].clock() == dt.datetime(2026, 9, 21, 14, 13, 20, tzinfo=dt.UTC)


def test_cli_help_names_every_subcommand() -> None:
    text = build_parser().format_help()
    assert all(name in text for name in ("validate", "build", "schedule"))


def test_build_help_states_the_real_defaults() -> None:
    """``--ltr-axis`` is off by default: its help must not print "(default: True)"."""
    parser = build_parser()
    build = next(
        a for a in parser._subparsers._group_actions[0].choices.values() if a.prog.endswith("build")
    )
    text = " ".join(build.format_help().split())
    assert "right-to-left (default: right-to-left)" in text
    assert "(default: True)" not in text


# --------------------------------------------------------------------------- class 8


@pytest.mark.parametrize(
    "out",
    ["/srv/out\n* * * * * rm -rf ~", "/srv/out\r0 0 * * * evil", "/srv/o\tut"],
    ids=["newline", "carriage-return", "tab"],
)
def test_cron_refuses_a_path_that_would_forge_an_entry(capsys, out: str) -> None:
    assert main(["schedule", "cron", "--out", out]) == 2
    err = capsys.readouterr().err
    assert "control characters" in err and "\n* * * * *" not in err


@pytest.mark.parametrize("out", ["/srv/100%/out", "/srv/%d-%m", "/srv/a%%b"])
def test_cron_escapes_percent(out: str) -> None:
    line = schedule.cron_line(PROJECT_DIR, Path(out), "02:30")
    assert "\n" not in line
    assert line.count("\\%") == out.count("%") * 3  # mkdir, --out and the log path
    assert "%" not in line.replace("\\%", "")


@pytest.mark.parametrize(
    "user", ["root\nExecStartPre=/bin/evil", "a b", "nobody;rm", "$(id)", "x" * 40]
)
def test_systemd_refuses_a_user_that_is_not_a_name(capsys, user: str) -> None:
    assert main(["schedule", "systemd", "--user", user]) == 2
    assert "--user" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("/srv/100%/out", "/srv/100%%/out"),
        ("/srv/$HOME", "/srv/$$HOME"),
        ("/srv/a b", "'/srv/a b'"),
    ],
)
def test_systemd_quotes_values_for_unit_syntax(out: str, expected: str) -> None:
    units = schedule.systemd_units(PROJECT_DIR, Path(out), "02:30", "drawdown")
    exec_start = next(
        line
        for line in units["drawdown-report.service"].splitlines()
        if line.startswith("ExecStart=")
    )
    assert expected in exec_start
    assert "User=drawdown\n" in units["drawdown-report.service"]


def test_systemd_refuses_a_newline_in_the_project(capsys, tmp_path: Path) -> None:
    assert main(["schedule", "systemd", "--project", "/srv/x\nUser=root"]) == 2
    assert "control characters" in capsys.readouterr().err


@pytest.mark.parametrize(
    "value",
    ["\x1b[2J\x1b[H", "erbil\nFAKE: 0 failed", "\x07bell", "\u202eevil"],
    ids=["clear-screen", "forged-line", "bell", "bidi-override"],
)
def test_echoed_parameters_are_escaped(capsys, tmp_path: Path, data: Path, value: str) -> None:
    code, err = build_exit(capsys, tmp_path, "--as-of", AS_OF, "--sites", value, data=data)
    assert code == 2
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "\nFAKE" not in err
    assert printable(value) in err


def test_printable_keeps_text_and_shows_controls() -> None:
    assert printable("انسحاب — ok") == "انسحاب — ok"
    assert printable("a\x1bb") == "a\\u001bb"
    assert printable("a\nb", keep_newlines=True) == "a\nb"


# --------------------------------------------------------------------------- progress


def test_progress_counts_running_only_what_runs(monkeypatch, tmp_path: Path) -> None:
    """Four variants with --jobs 2: never more than 2 running; a variant counts as running
    from the moment its worker starts it."""
    import io
    import threading

    stream = io.StringIO()
    progress = Progress(4, stream=stream)
    gate = threading.Barrier(2, timeout=10)

    def fake_run(variant, *args, **kwargs):
        gate.wait()  # both workers are inside: 2 running, never more
        return execute.VariantResult(variant, ok=True)

    class NoKernels(execute.Kernels):  # the variants are fakes: no kernel to start
        def start(self, kernel, cwd):
            return None

    monkeypatch.setattr(execute, "run_variant", fake_run)
    monkeypatch.setattr(execute, "kernel_name", lambda: "python3")
    monkeypatch.setattr(execute, "background_renderer", lambda: None)
    variants = [Variant(dt.date(2025, 1, d), "en", {}) for d in (1, 2, 3, 4)]
    results = list(
        execute.run_local(
            variants,
            notebook=tmp_path / "nb.ipynb",
            staging=tmp_path,
            contexts={v.label: None for v in variants},
            jobs=2,
            cell_timeout=10,
            kernels=NoKernels(),
            started=lambda v: progress.start(v.label),
            ended=lambda r: progress.finish(r.variant.label, True, ""),
        )
    )
    assert len(results) == 4
    running = [
        int(line.split(" running")[0].rsplit(" ", 1)[1]) for line in stream.getvalue().splitlines()
    ]
    assert max(running) == 2 and running[-1] == 0
    assert "4/4 done, 0 running, 0 failed" in stream.getvalue()


def test_a_failed_pdf_counts_as_failed() -> None:
    import io

    stream = io.StringIO()
    progress = Progress(2, stream=stream)
    for label in ("a", "b"):
        progress.start(label)
        progress.finish(label, True, "")
    progress.fail_late("b", "PDF printing failed")
    assert (
        stream.getvalue()
        .splitlines()[-1]
        .startswith(stream.getvalue().splitlines()[-1].split("]")[0])
    )
    assert "1/2 done, 0 running, 1 failed" in stream.getvalue().splitlines()[-1]


# --------------------------------------------------------------------------- kernels


def test_stopping_kills_only_the_builds_own_kernels() -> None:
    import subprocess
    import sys

    ours = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        kernels = execute.Kernels()
        provisioner = type("P", (), {"process": ours})()
        kernels.add(type("KM", (), {"provisioner": provisioner})())
        kernels.stop_all()
        assert ours.wait(timeout=10) != 0
        assert other.poll() is None, "a process the build did not start was stopped"
    finally:
        other.kill()
        other.wait()
        ours.kill()
        ours.wait()


def test_the_kernel_manager_registers_what_it_starts() -> None:
    kernels = execute.Kernels()
    manager_class = kernels.manager_class()
    assert manager_class.__mro__[1].__name__ == "AsyncKernelManager"
    assert kernels.pids() == []


def test_options_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Options().jobs = 3  # type: ignore[misc]


def test_command_line_flags_come_from_the_same_declaration() -> None:
    """The report flags of `drawdown build` are made from params.PARAMS (moved from
    tests/test_report.py with the functions)."""
    import argparse

    from analysis import params as P
    from analysis.cli import add_report_arguments, report_arguments

    parser = argparse.ArgumentParser()
    add_report_arguments(parser)
    args = parser.parse_args(
        [
            "--lang",
            "en",
            "--lang",
            "ar",
            "--sites",
            "erbil,baghdad",
            "--sites",
            "iraq",
            "--as-of",
            "2025-10-15",
            "--ltr-axis",
            "--digits",
            "arabic",
        ]
    )
    values = report_arguments(args)
    assert values["lang"] == ["en", "ar"]
    assert values["sites"] == ["erbil", "baghdad", "iraq"]
    assert values["rtl_axis"] is False and values["digits"] == "arabic"
    assert report_arguments(parser.parse_args([]))["lang"] == ["ar", "en"]
    single = {**values, "lang": "ar"}
    assert P.validate(single, known_sites=["erbil", "baghdad", "iraq"])[1] == []
    command = P.build_command(single)
    assert command == (
        "drawdown build --as-of 2025-10-15 --lang ar --sites erbil baghdad iraq "
        "--digits arabic --ltr-axis"
    )
    again = report_arguments(parser.parse_args(command.split()[2:]))
    assert again["sites"] == ["erbil", "baghdad", "iraq"] and again["rtl_axis"] is False
    declared = {p.flag for p in P.PARAMS if p.flag}
    assert declared <= {a for action in parser._actions for a in action.option_strings}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--lang", "fr"], "lang='fr': expected"),
        (["--digits", "roman"], "digits='roman': expected"),
        (["--ar-months", "syrian"], "ar_months='syrian': expected"),
    ],
)
def test_report_parameters_are_checked_by_their_declaration(
    capsys, tmp_path: Path, data: Path, args, needle
) -> None:
    code, err = build_exit(capsys, tmp_path, "--as-of", AS_OF, *args, data=data)
    assert code == 2 and needle in err and "nothing was built" in err
    assert not (tmp_path / "out").exists()
