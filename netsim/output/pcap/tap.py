"""Connecting a :class:`~netsim.output.pcap.capture.PcapRecorder` to a running network.

The engine calls its taps once per message a router puts on a wire (before the link decides
whether it arrives), so a capture holds exactly the packets netsim counts.  The tap adds what
the encoders need and the message does not carry: the sender's options on that interface
(hello and dead intervals), the sender's link-state database (for complete LSA headers in
acknowledgements), and for BFD the link's BFD configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from netsim.output.pcap.capture import PcapRecorder
from netsim.topology.common import link_key


def network_tap(recorder: PcapRecorder, net: Any) -> Callable[[float, str, str, Any, int, float | None], None]:
    """A tap for ``net`` (the engine's Network) that records every message into ``recorder``."""
    options: dict[tuple[str, str], Any] = {}

    def tap(time: float, src: str, dst: str, msg: Any, size: int, arrival: float | None) -> None:
        if getattr(msg, "kind", "") == "bfd":
            driver = getattr(net, "bfd", None)
            opts = driver.specs.get(link_key(src, dst)) if driver is not None else None
            recorder.record(time, src, dst, msg, opts)
            return
        opts = options.get((src, dst))
        if opts is None:
            cfg = net.configs.get(src)
            opts = options[(src, dst)] = {} if cfg is None else {**cfg.options, **cfg.interface_options.get(dst, {})}
        proto = net.routers[src].protocol
        recorder.record(time, src, dst, msg, opts, getattr(proto, "lsdb", None))

    return tap
