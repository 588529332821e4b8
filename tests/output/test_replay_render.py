"""The replay page as a file: escaping, determinism, thinning, checks, atomic writing.

Independent truth: the embedded data is read back with Python's own HTML tokenizer (which ends a
``<script>`` element exactly where a browser does) and ``json``; thinning is checked against
counts made directly from the input columns.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from replay_docs import FLOOD, HELLO, ring_document

from netsim.errors import NetsimError
from netsim.output.replay import render_html, thin, validate, write_html
from netsim.output.replay.document import complete
from netsim.output.replay.thinning import keep_one_in

NASTY = ["</script><script>alert(1)</script>", "<!--x", "a&b", "line\u2028sep", "R\"'>"]


class _Scripts(HTMLParser):
    """Collects every <script> element's attributes and text, as an HTML parser splits the page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open, "".join(self._text)))
            self._open = None


def _scripts(page: str) -> list[tuple[dict[str, str | None], str]]:
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    return parser.scripts


def test_router_names_that_look_like_markup_cannot_break_the_page() -> None:
    doc = ring_document(NASTY)
    page = render_html(doc)
    scripts = _scripts(page)
    assert len(scripts) == 2  # the data and the viewer: nothing in a name opened or closed another one
    (data_attrs, data), (_, code) = scripts
    assert data_attrs == {"type": "application/json", "id": "replay-data"}
    assert json.loads(data) == json.loads(json.dumps(complete(doc)))
    assert "netsimReplay" in code
    for name in NASTY:
        assert name not in data  # the raw text never appears: only its escaped form
    assert "<" not in data and ">" not in data and "&" not in data


def test_page_is_self_contained_and_forbids_the_network() -> None:
    page = render_html(ring_document(["A", "B", "C", "D", "E"]))
    assert 'http-equiv="Content-Security-Policy"' in page and "default-src 'none'" in page
    lowered = page.lower()
    for external in ('src="http', "src='http", 'href="http', "@import", "<link "):
        assert external not in lowered
    assert "/*__NETSIM_" not in page and "__NETSIM_DATA__" not in page


def test_rendering_is_deterministic_and_ignores_key_order() -> None:
    doc = ring_document(["A", "B", "C", "D", "E"])
    shuffled = {key: doc[key] for key in reversed(list(doc))}
    shuffled["routers"] = [{k: r[k] for k in reversed(list(r))} for r in doc["routers"]]
    assert render_html(doc) == render_html(doc) == render_html(shuffled)


def test_title_is_escaped() -> None:
    doc = ring_document(["A", "B", "C", "D", "E"])
    doc["scenario"] = "<b>cut</b> & heal"
    page = render_html(doc)
    assert "<title>&lt;b&gt;cut&lt;/b&gt; &amp; heal · linkstate — netsim replay</title>" in page


@pytest.mark.parametrize(("mutate", "names"), [
    (lambda d: d.pop("routers"), "missing key 'routers'"),
    (lambda d: d.update(version=2), "version 2"),
    (lambda d: d["messages"]["t1"].pop(), "messages.t1"),
    (lambda d: d["links"][0].update(a="Nowhere"), "links[0].a"),
    (lambda d: d["messages"]["kind"].__setitem__(0, 9), "messages.kind[0]"),
    (lambda d: d["fib"]["cost"].__setitem__(0, math.nan), "fib[0].cost"),
    (lambda d: d["faults"][0].update(kind="storm"), "faults[0].kind"),
    (lambda d: d["expected"].reverse(), "expected[1].from"),
    (lambda d: d["topology"][0].update(router="A"), "topology[0]"),
    (lambda d: d["messages"]["t0"].reverse(), "messages.t0"),
])
def test_a_malformed_document_is_one_line_naming_the_key(mutate, names: str) -> None:
    doc = ring_document(["A", "B", "C", "D", "E"])
    mutate(doc)
    with pytest.raises(NetsimError) as err:
        render_html(doc)
    assert names in str(err.value)
    assert "\n" not in str(err.value)


def test_optional_keys_may_be_left_out() -> None:
    minimal = {"version": 1, "scenario": "s", "protocol": "static", "seed": 0, "end_time": 0.0,
               "routers": [{"name": "A", "label": "A", "x": 0, "y": 0}], "links": []}
    validate(minimal)
    (_, data), _ = _scripts(render_html(minimal))
    assert json.loads(data)["messages"] == {"t0": [], "t1": [], "src": [], "dst": [], "kind": []}


def _hello_doc(per_direction: int, floods: int) -> dict:
    return ring_document(["A", "B", "C", "D", "E"], hellos_per_direction=per_direction, floods=floods)


def test_thinning_keeps_every_other_message_and_evenly_spread_hellos() -> None:
    doc = _hello_doc(per_direction=200, floods=30)  # 2,000 hellos on 10 directions, 61 others
    before = json.dumps(doc, sort_keys=True)
    msgs = doc["messages"]
    rows = list(zip(*(msgs[c] for c in ("t0", "t1", "src", "dst", "kind")), strict=True))
    others = [r for r in rows if r[4] != HELLO]
    out = thin(doc, max_messages=561)
    kept = list(zip(*(out["messages"][c] for c in ("t0", "t1", "src", "dst", "kind")), strict=True))
    assert json.dumps(doc, sort_keys=True) == before  # the input is untouched
    assert len(kept) <= 561
    assert [r for r in kept if r[4] != HELLO] == others  # all of them, in order
    per_direction = Counter((r[2], r[3]) for r in kept if r[4] == HELLO)
    assert set(per_direction.values()) == {50}  # 500 hellos left: one in 4 on every direction
    assert kept == sorted(kept, key=lambda r: r[0])
    assert out["notices"] == ["messages thinned: 1 in 4 hellos shown (2,061 messages)"]
    assert thin(doc, max_messages=561) == out  # deterministic


def test_thinning_leaves_a_small_run_alone_and_never_drops_floods() -> None:
    doc = _hello_doc(per_direction=3, floods=4)
    assert thin(doc, max_messages=10_000) == doc
    out = thin(doc, max_messages=1)
    assert all(k != HELLO for k in out["messages"]["kind"])
    assert out["messages"]["kind"].count(FLOOD) == doc["messages"]["kind"].count(FLOOD)
    assert out["notices"][-1].startswith("messages thinned: no hellos shown")


@given(st.lists(st.integers(0, 300), min_size=1, max_size=12), st.integers(0, 2000))
def test_keep_one_in_is_the_smallest_step_that_fits(per_direction: list[int], budget: int) -> None:
    k = keep_one_in(per_direction, budget)
    kept = lambda step: sum(math.ceil(c / step) for c in per_direction)
    if k == 0:
        assert sum(1 for c in per_direction if c) > budget
        return
    assert kept(k) <= budget or sum(per_direction) == 0
    if k > 1:
        assert kept(k - 1) > budget


def test_write_html_is_atomic_and_keeps_the_old_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out" / "replay.html"
    write_html(ring_document(["A", "B", "C", "D", "E"]), target)
    first = target.read_text(encoding="utf-8")
    assert first.startswith("<!DOCTYPE html>")
    bad = ring_document(["A", "B", "C", "D", "E"])
    bad["links"][0]["delay"] = -1
    with pytest.raises(NetsimError, match=r"links\[0\]\.delay"):
        write_html(bad, target)
    assert target.read_text(encoding="utf-8") == first
    assert sorted(p.name for p in target.parent.iterdir()) == ["replay.html"]  # no temporary file left


def test_an_unwritable_target_is_one_line_naming_the_file(tmp_path: Path) -> None:
    target = tmp_path / "replay.html"
    target.mkdir()  # a directory where the file should go
    with pytest.raises(NetsimError, match=r"replay\.html: cannot write"):
        write_html(ring_document(["A", "B", "C", "D", "E"]), target)
