"""The protocol interface, the registry, and option validation.

A protocol instance runs inside one router and sees the world only through a
:class:`RouterPort`: its own interfaces, messages that arrive on them, timers, and the FIB it
installs routes into.  It never sees the graph, other routers or the oracle.  Its configuration
(:class:`RouterConfig`) is what an operator would type into that router: the protocol's options,
per-interface settings, the prefixes it originates, its AS number.

Adding a protocol is one package (or module) that subclasses :class:`Protocol` and decorates it
with :func:`register`.  Everything else -- the CLI, ``netsim protocols``, sweeps, scenario
validation -- finds it through :data:`PROTOCOLS`.
"""

from __future__ import annotations

import abc
import importlib
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import field
from typing import Any, ClassVar
from typing import Protocol as TypingProtocol

from netsim.records import record
from netsim.trace import Note


class Timer(TypingProtocol):
    """A pending callback; ``cancel()`` makes it a no-op."""

    def cancel(self) -> None: ...


@record
class Interface:
    """What a router knows about one of its interfaces: who is on the other end, the cost of
    sending on it, and whether the carrier is up *as this router sees it* (a silent failure
    keeps it up)."""

    neighbor: str
    cost: float
    up: bool


@record
class Prefix:
    """A destination a router originates besides its own loopback: ``10.1.0.0/24`` at ``metric``."""

    dest: str
    metric: float = 0.0


@record
class RouterConfig:
    """One router's configuration for one protocol: what an operator would configure on it.

    ``options`` are the protocol's options for this router (network-wide values overridden by
    the router's own); ``interface_options`` the options of each interface (by neighbour) that
    differ from ``options``; ``prefixes`` the extra destinations it originates (its loopback,
    named after the router, is always originated); ``asn`` its autonomous system; ``neighbors``
    per-neighbour facts an operator configures (BGP relationships); ``extra`` what the protocol's
    :meth:`Protocol.configure` computed for this router (static routes, a warm-start checkpoint).
    """

    name: str
    options: Mapping[str, Any]
    interface_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    prefixes: tuple[Prefix, ...] = ()
    asn: int | None = None
    neighbors: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    extra: Any = None

    def option(self, key: str, iface: str | None = None) -> Any:
        """An option's value on ``iface`` (its own value if set there, else the router's)."""
        if iface is not None:
            per = self.interface_options.get(iface)
            if per is not None and key in per:
                return per[key]
        return self.options[key]


class RouterPort(TypingProtocol):
    """The only window a protocol has on the world."""

    name: str

    @property
    def now(self) -> float: ...

    @property
    def narrating(self) -> bool:
        """Whether notes that no metric needs are kept (skip building them when False)."""

    def interfaces(self) -> Mapping[str, Interface]: ...

    def send(self, iface: str, msg: Any, size: int, packets: int = 1) -> None:
        """Put ``msg`` on the wire of ``iface``; ``size`` bytes in ``packets`` packets (for accounting)."""

    def call_later(self, delay: float, fn: Callable[..., None], *args: Any) -> Timer: ...

    def install(self, dest: str, next_hops: tuple[str, ...], cost: float, cause: Note) -> None: ...

    def withdraw(self, dest: str, cause: Note) -> None: ...

    def preload(self, table: Any) -> None:
        """Start with a converged FIB at time 0 (warm start), recorded as the trace's initial table."""

    def fib(self) -> Mapping[str, Any]: ...

    def decide(self, note: Note) -> None:
        """Record a decision worth narrating in ``netsim explain``."""


class QuietPort(TypingProtocol):
    """What a port may offer besides :class:`RouterPort`: periodic messages that cost nothing while
    they change nothing (the simulator's engine offers it; a protocol must work without it).

    Why: in steady state a hello says only "still here", every interval, on every link; handled one
    by one they are most of a large run's work.  A receiver that declares such a message *quiet*
    lets the sender hand its repetitions to the port, which still accounts for every copy (sent at
    the exact time, logged with its arrival) but delivers none of them; the receiver asks when it
    last heard one.  The moment anything could make a copy matter again, the port delivers the
    ones still in flight and gives the sender its timer back.
    """

    def accept_quiet(self, iface: str, msg: Any) -> None:
        """From now on a message equal to ``msg`` from ``iface`` changes nothing here but when it was
        last heard (None: every message from ``iface`` matters again).  Call it *before* anything
        that would make such a message matter takes effect (a state change of the neighbour)."""

    def send_periodic(self, iface: str, msg: Any, size: int, interval: float,
                      resume: Callable[[str, float], None], *, own_phase: bool = False) -> bool:
        """Send ``msg`` on ``iface`` now and every ``interval`` from now on without a timer, if the
        port can (else False, and nothing sent).  ``resume(iface, delay)`` is called when the
        repetition stops: the sender's own timer must fire ``delay`` from then.  ``own_phase``:
        the timer's phase is its own (drawn at random, not re-aligned at an instant other timers
        share), which lets the receiver park a timer on the repetitions (:meth:`quiet_watch`)."""

    def quiet_tick(self, sends: list[tuple[str, Any, int, int]] | None) -> bool:
        """The sender's timer fires now and would send each ``(iface, msg, size, packets)`` of
        ``sends``, in this order: the port accounts for them as quiet copies (sent now, logged,
        never delivered) if every receiver accepts its very message as quiet, else returns False
        and sends nothing.  For a timer whose period is drawn anew each time (a RIP update), which
        :meth:`send_periodic` cannot repeat on its own: the timer keeps firing, the copies cost
        nothing.  The moment a copy could matter again the port delivers those still in flight;
        the next tick then returns False.  ``sends=None`` repeats the previous quiet tick's sends
        (for a sender whose messages have not changed since): False, and nothing sent, if the
        port can no longer take them quietly (then call again with the sends)."""

    def quiet_heard(self, iface: str, armed: float, at: float | None = None) -> float:
        """When the latest quiet copy from ``iface`` was handled here (-inf: none), as seen by a timer
        set at time ``armed`` that fires now (a copy arriving at this very instant counts if it was
        sent before the timer was set: that is the order the events would have run in).  ``at``:
        as seen at that earlier time instead of now (a parked timer catching up, in time order)."""

    def quiet_watch(self, iface: str, heard: float, within: float, wake: Callable[[], None]) -> bool:
        """Park a timer that would only re-arm itself while quiet copies from ``iface`` keep coming:
        True if the port promises one is heard at least every ``within`` seconds from now on (the
        latest handled here, ``heard``, is one of the repetitions), and will call ``wake()`` the
        moment that stops being sure, before anything else changes; the protocol then replays its
        timer's steps up to now (``quiet_heard(..., at=step)``) and arms the next one
        (:meth:`call_at`).  False: nothing promised, keep the timer."""

    def call_at(self, time: float, fn: Callable[..., None], *args: Any) -> Timer:
        """``fn(*args)`` at exactly ``time`` (>= now), the float a parked timer's chain reaches."""


@record
class Option:
    """One tunable of a protocol: its default, documentation, and validation bounds.

    ``per_interface`` options may also be set per interface (``routers: {r1: {interfaces: ...}}``).
    """

    default: float | int | str | bool
    doc: str
    minimum: float | None = 0.0
    positive: bool = False
    choices: tuple[str, ...] = ()
    integer: bool = False
    per_interface: bool = False
    #: Largest sensible value (a guard against typos that would make a run explode).
    maximum: float | None = None


class Protocol(abc.ABC):
    """Base class of every routing protocol."""

    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    summary: ClassVar[str] = ""
    options_spec: ClassVar[Mapping[str, Option]] = {}
    #: The correctness model its FIBs are judged against (:mod:`netsim.analysis.oracle`).
    correctness: ClassVar[str] = "shortest_paths"
    #: The option whose value is the metric meaning "unreachable" (RIP's infinity), if any: the
    #: scenario warns when path costs reach it.
    infinity_option: ClassVar[str | None] = None
    #: Metric a FIB cost means, for tables and docs ("path cost", "AS-path length", ...).
    cost_meaning: ClassVar[str] = "path cost"
    #: Keys of a router's ``<protocol>:`` block in a scenario that are configuration rather than
    #: options (BGP's per-neighbour policies); the scenario puts them on the graph node under the
    #: protocol's name, where ``configure`` reads them.
    router_keys: ClassVar[tuple[str, ...]] = ()
    #: Its messages as (kind, how their modelled size is made up), for ``netsim protocols``.
    messages: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: Bytes a run holds at its peak per (router, destination) pair after a cold start: tables,
    #: databases, the trace's route changes and notes.  Measured on random graphs of 200 and 500
    #: routers; the work estimate turns it into the run's memory (:mod:`netsim.scenario.workload`).
    memory_per_pair: ClassVar[float] = 1000.0
    #: The same when the routers start converged (``warm_start: true``, where the protocol has it).
    warm_memory_per_pair: ClassVar[float] = 1000.0
    #: Bytes per (link end, destination) on top, during a cold start: what grows with how dense
    #: the network is -- link state's per-neighbour flooding queues and retransmission lists,
    #: each of which holds up to the whole database.  Measured with ``memory_per_pair`` on
    #: networks of average degree 4 to 14 (CAIDA AS graphs, Gabriel and Barabasi-Albert graphs).
    memory_per_link_dest: ClassVar[float] = 0.0
    #: How many times over a change's routes are sent and recomputed before they settle, for the
    #: work estimate: 1 for a protocol that computes each route once per change; more where
    #: routes are explored (BGP's path exploration, EIGRP's diffusing computations).  Measured
    #: as wall time against the estimate on random graphs of 200 and 500 routers and a grid.
    churn: ClassVar[float] = 1.0

    def __init__(self, port: RouterPort, config: RouterConfig, rng: Any) -> None:
        self.port = port
        self.config = config
        self.opts = config.options
        self.rng = rng

    # -- lifecycle -------------------------------------------------------------------------
    @abc.abstractmethod
    def start(self) -> None:
        """Called when the router boots (at time 0, or when a crashed node restarts)."""

    @abc.abstractmethod
    def on_message(self, iface: str, msg: Any) -> None:
        """A message from the neighbour on ``iface`` arrived."""

    @abc.abstractmethod
    def on_link_change(self, iface: str, up: bool) -> None:
        """The carrier of ``iface`` went down or came up (never called for silent failures)."""

    def on_cost_change(self, iface: str, cost: float) -> None:  # noqa: B027 - optional hook
        """The configured cost of ``iface`` changed; the port already reports the new cost."""

    def on_link_attrs(self, iface: str, attrs: Mapping[str, float]) -> None:  # noqa: B027 - optional hook
        """The operator changed attributes of ``iface`` (``set_link``: bandwidth, eigrp_delay);
        ``attrs`` holds every attribute changed so far.  Protocols whose metric ignores them
        need do nothing."""

    def stop(self) -> None:  # noqa: B027 - optional hook
        """The router crashed: the instance is discarded; its timers die with it."""

    # -- class-level helpers ------------------------------------------------------------------
    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {k: o.default for k, o in cls.options_spec.items()}

    @classmethod
    def validate(cls, options: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Rules that tie several options together: (key, message) for each one broken.

        Single values are checked against their :class:`Option`; this is for the rest (a dead
        interval must exceed the hello interval, ...).  Every entry point calls it through
        :func:`validate_options`, per router and per interface.
        """
        return []

    @classmethod
    def configure(cls, graph: Any, options: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """Per-router configuration an operator would write by hand (static routes).

        Called once before the run with the *initial* topology; returns router -> value (given
        to that router as ``RouterConfig.extra``), or None.
        """
        return None

    @classmethod  # noqa: B027 - an optional hook
    def check(cls, graph: Any, options: Mapping[str, Any]) -> None:
        """Refuse a scenario this protocol cannot run (raise NetsimError with one line), before
        anything runs; the default accepts every scenario."""

    @classmethod
    def quiet_period(cls, options: Mapping[str, Any]) -> float:
        """How long without route changes counts as "settled" when no duration is given."""
        return 10.0

    @classmethod
    def smallest_interval(cls, options: Mapping[str, Any]) -> float | None:
        """The shortest periodic timer these options set (for work estimates), or None."""
        return None

    @classmethod
    def refresh_interval(cls, options: Mapping[str, Any]) -> float | None:
        """How often a router re-sends its whole routing state (RIP's full update, a link-state
        refresh), for work estimates: each refresh can carry every destination over every link.
        None: only changes are sent."""
        return None


#: The built-in protocols: name -> (aliases, module that registers it).  A module is imported the
#: first time its protocol is asked for, so a RIP run never pays for loading BGP, EIGRP and IS-IS
#: (their typed notes alone took a quarter of a second to import).  A new protocol adds a line.
BUILTIN: dict[str, tuple[tuple[str, ...], str]] = {
    "static": ((), "netsim.protocols.static"),
    "linkstate": (("ospf", "ls"), "netsim.protocols.linkstate"),
    "distvector": (("rip", "dv"), "netsim.protocols.distvector"),
    "eigrp": (("dual",), "netsim.protocols.eigrp"),
    "isis": (("is-is",), "netsim.protocols.isis"),
    "bgp": (("bgp4",), "netsim.protocols.bgp"),
}


class Registry(Mapping[str, "type[Protocol]"]):
    """Protocol classes by canonical name, each imported on first use (see :data:`BUILTIN`)."""

    def __init__(self) -> None:
        self._classes: dict[str, type[Protocol]] = {}
        self._modules: dict[str, str] = {name: module for name, (_aliases, module) in BUILTIN.items()}

    def add(self, cls: type[Protocol]) -> None:
        self._classes[cls.name] = cls
        self._modules.setdefault(cls.name, cls.__module__)

    def __getitem__(self, name: str) -> type[Protocol]:
        cls = self._classes.get(name)
        if cls is None:
            module = self._modules[name]  # KeyError for an unknown name, as a dict would
            importlib.import_module(module)
            cls = self._classes.get(name)
            if cls is None:
                raise RuntimeError(f"importing {module} did not register protocol {name!r}")
        return cls

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._modules))

    def __len__(self) -> int:
        return len(self._modules)

    def __contains__(self, name: object) -> bool:
        return name in self._modules


PROTOCOLS = Registry()
_ALIASES: dict[str, str] = {alias: name for name, (aliases, _m) in BUILTIN.items() for alias in aliases}


def register(cls: type[Protocol]) -> type[Protocol]:
    """Class decorator: make ``cls`` available under its name and aliases."""
    PROTOCOLS.add(cls)
    for alias in cls.aliases:
        _ALIASES[alias] = cls.name
    return cls


def canonical_name(name: str) -> str | None:
    """``ospf`` → ``linkstate``; unknown names → None."""
    if not isinstance(name, str):
        return None
    name = name.lower()
    if name in PROTOCOLS:
        return name
    return _ALIASES.get(name)


def get_protocol(name: str) -> type[Protocol]:
    canon = canonical_name(name)
    if canon is None:
        raise KeyError(name)
    return PROTOCOLS[canon]


def known_names() -> list[str]:
    return sorted(PROTOCOLS) + sorted(_ALIASES)


def validate_options(cls: type[Protocol], given: Mapping[str, Any], *, base: Mapping[str, Any] | None = None,
                     interface: bool = False) -> tuple[dict[str, Any], str | None]:
    """Merge ``given`` over ``base`` (default: the protocol's defaults); return (options, error).

    The error is ``"key: message"`` naming the first bad key: an unknown option, a bad value,
    an option that cannot be set per interface (``interface=True``), or a broken cross-option
    rule of :meth:`Protocol.validate` on the merged result.
    """
    opts = dict(base) if base is not None else cls.defaults()
    for key, value in given.items():
        spec = cls.options_spec.get(key)
        if spec is None:
            known = ", ".join(sorted(cls.options_spec)) or "none"
            return opts, f"{key}: unknown option of {cls.name} (known: {known})"
        if interface and not spec.per_interface:
            per = ", ".join(sorted(k for k, o in cls.options_spec.items() if o.per_interface)) or "none"
            return opts, f"{key}: not a per-interface option of {cls.name} (per-interface: {per})"
        err = _check_value(spec, value)
        if err:
            return opts, f"{key}: {err}"
        opts[key] = value if isinstance(spec.default, (bool, str)) else type(spec.default)(value)
    for key, message in cls.validate(opts):
        return opts, f"{key}: {message}"
    return opts, None


def _check_value(spec: Option, value: Any) -> str | None:
    if spec.choices:
        if value not in spec.choices:
            return f"must be one of {', '.join(spec.choices)}, got {_short(value)}"
        return None
    if isinstance(spec.default, bool):
        return None if isinstance(value, bool) else f"must be true or false, got {_short(value)}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"must be a number, got {_short(value)}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, got {value!r}"
    if isinstance(value, int) and abs(value) > 10**15:
        return f"is out of range, got {_short(value)}"
    if spec.integer and not float(value).is_integer():
        return f"must be a whole number, got {_short(value)}"
    if spec.positive and value <= 0:
        return f"must be > 0, got {_short(value)}"
    if spec.minimum is not None and value < spec.minimum:
        return f"must be >= {spec.minimum:g}, got {_short(value)}"
    if spec.maximum is not None and value > spec.maximum:
        return f"must be <= {spec.maximum:g}, got {_short(value)}"
    return None


def _short(value: Any, limit: int = 40) -> str:
    """A user's value for an error message, cut short: never echo a huge input back."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
