"""A sweep's ``runs.jsonl``: the record of finished runs that makes a sweep resumable.

What resuming promises, and how:

* **A finished run is never lost.**  Each run is one JSON line, written with a single
  ``os.write`` of the whole line as soon as it arrives: a sweep that is interrupted or killed
  keeps every line it wrote.  Against a crash of the machine itself lines are ``fsync``\\ ed in
  groups: a line is synced as it is written unless the last ``fsync`` was less than
  :data:`SYNC_EVERY` seconds before, and then with a later line or when the log closes.  A power
  cut can cost those few runs, which a resumed sweep does again.  (An ``fsync`` per line took a
  few milliseconds: on short runs it was a large part of a serial sweep's time.)
* **A damaged line costs only its own run.**  Reading keeps every valid line wherever a bad one
  is (cut short by a crash, blanked, edited by hand); bad lines are moved to
  ``runs.damaged.jsonl`` -- nothing is thrown away -- the log is rewritten without them (a new
  file renamed into place, never truncated), and the caller is told which lines they were.
  Their runs are simply done again.
* **Only what the sweep wrote is changed.**  The log and its lock are opened without following
  symbolic links; a log that is not a sweep's (no line is a netsim run) is refused untouched.
* **One writer at a time.**  The directory is locked (``flock`` on ``.runs.lock``) for as long
  as the sweep runs; a second sweep on the same directory is refused with a clear message.  The
  lock dies with its process, so a killed sweep never leaves a stale lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netsim.errors import NetsimError

RUNS_FILE = "runs.jsonl"
DAMAGED_FILE = "runs.damaged.jsonl"
LOCK_FILE = ".runs.lock"
#: Lines written less than this many wall seconds after an ``fsync`` wait for the next one.
SYNC_EVERY = 0.5
#: The part of a run the log does not keep in memory (see :func:`without_tables`).
TABLES = "final_tables"


@dataclass
class LogContents:
    """What a run log holds: its valid runs, and the lines that are not (1-based numbers)."""

    runs: list[dict[str, Any]] = field(default_factory=list)
    #: The valid lines as they were written (kept byte for byte when the log is repaired).
    lines: list[bytes] = field(default_factory=list)
    damaged: list[tuple[int, bytes]] = field(default_factory=list)
    #: Lines that repeat a run already in the log (kept once).
    repeated: list[tuple[int, bytes]] = field(default_factory=list)
    #: The file does not end with a newline (the last write was cut short, or it was edited).
    unterminated: bool = False

    @property
    def clean(self) -> bool:
        return not (self.damaged or self.repeated or self.unterminated)


def parse_log(data: bytes) -> LogContents:
    """Every valid run line of ``data``, and every other line, wherever they are."""
    out = LogContents(unterminated=bool(data) and not data.endswith(b"\n"))
    seen: set[str] = set()
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line and number > data.count(b"\n"):
            break  # the empty remainder after the final newline
        run = _run_of(line)
        if run is None:
            out.damaged.append((number, line))
        elif run["run"]["key"] in seen:
            out.repeated.append((number, line))
        else:
            seen.add(run["run"]["key"])
            out.runs.append(run)
            out.lines.append(line)
    return out


def read_runs(path: str | Path) -> list[dict[str, Any]]:
    """The valid runs of a log, read only (what ``plot cdf`` and a resume both trust)."""
    p = Path(path)
    if not p.exists():
        return []
    return parse_log(_read_regular(p)).runs


def without_tables(run: dict[str, Any]) -> dict[str, Any]:
    """``run`` without its final tables: what a sweep keeps of each run in memory.  The summary
    reads metrics, never tables; the tables stay in the log, and :func:`read_runs` reads them."""
    if TABLES not in run:
        return run
    return {k: v for k, v in run.items() if k != TABLES}


def _run_of(line: bytes) -> dict[str, Any] | None:
    """The run a line records, or None: not JSON, not a run, or holding NaN or an infinity
    (which no netsim writes, and strict JSON readers reject)."""
    try:
        obj = json.loads(line, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return None
    if isinstance(obj, dict) and isinstance(obj.get("run"), dict) and isinstance(obj["run"].get("key"), str):
        return obj
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class RunLog:
    """The locked, append-only log of one sweep directory.

    ``notice`` receives one line for each repair made while opening it (damaged lines moved
    away), so the user learns which runs will be done again and why.
    """

    def __init__(self, directory: str | Path, notice: Callable[[str], None] = lambda _m: None) -> None:
        self.dir = Path(directory)
        self.path = self.dir / RUNS_FILE
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NetsimError(f"{self.dir}: cannot create the sweep directory: {exc.strerror or exc}") from None
        self.lock_fd = _lock(self.dir / LOCK_FILE)
        self.fd = -1
        self._synced = time.monotonic()
        self._unsynced = False
        try:
            contents = self._load(notice)
            #: The logged runs, each without its final tables (see :func:`without_tables`).
            self.runs = [without_tables(r) for r in contents.runs]
            self.done = {r["run"]["key"] for r in self.runs}
            self.fd = _open_no_follow(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        except BaseException:
            self.close()
            raise

    def _load(self, notice: Callable[[str], None]) -> LogContents:
        if not os.path.lexists(self.path):
            return LogContents()
        data = _read_regular(self.path)
        contents = parse_log(data)
        if contents.clean:
            return contents
        written = [(n, line) for n, line in contents.damaged if line.strip()]
        torn_tail = contents.unterminated and len(written) == 1 and written[0] == contents.damaged[-1]
        if not contents.runs and written and not torn_tail:
            first = written[0][0]
            raise NetsimError(f"{self.path}: not a sweep's run log (line {first} is not a netsim run); refusing to "
                              f"change it: move it away or choose another --out")
        self._quarantine(contents)
        for number, line in contents.damaged:
            if line.strip():
                notice(f"{self.path}: line {number} is cut short or not a run; moved to {DAMAGED_FILE}, its run "
                       f"will be done again")
            else:
                notice(f"{self.path}: line {number} is blank; removed")
        if contents.repeated:
            notice(f"{self.path}: {len(contents.repeated)} line(s) repeat runs already logged; moved to "
                   f"{DAMAGED_FILE}")
        return contents

    def _quarantine(self, contents: LogContents) -> None:
        """Keep the bad lines in ``runs.damaged.jsonl``, then replace the log by its valid lines
        (a new file renamed over the old one: a crash in between leaves the old log whole)."""
        bad = [line for _n, line in sorted(contents.damaged + contents.repeated) if line.strip()]
        if bad:
            fd = _open_no_follow(self.dir / DAMAGED_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            try:
                _write_all(fd, b"".join(line + b"\n" for line in bad))
                os.fsync(fd)
            finally:
                os.close(fd)
        good = b"".join(line + b"\n" for line in contents.lines)
        tmp_fd, tmp = tempfile.mkstemp(prefix=f".{RUNS_FILE}.", suffix=".tmp", dir=self.dir)
        try:
            _write_all(tmp_fd, good)
            os.fsync(tmp_fd)
            os.close(tmp_fd)
            tmp_fd = -1
            os.chmod(tmp, stat.S_IMODE(os.lstat(self.path).st_mode))
            os.replace(tmp, self.path)
        except BaseException:
            if tmp_fd >= 0:
                os.close(tmp_fd)
            Path(tmp).unlink(missing_ok=True)
            raise

    def append(self, line: str, run: dict[str, Any] | None = None) -> dict[str, Any]:
        """Add one complete run line (ending in a newline); it is in the file when this returns,
        and on disk then too unless the last ``fsync`` was less than :data:`SYNC_EVERY` seconds
        ago (see the module's docstring).  A run already logged is not written again: the log
        holds each run once, whatever delivered it twice (a run listed twice, a cluster that ran it twice).

        ``run`` is the line's run without its final tables, from whoever wrote the line (a sweep's
        own :func:`~netsim.studies.sweep.logged_run`): the line is then not parsed again.  Returns
        the run as the log keeps it."""
        if not line.endswith("\n") or line.count("\n") != 1:  # no copy of a line of tables
            raise ValueError("a run log line is one JSON run object and a newline")
        if run is None:
            obj = _run_of(line[:-1].encode("utf-8"))
            if obj is None:
                raise ValueError("a run log line is one JSON run object and a newline")
            run = without_tables(obj)
        if run["run"]["key"] in self.done:
            return run
        _write_all(self.fd, line.encode("utf-8"))
        self._unsynced = True
        if time.monotonic() - self._synced >= SYNC_EVERY:
            self.sync()
        self.runs.append(run)
        self.done.add(run["run"]["key"])
        return run

    def sync(self) -> None:
        """Flush the lines written so far to disk."""
        if self.fd >= 0 and self._unsynced:
            os.fsync(self.fd)
            self._unsynced = False
        self._synced = time.monotonic()

    def close(self) -> None:
        """Sync and release the log (a failing ``fsync`` here is not raised: :meth:`close` runs
        on the way out of errors too; a sweep that ends normally calls :meth:`sync` first)."""
        with contextlib.suppress(OSError):
            self.sync()
        for fd in (self.fd, self.lock_fd):
            if fd >= 0:
                os.close(fd)
        self.fd = self.lock_fd = -1


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _open_no_follow(path: Path, flags: int) -> int:
    """Open ``path`` refusing a symbolic link (the sweep would write through it into whatever
    it points at) and anything but a regular file."""
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(path):
            raise NetsimError(f"{path}: is a symbolic link; refusing to write through it") from None
        raise NetsimError(f"{path}: cannot open: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NetsimError(f"{path}: not a regular file")
    return fd


def _read_regular(path: Path) -> bytes:
    fd = _open_no_follow(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


def _lock(path: Path) -> int:
    """Hold the directory's lock, or refuse: another sweep is writing there."""
    fd = _open_no_follow(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        os.close(fd)
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            who = f" (process {holder})" if holder.isdigit() else ""
            raise NetsimError(f"{path.parent}: another sweep is writing here{who}; wait for it to finish "
                              f"or choose another --out") from None
        raise NetsimError(f"{path}: cannot lock: {exc.strerror or exc}") from None
    os.ftruncate(fd, 0)  # our own lock file: it names the process holding the lock
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    return fd
