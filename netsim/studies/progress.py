"""Progress of a batch of runs on stderr: a bar on a terminal, otherwise a line now and then.

Why not always a bar: when stderr is a log file (a batch job, ``2> sweep.log``, CI) a bar is
hundreds of carriage-returned updates that nobody can read; a plain line every
:data:`PROGRESS_EVERY` seconds still shows that a long job is alive and how far it got.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

#: Without a terminal, a progress line at most this often (wall seconds).
PROGRESS_EVERY = 10.0


class RunProgress:
    """Counts finished runs out of ``total`` and shows them as ``label``."""

    def __init__(self, total: int, label: str, *, enabled: bool = True, stream: TextIO | None = None,
                 every: float | None = None) -> None:
        self.total, self.done, self.label = total, 0, label
        self.every = PROGRESS_EVERY if every is None else every
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and total > 0
        self.start = self.last = time.monotonic()
        self.bar: Any = None
        if self.enabled and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="run", desc=label, file=self.stream, dynamic_ncols=True, smoothing=0.1)

    def update(self, count: int = 1) -> None:
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
            return
        now = time.monotonic()
        if self.enabled and now - self.last >= self.every:
            self.last = now
            elapsed = now - self.start
            left = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
            print(f"netsim: {self.label}: {self.done} of {self.total} runs done ({100 * self.done // self.total}%), "
                  f"{elapsed:.0f} s elapsed, about {left:.0f} s left", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
