"""The syntax tree of one Prisma schema file: blocks, fields, attributes and argument values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

ValueKind = TypingLiteral["string", "number", "constant"]


@dataclass(frozen=True, slots=True)
class Literal:
    """A string, a number or a constant (`true`, `Cascade`, `db.VarChar`) as written."""

    kind: ValueKind
    text: str  # source form: strings keep their quotes and escapes
    value: str  # strings decoded, everything else as written


@dataclass(frozen=True, slots=True)
class Call:
    """A function call such as `now()`, `uuid(7)` or `title(sort: Desc)`."""

    name: str
    args: tuple[Arg, ...]


@dataclass(frozen=True, slots=True)
class Array:
    items: tuple[Value, ...]


Value = Literal | Call | Array


@dataclass(frozen=True, slots=True)
class Arg:
    """One argument of an attribute or a call: positional when `name` is None."""

    name: str | None
    value: Value | None  # None for `name:` with nothing after it


@dataclass(frozen=True, slots=True)
class Attribute:
    """`@name(args)` or `@@name(args)`; `name` is dotted for native types (`db.VarChar`)."""

    name: str
    args: tuple[Arg, ...]
    line: int
    column: int

    def arg(self, name: str, position: int | None = None) -> Value | None:
        """The argument called `name`, else the positional argument at `position`."""
        for arg in self.args:
            if arg.name == name:
                return arg.value
        if position is not None:
            positional = [a for a in self.args if a.name is None]
            if position < len(positional):
                return positional[position].value
        return None


@dataclass(frozen=True, slots=True)
class FieldType:
    name: str
    unsupported: bool  # `Unsupported("...")`: `name` holds the quoted database type
    is_list: bool
    optional: bool


@dataclass(slots=True)
class FieldDecl:
    name: str
    line: int
    column: int
    type: FieldType
    attributes: list[Attribute]
    doc: str | None  # trailing `///` or `/* */` comment; the block doc is added by the parent


@dataclass(frozen=True, slots=True)
class EnumValueDecl:
    name: str
    line: int
    column: int
    attributes: tuple[Attribute, ...]


@dataclass(slots=True)
class BlockDecl:
    """A model, view, composite type (`type`) or enum."""

    keyword: str  # "model" | "view" | "type" | "enum"
    name: str
    line: int
    column: int
    fields: list[FieldDecl] = field(default_factory=list)
    values: list[EnumValueDecl] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    doc: str | None = None


@dataclass(frozen=True, slots=True)
class ConfigDecl:
    """A datasource or generator block: its `key = value` properties."""

    keyword: str  # "datasource" | "generator"
    name: str
    line: int
    column: int
    properties: tuple[tuple[str, Value], ...]

    def get(self, key: str) -> Value | None:
        return next((v for k, v in self.properties if k == key), None)


@dataclass(frozen=True, slots=True)
class FileAst:
    blocks: tuple[BlockDecl, ...]
    configs: tuple[ConfigDecl, ...]


def source_text(value: Value) -> str:
    """The value in normalized source form: `uuid(7)`, `[1, 2]`, `"a"`, `sort: Desc` spacing.

    Iterative, so deeply nested arrays cannot exhaust the Python stack.
    """
    out: list[str] = []
    todo: list[Value | str] = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Literal):
            out.append(item.text)
        elif isinstance(item, Call):
            parts: list[Value | str] = [item.name + "("]
            for i, arg in enumerate(item.args):
                if i:
                    parts.append(", ")
                if arg.name is not None:
                    parts.append(arg.name + ":" + (" " if arg.value is not None else ""))
                if arg.value is not None:
                    parts.append(arg.value)
            parts.append(")")
            todo.extend(reversed(parts))
        else:
            elements: list[Value | str] = ["["]
            for i, element in enumerate(item.items):
                if i:
                    elements.append(", ")
                elements.append(element)
            elements.append("]")
            todo.extend(reversed(elements))
    return "".join(out)


def value_text(value: Value) -> str:
    """A top-level value as text: strings unquoted and decoded, the rest in source form."""
    if isinstance(value, Literal):
        return value.value
    return source_text(value)


def path_names(value: Value | None) -> list[str]:
    """The field names of a field list such as `[a, b(sort: Desc), address.street]`."""
    if value is None:
        return []
    items = value.items if isinstance(value, Array) else (value,)
    names: list[str] = []
    for item in items:
        if isinstance(item, Call):
            names.append(item.name)
        elif isinstance(item, Literal) and item.kind == "constant":
            names.append(item.value)
    return names


def decode_string(text: str) -> str:
    """The value of a quoted PSL string literal (JSON escapes; unknown escapes kept as written)."""
    body = text[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e == "u":
            decoded, used = _decode_unicode(body, i)
            out.append(decoded)
            i += used
            continue
        out.append(_ESCAPES.get(e, "\\" + e))
        i += 2
    return "".join(out)


_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _hex4(body: str, start: int) -> int | None:
    digits = body[start : start + 4]
    if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
        return None
    return int(digits, 16)


def _decode_unicode(body: str, i: int) -> tuple[str, int]:
    """Decode `\\uXXXX` (or a surrogate pair) at `i`: the text and the characters consumed."""
    first = _hex4(body, i + 2)
    if first is None:
        return body[i : i + 2], 2
    if 0xD800 <= first < 0xDC00 and body[i + 6 : i + 8] == "\\u":
        second = _hex4(body, i + 8)
        if second is not None and 0xDC00 <= second < 0xE000:
            return chr(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)), 12
    if 0xD800 <= first < 0xE000:
        return "\ufffd", 6  # a lone surrogate is no character
    return chr(first), 6
