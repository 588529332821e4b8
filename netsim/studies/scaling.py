"""Scaling study (``netsim scale``): how convergence, messages and wall time grow with the network.

Each network -- generated families (ring, grid, Barabási–Albert) at several sizes plus a few real
topohub maps -- runs a cold start and one link failure at t=60 s with every protocol asked for.
The failed link is the first non-bridge link in sorted order, so the network never partitions
and the run is the same every time.  Every column is a pure function of the runs except
``wall_s``: wall-clock seconds depend on the machine and its load (the only non-deterministic
column, reported to show cost, never used in any other figure).
"""

from __future__ import annotations

import csv
import io
import math
import os
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from netsim.errors import NetsimError
from netsim.inputs import short
from netsim.topology.common import link_key
from netsim.topology.graph import Graph, to_networkx

FAMILIES = ("ring", "grid", "barabasi_albert")
DEFAULT_REAL = ("topozoo/Abilene", "topozoo/Geant2012", "caida/2024-08/8151")
FAIL_AT = 60.0
PROTOCOL_OPTIONS = (
    "  linkstate: {hello_interval: 1, dead_interval: 4}\n"
    "  distvector: {update_interval: 5, timeout: 30, garbage: 20}\n"
)
COLUMNS = ("family", "network", "nodes", "links", "protocol", "initial_convergence", "failure_convergence",
           "failure_correct", "messages", "wall_s")
#: Network sizes the generated families accept (a ring needs three routers; generators stop at 100,000).
MIN_SIZE, MAX_SIZE = 3, 100_000
Task = tuple[str, str, str, str]


def parse_sizes(text: str) -> list[int]:
    """``16,36,64`` → [16, 36, 64]; one line naming the problem otherwise."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise NetsimError(f"--sizes {short(text, 60)}: expected whole numbers like 16,36,64") from None
    if not sizes:
        raise NetsimError("--sizes: give at least one network size, like 16,36,64")
    for n in sizes:
        if not MIN_SIZE <= n <= MAX_SIZE:
            raise NetsimError(f"--sizes {short(text, 60)}: {short(n)} routers; sizes go from {MIN_SIZE} "
                              f"to {MAX_SIZE:,}")
    return sorted(set(sizes))


def topology_spec(family: str, n: int) -> str:
    """The scenario ``topology:`` value for a family at (about) ``n`` routers."""
    if family == "grid":
        side = max(2, round(math.sqrt(n)))
        return f"{{generator: {{kind: grid, rows: {side}, cols: {side}}}}}"
    if family == "barabasi_albert":
        return f"{{generator: {{kind: barabasi_albert, n: {n}, m: 2, seed: 1}}}}"
    return f"{{generator: {{kind: {family}, n: {n}}}}}"


def failure_link(graph: Graph) -> tuple[str, str]:
    import networkx as nx

    bridges = {link_key(str(u), str(v)) for u, v in nx.bridges(to_networkx(graph))}
    links = sorted(link_key(str(u), str(v)) for u, v in graph.edges)
    return next((lk for lk in links if lk not in bridges), links[0])


def scenario_of(network: str, topology: str) -> Any:
    """The scenario of one network: the protocols' options and the link failure at FAIL_AT.

    RIP's infinity warning is not repeated here: the study's networks outgrow RIP's 16 on
    purpose (a 10×10 grid already does), its distance-vector rows are judged against paths
    below infinity like every run, and one warning per generated network would bury the
    work estimate and the table under paragraphs about networks the user never wrote."""
    import warnings

    from netsim.scenario.loader import parse_scenario
    from netsim.studies.sweep import Failure, apply_failure

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*Its metric stops at infinity")
        sc = parse_scenario(f"name: scale-{network}\ntopology: {topology}\nprotocols:\n{PROTOCOL_OPTIONS}")
    return apply_failure(sc, Failure("link_down", failure_link(sc.graph), FAIL_AT))


def run_one(family: str, network: str, topology: str, protocol: str, check_work: bool = True) -> dict[str, Any]:
    """One cold start + one link failure; the row of the table."""
    from netsim.runner import simulate

    t0 = time.perf_counter()
    sc = scenario_of(network, topology)
    res = simulate(sc, protocol, narrate=False, check_work=check_work)
    m = res.metrics
    ev = m.events[0] if m.events else None
    return {"family": family, "network": network, "nodes": sc.graph.number_of_nodes(),
            "links": sc.graph.number_of_edges(), "protocol": protocol,
            "initial_convergence": m.initial_convergence,
            "failure_convergence": ev.convergence_time if ev else None,
            "failure_correct": ev.correct_time if ev else None,
            "messages": m.messages_total, "wall_s": round(time.perf_counter() - t0, 3)}


def plan(sizes: Sequence[int], real: Sequence[str], protocols: Sequence[str]) -> list[Task]:
    """The study's runs: (family, network, topology, protocol), protocols checked."""
    from netsim.protocols import canonical_name, known_names

    names = []
    for p in protocols:
        canon = canonical_name(p)
        if canon is None:
            raise NetsimError(f"--protocol {short(p)}: unknown protocol (known: {', '.join(known_names())})")
        names.append(canon)
    tasks = [(fam, f"{fam}-{n}", topology_spec(fam, n), p) for fam in FAMILIES for n in sizes for p in names]
    tasks += [("real", name, f"{{topohub: {name}}}", p) for name in real for p in names]
    return tasks


def check_work(tasks: Sequence[Task], *, confirmed: bool, jobs: int | None = None) -> list[str]:
    """Every network is built and every run's work estimated before the first run starts; the
    memory of the ``jobs`` largest runs counts together (default: a worker per core, as
    :func:`study`)."""
    from netsim.scenario import workload

    scenarios: dict[str, Any] = {}
    loads = []
    for _fam, network, topology, protocol in tasks:
        if network not in scenarios:
            scenarios[network] = scenario_of(network, topology)
        loads.append(workload.estimate(scenarios[network], protocol))
    return workload.check(loads, confirmed=confirmed, what="the scaling study", at_once=jobs or os.cpu_count() or 1)


def study(sizes: Sequence[int], real: Sequence[str], protocols: Sequence[str], *,
          jobs: int | None = None, check_work: bool = True,
          on_row: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """Every row of the study (see :func:`plan`), sorted; ``on_row`` sees each as it completes."""
    tasks = [(*t, check_work) for t in plan(sizes, real, protocols)]
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(tasks) <= 1:
        rows = []
        for t in tasks:
            rows.append(run_one(*t))
            if on_row is not None:
                on_row(rows[-1])
    else:
        from netsim.studies.workers import results_as_completed

        rows = []
        for row in results_as_completed(run_one, tasks, min(jobs, len(tasks))):
            rows.append(row)
            if on_row is not None:
                on_row(row)
    return sorted(rows, key=lambda r: (r["protocol"], r["family"], r["nodes"]))


def _fmt(v: Any) -> str:
    if v is None:
        return "never"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def table(rows: Sequence[dict[str, Any]]) -> str:
    from netsim.output.report import render_table

    body = [tuple(_fmt(r[c]) for c in COLUMNS) for r in rows]
    text = render_table(body, COLUMNS)
    return text + "\n\nwall_s is wall-clock time (machine-dependent); every other column is deterministic."


def write_csv(rows: Sequence[dict[str, Any]], path: str | Path) -> None:
    from netsim.files import atomic_write_text

    atomic_write_text(path, csv_text(rows))


def csv_text(rows: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def plot(rows: Sequence[dict[str, Any]], path: str | Path) -> None:
    """Three panels against router count: failure convergence time, messages, wall time."""
    from netsim.output.plots.style import save

    save(figure(rows), path)


def figure(rows: Sequence[dict[str, Any]]) -> Any:
    """The three panels of :func:`plot`, as a matplotlib figure."""
    import matplotlib.pyplot as plt

    from netsim.output.plots.style import STYLE, colour

    markers = {"ring": "o", "grid": "s", "barabasi_albert": "^", "real": "*"}
    # "Correct again" rather than "last FIB change": a run that never becomes correct (RIP on a
    # network wider than 15 hops) must show as a gap, not as a fast convergence.
    panels = (("failure_correct", "FIBs correct again after one link\nfailure (s); gap = never"),
              ("messages", "protocol packets, whole run"), ("wall_s", "wall time (s, machine-dependent)"))
    with plt.rc_context(STYLE), warnings.catch_warnings():
        # A protocol that sends nothing (static) has no positive values to put on a log axis,
        # and then no line to label: an empty panel says that already.
        warnings.filterwarnings("ignore", message="Data has no positive values")
        warnings.filterwarnings("ignore", message="No artists with labels found")
        fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), constrained_layout=True)
        for ax, (key, label) in zip(axes, panels, strict=True):
            for proto in sorted({r["protocol"] for r in rows}):
                for fam, marker in markers.items():
                    pts = sorted((r["nodes"], r[key]) for r in rows
                                 if r["protocol"] == proto and r["family"] == fam and r[key] is not None)
                    if not pts:
                        continue
                    xs, ys = zip(*pts, strict=True)
                    ax.plot(xs, ys, marker=marker, linestyle="-" if fam != "real" else "none",
                            color=colour(proto), label=f"{proto} / {fam}", alpha=0.85)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("routers")
            ax.set_ylabel(label)
            ax.grid(True, which="both", alpha=0.3)
        axes[0].legend(fontsize=8, ncol=1)
        fig.suptitle("netsim scaling: cold start + one link failure at t=60 s")
    return fig
