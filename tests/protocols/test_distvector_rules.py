"""The RFC 2453 §3.9.2 update rules and split horizon, driven without SimPy."""

from __future__ import annotations

import random

from netsim.protocols.distvector.rules import (
    BETTER,
    NEW_ROUTE,
    SAME_HOP,
    SAME_HOP_UNREACHABLE,
    DvChange,
    DvRoute,
    VectorBase,
    advertise,
    apply_response,
)

INF = 16


def test_new_destination_is_adopted_with_link_cost_added():
    table: dict[str, DvRoute] = {}
    ch = apply_response(table, {"me"}, "n1", 2, [("x", 3)], now=10, timeout=180, infinity=INF)
    assert [(c.dest, c.new, c.rule) for c in ch] == [("x", (5, "n1"), NEW_ROUTE)]
    assert table["x"].expires == 190


def test_worse_metric_from_another_neighbour_is_ignored_but_better_replaces():
    table = {"x": DvRoute(5, "n1", 100)}
    assert apply_response(table, {"me"}, "n2", 1, [("x", 5)], 10, 180, INF) == []
    ch = apply_response(table, {"me"}, "n2", 1, [("x", 3)], 10, 180, INF)
    assert ch[0].rule == BETTER and (table["x"].metric, table["x"].next_hop) == (4, "n2")


def test_same_next_hop_is_believed_even_when_worse():
    """The rule that makes counting to infinity possible."""
    table = {"x": DvRoute(3, "n1", 100)}
    ch = apply_response(table, {"me"}, "n1", 1, [("x", 7)], 10, 180, INF)
    assert ch[0].rule == SAME_HOP and table["x"].metric == 8 and table["x"].expires == 190


def test_infinity_from_next_hop_marks_unreachable_and_does_not_refresh():
    table = {"x": DvRoute(3, "n1", 100)}
    ch = apply_response(table, {"me"}, "n1", 1, [("x", 16)], 10, 180, INF)
    assert ch[0].rule == SAME_HOP_UNREACHABLE and table["x"].metric == INF and table["x"].expires == 100


def test_metric_is_capped_at_infinity_and_own_entry_is_ignored():
    table: dict[str, DvRoute] = {}
    assert apply_response(table, {"me"}, "n1", 5, [("x", 14), ("me", 0)], 0, 180, INF) == []


def test_split_horizon_modes():
    table = {"a": DvRoute(2, "n1", 0), "b": DvRoute(3, "n2", 0)}
    assert advertise(table, [("me", 0)], "n1", "none", INF) == [("me", 0), ("a", 2), ("b", 3)]
    assert advertise(table, [("me", 0)], "n1", "simple", INF) == [("me", 0), ("b", 3)]
    assert advertise(table, [("me", 0)], "n1", "poison", INF) == [("me", 0), ("a", 16), ("b", 3)]
    assert advertise(table, [("me", 0)], "n1", "poison", INF, only=["b"]) == [("b", 3)]


def test_a_shared_vector_base_gives_each_neighbour_what_advertise_gives() -> None:
    """One pass over the table serves every neighbour: each mode, random tables (routes through
    the neighbour itself, others, unreachable ones, an empty table)."""
    rng = random.Random(2080)
    for _ in range(300):
        hops = ["n1", "n2", "n3", "n4"][: rng.randint(1, 4)]
        table = {f"d{i}": DvRoute(float(rng.choice([1, 2, 7, INF])), rng.choice(hops), 0.0)
                 for i in rng.sample(range(30), rng.randint(0, 30))}
        own = [("me", 0.0)] + [(f"10.{k}.0.0/24", float(k)) for k in range(rng.randint(0, 2))]
        base = VectorBase(table, own)
        for mode in ("none", "simple", "poison"):
            for neighbor in [*hops, "n9"]:
                assert base.vector(neighbor, mode, INF) == tuple(advertise(table, own, neighbor, mode, INF))


def _reference_apply(table, local, neighbor, link_cost, entries, now, timeout, infinity):
    """The rules as first written, one test after another, kept to pin the faster version."""
    changes = []
    expires = now + timeout
    for dest, adv in entries:
        metric = min(adv + link_cost, infinity)
        cur = table.get(dest)
        if cur is not None and cur.next_hop == neighbor and metric == cur.metric:
            if metric < infinity:
                cur.expires = expires
            continue
        if dest in local:
            continue
        if cur is None:
            if metric < infinity:
                table[dest] = DvRoute(metric, neighbor, expires)
                changes.append(DvChange(dest, None, (metric, neighbor), NEW_ROUTE, adv))
            continue
        if cur.next_hop == neighbor:
            if metric < infinity:
                cur.expires = expires
            if metric != cur.metric:
                old = (cur.metric, cur.next_hop)
                cur.metric = metric
                if metric >= infinity:
                    rule = SAME_HOP_UNREACHABLE
                else:
                    rule = SAME_HOP
                    cur.gc_at = None
                changes.append(DvChange(dest, old, (metric, neighbor), rule, adv))
        elif metric < cur.metric:
            old = (cur.metric, cur.next_hop)
            cur.metric, cur.next_hop, cur.expires, cur.gc_at = metric, neighbor, expires, None
            changes.append(DvChange(dest, old, (metric, neighbor), BETTER, adv))
    return changes


def _state(table):
    return {d: (r.metric, r.next_hop, r.expires, r.gc_at) for d, r in table.items()}


def test_apply_response_equals_the_reference_rules_and_reports_the_refreshed_routes() -> None:
    """Random tables and vectors (duplicates, infinity, local destinations even in the table):
    the same changes and table as the reference, and ``refreshed`` holds exactly the routes a
    refresh at an unchanged finite metric touched."""
    rng = random.Random(2453)
    dests = [f"d{i}" for i in range(8)]
    checked = 0
    for _ in range(400):
        table = {}
        for d in rng.sample(dests, rng.randint(0, 8)):
            metric = float(rng.choice([1, 2, 3, 5, INF]))
            table[d] = DvRoute(metric, rng.choice(["n1", "n2", "n3"]), rng.uniform(0, 50),
                               rng.uniform(50, 60) if metric >= INF else None)
        local = frozenset(rng.sample(dests, rng.randint(0, 2)))
        entries = [(rng.choice(dests), float(rng.choice([0, 1, 2, 4, 15, INF]))) for _ in range(rng.randint(0, 10))]
        cost = float(rng.choice([1, 2, 3]))
        ref_table = {d: DvRoute(r.metric, r.next_hop, r.expires, r.gc_at) for d, r in table.items()}
        before = {d: (r.metric, r.next_hop) for d, r in table.items()}
        refreshed: list[DvRoute] = []
        got = apply_response(table, local, "n1", cost, entries, 100.0, 30.0, INF, refreshed)
        want = _reference_apply(ref_table, local, "n1", cost, entries, 100.0, 30.0, INF)
        assert got == want
        assert _state(table) == _state(ref_table)
        if not got:  # what the protocol remembers: every route through n1 the vector carries
            checked += 1
            assert all(r.next_hop == "n1" and r.metric < INF and r.expires == 130.0 for r in refreshed)
            expected = [table[d] for d, adv in entries
                        if d in before and before[d] == (min(adv + cost, INF), "n1") and before[d][0] < INF]
            assert refreshed == expected
    assert checked > 50
