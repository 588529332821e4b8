"""Capture a whole run as per-link pcap files, and measure what capturing costs.

Until the engine has its own tap, this script wraps the two places every packet leaves a
router (``Network.transmit`` for protocol messages, ``Network.send_control`` for BFD) for the
duration of one run, feeds each message to a :class:`netsim.output.pcap.PcapRecorder`, and
runs the same scenario once more without the tap to compare run times.

    python benchmarks/pcap_demo.py scenarios/count-to-infinity.yaml distvector plots/pcap-cti
    wireshark plots/pcap-cti/B--D.pcap          # or: tshark -r plots/pcap-cti/B--D.pcap -V
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import table  # noqa: F401 - also puts the project root on sys.path

from netsim.network import Network
from netsim.output.pcap import PcapRecorder
from netsim.scenario import load_scenario
from netsim.simulate import simulate


@contextmanager
def tapped(capture: PcapRecorder) -> Iterator[None]:
    """Every message a router sends goes to ``capture`` too, while the block runs."""
    transmit, send_control = Network.transmit, Network.send_control

    def transmit_tap(self: Network, src: str, dst: str, msg: Any, size: int, packets: int) -> None:
        proto = self.routers[src].protocol
        capture.record(self.env.now, src, dst, msg, self.options, getattr(proto, "lsdb", None))
        transmit(self, src, dst, msg, size, packets)

    def control_tap(self: Network, src: str, dst: str, msg: Any, size: int, handler: Any) -> None:
        if self.routers[src].up:
            capture.record(self.env.now, src, dst, msg, None)
        send_control(self, src, dst, msg, size, handler)

    Network.transmit, Network.send_control = transmit_tap, control_tap  # type: ignore[method-assign]
    try:
        yield
    finally:
        Network.transmit, Network.send_control = transmit, send_control  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/count-to-infinity.yaml")
    parser.add_argument("protocol", nargs="?", default="distvector")
    parser.add_argument("out", nargs="?", default="plots/pcap-demo")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)

    t0 = time.process_time()
    plain = simulate(scenario, args.protocol, narrate=False)
    t_plain = time.process_time() - t0

    t0 = time.process_time()
    with PcapRecorder.for_graph(args.out, scenario.graph) as capture, tapped(capture):
        captured = simulate(scenario, args.protocol, narrate=False)
    summary = capture.close()
    t_capture = time.process_time() - t0

    sent = int(sum(plain.trace.messages.counts))
    assert int(sum(captured.trace.messages.counts)) == sent, "the tap changed the run"
    octets = sum(p.stat().st_size for p in Path(args.out).glob("*.pcap"))
    print(f"{args.scenario} with {args.protocol}: {summary.files} capture files in {args.out}")
    print(f"  messages captured {summary.messages}, packets {summary.packets} "
          f"(netsim counted {sent} packets), {octets / 1e6:.2f} MB written")
    print(f"  skipped {dict(summary.skipped) or 'nothing'}; made-up LSA headers {summary.approximated_headers}")
    print(f"  CPU {t_plain:.2f} s without capture, {t_capture:.2f} s with it "
          f"({(t_capture - t_plain) / max(summary.packets, 1) * 1e6:.1f} µs per packet)")


if __name__ == "__main__":
    main()
