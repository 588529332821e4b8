"""The RFC 2453 §3.9.2 update rules and split horizon, driven without SimPy."""

from __future__ import annotations

from netsim.protocols.distvector.rules import (
    BETTER,
    NEW_ROUTE,
    SAME_HOP,
    SAME_HOP_UNREACHABLE,
    DvRoute,
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
