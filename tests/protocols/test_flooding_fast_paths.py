"""The fast paths of link-state flooding and warm starts change nothing.

* A warm-started router's database is a copy-on-write view of the converged one every router
  shares (:class:`CowDict`): it must behave exactly like a private ``dict`` copy, iteration order
  included, and never change the shared one.
* :meth:`Flooder.receive` handles duplicates by identity and stores the later instances of one
  update straight into the queues the first one armed: checked against the plain per-instance
  rules (the reference below), on whole runs of OSPF and IS-IS, byte for byte.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fakeport import FakePort
from hypothesis import given, settings
from hypothesis import strategies as st

from netsim.api import load_scenario, run_protocols
from netsim.output import report
from netsim.protocols.common.cow import CowDict
from netsim.protocols.common.flooding import Flooder, FloodPeer, FloodPolicy
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


# -- one update, in detail: queues, acknowledgements, timers -------------------------------------------
@dataclass(frozen=True)
class _Inst:
    """An instance as the shared code sees it (IS-IS-like: a purge ranks above its number)."""

    origin: str
    seq: int
    purge: bool = False
    prefixes: tuple[tuple[str, float], ...] = ()
    link_map: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def rank(self) -> int:
        return 2 * self.seq + self.purge

    @property
    def key(self) -> tuple[str, int]:
        return (self.origin, self.rank)


ORIGINS = ["me", "a", "b", "c", "d", "e", "f"]
PEERS = ["n1", "n2", "n3", "n4"]
#: An instance of an origin by (seq, purge); "same" picks the very object the database holds.
INSTANCE = st.tuples(st.sampled_from(ORIGINS), st.one_of(st.just("same"), st.tuples(st.integers(1, 4), st.booleans())))


def _flooder_state(policy: FloodPolicy, held: dict[str, tuple[int, bool]], queued: list[tuple[str, str, str]],
                   update: list[tuple[str, Any]]) -> tuple[Flooder, FloodPeer, tuple[Any, ...], list[str]]:
    port = FakePort("me", {p: 1.0 for p in PEERS})
    port.now = 10.0
    db = Lsdb(lambda reason: None)
    for origin, (seq, purge) in held.items():
        db.install(_Inst(origin, seq, purge), None, 0.0)
    peers = {p: FloodPeer(p, "Full" if p != "n4" else "Down", 5.0, 1.0) for p in PEERS}
    events: list[str] = []
    flooder: Flooder

    def own_newer(nb: FloodPeer, lsa: Any) -> None:  # reissue ours past it and flood it (as both protocols do)
        events.append(f"own_newer {nb.name} {lsa.key}")
        ours = _Inst("me", lsa.seq + 1)
        db.install(ours, None, port.now)
        flooder.flood(ours, exclude=None)

    flooder = Flooder(port, peers, db, {"Full"}, pacing=0.033, send_lsas=lambda nb, lsas: None,
                      send_acks=lambda nb, keys: None, own_newer=own_newer, policy=policy,
                      dropped=lambda nb, lsa, since: events.append(f"dropped {nb.name} {lsa.key}"))
    for peer, origin, which in queued:  # some instances already waiting to be sent or acknowledged
        lsa = db.entries.get(origin)
        if lsa is not None:
            (peers[peer].rxmt if which == "rxmt" else peers[peer].out_lsas)[origin] = lsa
    lsas = []
    for origin, spec in update:
        mine = db.entries.get(origin)
        if spec == "same":
            lsas.append(mine if mine is not None else _Inst(origin, 1))
        else:
            lsas.append(_Inst(origin, spec[0], spec[1]))
    return flooder, peers["n1"], tuple(lsas), events


def _observed(flooder: Flooder, events: list[str], installed: bool) -> Any:
    port: FakePort = flooder.port  # type: ignore[assignment]
    timers = [(t, fn.__name__, tuple(getattr(a, "name", a) for a in args)) for t, fn, args in port.pending_timers()]
    peers = {name: (list(nb.out_lsas.items()), list(nb.rxmt.items()), list(nb.out_acks))
             for name, nb in flooder.peers.items()}
    return installed, dict(flooder.db.entries), peers, timers, events


@settings(max_examples=200, deadline=None)
@given(ospf=st.booleans(), held=st.dictionaries(st.sampled_from(ORIGINS), st.tuples(st.integers(1, 3), st.booleans())),
       queued=st.lists(st.tuples(st.sampled_from(PEERS), st.sampled_from(ORIGINS), st.sampled_from(["rxmt", "out"])),
                       max_size=12),
       update=st.lists(INSTANCE, max_size=10))
def test_one_update_matches_the_plain_rules(ospf: bool, held: dict[str, tuple[int, bool]],
                                             queued: list[tuple[str, str, str]], update: list[tuple[str, Any]]) -> None:
    """Queues (contents and order), acknowledgements, timers (in creation order), the database
    and the callbacks after one update: duplicates, equal copies, older and newer instances, our
    own (flooded anew in the middle of the update), purges, an origin named twice."""
    policy = (FloodPolicy(min_arrival=1.0) if ospf else
              FloodPolicy(cancel_on_receipt=True, ack_duplicates=True, reissue_own=True))
    if ospf:
        held = {o: (seq, False) for o, (seq, _p) in held.items()}
        update = [(o, s if s == "same" else (s[0], False)) for o, s in update]
    fast, nb, lsas, fast_events = _flooder_state(policy, held, queued, update)
    got = _observed(fast, fast_events, fast.receive(nb, lsas))
    plain, nb, lsas, plain_events = _flooder_state(policy, held, queued, update)
    want = _observed(plain, plain_events, reference_receive(plain, nb, lsas))
    assert got == want


# -- retransmission lists after a cold start -----------------------------------------------------
@pytest.mark.parametrize("protocol", ["linkstate", "isis"])
def test_acknowledged_retransmission_lists_give_back_their_room(protocol: str) -> None:
    """A dict keeps the room it once needed; after a cold start every neighbour's list had held
    most of the database, so once everything is acknowledged it is a new, empty dict."""
    nets: list[Any] = []
    grid = parse_scenario(f"topology: {{generator: {{kind: grid, rows: 5, cols: 5}}}}\nduration: 40\n"
                          f"protocols:\n  {protocol}: {{}}\n")
    simulate(grid, protocol, on_network=nets.append)
    peers = [nb for router in nets[0].routers.values() for nb in router.protocol.flooder.peers.values()]
    assert peers and all(not nb.rxmt for nb in peers)
    assert {sys.getsizeof(nb.rxmt) for nb in peers} == {sys.getsizeof({})}
