"""AS-level topologies: a seeded Internet-like generator, the CAIDA relationship format, classics.

Conventions (what :mod:`netsim.protocols.bgp` and the Gao–Rexford model read):

* node attribute ``asn`` (int);
* edge attribute ``relationship``: ``"p2c"`` with ``provider`` naming the provider end, or
  ``"p2p"`` for settlement-free peers;
* links cost 1 with a one-way ``delay`` (AS-level links are long: 10 ms by default).

**The generator** (:func:`as_hierarchy`) follows the growth model of Elmokashfi, Kvalbein &
Dovrolis, "On the scalability of BGP: the role of topology growth", IEEE JSAC 28(8), 2010 (the
model their churn studies run on; networkx ships another implementation of it): four kinds of AS,

* ``T`` -- 4 to 6 tier-1 ASes in a full peering mesh, present in every region;
* ``M`` -- mid-level transit providers, 15 % of the ASes, in one region (two with probability 0.2);
* ``CP`` -- content providers, 5 %, stubs that peer widely (two regions with probability 0.05);
* ``C`` -- customer stubs, the rest, in one region;

over 5 geographic regions; an AS only links to ASes sharing a region with it.  ASes are added in
that order and each picks its providers among the *earlier* ``T`` and ``M`` ASes of its regions
(so customer–provider links can never form a cycle), a ``T`` provider with probability
``t`` (0.375 for M and CP, 0.125 for C) and otherwise an ``M`` one, each by preferential
attachment on degree.  The number of providers is drawn with mean ``d`` growing with n
(d_M = 2 + 2.5n/10⁴, d_CP = 2 + 1.5n/10⁴, d_C = 1 + 5n/10⁵).  Then peering: every M AS gets on
average p_M = 1 + 2n/10⁴ peer links to other M ASes outside its customer and provider cones
(preferential on peer degree), every CP AS p_CP-M = 0.2 + 2n/10⁴ links to M ASes and
p_CP-CP = 0.05 + 5n/10⁵ to other CP ASes of its regions (uniformly).  Every non-tier-1 AS has a
provider, so the graph is connected through the tier-1 mesh.

Randomness comes from one ``numpy.random.default_rng(seed)`` consumed in a fixed order, so a seed
names the same graph on every machine.  ASes are named ``as1`` .. ``asN`` with ``asn`` 1 .. N in
creation order (tier-1 first); node attribute ``tier`` records the kind.

**CAIDA** (:func:`read_caida`): the serial-1 AS-relationship files, one link per line,
``<provider>|<customer>|-1`` or ``<peer>|<peer>|0`` (a fourth ``|source`` field, as in serial-2, is
ignored), ``#`` starting a comment; ``.bz2`` and ``.gz`` files are read transparently.
"""

from __future__ import annotations

import bz2
import gzip
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from netsim.errors import TopologyError
from netsim.topology.graph import Graph

AS_DELAY = 0.01
REGIONS = 5
P2C, P2P = "p2c", "p2p"


def add_p2c(g: Graph, provider: str, customer: str, delay: float = AS_DELAY) -> None:
    g.add_edge(provider, customer, relationship=P2C, provider=provider, cost=1, delay=delay)


def add_p2p(g: Graph, a: str, b: str, delay: float = AS_DELAY) -> None:
    g.add_edge(a, b, relationship=P2P, cost=1, delay=delay)


def _count(rng: np.random.Generator, low: int, mean: float) -> int:
    """A whole number >= ``low`` with the given mean: uniform on [low, 2*mean - low], the top
    end's fraction realised by one extra Bernoulli draw."""
    high = 2 * mean - low
    top = math.floor(high)
    k = int(rng.integers(low, top + 1)) if top > low else low
    return k + int(rng.random() < (high - top) / 2)


def _pick_weighted(rng: np.random.Generator, options: Sequence[str], weights: Sequence[float]) -> str:
    total = float(sum(weights))
    if total <= 0:
        return options[int(rng.integers(len(options)))]
    at = int(np.searchsorted(np.cumsum(weights), rng.random() * total, side="right"))
    return options[min(at, len(options) - 1)]


def as_hierarchy(n: int, seed: int = 0, *, tier1: int | None = None, delay: float = AS_DELAY) -> Graph:
    """An ``n``-AS Internet-like graph with relationships (see the module docstring)."""
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= 100_000:
        raise TopologyError(f"as_hierarchy: n must be a whole number from 2 to 100000, got {n!r}")
    rng = np.random.default_rng(seed)
    n_t = tier1 if tier1 is not None else int(rng.integers(4, 7))
    n_t = max(1, min(n, n_t))
    n_m = round(0.15 * n)
    n_cp = round(0.05 * n)
    n_c = max(0, n - n_t - n_m - n_cp)
    n_m = min(n_m, n - n_t)
    n_cp = min(n_cp, n - n_t - n_m)
    d = {"M": 2 + 2.5 * n / 1e4, "CP": 2 + 1.5 * n / 1e4, "C": 1 + 5 * n / 1e5}
    t_prob = {"M": 0.375, "CP": 0.375, "C": 0.125}
    two_regions = {"M": 0.2, "CP": 0.05, "C": 0.0}
    g = Graph()
    kinds: dict[str, list[str]] = {"T": [], "M": [], "CP": [], "C": []}
    regions: dict[str, frozenset[int]] = {}
    cone_up: dict[str, set[str]] = {}    # providers, transitively
    cone_down: dict[str, set[str]] = {}  # customers, transitively
    names = [f"as{i}" for i in range(1, n + 1)]
    order = ["T"] * n_t + ["M"] * n_m + ["CP"] * n_cp + ["C"] * n_c
    for i, (name, kind) in enumerate(zip(names, order, strict=True)):
        g.add_node(name, asn=i + 1, tier=kind)
        cone_up[name], cone_down[name] = set(), set()
        if kind == "T":
            regions[name] = frozenset(range(REGIONS))
            for other in kinds["T"]:
                add_p2p(g, other, name, delay)
            kinds["T"].append(name)
            continue
        count = 2 if rng.random() < two_regions[kind] else 1
        regions[name] = frozenset(int(r) for r in rng.choice(REGIONS, size=count, replace=False))
        local = lambda xs: [x for x in xs if regions[x] & regions[name]]  # noqa: B023 - used at once
        t_opts, m_opts = local(kinds["T"]), local(kinds["M"])
        for _ in range(_count(rng, 1, d[kind])):
            if not t_opts and not m_opts:
                break
            use_t = bool(t_opts) and (not m_opts or rng.random() < t_prob[kind])
            pool = t_opts if use_t else m_opts
            prov = _pick_weighted(rng, pool, [g.degree(x) for x in pool])
            pool.remove(prov)
            add_p2c(g, prov, name, delay)
            cone_up[name] |= {prov, *cone_up[prov]}
            for anc in (prov, *cone_up[prov]):
                cone_down[anc].add(name)
        kinds[kind].append(name)
    peers = dict.fromkeys(names, 0)

    def peer(a: str, b: str) -> None:
        add_p2p(g, a, b, delay)
        peers[a] += 1
        peers[b] += 1

    for m in kinds["M"]:
        for _ in range(_count(rng, 0, 1 + 2 * n / 1e4)):
            opts = [x for x in kinds["M"] if x != m and x not in cone_up[m] and x not in cone_down[m]
                    and not g.has_edge(m, x)]
            if opts:
                peer(m, _pick_weighted(rng, opts, [peers[x] + 1 for x in opts]))
    for to_kind, mean in (("M", 0.2 + 2 * n / 1e4), ("CP", 0.05 + 5 * n / 1e5)):
        for cp in kinds["CP"]:
            for _ in range(_count(rng, 0, mean)):
                opts = [x for x in kinds[to_kind] if x != cp and regions[x] & regions[cp]
                        and x not in cone_up[cp] and not g.has_edge(cp, x)]
                if opts:
                    peer(cp, opts[int(rng.integers(len(opts)))])
    return g


# -- classic small configurations ---------------------------------------------------------------------
def clique(n: int, *, delay: float = 0.001) -> Graph:
    """The full mesh of Labovitz et al. (2000): ``r1`` .. ``rn`` in AS 1 .. n, no relationships."""
    if n < 2:
        raise TopologyError(f"clique: n must be at least 2, got {n}")
    g = Graph()
    for i in range(1, n + 1):
        g.add_node(f"r{i}", asn=i)
    for i in range(1, n + 1):
        for j in range(i + 1, n + 1):
            g.add_edge(f"r{i}", f"r{j}", cost=1, delay=delay)
    return g


def bad_gadget(*, delay: float = 0.001) -> Graph:
    """BAD GADGET (Griffin, Shepherd & Wilfong, "The stable paths problem and interdomain
    routing", IEEE/ACM ToN 2002): destination ``r0`` (AS 100) and ``r1``, ``r2``, ``r3`` (AS 1-3)
    in a ring, each linked to ``r0``.  Node i accepts from its clockwise neighbour only the
    path through that neighbour straight to AS 100, and ranks it (LOCAL_PREF 200) above its
    direct path (100); it accepts nothing from its other ring neighbour.  The ranking has no
    stable solution, so BGP oscillates for ever.  Only ``r0`` originates a route."""
    g = Graph()
    g.add_node("r0", asn=100)
    ring = ["r1", "r2", "r3"]
    for i, r in enumerate(ring):
        nxt, prev = ring[(i + 1) % 3], ring[(i - 1) % 3]
        g.add_node(r, asn=i + 1, bgp={
            "originate": False,
            "neighbors": {
                nxt: {"import": [{"permit": "any", "as_path": [(i + 1) % 3 + 1, 100], "local_pref": 200}]},
                prev: {"import": [{"deny": "any"}]},
            },
        })
        g.add_edge("r0", r, cost=1, delay=delay)
    for i, r in enumerate(ring):
        g.add_edge(r, ring[(i + 1) % 3], cost=1, delay=delay)
    return g


# -- CAIDA AS relationships ---------------------------------------------------------------------------------
def parse_caida(lines: Iterable[str], display: str = "<caida>", *, delay: float = AS_DELAY) -> Graph:
    """A graph from serial-1 AS-relationship lines; errors name ``display`` and the line."""
    g = Graph()
    for no, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split("|")
        if len(fields) not in (3, 4):
            raise TopologyError(f"{display}:{no}: expected <as1>|<as2>|<-1 or 0>, got {line!r}")
        try:
            a, b, rel = int(fields[0]), int(fields[1]), int(fields[2])
        except ValueError:
            raise TopologyError(f"{display}:{no}: AS numbers and relationship must be integers, got {line!r}") from None
        if rel not in (-1, 0):
            raise TopologyError(f"{display}:{no}: relationship must be -1 (provider|customer) or 0 (peers), got {rel}")
        if a == b or a <= 0 or b <= 0:
            raise TopologyError(f"{display}:{no}: bad AS pair {a}|{b}")
        na, nb = f"as{a}", f"as{b}"
        if g.has_edge(na, nb):
            raise TopologyError(f"{display}:{no}: AS{a}–AS{b} listed twice")
        g.add_node(na, asn=a)
        g.add_node(nb, asn=b)
        if rel == -1:
            add_p2c(g, na, nb, delay)
        else:
            add_p2p(g, na, nb, delay)
    if g.number_of_nodes() == 0:
        raise TopologyError(f"{display}: no AS relationships found")
    return g


def is_caida_name(path: str | Path) -> bool:
    """CAIDA's files are named ``YYYYMMDD.as-rel.txt`` (``.as-rel2.txt``), maybe compressed."""
    name = Path(path).name.lower()
    return any(f".as-rel{v}.txt{z}" in name + "$" for v in ("", "2") for z in ("$", ".bz2$", ".gz$"))


def read_caida(path: str | Path, *, delay: float = AS_DELAY) -> Graph:
    """Read a CAIDA ``*.as-rel.txt`` file (optionally ``.bz2`` or ``.gz``)."""
    p = Path(path)
    opener = bz2.open if p.suffix == ".bz2" else gzip.open if p.suffix == ".gz" else open
    try:
        with opener(p, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
            return parse_caida(fh, str(path), delay=delay)
    except OSError as exc:
        raise TopologyError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise TopologyError(f"{path}: not a text file") from None


def provider_cycle(g: Graph) -> list[str] | None:
    """A customer–provider cycle (providers in order), or None when the hierarchy is acyclic."""
    import networkx as nx  # only to name a cycle in relationship data

    dg = nx.DiGraph()
    for u, v, d in g.edges(data=True):
        if d.get("relationship") == P2C:
            prov = d["provider"]
            dg.add_edge(prov, v if prov == u else u)
    try:
        return [p for p, _ in nx.find_cycle(dg)]
    except nx.NetworkXNoCycle:
        return None
