"""Issue 14 class 2: the data directory is a boundary.

A resource path may not leave the data directory (``..``, absolute paths, URLs); symbolic
links out of it are not followed (tables, the descriptor, analyst notes); only regular
files are read (a FIFO must not block, a device must not be read); the size limit holds
whatever ``st_size`` says. Each refusal is a message naming the path (exit 2, nothing
built), never a traceback, and never the content of the outside file.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from analysis.cli import main
from analysis.datafiles import UnsafeFileError, read_regular, resolve_inside
from analysis.dataset import DataValidationError, hash_data, load_dataset, package_files
from conftest import MINIMAL_DIR

#: The first line of the "outside" file: it must never appear in any output.
SECRET = "root:x:0:0:TOP-SECRET-LINE-0f3a"


def finishes(call: Callable[[], Any], seconds: float = 30) -> Any:
    """Run ``call`` in a thread and wait for it (a FIFO that blocks would never return)."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = call()
        except BaseException as exc:  # handed to the test
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked: the loader opened something that never ends"
    if "error" in result:
        raise result["error"]
    return result.get("value")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory beside the data directory, holding a secret and a valid CSV."""
    where = tmp_path / "outside"
    where.mkdir()
    (where / "passwd").write_text(SECRET + "\nsecond:line\n", encoding="utf-8")
    (where / "actors.csv").write_bytes((MINIMAL_DIR / "actors.csv").read_bytes())
    return where


def set_path(data: Path, resource: str, path: Any) -> None:
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == resource)["path"] = path
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def refused(data: Path, capsys: pytest.CaptureFixture[str], *words: str) -> str:
    """Validation and build both exit 2 naming ``words``; nothing outside is echoed."""
    with pytest.raises(DataValidationError) as caught:
        finishes(lambda: load_dataset(data))
    text = "\n".join(map(str, caught.value.problems))
    assert main(["validate", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    out = data.parent / "reports"
    assert main(["build", "--data", str(data), "--out", str(out), "--as-of", "2025-10-15"]) == 2
    build_err = capsys.readouterr().err
    assert "nothing was built" in build_err and not out.exists()
    for output in (text, err, build_err):
        assert SECRET not in output and "TOP-SECRET" not in output and "second:line" not in output
        assert "Traceback" not in output
        for word in words:
            assert word in output, (word, output)
    return text


# --------------------------------------------------------------------------- paths


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("../outside/passwd", ["leaves the data directory"]),  # the example
        ("../../../../../../etc/passwd", ["leaves the data directory"]),
        ("sub/../../outside/passwd", ["leaves the data directory"]),
        ("..\\outside\\passwd", ["leaves the data directory"]),
        ("/etc/passwd", ["absolute path"]),
        ("file:///etc/passwd", ["absolute path or a URL"]),
        ("https://example.org/actors.csv", ["absolute path or a URL"]),
        ("~/actors.csv", ["absolute path"]),
    ],
)
def test_a_resource_path_may_not_leave_the_data_directory(
    path: str,
    words: list[str],
    minimal_data: Path,
    outside: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    set_path(minimal_data, "actors", path)
    text = refused(minimal_data, capsys, "datapackage.json", *words)
    assert "resources[2].path" in text


def test_an_absolute_path_to_a_valid_csv_is_a_message_not_a_traceback(
    minimal_data: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_path(minimal_data, "actors", str(outside / "actors.csv"))
    refused(minimal_data, capsys, "absolute path", "actors.csv")
    set_path(minimal_data, "actors", str(minimal_data / "actors.csv"))  # even inside: relative
    refused(minimal_data, capsys, "absolute path")


def test_an_extra_resource_on_an_outside_file_is_not_read(
    minimal_data: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    descriptor = json.loads((minimal_data / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"].append(
        {"name": "passwd", "path": str(outside / "passwd"), "schema": {"fields": []}}
    )
    (minimal_data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    refused(minimal_data, capsys, "resources[5].name", "not a table the report reads")


def test_a_path_that_is_not_a_string_is_refused(
    minimal_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_path(minimal_data, "actors", ["actors.csv", "more.csv"])
    refused(minimal_data, capsys, "resources[2].path", "multi-file")


# --------------------------------------------------------------------------- links


def test_a_table_linked_to_an_outside_file_is_not_followed(
    minimal_data: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (minimal_data / "actors.csv").unlink()
    (minimal_data / "actors.csv").symlink_to(outside / "passwd")
    refused(minimal_data, capsys, "symbolic link", "actors.csv")


def test_a_linked_directory_out_of_the_data_is_not_followed(
    minimal_data: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (minimal_data / "tables").symlink_to(outside, target_is_directory=True)
    set_path(minimal_data, "actors", "tables/actors.csv")
    refused(minimal_data, capsys, "symbolic link")


def test_a_linked_descriptor_out_of_the_data_is_not_followed(
    minimal_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    (minimal_data / "datapackage.json").rename(elsewhere)
    (minimal_data / "datapackage.json").symlink_to(elsewhere)
    refused(minimal_data, capsys, "datapackage.json", "symbolic link")


def test_a_link_that_stays_inside_is_followed(minimal_data: Path) -> None:
    (minimal_data / "tables").mkdir()
    (minimal_data / "actors.csv").rename(minimal_data / "tables" / "actors.csv")
    (minimal_data / "actors.csv").symlink_to(minimal_data / "tables" / "actors.csv")
    assert load_dataset(minimal_data).actors["spokesman"].name_en
    linked = minimal_data.parent / "linked-data"
    linked.symlink_to(minimal_data, target_is_directory=True)  # the data directory itself
    assert len(load_dataset(linked).events) == 4


def test_a_commentary_note_linked_out_is_not_published(
    minimal_data: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = minimal_data / "commentary"
    notes.mkdir()
    (notes / "leak.en.md").symlink_to(outside / "passwd")
    refused(minimal_data, capsys, "commentary/leak.en.md", "symbolic link")


def test_a_commentary_directory_linked_out_is_not_followed(
    minimal_data: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (outside / "leak.en.md").write_text(SECRET + "\n", encoding="utf-8")
    (minimal_data / "commentary").symlink_to(outside, target_is_directory=True)
    refused(minimal_data, capsys, "commentary", "symbolic link")


# --------------------------------------------------------------------------- special files


@pytest.mark.parametrize("name", ["sites.csv", "datapackage.json", "commentary/x.en.md"])
def test_a_fifo_does_not_block_validation(
    name: str, minimal_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = minimal_data / name
    path.parent.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    refused(minimal_data, capsys, "FIFO")
    files = finishes(lambda: list(package_files(minimal_data)))
    assert path not in files
    finishes(lambda: hash_data(minimal_data))  # the build key does not block either


def test_a_directory_where_a_table_should_be_is_refused(
    minimal_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (minimal_data / "sites.csv").unlink()
    (minimal_data / "sites.csv").mkdir()
    refused(minimal_data, capsys, "directory")


def test_dev_zero_is_not_read(minimal_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's example: /dev/zero grew memory until MemoryError."""
    (minimal_data / "sites.csv").unlink()
    (minimal_data / "sites.csv").symlink_to("/dev/zero")
    refused(minimal_data, capsys, "sites.csv")
    with pytest.raises(UnsafeFileError, match="a device"):
        read_regular(Path("/dev/zero"), 1024)


def test_a_device_node_inside_the_data_is_not_read(
    minimal_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (minimal_data / "sites.csv").unlink()
    try:
        os.mknod(minimal_data / "sites.csv", stat.S_IFCHR | 0o644, os.makedev(1, 5))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    refused(minimal_data, capsys, "device")


def test_reading_stops_after_the_limit_whatever_the_size_says(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 5000)
    assert len(read_regular(big, 1000)) == 1001  # one more than the limit: "too large"
    assert len(read_regular(big, 10_000)) == 5000


def test_an_oversized_table_is_refused_without_reading_it_all(
    minimal_data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import analysis.tables

    monkeypatch.setattr(analysis.tables, "MAX_FILE_BYTES", 200)
    refused(minimal_data, capsys, "events.csv", "limit per table")


def test_resolve_inside_accepts_plain_names_only(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    assert resolve_inside(root, "events.csv") == root / "events.csv"
    assert resolve_inside(root, "sub/dir/events.csv") == root / "sub" / "dir" / "events.csv"
    for bad in ("", "  ", "a\x00b", "../x", "/x", "C:\\x", "http://x/y", None, 3):
        with pytest.raises(UnsafeFileError):
            resolve_inside(root, bad)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises(UnsafeFileError):
        resolve_inside(root, "loop")
