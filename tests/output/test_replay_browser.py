"""The replay page in a real headless Chromium: what a student sees, read back from the DOM.

Independent truth: every expectation is computed in Python from the document itself
(:mod:`netsim.output.replay.model`, which is in turn checked against ``netsim table --at``), never
by the page's JavaScript.  Skipped when no Chromium (or no Playwright) is installed; see
``.ci/install-chromium``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from replay_docs import ring_document

from netsim.output.replay import write_html
from netsim.output.replay.browser import chromium, find_chromium, open_replay, playwright_available
from netsim.output.replay.model import (
    MARKS,
    describe,
    down_at,
    entry_status,
    expected_at,
    fibs_at,
    statuses_at,
    table_at,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed (.ci/install-chromium)"),
    pytest.mark.skipif(not playwright_available(), reason="Playwright for Python is not installed"),
]

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
NAMES = ["Alpha", "</script><!--b", "C&D", "Delta", "Echo"]


@pytest.fixture(scope="module")
def browser_page() -> Iterator[tuple[Any, list[str], list[str]]]:
    """One browser for the module: (page, console errors and page errors, URLs requested)."""
    with chromium(1280, 800) as page:
        errors: list[str] = []
        requests: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.on("request", lambda req: requests.append(req.url))
        yield page, errors, requests


@pytest.fixture(scope="module")
def demo_doc() -> dict:
    from netsim.output.replay.build import build_document
    from netsim.runner import simulate
    from netsim.scenario import load_scenario

    return build_document(simulate(load_scenario(SCENARIOS / "demo.yaml"), "linkstate"))


def _dom_status(page: Any, router: str) -> str:
    return page.eval_on_selector("#routers", "(g, name) => Array.from(g.children).find("
                                 "c => c.dataset.router === name).dataset.status", router)


def _dom_statuses(page: Any) -> dict[str, str]:
    return page.eval_on_selector_all("#routers g.router", "gs => Object.fromEntries(gs.map("
                                     "g => [g.dataset.router, g.dataset.status]))")


def _dom_table(page: Any) -> list[tuple[str, str, str, str, str]]:
    return [tuple(r) for r in page.eval_on_selector_all(
        "#router-table tbody tr[data-dest]",
        "rows => rows.map(r => [r.dataset.dest, r.dataset.status, r.querySelector('.mark').textContent,"
        " r.querySelector('.fib').textContent, r.querySelector('.expected').textContent])")]


def _python_table(doc: dict, router: str, t: float) -> list[tuple[str, str, str, str, str]]:
    rows = table_at(doc, router, t)
    assert rows is not None
    return [(r.dest, r.status, MARKS[r.status], describe(r.hops, r.cost), describe(r.want_hops, r.want_cost))
            for r in rows]


def _python_colours(doc: dict, t: float) -> dict[str, str]:
    return statuses_at(doc, t)


def _python_arrows(doc: dict, dest: str, t: float) -> list[tuple[str, str, str]]:
    fibs, (expected, _) = fibs_at(doc, t), expected_at(doc, t)
    down = down_at(doc, t)
    out = []
    for router, fib in fibs.items():
        if router == dest or router in down or dest not in fib:
            continue
        status = entry_status(fib[dest], expected.get(router, {}).get(dest))
        out += [(router, hop, "ok" if status == "ok" else "bad") for hop in fib[dest][0]]
    return sorted(out)


def _time(page: Any) -> float:
    return float(page.get_attribute("#time-display", "data-time"))


def _check_clean(errors: list[str], requests: list[str]) -> None:
    assert errors == []
    assert requests and all(url.startswith("file://") for url in requests)


def _picture_is_not_blank(png: bytes) -> None:
    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int32).reshape(-1, 3)
    assert len(np.unique(rgb, axis=0)) > 200
    assert np.mean(rgb.min(axis=1) > 235) < 0.9  # not (nearly) all white
    # the two router colours of the story are both on screen: correct (green) and not (vermillion)
    for colour in ((0x00, 0x9E, 0x73), (0xD5, 0x5E, 0x00)):
        assert np.sum(np.abs(rgb - colour).sum(axis=1) < 40) > 200


def test_demo_link_failure_turns_chicago_wrong_then_right(browser_page, demo_doc, tmp_path: Path) -> None:
    page, errors, requests = browser_page
    doc = demo_doc
    html = write_html(doc, tmp_path / "demo.html")
    open_replay(page, html)

    page.evaluate("netsimReplay.seek(59.5)")
    assert _dom_statuses(page) == _python_colours(doc, 59.5)
    assert _dom_status(page, "Chicago") == "correct"
    assert page.get_attribute('#links g[data-link="Chicago|Indianapolis"]', "data-state") == "up"

    page.click("#buttons [data-step='event'][data-dir='1']")  # the failure
    assert _time(page) == 60.0
    assert page.get_attribute('#links g[data-link="Chicago|Indianapolis"]', "data-state") == "down"
    assert _dom_statuses(page) == _python_colours(doc, 60.0)
    assert _dom_status(page, "Chicago") == "wrong"
    page.click('#routers g.router[data-router="Chicago"]')
    assert page.get_attribute("#router-table", "data-router") == "Chicago"
    assert _dom_table(page) == _python_table(doc, "Chicago", 60.0)
    assert any(row[1] != "ok" for row in _dom_table(page))
    assert page.locator("#fault-list li[data-kind='blackhole']").count() > 0

    # clicking a destination in the table draws every router's next hops towards it, judged
    page.click('#router-table tr[data-dest="Atlanta"] td.dest')
    arrows = page.eval_on_selector_all("#forwarding line.fwd", "ls => ls.map(l => [l.dataset.from, l.dataset.to,"
                                       " l.classList.contains('ok') ? 'ok' : 'bad'])")
    assert sorted(map(tuple, arrows)) == _python_arrows(doc, "Atlanta", 60.0)
    assert ("Chicago", "Indianapolis", "bad") in map(tuple, arrows)  # into the cut link
    assert page.eval_on_selector_all("#fault-layer .fault", "fs => fs.map(f => f.dataset.dests)") == ["Atlanta"]
    page.keyboard.press("Escape")  # back to every destination's faults, no arrows
    assert page.locator("#forwarding line").count() == 0
    assert page.locator("#fault-layer .fault").count() > 1

    # Step FIB change by FIB change (the → key) until Chicago is right again: exactly when Python says.
    changes = sorted({t for t in doc["fib"]["time"] if t > 60.0})
    fixed = next(t for t in changes if _python_colours(doc, t)["Chicago"] == "correct")
    seen = []
    for _ in range(len(changes)):
        page.keyboard.press("ArrowRight")
        seen.append(_time(page))
        assert _dom_statuses(page) == _python_colours(doc, seen[-1])
        if _dom_status(page, "Chicago") == "correct":
            break
    assert seen == [t for t in changes if t <= fixed]
    assert _dom_table(page) == _python_table(doc, "Chicago", fixed)
    assert all(row[1] == "ok" for row in _dom_table(page))

    # micro-loops (Chicago re-routed via New York before New York did): L goes to the next one to start
    page.keyboard.press("l")
    assert _time(page) == min(f["t0"] for f in doc["faults"] if f["kind"] == "loop" and f["t0"] > fixed)
    assert page.locator("#fault-layer .fault[data-kind='loop']").count() > 0
    _picture_is_not_blank(page.screenshot(type="png"))
    _check_clean(errors, requests)


def test_messages_names_crashes_and_keys_in_a_synthetic_run(browser_page, tmp_path: Path) -> None:
    page, errors, requests = browser_page
    doc = ring_document(NAMES)
    doc["fib"]["cost"][-1] = 2.25  # a fractional cost, printed like `netsim table` prints it
    html = write_html(doc, tmp_path / "ring.html")
    open_replay(page, html)

    # every name, markup included, is shown as text
    labels = page.eval_on_selector_all("#routers .router-label", "ts => ts.map(t => t.textContent)")
    assert labels == NAMES

    # messages in flight at t: sent at or before t and not yet arrived (a lost one: for the link delay)
    m = doc["messages"]
    ends = [t1 if t1 is not None else t0 + 0.01 for t0, t1 in zip(m["t0"], m["t1"], strict=True)]
    for t in (1.004, 10.0025, 10.505):
        page.evaluate(f"netsimReplay.seek({t})")
        want = sum(1 for t0, t1 in zip(m["t0"], ends, strict=True) if t0 <= t < t1)
        drawn = int(page.get_attribute("#msg-canvas", "data-drawn"))
        assert want > 0 and drawn == want == page.evaluate("netsimReplay.state().inFlight")
    assert page.get_attribute("#msg-canvas", "data-lost") == "1"  # the one lost at 10.5

    # Shift+→ goes to the next message's half-way point
    page.evaluate("netsimReplay.seek(10.0025)")
    mids = sorted({(t0 + t1) / 2 for t0, t1 in zip(m["t0"], ends, strict=True)})
    page.keyboard.press("Shift+ArrowRight")
    assert _time(page) == pytest.approx(next(x for x in mids if x > 10.0025), abs=1e-12)

    # faults: a black hole right after the cut, then L jumps to the loop
    page.evaluate("netsimReplay.seek(10.2)")
    assert page.locator("#fault-layer .fault[data-kind='blackhole']").count() == 1
    page.keyboard.press("l")
    assert _time(page) == 10.5
    assert page.locator("#fault-layer .fault[data-kind='loop']").count() == 1

    # a crashed router is grey and has no table; after its restart it has routes again
    page.evaluate("netsimReplay.seek(21)")
    assert _dom_status(page, "Delta") == "down"
    page.evaluate("netsimReplay.selectRouter('Delta')")
    assert page.locator("#router-down").is_visible()
    page.evaluate("netsimReplay.seek(26)")
    assert _dom_table(page) == _python_table(doc, "Delta", 26)
    assert _dom_table(page)[0][3] == "via C&D cost 2.25"
    assert _dom_statuses(page) == _python_colours(doc, 26)

    # play advances time; space pauses
    page.evaluate("netsimReplay.seek(1)")
    page.evaluate("netsimReplay.play(1)")
    page.wait_for_timeout(400)
    page.keyboard.press(" ")
    assert not page.evaluate("netsimReplay.state().playing")
    assert 1.0 < _time(page) < 3.0
    _check_clean(errors, requests)
