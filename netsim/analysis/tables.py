"""Routing tables at an instant, judged against the oracle: what ``netsim table --at`` prints.

A convergence number says *how long* the network was wrong; the table at a moment inside that
window shows *what* was wrong: which router still points into the failed link, which has lost
a route it should have, which keeps one it should not.  The tables come from replaying the
trace (:func:`netsim.analysis.replay.world_at`), the same walk the metrics use, so the picture cannot
disagree with the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from netsim.analysis.oracle import CorrectnessModel, ModelUnavailable, get_model
from netsim.analysis.replay import World, world_at
from netsim.analysis.result import RunResult
from netsim.errors import NetsimError
from netsim.inputs import short
from netsim.names import hint
from netsim.records import record
from netsim.trace import Route

#: Status of one entry, with the symbol and colour that mark it in the text table.
OK, MISSING, WRONG, EXTRA, UNJUDGED = "ok", "missing", "wrong", "extra", "not judged"
MARKS = {OK: " ", MISSING: "-", WRONG: "≠", EXTRA: "+", UNJUDGED: " "}
COLOURS = {MISSING: "yellow", WRONG: "red", EXTRA: "magenta"}
LEGEND = "marks: - missing (the oracle has a route, the FIB none)   ≠ wrong (cost or next hop)   " \
         "+ extra (a route to an unreachable destination)"



@record
class Entry:
    """One destination in one router's table: what the FIB holds and what it should hold."""

    router: str
    dest: str
    actual: Route | None
    expected: Route | None
    status: str


@record
class RouterTable:
    """One router's table as judged at one instant: its entries and their status."""

    router: str
    down: bool
    entries: tuple[Entry, ...]

    @property
    def faults(self) -> int:
        return sum(e.status not in (OK, UNJUDGED) for e in self.entries)


def judge(world: World, model: CorrectnessModel | None, routers: Sequence[str] | None = None) -> list[RouterTable]:
    """Each router's FIB next to the correctness model's table, entry by entry (model None: the
    FIBs alone, every entry shown as it is)."""
    if model is None:
        return [RouterTable(r, r in world.down, () if r in world.down else tuple(
            Entry(r, d, route, None, UNJUDGED) for d, route in sorted(world.fibs[r].items())))
            for r in (routers or world.routers)]
    tables = model.tables(world.state())
    out = []
    for r in routers or world.routers:
        if r in world.down:
            out.append(RouterTable(r, True, ()))
            continue
        fib = world.fibs[r]
        want_table = tables.get(r, {})
        expected = {d: e.as_route() for d, e in want_table.items()}
        entries = []
        for d in sorted(set(fib) | set(expected)):
            actual, want = fib.get(d), expected.get(d)
            ok = actual is None if d not in want_table else want_table[d].accepts(actual)
            if ok:
                status = OK
            elif actual is None:
                status = MISSING
            elif want is None:
                status = EXTRA
            else:
                status = WRONG
            entries.append(Entry(r, d, actual, want, status))
        out.append(RouterTable(r, False, tuple(entries)))
    return out


def truth_of(result: RunResult) -> tuple[str, str | None]:
    """What ``result``'s tables are judged against, in words, and why not when they cannot be."""
    try:
        model = get_model(result.correctness)(result.scenario.graph, result.options)
    except ModelUnavailable as exc:
        return "", str(exc)
    return model.describes, None


def tables_at(result: RunResult, at: float, router: str | None = None) -> list[RouterTable]:
    """The judged tables of ``result`` at time ``at`` (optionally one router's)."""
    routers = result.trace.routers
    if router is not None and router not in routers:
        raise NetsimError(f"--router {short(router, 60)}: unknown router{hint(short(router, 60), routers)}")
    world = world_at(result.scenario.graph, result.trace, at)
    try:
        model: CorrectnessModel | None = get_model(result.correctness)(result.scenario.graph, result.options)
    except ModelUnavailable:
        model = None
    return judge(world, model, [router] if router else sorted(routers))


def render(tables: Sequence[RouterTable], at: float, style: bool = True, against: str = "shortest paths",
           unjudged: str | None = None) -> str:
    """Aligned text, one block per router; wrong entries marked and (on a terminal) coloured.
    ``against`` names the correctness model; ``unjudged`` says why nothing could be judged."""
    import click

    entries = [e for t in tables for e in t.entries]
    w_dest = max([len("dest"), *(len(e.dest) for e in entries)])
    w_fib = max([len("FIB"), *(len(_show(e.actual)) for e in entries)])
    faults = sum(t.faults for t in tables)
    verb = "entry differs" if faults == 1 else "entries differ"
    if unjudged:
        out = [f"routing tables at t = {at:g} s (not judged: {unjudged})", ""]
    else:
        out = [f"routing tables at t = {at:g} s: {faults} {verb} from {against}", ""]
    for t in tables:
        head = f"{t.router}" + ("  (down: no FIB)" if t.down else "")
        out.append(click.style(head, bold=True) if style else head)
        if t.down:
            out.append("")
            continue
        out.append(f"    {'dest'.ljust(w_dest)}  {'FIB'.ljust(w_fib)}  should be")
        for e in t.entries:
            mark = MARKS[e.status]
            line = f"  {mark} {e.dest.ljust(w_dest)}  {_show(e.actual).ljust(w_fib)}"
            if e.status not in (OK, UNJUDGED):
                line += f"  {_show(e.expected)}  ({e.status})"
            colour = COLOURS.get(e.status)
            out.append(click.style(line, fg=colour) if style and colour else line.rstrip())
        out.append("")
    if not unjudged:
        out.append(LEGEND)
    return "\n".join(out)


def _show(route: Route | None) -> str:
    return "no route" if route is None else route.describe()
