"""A router name that does not exist gets the names the user probably meant, wherever it is typed;
``netsim topo show`` lists the names to choose from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile import BASE, assert_user_error, netsim

from netsim.names import closest, hint

ABILENE = ["New York", "Chicago", "Washington DC", "Seattle", "Sunnyvale", "Los Angeles", "Denver",
           "Kansas City", "Houston", "Atlanta", "Indianapolis"]


@pytest.mark.parametrize(("typed", "meant"), [
    ("chicago", ["Chicago"]),          # another case
    ("Denvr", ["Denver"]),             # a typo
    ("NewYork", ["New York"]),         # a missing space
    ("York", ["New York"]),            # a part of the name
])
def test_the_closest_names_come_first(typed: str, meant: list[str]) -> None:
    assert closest(typed, ABILENE)[: len(meant)] == meant


def test_without_a_similar_name_the_message_lists_the_routers_there_are() -> None:
    codes = ["AT", "BE", "CH", "DE", "FR", "NL"]
    assert hint("Frankfurt", codes) == " (no router has a similar name; the 6 routers: AT, BE, CH, DE, FR, NL)"
    many = [f"n{i}" for i in range(40)]
    text = hint("Frankfurt", many)
    assert "the 40 routers: " in text and "and 30 more ('netsim topo show SCENARIO' lists them all)" in text


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace("r1", "Chicago"))
    return path


def test_a_scenario_event_naming_an_unknown_router_suggests_the_closest(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(BASE.replace("link_down: [r1, r2]", "link_down: [chicago, r2]")
                                     .replace("r1", "Chicago"))
    assert_user_error(netsim("run", str(tmp_path / "s.yaml")),
                      "events[0].link_down: unknown router chicago (did you mean Chicago?)")


@pytest.mark.parametrize("args", [
    ("table", "{s}", "--at", "1", "--router", "chicago"),
    ("explain", "{s}", "--router", "chicago"),
    ("explain", "{s}", "--dest", "chicago"),
    ("plot", "timeline", "{s}", "--dest", "chicago", "-o", "{tmp}/t.png"),
], ids=["table --router", "explain --router", "explain --dest", "plot timeline --dest"])
def test_every_option_naming_a_router_suggests_the_closest(scenario: Path, args: tuple[str, ...]) -> None:
    filled = [a.replace("{s}", str(scenario)).replace("{tmp}", str(scenario.parent)) for a in args]
    assert_user_error(netsim(*filled), "unknown router (did you mean Chicago?)")


def test_topo_show_lists_the_router_names_of_a_network_a_file_or_a_scenario(scenario: Path) -> None:
    shown = netsim("topo", "show", "topozoo/Abilene")
    assert shown.exit_code == 0, shown.output
    names = shown.output.split("router names (11, as events and --router take them):\n", 1)[1]
    assert " ".join(names.split()) == ("Atlanta, Chicago, Denver, Houston, Indianapolis, Kansas City, Los Angeles, "
                                       "New York, Seattle, Sunnyvale, Washington DC")
    listed = json.loads(netsim("topo", "show", "--json", str(scenario)).output)
    assert listed["routers"] == ["Chicago", "r2", "r3"]
