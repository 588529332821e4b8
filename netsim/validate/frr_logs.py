"""FRR daemon logs on the lab's time axis, for investigations (``run_frr(debug=True, keep_dir=...)``).

FRR stamps each line with local wall-clock time (microseconds with ``log timestamp precision
6``, which the lab's configs set); :attr:`FrrRun.t0_wall` says which wall-clock instant is lab
time 0, so a log line and a kernel route change can be put on one timeline.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from netsim.records import record

_LINE = re.compile(r"^(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?) (\w+): (?:\[[\w-]+\](?:\[[^\]]+\])? )?(.*)$")


@record
class LogLine:
    """One line of a daemon's log, on the lab's clock."""

    time: float
    router: str
    daemon: str
    text: str


def parse_line(line: str, t0_wall: float) -> tuple[float, str, str] | None:
    """(lab time, facility, message) of one FRR log line; None if it is not one."""
    m = _LINE.match(line.rstrip("\n"))
    if not m:
        return None
    stamp, facility, text = m.groups()
    fmt = "%Y/%m/%d %H:%M:%S.%f" if "." in stamp else "%Y/%m/%d %H:%M:%S"
    return datetime.strptime(stamp, fmt).timestamp() - t0_wall, facility, text


def read_logs(run_dir: str | Path, routers: dict[str, str], t0_wall: float) -> list[LogLine]:
    """Every line of every ``<daemon>.log`` under ``run_dir/r<i>`` (``routers`` maps ``r<i>`` to the
    router's name), in time order."""
    out = []
    for sub, name in routers.items():
        for log in sorted(Path(run_dir, sub).glob("*.log")):
            daemon = log.stem
            for line in log.read_text(errors="replace").splitlines():
                parsed = parse_line(line, t0_wall)
                if parsed is not None:
                    out.append(LogLine(parsed[0], name, daemon, parsed[2]))
    out.sort(key=lambda x: x.time)
    return out
