"""Writing output files so that an interruption never leaves half a file, or half a set, behind,
and checking before any work that they can be written at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from netsim.errors import NetsimError


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then rename it into place.

    The rename is atomic on POSIX, so readers (and a user pressing Ctrl-C) see either the old
    file or the complete new one.  An existing file keeps its permissions; a new one gets the
    usual 0666 less the umask (temporary files are created private).  A path that cannot be
    written is a :class:`NetsimError` naming it.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise NetsimError(f"{target}: cannot write: {exc.strerror or exc}") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.chmod(tmp_path, _mode(target))
        os.replace(tmp_path, target)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise NetsimError(f"{target}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


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
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            except OSError as exc:
                raise NetsimError(f"{target}: cannot write: {exc.strerror or exc}") from None
            os.close(fd)
            staged.append((Path(tmp), target))
            try:
                write(Path(tmp))
            except OSError as exc:
                raise NetsimError(f"{target}: cannot write: {exc.strerror or exc}") from None
        for tmp, target in staged:
            os.chmod(tmp, _mode(target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        raise NetsimError(f"cannot write the output files: {exc.strerror or exc}") from None
    finally:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)


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
        for item in sorted(stage.iterdir()):
            os.chmod(item, _mode(out / item.name))
            os.replace(item, out / item.name)
    except OSError as exc:
        raise NetsimError(f"{out}: cannot write: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
