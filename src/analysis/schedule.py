"""``drawdown schedule``: the nightly build as a cron line, systemd units, or a CI workflow.

The recipes are generated from the checkout's real paths so they can be pasted (or
written with ``--write``) as they are. Each runs ``make report`` semantics without the
setup: ``.venv/bin/drawdown build --quiet``; the build skips variants whose inputs did
not change, logs one JSON line per variant to ``OUT/_logs/builds.jsonl``, and exits
0 (published), 1 (a run failed: the previous report stays current) or 2 (bad data or
parameters). A scheduler should alert on any non-zero exit.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path
from typing import Any

from analysis.paths import PROJECT_DIR, REPORTS_DIR

SERVICE_NAME = "drawdown-report"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _command(project: Path, out: Path) -> str:
    drawdown = project / ".venv" / "bin" / "drawdown"
    return f"{shlex.quote(str(drawdown))} build --quiet --out {shlex.quote(str(out))}"


def cron_line(project: Path, out: Path, at: str) -> str:
    hour, minute = _parse_time(at)
    log = out / "_logs" / "cron.log"
    return (
        f"{minute} {hour} * * * cd {shlex.quote(str(project))} && "
        f"mkdir -p {shlex.quote(str(log.parent))} && "
        f"{_command(project, out)} >> {shlex.quote(str(log))} 2>&1"
    )


def systemd_units(project: Path, out: Path, at: str, user: str | None) -> dict[str, str]:
    hour, minute = _parse_time(at)
    user_line = f"User={user}\n" if user else ""
    service = (
        "[Unit]\n"
        "Description=Build the coalition drawdown reports (Arabic and English)\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{user_line}"
        f"WorkingDirectory={project}\n"
        f"ExecStart={_command(project, out)}\n"
        "TimeoutStartSec=3600\n"
        "Nice=10\n"
    )
    timer = (
        "[Unit]\n"
        "Description=Nightly build of the coalition drawdown reports\n\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {hour:02d}:{minute:02d}:00\n"
        "Persistent=true\n"
        "RandomizedDelaySec=300\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{SERVICE_NAME}.service": service, f"{SERVICE_NAME}.timer": timer}


def ci_workflow(at: str) -> str:
    hour, minute = _parse_time(at)
    return f"""\
# Nightly build of the reports; the reports are kept as an artifact.
name: nightly-reports
on:
  schedule:
    - cron: "{minute} {hour} * * *"
  workflow_dispatch: {{}}
jobs:
  reports:
    runs-on: ubuntu-latest
    timeout-minutes: 60
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Build the reports (sets up .venv, Chromium and fonts itself)
        run: sudo make report PYTHON=python3
      - name: Keep the reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: drawdown-reports
          path: reports/
"""


def _parse_time(text: str) -> tuple[int, int]:
    match = _TIME.match(text)
    if not match:
        raise ValueError(f"--at {text!r}: expected HH:MM, 24-hour clock, e.g. 02:30")
    return int(match.group(1)), int(match.group(2))


def cmd_schedule(args: argparse.Namespace) -> int:
    project, out = args.project.resolve(), args.out.resolve()
    try:
        if args.kind == "cron":
            files = {"crontab": cron_line(project, out, args.at) + "\n"}
        elif args.kind == "systemd":
            files = systemd_units(project, out, args.at, args.user)
        else:
            files = {"nightly-reports.yml": ci_workflow(args.at)}
    except ValueError as exc:
        print(f"drawdown schedule: {exc}", file=sys.stderr)
        return 2
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (args.write / name).write_text(text, encoding="utf-8")
            print(f"wrote {args.write / name}")
        if args.kind == "systemd":
            print(f"then: systemctl daemon-reload && systemctl enable --now {SERVICE_NAME}.timer")
        return 0
    for name, text in files.items():
        if len(files) > 1:
            print(f"# ---- {name}")
        print(text, end="")
    return 0


def add_schedule_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "schedule",
        help="print (or write) a cron line, systemd units or a CI workflow for the nightly build",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", choices=("cron", "systemd", "ci"), help="which recipe")
    parser.add_argument("--at", default="02:30", metavar="HH:MM", help="time of day (local)")
    parser.add_argument("--project", type=Path, default=PROJECT_DIR, metavar="DIR",
                        help="the checkout to build from")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR, metavar="DIR",
                        help="where reports are published")
    parser.add_argument("--user", help="systemd: run the service as this user")
    parser.add_argument("--write", type=Path, metavar="DIR",
                        help="write the files into DIR instead of printing them "
                        "(e.g. /etc/systemd/system for systemd)")
    parser.set_defaults(func=cmd_schedule)
