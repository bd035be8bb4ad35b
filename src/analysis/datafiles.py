"""The data directory is a boundary: the only files the loader reads are regular files in it.

A resource path or an analyst note comes with the data, so it is untrusted: it may not be
absolute, may not climb out with ``..``, and a symbolic link that leads out of the
directory is not followed. Only regular files are read (a FIFO would block, ``/dev/zero``
never ends), and never more than the size limit, whatever ``st_size`` claims. Messages
name the path, never what an outside file holds.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = ["FORBIDDEN_CHARS", "UnsafeFileError", "read_regular", "resolve_inside", "safe_files"]

#: Characters no text from the data may hold: C0 controls other than tab/newline/CR, and
#: the bidi overrides and embeddings (U+202A..U+202E), which would reorder what a reader
#: sees. Isolates (U+2066..U+2069) and marks (U+200E/U+200F) are legitimate in Arabic text.
FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e]")


class UnsafeFileError(ValueError):
    """A path leaves the data directory, or names something that is not a regular file."""


def resolve_inside(root: Path, name: object) -> Path:
    """``root / name`` resolved, or :class:`UnsafeFileError` if it would leave ``root``.

    ``root`` must already be resolved. The path need not exist.
    """
    if not isinstance(name, str) or not name.strip():
        raise UnsafeFileError("is not a file name: expected a path relative to the data directory")
    if "\x00" in name:
        raise UnsafeFileError("contains a NUL character")
    posix = name.replace("\\", "/")
    if "://" in name or posix.startswith("/") or PureWindowsPath(name).drive or name[:1] == "~":
        raise UnsafeFileError(
            "is an absolute path or a URL: a resource is a file inside the data directory, "
            "named relative to it (e.g. events.csv)"
        )
    if ".." in PurePosixPath(posix).parts:
        raise UnsafeFileError("leaves the data directory ('..'): name a file inside it")
    try:
        resolved = (root / posix).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        raise UnsafeFileError(f"cannot be resolved ({exc.__class__.__name__})") from None
    if not resolved.is_relative_to(root):
        raise UnsafeFileError(
            "is a symbolic link that leads out of the data directory: links out are not "
            "followed; copy the file into the directory"
        )
    return resolved


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, at most ``limit + 1`` of them (so "too large" shows).

    Raises :class:`FileNotFoundError`, or :class:`UnsafeFileError` for a FIFO, device,
    socket or directory, and for a symbolic link in the last component (callers resolve
    first, so a link found here was swapped in after the check). Never blocks on a FIFO.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFoundError(path) from None
    except IsADirectoryError:
        raise UnsafeFileError("is a directory, not a file") from None
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise UnsafeFileError(f"cannot be opened ({reason})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = (
                "a directory"
                if stat.S_ISDIR(mode)
                else "a FIFO"
                if stat.S_ISFIFO(mode)
                else "a device"
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket"
                if stat.S_ISSOCK(mode)
                else "not a regular file"
            )
            raise UnsafeFileError(f"is {kind}, not a regular file: only regular files are read")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def safe_files(root: Path, names: list[str]) -> list[Path]:
    """Those of ``names`` that resolve inside ``root`` to a regular file (for hashing, listing)."""
    kept = []
    for name in names:
        try:
            path = resolve_inside(root, name)
            if stat.S_ISREG(os.stat(path, follow_symlinks=False).st_mode):
                kept.append(path)
        except (UnsafeFileError, OSError):
            continue
    return kept
