"""Ready-made BGP experiments: the scenarios of the classic convergence studies, as Python builders.

Each builder returns a :class:`netsim.scenario.Scenario` built in Python (the shipped scenario
files ``scenarios/bgp-*.yaml`` write the same experiments in YAML):

* :func:`clique_scenario` -- Labovitz et al. (SIGCOMM 2000): the full mesh of n ASes; AS 1
  loses every link at once (a Tdown of its prefix), then gets them back (Tup);
* :func:`hierarchy_scenario` -- an Internet-like AS graph (:func:`netsim.topology.as_graph.as_hierarchy`)
  where one stub AS loses its links (Tdown) and regains them (Tup);
* :func:`bad_gadget_scenario` -- Griffin, Shepherd & Wilfong's BAD GADGET, which never converges;
* :func:`flap_scenario` -- a stub's access link flapping, the case route-flap damping exists for.

:func:`state_at` gives the network state and every FIB at one instant of a finished run, ready to
compare with a correctness model.
"""

from __future__ import annotations

from collections.abc import Iterable

from netsim.analysis.oracle import NetworkState
from netsim.analysis.replay import world_at
from netsim.scenario import Scenario
from netsim.scenario.events import Event, Flap, LinkUp, Srlg
from netsim.topology.as_graph import as_hierarchy, bad_gadget, clique
from netsim.topology.common import link_key
from netsim.topology.graph import Graph
from netsim.trace import Route, Trace


def state_at(graph: Graph, trace: Trace, time: float) -> tuple[NetworkState, dict[str, dict[str, Route]]]:
    """The network state (links, crashed routers) and the FIBs after every change up to ``time``."""
    world = world_at(graph, trace, time)
    return world.state(), {r: dict(world.fibs[r]) for r in world.routers}


def _isolate(graph: Graph, node: str, index: int, time: float, up: bool) -> Event:
    """Every link of ``node`` changes at once (carrier loss or return), as one shared-risk event."""
    links = tuple(sorted(link_key(node, nb) for nb in graph[node]))
    if up:
        return LinkUp(index, time, 0, links, 0.0, True)
    return Srlg(index, time, 0, links, 0.0, True)


def clique_scenario(n: int, *, fail_at: float = 300.0, restore_at: float = 1200.0, duration: float = 2400.0,
                    seed: int = 1, delay: float = 0.001) -> Scenario:
    """Full mesh of ``n`` ASes without policy; ``r1`` loses then regains all its links."""
    g = clique(n, delay=delay)
    events = (_isolate(g, "r1", 0, fail_at, up=False), _isolate(g, "r1", 1, restore_at, up=True))
    return Scenario(name=f"clique-{n}", graph=g, protocols={}, events=events, seed=seed, duration=duration,
                    description=f"Labovitz clique: Tdown then Tup of AS1's prefix among {n} ASes")


def pick_stub(graph: Graph) -> str:
    """The customer stub with the most providers (ties: lowest name) -- a multihomed origin."""
    stubs = [n for n in graph if graph.nodes[n].get("tier") == "C"] or sorted(graph)
    return min(stubs, key=lambda n: (-graph.degree(n), n))


def hierarchy_scenario(n: int, *, seed: int = 1, origin: str | None = None, fail_at: float = 300.0,
                       restore_at: float | None = None, duration: float = 900.0) -> Scenario:
    """A generated ``n``-AS graph; ``origin`` (default :func:`pick_stub`) loses all its links."""
    g = as_hierarchy(n, seed=seed)
    origin = origin or pick_stub(g)
    events = [_isolate(g, origin, 0, fail_at, up=False)]
    if restore_at is not None:
        events.append(_isolate(g, origin, 1, restore_at, up=True))
    return Scenario(name=f"as-hierarchy-{n}", graph=g, protocols={}, events=tuple(events), seed=seed,
                    duration=duration, description=f"Tdown of {origin}'s prefix in a {n}-AS hierarchy")


def bad_gadget_scenario(*, duration: float = 1800.0, seed: int = 1) -> Scenario:
    return Scenario(name="bad-gadget", graph=bad_gadget(), protocols={}, events=(), seed=seed, duration=duration,
                    description="BAD GADGET: no stable routing exists, BGP oscillates")


def flap_scenario(*, flaps: int = 6, period: float = 120.0, start: float = 300.0, duration: float = 4800.0,
                  seed: int = 1) -> Scenario:
    """A small hierarchy: stub ``s`` hangs off provider ``p``, which has two providers ``t1``, ``t2``
    (peers) with a further customer ``c`` of ``t2``.  The link s–p flaps ``flaps`` times."""
    from netsim.topology.as_graph import add_p2c, add_p2p

    g = Graph()
    for i, name in enumerate(("t1", "t2", "p", "s", "c"), start=1):
        g.add_node(name, asn=i)
    add_p2p(g, "t1", "t2")
    add_p2c(g, "t1", "p")
    add_p2c(g, "t2", "p")
    add_p2c(g, "p", "s")
    add_p2c(g, "t2", "c")
    events = (Flap(0, start, 0, (link_key("p", "s"),), period=period, count=flaps, down_time=period / 2),)
    return Scenario(name="flap", graph=g, protocols={}, events=events, seed=seed, duration=duration,
                    description=f"link s–p flaps {flaps} times every {period:g} s")


#: Per-UPDATE processing times of the MRAI study: the protocol default, and a busy router.
PROCESSING = {"light": (0.001, 0.01), "busy": (0.01, 0.1)}


def mrai_sweep(scenario: Scenario, mrais: Iterable[float], *, processing: tuple[float, float],
               options: dict | None = None, seeds: Iterable[int] = (1,)) -> list[dict[str, float]]:
    """Tdown and Tup convergence time and messages for each MRAI (averaged over ``seeds``).

    Keepalives are off (``hold: 0``) so the message counts are the routing protocol's own: UPDATEs
    and the few session messages.  The scenario's first event is the Tdown, its second the Tup.
    """
    from netsim.runner import simulate

    rows = []
    seeds = list(seeds)
    for mrai in mrais:
        acc = {"tdown": 0.0, "tdown_messages": 0.0, "tup": 0.0, "tup_messages": 0.0}
        for seed in seeds:
            opts = {"hold": 0, "mrai": mrai, "update_delay_min": processing[0],
                    "update_delay_max": processing[1], **(options or {})}
            run = simulate(scenario, "bgp", seed=seed, options=opts, narrate=False)
            down, up = run.metrics.events[:2]
            acc["tdown"] += down.convergence_time
            acc["tdown_messages"] += down.messages
            acc["tup"] += up.convergence_time
            acc["tup_messages"] += up.messages
        rows.append({"mrai": float(mrai), **{k: v / len(seeds) for k, v in acc.items()}})
    return rows
