"""The work estimate (``netsim.scenario.workload``): each part against a hand count, the periodic
parts against the messages a real run sends, every case of the issue, and the limits."""

from __future__ import annotations

import dataclasses
from functools import partial
from pathlib import Path

import pytest

from netsim.errors import NetsimError
from netsim.protocols import PROTOCOLS
from netsim.runner import simulate
from netsim.scenario import load_scenario, parse_scenario, workload
from netsim.scenario.config import router_configs

ROOT = Path(__file__).resolve().parents[2]


def triangle(extra: str = "", options: str = "{hello_interval: 1, dead_interval: 4}",
             events: str = "[{at: 30, link_down: [r1, r2]}]") -> str:
    return (f"topology:\n  links: [[r1, r2], [r2, r3], [r3, r1]]\nprotocols:\n  linkstate: {options}\n"
            f"events: {events}\n{extra}")


def est(text: str, protocol: str = "linkstate", **kw: object) -> workload.Workload:
    return workload.estimate(parse_scenario(text), protocol, **kw)  # type: ignore[arg-type]


# -- each part, counted by hand --------------------------------------------------------------------------
def test_timers_are_link_ends_times_span_over_the_smallest_interval() -> None:
    assert est(triangle("duration: 100\n")).timers == pytest.approx(6 * 100 / 1)
    fast_rxmt = est(triangle("duration: 100\n", "{hello_interval: 1, dead_interval: 4, rxmt_interval: 0.5}"))
    assert fast_rxmt.timers == pytest.approx(6 * 100 / 0.5)


def test_per_router_and_per_interface_intervals_count_where_they_apply() -> None:
    per_iface = est(triangle("duration: 100\nrouters:\n  r1:\n    interfaces:\n      r2: {linkstate: "
                             "{hello_interval: 0.1, dead_interval: 0.4}}\n"))
    assert per_iface.timers == pytest.approx(5 * 100 / 1 + 1 * 100 / 0.1)
    per_router = est(triangle("duration: 100\nrouters:\n  r1: {linkstate: {hello_interval: 0.5, dead_interval: 2}}\n"))
    assert per_router.timers == pytest.approx(4 * 100 / 1 + 2 * 100 / 0.5)


@pytest.mark.parametrize("text", [
    "topology: {generator: {kind: grid, rows: 7, cols: 9}}\nprotocols: {linkstate: {hello_interval: 0.3}}\n",
    "topology: {generator: {kind: ring, n: 11}}\nprotocols: {distvector: {update_interval: 7}}\n"
    "routers: {r3: {eigrp: {hello_interval: 1}}}\n",  # configured, but for another protocol
])
def test_without_per_router_options_the_rate_needs_no_router_configurations(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortcut adds the same terms in the same order as the per-router path: equal floats."""
    sc = parse_scenario(text)
    name = next(iter(sc.protocols))
    cls = PROTOCOLS[name]
    opts = dict(sc.protocols[name] or cls.defaults())
    want = 0.0
    for router, cfg in router_configs(sc, cls, opts).items():
        for nb in sc.graph[router]:
            per = cfg.interface_options.get(str(nb))
            want += 1.0 / cls.smallest_interval({**cfg.options, **per} if per else cfg.options)

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("router configurations built")

    monkeypatch.setattr(workload, "router_configs", refuse)
    assert workload._message_rate(sc, cls, opts) == want  # noqa: SLF001


def test_span_is_the_duration_or_the_last_event_plus_the_quiet_period() -> None:
    assert est(triangle("duration: 100\n")).span == 100
    quiet = 4 + 5 + 5 + 5 + 0.001 + 0.001 + 1  # dead + MinLSInterval + rxmt + spf_max_wait + spf + fib + 1
    assert est(triangle()).span == pytest.approx(30 + quiet)
    flap = est(triangle(events="[{at: 30, flap: [r1, r2], period: 2, count: 10}]"))
    assert flap.span == pytest.approx(30 + 9 * 2 + 1 + quiet)
    assert est(triangle("duration: 100\n"), until=40.0).span == 40


def test_bfd_packets_flows_and_scripted_changes() -> None:
    assert est(triangle("duration: 100\nbfd: {interval: 0.05}\n")).bfd == pytest.approx(3 * 2 / 0.05 * 100)
    flows = est(triangle("duration: 100\nflows: {rate: 1000}\n"))
    in_flight = 3 * 0.001  # min(ttl, routers) hops of the mean link delay
    assert flows.flows == pytest.approx(6 * (1 + 1) * (1 + 1000 * in_flight))  # 6 pairs, 2 windows each
    assert est(triangle("duration: 100\nflows: {rate: 1000, sample: 2}\n")).flows == pytest.approx(flows.flows / 3)
    flap = est(triangle(events="[{at: 30, flap: [r1, r2], period: 2, count: 10}, "
                               "{at: 60, srlg: [[r1, r3], [r2, r3]]}]"))
    assert flap.scripted == 2 * 10 + 2


def test_propagation_and_recomputation_scale_with_changes_links_and_destinations() -> None:
    one = est(triangle("duration: 100\n"))
    routers = links = dests = 3
    assert one.propagation == pytest.approx((1 + 1 + 100 / 1800) * 2 * links * dests)  # cold start, one failure
    assert one.recompute == pytest.approx((1 + 1) * routers * (routers + links))
    warm = est(triangle("duration: 100\n", "{hello_interval: 1, dead_interval: 4, warm_start: true}"))
    assert warm.propagation == pytest.approx((0 + 1 + 100 / 1800) * 2 * links * dests)  # no cold start
    prefixes = est(triangle("duration: 100\nprefixes: {r1: [10.1.0.0/24, 10.2.0.0/24]}\n"))
    assert prefixes.propagation == pytest.approx(one.propagation * 5 / 3)


@pytest.mark.parametrize("protocol", ["bgp", "eigrp"])
def test_protocols_that_explore_paths_count_each_change_several_times_over(protocol: str) -> None:
    """BGP's path exploration and EIGRP's diffusing computations send and recompute a change's
    routes about three times over (wall time against the estimate on 200- and 500-router random
    graphs and a 15x15 grid): their changes weigh ``churn`` times a link-state change's."""
    assert PROTOCOLS[protocol].churn == 3.0 and PROTOCOLS["linkstate"].churn == 1.0
    text = "topology:\n  links: [[r1, r2], [r2, r3], [r3, r1]]\nduration: 100\nprotocols:\n  {p}: {{}}\n" \
           "events: [{{at: 30, link_down: [r1, r2]}}]\n"
    routers = links = dests = 3
    w = est(text.format(p=protocol), protocol)
    assert w.propagation == pytest.approx((1 + 1) * 3.0 * 2 * links * dests)  # cold start, one failure
    assert w.recompute == pytest.approx((1 + 1) * 3.0 * routers * (routers + links))
    assert w.recompute == pytest.approx(3.0 * est(text.format(p="isis"), "isis").recompute)


def test_static_routing_sends_nothing_periodic_so_a_long_duration_is_cheap() -> None:
    static = est(triangle("duration: 1.0e+12\n", events="[]").replace("linkstate: {hello_interval: 1, "
                                                                        "dead_interval: 4}", "static: {}"), "static")
    assert static.timers == 0 and workload.check([static], confirmed=False) == []


# -- the periodic parts against a real run ------------------------------------------------------------------
@pytest.mark.parametrize("protocol,options,extra", [
    ("linkstate", "{hello_interval: 1, dead_interval: 4}", ""),
    ("distvector", "{update_interval: 5, timeout: 15, garbage: 10}", ""),
    ("static", "{}", "bfd: {interval: 0.05}\n"),
])
def test_periodic_estimates_match_the_messages_a_run_sends(protocol: str, options: str, extra: str) -> None:
    sc = parse_scenario(f"duration: 100\ntopology: {{generator: {{kind: ring, n: 5}}}}\n"
                        f"protocols:\n  {protocol}: {options}\n{extra}")
    w = workload.estimate(sc, protocol)
    sent = simulate(sc, protocol, narrate=False).metrics.messages_total
    assert 0.8 * (w.timers + w.bfd) <= sent <= 1.25 * (w.timers + w.bfd)


# -- the issue's cases ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,protocol,verdict,said", [
    (triangle("duration: 1.0e+12\n"), "linkstate", "refused", "periodic protocol messages"),
    (triangle(events="[{at: 1.0e+15, link_down: [r1, r2]}]"), "linkstate", "refused", "periodic protocol messages"),
    (triangle(options="{hello_interval: 1.0e-9, dead_interval: 4}"), "linkstate", "refused", "periodic"),
    (triangle("bfd: {interval: 1.0e-9}\n"), "linkstate", "refused", "BFD packets"),
    (triangle("flows: {rate: 1.0e+9}\n"), "linkstate", "confirm", "probe flows"),
    (triangle(events="[{at: 30, flap: [r1, r2], period: 2, count: 10000000}]"), "linkstate", "refused",
     "20,000,000 link or router changes"),
    ("topology: {generator: {kind: line, n: 10000}}\nprotocols: [linkstate]\n", "linkstate", "confirm",
     "routing updates"),
    ("topology: {generator: {kind: line, n: 10000}}\nprotocols: [distvector]\n", "distvector", "confirm",
     "routing updates"),
    (triangle(), "linkstate", "fine", ""),
])
def test_each_case_of_the_issue(text: str, protocol: str, verdict: str, said: str) -> None:
    w = est(text, protocol)
    if verdict == "fine":
        assert workload.check([w], confirmed=False) == []
        return
    with pytest.raises(NetsimError, match=said) as refused:
        workload.check([w], confirmed=False)
    if verdict == "refused":
        with pytest.raises(NetsimError, match=said):
            workload.check([w], confirmed=True)
    else:
        assert "pass --yes" in str(refused.value)
        (warning,) = workload.check([w], confirmed=True)
        assert said in warning and "roughly" in warning


def test_many_runs_add_up() -> None:
    w = est(triangle())
    assert workload.check([dataclasses.replace(w, runs=1000)], confirmed=False) == []
    many = dataclasses.replace(w, runs=int(workload.CONFIRM_ABOVE / w.total) + 1)
    with pytest.raises(NetsimError, match="runs, about"):
        workload.check([many], confirmed=False)
    absurd = dataclasses.replace(w, runs=int(workload.REFUSE_ABOVE / w.total) + 1)
    with pytest.raises(NetsimError, match="too much work, refused"):
        workload.check([absurd], confirmed=True)


def test_the_python_api_gets_the_same_protection() -> None:
    large = parse_scenario(triangle("flows: {rate: 1.0e+9}\n"))
    with pytest.raises(NetsimError, match="check_work=False"):
        simulate(large, "linkstate")
    absurd = parse_scenario(triangle("duration: 1.0e+12\n"))
    with pytest.raises(NetsimError, match="too much work, refused"):
        simulate(absurd, "linkstate", check_work=False)


def test_shipped_scenarios_and_the_default_scaling_study_need_no_confirmation() -> None:
    from netsim.studies import scaling

    loads = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        sc = load_scenario(path)
        loads += [workload.estimate(sc, p) for p in sc.protocols]
    assert len(loads) > 30
    for w in loads:
        assert workload.check([w], confirmed=False) == [], w.describe()
    tasks = scaling.plan([16, 36, 64, 100], [], ["linkstate", "distvector"])
    assert scaling.check_work(tasks, confirmed=False) == []


# -- memory --------------------------------------------------------------------------------------------------
def test_memory_is_routers_times_destinations_at_the_protocols_rate() -> None:
    """Routers x destinations at the protocol's rate, plus, for a link-state cold start, link ends
    x destinations (every neighbour's flooding queue can hold the whole database)."""
    cold = est(triangle())
    cls = PROTOCOLS["linkstate"]
    fixed = workload.BASE_MEMORY + 3 * workload.ROUTER_MEMORY
    routers = links = dests = 3
    assert cold.memory == pytest.approx(fixed + routers * dests * cls.memory_per_pair
                                        + 2 * links * dests * cls.memory_per_link_dest)
    warm = est(triangle(options="{hello_interval: 1, dead_interval: 4, warm_start: true}"))
    assert warm.memory == pytest.approx(fixed + routers * dests * cls.warm_memory_per_pair)  # nothing flooded
    assert "of memory" in cold.describe()
    # A denser network of as many routers needs more for link state and IS-IS, not for the others.
    ring = "topology: {generator: {kind: ring, n: 8}}\nprotocols:\n  %s: {}\n"
    dense = "topology: {generator: {kind: mesh, n: 8}}\nprotocols:\n  %s: {}\n"
    for protocol in PROTOCOLS:
        extra = est(dense % protocol, protocol).memory - est(ring % protocol, protocol).memory
        per = PROTOCOLS[protocol].memory_per_link_dest
        assert extra == pytest.approx(2 * (28 - 8) * 8 * per), protocol
        assert (per > 0) == (protocol in ("linkstate", "isis")), protocol


def test_a_run_the_machine_cannot_hold_needs_confirmation() -> None:
    w = est(triangle())
    ram = w.memory / workload.MEMORY_SHARE * 0.99  # the run needs just over the share
    with pytest.raises(NetsimError, match=r"needs about \d+ MB of memory, more than 75% of this machine's") as err:
        workload.check([w], confirmed=False, memory=ram)
    assert "pass --yes" in str(err.value)
    (warning,) = workload.check([w], confirmed=True, memory=ram)
    assert "of memory" in warning
    assert workload.check([w], confirmed=False, memory=ram * 1.02) == []
    assert workload.check([w], confirmed=False, memory=None) == []  # unknown: not checked
    assert workload.check([dataclasses.replace(w, runs=1000)], confirmed=False, memory=ram * 1.02) == []


def test_runs_side_by_side_need_their_memory_together() -> None:
    w = dataclasses.replace(est(triangle()), runs=10)
    ram = w.memory / workload.MEMORY_SHARE * 1.5  # one run fits, two do not
    assert workload.check([w], confirmed=False, memory=ram) == []
    with pytest.raises(NetsimError, match=r"of memory \(2 runs at once\)"):
        workload.check([w], confirmed=False, memory=ram, at_once=2)
    single = dataclasses.replace(w, runs=1)  # more workers than runs: the runs are what run at once
    assert workload.check([single], confirmed=False, memory=ram, at_once=8) == []


def test_a_sweep_counts_its_local_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    from netsim.studies import sweep

    source = sweep.SweepInput.from_path(ROOT / "scenarios" / "demo.yaml")
    specs = sweep.plan_sweep(source, protocols=["linkstate"], seeds=[0, 1, 2, 3])
    one = workload.estimate(load_scenario(ROOT / "scenarios" / "demo.yaml"), "linkstate").memory
    monkeypatch.setattr(workload, "machine_memory", lambda: one / workload.MEMORY_SHARE * 1.5)
    assert sweep.check_work(source, specs, confirmed=False, jobs=1) == []
    with pytest.raises(NetsimError, match="runs at once"):
        sweep.check_work(source, specs, confirmed=False, jobs=4)


def test_a_cluster_sweep_is_checked_against_its_tightest_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a Dask cluster the scheduler says each worker's memory limit and threads (a thread runs
    one run at a time in the worker's process): the worker with the least memory per thread must
    hold that many runs; this machine's memory does not count, and a worker without a limit is
    not checked."""
    pytest.importorskip("dask.distributed")
    from dask.distributed import LocalCluster

    from netsim.studies import sweep

    source = sweep.SweepInput.from_path(ROOT / "scenarios" / "demo.yaml")
    specs = sweep.plan_sweep(source, protocols=["linkstate"], seeds=[0, 1, 2, 3])
    one = workload.estimate(load_scenario(ROOT / "scenarios" / "demo.yaml"), "linkstate").memory
    monkeypatch.setattr(workload, "machine_memory", lambda: 1e3)  # this machine could hold nothing
    fits_one = int(one / workload.MEMORY_SHARE * 1.5)
    for threads, limit, refused in ((1, fits_one, False), (2, fits_one, True), (2, 0, False)):
        with LocalCluster(processes=False, n_workers=1, threads_per_worker=threads, memory_limit=limit,
                          dashboard_address=None) as cluster:
            check = partial(sweep.check_work, source, specs, confirmed=False, jobs=1,
                            scheduler=cluster.scheduler_address)
            if refused:
                with pytest.raises(NetsimError, match=r"\(2 runs at once\), more than 75% of Dask worker .*'s "
                                                      r"memory limit of \d+ MB"):
                    check()
                assert "of memory" in sweep.check_work(source, specs, confirmed=True, jobs=1,
                                                       scheduler=cluster.scheduler_address)[0]
            else:
                assert check() == [], (threads, limit)


def test_workers_may_hold_the_largest_runs_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs of different sizes (a scaling study's): the memory of the N largest adds up, not N
    times the largest; ``netsim scale --jobs N`` is checked that way."""
    from netsim.studies import scaling

    small, large = est(triangle()), est(triangle()).memory * 3
    loads = [dataclasses.replace(small, memory=m) for m in (large, small.memory, large / 2)]
    ram = (large + large / 2) / workload.MEMORY_SHARE * 1.01  # the two largest just fit
    assert workload.check(loads, confirmed=False, memory=ram, at_once=2) == []
    assert workload.check(loads, confirmed=False, memory=ram * 0.98, at_once=1) == []
    with pytest.raises(NetsimError, match=r"\(2 runs at once\)"):
        workload.check(loads, confirmed=False, memory=ram * 0.98, at_once=2)
    with pytest.raises(NetsimError, match=r"\(3 runs at once\)"):
        workload.check(loads, confirmed=False, memory=ram, at_once=3)

    tasks = scaling.plan([10, 40], [], ["linkstate"])
    sizes = sorted(workload.estimate(scaling.scenario_of(net, topo), p).memory for _f, net, topo, p in tasks)
    monkeypatch.setattr(workload, "machine_memory", lambda: (sizes[-1] + sizes[-2]) / workload.MEMORY_SHARE * 1.01)
    assert scaling.check_work(tasks, confirmed=False, jobs=2) == []
    with pytest.raises(NetsimError, match="the scaling study needs about .* of memory \\(3 runs at once\\)"):
        scaling.check_work(tasks, confirmed=False, jobs=3)


def test_this_machine_reports_its_memory() -> None:
    ram = workload.machine_memory()
    assert ram is None or ram > 100e6


@pytest.mark.parametrize("protocol", ["static", "linkstate", "isis", "distvector", "eigrp", "bgp"])
def test_memory_estimates_bound_what_a_run_allocates(protocol: str) -> None:
    """What the simulation and its analysis allocate (traced, after a first run has imported
    everything) against the estimate less the process's own share: the same order, rarely above."""
    import tracemalloc

    text = (f"topology: {{generator: {{kind: barabasi_albert, n: 60, m: 2, seed: 1}}}}\nduration: 30\n"
            f"protocols:\n  {protocol}: {{}}\nevents:\n  - {{at: 20, link_down: [r1, r2]}}\n")
    simulate(parse_scenario(text.replace("n: 60", "n: 4")), protocol)  # imports, caches
    sc = parse_scenario(text)
    tracemalloc.start()
    try:
        simulate(sc, protocol)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    share = workload.estimate(sc, protocol).memory - workload.BASE_MEMORY
    assert 0.25 * share <= peak <= 1.5 * share
