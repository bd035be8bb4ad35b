"""Publish a build's files into OUT: one build at a time, staged, renamed into place together.

Every file is written under ``OUT/.drawdown-staging-*`` first (same filesystem, so a rename
is atomic) and a variant's files (page, PDF, executed notebook) are renamed into place one
after the other only once all of them are ready: a reader, a failed run or a killed build
never sees half a file or a page beside another build's PDF. Files of an earlier build that
the new one does not replace (a PDF after an HTML-only rebuild, a combined PDF of a date one
of whose reports changed) are removed, so what OUT holds for a variant is from one build.
Only directories this tool made (marked inside) are ever cleaned up: the user's own
``.staging-notes/`` stays.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from analysis.pipeline.plan import REPORT_STEM, Variant
from analysis.pipeline.records import VariantResult, read_manifest

STAGING_PREFIX = ".drawdown-staging-"
#: The file inside a staging directory that says drawdown made it (and may remove it).
STAGING_MARK = ".drawdown-staging"
#: The order a variant's files are renamed into place: the page last, so a reader who
#: follows its link to the PDF finds the PDF of the same build.
PUBLISH_ORDER = ("ipynb", "pdf", "html")


def publish_file(staged: Path, final: Path) -> None:
    """Move a staged file into place with one rename (staging is under OUT)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(staged, 0o644)
    os.replace(staged, final)


@contextmanager
def output_lock(out: Path, wait_s: float, waiting: Callable[[str], None]) -> Iterator[None]:
    """One build at a time per output directory: a second build waits, then gives up."""
    out.mkdir(parents=True, exist_ok=True)
    lock_path = out / ".drawdown.lock"
    with lock_path.open("a+") as handle:
        deadline = time.monotonic() + wait_s
        announced = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"another drawdown build is writing to {out} (lock {lock_path}); "
                        f"gave up after {wait_s:.0f} s — wait for it or build into another --out"
                    ) from None
                if not announced:
                    waiting(f"another build is writing to {out}; waiting for it to finish")
                    announced = True
                # flock has no timeout: poll the lock (the other build holds it for minutes).
                time.sleep(0.2)
        yield


def clear_stale_staging(out: Path) -> None:
    """Remove staging left by a killed build (we hold the lock: no build is writing)."""
    for stale in out.glob(f"{STAGING_PREFIX}*"):
        if (stale / STAGING_MARK).is_file():
            shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def staging_dir(out: Path) -> Iterator[Path]:
    """A fresh, marked staging directory under OUT, removed afterwards."""
    staging = Path(tempfile.mkdtemp(dir=out, prefix=STAGING_PREFIX))
    (staging / STAGING_MARK).write_text("made by drawdown build; removed when it ends\n")
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _previous_files(out: Path, variant: Variant) -> dict[str, Path]:
    manifest = read_manifest(out / variant.as_of.isoformat() / "manifest.json")
    files = manifest.get("variants", {}).get(variant.lang, {}).get("files", {})
    return {fmt: out / entry["path"] for fmt, entry in files.items()}


def publish_variant(
    result: VariantResult, out: Path, published: Callable[[Path], None] = lambda path: None
) -> list[Path]:
    """Rename a variant's staged files into ``OUT/<as_of>/<lang>/``; drop its older ones.

    Returns the files removed: a previous build's files of this variant that this build
    did not make again (its PDF after an HTML-only rebuild). ``published`` hears of each
    file as it lands, so an error later can say what had been replaced.
    """
    previous = _previous_files(out, result.variant)
    for fmt in PUBLISH_ORDER:
        staged = result.files.get(fmt)
        if staged is not None:
            final = out / result.variant.rel_dir / staged.name
            publish_file(staged, final)
            published(final)
            result.files[fmt] = final
    removed = []
    for fmt, old in previous.items():
        if fmt not in result.files and fmt != "combined_pdf" and old.is_file():
            old.unlink()
            removed.append(old)
    return removed


def drop_stale_combined(out: Path, as_of_dir: str) -> Path | None:
    """Remove a date's combined PDF of an earlier build (one of its reports changed)."""
    manifest = read_manifest(out / as_of_dir / "manifest.json")
    entries = [manifest.get("combined_pdf", {})] + [
        info.get("files", {}).get("combined_pdf", {})
        for info in manifest.get("variants", {}).values()
    ]
    for entry in entries:
        path = entry.get("path") if isinstance(entry, dict) else None
        if path and (out / path).is_file():
            (out / path).unlink()
            return out / path
    return None


def keep_failed(result: VariantResult, out: Path) -> None:
    """Move a failed run's executed notebook to ``OUT/_failed/`` for the user to read."""
    executed = result.files.get("ipynb")
    if executed is not None and executed.exists():
        name = f"{result.variant.as_of}-{result.variant.lang}-{REPORT_STEM}.ipynb"
        target = out / "_failed" / name
        publish_file(executed, target)
        result.failed_notebook = target
    result.files = {}
