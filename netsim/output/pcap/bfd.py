"""BFD control packets in wire format (RFC 5880 §4.1), sent over UDP as RFC 5881 says.

24 octets, no authentication: version 1, diagnostic, state, flags, detect multiplier, length,
the two discriminators and three intervals in microseconds.
"""

from __future__ import annotations

import struct

from netsim.output.pcap.fields import int_field

BFD_CONTROL_PORT = 3784
#: RFC 5881 §4: the source port is taken from 49152..65535.
SOURCE_PORT_BASE = 49152
SOURCE_PORTS = 16384
#: RFC 5881 §5: single-hop BFD is sent with TTL 255 (and checked on receipt, GTSM-style).
TTL = 255
VERSION = 1
ADMIN_DOWN, DOWN, INIT, UP = 0, 1, 2, 3
LENGTH = 24
MAX_INTERVAL_US = 0xFFFFFFFF

_PACKET = struct.Struct("!BBBBIIIII")


def bfd_control(state: int, *, detect_mult: int, my_discriminator: int, your_discriminator: int,
                desired_min_tx_us: int, required_min_rx_us: int, diagnostic: int = 0) -> bytes:
    """One control packet with no flags set and no echo (Required Min Echo RX Interval 0)."""
    return _PACKET.pack((VERSION << 5) | (diagnostic & 0x1F), (state & 0x3) << 6, detect_mult, LENGTH,
                        my_discriminator, your_discriminator, desired_min_tx_us, required_min_rx_us, 0)


def microseconds(seconds: float) -> int:
    """An interval in seconds as the 32-bit microsecond field (rounded, at least 1)."""
    return int_field(float(seconds) * 1e6, 1, MAX_INTERVAL_US)
