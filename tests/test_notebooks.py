"""The notebooks as an analyst runs them: defaults, top to bottom, with the controls."""

from __future__ import annotations

import json
from pathlib import Path

import papermill
import pytest

from conftest import PROJECT_DIR

pytestmark = pytest.mark.slow
NOTEBOOKS = PROJECT_DIR / "notebooks"


def outputs(path: Path) -> list[dict]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"]]


def test_report_notebook_runs_with_its_defaults_and_offers_controls(tmp_path: Path) -> None:
    executed = tmp_path / "report.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / "drawdown_report.ipynb"), str(executed), kernel_name="drawdown",
        parameters={"as_of": "2025-10-15"}, progress_bar=False, cwd=str(NOTEBOOKS),
    )
    found = outputs(executed)
    kinds = {mime for o in found for mime in o.get("data", {})}
    assert "application/vnd.plotly.v1+json" in kinds  # JupyterLab draws the charts natively
    assert "application/vnd.jupyter.widget-view+json" in kinds  # the interactive controls
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in found)
    assert "As of 15 October 2025" in html and "Ain al-Asad" in html
    assert not [o for o in found if o.get("output_type") == "error"]


def test_headless_run_skips_the_controls(tmp_path: Path) -> None:
    executed = tmp_path / "report.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / "drawdown_report.ipynb"), str(executed), kernel_name="drawdown",
        parameters={"as_of": "2025-10-15", "lang": "ar", "interactive": False},
        progress_bar=False, cwd=str(NOTEBOOKS),
    )
    kinds = {mime for o in outputs(executed) for mime in o.get("data", {})}
    assert "application/vnd.jupyter.widget-view+json" not in kinds


def test_data_quality_notebook_reports_the_checks(tmp_path: Path) -> None:
    executed = tmp_path / "quality.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / "data_quality.ipynb"), str(executed), kernel_name="drawdown",
        parameters={"as_of": "2026-11-29"}, progress_bar=False, cwd=str(NOTEBOOKS),
    )
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs(executed))
    for heading in ("Validation", "Translation coverage", "Events without a second source",
                    "Unverified claims", "Freshness"):
        assert f"<h2>{heading}</h2>" in html
    assert "is valid" in html and "2025-09-07-peregraf-adviser-name" in html
