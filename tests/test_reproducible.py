"""Reproducibility: the same data, parameters and code give the same report, byte for byte,
apart from the generation time; the manifest's data hash changes exactly when a data file does.

The two builds differ in everything that should not matter: the data directory's path (two
copies), the output directory, the time, and Python's string-hash seed (``PYTHONHASHSEED``,
inherited by the kernels), so output that depends on set or dict-of-set order shows up too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis.dataset import hash_data, load_dataset
from conftest import DATA_DIR, MINIMAL_DIR, PROJECT_DIR, copy_dataset

AS_OF = "2025-10-15"
LANGS = ("ar", "en")
#: The footer's generation time, the one thing two builds may differ in.
GENERATED = re.compile(
    r'<time [^>]*datetime="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z))"'
)


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path]]:
    """The shipped data copied twice, each built (HTML, both languages) with its own hash seed,
    both at once. Returns (data, out) for each."""
    root = tmp_path_factory.mktemp("twins")
    runs, pairs = [], []
    for seed in ("1", "2"):
        data = shutil.copytree(DATA_DIR, root / f"data-{seed}")
        out = root / f"reports-{seed}"
        pairs.append((data, out))
        runs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "analysis",
                    "build",
                    "--data",
                    str(data),
                    "--out",
                    str(out),
                    "--as-of",
                    AS_OF,
                    "--format",
                    "html",
                    "--jobs",
                    "2",
                    "--quiet",
                ],
                stderr=subprocess.PIPE,
                text=True,
                cwd=PROJECT_DIR,
                # The build clock, injected: generation times one second apart, no sleeping.
                env={
                    **os.environ,
                    "PYTHONHASHSEED": seed,
                    "SOURCE_DATE_EPOCH": str(1_790_000_000 + int(seed)),
                },
            )
        )
    for process in runs:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    return pairs


def html(out: Path, lang: str) -> str:
    return (out / AS_OF / lang / "drawdown-report.html").read_text(encoding="utf-8")


def manifest(out: Path) -> dict:
    return json.loads((out / AS_OF / "manifest.json").read_text(encoding="utf-8"))


def without_generation_time(page: str, out: Path) -> str:
    stamps = GENERATED.findall(page)
    assert stamps == [manifest(out)["generated"]], stamps  # exactly one, the build's own
    return GENERATED.sub('<time datetime="GENERATED"', page)


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_reports_are_identical_apart_from_the_generation_time(twins, lang: str) -> None:
    (_, first), (_, second) = twins
    a, b = html(first, lang), html(second, lang)
    assert a != b, "the generation times should differ"
    a, b = without_generation_time(a, first), without_generation_time(b, second)
    if a != b:
        at = next(i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
        pytest.fail(
            f"the reports differ at {at}:\n{a[at - 200 : at + 200]!r}\n{b[at - 200 : at + 200]!r}"
        )
    for name in ("timeline.csv",):
        assert (first / AS_OF / name).read_bytes() == (second / AS_OF / name).read_bytes()


class _Ids(HTMLParser):
    """The id of every element (script contents are not parsed as markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [value or "" for name, value in attrs if name == "id"]


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_element_ids_are_fixed(twins, lang: str) -> None:
    """No random ids: the plot divs are chart-gantt/chart-promise, cells keep the notebook's
    ids, footnote targets are the source ids."""
    (data, out), _ = twins
    parser = _Ids()
    parser.feed(html(out, lang))
    ids = parser.ids
    assert len(ids) == len(set(ids)), "an id is used twice"
    charts = {
        "chart-gantt",
        "chart-promise",
        "chart-gantt-caption",
        "chart-promise-caption",
        "figure-gantt",
        "figure-promise",
    }
    assert charts <= set(ids)
    notebook = json.loads((PROJECT_DIR / "notebooks" / "drawdown_report.ipynb").read_text())
    cells = {f"cell-id={cell['id']}" for cell in notebook["cells"]}
    sources = {f"src-{source}" for source in load_dataset(data).sources}
    unknown = set(ids) - charts - cells - sources
    assert unknown == set(), unknown


@pytest.mark.slow
def test_manifests_agree_on_the_data(twins) -> None:
    (data, first), (_, second) = twins
    one, two = manifest(first), manifest(second)
    assert one["data_hash"] == two["data_hash"] == load_dataset(data).data_hash
    assert one["data_dir"] != two["data_dir"]  # two copies, one identity
    for lang in LANGS:
        # the cache key ignores where the data lives: the same inputs are "up to date" anywhere
        assert one["variants"][lang]["key"] == two["variants"][lang]["key"]
        assert one["variants"][lang]["data_hash"] == one["data_hash"]
        assert one["data_hash"][:12] in html(first, lang)  # the footer names it


# --------------------------------------------------------------------------- the data hash


def package_files(data: Path) -> list[Path]:
    """The descriptor, the tables it declares (that exist), the commentary's Markdown."""
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    tables = [data / r["path"] for r in descriptor["resources"] if (data / r["path"]).is_file()]
    return [data / "datapackage.json", *tables, *sorted((data / "commentary").glob("*.md"))]


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    return shutil.copytree(DATA_DIR, tmp_path / "data")


def test_the_hash_changes_when_one_byte_of_any_package_file_changes(shipped: Path) -> None:
    base = hash_data(shipped)
    files = package_files(shipped)
    assert len(files) >= 8  # descriptor, five tables, notes
    seen = {base}
    for path in files:
        original = path.read_bytes()
        middle = len(original) // 2
        flipped = bytes([original[middle] ^ 0x01])  # one bit of one byte
        path.write_bytes(original[:middle] + flipped + original[middle + 1 :])
        changed = hash_data(shipped)
        assert changed not in seen, path.name
        seen.add(changed)
        path.write_bytes(original)
        assert hash_data(shipped) == base, path.name


def test_the_hash_follows_a_valid_edit_into_the_dataset(tmp_path: Path) -> None:
    data = copy_dataset(MINIMAL_DIR, tmp_path / "data")
    before = load_dataset(data).data_hash
    events = data / "events.csv"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("Mission at Alpha", "Mission at Alphb"), encoding="utf-8")
    edited = load_dataset(data).data_hash
    assert edited != before
    events.write_text(text, encoding="utf-8")
    assert load_dataset(data).data_hash == before  # undone: the same identity again
    (data / "commentary").mkdir()
    (data / "commentary" / "note.en.md").write_text("A note.\n", encoding="utf-8")
    noted = load_dataset(data).data_hash
    assert noted not in (before, edited)
    (data / "commentary" / "note.en.md").rename(data / "commentary" / "renamed.en.md")
    assert load_dataset(data).data_hash not in (before, edited, noted)  # the name counts


def test_the_hash_ignores_what_is_not_the_package(shipped: Path, tmp_path: Path) -> None:
    base = hash_data(shipped)
    (shipped / "notes.txt").write_text("a stray note\n", encoding="utf-8")
    (shipped / "scratch.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # not a resource
    (shipped / "drafts").mkdir()
    (shipped / "drafts" / "events.csv").write_bytes((shipped / "events.csv").read_bytes())
    (shipped / "commentary" / "todo.txt").write_text("not a note\n", encoding="utf-8")
    (shipped / "README.md").write_text("changed\n", encoding="utf-8")
    os.utime(shipped / "events.csv", (0, 0))  # a touch is not a change
    assert hash_data(shipped) == base
    elsewhere = shutil.copytree(shipped, tmp_path / "elsewhere" / "copy")
    assert hash_data(elsewhere) == base  # where the data lives is not what it is
    digest = hashlib.sha256()
    for path in sorted(package_files(shipped)):
        digest.update(str(path.relative_to(shipped)).encode() + b"\0" + path.read_bytes() + b"\0")
    assert digest.hexdigest() == base  # exactly the package files, names and bytes
