"""A progress bar on the terminal, for work that takes minutes (a model download).

On a terminal the bar is redrawn in place a few times a second; written to a file or a
pipe it becomes a line at every tenth of the way, so a log stays short.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30
REDRAW_SECONDS = 0.2


def size_text(n: float) -> str:
    """``98.0 MB``, ``1.2 GB``, ``512 B``."""
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("kB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{int(n)} B"


class ProgressBar:
    """``label [#########.........]  31%  30.2 MB / 98.0 MB  4.1 MB/s``."""

    def __init__(self, label: str, total: int | None, *, done: int = 0, stream: TextIO | None = None):
        self.label = label
        self.total = total
        self.done = done
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._started = time.monotonic()
        self._start_done = done
        self._drawn_at = 0.0
        self._tenths = -1
        self._written_at: int | None = None  # ``done`` when the last line was written

    def update(self, added: int) -> None:
        self.done += added
        if self.live:
            now = time.monotonic()
            if now - self._drawn_at >= REDRAW_SECONDS:
                self._drawn_at = now
                self.stream.write("\r" + self.line())
                self.stream.flush()
        elif self.total:
            tenths = min(10, self.done * 10 // self.total)
            if tenths != self._tenths:
                self._tenths = tenths
                self._written_at = self.done
                self.stream.write(self.line() + "\n")
                self.stream.flush()

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self.live:
            self.stream.write("\r" + self.line() + "\n")
        elif self._written_at != self.done:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self._started, 1e-6)
        rate = f"{size_text((self.done - self._start_done) / elapsed)}/s"
        if not self.total:
            return f"{self.label}  {size_text(self.done)}  {rate}"
        share = min(1.0, self.done / self.total)
        filled = int(share * WIDTH)
        bar = "#" * filled + "." * (WIDTH - filled)
        return (f"{self.label} [{bar}] {share * 100:3.0f}%  {size_text(self.done)} / "
                f"{size_text(self.total)}  {rate}")
