"""Small networks and option sets the FRR-lab tests share, with their addresses worked out by hand."""

from __future__ import annotations

import networkx as nx

PREFIX = "netsimv-0123abcd"
OSPF = {"hello_interval": 1, "dead_interval": 4, "rxmt_interval": 5, "spf_delay": 0.05, "spf_hold": 0.2,
        "spf_max_wait": 5, "min_ls_interval": 5, "min_ls_arrival": 1, "ls_refresh": 1800}
RIP = {"update_interval": 5, "timeout": 15, "garbage": 10, "split_horizon": "poison", "infinity": 16,
       "triggered": True, "holddown": 0.0, "damping": False}


def triangle() -> nx.Graph:
    """a, b, c; links (a,b) cost 1, (a,c) cost 3, (b,c) cost 1.  By hand (sorted links, sorted names):
    a–b = 10.0.0.0/31 (a .0, b .1), a–c = 10.0.0.2/31 (a .2, c .3), b–c = 10.0.0.4/31 (b .4, c .5);
    loopbacks a 10.255.0.1, b 10.255.0.2, c 10.255.0.3; interfaces l0, l1, l2."""
    g = nx.Graph()
    g.add_edge("b", "a", cost=1, delay=0.002)
    g.add_edge("c", "a", cost=3, delay=0.001)
    g.add_edge("c", "b", cost=1, delay=0.001)
    return g


def unit_triangle() -> nx.Graph:
    g = triangle()
    for _, _, d in g.edges(data=True):
        d["cost"] = 1
    return g
