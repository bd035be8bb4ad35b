"""The scheduling recipes: generated from the checkout, valid, and running the real build."""

from __future__ import annotations

import configparser
import shutil
import subprocess

import pytest
import yaml

from analysis.cli import main
from analysis.schedule import ci_workflow, cron_line, systemd_units
from conftest import PROJECT_DIR


def test_cron_line_is_valid_and_runs_the_build(tmp_path) -> None:
    line = cron_line(PROJECT_DIR, tmp_path / "out", "02:30")
    minute, hour, dom, month, dow, command = line.split(" ", 5)
    assert (minute, hour, dom, month, dow) == ("30", "2", "*", "*", "*")
    assert f"{PROJECT_DIR}/.venv/bin/drawdown build --quiet --out {tmp_path / 'out'}" in command
    assert command.endswith("2>&1")


def test_bad_time_is_refused(capsys) -> None:
    assert main(["schedule", "cron", "--at", "25:00"]) == 2
    assert "expected HH:MM" in capsys.readouterr().err


def test_systemd_units_parse_and_verify(tmp_path) -> None:
    units = systemd_units(PROJECT_DIR, tmp_path / "out", "03:15", None)
    service = configparser.ConfigParser(strict=True, interpolation=None)
    service.read_string(units["drawdown-report.service"])
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].startswith(f"{PROJECT_DIR}/.venv/bin/drawdown build")
    timer = configparser.ConfigParser(strict=True, interpolation=None)
    timer.read_string(units["drawdown-report.timer"])
    assert timer["Timer"]["OnCalendar"] == "*-*-* 03:15:00"
    assert timer["Install"]["WantedBy"] == "timers.target"
    if shutil.which("systemd-analyze"):
        for name, text in units.items():
            (tmp_path / name).write_text(text)
        result = subprocess.run(
            ["systemd-analyze", "verify", str(tmp_path / "drawdown-report.timer")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr


def test_write_creates_the_files(tmp_path, capsys) -> None:
    assert main(["schedule", "systemd", "--write", str(tmp_path)]) == 0
    assert (tmp_path / "drawdown-report.service").exists()
    assert (tmp_path / "drawdown-report.timer").exists()


def test_committed_ci_workflow_is_the_generated_one() -> None:
    committed = PROJECT_DIR / ".github" / "workflows" / "nightly-reports.yml"
    assert committed.read_text() == ci_workflow("02:30"), (
        "regenerate: drawdown schedule ci > .github/workflows/nightly-reports.yml"
    )
    workflow = yaml.safe_load(committed.read_text())
    steps = workflow["jobs"]["reports"]["steps"]
    assert any("make report" in step.get("run", "") for step in steps)
    assert any(step.get("uses", "").startswith("actions/upload-artifact") for step in steps)
    assert workflow[True]["schedule"][0]["cron"] == "30 2 * * *"  # YAML reads "on" as True


@pytest.mark.parametrize("kind", ["cron", "systemd", "ci"])
def test_schedule_prints(kind: str, capsys) -> None:
    assert main(["schedule", kind]) == 0
    assert capsys.readouterr().out.strip()
