"""`run --pcap` with a protocol whose messages have no wire format yet says so, rather than
writing empty captures that look like a silent network."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from netsim.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def test_messages_without_a_wire_format_are_counted_in_a_warning(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["run", str(ROOT / "scenarios" / "bgp-clique-tdown-tup.yaml"),
                                   "--pcap", str(tmp_path / "caps")])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stderr.splitlines() if "--pcap" in ln]
    assert len(lines) == 1 and lines[0].startswith("netsim: warning: --pcap: bgp: ")
    assert "messages not written" in lines[0] and "unknown message type" in lines[0]


def test_a_fully_encoded_protocol_gives_no_warning(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["run", str(ROOT / "scenarios" / "demo.yaml"), "-p", "linkstate",
                                   "--pcap", str(tmp_path / "caps")])
    assert res.exit_code == 0, res.output
    assert "--pcap" not in res.stderr
    assert any(p.stat().st_size > 24 for p in (tmp_path / "caps" / "linkstate").glob("*.pcap"))
