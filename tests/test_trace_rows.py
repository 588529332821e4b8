"""Message-log rows buffered in ``PendingRows`` reach the log's columns exactly as
``MessageLog.add`` would have written them: same values, same order, whenever the buffer spills."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsim.trace import MessageLog, PendingRows

rows = st.lists(st.tuples(
    st.floats(min_value=0.0, max_value=1e6, allow_nan=False),
    st.integers(min_value=0, max_value=2**40),
    st.integers(min_value=1, max_value=1000),
    st.integers(min_value=-1, max_value=10_000),
    st.integers(min_value=-1, max_value=10_000),
    st.integers(min_value=-1, max_value=300),
    st.one_of(st.floats(min_value=0.0, max_value=1e6, allow_nan=False), st.just(math.nan)),
), max_size=60)


def _columns(log: MessageLog) -> list[bytes]:
    return [col.tobytes() for col in log.columns()]


@given(rows=rows, limit=st.integers(min_value=1, max_value=9), settle_at=st.integers(min_value=0, max_value=60))
def test_buffered_rows_equal_rows_added_one_by_one(rows: list[tuple], limit: int, settle_at: int) -> None:
    plain, buffered = MessageLog(), MessageLog()
    pending = PendingRows(buffered, limit=limit)
    for k, row in enumerate(rows):
        plain.add(*row)
        pending.add(*row)
        if k == settle_at:
            buffered.extend_rows(pending)
    buffered.extend_rows(pending)
    assert _columns(buffered) == _columns(plain)
    assert len(buffered) == len(rows)
    assert not any(pending.columns())


def test_the_buffer_spills_every_limit_rows() -> None:
    log = MessageLog()
    pending = PendingRows(log, limit=3)
    for k in range(7):
        pending.add(float(k), 10, 1, 0, 1, 0, float(k) + 0.5)
    assert len(log) == 6
    assert len(pending.times) == 1
    log.extend_rows(pending)
    assert list(log.times) == [float(k) for k in range(7)]


def test_a_value_the_column_cannot_hold_is_refused() -> None:
    log = MessageLog()
    pending = PendingRows(log)
    pending.add(1.0, 2.5, 1, 0, 1, 0, 1.5)  # a fractional size
    with pytest.raises(TypeError):
        log.extend_rows(pending)
    assert len(log) == 0 and len(log.arrivals) == 0  # no column took a row
    pending = PendingRows(log)
    pending.add(1.0, 10, 1, 0, 1, 2**20, 1.5)  # a kind beyond the 16-bit column
    with pytest.raises(TypeError):
        log.extend_rows(pending)
