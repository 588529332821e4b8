"""YAML loading that remembers where every key and item came from, and refuses hostile input.

Mappings load as :class:`LDict` and sequences as :class:`LList`; both carry the line of each
key/item, so validation can say ``scenario.yaml:14: events[2].link_down: ...``.  Duplicate keys
are an error (PyYAML silently keeps the last one, which hides typos).  Numbers keep the text they
were written as (``source_text``), so a router named ``010`` stays ``010`` rather than becoming
8 under YAML 1.1's octal rule.

Bounds (:mod:`netsim.inputs`, :mod:`netsim.safeyaml`): a file larger than ``MAX_BYTES`` is
refused before parsing, and so is a document whose aliases would expand it beyond ``MAX_NODES``
values (a few hundred bytes of nested aliases can otherwise describe gigabytes) or that writes a
number longer than 40 characters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from netsim.errors import NetsimError
from netsim.inputs import MAX_BYTES, read_text, short
from netsim.safeyaml import MAX_NODES, LFloat, LInt, SourceLoader, YamlLimitError, source_text

__all__ = ["MAX_BYTES", "MAX_NODES", "LDict", "LFloat", "LInt", "LList", "load_yaml", "parse_yaml", "read_text",
           "short", "source_text"]


class LDict(dict):
    """A dict with ``line`` (of the mapping) and ``key_lines`` (line of each key)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return getattr(self, "key_lines", {}).get(key, self.line)


class LList(list):
    """A list with ``line`` (of the sequence) and ``item_lines`` (line of each item)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        lines = getattr(self, "item_lines", [])
        return lines[index] if 0 <= index < len(lines) else self.line


class _Loader(SourceLoader):
    """The bounded loader with numbers that remember their text, building :class:`LDict` and :class:`LList`."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LDict:
    loader.flatten_mapping(node)
    out = LDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise _Located(line, f"unsupported key {short(key)}")
        if key in out:
            raise _Located(line, f"duplicate key {short(key)}")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LList:
    out = LList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


class _Located(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_yaml(path: Path, display: str, error: type[NetsimError] = NetsimError) -> Any:
    """Parse ``path``; any problem becomes one-line ``error`` naming ``display`` and the line."""
    return parse_yaml(read_text(path, display, error), display, error)


def parse_yaml(text: str, display: str, error: type[NetsimError] = NetsimError) -> Any:
    if len(text) > MAX_BYTES:
        raise error(f"{display}: too large (at most {MAX_BYTES // (1024 * 1024)} MB)")
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except _Located as exc:
        raise error(f"{display}:{exc.line}: {exc.message}") from None
    except YamlLimitError as exc:
        raise error(f"{display}:{exc.line}: {exc.problem}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        what = (exc.problem or exc.context or "malformed YAML").strip()
        raise error(f"{display}{line}: malformed YAML: {short(what, 80)}") from None
    except yaml.YAMLError as exc:
        raise error(f"{display}: malformed YAML: {short(str(exc).splitlines()[0], 80)}") from None
    except RecursionError:
        raise error(f"{display}: nested too deeply") from None
