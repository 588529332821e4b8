"""Gao–Rexford import and export rules, filters, and MRAI verdicts."""

from __future__ import annotations

import ipaddress

import pytest

from netsim.protocols.bgp.mrai import PEER_TIMER, MraiConfig, MraiState
from netsim.protocols.bgp.policy import (
    GAO_REXFORD,
    NO_POLICY,
    FilterRule,
    LocalPrefs,
    RouteFilter,
    import_local_pref,
    may_export,
)
from netsim.protocols.bgp.route import CUSTOMER, OWN, PEER, PROVIDER

ALL = (CUSTOMER, PEER, PROVIDER)


@pytest.mark.parametrize("learned", (OWN, CUSTOMER))
def test_own_and_customer_routes_go_to_everyone(learned: str) -> None:
    assert all(may_export(learned, to, GAO_REXFORD) for to in ALL)


@pytest.mark.parametrize("learned", (PEER, PROVIDER))
def test_peer_and_provider_routes_go_only_to_customers(learned: str) -> None:
    assert [to for to in ALL if may_export(learned, to, GAO_REXFORD)] == [CUSTOMER]


def test_without_policy_everything_is_exported() -> None:
    assert all(may_export(a, b, NO_POLICY) for a in ALL for b in ALL)


def test_local_preference_by_relationship_and_override() -> None:
    prefs = LocalPrefs()
    got = [import_local_pref(r, GAO_REXFORD, prefs, None) for r in ALL]
    assert got == [200, 100, 50] and got == sorted(got, reverse=True)
    assert import_local_pref(PROVIDER, GAO_REXFORD, prefs, 300) == 300
    assert import_local_pref(CUSTOMER, NO_POLICY, prefs, None) == 100


def test_filters_first_match_wins_and_no_match_denies() -> None:
    f = RouteFilter.of([FilterRule(False, frozenset({"r5"})),
                        FilterRule(True, networks=(ipaddress.IPv4Network("10.255.0.0/29"),)),
                        FilterRule(True, frozenset({"r5", "r9"}))])
    assert f.decide("r5", ipaddress.IPv4Address("10.255.0.5"))[0] is False   # first rule
    assert f.decide("r3", ipaddress.IPv4Address("10.255.0.3"))[0] is True    # inside the /29
    assert f.decide("r9", ipaddress.IPv4Address("10.255.0.9"))[0] is True    # third rule
    assert f.decide("r8", ipaddress.IPv4Address("10.255.0.8")) == (False, None)  # implicit deny


def test_as_path_rules_match_exact_paths_and_set_local_pref() -> None:
    f = RouteFilter.of([FilterRule(True, any=True, as_path=(2, 100), local_pref=200)])
    ok, rule = f.decide("r0", None, (2, 100))
    assert ok and rule is not None and rule.local_pref == 200
    assert f.decide("r0", None, (2, 3, 100)) == (False, None)


def test_mrai_per_peer_holds_every_prefix_until_the_timer_expires() -> None:
    cfg = MraiConfig(30.0, jitter=False)
    st = MraiState()
    assert st.verdict(cfg, "a", 10.0, withdrawal=False) is None        # no timer yet: send now
    st.start(cfg, "a", 10.0, cfg.draw(0.0))
    assert st.verdict(cfg, "b", 20.0, withdrawal=False) == 40.0        # another prefix waits too
    assert st.verdict(cfg, "b", 20.0, withdrawal=True) is None         # withdrawals go at once
    assert st.verdict(cfg, "b", 40.0, withdrawal=False) is None        # expired
    assert st.running(PEER_TIMER, 39.0) and not st.running(PEER_TIMER, 40.0)


def test_mrai_per_prefix_and_wrate() -> None:
    cfg = MraiConfig(30.0, jitter=False, wrate=True, per_prefix=True)
    st = MraiState()
    st.start(cfg, "a", 0.0, 30.0)
    assert st.verdict(cfg, "a", 5.0, withdrawal=True) == 30.0          # wrate: withdrawals wait
    assert st.verdict(cfg, "b", 5.0, withdrawal=False) is None         # other prefixes do not


def test_mrai_jitter_draws_75_to_100_percent_and_zero_disables() -> None:
    cfg = MraiConfig(30.0)
    assert cfg.draw(0.0) == 22.5 and cfg.draw(0.999999) == pytest.approx(30.0)
    off = MraiConfig(0.0)
    st = MraiState()
    st.start(off, "a", 0.0, 0.0)
    assert st.verdict(off, "a", 0.0, withdrawal=False) is None
