"""The network pauses the cyclic garbage collector while it runs, and gives it back as it was."""

from __future__ import annotations

import gc

import pytest

from netsim import parse_scenario
from netsim.runner import build_network

TEXT = """
topology: {generator: {kind: ring, n: 4}}
protocols: {distvector: {update_interval: 5}}
"""


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_during_a_run_and_restored(enabled: bool) -> None:
    net = build_network(parse_scenario(TEXT), "distvector")
    seen: list[bool] = []
    net.at(3.0, lambda: seen.append(gc.isenabled()))
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        net.start()
        net.run(10.0)
        assert seen == [False]
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_the_collector_comes_back_when_a_run_fails() -> None:
    net = build_network(parse_scenario(TEXT), "distvector")

    def boom() -> None:
        raise RuntimeError("boom")

    net.at(2.0, boom)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        net.run(5.0)
    assert gc.isenabled()
