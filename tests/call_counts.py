"""Counting calls of a method during a test (events scheduled, checks run, hellos handled): the
tests that prove a fast path makes fewer events count them the same way."""

from __future__ import annotations

from typing import Any

import pytest


def count_calls(monkeypatch: pytest.MonkeyPatch, counts: dict[str, int], cls: type, name: str, key: str) -> None:
    """Add one to ``counts[key]`` at every call of ``cls.name`` (which still runs) until the test ends."""
    original = getattr(cls, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        counts[key] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(cls, name, wrapper)
