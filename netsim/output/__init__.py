"""What a run becomes for people and other tools: the results JSON and text tables, figures,
packet captures Wireshark reads, and the browser replay."""
