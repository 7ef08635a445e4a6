"""Lark's parse failures on a Prisma schema, rewritten as ParseErrors a person understands."""

from __future__ import annotations

import re
from typing import Any

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from archtools.errors import ParseError

_KEYWORDS = frozenset({"MODEL", "VIEW", "TYPE", "ENUM", "DATASOURCE", "GENERATOR"})

# Phrases for the terminals of prisma.lark, in the order they are listed in a message.
_PHRASES: dict[str, str] = {
    "NAME": "a name",
    "VALUE": "a value",
    "STRING": "a string",
    "NUMBER": "a number",
    "_LBRACE": "`{`",
    "_EQUALS": "`=`",
    "_COLON": "`:`",
    "_DOT": "`.`",
    "_LPAR": "`(`",
    "_LSQB": "`[`",
    "LIST": "`[]`",
    "QMARK": "`?`",
    "_AT": "an attribute",
    "_ATAT": "a block attribute",
    "_COMMA": "`,`",
    "_RSQB": "`]`",
    "_RPAR": "`)`",
    "_RBRACE": "`}`",
    "NL": "the end of the line",
    "$END": "the end of the file",
}
_VALUE_START = frozenset({"STRING", "NUMBER", "NAME", "_LSQB"})

# Tokens as a person reads them, to name the one before an error.
_SCAN = re.compile(
    r"""(?P<space>[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+)
    | (?P<comment>//[^\n]*|/\*[\s\S]*?(?:\*/|\Z))
    | (?P<token>"(?:[^"\\\n]|\\.)*"?|@@|\[\]|-?[0-9]+(?:\.[0-9]+)?
                |[A-Za-z0-9_][A-Za-z0-9_\-]*|.)""",
    re.VERBOSE,
)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _previous_token(text: str, offset: int) -> str | None:
    last: str | None = None
    for match in _SCAN.finditer(text, 0, offset):
        if match.lastgroup == "token":
            last = match.group()
    return _shorten(last) if last is not None else None


def _end_position(text: str) -> tuple[int, int]:
    line = text.count("\n") + 1
    return line, len(text) - (text.rfind("\n") + 1) + 1


def _found(token: Token) -> str:
    if token.type == "$END":
        return "the end of the file"
    if token.type == "NL":
        return "the end of the line"
    if token.type == "COMMENT":
        return f"comment `{_shorten(str(token).splitlines()[0])}`"
    return f"`{_shorten(str(token))}`"


def _describe(expected: set[str]) -> str:
    names = {e for e in expected if e in _PHRASES}
    if names >= _VALUE_START:
        names = (names - _VALUE_START) | {"VALUE"}
    phrases = [phrase for name, phrase in _PHRASES.items() if name in names]
    if not phrases:
        return "something else"
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def _open_block(exc: UnexpectedInput) -> tuple[str, str] | None:
    """The keyword and name of the innermost block whose `{` is still open."""
    parser = getattr(exc, "interactive_parser", None)
    stack: list[Any] = list(parser.parser_state.value_stack) if parser is not None else []
    for i in range(len(stack) - 1, -1, -1):
        item = stack[i]
        if isinstance(item, Token) and item.type in _KEYWORDS:
            header = stack[i + 1 : i + 3]
            if len(header) == 2 and isinstance(header[1], Token) and header[1].type == "_LBRACE":
                return str(item), str(header[0])
            return None
    return None


def _acceptable(exc: UnexpectedToken) -> set[str]:
    """The terminals that could really come next: the parse table's lookaheads are merged across
    contexts, so replay each candidate on a copy of the parser state."""
    parser = getattr(exc, "interactive_parser", None)
    if parser is not None:
        try:
            accepted: set[str] = set(parser.accepts())
        except Exception:  # the replay is a refinement only; the table's set will do
            accepted = set()
        if accepted:
            return accepted
    return set(exc.expected)


def _character_message(text: str, pos: int) -> str:
    char = text[pos]
    if char == '"':
        return 'unterminated string: a string must end with `"` on the same line'
    if text.startswith("/*", pos):
        return "unterminated comment: `/*` has no closing `*/`"
    if char == "!":
        return "unexpected `!`: fields are required unless marked optional with `?`"
    if char.isprintable() and not char.isspace():
        return f"unexpected character `{char}`"
    return f"unexpected character U+{ord(char):04X}"


def _token_message(exc: UnexpectedToken, text: str) -> str:
    token: Token = exc.token
    kind = token.type
    expected = _acceptable(exc)
    offset = len(text) if kind == "$END" else (token.start_pos or 0)
    prev = _previous_token(text, offset)
    after = f" after `{prev}`" if prev else ""
    found = _found(token)
    block = _open_block(exc)
    missing = kind in ("NL", "$END")

    if "UNSUPPORTED" in expected:  # where a field type belongs
        if kind == "_COLON":
            return "unexpected `:`: write the field type after the name, without a colon"
        if kind in ("_LSQB", "LIST"):
            return "unexpected `[`: write a list type as `Type[]`, not `[Type]`"
        if missing:
            return f"expected a field type{after}"
        return f"unexpected {found}: expected a field type{after}"
    if "MODEL" in expected:  # top level
        if kind == "NAME":
            return (
                f"unexpected {found}: a block starts with `model`, `view`, `type`, `enum`, "
                "`datasource` or `generator`"
            )
        return f"unexpected {found}"
    if kind == "$END" and block is not None:
        return f"unexpected end of file: {block[0]} `{block[1]}` has no closing `}}`"
    if {"NAME", "_RBRACE"} <= expected and not missing:  # the start of a line inside a block
        if block is not None and block[0] == "enum":
            what = "an enum value, a block attribute or `}`"
        elif "_ATAT" in expected:
            what = "a field, a block attribute or `}`"
        else:
            what = "a `key = value` line or `}`"
        return f"unexpected {found}: expected {what}"
    if kind == "_ATAT" or (kind == "_AT" and prev == "@"):
        return "unexpected `@@`: a block attribute goes on a line of its own"
    wanted = _describe(expected)
    if kind == "NL":
        spans = " (arguments and lists cannot span lines)" if {"_RPAR", "_RSQB"} & expected else ""
        return f"expected {wanted}{after}{spans}"
    if kind == "$END":
        return f"unexpected end of file: expected {wanted}{after}"
    return f"unexpected {found}{after}: expected {wanted}"


def syntax_error(exc: UnexpectedInput, text: str, path: str) -> ParseError:
    """The ParseError for a Lark failure on `text` (already newline-normalized)."""
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        return ParseError(_character_message(text, pos), path, exc.line, exc.column)
    if isinstance(exc, UnexpectedToken):
        message = _token_message(exc, text)
        if exc.token.type == "$END":
            line, column = _end_position(text)
        else:
            line, column = exc.token.line or 1, exc.token.column or 1
        return ParseError(message, path, line, column)
    line, column = _end_position(text)
    return ParseError("unexpected end of file", path, line, column)
