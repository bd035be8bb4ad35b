"""Unit: what a build records and publishes — the build key (what the notebook does, not its
outputs), one build's files per variant, true index and status, damaged state set aside, the
user's own files left alone. Real files in temporary directories; no kernel, no browser."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import nbformat
import pytest

from analysis.pipeline import publish, records
from analysis.pipeline.plan import Options, Variant
from analysis.pipeline.records import BuildInfo, VariantResult
from conftest import PROJECT_DIR

NOTEBOOK = PROJECT_DIR / "notebooks" / "drawdown_report.ipynb"
AS_OF = dt.date(2025, 10, 15)


def info(data_hash: str = "a" * 64, generated: str = "2026-01-01T00:00:00+00:00") -> BuildInfo:
    return BuildInfo(
        generated, "/data", data_hash, "0.1+gabc", "c" * 64, {"python": "3"}, "A title", "عنوان"
    )


def variant(lang: str = "en") -> Variant:
    return Variant(AS_OF, lang, {"as_of": AS_OF.isoformat(), "lang": lang})


def staged_result(staging: Path, lang: str, formats: tuple[str, ...], text: str) -> VariantResult:
    result = VariantResult(variant(lang), ok=True, key=f"key-{text}")
    for fmt in formats:
        path = staging / AS_OF.isoformat() / lang / f"drawdown-report.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{fmt} of build {text}\n</html>" if fmt == "html" else f"{fmt} {text}")
        result.files[fmt] = path
    return result


def publish_build(
    out: Path, staging: Path, text: str, formats=("html", "pdf", "ipynb"), data_hash: str = "a" * 64
) -> list[VariantResult]:
    results = [staged_result(staging / text, lang, formats, text) for lang in ("ar", "en")]
    for result in results:
        publish.publish_variant(result, out)
    records.write_manifest(out, AS_OF, results, info(data_hash))
    return results


# --------------------------------------------------------------------------- the build key


def saved_in_jupyterlab(path: Path, target: Path) -> Path:
    """The notebook as JupyterLab saves it after a run: outputs, counts, metadata."""
    notebook = nbformat.read(path, as_version=4)
    for number, cell in enumerate(notebook.cells, 1):
        if cell.cell_type == "code":
            cell.execution_count = number
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 1000)]
            cell.metadata["execution"] = {"iopub.status.idle": "2026-11-30T10:00:00Z"}
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    notebook.metadata["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    nbformat.write(notebook, target)
    return target


def test_saving_the_executed_notebook_does_not_change_the_key(tmp_path: Path) -> None:
    saved = saved_in_jupyterlab(NOTEBOOK, tmp_path / "saved.ipynb")
    assert saved.read_bytes() != NOTEBOOK.read_bytes()
    assert records.notebook_key(saved) == records.notebook_key(NOTEBOOK)
    options = Options(notebook=NOTEBOOK)
    v = variant()
    assert records.variant_key(v, options, "d", "c") == records.variant_key(
        v, Options(notebook=saved), "d", "c"
    )


@pytest.mark.parametrize("change", ["source", "tag", "new-cell"])
def test_what_the_notebook_does_changes_the_key(tmp_path: Path, change: str) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = next(
        c
        for c in notebook.cells
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    )
    if change == "source":
        code.source += "\n# changed"
    elif change == "tag":
        code.metadata.setdefault("tags", []).append("remove-in-report")
    else:
        notebook.cells.append(nbformat.v4.new_code_cell("print(1)"))
    path = tmp_path / "changed.ipynb"
    nbformat.write(notebook, path)
    assert records.notebook_key(path) != records.notebook_key(NOTEBOOK)


def test_parameters_change_the_key() -> None:
    options = Options(notebook=NOTEBOOK)
    first = records.variant_key(variant(), options, "d", "c")
    other = Variant(AS_OF, "en", {"as_of": AS_OF.isoformat(), "lang": "en", "sites": ["x"]})
    assert records.variant_key(other, options, "d", "c") != first


# --------------------------------------------------------------------------- class 6


def test_an_html_only_rebuild_removes_the_previous_pdf(tmp_path: Path) -> None:
    out, staging = tmp_path / "out", tmp_path / "staging"
    publish_build(out, staging, "one")
    pdf = out / AS_OF.isoformat() / "en" / "drawdown-report.pdf"
    assert pdf.exists()
    result = staged_result(staging / "two", "en", ("html", "ipynb"), "two")
    removed = publish.publish_variant(result, out)
    assert removed == [pdf] and not pdf.exists()
    records.write_manifest(out, AS_OF, [result], info())
    manifest = json.loads((out / AS_OF.isoformat() / "manifest.json").read_text())
    assert set(manifest["variants"]["en"]["files"]) == {"html", "ipynb"}


def test_a_rebuild_drops_the_previous_combined_pdf(tmp_path: Path) -> None:
    out, staging = tmp_path / "out", tmp_path / "staging"
    results = publish_build(out, staging, "one")
    combined = out / AS_OF.isoformat() / "drawdown-report-ar-en.pdf"
    combined.write_bytes(b"%PDF combined one")
    records.write_manifest(out, AS_OF, results, info(), combined=combined)
    assert publish.drop_stale_combined(out, AS_OF.isoformat()) == combined
    assert not combined.exists()


def test_a_pdf_the_manifest_does_not_name_is_not_removed(tmp_path: Path) -> None:
    out, staging = tmp_path / "out", tmp_path / "staging"
    mine = out / AS_OF.isoformat() / "en" / "drawdown-report.pdf"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"the user's own file")
    result = staged_result(staging, "en", ("html",), "one")
    assert publish.publish_variant(result, out) == []
    assert mine.read_bytes() == b"the user's own file"


def test_the_index_shows_each_data_hash_a_date_was_built_from(tmp_path: Path) -> None:
    out, staging = tmp_path / "out", tmp_path / "staging"
    publish_build(out, staging, "one", data_hash="1" * 64)
    result = staged_result(staging / "two", "en", ("html", "pdf", "ipynb"), "two")
    publish.publish_variant(result, out)
    records.write_manifest(out, AS_OF, [result], info(data_hash="2" * 64))
    page = records.write_index(out, info()).read_text(encoding="utf-8")
    assert "<code>111111111111</code>" in page and "<code>222222222222</code>" in page


def test_the_index_uses_the_datasets_title(tmp_path: Path) -> None:
    out, staging = tmp_path / "out", tmp_path / "staging"
    publish_build(out, staging, "one")
    page = records.write_index(out, info()).read_text(encoding="utf-8")
    assert "<title>A title — reports · عنوان — التقارير</title>" in page
    assert "<h1>A title — reports</h1>" in page


@pytest.mark.parametrize(
    "damage",
    ["{broken", "[]", '{"variants": []}', '{"variants": {"2025-10-15/en": 3}}'],
    ids=["not-json", "a-list", "variants-a-list", "entry-a-number"],
)
def test_a_damaged_status_is_set_aside_with_a_warning(tmp_path: Path, capsys, damage) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "status.json").write_text(damage)
    result = VariantResult(variant(), ok=True, files={"html": out / "x.html"})
    (out / "x.html").write_text("x")
    records.write_status(out, [result], "2026-01-01T00:00:00+00:00")
    status = json.loads((out / "status.json").read_text())
    assert status["variants"]["2025-10-15/en"]["ok"] is True
    aside = list(out.glob("status.json.damaged-*"))
    assert len(aside) == 1 and aside[0].read_text() == damage
    assert "set aside" in capsys.readouterr().err


@pytest.mark.parametrize(
    "damage",
    ["", '{"variants": {"en": {"files": {"html": "a path, not an entry"}}}}', '"text"'],
    ids=["empty", "file-entry-a-string", "a-string"],
)
def test_a_damaged_manifest_is_set_aside_and_the_build_records_anyway(
    tmp_path: Path, capsys, damage: str
) -> None:
    out, staging = tmp_path / "out", tmp_path / "staging"
    manifest = out / AS_OF.isoformat() / "manifest.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(damage)
    publish_build(out, staging, "one")
    written = json.loads(manifest.read_text())
    assert set(written["variants"]) == {"ar", "en"}
    assert list(manifest.parent.glob("manifest.json.damaged-*"))
    assert "set aside" in capsys.readouterr().err
    records.write_index(out, info())  # reads it back without trouble


def test_the_users_own_index_is_not_overwritten(tmp_path: Path, capsys) -> None:
    out, staging = tmp_path / "out", tmp_path / "staging"
    out.mkdir()
    (out / "index.html").write_text("<h1>my own page</h1>")
    publish_build(out, staging, "one")
    assert records.write_index(out, info()) is None
    assert (out / "index.html").read_text() == "<h1>my own page</h1>"
    assert "not written by drawdown" in capsys.readouterr().err


def test_our_own_index_is_rewritten(tmp_path: Path) -> None:
    out, staging = tmp_path / "out", tmp_path / "staging"
    publish_build(out, staging, "one")
    first = records.write_index(out, info())
    assert first is not None and records.is_ours(first)
    assert records.write_index(out, info()) == first


def test_only_staging_drawdown_made_is_cleared(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with publish.staging_dir(out.parent if out.exists() else tmp_path) as staging:
        assert (staging / publish.STAGING_MARK).is_file()
    out.mkdir()
    stale = out / f"{publish.STAGING_PREFIX}killed"
    stale.mkdir()
    (stale / publish.STAGING_MARK).write_text("")
    users = [out / ".staging-notes", out / f"{publish.STAGING_PREFIX}mine"]
    for directory in users:
        directory.mkdir()
        (directory / "note.txt").write_text("mine")
    publish.clear_stale_staging(out)
    assert not stale.exists()
    assert all((d / "note.txt").read_text() == "mine" for d in users)


def test_a_failed_variant_keeps_its_notebook_and_publishes_nothing(tmp_path: Path) -> None:
    out, staging = tmp_path / "out", tmp_path / "staging"
    result = staged_result(staging, "en", ("ipynb",), "broken")
    result.ok, result.error = False, "cell 3 raised ZeroDivisionError"
    publish.keep_failed(result, out)
    assert result.failed_notebook == out / "_failed" / "2025-10-15-en-drawdown-report.ipynb"
    assert result.files == {} and not (out / AS_OF.isoformat()).exists()


@pytest.mark.parametrize("layout", ["checkout", "worktree", "packed"])
def test_code_version_names_the_commit(tmp_path: Path, monkeypatch, layout: str) -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    common = tmp_path / "repo.git"
    (common / "refs" / "heads").mkdir(parents=True)
    if layout == "packed":
        (common / "packed-refs").write_text(f"# pack-refs\n{commit} refs/heads/main\n")
    else:
        (common / "refs" / "heads" / "main").write_text(commit + "\n")
    project = tmp_path / "project"
    project.mkdir()
    if layout == "worktree":
        git_dir = common / "worktrees" / "project"
        git_dir.mkdir(parents=True)
        (git_dir / "commondir").write_text("../..\n")
        (project / ".git").write_text(f"gitdir: {git_dir}\n")
    else:
        git_dir = common
        (project / ".git").symlink_to(common)
    (git_dir / "HEAD").write_text("ref: refs/heads/main\n")
    monkeypatch.setattr(records, "PROJECT_DIR", project)
    assert records.code_version().endswith("+g0123456789")
