"""Text readers for config files: literal properties, and robustness on arbitrary input."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from archtools.source.configtext import (
    parse_json_object,
    parse_jsonc,
    read_string_or_list_property,
    read_string_property,
    strip_comments,
)


def test_read_string_property_variants() -> None:
    code = strip_comments(
        """export default {
  // out: "commented",
  "out": 'drizzle\\'s',
  dbSchema: "not this one",
  schema: `./plain.ts`,
}"""
    )
    assert read_string_property(code, "out") == "drizzle's"
    assert read_string_property(code, "schema") == "./plain.ts"
    assert read_string_property(code, "dialect") is None
    assert read_string_property("x.schema: 'member'", "schema") is None


def test_read_string_or_list_property_variants() -> None:
    assert read_string_or_list_property('schema: ["./a.ts", `./b/*.ts`, ]', "schema") == [
        "./a.ts",
        "./b/*.ts",
    ]
    assert read_string_or_list_property("schema: []", "schema") == []
    assert read_string_or_list_property("schema: [a, './b.ts']", "schema") is None
    assert read_string_or_list_property("schema: ['./b.ts'", "schema") is None
    assert read_string_or_list_property("schema: path.join(a, b)", "schema") is None


def test_deeply_nested_json_is_rejected_not_crashing() -> None:
    assert parse_json_object("[" * 100_000) is None
    assert parse_json_object('{"a": ' * 50_000) is None


@given(st.text(max_size=300))
def test_readers_never_crash_on_arbitrary_text(text: str) -> None:
    stripped = strip_comments(text)
    assert len(stripped) == len(text)
    assert stripped.count("\n") == text.count("\n")
    read_string_property(stripped, "schema")
    read_string_or_list_property(stripped, "schema")
    result = parse_json_object(text)
    assert result is None or isinstance(result, dict)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_plain_json_round_trips(value: object) -> None:
    assert parse_jsonc(json.dumps(value)) == value
