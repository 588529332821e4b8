"""YAML loading that remembers where every key and item came from.

Mappings load as :class:`LDict` and sequences as :class:`LList`; both carry the line of each
key/item, so validation can say ``scenario.yaml:14: events[2].link_down: ...``.  Duplicate
keys are an error (PyYAML silently keeps the last one, which hides typos).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from netsim.errors import NetsimError


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


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LDict:
    loader.flatten_mapping(node)
    out = LDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise _Located(line, f"unsupported key {key!r}")
        if key in out:
            raise _Located(line, f"duplicate key {key!r}")
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
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{display}: no such file") from None
    except IsADirectoryError:
        raise error(f"{display}: is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{display}: cannot read: {exc}") from None
    return parse_yaml(text, display, error)


def parse_yaml(text: str, display: str, error: type[NetsimError] = NetsimError) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except _Located as exc:
        raise error(f"{display}:{exc.line}: {exc.message}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        what = (exc.problem or exc.context or "malformed YAML").strip()
        raise error(f"{display}{line}: malformed YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise error(f"{display}: malformed YAML: {str(exc).splitlines()[0]}") from None
