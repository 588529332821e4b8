"""Writing output files so that an interruption never leaves half a file, or half a set, behind,
and checking before any work that they can be written at all."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from netsim.errors import NetsimError


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then rename it into place.

    The rename is atomic on POSIX, so readers (and a user pressing Ctrl-C) see either the old
    file or the complete new one.  An existing file keeps its permissions; a new one gets the
    usual 0666 less the umask (temporary files are created private).  A path that cannot be
    written is a :class:`NetsimError` naming it.
    """
    write_files([(path, write)])


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_files(items: Sequence[tuple[str | Path, Callable[[Path], None]]]) -> None:
    """Write several files in different places as one unit: each ``write(tmp)`` fills a temporary
    file next to its target; only when every one succeeded are they all renamed into place.

    Why: ``compare --json a.json --plot b.png`` or ``scale --plot --csv`` write files that belong
    together; an interruption while the second is drawn must not leave the first one new and the
    second one old (or missing).  The renames are the only step between, and each is atomic.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, write in items:
            target = Path(path)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with deferred_interrupts():  # the temporary file is known to the cleanup as soon as it exists
                    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
                    os.close(fd)
                    staged.append((Path(tmp), target))
                write(Path(tmp))
                os.chmod(tmp, _mode(target))
            except OSError as exc:
                raise NetsimError(f"{target}: cannot write: {exc.strerror or exc}") from None
        with deferred_interrupts():  # every rename, or none
            for tmp, target in staged:
                try:
                    os.replace(tmp, target)
                except OSError as exc:
                    raise NetsimError(f"{target}: cannot write: {exc.strerror or exc}") from None
    except OSError as exc:
        raise NetsimError(f"cannot write the output files: {exc.strerror or exc}") from None
    finally:
        with deferred_interrupts():
            for tmp, _target in staged:
                tmp.unlink(missing_ok=True)


@contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block ends, then act on them.

    Why: the few steps that commit a set of outputs (renames) or clean up after one must not be
    cut in the middle, or a results file would be left without its figure.  The block is short
    and does no waiting, so holding a signal for its duration is invisible to the user.  Only
    the main thread receives signals in Python; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, Any]] = []
    watched = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.getsignal(sig) for sig in watched}
    for sig in watched:
        signal.signal(sig, lambda signum, frame: caught.append((signum, frame)))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum, frame in caught[:1]:
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)


def check_writable_file(path: str | Path, what: str = "output") -> None:
    """Refuse, before any work is done, an output file that could not be written: one line naming it.

    The check writes (and removes) a probe file where the output would go, rather than asking
    for permissions: permission bits say nothing about a read-only file system, ``/proc``, or a
    user for whom they do not apply.
    """
    target = Path(path)
    if target.is_dir():
        raise NetsimError(f"{target}: is a directory; the {what} needs a file name")
    _probe(target.parent if str(target.parent) else Path("."), target, what)


def check_writable_dir(path: str | Path, what: str = "--out") -> None:
    """Refuse, before any work is done, an output directory that cannot be created or written."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise NetsimError(f"{what} {target}: exists and is not a directory")
    _probe(target, target, what)


def _probe(directory: Path, target: Path, what: str) -> None:
    """Create a file in ``directory``, or in its nearest existing ancestor (the rest would be
    created by the write), and remove it."""
    probe = directory
    while not probe.exists() and not probe.is_symlink():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise NetsimError(f"{target}: cannot write the {what}: {probe} is not a directory")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".netsim-probe-", dir=probe)
    except OSError as exc:
        raise NetsimError(f"{target}: cannot write the {what}: {exc.strerror or exc}") from None
    os.close(fd)
    os.unlink(tmp)


@contextmanager
def output_set(directory: str | Path) -> Iterator[Path]:
    """A staging directory whose files move into ``directory`` only when the block completes.

    Why: ``run --out`` writes a results file and a figure; a run interrupted after the first must
    not leave a results file without its figure.  Everything is written into a hidden staging
    directory inside ``directory``, then renamed into place file by file; on any exception or
    interrupt the staging directory is removed and ``directory`` is left as it was.
    """
    out = Path(directory)
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".netsim-staging-", dir=out))
    except OSError as exc:
        raise NetsimError(f"{out}: cannot write: {exc.strerror or exc}") from None
    try:
        yield stage
        items = sorted(stage.iterdir())
        for item in items:
            os.chmod(item, _mode(out / item.name))
        with deferred_interrupts():  # every file moves into place, or none
            for item in items:
                os.replace(item, out / item.name)
    except OSError as exc:
        raise NetsimError(f"{out}: cannot write: {exc.strerror or exc}") from None
    finally:
        with deferred_interrupts():
            shutil.rmtree(stage, ignore_errors=True)


def _mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
