"""A YAML loader that refuses hostile documents before they cost memory or time.

Two attacks fit in a few hundred bytes of YAML: nested aliases that expand to billions of values
when the document is walked or printed (the "billion laughs"), and numbers thousands of digits
long (Python refuses to convert more than 4,300 digits, and a huge cost overflows float
arithmetic later).  :class:`BoundedLoader` refuses both while the document is read, as a
:class:`YamlLimitError` carrying the line; scenario files and topology files both load through it.
"""

from __future__ import annotations

from typing import Any

import yaml

#: Largest document, counting every value an alias repeats.
MAX_NODES = 2_000_000
#: Longest number, in characters, a document may write.
MAX_NUMBER_CHARS = 40


class YamlLimitError(yaml.MarkedYAMLError):
    """A document beyond a bound; ``problem`` says which, ``problem_mark`` where."""

    def __init__(self, node: yaml.Node, problem: str) -> None:
        super().__init__(problem=problem, problem_mark=node.start_mark)

    @property
    def line(self) -> int:
        return self.problem_mark.line + 1 if self.problem_mark is not None else 0


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` with the alias-expansion and number-length bounds."""

    def compose_document(self) -> Any:  # type: ignore[override]
        node = super().compose_document()
        if node is not None and expanded_size(node, {}) > MAX_NODES:
            raise YamlLimitError(node, f"the document expands to more than {MAX_NODES:,} values through YAML "
                                       f"aliases; refusing it")
        return node


def expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Values in the document once every alias is expanded (memoised per node: linear time)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a cycle counts once
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += expanded_size(child, memo)
            if total > MAX_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            total += expanded_size(k, memo) + expanded_size(v, memo)
            if total > MAX_NODES:
                break
    memo[key] = total
    return total


def check_number(node: yaml.ScalarNode) -> str:
    """The number's text, refused when it is too long to be a sensible number."""
    text = str(node.value)
    if len(text) > MAX_NUMBER_CHARS:
        raise YamlLimitError(node, f"number {text[:20]}… is too long (at most {MAX_NUMBER_CHARS} characters)")
    return text


def _int(loader: BoundedLoader, node: yaml.ScalarNode) -> int:
    check_number(node)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _float(loader: BoundedLoader, node: yaml.ScalarNode) -> float:
    check_number(node)
    return yaml.SafeLoader.construct_yaml_float(loader, node)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", _int)
BoundedLoader.add_constructor("tag:yaml.org,2002:float", _float)


class LInt(int):
    """An integer that remembers how it was written (``source``)."""

    source: str


class LFloat(float):
    """A float that remembers how it was written (``source``)."""

    source: str


def source_text(value: Any) -> str:
    """The text a scalar was written as (``010`` stays ``010``, not YAML 1.1's octal 8);
    ``str(value)`` otherwise."""
    return getattr(value, "source", None) or str(value)


class SourceLoader(BoundedLoader):
    """The bounded loader, with numbers that remember their text: a router named ``010`` or
    ``0x10`` or ``1_000`` must keep that name, whatever YAML 1.1 makes of it as a number."""


def _source_int(loader: SourceLoader, node: yaml.ScalarNode) -> int:
    out = LInt(_int(loader, node))
    out.source = str(node.value)
    return out


def _source_float(loader: SourceLoader, node: yaml.ScalarNode) -> float:
    out = LFloat(_float(loader, node))
    out.source = str(node.value)
    return out


SourceLoader.add_constructor("tag:yaml.org,2002:int", _source_int)
SourceLoader.add_constructor("tag:yaml.org,2002:float", _source_float)


def load_document(text: str) -> tuple[Any, yaml.Node | None]:
    """The document's data (numbers remember their text) and its node tree (for line
    numbers); raises yaml.YAMLError."""
    loader = SourceLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    return data, root
