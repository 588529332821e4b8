"""Capture a whole run as per-link pcap files, and measure what capturing costs.

The engine's tap feeds every message a router puts on a wire to a
:class:`netsim.output.pcap.PcapRecorder` (what ``netsim run --pcap DIR`` does); the same scenario
runs once more without it to compare run times.

    python benchmarks/pcap_demo.py scenarios/count-to-infinity.yaml distvector plots/pcap-cti
    wireshark plots/pcap-cti/B--D.pcap          # or: tshark -r plots/pcap-cti/B--D.pcap -V
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _common import table  # noqa: F401 - also puts the project root on sys.path

from netsim.output.pcap import PcapRecorder
from netsim.output.pcap.tap import network_tap
from netsim.runner import simulate
from netsim.scenario import load_scenario


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
    with PcapRecorder.for_graph(args.out, scenario.graph) as capture:
        captured = simulate(scenario, args.protocol, narrate=False,
                            on_network=lambda net: net.taps.append(network_tap(capture, net)))
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
