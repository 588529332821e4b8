"""Heap-wide collector settings are the console script's alone: never made under a test runner."""

from __future__ import annotations

import gc

import pytest

from netsim.cli import common


def test_the_heap_is_frozen_only_when_the_command_owns_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    before = gc.get_freeze_count()
    common.freeze_heap()
    assert gc.get_freeze_count() == before  # a test, a notebook: nothing frozen
    monkeypatch.setattr(common, "WHOLE_PROCESS", True)
    try:
        common.freeze_heap()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
