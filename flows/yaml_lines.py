"""YAML reading that keeps line numbers, so that errors can name the line to edit.

The file is read from the parser's event stream, never composed or constructed by PyYAML, so:
- anchors and aliases are refused at the first one, before anything is expanded (a "billion
  laughs" file costs one event);
- explicit tags (`!!bool yes`, `!foo`) are refused;
- plain scalars follow the YAML 1.2 core schema (`true`/`false`, `null`/`~`, decimal numbers,
  `.inf`/`.nan`), so `yes`, `no`, `on`, `off`, `y`, `n` and `NO` (Norway) stay text and dates
  stay text; numbers YAML 1.1 and 1.2 read differently (`010`, `0o10`, `0x10`, `0b10`) are
  refused with a message saying how to write them;
- duplicate keys are refused, nesting is bounded, and every key is the text as written.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

# libyaml's parser when PyYAML was built with it: about ten times faster on large corpora.
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SHARED_LENGTH = 64  # text up to this many characters is interned (see _shared)
MAX_DEPTH = 32  # an annotation file nests about 7 levels; deeper is a mistake or an attack

_NULL = re.compile(r"null|Null|NULL|~|")
_TRUE = re.compile(r"true|True|TRUE")
_FALSE = re.compile(r"false|False|FALSE")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INFINITY = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
# Plain scalars that YAML 1.1 and YAML 1.2 read as different numbers (or a number and text).
_AMBIGUOUS_NUMBER = re.compile(r"[-+]?(?:0[0-9_]+|0[oO][0-7_]+|0[xX][0-9a-fA-F_]+|0[bB][01_]+)")
# First characters of every plain scalar that is not text (the empty string is null).
_NOT_TEXT_STARTS = frozenset(["", *"0123456789+-.~nNtTfF"])


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
    """A file that is not valid YAML (or uses YAML we refuse), with the line of the error."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        super().__init__(message)


def load_with_lines(text: str) -> Any:
    """Parse one YAML document into Mapping/Sequence/scalars carrying line numbers."""
    parser = _Parser(text)
    try:
        return _Builder(parser).document()
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
    finally:
        parser.dispose()


def plain_scalar(value: str, line: int) -> Any:
    """A plain (unquoted) scalar under the YAML 1.2 core schema; ambiguous numbers refused."""
    if value[:1] not in _NOT_TEXT_STARTS:  # most scalars: plain text, decided at once
        return value
    if _NULL.fullmatch(value):
        return None
    if _TRUE.fullmatch(value):
        return True
    if _FALSE.fullmatch(value):
        return False
    if _AMBIGUOUS_NUMBER.fullmatch(value):
        raise YamlSyntaxError(
            line,
            f"{value} is read as different numbers by different YAML versions (octal, hex or "
            "binary): write the number in decimal without leading zeros, or put "
            f"'{value}' in quotes if it is text",
        )
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    if _INFINITY.fullmatch(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN.fullmatch(value):
        return math.nan
    return value


class _Builder:
    """Builds Mapping/Sequence/scalars from parser events, without recursion."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser

    def document(self) -> Any:
        """The single document of the stream (None for an empty stream)."""
        self._expect(yaml.StreamStartEvent)
        if self.parser.check_event(yaml.StreamEndEvent):
            return None
        self._expect(yaml.DocumentStartEvent)
        value = self._node()
        self._expect(yaml.DocumentEndEvent)
        if not self.parser.check_event(yaml.StreamEndEvent):
            event = self.parser.peek_event()
            raise YamlSyntaxError(_line(event), "only one YAML document per file (remove ---)")
        return value

    def _expect(self, kind: type) -> Any:
        """The next event, which must be of `kind`."""
        event = self.parser.get_event()
        if not isinstance(event, kind):  # the parser raises first on malformed input
            raise YamlSyntaxError(_line(event), f"unexpected {type(event).__name__}")
        return event

    def _node(self) -> Any:
        """One node and everything below it, built with an explicit stack."""
        stack: list[tuple[Mapping | Sequence, list[Any]]] = []  # container, pending key
        get_event = self.parser.get_event
        while True:
            event = get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    _refuse_anchors_and_tags(event)
                line = event.start_mark.line + 1
                if stack and type(stack[-1][0]) is Mapping and not stack[-1][1]:
                    _add_key(stack[-1], sys.intern(event.value), line)
                    continue
                # implicit[0]: written plain, so resolved by the core schema; else quoted text
                value = plain_scalar(event.value, line) if event.implicit[0] else event.value
                value = _shared(value)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    _refuse_anchors_and_tags(event)
                line = event.start_mark.line + 1
                if len(stack) >= MAX_DEPTH:
                    raise YamlSyntaxError(line, f"nested deeper than {MAX_DEPTH} levels")
                if stack and type(stack[-1][0]) is Mapping and not stack[-1][1]:
                    raise YamlSyntaxError(line, "a key must be plain text")
                is_map = kind is yaml.MappingStartEvent
                stack.append((Mapping({}, line) if is_map else Sequence([], line), []))
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                value, _ = stack.pop()
                line = value.line
            else:
                _refuse_anchors_and_tags(event)
                raise YamlSyntaxError(_line(event), f"unexpected {kind.__name__}")
            if not stack:
                return value
            container, pending = stack[-1]
            if type(container) is Mapping:
                container.values[pending.pop()] = value
            else:
                container.items.append(value)
                container.item_lines.append(line)


def _shared(value: Any) -> Any:
    """`value`, as the one interned copy of it if it is short text.

    Field names and short values (codes, statuses, names, dates) repeat across an article's
    records; held once, an article's cached result stores and loads each of them once.
    """
    return sys.intern(value) if type(value) is str and len(value) <= SHARED_LENGTH else value


def _add_key(frame: tuple[Mapping | Sequence, list[Any]], key: str, line: int) -> None:
    """Remember a mapping's next key, refusing one already given."""
    mapping, pending = frame
    assert isinstance(mapping, Mapping)
    if key in mapping.values:
        raise YamlSyntaxError(line, f"duplicate key {key!r}")
    mapping.key_lines[key] = line
    pending.append(key)


def _refuse_anchors_and_tags(event: Any) -> None:
    """Anchors, aliases and explicit tags are refused before anything is built from them."""
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
        raise YamlSyntaxError(
            _line(event),
            "anchors and aliases (&name, *name) are not allowed: write each value out in full",
        )
    tag = getattr(event, "tag", None)
    if tag is not None:
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlSyntaxError(
            _line(event),
            f"explicit tags such as {shown} are not allowed: write the value plainly, "
            "and put text in quotes",
        )


def _line(event: Any) -> int:
    """1-based line where an event starts."""
    mark = getattr(event, "start_mark", None)
    return mark.line + 1 if mark is not None else 1
