"""The replay document built from a run tells the same story as the rest of netsim.

Independent truths: ``netsim table --at`` (:func:`netsim.analysis.tables.tables_at`, which replays the
trace with its own judge) for every router's table and verdict at many instants; the metrics'
loop and black-hole times (:func:`netsim.analysis.metrics.analyze`) for the fault intervals; the metrics'
forwarding walk (:func:`netsim.analysis.judge.walk_faults`) for the witness search.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsim.analysis.judge import walk_faults
from netsim.analysis.result import RunResult
from netsim.analysis.tables import tables_at
from netsim.output.replay import render_html, validate
from netsim.output.replay.build import build_document, family_of
from netsim.output.replay.model import table_at
from netsim.output.replay.witness import fault_witnesses
from netsim.runner import simulate
from netsim.scenario import load_scenario, parse_scenario
from netsim.trace import Route

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

WEIGHTED_WARM = """
name: weighted-warm
topology: {links: [[a, b, 1], [b, c, 2], [a, c, 4], [c, d, 1], [b, d, 5], [d, e, 1.5], [a, e, 9]]}
duration: 110
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4, spf_delay: 0.05, warm_start: true}
events:
  - {at: 60, set_cost: [b, c], cost: 7}
  - {at: 75, link_down: [c, d]}
  - {at: 90, node_down: d}
"""


@pytest.fixture(scope="module")
def runs() -> dict[str, RunResult]:
    demo = load_scenario(SCENARIOS / "demo.yaml")
    return {
        "demo-linkstate": simulate(demo, "linkstate"),
        "demo-distvector": simulate(demo, "distvector"),
        "crash-linkstate": simulate(load_scenario(SCENARIOS / "node-crash-restart.yaml"), "linkstate"),
        "weighted-warm": simulate(parse_scenario(WEIGHTED_WARM), "linkstate"),
    }


@pytest.fixture(scope="module")
def docs(runs: dict[str, RunResult]) -> dict[str, dict]:
    return {name: build_document(result) for name, result in runs.items()}


def _instants(doc: dict) -> list[float]:
    """Just after every FIB-change and topology instant (the document rounds times to 1 ns, so
    exactly-at instants could fall either side), and half-way between consecutive ones."""
    marks = sorted({0.0, *doc["fib"]["time"], *(tc["time"] for tc in doc["topology"]), doc["end_time"]})
    out = [t + 1e-7 for t in marks] + [(a + b) / 2 for a, b in zip(marks, marks[1:], strict=False)]
    return sorted(t for t in out if t <= doc["end_time"])


def _route(hops, cost) -> Route | None:
    return None if hops is None else Route(tuple(hops), cost)


@pytest.mark.parametrize("name", ["demo-linkstate", "demo-distvector", "crash-linkstate", "weighted-warm"])
def test_every_table_at_every_instant_matches_netsim_table(name: str, runs, docs) -> None:
    result, doc = runs[name], docs[name]
    validate(doc)
    instants = _instants(doc)
    if len(instants) > 60:  # spread the checks over the whole run
        instants = [instants[i * len(instants) // 60] for i in range(60)]
    checked = 0
    for t in instants:
        for table in tables_at(result, t):
            rows = table_at(doc, table.router, t)
            if table.down:
                assert rows is None, (t, table.router)
                continue
            want = [(e.dest, e.actual, e.expected, e.status) for e in table.entries]
            got = [(r.dest, _route(r.hops, r.cost), _route(r.want_hops, r.want_cost), r.status) for r in rows]
            assert got == want, (t, table.router)
            checked += len(want)
    assert checked > 100


def _union_within(intervals: list[tuple[float, float]], lo: float, hi: float) -> float:
    total, end = 0.0, -math.inf
    for a, b in sorted((max(a, lo), min(b, hi)) for a, b in intervals):
        if b <= a:
            continue
        if a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


@pytest.mark.parametrize("name", ["demo-linkstate", "demo-distvector", "crash-linkstate", "weighted-warm"])
def test_fault_intervals_add_up_to_the_metrics_loop_and_black_hole_times(name: str, runs, docs) -> None:
    result, doc = runs[name], docs[name]
    for ev in result.metrics.events:
        for kind, metric in (("loop", ev.loop_time), ("blackhole", ev.blackhole_time)):
            spans = [(f["t0"], f["t1"]) for f in doc["faults"] if f["kind"] == kind]
            assert _union_within(spans, ev.time, ev.window_end) == pytest.approx(metric, abs=1e-6), (ev.index, kind)
    assert any(f["kind"] == "blackhole" for f in doc["faults"])


def test_fault_witness_paths_follow_the_fibs(docs) -> None:
    doc = docs["demo-linkstate"]
    from netsim.output.replay.model import fibs_at

    assert any(f["kind"] == "loop" for f in doc["faults"])  # the demo has micro-loops after the cut
    for f in doc["faults"]:
        t = (f["t0"] + f["t1"]) / 2
        fibs = fibs_at(doc, t)
        path = f["path"]
        for a, b in zip(path, path[1:], strict=False):
            assert b in fibs[a][f["dest"]][0], (f, a, b)  # every step is a next hop towards dest
        if f["kind"] == "loop":
            assert path[0] == path[-1] and len(path) >= 3


def test_demo_document_is_small_and_complete(docs, tmp_path: Path) -> None:
    doc = docs["demo-linkstate"]
    assert [e["text"] for e in doc["events"]] == ["link Chicago–Indianapolis down (carrier loss)",
                                                  "link Chicago–Indianapolis up"]
    assert [(tc["time"], tc["link"], tc["up"]) for tc in doc["topology"]] == [
        (60.0, ["Chicago", "Indianapolis"], False), (120.0, ["Chicago", "Indianapolis"], True)]
    assert [ep["from"] for ep in doc["expected"]] == [0.0, 60.0, 120.0]
    assert doc["routers"][0] == {"name": "Atlanta", "label": "Atlanta", "x": -84.39, "y": 33.75}
    assert doc["notices"] and "4,311 messages" in doc["notices"][0] or doc["messages"]["t0"]
    assert len(render_html(doc).encode()) < 5_000_000
    lines = {(ln["time"], ln["router"], ln["text"]) for ln in doc["narration"]}
    assert (60.0, "", "link Chicago–Indianapolis down (carrier loss)") in lines


def test_silent_failures_are_marked_silent() -> None:
    result = simulate(load_scenario(SCENARIOS / "silent-vs-carrier.yaml"), "static")
    doc = build_document(result)
    downs = [(tc["time"], tc["silent"]) for tc in doc["topology"] if not tc["up"]]
    assert downs == [(30.0, False), (90.0, True)]


# -- messages from the trace's message log ---------------------------------------------------------
def test_messages_are_the_trace_message_log(runs) -> None:
    """Every logged message, in send order, with its sender, receiver, kind and arrival (None: lost)."""
    base = runs["crash-linkstate"]
    log = base.trace.messages
    doc = build_document(base)
    validate(doc)
    assert [k["name"] for k in doc["message_kinds"]] == list(log.kind_names)
    msgs = doc["messages"]
    assert len(msgs["t0"]) == len(log) > 0
    assert msgs["t0"] == sorted(msgs["t0"])
    rows = sorted(zip(log.times, log.src, log.dst, log.kinds, log.arrivals, strict=True), key=lambda r: r[0])
    assert msgs["src"] == [r[1] for r in rows] and msgs["dst"] == [r[2] for r in rows]
    assert msgs["kind"] == [r[3] for r in rows]
    assert [t1 is None for t1 in msgs["t1"]] == [math.isnan(r[4]) for r in rows]
    assert json.loads(json.dumps(doc)) == doc


def test_messages_lost_on_a_lossy_link_never_arrive() -> None:
    result = simulate(load_scenario(SCENARIOS / "lossy-ring.yaml"), "linkstate", narrate=False)
    msgs = build_document(result)["messages"]
    lost = sum(t1 is None for t1 in msgs["t1"])
    assert 0 < lost < len(msgs["t1"])
    assert all(t1 is None or t1 > t0 for t0, t1 in zip(msgs["t0"], msgs["t1"], strict=True))


@pytest.mark.parametrize(("name", "family"), [("hello", "hello"), ("OSPF Hello", "hello"), ("LSU", "flood"),
                                              ("lsa-flood", "flood"), ("LSAck", "ack"), ("rip-update", "update"),
                                              ("RIP Response", "update"), ("bfd", "control")])
def test_message_kind_families(name: str, family: str) -> None:
    assert family_of(name) == family


# -- the witness search against the metrics' walk --------------------------------------------------------
@st.composite
def _forwarding(draw):
    n = draw(st.integers(2, 7))
    nodes = list(range(n))
    dest = draw(st.sampled_from(nodes))
    hops = {r: draw(st.lists(st.sampled_from(nodes), max_size=2, unique=True)) for r in nodes if r != dest}
    broken = draw(st.sets(st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)), max_size=3))
    return dest, hops, broken


@given(_forwarding())
def test_witnesses_exist_exactly_when_the_metrics_walk_finds_faults(case) -> None:
    dest, hops, broken = case
    sources = sorted(hops)
    next_of = lambda r: list(hops.get(r, []))
    link_ok = lambda a, b: (a, b) not in broken and a != b
    loop, hole = fault_witnesses(dest, sources, next_of, link_ok)
    assert (loop is not None, hole is not None) == walk_faults({dest}, sources, next_of, link_ok)
    if loop is not None:
        assert loop[0] == loop[-1] and len(set(loop)) == len(loop) - 1
        assert all(b in hops[a] and link_ok(a, b) for a, b in zip(loop, loop[1:], strict=False))
    if hole is not None:
        steps = list(zip(hole, hole[1:], strict=False))
        assert all(b in hops[a] for a, b in steps)
        assert all(link_ok(a, b) for a, b in steps[:-1])
        last_ok = not steps or link_ok(*steps[-1])
        assert not last_ok or not hops.get(hole[-1])  # dies on the last link, or at a router with no entry


def test_witnesses_are_deterministic() -> None:
    rnd = random.Random(3)
    hops = {r: rnd.sample(range(8), 2) for r in range(1, 8)}
    args = (0, range(1, 8), lambda r: list(hops[r]) if r else [], lambda a, b: a != b)
    assert fault_witnesses(*args) == fault_witnesses(*args)
