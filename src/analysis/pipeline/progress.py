"""Tell the user how a build is going: one escaped line per change on stderr.

The counts are of variants: *running* from the moment its kernel is asked to start (never
more than ``--jobs``), *done* once every format asked for is there, *failed* when any of
them failed (a PDF that did not print included).
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from analysis.terminal import printable


class Progress:
    """One line per change on stderr: done, running and failed counts, with the variant."""

    def __init__(self, total: int, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        """Count ``total`` variants; ``quiet`` prints nothing."""
        self.total, self.quiet = total, quiet
        self.done = self.running = self.failed = 0
        self._stream = stream
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def _say(self, text: str) -> None:
        if not self.quiet:
            elapsed = time.monotonic() - self._started
            print(
                f"[{elapsed:6.1f}s] {self.done}/{self.total} done, {self.running} running, "
                f"{self.failed} failed | {printable(text)}",
                file=self._stream or sys.stderr,
                flush=True,
            )

    def start(self, label: str) -> None:
        """A variant's run has started."""
        with self._lock:
            self.running += 1
            self._say(f"{label}: running")

    def finish(self, label: str, ok: bool, detail: str) -> None:
        """A variant's run has ended (its HTML is ready, or it failed)."""
        with self._lock:
            self.running -= 1
            if ok:
                self.done += 1
            else:
                self.failed += 1
            self._say(f"{label}: {'ok' if ok else 'FAILED'} {detail}")

    def fail_late(self, label: str, detail: str) -> None:
        """A variant counted done failed in a later step (its PDF did not print)."""
        with self._lock:
            self.done -= 1
            self.failed += 1
            self._say(f"{label}: FAILED {detail}")

    def skip(self, label: str) -> None:
        """A variant is up to date and is not run."""
        with self._lock:
            self.done += 1
            self._say(f"{label}: up to date, skipped (--force rebuilds)")

    def note(self, text: str) -> None:
        """Anything else worth a line."""
        with self._lock:
            self._say(text)
