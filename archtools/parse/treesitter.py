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


class Ancestry:
    """Parents of chosen nodes and their nearest ancestors of given types, from one ordered descent.

    `Node.parent` searches down from the root on every call, so walking up from a node costs the
    square of its depth: code nested thousands deep would take hours. This descent visits the
    ancestors of the targets (and the siblings between them) once, in source order, with a cursor.
    A target it cannot place (zero-width, or ranges that do not nest) falls back to `Node.parent`.
    """

    def __init__(self, root: Node, targets: list[Node], groups: tuple[frozenset[str], ...]) -> None:
        self._groups = groups
        self._parents: dict[int, Node | None] = {root.id: None}
        self._nearest: dict[int, tuple[Node | None, ...]] = {}
        self._descend(root, targets)

    def parent(self, node: Node) -> Node | None:
        if node.id in self._parents:
            return self._parents[node.id]
        return node.parent

    def nearest(self, node: Node, group: int) -> Node | None:
        """The closest proper ancestor whose type is in `groups[group]`."""
        known = self._nearest.get(node.id)
        if known is not None:
            return known[group]
        types = self._groups[group]
        current = self.parent(node)
        while current is not None and current.type not in types:
            current = self.parent(current)
        return current

    def _level(self, node: Node, below: tuple[Node | None, ...]) -> tuple[Node | None, ...]:
        kind = node.type
        return tuple(
            node if kind in types else near for types, near in zip(self._groups, below, strict=True)
        )

    def _descend(self, root: Node, targets: list[Node]) -> None:
        unique = {t.id: t for t in targets if t.end_byte > t.start_byte}
        order = sorted(unique.values(), key=lambda n: (n.start_byte, -n.end_byte))
        nothing: tuple[Node | None, ...] = (None,) * len(self._groups)
        cursor = root.walk()
        path: list[tuple[Node, tuple[Node | None, ...]]] = [(root, self._level(root, nothing))]
        for target in order:
            start, end = target.start_byte, target.end_byte
            while True:  # up (or along) to a node holding the target
                node = path[-1][0]
                if node.start_byte <= start and end <= node.end_byte:
                    break
                if len(path) > 1 and node.end_byte <= start and cursor.goto_next_sibling():
                    sibling = cursor.node
                    assert sibling is not None
                    self._parents[sibling.id] = path[-2][0]
                    path[-1] = (sibling, self._level(sibling, path[-2][1]))
                    continue
                if len(path) == 1:
                    break
                cursor.goto_parent()
                path.pop()
            while path[-1][0] != target:  # down to it
                if cursor.goto_first_child_for_byte(start) is None:
                    break
                child = cursor.node
                assert child is not None
                if not (child.start_byte <= start and end <= child.end_byte):
                    break
                self._parents[child.id] = path[-1][0]
                path.append((child, self._level(child, path[-1][1])))
            if path[-1][0] == target and len(path) > 1:
                self._nearest[target.id] = path[-2][1]
                continue
            cursor = root.walk()  # lost: start again from the root for the next target
            path = [(root, self._level(root, nothing))]
