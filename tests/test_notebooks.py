"""The notebooks as an analyst runs them: defaults, top to bottom, with the controls."""

from __future__ import annotations

import ast
import json
import runpy
from pathlib import Path

import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from analysis import params as P
from conftest import PROJECT_DIR

slow = pytest.mark.slow
NOTEBOOKS = PROJECT_DIR / "notebooks"


def outputs(path: Path) -> list[dict]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"]]


def html_of(path: Path) -> str:
    return "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs(path))


def test_the_parameters_cell_is_the_declared_parameters() -> None:
    """papermill sees exactly params.PARAMS: names, defaults, types and help."""
    found = papermill.inspect_notebook(str(NOTEBOOKS / "drawdown_report.ipynb"))
    assert list(found) == [p.name for p in P.PARAMS]
    for param in P.PARAMS:
        cell = found[param.name]
        assert ast.literal_eval(cell["default"]) == param.default, param.name
        assert cell["inferred_type_name"] == param.type_name, param.name
        assert cell["help"] == param.help, param.name
    source = json.loads((NOTEBOOKS / "drawdown_report.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in source["cells"] if "parameters" in c["metadata"].get("tags", []))
    assert "".join(cell["source"]) == P.notebook_cell()


def test_notebooks_are_committed_without_outputs() -> None:
    for path in NOTEBOOKS.glob("*.ipynb"):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


@slow
def test_report_notebook_runs_with_its_defaults_and_offers_controls(tmp_path: Path) -> None:
    executed = tmp_path / "report.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / "drawdown_report.ipynb"),
        str(executed),
        kernel_name="drawdown",
        parameters={"as_of": "2025-10-15"},
        progress_bar=False,
        cwd=str(NOTEBOOKS),
    )
    found = outputs(executed)
    kinds = {mime for o in found for mime in o.get("data", {})}
    assert "application/vnd.plotly.v1+json" in kinds  # JupyterLab draws the charts natively
    assert "application/vnd.jupyter.widget-view+json" in kinds  # the interactive controls
    html = html_of(executed)
    assert "as of 15 October 2025" in html and "Ain al-Asad" in html
    assert 'lang="en" dir="ltr"' in html
    assert not [o for o in found if o.get("output_type") == "error"]


@slow
def test_headless_run_skips_the_controls_and_arabic_sections_are_rtl(tmp_path: Path) -> None:
    executed = tmp_path / "report.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / "drawdown_report.ipynb"),
        str(executed),
        kernel_name="drawdown",
        parameters={"as_of": "2025-10-15", "lang": "ar", "interactive": False},
        progress_bar=False,
        cwd=str(NOTEBOOKS),
    )
    kinds = {mime for o in outputs(executed) for mime in o.get("data", {})}
    assert "application/vnd.jupyter.widget-view+json" not in kinds
    html = html_of(executed)
    for section in ("title", "headline", "sites", "statements", "sources", "data-notes"):
        assert f'data-drawdown-section="{section}" lang="ar" dir="rtl"' in html, section


@slow
def test_bad_parameters_under_papermill_name_each_without_a_traceback(tmp_path: Path) -> None:
    executed = tmp_path / "bad.ipynb"
    with pytest.raises(PapermillExecutionError) as caught:
        papermill.execute_notebook(
            str(NOTEBOOKS / "drawdown_report.ipynb"),
            str(executed),
            kernel_name="drawdown",
            parameters={"lang": "fr", "sites": "erbil,nowhere", "interactive": False},
            progress_bar=False,
            cwd=str(NOTEBOOKS),
        )
    assert caught.value.ename == "ParameterProblems"
    error = next(o for o in outputs(executed) if o.get("output_type") == "error")
    text = "\n".join(error["traceback"])
    assert len(error["traceback"]) == 3 and "Traceback" not in text and "File " not in text
    assert "lang='fr': expected one of 'ar', 'en'" in text and "'nowhere'" in text


@slow
def test_explore_notebook_answers_from_frames(tmp_path: Path) -> None:
    from analysis.report import Report

    executed = tmp_path / "explore.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / "explore.ipynb"),
        str(executed),
        kernel_name="drawdown",
        parameters={"as_of": "2026-01-31"},
        progress_bar=False,
        cwd=str(NOTEBOOKS),
    )
    results = [o["data"] for o in outputs(executed) if o.get("output_type") == "execute_result"]
    text = ["".join(r.get("text/plain", "")) for r in results]
    html = ["".join(r.get("text/html", "")) for r in results]
    assert len(results) == 5  # the report, then one answer per question
    assert text[0].startswith("<Report en as of 2026-01-31")
    slipped = html[1]
    # Baghdad declared complete 18 January 2026 (110 days), Ain al-Asad 108–110 days
    assert "Baghdad" in slipped and all(f"<td>{n}</td>" in slipped for n in (110, 108))
    assert "Erbil" not in slipped  # a conditional deadline not yet passed
    events = Report.from_parameters(as_of="2026-01-31").frames().events
    quoted = events.loc[(events.site == "ain-al-asad") & events.quote.notna()]
    assert len(quoted) and all(q[:20] in html[2] for q in quoted.quote)
    single = set(events.loc[events.n_sources == 1, "id"])
    assert single and all(f"<td>{i}</td>" in html[3] for i in single)
    assert not any(f"<td>{i}</td>" in html[3] for i in set(events.id) - single)
    assert "2026-01-10" in text[4] and "2025-09-30" in text[4]  # Ain al-Asad's revision
    source = (NOTEBOOKS / "explore.py").read_text(encoding="utf-8")
    assert "timeline" not in source  # frames only


@slow
def test_data_quality_notebook_reports_the_checks(tmp_path: Path) -> None:
    executed = tmp_path / "quality.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / "data_quality.ipynb"),
        str(executed),
        kernel_name="drawdown",
        parameters={"as_of": "2026-11-29"},
        progress_bar=False,
        cwd=str(NOTEBOOKS),
    )
    html = html_of(executed)
    for heading in (
        "Validation",
        "Translation coverage",
        "Events without a second source",
        "Unverified claims",
        "Coverage",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert "is valid" in html and "<h2>Curator" in html
    counts = [
        "".join(o["data"].get("text/plain", ""))
        for o in outputs(executed)
        if o.get("output_type") == "execute_result"
    ][-1]
    from analysis.frames import quality_frames

    tables = quality_frames("", "2026-11-29")
    # The checks as DataFrames, one per check, with as many rows as the HTML tables.
    assert ast.literal_eval(counts) == {name: len(t) for name, t in tables.items()}


def test_saving_a_tracked_notebook_strips_its_outputs(tmp_path: Path) -> None:
    """The JupyterLab pre-save hook `make lab` installs (notebooks/jupyter_server_config.py)."""
    import subprocess
    import types

    import nbformat
    from traitlets.config import Config

    config = Config()
    hook_module = runpy.run_path(
        str(NOTEBOOKS / "jupyter_server_config.py"), init_globals={"get_config": lambda: config}
    )
    hook = config.ContentsManager.pre_save_hook
    assert hook is hook_module["strip_tracked_notebooks"]
    source = nbformat.read(str(NOTEBOOKS / "drawdown_report.ipynb"), as_version=4)
    for name in ("tracked.ipynb", "scratch.ipynb"):
        nbformat.write(source, str(tmp_path / name))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True, timeout=30)
    subprocess.run([*git, "add", "tracked.ipynb"], cwd=tmp_path, check=True, timeout=30)

    def executed() -> dict:
        nb = json.loads(nbformat.writes(source))
        nb["metadata"]["language_info"] = {"name": "python", "version": "3.11.7"}
        nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
        code = next(c for c in nb["cells"] if c["cell_type"] == "code")
        code["execution_count"] = 3
        code["outputs"] = [
            {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR" * 1000}}
        ]
        code["metadata"]["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
        return nb

    manager = types.SimpleNamespace(root_dir=str(tmp_path))
    tracked = {"type": "notebook", "content": executed()}
    hook(model=tracked, path="tracked.ipynb", contents_manager=manager)
    assert nbformat.writes(nbformat.from_dict(tracked["content"])) == nbformat.writes(source)
    scratch = {"type": "notebook", "content": executed()}
    hook(model=scratch, path="/scratch.ipynb", contents_manager=manager)
    assert scratch["content"] == executed()  # untracked: saved as it is
