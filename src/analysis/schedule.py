"""``drawdown schedule``: the nightly build as a cron line, systemd units, or a CI workflow.

The recipes are generated from the checkout's real paths so they can be pasted (or
written with ``--write``) as they are. Each runs ``make report`` semantics without the
setup: ``.venv/bin/drawdown build --quiet``; the build skips variants whose inputs did
not change, logs one JSON line per variant to ``OUT/_logs/builds.jsonl``, and exits
0 (published), 1 (a run failed: the previous report stays current) or 2 (bad data or
parameters). A scheduler should alert on any non-zero exit.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

SERVICE_NAME = "drawdown-report"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


#: A user name systemd accepts in User= (the POSIX portable set, as useradd does).
_USER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,31}$|^[0-9]+$")


def _refuse_controls(what: str, value: str) -> None:
    """A newline in a path would end the cron entry or the unit directive and start another."""
    if any(not c.isprintable() for c in value):
        raise ValueError(
            f"{what} {value!r}: control characters (a newline, a tab) cannot be scheduled"
        )


def _command(project: Path, out: Path) -> str:
    drawdown = project / ".venv" / "bin" / "drawdown"
    return f"{shlex.quote(str(drawdown))} build --quiet --out {shlex.quote(str(out))}"


def cron_line(project: Path, out: Path, at: str) -> str:
    """One crontab line; ``%`` (a newline to cron) is escaped, control characters refused."""
    hour, minute = _parse_time(at)
    _refuse_controls("--project", str(project))
    _refuse_controls("--out", str(out))
    log = out / "_logs" / "cron.log"
    line = (
        f"{minute} {hour} * * * cd {shlex.quote(str(project))} && "
        f"mkdir -p {shlex.quote(str(log.parent))} && "
        f"{_command(project, out)} >> {shlex.quote(str(log))} 2>&1"
    )
    return line.replace("%", "\\%")


def _systemd_value(text: str) -> str:
    """A unit-file value: ``%`` starts a specifier and ``$`` a variable, so both are doubled."""
    return text.replace("%", "%%").replace("$", "$$")


def systemd_units(project: Path, out: Path, at: str, user: str | None) -> dict[str, str]:
    """The service and timer units; every value quoted for unit-file syntax."""
    hour, minute = _parse_time(at)
    _refuse_controls("--project", str(project))
    _refuse_controls("--out", str(out))
    if user is not None and not _USER.match(user):
        raise ValueError(
            f"--user {user!r}: expected a user name (letters, digits, _ and -) or a numeric id"
        )
    user_line = f"User={user}\n" if user else ""
    service = (
        "[Unit]\n"
        "Description=Build the coalition drawdown reports (Arabic and English)\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{user_line}"
        f"WorkingDirectory={_systemd_value(str(project))}\n"
        f"ExecStart={_systemd_value(_command(project, out))}\n"
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
    """The GitHub Actions workflow that builds the reports nightly at ``at``."""
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


def recipe(kind: str, project: Path, out: Path, at: str, user: str | None) -> dict[str, str]:
    """The files of one recipe, by name; :class:`ValueError` for what cannot be scheduled."""
    if kind == "cron":
        return {"crontab": cron_line(project, out, at) + "\n"}
    if kind == "systemd":
        return systemd_units(project, out, at, user)
    if kind == "ci":
        return {"nightly-reports.yml": ci_workflow(at)}
    raise ValueError(f"{kind!r}: expected cron, systemd or ci")


def write(files: dict[str, str], directory: Path) -> list[Path]:
    """Write the recipe's files into ``directory``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
        written.append(directory / name)
    return written
