"""Valid TypeScript the grammar cannot read, blanked so the file parses: length-preserving edits tried
only on files with syntax errors, each kept only when it leaves fewer errors behind.

tree-sitter-typescript 0.23 rejects a few constructs the TypeScript compiler accepts: a bare `&` in JSX
text or attribute strings, `import("x").T` used as a type, `typeof import("x")` in type arguments,
`export type * from`, a parameter named like a predefined type in a function type (`(boolean) => void`)
and type arguments on a tagged template (`sql<Row[]>\\`...\\``). A reported syntax error costs the
file its facts near the error, so these are replaced by spaces (or, for an import type, a placeholder
name) of the same length: every line and column stays where it was."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from tree_sitter import Node, Tree

MAX_ROUNDS = 24
_ENTITY = re.compile(rb"&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_IMPORT_TYPE = re.compile(rb"(?<![\w.$])import\(\s*(['\"])[^'\"\n]*\1\s*\)(?=\s*\.)")
_TYPE_POSITION = re.compile(rb"(?:[:<|&]|\btype\s+[\w$]+(?:<[^>]*>)?\s*=)\s*$")
_TYPEOF_IMPORT = re.compile(rb"(?<![\w.$])typeof\s+(import\(\s*(['\"])[^'\"\n]*\2\s*\))")
# `(boolean) => void`: a parameter named like a predefined type (TypeScript reads it as a name)
_KEYWORD_PARAMETER = re.compile(
    rb"\(\s*(boolean|string|number|any|unknown|object|symbol|bigint|never)\s*\)(?=\s*=>)"
)
_EXPORT_TYPE_STAR = re.compile(rb"\bexport(\s+)type(\s+)\*")
_TEMPLATE_AFTER_TYPE_ARGS = re.compile(rb">\s*`")
_TAG_END = re.compile(rb"[\w$\]\)]")


def error_count(root: Node) -> int:
    """ERROR and MISSING nodes under `root` (only called on trees that have errors)."""
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            count += 1
        if node.has_error:
            stack.extend(node.children)
    return count


def _first_error(root: Node) -> Node | None:
    node: Node | None = root
    while node is not None:
        if node.type == "ERROR" or node.is_missing:
            return node
        node = next((child for child in node.children if child.has_error), None)
    return None


def _bare_ampersands(source: bytes, start: int, end: int) -> Iterator[bytes]:
    """The source with every `&` of [start, end) that starts no character reference blanked, then
    with each one alone."""
    bare = [
        start + m.start()
        for m in re.finditer(rb"&", source[start:end])
        if not _ENTITY.match(source, start + m.start())
    ]
    if len(bare) > 1:
        out = bytearray(source)
        for at in bare:
            out[at] = 0x20
        yield bytes(out)
    for at in bare:
        yield source[:at] + b" " + source[at + 1 :]


def _import_types(source: bytes) -> Iterator[bytes]:
    """`import("x").T` after `:`, `<`, `|`, `&` or `type X =` (a type, not a dynamic import, and not
    `typeof import("x")`, which the grammar reads) as `_ .T`."""
    edits = [
        m
        for m in _IMPORT_TYPE.finditer(source)
        if _TYPE_POSITION.search(source, max(0, m.start() - 80), m.start())
    ]
    if edits:
        out = bytearray(source)
        for m in edits:
            width = m.end() - m.start()
            out[m.start() : m.end()] = b"_" + b" " * (width - 1)
        yield bytes(out)


def _typeof_imports(source: bytes) -> Iterator[bytes]:
    """`typeof import("x")` where the grammar cannot read it (in type arguments) as `typeof _`."""
    yield from _placeholder_names(_TYPEOF_IMPORT, source)


def _keyword_parameters(source: bytes) -> Iterator[bytes]:
    """`(boolean) => void` as `(_      ) => void`."""
    yield from _placeholder_names(_KEYWORD_PARAMETER, source)


def _placeholder_names(pattern: re.Pattern[bytes], source: bytes) -> Iterator[bytes]:
    """The source with the first group of every match of `pattern` replaced by `_` and spaces."""
    edits = list(pattern.finditer(source))
    if edits:
        out = bytearray(source)
        for m in edits:
            width = m.end(1) - m.start(1)
            out[m.start(1) : m.end(1)] = b"_" + b" " * (width - 1)
        yield bytes(out)


def _export_type_star(source: bytes) -> Iterator[bytes]:
    if _EXPORT_TYPE_STAR.search(source):
        yield _EXPORT_TYPE_STAR.sub(
            lambda m: b"export" + m.group(1) + b"    " + m.group(2) + b"*", source
        )


def _tagged_template_types(source: bytes) -> Iterator[bytes]:
    """Type arguments on a tagged template (`sql<Row[]>` before its template literal), found from
    the `>` back to the `<` that opens them (arrows and nested arguments balanced), blanked."""
    spans = []
    for m in _TEMPLATE_AFTER_TYPE_ARGS.finditer(source):
        start = _opening_angle(source, m.start())
        if start is not None and start > 0 and _TAG_END.match(source, start - 1):
            spans.append((start, m.start() + 1))
    if spans:
        out = bytearray(source)
        for start, end in spans:
            out[start:end] = bytes(b if b == 0x0A else 0x20 for b in source[start:end])
        yield bytes(out)


def _opening_angle(source: bytes, close: int) -> int | None:
    """The `<` matching the `>` at `close`, within 4000 bytes, skipping `=>`."""
    depth = 0
    at = close
    while at >= max(0, close - 4000):
        char = source[at]
        if char == 0x3E and not (at > 0 and source[at - 1] == 0x3D):  # `>` but not `=>`
            depth += 1
        elif char == 0x3C:  # `<`
            depth -= 1
            if depth == 0:
                return at
        elif char == 0x60:  # a backtick: another template, not type arguments
            return None
        at -= 1
    return None


def _candidates(source: bytes, error: Node) -> Iterator[bytes]:
    start = max(0, error.start_byte - 2)
    end = max(error.end_byte, start + 1)
    yield from _bare_ampersands(source, start, min(len(source), end + 1))
    yield from _import_types(source)
    yield from _export_type_star(source)
    yield from _tagged_template_types(source)
    yield from _typeof_imports(source)
    yield from _keyword_parameters(source)


def repair(parse: Callable[[bytes], Tree], source: bytes, tree: Tree) -> tuple[bytes, Tree]:
    """The source (and its tree) with the grammar's gaps blanked, as far as that removes errors."""
    errors = error_count(tree.root_node)
    tried: set[bytes] = set()
    for _ in range(MAX_ROUNDS):
        error = _first_error(tree.root_node)
        if error is None:
            break
        for candidate in _candidates(source, error):
            if candidate in tried:
                continue
            tried.add(candidate)
            attempt = parse(candidate)
            fewer = error_count(attempt.root_node) if attempt.root_node.has_error else 0
            if fewer < errors:
                source, tree, errors = candidate, attempt, fewer
                break
        else:
            break
    return source, tree
