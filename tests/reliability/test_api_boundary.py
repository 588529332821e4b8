"""The Python API refuses wrong arguments at its boundary with a NetsimError naming the argument,
never a TypeError or AttributeError from deep inside."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hostile import BASE

from netsim.api import load_scenario, parse_scenario, run_protocols, simulate
from netsim.errors import NetsimError

SC = parse_scenario(BASE)

CALLS: list[tuple[str, Callable[[], Any], str]] = [
    ("load-empty", lambda: load_scenario(""), "expected a path"),
    ("load-none", lambda: load_scenario(None), "expected a path"),  # type: ignore[arg-type]
    ("load-int", lambda: load_scenario(5), "expected a path"),  # type: ignore[arg-type]
    ("load-bytes", lambda: load_scenario(b"s.yaml"), "expected a path"),  # type: ignore[arg-type]
    ("parse-none", lambda: parse_scenario(None), "expected YAML text"),  # type: ignore[arg-type]
    ("parse-bytes", lambda: parse_scenario(BASE.encode()), "expected YAML text"),  # type: ignore[arg-type]
    ("parse-display", lambda: parse_scenario(BASE, display=5), "display"),  # type: ignore[arg-type]
    ("parse-base-dir", lambda: parse_scenario(BASE, base_dir=5), "base_dir"),  # type: ignore[arg-type]
    ("parse-name", lambda: parse_scenario(BASE, name=None), "name"),  # type: ignore[arg-type]
    ("simulate-dict", lambda: simulate({}, "linkstate"), "expected a Scenario"),  # type: ignore[arg-type]
    ("simulate-protocol-none", lambda: simulate(SC, None), "unknown protocol"),  # type: ignore[arg-type]
    ("simulate-seed-str", lambda: simulate(SC, "linkstate", seed="1"), "seed"),  # type: ignore[arg-type]
    ("simulate-seed-negative", lambda: simulate(SC, "linkstate", seed=-1), "seed"),
    ("simulate-seed-huge", lambda: simulate(SC, "linkstate", seed=2**70), "seed"),
    ("simulate-options-list", lambda: simulate(SC, "linkstate", options=[1, 2]), "options"),  # type: ignore[arg-type]
    ("simulate-options-str", lambda: simulate(SC, "linkstate", options="x"), "options"),  # type: ignore[arg-type]
    ("simulate-options-nan", lambda: simulate(SC, "linkstate", options={"spf_delay": float("nan")}), "finite"),
    ("simulate-options-cross-rule", lambda: simulate(SC, "linkstate", options={"hello_interval": 10,
                                                                                "dead_interval": 5}),
     "dead_interval: must be greater than hello_interval"),
    ("simulate-until-str", lambda: simulate(SC, "linkstate", until="5"), "until"),  # type: ignore[arg-type]
    ("simulate-until-nan", lambda: simulate(SC, "linkstate", until=float("nan")), "until"),
    ("simulate-until-negative", lambda: simulate(SC, "linkstate", until=-1), "until"),
    ("simulate-min-end-str", lambda: simulate(SC, "linkstate", min_end="5"), "min_end"),  # type: ignore[arg-type]
    ("simulate-narrate-str", lambda: simulate(SC, "linkstate", narrate="no"), "narrate"),  # type: ignore[arg-type]
    ("simulate-progress-int", lambda: simulate(SC, "linkstate", progress=5), "progress"),  # type: ignore[arg-type]
    ("simulate-on-network-int", lambda: simulate(SC, "linkstate", on_network=5), "on_network"),  # type: ignore
    ("run-protocols-string", lambda: run_protocols(SC, "linkstate"), "must be a list of names"),
    ("run-protocols-int", lambda: run_protocols(SC, 5), "must be a list of names"),  # type: ignore[arg-type]
    ("run-protocols-dict", lambda: run_protocols(SC, {"linkstate": {}}), "must be a list of names"),
    ("run-protocols-none-item", lambda: run_protocols(SC, [None]), "unknown protocol"),  # type: ignore[list-item]
    ("run-protocols-scenario", lambda: run_protocols("s.yaml"), "expected a Scenario"),  # type: ignore[arg-type]
    ("run-protocols-progress", lambda: run_protocols(SC, progress=5), "progress"),  # type: ignore[arg-type]
    ("run-protocols-seed", lambda: run_protocols(SC, seed="x"), "seed"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("call,said", [c[1:] for c in CALLS], ids=[c[0] for c in CALLS])
def test_wrong_arguments_are_netsim_errors(call: Callable[[], Any], said: str) -> None:
    with pytest.raises(NetsimError) as caught:
        call()
    assert said in str(caught.value)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 300


def test_the_right_arguments_still_run() -> None:
    (res,) = run_protocols(SC, ["ospf"], seed=3)
    assert res.protocol == "linkstate" and res.seed == 3
    assert run_protocols(SC, []) == []
