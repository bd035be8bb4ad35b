"""The data package's files and their hash: what a report depends on, read safely.

Used by the build key (:mod:`analysis.pipeline`) and by distributed workers, which ship
the package's files; :mod:`analysis.dataset` re-exports both names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from analysis.datafiles import UnsafeFileError, read_regular, resolve_inside, safe_files
from analysis.tables import MAX_DESCRIPTOR_BYTES, MAX_FILE_BYTES


def _resource_paths(root: Path) -> list[str]:
    """The resource paths ``datapackage.json`` names, as written (unchecked)."""
    try:
        raw = read_regular(resolve_inside(root, "datapackage.json"), MAX_DESCRIPTOR_BYTES)
        descriptor = json.loads(raw.decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return []
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        return []
    return [r["path"] for r in resources if isinstance(r, dict) and isinstance(r.get("path"), str)]


def package_files(data_dir: Path) -> Iterator[Path]:
    """The files a report depends on: the descriptor, each resource, analyst commentary.

    Only regular files inside the data directory: a path that leaves it, a link out of
    it or a FIFO is not a package file (the loader reports it).
    """
    root = Path(data_dir).resolve()
    notes = root / "commentary"
    names = ["datapackage.json"]
    if notes.is_dir() and not notes.is_symlink():
        names += sorted(f"commentary/{p.name}" for p in notes.glob("*.md"))
    names += _resource_paths(root)
    for path in safe_files(root, names):
        yield Path(data_dir) / path.relative_to(root)


def hash_data(data_dir: Path) -> str:
    """sha256 over every package file's name and bytes, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(set(package_files(data_dir))):
        try:
            data = read_regular(path, MAX_FILE_BYTES)
        except (OSError, UnsafeFileError):
            continue
        digest.update(str(path.relative_to(data_dir)).encode() + b"\0")
        digest.update(data)
        digest.update(b"\0")
    return digest.hexdigest()
