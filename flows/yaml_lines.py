"""YAML reading that keeps line numbers, so that errors can name the line to edit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

# libyaml's parser when PyYAML was built with it: about ten times faster on large corpora.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PlainLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """SafeLoader where dates stay text and only true/false are booleans (so `NO` is Norway)."""


_PlainLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PlainLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)


@dataclass
class Mapping:
    """A YAML mapping with the 1-based line of the mapping and of each key."""

    values: dict[str, Any]
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        """Value of `key`, or `default`."""
        return self.values.get(key, default)


@dataclass
class Sequence:
    """A YAML sequence with the line of the sequence and of each item."""

    items: list[Any]
    line: int
    item_lines: list[int] = field(default_factory=list)


class YamlSyntaxError(Exception):
    """A file that is not valid YAML, with the line of the first error."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        super().__init__(message)


def load_with_lines(text: str) -> Any:
    """Parse one YAML document into Mapping/Sequence/scalars carrying line numbers."""
    try:
        node = yaml.compose(text, Loader=_PlainLoader)
        return None if node is None else _convert(node, _PlainLoader(""))
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, max(error.position, 0)) + 1
        message = f"character #x{error.character:04x} is not allowed in YAML"
        raise YamlSyntaxError(line, message) from error
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(line, f"{error.problem or error.context}") from error
    except yaml.YAMLError as error:
        raise YamlSyntaxError(1, str(error)) from error
    except RecursionError as error:
        raise YamlSyntaxError(1, "an alias refers to itself") from error


def _convert(node: yaml.Node, loader: _PlainLoader) -> Any:
    """Turn a composed node into plain values wrapped with their lines."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping = Mapping({}, line)
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node))
            if key in mapping.values:
                raise YamlSyntaxError(key_node.start_mark.line + 1, f"duplicate key {key!r}")
            mapping.values[key] = _convert(value_node, loader)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return Sequence(
            [_convert(item, loader) for item in node.value],
            line,
            [item.start_mark.line + 1 for item in node.value],
        )
    return loader.construct_object(node)
