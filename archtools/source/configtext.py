"""Tolerant readers for configuration text: JSON with comments, JS/TS config files as text."""

from __future__ import annotations

import json
import re
from typing import Any

_QUOTES = "\"'`"


def strip_comments(text: str, *, quotes: str = _QUOTES) -> str:
    """Blank out // and /* */ comments outside string literals, keeping offsets and line numbers."""
    out: list[str] = []
    i = 0
    n = len(text)
    start = 0
    while i < n:
        ch = text[i]
        if ch in quotes:
            i = _skip_string(text, i)
            continue
        if ch == "/" and i + 1 < n and text[i + 1] in "/*":
            out.append(text[start:i])
            end = text.find("\n", i) if text[i + 1] == "/" else text.find("*/", i + 2)
            end = n if end == -1 else (end if text[i + 1] == "/" else end + 2)
            out.append("".join(c if c == "\n" else " " for c in text[i:end]))
            i = start = end
            continue
        i += 1
    out.append(text[start:])
    return "".join(out)


def _skip_string(text: str, i: int) -> int:
    """The index just past the string literal opening at `i` (the end of text if unterminated)."""
    quote = text[i]
    i += 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == quote:
            return i + 1
        if ch == "\n" and quote != "`":
            return i
        i += 1
    return n


_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def parse_jsonc(text: str) -> Any:
    """Parse JSON with comments and trailing commas (tsconfig style); ValueError when invalid."""
    if text.startswith("\ufeff"):
        text = text[1:]
    cleaned = strip_comments(text, quotes='"')
    cleaned = _remove_trailing_commas(cleaned)
    return json.loads(cleaned)


def _remove_trailing_commas(text: str) -> str:
    """Drop commas that directly precede } or ], outside strings."""
    out: list[str] = []
    i = 0
    n = len(text)
    start = 0
    while i < n:
        ch = text[i]
        if ch == '"':
            i = _skip_string(text, i)
            continue
        if ch == ",":
            match = _TRAILING_COMMA.match(text, i)
            if match is not None:
                out.append(text[start:i])
                start = i + 1
        i += 1
    out.append(text[start:])
    return "".join(out)


def parse_json_object(text: str) -> dict[str, Any] | None:
    """A JSON(C) document that must be an object; None when it is not one or does not parse."""
    try:
        value = parse_jsonc(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


_STRING = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\$]|\\.)*`)"""
_STRING_RE = re.compile(_STRING)


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def read_string_property(code: str, key: str) -> str | None:
    """The first `key: "literal"` in comment-stripped JS; None when absent or not a literal."""
    match = re.search(rf"(?<![\w$.]){re.escape(key)}['\"]?\s*:\s*({_STRING})", code)
    return _unquote(match.group(1)) if match else None


def read_string_or_list_property(code: str, key: str) -> list[str] | None:
    """`key: "a"` or `key: ["a", "b"]` in comment-stripped JS as a list; None when not literal."""
    match = re.search(rf"(?<![\w$.]){re.escape(key)}['\"]?\s*:\s*", code)
    if match is None:
        return None
    rest = code[match.end() :]
    single = _STRING_RE.match(rest)
    if single is not None:
        return [_unquote(single.group(0))]
    if not rest.startswith("["):
        return None
    close = _find_closing_bracket(rest)
    if close is None:
        return None
    inner = rest[1:close]
    items = [_unquote(m.group(0)) for m in _STRING_RE.finditer(inner)]
    leftover = _STRING_RE.sub("", inner).replace(",", "").strip()
    return items if not leftover else None


def _find_closing_bracket(text: str) -> int | None:
    depth = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _QUOTES:
            i = _skip_string(text, i)
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None
