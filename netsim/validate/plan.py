"""What a lab run will build, as plain data: namespaces, interfaces, addresses and costs.

Pure code (no system calls), so the naming and addressing rules are unit-tested without root.

* Every object a run creates carries its **run prefix** ``netsimv-<8 hex>``: namespaces are
  ``<prefix>-r<i>`` (``i`` = the router's index in sorted name order), so two runs never collide
  and :func:`netsim.validate.lab.cleanup_leftovers` finds what a killed run left by the prefix.
* Interface ``l<k>`` is link ``k`` in :class:`~netsim.topology.addressing.Addressing` order; both
  ends of a link carry the same name, each in its own namespace (names stay under Linux's 15
  characters and say which link they belong to).
* Addresses come from :mod:`netsim.topology.addressing` only: loopback /32 per router, a /31 per
  link, the lower router name on the even address.
* Costs are per direction: ``cost(a -> b)`` is what ``a`` pays to send over the link (``a``'s OSPF
  interface cost).  A link's ``costs`` mapping (router -> its outgoing cost) wins over the
  symmetric ``cost`` attribute.
"""

from __future__ import annotations

import ipaddress
import re
import secrets

from netsim.errors import NetsimError
from netsim.records import record
from netsim.topology.addressing import Addressing
from netsim.topology.common import link_costs, link_key
from netsim.topology.graph import Graph

#: Every run prefix starts with this; nothing else on the machine should.
PREFIX_ROOT = "netsimv"
#: ``netsimv-`` + 8 hex digits.
PREFIX_RE = re.compile(rf"^{PREFIX_ROOT}-[0-9a-f]{{8}}$")
#: A namespace of some run: ``netsimv-<8 hex>-r<i>``.
NETNS_RE = re.compile(rf"^({PREFIX_ROOT}-[0-9a-f]{{8}})-r(\d+)$")
#: Linux limits interface names to 15 characters (IFNAMSIZ - 1).
IFNAME_MAX = 15


def new_run_prefix() -> str:
    """A fresh, random run prefix (``netsimv-1a2b3c4d``)."""
    return f"{PREFIX_ROOT}-{secrets.token_hex(4)}"


def netns_name(prefix: str, index: int) -> str:
    return f"{prefix}-r{index}"


def ifname(link_index: int) -> str:
    name = f"l{link_index}"
    assert len(name) <= IFNAME_MAX
    return name


def directed_cost(graph: Graph, a: str, b: str) -> float:
    """What ``a`` pays to send to ``b`` over their link."""
    return float(link_costs(graph.edges[a, b], a, b)[0])


@record
class IfacePlan:
    """One end of a link, inside one router's namespace."""

    name: str
    neighbor: str
    address: ipaddress.IPv4Address
    peer_address: ipaddress.IPv4Address
    network: ipaddress.IPv4Network
    #: What this router pays to send over the link (this end's OSPF interface cost).
    cost: float


@record
class RouterPlan:
    """One real router of a lab: its namespace, loopback and interfaces."""

    name: str
    index: int
    netns: str
    loopback: ipaddress.IPv4Address
    ifaces: tuple[IfacePlan, ...]

    def iface_to(self, neighbor: str) -> IfacePlan:
        for iface in self.ifaces:
            if iface.neighbor == neighbor:
                return iface
        raise NetsimError(f"router {self.name} has no link to {neighbor}")


@record
class LinkPlan:
    """A veth pair: interface ``ifname`` in the namespaces of ``a`` and ``b`` (``a < b``)."""

    a: str
    b: str
    ifname: str
    #: One-way delay (s) the graph gives this link; emulated with netem when the kernel has it.
    delay: float


@record
class LabPlan:
    """A lab's routers, links and addresses, before anything is created."""

    prefix: str
    routers: tuple[RouterPlan, ...]
    links: tuple[LinkPlan, ...]
    addressing: Addressing

    def router(self, name: str) -> RouterPlan:
        for r in self.routers:
            if r.name == name:
                return r
        raise NetsimError(f"no router {name} in this lab")

    def link(self, a: str, b: str) -> LinkPlan:
        key = link_key(a, b)
        for link in self.links:
            if (link.a, link.b) == key:
                return link
        raise NetsimError(f"no link {a}–{b} in this lab")

    @property
    def namespaces(self) -> tuple[str, ...]:
        return tuple(r.netns for r in self.routers)

    def router_of_netns(self, netns: str) -> str:
        for r in self.routers:
            if r.netns == netns:
                return r.name
        raise KeyError(netns)


def plan_lab(graph: Graph, prefix: str) -> LabPlan:
    """The lab for ``graph`` under run prefix ``prefix`` (deterministic given both)."""
    if not PREFIX_RE.match(prefix):
        raise NetsimError(f"bad run prefix {prefix!r} (expected {PREFIX_ROOT}-<8 hex digits>)")
    addressing = Addressing.of_graph(graph)
    link_names = {key: ifname(k) for k, key in enumerate(addressing.links)}
    routers = []
    for i, name in enumerate(addressing.routers):
        ifaces = []
        for nbr in sorted(str(n) for n in graph[name]):
            key = link_key(name, nbr)
            ifaces.append(IfacePlan(
                name=link_names[key], neighbor=nbr,
                address=addressing.interface_address(name, nbr),
                peer_address=addressing.interface_address(nbr, name),
                network=addressing.link_subnet(name, nbr),
                cost=directed_cost(graph, name, nbr)))
        routers.append(RouterPlan(name, i, netns_name(prefix, i), addressing.loopback(name), tuple(ifaces)))
    links = tuple(LinkPlan(a, b, link_names[(a, b)], float(graph.edges[a, b].get("delay", 0.0)))
                  for a, b in addressing.links)
    return LabPlan(prefix, tuple(routers), links, addressing)
