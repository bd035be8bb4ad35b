"""The front door: the two dependency lists agree, notebooks are committed clean and in sync."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib

import pytest

from conftest import PROJECT_DIR

NOTEBOOKS = sorted((PROJECT_DIR / "notebooks").glob("*.ipynb"))


def _requirement(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    assert match, spec
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_agrees_with_pyproject() -> None:
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    wanted = dict(
        map(_requirement, project["dependencies"] + project["optional-dependencies"]["dev"])
    )
    conda = {}
    for line in (PROJECT_DIR / "environment.yml").read_text().splitlines():
        item = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+[^#]*?)\s*(#.*)?$", line)
        if item and not line.strip().startswith("- conda-forge"):
            name, bound = _requirement(item.group(1))
            if name not in {"python", "pip"}:
                conda[name] = bound
    assert conda == wanted


def test_python_floor_is_the_same() -> None:
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    assert "python>=3.11" in (PROJECT_DIR / "environment.yml").read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_one_commented_parameters_cell(path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1
    for line in "".join(cells[0]["source"]).splitlines():
        assert re.match(r"^\w+: \w+ = .+  # .+$", line), line
    assert notebook["metadata"]["kernelspec"]["name"] == "drawdown"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_paired_text_version_is_in_sync(path) -> None:
    """The jupytext percent file reviewers read holds the same cells as the notebook."""
    import jupytext

    paired = path.with_suffix(".py")
    assert paired.exists(), f"{paired.name} missing: run `jupytext --sync {path.name}`"
    from_text = jupytext.read(paired)
    from_ipynb = jupytext.read(path)
    assert [(c.cell_type, c.source) for c in from_text.cells] == [
        (c.cell_type, c.source) for c in from_ipynb.cells
    ], f"{path.name} and {paired.name} differ: run `jupytext --sync notebooks/{path.name}`"


def test_make_help_lists_the_targets() -> None:
    out = subprocess.run(
        ["make", "-s", "help"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout
    for target in ("report", "test", "lab", "lint", "bench", "validate"):
        assert re.search(rf"make {target}\s", out), target


def test_ci_runs_make_test() -> None:
    assert "make test" in (PROJECT_DIR / ".ci" / "run").read_text()
