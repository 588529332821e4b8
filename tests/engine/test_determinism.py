"""Same scenario + same seed ⇒ byte-identical JSON, whatever Python's hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo.yaml"


def run_json(hash_seed: str, seed: str = "1") -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run([sys.executable, "-m", "netsim", "run", str(DEMO), "--json", "--seed", seed],
                         capture_output=True, env=env, check=True, cwd=ROOT)
    return out.stdout


def test_same_seed_same_json_across_processes_and_hash_seeds():
    first = run_json("1")
    assert first == run_json("12345")
    assert b'"protocol": "linkstate"' in first


def test_a_different_seed_changes_the_jittered_timeline():
    assert run_json("1", seed="1") != run_json("1", seed="2")
