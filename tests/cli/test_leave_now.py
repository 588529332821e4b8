"""The console script ends without tearing the interpreter down (``leave_now``) only when nothing
can be lost: exit handlers run, output is flushed, and a running thread, a profiler or a status
that is not a number leave the ordinary shutdown in charge."""

from __future__ import annotations

import atexit
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from netsim.cli import app

ROOT = Path(__file__).resolve().parents[2]


class Exited(Exception):
    """Raised by the stand-in for ``os._exit``."""


@pytest.fixture
def exits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    codes: list[int] = []

    def fake_exit(status: int) -> None:
        codes.append(status)
        raise Exited

    monkeypatch.setattr(app.os, "_exit", fake_exit)
    monkeypatch.setattr(app.sys, "getprofile", lambda: None)  # pytest-cov or a debugger may be on
    monkeypatch.setattr(app.sys, "gettrace", lambda: None)
    return codes


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (2, 2), (130, 130)])
def test_numeric_status_exits_at_once_after_the_exit_handlers(exits: list[int], code: object,
                                                               status: int) -> None:
    ran: list[str] = []
    atexit.register(ran.append, "handler")
    try:
        with pytest.raises(Exited):
            app.leave_now(code)
    finally:
        atexit.unregister(ran.append)
    assert exits == [status]
    assert ran == ["handler"]


def test_a_text_status_is_left_to_the_interpreter(exits: list[int]) -> None:
    app.leave_now("netsim: something went wrong")
    assert exits == []


def test_a_running_thread_is_joined_by_the_interpreter_not_killed(exits: list[int]) -> None:
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        app.leave_now(0)
    finally:
        stop.set()
        worker.join()
    assert exits == []


def test_a_profiler_gets_its_shutdown(exits: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app.sys, "getprofile", lambda: print)
    app.leave_now(0)
    assert exits == []


def _netsim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netsim", *args], cwd=cwd, capture_output=True, text=True,
                          check=False, env={"PATH": "", "PYTHONPATH": str(ROOT)})


def test_the_console_script_writes_everything_and_keeps_its_status(tmp_path: Path) -> None:
    scenario = ROOT / "scenarios" / "demo.yaml"
    done = _netsim("run", str(scenario), "-p", "distvector", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("]")  # the whole JSON document, flushed
    bad = _netsim("run", str(tmp_path / "missing.yaml"), cwd=tmp_path)
    assert bad.returncode == 2
    assert "missing.yaml" in bad.stderr


def test_a_profiled_command_still_writes_its_profile(tmp_path: Path) -> None:
    out = tmp_path / "prof.out"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "netsim", "--version"],
                          cwd=tmp_path, capture_output=True, text=True, check=False,
                          env={"PATH": "", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0
