"""The tree-sitter adapter: grammars by file extension, the compiled query, and one parse per file."""

from __future__ import annotations

from functools import cache
from importlib import resources

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

# Extensions parsed with each grammar. JavaScript goes through the TSX grammar, a superset that also
# accepts JSX; plain .ts files must not, because `<T>x` casts are not JSX there.
_TYPESCRIPT_EXTENSIONS = {".ts", ".mts", ".cts"}
_TSX_EXTENSIONS = {".tsx", ".js", ".jsx", ".mjs", ".cjs"}
CODE_EXTENSIONS = frozenset(_TYPESCRIPT_EXTENSIONS | _TSX_EXTENSIONS)


def grammar_for(path: str) -> str | None:
    """'typescript' or 'tsx' for a code file, None for anything else."""
    dot = path.rfind(".")
    ext = path[dot:].lower() if dot >= 0 else ""
    if path.endswith(".d.ts"):
        return None
    if ext in _TYPESCRIPT_EXTENSIONS:
        return "typescript"
    if ext in _TSX_EXTENSIONS:
        return "tsx"
    return None


@cache
def language(grammar: str) -> Language:
    if grammar == "typescript":
        return Language(tree_sitter_typescript.language_typescript())
    if grammar == "tsx":
        return Language(tree_sitter_typescript.language_tsx())
    raise ValueError(f"unknown grammar {grammar!r}")


@cache
def query_source(name: str) -> str:
    return resources.files("archtools.parse").joinpath("queries", f"{name}.scm").read_text("utf-8")


@cache
def compiled_query(grammar: str, name: str = "typescript") -> Query:
    return Query(language(grammar), query_source(name))


@cache
def _parser(grammar: str) -> Parser:
    return Parser(language(grammar))


def parse(grammar: str, source: bytes) -> Tree:
    return _parser(grammar).parse(source)


def captures(grammar: str, root: Node) -> dict[str, list[Node]]:
    cursor = QueryCursor(compiled_query(grammar))
    return cursor.captures(root)
