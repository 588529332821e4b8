"""What a new user reads: the README and docs/ point only at files that exist, say how to reach
the ``netsim`` that ``make demo`` installs, write outputs only where git ignores them, and
document every key the scenario loader accepts for ``flows``."""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from netsim.errors import NetsimError
from netsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TUTORIAL = ROOT / "docs" / "tutorial.md"
#: Options whose argument is a file or directory a command writes.
OUTPUT_OPTIONS = re.compile(r"(?:\s-o|--output|--out|--plot|--csv)\s+(\S+)|\s>\s*(\S+)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_file_a_doc_points_at_exists(doc: Path) -> None:
    """The tutorial once sent readers to a DESIGN.md that is not in the repository."""
    text = doc.read_text(encoding="utf-8")
    missing = []
    for target in re.findall(r"\]\(([^)\s#]+)", text):
        if not re.match(r"[a-z]+:", target) and not (doc.parent / target).exists():
            missing.append(target)
    for name in re.findall(r"(?<![\w/.-])([\w-]+\.md)\b", text):
        if not any((where / name).exists() for where in (doc.parent, ROOT, ROOT / "docs")):
            missing.append(name)
    assert not missing, f"{doc.name} points at files that do not exist: {missing}"


def test_the_tutorial_says_how_to_reach_netsim_before_its_first_command() -> None:
    """`make demo` installs into .venv, which is not on PATH: a bare `netsim` is 'command not found'."""
    text = TUTORIAL.read_text(encoding="utf-8")
    before = text[:text.index("$ netsim ")]
    assert ".venv/bin/activate" in before and ".venv/bin/netsim" in before


def _ignored(path: str) -> bool:
    return subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT).returncode == 0


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout")
@pytest.mark.parametrize("doc", [ROOT / "README.md", TUTORIAL], ids=lambda p: p.name)
def test_doc_commands_write_only_where_git_ignores_it(doc: Path) -> None:
    """Following the tutorial left sweep-cti/ and cti*.png unignored in the checkout's root.
    A command may write into plots/ only to regenerate a figure that is committed there."""
    commands = [line for line in doc.read_text(encoding="utf-8").splitlines() if "netsim " in line]
    listed = subprocess.run(["git", "ls-files", "plots"], cwd=ROOT, capture_output=True, text=True, check=True)
    tracked = set(listed.stdout.split())
    written = [m.group(1) or m.group(2) for line in commands for m in OUTPUT_OPTIONS.finditer(line)]
    assert written, "the doc's commands write nothing: the pattern is out of date"
    paths = {w.strip("`").rstrip("`).],;") for w in written}
    bad = [p for p in paths if not re.fullmatch(r"[A-Z_]+", p)  # a metavar (FILE, DIR) in a synopsis
           and not (_ignored(p) or p.startswith("/tmp/") or p.rstrip("/") == "plots" or p in tracked)]
    assert not bad, f"{doc.name}: commands write outside git-ignored places: {sorted(bad)}"


def test_every_flows_key_the_loader_accepts_is_in_the_scenario_format(tmp_path: Path) -> None:
    """`flows: {sample: N}` worked but was nowhere in docs/scenario-format.md."""
    path = tmp_path / "s.yaml"
    path.write_text("topology: {links: [[a, b]]}\nprotocols: [static]\nflows: {bogus: 1}\n")
    with pytest.raises(NetsimError) as err:
        load_scenario(path)
    keys = re.search(r"expected ([\w, ]+)\)", str(err.value)).group(1).split(", ")  # type: ignore[union-attr]
    assert "sample" in keys
    row = next(line for line in (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8").splitlines()
               if line.startswith("| `flows`"))
    assert all(f"{k}:" in row for k in keys), (keys, row)


def _quoted_runs(text: str) -> list[tuple[str, list[str]]]:
    """Each ``$ netsim ...`` line in a fenced block with the output the doc shows under it."""
    out: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```(?:console)?\n(.*?)```", text, flags=re.S):
        for chunk in re.split(r"^\$ ", textwrap.dedent(block), flags=re.M)[1:]:
            command, *shown = chunk.rstrip().split("\n")
            command = command.removeprefix(".venv/bin/")
            # A quote with no output has nothing to check; an error quoted from a made-up file cannot run.
            if command.startswith("netsim ") and shown and not shown[0].startswith("netsim: error"):
                out.append((command, [line.rstrip() for line in shown]))
    return out


def _run(command: str, scratch: Path) -> list[str]:
    """What ``command`` prints on stdout, any file it writes going to ``scratch`` instead (the
    README's demo writes plots/demo.png, which the test must not overwrite)."""
    import shlex

    from click.testing import CliRunner

    from netsim.cli import cli

    words, _, pipe = command.partition("|")
    args = shlex.split(words)[1:]
    for i, word in enumerate(args[:-1]):
        if word in ("-o", "--output", "--out", "--plot", "--csv") or (word == "--json" and args[0] == "compare"):
            args[i + 1] = str(scratch / f"{i}-{Path(args[i + 1]).name}")
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, (command, result.output)
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    head = re.fullmatch(r"\s*head -(\d+)\s*", pipe)
    return lines[:int(head.group(1))] if head else lines


@pytest.mark.parametrize("command,shown", [q for doc in (ROOT / "README.md", TUTORIAL)
                                           for q in _quoted_runs(doc.read_text(encoding="utf-8"))],
                         ids=lambda x: x if isinstance(x, str) else "")
def test_the_docs_quote_what_netsim_prints_now(command: str, shown: list[str], tmp_path: Path) -> None:
    """Every output the tutorial quotes is what the command prints today, line for line (the
    engine's default timer phases changed and the quoted numbers went stale).  A quote may stop
    early with ``...``; otherwise it stops where the printed block does (at a blank line, before
    the column key of ``run``/``compare``), or at the end."""
    printed = _run(command, tmp_path)
    stripped = [line.strip() for line in shown]
    cut = stripped.index("...") if "..." in stripped else None
    if cut is not None:
        shown = shown[:cut]
    assert printed[:len(shown)] == shown, command
    if cut is None:
        assert len(printed) == len(shown) or printed[len(shown)] == "", command
