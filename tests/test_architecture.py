"""The shape of src/analysis: no import cycle (function-local imports included), one argv
parser, every module's job in its first line, no Playwright, no module over 600 lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import PROJECT_DIR

SRC = PROJECT_DIR / "src"
PACKAGE = SRC / "analysis"
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


NAMES = {module_name(p): p for p in MODULES}


def _resolve(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = here.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path) -> set[str]:
    """Every analysis module ``path`` imports, at the top or inside a function (not under
    ``if TYPE_CHECKING:``, which never runs)."""
    here = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, here, path.name == "__init__.py")
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in NAMES else base)
    return {name for name in found if name in NAMES and name != here}


def graph() -> dict[str, set[str]]:
    return {name: imports_of(path) for name, path in NAMES.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle as a path [a, b, ..., a], or None (depth-first search, three colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_function_local_imports() -> None:
    edges = graph()
    # analysis.pipeline.build imports load_dataset inside a function.
    assert "analysis.dataset" in edges["analysis.pipeline.build"]
    assert "analysis.pipeline.plan" in edges["analysis.cli"]


def test_no_import_cycle_in_src() -> None:
    assert find_cycle(graph()) is None, find_cycle(graph())


def test_the_dask_worker_does_not_import_the_orchestrator_or_the_cli() -> None:
    edges = graph()
    reachable, todo = set(), ["analysis.distributed"]
    while todo:
        node = todo.pop()
        for nxt in edges[node] - reachable:
            reachable.add(nxt)
            todo.append(nxt)
    assert "analysis.pipeline.build" not in reachable
    assert "analysis.cli" not in reachable


def test_cli_is_the_only_argv_parser() -> None:
    """Only cli.py makes a parser, parses or reads sys.argv (params.py may declare flags)."""
    parsers = [
        module_name(p)
        for p in MODULES
        if re.search(r"\bArgumentParser\(|\.parse_args\(|sys\.argv", p.read_text(encoding="utf-8"))
    ]
    assert parsers == ["analysis.cli"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p) or "analysis")
def test_every_module_says_its_job_in_its_first_line(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    if path.name == "__main__.py":
        return
    assert doc, f"{path}: no module docstring"
    assert len(doc.splitlines()[0]) > 10


def test_no_playwright_in_src() -> None:
    users = [module_name(p) for p in MODULES if "playwright" in p.read_text(encoding="utf-8")]
    assert users == []


PIPELINE_OWNED = [
    "analysis.cli",
    "analysis.terminal",
    "analysis.distributed",
    "analysis.browser",
    "analysis.cdp",
    "analysis.kernel",
    "analysis.export",
    "analysis.schedule",
    "analysis.files",
    *(n for n in NAMES if n.startswith("analysis.pipeline")),
]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p) or "analysis")
def test_every_module_is_at_most_600_lines(path: Path) -> None:
    """Every module under src/analysis (all .py files, packages included) is at most 600 lines."""
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 600, f"{module_name(path)}: {lines} lines"


def local_imports(path: Path) -> list[tuple[int, str]]:
    """Imports inside functions, each with the comment that justifies it (or "")."""
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        body_imports = [
            node for node in ast.walk(func) if isinstance(node, ast.Import | ast.ImportFrom)
        ]
        for node in body_imports:
            # The comment sits on the line above the import (or above a run of imports).
            above = node.lineno - 2
            while above >= 0 and re.match(r"\s*(from|import)\s", lines[above]):
                above -= 1
            comment = lines[above].strip() if above >= 0 else ""
            trailing = lines[node.lineno - 1].partition("#")[2].strip()
            found.append((node.lineno, comment if comment.startswith("#") else trailing))
    return found


@pytest.mark.parametrize("name", PIPELINE_OWNED)
def test_local_imports_say_what_they_save(name: str) -> None:
    """A function-local import is allowed where it buys start-up time, and says so."""
    bare = [line for line, comment in local_imports(NAMES[name]) if not comment]
    assert bare == [], f"{name}: local imports without a comment at lines {bare}"


def test_the_pages_inline_the_plotly_js_the_charts_are_drawn_with() -> None:
    """The renderer reads the vendored file itself (importing plotly costs ~1 s)."""
    from analysis.charts import plotly_js
    from analysis.pipeline.html import PLOTLY_JS

    assert PLOTLY_JS.read_text(encoding="utf-8") == plotly_js()
