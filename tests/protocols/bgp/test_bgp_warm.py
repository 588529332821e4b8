"""Warm start: the snapshot is the stable routing (checked against the independent model and
against a cold start), its fast path agrees with the general one, and runs from it stay correct."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bgp_properties import OPTIONS, hierarchies, scenarios

from netsim.analysis.oracle import NetworkState
from netsim.analysis.oracle.compare import mismatches
from netsim.analysis.oracle.gao_rexford import GaoRexfordModel
from netsim.errors import NetsimError
from netsim.protocols import validate_options
from netsim.protocols.bgp import Bgp, warm
from netsim.protocols.bgp.config import build_configs
from netsim.runner import simulate
from netsim.scenario import Scenario
from netsim.studies.bgp import bad_gadget_scenario, state_at


def configs(g: nx.Graph, **opts):
    merged, err = validate_options(Bgp, opts)
    assert err is None
    return build_configs(g, merged)


def snapshot_tables(snap: warm.WarmSnapshot) -> dict[str, dict]:
    return {r: dict(snap.table(r)) for r in snap.routers}


@settings(max_examples=25)
@given(hierarchies(max_n=20), st.sampled_from(("off", "source", "path")))
def test_fast_and_general_paths_agree_and_equal_the_model(g: nx.Graph, ssld: str) -> None:
    cfgs = configs(g, ssld=ssld)
    fast, general = warm.compute(cfgs, fast=True), warm.compute(cfgs, fast=False)
    assert np.array_equal(fast.hop, general.hop) and np.array_equal(fast.length, general.length)
    expected = GaoRexfordModel(g).tables(NetworkState.initial(g))
    assert mismatches(snapshot_tables(fast), expected) == []


def test_without_policy_the_snapshot_is_shortest_as_paths() -> None:
    g = nx.random_regular_graph(3, 12, seed=4)
    g = nx.relabel_nodes(g, {n: f"r{n}" for n in g})
    for u, v in g.edges:
        g.edges[u, v].update(cost=1, delay=0.001)
    cfgs = configs(g, policy="none")
    snap = warm.compute(cfgs)
    assert np.array_equal(snap.hop, warm.compute(cfgs, fast=False).hop)
    assert mismatches(snapshot_tables(snap), GaoRexfordModel(g, {"policy": "none"}).tables(
        NetworkState.initial(g))) == []


def test_per_neighbour_policy_uses_the_general_path_and_matches_a_cold_start() -> None:
    """With a LOCAL_PREF override no model applies; the snapshot must be where a cold start ends."""
    g = nx.cycle_graph([f"r{i}" for i in range(6)])
    for u, v in g.edges:
        g.edges[u, v].update(cost=1, delay=0.001)
    g.nodes["r0"]["bgp"] = {"neighbors": {"r5": {"local_pref": 300}}}
    assert not warm.plain(configs(g, policy="none"))
    sc = Scenario(name="ring", graph=g, protocols={}, events=(), seed=0, duration=300.0)
    cold = simulate(sc, "bgp", options={"policy": "none"}, narrate=False)
    _, fibs = state_at(g, cold.trace, 300.0)
    snap = warm.compute(configs(g, policy="none"))
    assert snapshot_tables(snap) == {r: fibs[r] for r in snap.routers}
    assert snap.table("r0")["r3"].next_hops == ("r5",)   # LOCAL_PREF 300 decides the tie with r1


def test_a_policy_without_stable_routing_is_refused() -> None:
    with pytest.raises(NetsimError, match="does not settle"):
        simulate(bad_gadget_scenario(duration=10.0), "bgp", options={"warm_start": True})


@settings(max_examples=10)
@given(scenarios())
def test_warm_started_runs_stay_on_the_gao_rexford_routing(sc: Scenario) -> None:
    run = simulate(sc, "bgp", options={**OPTIONS, "warm_start": True}, narrate=False)
    model = GaoRexfordModel(sc.graph, run.options)
    assert not [rc for rc in run.trace.route_changes if rc.time == 0.0]   # the FIBs were preloaded
    for t in [0.0] + [ev.time - 1e-6 for ev in sc.events] + [run.trace.end_time]:
        state, fibs = state_at(sc.graph, run.trace, t)
        wrong = mismatches(fibs, model.tables(state))
        assert not wrong, f"t={t:.1f}: {wrong[:3]}"
