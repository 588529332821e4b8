"""FRRouting configuration files from a lab plan and netsim's protocol options.

Pure text generation: one ``zebra.conf`` plus one ``ospfd.conf`` (linkstate) or ``ripd.conf``
(distvector) per router, from that router's own :class:`~netsim.protocols.base.RouterConfig`
(network-wide options overridden per router and per interface, as the scenario gives them).
Every netsim option that FRR can express is translated; options FRR
cannot express are either refused (they would change what is measured) or listed by
:func:`untranslated_options` so a report can say what differs.

Translations (netsim option -> FRR command):

* linkstate: ``hello_interval``/``dead_interval``/``rxmt_interval`` -> ``ip ospf hello-interval``,
  ``dead-interval``, ``retransmit-interval`` per interface (whole seconds); ``spf_delay``/``spf_hold``/
  ``spf_max_wait`` -> ``timers throttle spf <delay> <initial hold> <max hold>`` in ms (FRR's
  back-off doubles the hold time; netsim models RFC 8405 -- same three numbers, different
  algorithm); ``min_ls_interval`` -> ``timers throttle lsa all``; ``min_ls_arrival`` -> ``timers lsa
  min-arrival``; ``ls_refresh`` -> ``refresh timer``; each interface's cost -> ``ip ospf cost``.
  Interfaces are point-to-point; the loopback /32 is advertised through a ``network`` statement and
  ``passive-interface lo``; the router ID is the loopback.
* distvector: ``update_interval``/``timeout``/``garbage`` -> ``timers basic``; ``split_horizon``
  none/simple/poison -> ``no ip rip split-horizon`` / default / ``ip rip split-horizon
  poisoned-reverse``.  Link costs must be 1: the natural translation, an ``offset-list ... in
  c-1 <interface>``, had no effect on ripd 8.4's metrics in the lab (named and numbered access
  lists, per interface and global), so other costs are refused rather than silently ignored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from netsim.errors import NetsimError
from netsim.protocols.base import RouterConfig
from netsim.records import record
from netsim.validate.plan import LabPlan, RouterPlan

#: The FRR daemon that speaks each netsim protocol.
PROTOCOL_DAEMON = {"linkstate": "ospfd", "distvector": "ripd"}
#: RIP's infinity is fixed by RFC 2453 and by ripd.
RIP_INFINITY = 16

#: Options FRR has no knob for, with what FRR does instead (shown in reports, never an error).
_UNTRANSLATED = {
    "linkstate": {
        "spf_learn": "FRR's SPF throttle has no learn phase (it doubles the hold time instead)",
        "spf_holddown": "FRR resets its SPF hold time after one quiet hold period",
        "spf_duration": "real SPF takes what it takes",
        "fib_delay": "real FIB updates take what they take",
        "flood_pacing": "ospfd has no flood-pacing timer",
        "ack_delay": "ospfd sends delayed acks on its own fixed timer",
        "warm_start": "FRR always starts cold; the lab waits for convergence before the first event",
    },
    "distvector": {
        "update_jitter": "ripd draws its own update jitter",
        "triggered_min": "ripd's triggered-update damping is built in",
        "triggered_max": "ripd's triggered-update damping is built in",
    },
}

#: Options whose non-default value FRR cannot reproduce: refused, because the run would measure
#: something else than the scenario asks.
_REFUSED = {
    "distvector": {
        "infinity": (RIP_INFINITY, "ripd's infinity is fixed at 16"),
        "triggered": (True, "ripd always sends triggered updates"),
        "holddown": (0.0, "ripd has no hold-down"),
        "damping": (False, "ripd has no route-flap damping"),
    },
}


@record
class OspfTimers:
    """The OSPF timers written into ospfd's configuration."""

    hello: int
    dead: int
    rxmt: int
    spf_delay_ms: int
    spf_hold_ms: int
    spf_max_ms: int
    lsa_interval_ms: int
    lsa_arrival_ms: int
    refresh: int


@record
class RipTimers:
    """The RIP timers and split-horizon mode written into ripd's configuration."""

    update: int
    timeout: int
    garbage: int
    split_horizon: str


def _whole(options: Mapping[str, Any], key: str, lo: int, hi: int, proto: str = "linkstate") -> int:
    value = float(options[key])
    if not value.is_integer() or not lo <= value <= hi:
        raise NetsimError(f"{proto}.{key}: FRR takes whole seconds from {lo} to {hi}, got {value:g}")
    return int(value)


def _millis(options: Mapping[str, Any], key: str, lo: int, hi: int, proto: str = "linkstate") -> int:
    ms = float(options[key]) * 1000.0
    if abs(ms - round(ms)) > 1e-6 or not lo <= round(ms) <= hi:
        raise NetsimError(f"{proto}.{key}: FRR takes whole milliseconds from {lo} to {hi} ms, "
                          f"got {float(options[key]):g} s")
    return int(round(ms))


#: Linkstate options FRR sets per interface.
OSPF_PER_INTERFACE = ("hello_interval", "dead_interval", "rxmt_interval")


def ospf_timers(options: Mapping[str, Any]) -> OspfTimers:
    """netsim's linkstate options as FRR's units and ranges; one clear error for the first misfit."""
    return OspfTimers(
        hello=_whole(options, "hello_interval", 1, 65535),
        dead=_whole(options, "dead_interval", 1, 65535),
        rxmt=_whole(options, "rxmt_interval", 1, 65535),
        spf_delay_ms=_millis(options, "spf_delay", 0, 600000),
        spf_hold_ms=_millis(options, "spf_hold", 0, 600000),
        spf_max_ms=_millis(options, "spf_max_wait", 0, 600000),
        lsa_interval_ms=_millis(options, "min_ls_interval", 0, 5000),
        lsa_arrival_ms=_millis(options, "min_ls_arrival", 0, 600000),
        refresh=_whole(options, "ls_refresh", 10, 1800),
    )


def rip_timers(options: Mapping[str, Any]) -> RipTimers:
    for key, (default, why) in _REFUSED["distvector"].items():
        if key in options and options[key] != default:
            raise NetsimError(f"distvector.{key}: {options[key]!r} cannot be reproduced with FRR ({why})")
    return RipTimers(
        update=_whole(options, "update_interval", 5, 2147483647, "distvector"),
        timeout=_whole(options, "timeout", 5, 2147483647, "distvector"),
        garbage=_whole(options, "garbage", 5, 2147483647, "distvector"),
        split_horizon=str(options.get("split_horizon", "simple")),
    )


def ospf_cost(cost: float, where: str) -> int:
    """An interface cost as OSPF's 16-bit integer."""
    if not float(cost).is_integer() or not 1 <= cost <= 65535:
        raise NetsimError(f"link {where}: cost {cost:g} cannot be an OSPF interface cost (whole number 1-65535)")
    return int(cost)


def rip_unit_cost(cost: float, where: str) -> None:
    """Refuse a RIP link cost other than 1 (see the module notes: ripd ignored offset-lists)."""
    if cost != 1:
        raise NetsimError(f"link {where}: cost {cost:g}: the FRR lab runs RIP with unit link costs only "
                          f"(ripd's offset-list had no effect on its metrics)")


def untranslated_options(protocol: str, options: Mapping[str, Any]) -> list[str]:
    """``key: what FRR does instead`` for every option FRR has no equivalent for and that the
    run sets to something other than netsim's default."""
    from netsim.protocols import PROTOCOLS

    defaults = PROTOCOLS[protocol].defaults() if protocol in PROTOCOLS else {}
    notes = _UNTRANSLATED.get(protocol, {})
    return [f"{protocol}.{key}: {why}" for key, why in notes.items()
            if key in options and options[key] != defaults.get(key)]


# -- the files --------------------------------------------------------------------------------------
def _head(router: RouterPlan) -> list[str]:
    return ["frr defaults traditional", f"hostname {_hostname(router)}", "log timestamp precision 6", "!"]


def _hostname(router: RouterPlan) -> str:
    """FRR's hostname: the router name when it is a plain word, else r<index>."""
    name = router.name
    ok = name and all(c.isalnum() or c in "-_." for c in name) and len(name) <= 63
    return name if ok else f"r{router.index}"


def zebra_config(router: RouterPlan) -> str:
    """zebra: forwarding on; kernel routes with their gateways (no nexthop objects) so every
    RTM_NEWROUTE carries its next hops."""
    lines = _head(router) + ["no zebra nexthop kernel enable", "ip forwarding", "!"]
    return "\n".join(lines) + "\n"


OSPF_DEBUG = ("debug ospf event", "debug ospf ism", "debug ospf nsm", "debug ospf lsa",
              "debug ospf packet hello", "debug ospf zebra")
RIP_DEBUG = ("debug rip events", "debug rip packet", "debug rip zebra")


def ospfd_config(router: RouterPlan, config: RouterConfig | Mapping[str, Any], *, debug: bool = False) -> str:
    """``config``: the router's configuration (or plain options, the same on every interface)."""
    options = config.options if isinstance(config, RouterConfig) else config
    t = ospf_timers(options)
    lines = _head(router)
    if debug:
        lines += list(OSPF_DEBUG) + ["!"]
    for iface in router.ifaces:
        own = dict(options)
        if isinstance(config, RouterConfig):
            own.update({k: config.option(k, iface.neighbor) for k in OSPF_PER_INTERFACE})
        it = ospf_timers(own)
        lines += [f"interface {iface.name}",
                  " ip ospf network point-to-point",
                  f" ip ospf cost {ospf_cost(iface.cost, f'{router.name}–{iface.neighbor}')}",
                  f" ip ospf hello-interval {it.hello}",
                  f" ip ospf dead-interval {it.dead}",
                  f" ip ospf retransmit-interval {it.rxmt}",
                  "exit", "!"]
    lines += ["router ospf",
              f" ospf router-id {router.loopback}",
              f" timers throttle spf {t.spf_delay_ms} {t.spf_hold_ms} {t.spf_max_ms}",
              f" timers throttle lsa all {t.lsa_interval_ms}",
              f" timers lsa min-arrival {t.lsa_arrival_ms}",
              f" refresh timer {t.refresh}",
              " passive-interface lo",
              f" network {router.loopback}/32 area 0.0.0.0"]
    lines += [f" network {iface.network} area 0.0.0.0" for iface in router.ifaces]
    lines += ["exit", "!"]
    return "\n".join(lines) + "\n"


def ripd_config(router: RouterPlan, config: RouterConfig | Mapping[str, Any], *, debug: bool = False) -> str:
    """``config``: the router's configuration (or plain options)."""
    options = config.options if isinstance(config, RouterConfig) else config
    t = rip_timers(options)
    lines = _head(router)
    if debug:
        lines += list(RIP_DEBUG) + ["!"]
    for iface in router.ifaces:
        rip_unit_cost(iface.cost, f"{router.name}–{iface.neighbor}")
    split = {"none": " no ip rip split-horizon", "simple": None,
             "poison": " ip rip split-horizon poisoned-reverse"}
    if t.split_horizon not in split:
        raise NetsimError(f"distvector.split_horizon: {t.split_horizon!r} is not none, simple or poison")
    for iface in router.ifaces:
        lines += [f"interface {iface.name}"]
        if split[t.split_horizon]:
            lines.append(split[t.split_horizon])  # type: ignore[arg-type]
        lines += ["exit", "!"]
    lines += ["router rip", " version 2",
              f" timers basic {t.update} {t.timeout} {t.garbage}",
              " passive-interface lo",
              f" network {router.loopback}/32"]
    lines += [f" network {iface.network}" for iface in router.ifaces]
    lines += ["exit", "!"]
    return "\n".join(lines) + "\n"


def daemon_configs(plan: LabPlan, protocol: str, configs: Mapping[str, RouterConfig] | Mapping[str, Any], *,
                   debug: bool = False) -> dict[str, dict[str, str]]:
    """router -> {daemon -> config text} for every router of the lab.  ``configs`` maps each
    router to its :class:`RouterConfig`, or is one set of options for every router."""
    if protocol not in PROTOCOL_DAEMON:
        raise NetsimError(f"protocol {protocol!r} has no FRR counterpart (use linkstate or distvector)")
    make = ospfd_config if protocol == "linkstate" else ripd_config
    daemon = PROTOCOL_DAEMON[protocol]
    per_router = all(isinstance(configs.get(r.name), RouterConfig) for r in plan.routers)

    def own(name: str) -> Any:
        return configs[name] if per_router else configs

    return {r.name: {"zebra": zebra_config(r), daemon: make(r, own(r.name), debug=debug)} for r in plan.routers}


def with_log_file(text: str, path: str, *, debug: bool = False) -> str:
    """``text`` with a ``log file`` target at ``path`` after the header.  Only targets set in the
    configuration honour ``log timestamp precision`` (a ``--log`` target on the command line
    stamps whole seconds), and investigations need microseconds."""
    lines = text.splitlines()
    at = lines.index("log timestamp precision 6") if "log timestamp precision 6" in lines else 0
    lines.insert(at, f"log file {path} {'debugging' if debug else 'informational'}")
    return "\n".join(lines) + "\n"


def protocol_cost(protocol: str, rib_metric: float) -> float:
    """netsim's route cost from zebra's RIB metric.

    OSPF's metric is the path cost (a loopback is a cost-0 stub).  RIP advertises a connected
    loopback with metric 1, so a route's metric is netsim's path cost + 1.
    """
    if protocol == "distvector":
        return rib_metric - 1 if rib_metric < RIP_INFINITY else math.inf
    return rib_metric
