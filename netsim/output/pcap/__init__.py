"""Protocol messages as real packets: one pcap file per link that Wireshark decodes.

:class:`PcapRecorder` is the entry point (see :mod:`netsim.output.pcap.capture`).  The
encoders are hand-written with :mod:`struct` -- IPv4/UDP (:mod:`.ip`), OSPFv2 (:mod:`.ospf`),
RIPv2 (:mod:`.rip`), BFD (:mod:`.bfd`) -- and :mod:`.translate` maps netsim's messages onto
them, documenting every approximation.  Nothing here imports a packet library, so importing
netsim stays light.
"""

from netsim.output.pcap.capture import CaptureSummary, PcapRecorder

__all__ = ["CaptureSummary", "PcapRecorder"]
