"""Stage 1: reading texts and YAML with line numbers."""

from __future__ import annotations

import pytest

from jrr.flows.ingest import decode_utf8, normalise_text
from jrr.flows.yaml_lines import Mapping, Sequence, YamlSyntaxError, load_with_lines


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc\n", "a\nb\nc\n"),
        ("Tokyo\u2019s", "Tokyo\u2019s"),
        ("e\u0301", "\u00e9"),  # decomposed é becomes one code point (NFC)
        ("\ufeffa\r\nb", "a\nb"),  # a byte order mark is dropped
        ("a\ufeffb", "a\ufeffb"),  # only at the start: elsewhere it is text
    ],
)
def test_text_is_normalised(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_invalid_utf8_names_the_line_of_the_bad_byte() -> None:
    text, problem = decode_utf8(b"line one\nline two \xff\n", "raw/articles/x.txt")
    assert text is None
    assert str(problem) == "raw/articles/x.txt:2: text: not valid UTF-8 (byte 0xff at offset 18)"


def test_yaml_keeps_lines_and_leaves_dates_and_country_codes_as_text() -> None:
    content = load_with_lines("a: 1\nitems:\n  - date: 2018-11-14\n    country: NO\n    ok: true\n")
    assert isinstance(content, Mapping)
    assert content.key_lines == {"a": 1, "items": 2}
    items = content.get("items")
    assert isinstance(items, Sequence)
    assert items.item_lines == [3]
    first = items.items[0]
    assert first.values == {"date": "2018-11-14", "country": "NO", "ok": True}
    assert first.key_lines == {"date": 3, "country": 4, "ok": 5}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\nb: [x\n", 3, "expected ',' or ']'"),
        ("a: 1\na: 2\n", 2, "duplicate key 'a'"),
        ("a: 1\n  b: 2\n", 2, "mapping values are not allowed"),
    ],
)
def test_yaml_errors_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(YamlSyntaxError) as error:
        load_with_lines(text)
    assert error.value.line == line
    assert message in str(error.value)
