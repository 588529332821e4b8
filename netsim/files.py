"""Writing output files so that an interruption never leaves half a file, or half a set, behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
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
