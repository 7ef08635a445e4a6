"""Prisma schema text to a FileAst: the cached Lark parser and the callbacks that build the tree."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput

from archtools.parse.prisma_ast import (
    Arg,
    Array,
    Attribute,
    BlockDecl,
    Call,
    ConfigDecl,
    EnumValueDecl,
    FieldDecl,
    FieldType,
    FileAst,
    Literal,
    Value,
    decode_string,
)
from archtools.parse.prisma_syntax_errors import syntax_error


class _Opener:
    """The rest of the `{` line, which Prisma ignores."""


_OPENER = _Opener()


def _value(item: Any) -> Value:
    if isinstance(item, Token):
        text = str(item)
        if item.type == "STRING":
            return Literal("string", text, decode_string(text))
        return Literal("number" if item.type == "NUMBER" else "constant", text, text)
    if isinstance(item, Call | Array):
        return item
    raise TypeError(f"not a value: {item!r}")


def comment_doc(token: Token) -> str | None:
    """The documentation text of a comment: `///` and `/* */` document, `//` does not."""
    text = str(token)
    if text.startswith("///"):
        return text[3:].lstrip()
    if text.startswith("/*"):
        return text[2:-2].strip()
    return None


def _joined(lines: list[str] | None) -> str | None:
    """A block's documentation: None without doc lines, even empty ones (`///` alone is "")."""
    return "\n".join(lines) if lines else None


def _is(item: Any, kind: str) -> bool:
    return isinstance(item, Token) and item.type == kind


class _CommentBlocks:
    """Prisma's comment blocks: consecutive comment lines, ended by an empty line or a statement."""

    def __init__(self) -> None:
        self.current: list[str] | None = None  # the doc lines of the block being read

    def feed(self, item: Any) -> bool:
        """Consume a comment or newline token; False for anything else."""
        if _is(item, "COMMENT"):
            if self.current is None:
                self.current = []
                self.started(self.current)
            doc = comment_doc(item)
            if doc is not None:
                self.current.append(doc)
            return True
        if _is(item, "NL"):
            if self.current is not None and item.count("\n") > 1:
                self.current = None
            return True
        return False

    def started(self, lines: list[str]) -> None:
        """A new block began."""


class _MemberDocs(_CommentBlocks):
    """Inside a block, the latest comment block documents the next field, even past empty lines."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[str] | None = None

    def started(self, lines: list[str]) -> None:
        self.pending = lines

    def take(self) -> str | None:
        doc = _joined(self.pending)
        self.pending = None
        self.current = None
        return doc


class PrismaTransformer(Transformer[Token, FileAst]):
    """Callbacks run by the LALR parser as it reduces each rule (no tree is built)."""

    def start(self, children: list[Any]) -> FileAst:
        # At the top level a comment block documents the declaration right below it; one
        # followed by an empty line floats free. A block above a datasource or generator stays
        # pending for the next model or enum, as in Prisma's own parser.
        comments = _CommentBlocks()
        pending: list[str] | None = None
        blocks: list[BlockDecl] = []
        configs: list[ConfigDecl] = []
        for item in children:
            if comments.feed(item):
                continue
            if comments.current is not None:
                pending, comments.current = comments.current, None
            if isinstance(item, BlockDecl):
                item.doc = _joined(pending)
                pending = None
                blocks.append(item)
            elif isinstance(item, ConfigDecl):
                configs.append(item)
        return FileAst(tuple(blocks), tuple(configs))

    def model(self, children: list[Any]) -> BlockDecl:
        keyword, name = children[0], children[1]
        block = BlockDecl(str(keyword), str(name), keyword.line, keyword.column)
        docs = _MemberDocs()
        for item in children[2:]:
            if item is _OPENER or docs.feed(item):
                continue
            if isinstance(item, FieldDecl):
                above = docs.take()
                if above is not None:
                    item.doc = above if item.doc is None else above + "\n" + item.doc
                block.fields.append(item)
            elif isinstance(item, Attribute):
                docs.current = None
                block.attributes.append(item)
        return block

    def enum(self, children: list[Any]) -> BlockDecl:
        keyword, name = children[0], children[1]
        block = BlockDecl("enum", str(name), keyword.line, keyword.column)
        for item in children[2:]:
            if isinstance(item, EnumValueDecl):
                block.values.append(item)
            elif isinstance(item, Attribute):
                block.attributes.append(item)
        return block

    def config(self, children: list[Any]) -> ConfigDecl:
        keyword, name = children[0], children[1]
        properties = tuple(p for p in children[2:] if isinstance(p, tuple))
        return ConfigDecl(str(keyword), str(name), keyword.line, keyword.column, properties)

    def opener(self, children: list[Any]) -> _Opener:
        return _OPENER

    def field(self, children: list[Any]) -> FieldDecl:
        name, field_type = children[0], children[1]
        attributes = [c for c in children[2:] if isinstance(c, Attribute)]
        trailing = next((comment_doc(c) for c in children[2:] if _is(c, "COMMENT")), None)
        return FieldDecl(str(name), name.line, name.column, field_type, attributes, trailing)

    def field_type(self, children: list[Any]) -> FieldType:
        first = children[0]
        unsupported = _is(first, "UNSUPPORTED")
        name = str(children[1]) if unsupported else str(first)
        return FieldType(
            name=name,
            unsupported=unsupported,
            is_list=any(_is(c, "LIST") for c in children),
            optional=any(_is(c, "QMARK") for c in children),
        )

    def enum_value(self, children: list[Any]) -> EnumValueDecl:
        name = children[0]
        attributes = tuple(c for c in children[1:] if isinstance(c, Attribute))
        return EnumValueDecl(str(name), name.line, name.column, attributes)

    def property(self, children: list[Any]) -> tuple[str, Value]:
        return (str(children[0]), _value(children[1]))

    def attr(self, children: list[Any]) -> Attribute:
        path = children[0]
        args: tuple[Arg, ...] = children[1] if len(children) > 1 else ()
        return Attribute(str(path), args, path.line, path.column)

    def block_attr(self, children: list[Any]) -> Attribute:
        path = children[0]
        args: tuple[Arg, ...] = next((c for c in children[1:] if isinstance(c, tuple)), ())
        return Attribute(str(path), args, path.line, path.column)

    def args(self, children: list[Any]) -> tuple[Arg, ...]:
        return tuple(c if isinstance(c, Arg) else Arg(None, _value(c)) for c in children)

    def named_arg(self, children: list[Any]) -> Arg:
        value = _value(children[1]) if len(children) > 1 else None
        return Arg(str(children[0]), value)

    def call(self, children: list[Any]) -> Call:
        args: tuple[Arg, ...] = children[1]
        return Call(str(children[0]), args)

    def array(self, children: list[Any]) -> Array:
        return Array(tuple(_value(c) for c in children))

    def path(self, children: list[Any]) -> Token:
        return Token.new_borrow_pos("PATH", ".".join(children), children[0])


@functools.cache
def _parser() -> Lark:
    grammar = resources.files("archtools.parse").joinpath("prisma.lark").read_text("utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        transformer=PrismaTransformer(),
        maybe_placeholders=False,
    )


def normalize_text(text: str) -> str:
    """Drop a byte-order mark and turn CRLF and CR line ends into LF."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_file_ast(path: str, text: str) -> FileAst:
    """Parse one schema file; a syntax error becomes ParseError with its 1-based position."""
    text = normalize_text(text)
    try:
        result = _parser().parse(text)
    except UnexpectedInput as exc:
        raise syntax_error(exc, text, path) from None
    assert isinstance(result, FileAst)
    return result
