"""One definition per metric: the JSON, the table, the CSV, the plots and the docs agree with it,
and no metric depends on whether the run was narrated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netsim import load_scenario, run_protocols
from netsim.analysis.metric_defs import EVENT_METRICS, RUN_METRICS, markdown_table
from netsim.output import report
from netsim.output.plots.cdf import METRICS as CDF_METRICS
from netsim.studies.sweep import summary_columns

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["flap-damping", "detection-carrier-vs-hello-vs-bfd", "node-crash-restart",
                                  "lossy-ring", "count-to-infinity"])
def test_every_metric_is_equal_with_narration_on_and_off(name: str) -> None:
    """Sweeps run with narration off; their figures must be the ones `run` prints (damping too)."""
    sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    on = report.dumps(run_protocols(sc, narrate=True))
    off = report.dumps(run_protocols(sc, narrate=False))
    assert on == off


def test_damping_figures_are_measured_with_narration_off() -> None:
    sc = load_scenario(ROOT / "scenarios" / "flap-damping.yaml")
    res = run_protocols(sc, ["distvector"], narrate=False)[0]
    events = report.result_dict(res)["events"]
    assert sum(e["suppressed_time"] for e in events) > 0 and sum(e["damped_flaps"] for e in events) > 0


def test_results_json_carries_every_applicable_metric_in_definition_order() -> None:
    sc = load_scenario(ROOT / "scenarios" / "demo.yaml")
    res = run_protocols(sc, ["linkstate"], narrate=False)[0]
    event = report.result_dict(res)["events"][0]
    contract = [m.name for m in EVENT_METRICS if m.contract]
    keys = list(event)
    assert keys[:3] == ["time", "kind", "target"] and keys[3:3 + len(contract)] == contract
    top = report.result_dict(res)
    assert all(r.name in top for r in RUN_METRICS)


def test_table_columns_and_legend_come_from_the_definitions() -> None:
    sc = load_scenario(ROOT / "scenarios" / "demo.yaml")
    text = report.compare_text(run_protocols(sc, ["linkstate"], narrate=False))
    header = text.splitlines()[2].split()
    for m in EVENT_METRICS:
        if m.columns and m.applies is EVENT_METRICS[0].applies:
            assert all(c.header in header for c in m.columns), m.name
            assert m.meaning[:30] in text.replace("\n    ", " ")


def test_summary_csv_and_cdf_choices_come_from_the_definitions() -> None:
    cols = summary_columns()
    assert all(m.name in cols for m in EVENT_METRICS if m.summary)
    assert set(CDF_METRICS) == {m.name for m in EVENT_METRICS if m.cdf}


def test_docs_metrics_page_is_the_generated_table() -> None:
    page = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    m = re.search(r"do not edit by hand -->\n(.*)<!-- end of generated table -->", page, re.S)
    assert m is not None and m.group(1) == markdown_table()
