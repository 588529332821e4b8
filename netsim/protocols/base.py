"""The protocol interface, the registry, and option validation.

A protocol instance runs inside one router and sees the world only through a
:class:`RouterPort`: its own interfaces, messages that arrive on them, timers, and the FIB it
installs routes into.  It never sees the graph, other routers or the oracle (DESIGN §2.1).
Adding a protocol is one new module that subclasses :class:`Protocol` and calls
:func:`register`.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from typing import Protocol as TypingProtocol

import numpy as np


class Timer(TypingProtocol):
    """A pending callback; ``cancel()`` makes it a no-op."""

    def cancel(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Interface:
    """What a router knows about one of its interfaces: who is on the other end, its cost,
    and whether the carrier is up *as this router sees it* (a silent failure keeps it up)."""

    neighbor: str
    cost: float
    up: bool


class RouterPort(TypingProtocol):
    """The only window a protocol has on the world."""

    name: str

    @property
    def now(self) -> float: ...

    def interfaces(self) -> Mapping[str, Interface]: ...

    def send(self, iface: str, msg: Any, size: int, packets: int = 1) -> None:
        """Put ``msg`` on the wire of ``iface``; ``size`` bytes in ``packets`` packets (for accounting)."""

    def call_later(self, delay: float, fn: Callable[..., None], *args: Any) -> Timer: ...

    def install(self, dest: str, next_hops: tuple[str, ...], cost: float, cause: str) -> None: ...

    def withdraw(self, dest: str, cause: str) -> None: ...

    def preload(self, table: Any) -> None:
        """Start with a converged FIB at time 0 (warm start), recorded as the trace's initial table."""

    def fib(self) -> Mapping[str, Any]: ...

    def decide(self, kind: str, text: str) -> None:
        """Record a decision worth narrating in ``netsim explain``."""


@dataclass(frozen=True, slots=True)
class Option:
    """One tunable of a protocol: its default, documentation, and validation bounds."""

    default: float | int | str | bool
    doc: str
    minimum: float | None = 0.0
    positive: bool = False
    choices: tuple[str, ...] = ()
    integer: bool = False


class Protocol(abc.ABC):
    """Base class of every routing protocol."""

    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    summary: ClassVar[str] = ""
    options_spec: ClassVar[Mapping[str, Option]] = {}

    def __init__(self, port: RouterPort, options: Mapping[str, Any], rng: np.random.Generator,
                 config: Any = None) -> None:
        self.port = port
        self.opts = dict(options)
        self.rng = rng
        self.config = config

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

    def stop(self) -> None:  # noqa: B027 - optional hook
        """The router crashed: the instance is discarded; timers are cancelled by the router."""

    # -- class-level helpers ------------------------------------------------------------------
    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {k: o.default for k, o in cls.options_spec.items()}

    @classmethod
    def configure(cls, graph: Any, options: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """Per-router configuration an operator would write by hand (static routes).

        Called once before the run with the *initial* topology; dynamic protocols return None.
        """
        return None

    @classmethod
    def quiet_period(cls, options: Mapping[str, Any]) -> float:
        """How long without route changes counts as "settled" when no duration is given."""
        return 10.0


PROTOCOLS: dict[str, type[Protocol]] = {}
_ALIASES: dict[str, str] = {}


def register(cls: type[Protocol]) -> type[Protocol]:
    """Class decorator: make ``cls`` available under its name and aliases."""
    PROTOCOLS[cls.name] = cls
    for alias in cls.aliases:
        _ALIASES[alias] = cls.name
    return cls


def canonical_name(name: str) -> str | None:
    """``ospf`` → ``linkstate``; unknown names → None."""
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


def validate_options(cls: type[Protocol], given: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Merge ``given`` over the defaults; return (options, error) with error naming the key."""
    opts = cls.defaults()
    for key, value in given.items():
        spec = cls.options_spec.get(key)
        if spec is None:
            known = ", ".join(sorted(cls.options_spec)) or "none"
            return opts, f"{key}: unknown option of {cls.name} (known: {known})"
        err = _check_value(spec, value)
        if err:
            return opts, f"{key}: {err}"
        opts[key] = type(spec.default)(value) if not isinstance(spec.default, bool) else value
    return opts, None


def _check_value(spec: Option, value: Any) -> str | None:
    if spec.choices:
        if value not in spec.choices:
            return f"must be one of {', '.join(spec.choices)}, got {value!r}"
        return None
    if isinstance(spec.default, bool):
        return None if isinstance(value, bool) else f"must be true or false, got {value!r}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"must be a number, got {value!r}"
    if spec.integer and not float(value).is_integer():
        return f"must be a whole number, got {value!r}"
    if spec.positive and value <= 0:
        return f"must be > 0, got {value!r}"
    if spec.minimum is not None and value < spec.minimum:
        return f"must be >= {spec.minimum:g}, got {value!r}"
    return None
