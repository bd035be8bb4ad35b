"""The ``drawdown`` command line, and the only argv parser: validate, build, schedule.

Exit codes: 0 success; 2 bad data or parameters (nothing written); 1 a run failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from analysis import __version__, params, schedule
from analysis.dates import DateFormatError, parse_as_of
from analysis.paths import DATA_DIR, PROJECT_DIR, REPORTS_DIR
from analysis.pipeline.plan import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_RUN_FAILED,
    FORMATS,
    LANGS,
    STEPS,
    Options,
    check_as_of,
    expand_as_of,
)
from analysis.terminal import format_problems, printable

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_RUN_FAILED", "build_parser", "main"]


def cmd_validate(args: argparse.Namespace) -> int:
    """``drawdown validate``: every problem of a data directory, or a one-line summary."""
    # The dataset module takes ~0.4 s to import: `drawdown --help` and `schedule` skip it.
    from analysis.dataset import DataValidationError, load_dataset

    try:
        dataset = load_dataset(args.data)
    except DataValidationError as exc:
        print(f"{printable(args.data)}: {len(exc.problems)} problem(s) found\n", file=sys.stderr)
        print(format_problems(exc.problems), file=sys.stderr)
        print(
            "\nFix these in the files named above, then run 'drawdown validate' again.",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    print(f"{printable(args.data)}: valid — {dataset.summary_line()}")
    return EXIT_OK


# --------------------------------------------------------------------------- build


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """The report parameters' flags, made from their one declaration (``params.PARAMS``).

    ``--lang`` and ``--sites`` may be repeated and take lists (``--lang en --lang ar``,
    ``--lang en ar``, ``--sites erbil,baghdad``); ``--as-of`` is one string (the build
    expands comma lists and ranges). :func:`report_arguments` reads the values back.
    """
    for param in params.PARAMS:
        if param.flag is None:
            continue
        if param.name == "rtl_axis":
            parser.add_argument(
                "--ltr-axis",
                dest="rtl_axis",
                action="store_false",
                default=True,
                # "%(default)" in the text stops ArgumentDefaultsHelpFormatter from adding
                # "(default: True)", which would read as if left-to-right were the default.
                help="Arabic charts: run time left-to-right instead of right-to-left "
                "(default: right-to-left)%(default).0s",
            )
        elif param.name in ("lang", "sites"):
            parser.add_argument(
                param.flag,
                action="extend",
                nargs="+" if param.name == "lang" else "*",
                dest=param.name,
                metavar=param.name.upper().rstrip("S"),
                default=None,
                help=f"{param.help} (repeat or list for several)",
            )
        else:
            parser.add_argument(
                param.flag,
                dest=param.name,
                default=param.default,
                metavar={"date": "DATE", "path": "DIR"}.get(param.kind, param.name.upper()),
                help=param.help,
            )


def report_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """The report parameters given on the command line (:func:`add_report_arguments`).

    ``lang`` is a list of languages here (a build runs one report per language).
    """
    out: dict[str, Any] = {}
    for param in params.PARAMS:
        if param.flag is not None and hasattr(args, param.name):
            out[param.name] = getattr(args, param.name)
    if out.get("lang") is None:
        out["lang"] = list(LANGS)
    out["sites"] = params.split_sites(out.get("sites") or [])
    return out


def report_problems(report: dict[str, Any]) -> list[str]:
    """What ``params.validate`` finds wrong with the given values, for every language
    (dates, sites against the data and the series are checked by the build's plan)."""
    problems: list[str] = []
    for lang in report["lang"] or [""]:
        values = {
            "lang": lang,
            **{k: report[k] for k in ("ar_months", "digits", "rtl_axis") if k in report},
        }
        for problem in params.validate(values)[1]:
            if problem not in problems:
                problems.append(problem)
    return problems


def _listed(values: Sequence[str] | None, default: Sequence[str]) -> tuple[str, ...]:
    """Repeated flags and lists alike (``--lang en --lang ar``, ``--lang en ar``), in order."""
    if values is None:
        return tuple(default)
    items = [item.strip() for value in values for item in value.split(",")]
    return tuple(dict.fromkeys(item for item in items if item))


def build_clock() -> Callable[[], dt.datetime] | None:
    """``$SOURCE_DATE_EPOCH`` (reproducible-builds.org) as the build's clock, when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return lambda: moment


def cmd_build(args: argparse.Namespace) -> int:
    """``drawdown build``: the arguments as :class:`Options`, then the build."""
    # The build's modules take ~0.3 s to import: `validate`, `schedule` and --help skip them.
    from analysis.pipeline.build import build

    try:
        as_of = expand_as_of(args.as_of or dt.date.today().isoformat(), args.every)
        compare_to = (
            check_as_of(parse_as_of(args.compare_to), "--compare-to") if (args.compare_to) else None
        )
    except DateFormatError as exc:
        print(
            "drawdown build: bad parameters; nothing was built\n"
            f"  --as-of/--compare-to: {printable(exc)}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    report = report_arguments(args)  # the report's own parameters, declared once
    problems = report_problems(report)
    if problems:
        print("drawdown build: bad parameters; nothing was built", file=sys.stderr)
        for problem in problems:
            print(f"  {printable(problem)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    options = Options(
        data_dir=Path(report["data_dir"]) if report.get("data_dir") else DATA_DIR,
        as_of=tuple(as_of),
        langs=_listed(report["lang"], LANGS),
        formats=_listed(args.formats, FORMATS),
        out=args.out,
        jobs=args.jobs,
        compare_to=compare_to,
        sites=_listed(report["sites"], ()),
        ar_months=report["ar_months"],
        digits=report["digits"],
        rtl_axis=report["rtl_axis"],
        cell_timeout=args.cell_timeout,
        print_timeout=args.print_timeout,
        combined=args.combined,
        quiet=args.quiet,
        force=args.force,
        executor=args.executor,
        scheduler=args.scheduler,
    )
    clock = build_clock()
    if clock is not None:
        options = dataclasses.replace(options, clock=clock)
    return build(options)


def add_build_parser(sub: argparse._SubParsersAction) -> None:
    """The ``build`` subcommand's arguments."""
    parser = sub.add_parser(
        "build",
        help="run the report notebook and publish HTML and PDF reports",
        description=(
            "Run notebooks/drawdown_report.ipynb headlessly for each as-of date and language, "
            "and publish OUT/<as_of>/<lang>/drawdown-report.{ipynb,html,pdf}, "
            "OUT/<as_of>/manifest.json and OUT/index.html. Data and parameters are checked "
            "before any kernel starts (exit 2, nothing written); a failed run exits 1, keeps "
            "its notebook under OUT/_failed/ and leaves every published report as it was. "
            "--lang, --format and --sites take lists and may be repeated."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add = parser.add_argument
    # --as-of, --lang, --data, --sites, --compare-to, --ar-months, --digits, --ltr-axis: the
    # report's parameters, declared once (analysis.params) for the notebook, the controls and here.
    add_report_arguments(parser)
    add("--every", choices=STEPS, help="step of an --as-of range A..B")
    add(
        "--format",
        nargs="+",
        action="extend",
        choices=FORMATS,
        dest="formats",
        help="output formats; pdf is printed from the html (default: html pdf)",
    )
    add("--out", type=Path, default=REPORTS_DIR, metavar="DIR", help="output directory")
    add(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        metavar="N",
        help="variants run in parallel (one kernel each)",
    )
    add(
        "--combined",
        action="store_true",
        help="also print one PDF with the Arabic and English reports back to back",
    )
    add(
        "--cell-timeout",
        type=int,
        default=300,
        metavar="S",
        help="seconds one notebook cell may run",
    )
    add(
        "--print-timeout",
        type=int,
        default=90,
        metavar="S",
        help="seconds one PDF may take to print",
    )
    add(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where variants run: local threads, or a Dask distributed cluster",
    )
    add("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://HOST:8786")
    add("--force", action="store_true", help="rebuild every variant, even unchanged ones")
    add("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(func=cmd_build)


# --------------------------------------------------------------------------- schedule


def cmd_schedule(args: argparse.Namespace) -> int:
    """``drawdown schedule``: print or write the recipe."""
    try:
        files = schedule.recipe(
            args.kind, args.project.resolve(), args.out.resolve(), args.at, args.user
        )
    except ValueError as exc:
        print(f"drawdown schedule: {printable(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.write:
        for path in schedule.write(files, args.write):
            print(f"wrote {printable(path)}")
        if args.kind == "systemd":
            print(
                "then: systemctl daemon-reload && "
                f"systemctl enable --now {schedule.SERVICE_NAME}.timer"
            )
        return EXIT_OK
    for name, text in files.items():
        if len(files) > 1:
            print(f"# ---- {name}")
        print(text, end="")
    return EXIT_OK


def add_schedule_parser(sub: argparse._SubParsersAction) -> None:
    """The ``schedule`` subcommand's arguments."""
    parser = sub.add_parser(
        "schedule",
        help="print (or write) a cron line, systemd units or a CI workflow for the nightly build",
        description=schedule.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", choices=("cron", "systemd", "ci"), help="which recipe")
    parser.add_argument("--at", default="02:30", metavar="HH:MM", help="time of day (local)")
    parser.add_argument(
        "--project",
        type=Path,
        default=PROJECT_DIR,
        metavar="DIR",
        help="the checkout to build from",
    )
    parser.add_argument(
        "--out", type=Path, default=REPORTS_DIR, metavar="DIR", help="where reports are published"
    )
    parser.add_argument("--user", help="systemd: run the service as this user")
    parser.add_argument(
        "--write",
        type=Path,
        metavar="DIR",
        help="write the files into DIR instead of printing them (e.g. /etc/systemd/system)",
    )
    parser.set_defaults(func=cmd_schedule)


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
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
    """Parse ``argv`` and run the command; return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
