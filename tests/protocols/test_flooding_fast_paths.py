"""The fast paths of link-state flooding and warm starts change nothing.

* A warm-started router's database is a copy-on-write view of the converged one every router
  shares (:class:`CowDict`): it must behave exactly like a private ``dict`` copy, iteration order
  included, and never change the shared one.
* :meth:`Flooder.receive` handles duplicates by identity and stores the later instances of one
  update straight into the queues the first one armed: checked against the plain per-instance
  rules (the reference below), on whole runs of OSPF and IS-IS, byte for byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netsim.api import load_scenario, run_protocols
from netsim.output import report
from netsim.protocols.common.cow import CowDict
from netsim.protocols.common.flooding import Flooder, FloodPeer
from netsim.protocols.common.lsdb import Lsdb
from netsim.protocols.linkstate.packets import Lsa
from netsim.protocols.linkstate.warm import warm_state
from netsim.runner import simulate
from netsim.scenario.loader import parse_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

# -- CowDict against dict ---------------------------------------------------------------------------
KEYS = st.sampled_from([f"k{i}" for i in range(8)])
OPS = st.lists(st.one_of(st.tuples(st.just("set"), KEYS, st.integers(0, 9)),
                         st.tuples(st.just("del"), KEYS, st.just(0)),
                         st.tuples(st.just("pop"), KEYS, st.just(0))), max_size=40)


def _same(cow: CowDict, plain: dict) -> None:
    assert list(cow) == list(plain)
    assert list(cow.items()) == list(plain.items())
    assert len(cow) == len(plain)
    for k in [f"k{i}" for i in range(8)]:
        assert (k in cow) == (k in plain)
        assert cow.get(k, "none") == plain.get(k, "none")
    assert dict(cow.snapshot()) == plain and list(cow.snapshot()) == list(plain)


@settings(max_examples=300, deadline=None)
@given(base_size=st.integers(0, 6), ops=OPS)
def test_cow_dict_behaves_like_a_private_copy(base_size: int, ops: list[tuple[str, str, int]]) -> None:
    base = {f"k{i}": -i for i in range(base_size)}
    frozen = dict(base)
    cow: CowDict = CowDict(base)
    plain = dict(base)
    for op, key, value in ops:
        if op == "set":
            cow[key] = value
            plain[key] = value
        elif op == "del":
            if key in plain:
                del cow[key]
                del plain[key]
            else:
                with pytest.raises(KeyError):
                    del cow[key]
        else:
            assert cow.pop(key, None) == plain.pop(key, None)
        _same(cow, plain)
    assert base == frozen and list(base) == list(frozen)  # the shared dict never changes


def test_cow_dict_keeps_only_its_changes() -> None:
    base = {f"r{i}": i for i in range(1000)}
    cow: CowDict = CowDict(base)
    assert cow.snapshot() is base and cow.changed() == 0
    cow["r5"] = -5
    cow["new"] = 1
    del cow["r7"]
    assert cow.changed() == 3 and len(cow) == 1000
    assert list(cow)[5] == "r5" and list(cow)[-1] == "new" and "r7" not in cow


# -- a warm start's shared database ------------------------------------------------------------------
WARM = """
topology: {generator: {kind: grid, rows: 4, cols: 4}}
duration: 120
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4, warm_start: true}
events:
  - {at: 20, link_down: [r6, r7]}
  - {at: 40, node_down: r10}
  - {at: 60, node_up: r10}
  - {at: 80, link_up: [r6, r7]}
"""


def _private_load(self: Lsdb, entries: Any, graph: Any, with_prefixes: Any) -> None:
    """What a warm start did before the database was shared: private copies."""
    self.entries = dict(entries)
    self.graph = dict(graph)
    self.with_prefixes = set(with_prefixes)


def test_shared_warm_database_gives_the_results_of_private_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = parse_scenario(WARM)
    shared = report.dumps([simulate(sc, "linkstate", seed=3)])
    monkeypatch.setattr(Lsdb, "load", _private_load)
    private = report.dumps([simulate(sc, "linkstate", seed=3)])
    assert shared == private


def test_warm_routers_change_only_their_own_view_of_the_shared_database() -> None:
    sc = parse_scenario(WARM)
    state = warm_state(sc.graph, Lsa)
    before = {o: (lsa, dict(state.graph[o])) for o, lsa in state.lsdb.items()}
    db = Lsdb(lambda reason: None)
    db.load(state.lsdb, state.graph, state.with_prefixes)
    newer = Lsa("r6", 3, (("r2", 1.0),), 20.0)
    db.install(newer, "r2", 20.0)
    assert db.entries["r6"] is newer and db.graph["r6"] == {"r2": 1.0}
    assert db.before == {"r6": before["r6"][1]}
    assert state.lsdb["r6"] is before["r6"][0] and state.graph["r6"] == before["r6"][1]
    assert list(db.entries) == list(state.lsdb)  # a replaced LSA keeps its place: same DBD order
    assert {o: (lsa, dict(state.graph[o])) for o, lsa in state.lsdb.items()} == before


# -- Flooder.receive against the plain rules --------------------------------------------------------
def reference_receive(self: Flooder, nb: FloodPeer, lsas: tuple[Any, ...]) -> bool:
    """RFC 2328 §13 / ISO 10589 §7.3.15.1 one instance at a time, with no shortcut."""
    now = self.port.now
    policy = self.policy
    installed = False
    for lsa in lsas:
        origin, rank = lsa.origin, lsa.rank
        mine = self.db.entries.get(origin)
        if mine is not None:
            if rank == mine.rank:
                held = nb.rxmt.get(origin)
                if held is not None and held.rank == rank:
                    del nb.rxmt[origin]
                    if policy.cancel_on_receipt:
                        nb.out_lsas.pop(origin, None)
                    if policy.ack_duplicates:
                        self.ack_key(nb, (origin, rank))
                else:
                    if policy.cancel_on_receipt:
                        nb.out_lsas.pop(origin, None)
                    self.ack_key(nb, (origin, rank))
                continue
            if rank < mine.rank:
                self.queue(nb, mine)
                continue
            since = now - self.db.installed_at.get(origin, -1e18)
            if origin != self.me and since < policy.min_arrival:
                if self.dropped is not None:
                    self.dropped(nb, lsa, since)
                continue
        elif lsa.purge:
            self.ack_key(nb, (origin, rank))
            continue
        if policy.cancel_on_receipt:
            nb.rxmt.pop(origin, None)
            nb.out_lsas.pop(origin, None)
        if origin == self.me and policy.reissue_own:
            self.own_newer(nb, lsa)
            continue
        self.db.install(lsa, nb.name, now)
        self.flood(lsa, exclude=nb.name)
        self.ack_key(nb, (origin, rank))
        installed = True
        if origin == self.me:
            self.own_newer(nb, lsa)
    return installed


def _flooding_cases() -> list[tuple[str, str]]:
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        sc = load_scenario(path)
        out += [(path.name, p) for p in sc.protocols if p in ("linkstate", "isis")]
    return out


@pytest.mark.parametrize(("name", "protocol"), _flooding_cases())
def test_receive_matches_the_plain_rules(name: str, protocol: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sc = load_scenario(SCENARIOS / name)
    fast = report.dumps(run_protocols(sc, [protocol], check_work=False))
    monkeypatch.setattr(Flooder, "receive", reference_receive)
    plain = report.dumps(run_protocols(sc, [protocol], check_work=False))
    assert fast == plain


DENSE = """
topology: {links: [%s]}
duration: 90
protocols:
  %s: {}
events:
  - {at: 30, link_down: [a, b]}
  - {at: 45, node_down: c}
  - {at: 60, node_up: c}
  - {at: 70, link_up: [a, b]}
"""


@pytest.mark.parametrize("protocol", ["linkstate", "isis"])
def test_receive_matches_the_plain_rules_on_a_dense_network(protocol: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A complete graph: updates that install several instances at once, a restart that meets
    its own newer LSA, and many more duplicates than installs."""
    names = "abcdefg"
    links = ", ".join(f"[{u}, {v}, {1 + (i * 7 + j * 3) % 5}]" for i, u in enumerate(names)
                      for j, v in enumerate(names) if i < j)
    sc = parse_scenario(DENSE % (links, protocol))
    fast = report.dumps([simulate(sc, protocol, seed=5)])
    monkeypatch.setattr(Flooder, "receive", reference_receive)
    plain = report.dumps([simulate(sc, protocol, seed=5)])
    assert fast == plain
