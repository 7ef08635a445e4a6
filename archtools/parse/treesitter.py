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


# Matches holding captures that a query cursor may keep in progress at once. A pattern that waits
# for a child after a large first child stays in progress at every link of a chain, and the
# cursor's work grows with the square of its length: `(binary_expression operator: ...) @compare`
# alone took 0.7 s over `a || b || ...` at 2,500 links and 43 s at 20,000, which is why comparisons
# are captured by their operator token alone (8 ms at 20,000). No pattern of the query waits like
# that now: at most 2 matches in progress over about 18,000 JavaScript and TypeScript files
# (installed npm packages, generated benchmark repositories, the test fixtures) and on chains and
# nesting 20,000 deep. The limit stays as a guard for patterns that capture the node they start at
# (@env.member, @env.subscript and most others): past it the cursor drops matches, so the file
# becomes one clear failure rather than being analysed with captures missing. It does not see a
# pattern whose only capture is a child: such a state holds no capture while it waits, so it costs
# time, not matches.
MATCH_LIMIT = 256


class QueryLimitExceeded(Exception):
    """The query needed more than the match limit in progress: the file cannot be analysed whole."""


def captures(grammar: str, root: Node, match_limit: int | None = None) -> dict[str, list[Node]]:
    """Every capture of the grammar's query under `root`; QueryLimitExceeded past MATCH_LIMIT."""
    limit = MATCH_LIMIT if match_limit is None else match_limit
    cursor = QueryCursor(compiled_query(grammar), match_limit=limit)
    found = cursor.captures(root)
    if cursor.did_exceed_match_limit:
        raise QueryLimitExceeded(f"more than {limit} query matches in progress")
    return found


class Ancestry:
    """Parents of chosen nodes and their nearest ancestors of given types, from one ordered descent.

    `Node.parent` searches down from the root on every call, so walking up from a node costs the
    square of its depth: code nested thousands deep took hours. Here one cursor goes through the
    targets in source order, climbing only as far as the next target needs and descending from
    there, so each ancestor is entered once. A target it cannot place (zero-width, or a range that
    does not nest) falls back to `Node.parent`.
    """

    def __init__(self, root: Node, targets: list[Node], groups: tuple[frozenset[str], ...]) -> None:
        self._groups = groups
        self._marked = frozenset().union(*groups)
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

    def _descend(self, root: Node, targets: list[Node]) -> None:
        groups, marked, parents = self._groups, self._marked, self._parents
        unique = {t.id: t for t in targets if t.end_byte > t.start_byte}
        order = sorted(unique.values(), key=lambda n: (n.start_byte, -n.end_byte))
        nothing: tuple[Node | None, ...] = (None,) * len(groups)
        cursor = root.walk()
        # The path from the root to the cursor: node, its byte range, nearest marked ancestor-or-self.
        path: list[tuple[Node, int, int, tuple[Node | None, ...]]] = [(root, 0, 1 << 62, nothing)]
        for target in order:
            start, end = target.start_byte, target.end_byte
            while len(path) > 1:  # up to the closest node on the path that holds the target
                top = path[-1]
                if top[1] <= start and end <= top[2]:
                    break
                cursor.goto_parent()
                path.pop()
            top = path[-1]
            while top[0] != target:  # then down to it
                if cursor.goto_first_child_for_byte(start) is None:
                    break
                child = cursor.node
                assert child is not None
                child_start, child_end = child.start_byte, child.end_byte
                if not (child_start <= start and end <= child_end):
                    break
                parents[child.id] = top[0]
                near = top[3]
                kind = child.type
                if kind in marked:
                    near = tuple(
                        child if kind in g else n for g, n in zip(groups, near, strict=True)
                    )
                top = (child, child_start, child_end, near)
                path.append(top)
            if top[0] == target and len(path) > 1:
                self._nearest[target.id] = path[-2][3]
                continue
            cursor = root.walk()  # lost: start again from the root for the next target
            path = [(root, 0, 1 << 62, nothing)]
