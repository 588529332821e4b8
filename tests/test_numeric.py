"""``netsim.numeric.uniform`` against numpy's own ``Generator.uniform``: the same numbers, the
same use of the generator, on random seeds and bounds (every jittered timer draws through it,
so a difference would change every run's results)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsim.numeric import RandomBlock, uniform

bounds = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(seed=st.integers(min_value=0, max_value=2**64 - 1), a=bounds, b=bounds,
       draws=st.integers(min_value=1, max_value=50))
def test_uniform_is_numpys_uniform(seed: int, a: float, b: float, draws: int) -> None:
    low, high = min(a, b), max(a, b)
    ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
    for _ in range(draws):
        x = uniform(ours, low, high)
        assert type(x) is float
        assert x == float(numpys.uniform(low, high))
    assert ours.random() == numpys.random()  # the generators are in the same state


def test_uniform_on_the_bounds_protocols_use() -> None:
    """RIP's ±1/6 jitter and 1-5 s triggered-update damping, hello phases of 0-10 ms, jitter
    fractions of 0-1: a hundred thousand draws each, every one equal."""
    for low, high in ((-1 / 6, 1 / 6), (1.0, 5.0), (0.0, 0.01), (0.0, 0.25), (-0.99, 0.99), (0.0, 30.0)):
        ours, numpys = np.random.default_rng(2024), np.random.default_rng(2024)
        got = [uniform(ours, low, high) for _ in range(100_000)]
        want = numpys.uniform(low, high, size=100_000).tolist()
        assert got == want


@given(seed=st.integers(min_value=0, max_value=2**64 - 1), size=st.integers(min_value=1, max_value=7),
       draws=st.integers(min_value=0, max_value=40))
def test_a_random_block_hands_out_the_generators_own_draws(seed: int, size: int, draws: int) -> None:
    """Across block boundaries, the same numbers as one ``random()`` call per draw, and through
    :func:`uniform` the same as numpy's ``uniform``."""
    block, plain = RandomBlock(np.random.default_rng(seed), size), np.random.default_rng(seed)
    for k in range(draws):
        if k % 3 == 0:
            assert uniform(block, 1.0, 5.0) == float(plain.uniform(1.0, 5.0))
        else:
            assert block.random() == plain.random()


@pytest.mark.parametrize(("low", "high"), [(1.0, 0.0), (0.0, float("inf")), (float("nan"), 1.0)])
def test_bounds_numpy_refuses_are_refused(low: float, high: float) -> None:
    with pytest.raises((ValueError, OverflowError)):
        np.random.default_rng(0).uniform(low, high)
    with pytest.raises(ValueError):
        uniform(np.random.default_rng(0), low, high)
