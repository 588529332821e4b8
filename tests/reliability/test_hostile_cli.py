"""The corpus of hostile and careless inputs: every case is exit 2, one line naming the file, line
or option and what is wrong, no traceback, a bounded excerpt at most.

Each case is (id, files to lay out, command line, text the line must contain).  ``{tmp}`` is the
case's own directory.  Cases that are documented behaviour rather than errors live in
``test_documented_behaviour.py``; sweeps' resume guarantees in ``test_sweep_trust.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile import ALIAS_BOMB, BASE, Directory, Sparse, assert_user_error, expand, lay_out, netsim

BIG = "9" * 5000  # more digits than Python will convert
PASSWD = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
SECRET = ("root:x", "/bin/bash", "daemon")  # what a message must never quote back


def scenario(**replace: str) -> str:
    text = BASE
    for old, new in replace.items():
        text = text.replace(old.replace("_SP_", " "), new)
    return text


def with_topology(spec: str, events: str = "events: [{at: 30, link_down: [a, b]}]") -> str:
    return f"topology: {spec}\nprotocols:\n  linkstate: {{hello_interval: 1, dead_interval: 4}}\n{events}\n"


TRIANGLE_EVENTS = "events: [{at: 30, link_down: [a, b]}]"
HUGE_COST_FILES = {
    "yaml": "links:\n  - [a, b, 1.0e+308]\n  - [b, c, 1.0e+308]\n  - [c, a, 1]\n",
    "txt": "a b 1e308\nb c 1e308\nc a 1\n",
    "json": '{"nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "edges": [{"source": "a", "target": "b", '
            '"cost": 1e308}, {"source": "b", "target": "c", "cost": 1e308}, {"source": "c", "target": "a"}]}',
    "gml": 'graph [\n node [ id 0 label "a" ]\n node [ id 1 label "b" ]\n node [ id 2 label "c" ]\n'
           ' edge [ source 0 target 1 cost 1.0E308 ]\n edge [ source 1 target 2 cost 1.0E308 ]\n'
           ' edge [ source 2 target 0 cost 1 ]\n]\n',
    "graphml": '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
               '<key id="c" for="edge" attr.name="cost" attr.type="double"/><graph edgedefault="undirected">'
               '<node id="a"/><node id="b"/><node id="c"/><edge source="a" target="b"><data key="c">1e308</data>'
               '</edge><edge source="b" target="c"><data key="c">1e308</data></edge><edge source="c" target="a"/>'
               '</graph></graphml>',
}
BIG_NUMBER_FILES = {
    "yaml": f"links:\n  - [a, b, {BIG}]\n  - [b, c]\n  - [c, a]\n",
    "txt": f"a b {BIG}\nb c\nc a\n",
    "json": '{"nodes": [{"id": "a"}, {"id": "b"}], "edges": [{"source": "a", "target": "b", "cost": ' + BIG + "}]}",
    "gml": f'graph [\n node [ id 0 label "a" ]\n node [ id 1 label "b" ]\n edge [ source 0 target 1 cost {BIG} ]\n]\n',
}
NODE_LINK = '{"nodes": [{"id": "%s"}, {"id": "c"}], "edges": [{"source": "%s", "target": "c"}]}'
ENTITY_BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE graphml [\n<!ENTITY l0 "lol">\n'
               + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">\n' for i in range(1, 10))
               + ']>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="undirected">'
                 '<node id="&l9;"/><node id="b"/></graph></graphml>\n')
EXTERNAL_ENTITY = ('<?xml version="1.0"?>\n<!DOCTYPE graphml [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                   '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="undirected">'
                   '<node id="&x;"/><node id="b"/><edge source="&x;" target="b"/></graph></graphml>\n')
BAD_NAME_FILES = {
    "json-tab": ("json", NODE_LINK % ("a\\tb", "a\\tb")),
    "json-newline": ("json", NODE_LINK % ("a\\nb", "a\\nb")),
    "txt-dash": ("txt", '"-" b\nb c\nc "-"\n'),
    "yaml-en-dash": ("yaml", "links:\n  - [–, b]\n  - [b, c]\n  - [c, –]\n"),
}

CASES: list[tuple[str, dict, tuple[str, ...], str]] = [
    # -- input bounds: size, devices, aliases, numbers --------------------------------------------
    ("scenario-alias-bomb", {"s.yaml": ALIAS_BOMB + "topology: {links: [[a, b]]}\n"}, ("run", "{tmp}/s.yaml"),
     "expands to more than"),
    ("scenario-over-16MB", {"s.yaml": Sparse(17 * 2**20)}, ("run", "{tmp}/s.yaml"), "is too large (at most 16 MB)"),
    ("scenario-dev-zero", {}, ("run", "/dev/zero"), "/dev/zero: not a regular file"),
    ("scenario-is-a-directory", {"d.yaml": Directory()}, ("run", "{tmp}/d.yaml"), "is a directory"),
    ("scenario-binary", {"s.yaml": b"\x00\x01\xff\xfe" * 100}, ("run", "{tmp}/s.yaml"), "not a text file"),
    ("scenario-not-utf8", {"s.yaml": b"name: \xff\xfe\n"}, ("run", "{tmp}/s.yaml"), "not UTF-8"),
    ("scenario-empty", {"s.yaml": ""}, ("run", "{tmp}/s.yaml"), "a scenario must be a YAML mapping"),
    ("scenario-5000-digit-cost", {"s.yaml": scenario(**{"[r3, r1, 2]": f"[r3, r1, {BIG}]"})},
     ("run", "{tmp}/s.yaml"), ":5: number 99999999999999999999… is too long"),
    ("scenario-5000-digit-seed", {"s.yaml": BASE + f"seed: {BIG}\n"}, ("run", "{tmp}/s.yaml"), "is too long"),
    ("scenario-cost-1e308", {"s.yaml": scenario(**{"[r1, r2]": "[r1, r2, 1.0e+308]",
                                                   "[r2, r3]": "[r2, r3, 1.0e+308]"})},
     ("run", "{tmp}/s.yaml"), "cost must be a finite number up to 1e+12"),
    ("scenario-huge-name-echo-bounded", {"s.yaml": BASE + "name: [" + ", ".join(["x" * 1000] * 50) + "]\n"},
     ("run", "{tmp}/s.yaml"), "name: must be a non-empty one-line string"),
    ("scenario-deep-value-echo-bounded", {"s.yaml": BASE + "seed: " + "[" * 200 + "]" * 200 + "\n"},
     ("run", "{tmp}/s.yaml"), "seed: must be a whole number"),
    ("topology-yaml-alias-bomb", {"t.yaml": ALIAS_BOMB + "links: [[a, b]]\n",
                                  "s.yaml": with_topology("{file: t.yaml}")},
     ("run", "{tmp}/s.yaml"), "expands to more than"),
    ("topo-show-alias-bomb", {"t.yaml": ALIAS_BOMB + "links: [[a, b]]\n"}, ("topo", "show", "{tmp}/t.yaml"),
     "expands to more than"),
    ("topology-dev-zero-as-gml", {"s.yaml": with_topology("{file: /dev/zero, format: gml}")},
     ("run", "{tmp}/s.yaml"), "/dev/zero: not a regular file"),
    *[(f"topology-over-16MB-{fmt}", {f"t.{fmt}": Sparse(17 * 2**20), "s.yaml": with_topology(f"{{file: t.{fmt}}}")},
       ("run", "{tmp}/s.yaml"), "is too large (at most 16 MB)") for fmt in ("yaml", "graphml", "gml", "json", "txt")],
    *[(f"topo-show-over-16MB-{fmt}", {f"t.{fmt}": Sparse(17 * 2**20)}, ("topo", "show", f"{{tmp}}/t.{fmt}"),
       "is too large") for fmt in ("yaml", "graphml", "gml", "json", "txt")],
    *[(f"topology-5000-digit-number-{fmt}", {f"t.{fmt}": text}, ("topo", "show", f"{{tmp}}/t.{fmt}"), f"t.{fmt}")
      for fmt, text in BIG_NUMBER_FILES.items()],
    *[(f"topology-cost-1e308-{fmt}", {f"t.{fmt}": text, "s.yaml": with_topology(f"{{file: t.{fmt}}}")},
       ("run", "{tmp}/s.yaml"), "must be at most 1e+12") for fmt, text in HUGE_COST_FILES.items()],
    ("generator-huge-size", {"s.yaml": with_topology(f"{{generator: {{kind: ring, n: {'9' * 30}}}}}")},
     ("run", "{tmp}/s.yaml"), "n must be an integer from"),
    *[(f"etc-passwd-as-{fmt}", {f"p.{fmt}": PASSWD}, ("topo", "show", f"{{tmp}}/p.{fmt}"), f"p.{fmt}")
      for fmt in ("gml", "graphml", "json", "txt", "yaml")],
    ("graphml-entity-bomb", {"t.graphml": ENTITY_BOMB}, ("topo", "show", "{tmp}/t.graphml"), "not valid GraphML"),
    ("graphml-external-entity", {"t.graphml": EXTERNAL_ENTITY}, ("topo", "show", "{tmp}/t.graphml"),
     "not valid GraphML"),
    ("json-nested-too-deeply", {"t.json": "[" * 100_000 + "]" * 100_000}, ("topo", "show", "{tmp}/t.json"), "t.json"),
    ("gml-nested-too-deeply", {"t.gml": "graph [ " + "a [ " * 50_000 + "] " * 50_001}, ("topo", "show", "{tmp}/t.gml"),
     "t.gml"),
    ("yaml-nested-too-deeply", {"s.yaml": "seed: " + "[" * 50_000 + "]" * 50_000 + "\n"}, ("run", "{tmp}/s.yaml"),
     "s.yaml"),
    ("etc-passwd-as-gml-in-scenario", {"p.gml": PASSWD, "s.yaml": with_topology("{file: p.gml}")},
     ("run", "{tmp}/s.yaml"), "not valid GML at line 1"),
    # -- work that explodes ----------------------------------------------------------------------------
    ("duration-1e12", {"s.yaml": BASE + "duration: 1.0e+12\n"}, ("run", "{tmp}/s.yaml"), "too much work, refused"),
    ("event-at-1e15", {"s.yaml": scenario(**{"at: 30": "at: 1.0e+15"})}, ("run", "{tmp}/s.yaml"),
     "too much work, refused"),
    ("hello-interval-1e-9", {"s.yaml": scenario(**{"hello_interval: 1": "hello_interval: 1.0e-9"})},
     ("run", "{tmp}/s.yaml"), "mostly periodic protocol messages"),
    ("bfd-interval-1e-9", {"s.yaml": BASE + "bfd: {interval: 1.0e-9}\n"}, ("run", "{tmp}/s.yaml"),
     "mostly BFD packets"),
    ("flows-rate-1e9", {"s.yaml": BASE + "flows: {rate: 1.0e+9}\n"}, ("run", "{tmp}/s.yaml"), "pass --yes"),
    ("flap-count-ten-million", {"s.yaml": scenario(**{"link_down: [r1, r2]}": "flap: [r1, r2], period: 2, "
                                                                              "count: 10000000}"})},
     ("run", "{tmp}/s.yaml"), "20,000,000 link or router changes"),
    ("line-of-10000-routers-link-state", {"s.yaml": with_topology("{generator: {kind: line, n: 10000}}",
                                                                  "events: [{at: 30, link_down: [r1, r2]}]")},
     ("run", "{tmp}/s.yaml", "-p", "linkstate"), "pass --yes"),
    ("compare-sums-its-runs", {"s.yaml": BASE + "flows: {rate: 1.0e+9}\n"}, ("compare", "{tmp}/s.yaml"), "pass --yes"),
    ("explain-large", {"s.yaml": BASE + "flows: {rate: 1.0e+9}\n"}, ("explain", "{tmp}/s.yaml"), "pass --yes"),
    ("table-large-before-at", {"s.yaml": BASE + "bfd: {interval: 1.0e-9}\n"}, ("table", "{tmp}/s.yaml", "--at", "40"),
     "mostly BFD packets"),
    ("plot-timeline-large", {"s.yaml": BASE + "flows: {rate: 1.0e+9}\n"},
     ("plot", "timeline", "{tmp}/s.yaml", "-o", "{tmp}/t.png"), "pass --yes"),
    ("plot-cdf-many-seeds", {"s.yaml": BASE}, ("plot", "cdf", "{tmp}/s.yaml", "--seeds", "100000000", "-o",
                                                "{tmp}/c.png"), "too much work, refused"),
    ("sweep-hello-1e-9", {"s.yaml": BASE}, ("sweep", "{tmp}/s.yaml", "--set", "linkstate.hello_interval=1.0e-9",
                                            "--out", "{tmp}/o"), "too much work, refused"),
    ("scale-huge-sizes", {}, ("scale", "--sizes", "5000", "-p", "linkstate", "--plot", "{tmp}/s.png"),
     "pass --yes"),
    # -- values that give silently wrong results -------------------------------------------------------
    ("nan-option-in-yaml", {"s.yaml": scenario(**{"hello_interval: 1": "hello_interval: .nan"})},
     ("run", "{tmp}/s.yaml"), "hello_interval: must be a finite number"),
    ("inf-option-in-yaml", {"s.yaml": scenario(**{"dead_interval: 4": "dead_interval: .inf"})},
     ("run", "{tmp}/s.yaml"), "dead_interval: must be a finite number"),
    ("nan-option-in-set", {"s.yaml": BASE}, ("sweep", "{tmp}/s.yaml", "--set", "linkstate.spf_delay=.nan"),
     "is not a value"),
    ("inf-option-in-set", {"s.yaml": BASE}, ("sweep", "{tmp}/s.yaml", "--set", "linkstate.spf_delay=.inf"),
     "is not a value"),
    ("set-breaks-cross-option-rule", {"s.yaml": BASE},
     ("sweep", "{tmp}/s.yaml", "--set", "linkstate.hello_interval=10", "--set", "linkstate.dead_interval=5"),
     "dead_interval: must be greater than hello_interval"),
    ("set-unterminated-list", {"s.yaml": BASE}, ("sweep", "{tmp}/s.yaml", "--set", "linkstate.spf_delay=["),
     "is not a value"),
    ("set-5000-digit-value", {"s.yaml": BASE}, ("sweep", "{tmp}/s.yaml", "--set", f"linkstate.spf_delay={BIG}"),
     "is not a value"),
    ("seeds-hundred-million", {"s.yaml": BASE}, ("sweep", "{tmp}/s.yaml", "--seeds", "0-100000000"),
     "at most 100,000"),
    ("seeds-5000-digits", {"s.yaml": BASE}, ("sweep", "{tmp}/s.yaml", "--seeds", BIG), "--seeds"),
    ("grid-too-large", {"s.yaml": BASE}, ("sweep", "{tmp}/s.yaml", "--set", "linkstate.spf_delay=" +
                                          ",".join(str(i / 1000) for i in range(1, 401)), "--seeds", "0-299"),
     "spans 120,000 runs"),
    ("fail-at-nan", {"s.yaml": BASE}, ("sweep", "{tmp}/s.yaml", "--failures", "every-link", "--fail-at", "nan"),
     "--fail-at nan: must be a finite time"),
    ("failures-5000-digit-count", {"s.yaml": BASE}, ("sweep", "{tmp}/s.yaml", "--failures", f"random-links:{BIG}"),
     "--failures"),
    ("jobs-hundred-thousand", {"s.yaml": BASE}, ("sweep", "{tmp}/s.yaml", "-j", "100000"), "'--jobs'"),
    ("scale-jobs-hundred-thousand", {}, ("scale", "-j", "100000"), "'--jobs'"),
    ("scale-negative-size", {}, ("scale", "--sizes=-4", "--plot", "{tmp}/s.png"), "sizes go from 3"),
    ("scale-size-not-a-number", {}, ("scale", "--sizes=a,b", "--plot", "{tmp}/s.png"), "expected whole numbers"),
    ("event-at-exactly-duration", {"s.yaml": BASE + "duration: 30\n"}, ("run", "{tmp}/s.yaml"),
     "not before the scenario's duration"),
    ("table-at-nan", {"s.yaml": BASE}, ("table", "{tmp}/s.yaml", "--at", "nan"), "must be a finite time"),
    ("table-at-inf", {"s.yaml": BASE}, ("table", "{tmp}/s.yaml", "--at", "inf"), "must be a finite time"),
    ("explain-from-nan", {"s.yaml": BASE}, ("explain", "{tmp}/s.yaml", "--from", "nan"), "must be a finite time"),
    ("explain-to-inf", {"s.yaml": BASE}, ("explain", "{tmp}/s.yaml", "--to", "inf"), "must be a finite time"),
    ("explain-router-5000-chars", {"s.yaml": BASE}, ("explain", "{tmp}/s.yaml", "--router", "x" * 5000),
     "unknown router"),
    ("table-router-5000-chars", {"s.yaml": BASE}, ("table", "{tmp}/s.yaml", "--at", "5", "--router", "x" * 5000),
     "unknown router"),
    ("plot-timeline-from-nan", {"s.yaml": BASE}, ("plot", "timeline", "{tmp}/s.yaml", "--from", "nan", "-o",
                                                  "{tmp}/t.png"), "must be a finite time"),
    ("plot-messages-bin-1e-300", {"s.yaml": BASE}, ("plot", "messages", "{tmp}/s.yaml", "--bin", "1e-300", "-o",
                                                    "{tmp}/m.png"), "at most 100,000"),
    ("scenario-path-5000-chars", {}, ("run", "{tmp}/" + "p" * 5000 + ".yaml"), "File name too long"),
    ("topo-show-name-5000-chars", {}, ("topo", "show", "z" * 5000), "no topohub network named"),
    ("explain-two-protocols", {"s.yaml": BASE}, ("explain", "{tmp}/s.yaml", "-p", "rip", "-p", "ospf"), "choose one"),
    ("router-named-dash", {"s.yaml": scenario(**{"[r2, r3]": "[r2, '-']", "[r3, r1, 2]": "['-', r1, 2]"})},
     ("run", "{tmp}/s.yaml"), "is the mark tables use"),
    ("router-named-en-dash", {"s.yaml": scenario(**{"[r2, r3]": "[r2, –]", "[r3, r1, 2]": "[–, r1, 2]"})},
     ("run", "{tmp}/s.yaml"), "is the mark tables use"),
    ("router-name-with-tab", {"s.yaml": scenario(**{"[r2, r3]": '[r2, "r\\t3"]', "[r3, r1, 2]": '["r\\t3", r1, 2]'})},
     ("run", "{tmp}/s.yaml"), "must be one line of printable characters"),
    ("router-name-with-newline", {"s.yaml": scenario(**{"[r2, r3]": '[r2, "r\\n3"]',
                                                        "[r3, r1, 2]": '["r\\n3", r1, 2]'})},
     ("run", "{tmp}/s.yaml"), "must be one line of printable characters"),
    *[(f"topology-file-router-name-{label}", {f"t.{fmt}": text}, ("topo", "show", f"{{tmp}}/t.{fmt}"), "router name")
      for label, (fmt, text) in BAD_NAME_FILES.items()],
    # -- output paths, checked before any work (the scenario is missing: the output is named first) -----
    ("run-out-under-a-file", {"f.txt": "x"}, ("run", "{tmp}/missing.yaml", "--out", "{tmp}/f.txt/sub"),
     "f.txt is not a directory"),
    ("run-out-is-a-file", {"f.txt": "x"}, ("run", "{tmp}/missing.yaml", "--out", "{tmp}/f.txt"), "is a file"),
    ("run-out-in-proc", {}, ("run", "{tmp}/missing.yaml", "--out", "/proc/nope"), "/proc/nope: cannot write"),
    ("compare-json-in-proc", {}, ("compare", "{tmp}/missing.yaml", "--json", "/proc/x.json"), "/proc/x.json"),
    ("compare-plot-in-proc", {}, ("compare", "{tmp}/missing.yaml", "--plot", "/proc/x.png"), "/proc/x.png"),
    ("compare-plot-bad-format", {}, ("compare", "{tmp}/missing.yaml", "--plot", "{tmp}/bad.txt"),
     "cannot write a 'txt' image"),
    ("compare-json-ok-plot-bad", {"f.txt": "x"}, ("compare", "{tmp}/missing.yaml", "--json", "{tmp}/a.json", "--plot",
                                      "{tmp}/f.txt/x.png"), "x.png"),
    *[(f"plot-{kind}-under-a-file", {"f.txt": "x"}, ("plot", kind, "{tmp}/missing.yaml", "-o", "{tmp}/f.txt/x.png"),
       "f.txt is not a directory") for kind in ("convergence", "timeline", "messages", "topology", "cdf")],
    ("plot-readme-out-is-a-file", {"f.txt": "x"}, ("plot", "readme", "-o", "{tmp}/f.txt"), "is a file"),
    ("plot-readme-out-under-a-file", {"f.txt": "x"}, ("plot", "readme", "-o", "{tmp}/f.txt/figs"),
     "f.txt is not a directory"),
    ("topo-draw-under-a-file", {"f.txt": "x"}, ("topo", "draw", "{tmp}/missing.yaml", "-o", "{tmp}/f.txt/x.png"),
     "f.txt is not a directory"),
    ("topo-export-in-proc", {}, ("topo", "export", "{tmp}/missing.yaml", "-o", "/proc/x.yaml"), "/proc/x.yaml"),
    ("topo-generate-under-a-file", {"f.txt": "x"}, ("topo", "generate", "ring", "n=5", "-o", "{tmp}/f.txt/r.yaml"),
     "f.txt is not a directory"),
    ("sweep-out-is-a-file", {"f.txt": "x"}, ("sweep", "{tmp}/missing.yaml", "--out", "{tmp}/f.txt"), "is a file"),
    ("sweep-out-under-a-file", {"f.txt": "x"}, ("sweep", "{tmp}/missing.yaml", "--out", "{tmp}/f.txt/o"),
     "f.txt is not a directory"),
    ("sweep-out-in-proc", {}, ("sweep", "{tmp}/missing.yaml", "--out", "/proc/nope"), "/proc/nope"),
    ("scale-plot-under-a-file", {"f.txt": "x"}, ("scale", "--plot", "{tmp}/f.txt/x.png"), "f.txt is not a directory"),
    ("scale-csv-in-proc", {}, ("scale", "--plot", "{tmp}/s.png", "--csv", "/proc/x.csv"), "/proc/x.csv"),
    # -- the command line itself ------------------------------------------------------------------------
    ("seed-not-a-number", {"s.yaml": BASE}, ("run", "{tmp}/s.yaml", "--seed", "1.5"), "'--seed'"),
    ("seed-5000-digits", {"s.yaml": BASE}, ("run", "{tmp}/s.yaml", "--seed", BIG), "'--seed'"),
    ("unknown-option", {"s.yaml": BASE}, ("run", "{tmp}/s.yaml", "--colour"), "No such option"),
    ("unknown-command", {}, ("simulate",), "No such command"),
    ("topo-generate-5000-digit-parameter", {}, ("topo", "generate", "ring", f"n={BIG}", "-o", "{tmp}/r.yaml"),
     "not a value"),
    ("results-file-5000-digit-number", {"r.json": '[{"protocol": "x", "events": [], "seed": ' + BIG + "}]"},
     ("plot", "convergence", "{tmp}/r.json", "-o", "{tmp}/c.png"), "r.json"),
    ("results-file-over-16MB", {"r.json": Sparse(17 * 2**20)},
     ("plot", "convergence", "{tmp}/r.json", "-o", "{tmp}/c.png"), "is too large"),
]


@pytest.mark.parametrize("files,args,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_input_is_one_line_and_exit_2(tmp_path: Path, files: dict, args: tuple[str, ...],
                                              expected: str) -> None:
    lay_out(tmp_path, files)
    result = netsim(*expand(args, tmp_path))
    assert_user_error(result, expected, forbidden=SECRET)
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.startswith(".")]
    assert leftovers == [], leftovers  # no temporary or staging file left behind


def test_case_ids_are_unique() -> None:
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.skipif(os.geteuid() == 0, reason="permission bits do not bind root")
def test_read_only_output_directory_is_refused_before_the_run(tmp_path: Path) -> None:
    lay_out(tmp_path, {"ro": Directory(0o555)})
    try:
        for args in (("run", "{tmp}/missing.yaml", "--out", "{tmp}/ro/out"),
                     ("compare", "{tmp}/missing.yaml", "--json", "{tmp}/ro/a.json"),
                     ("compare", "{tmp}/missing.yaml", "--plot", "{tmp}/ro/a.png"),
                     ("sweep", "{tmp}/missing.yaml", "--out", "{tmp}/ro")):
            assert_user_error(netsim(*expand(args, tmp_path)), "ro")
    finally:
        (tmp_path / "ro").chmod(0o755)
