"""Bounded descriptions of TypeScript expressions (Expr) and small node helpers for the extractor."""

from __future__ import annotations

from tree_sitter import Node

from archtools.facts.code import Expr, ExprKind, Pair

FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
    }
)
# Calls that leave a function without returning (Next.js navigation helpers throw).
EXIT_CALLS = frozenset(
    {"redirect", "permanentRedirect", "notFound", "unauthorized", "forbidden", "redirectToSignIn"}
)
MAX_TEXT = 300
MAX_DEPTH = 12
MAX_PAIRS = 200
MAX_IDENTIFIER_NODES = 400

_KIND_BY_TYPE = {
    "identifier": ExprKind.IDENTIFIER,
    "shorthand_property_identifier": ExprKind.IDENTIFIER,
    "this": ExprKind.IDENTIFIER,
    "member_expression": ExprKind.MEMBER,
    "subscript_expression": ExprKind.MEMBER,
    "call_expression": ExprKind.CALL,
    "new_expression": ExprKind.CALL,
    "object": ExprKind.OBJECT,
    "array": ExprKind.ARRAY,
    "string": ExprKind.STRING,
    "template_string": ExprKind.TEMPLATE,
    "number": ExprKind.NUMBER,
    "spread_element": ExprKind.SPREAD,
}
_WRAPPERS = {
    "await_expression",
    "parenthesized_expression",
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
    "type_assertion",
}


def text_of(node: Node, limit: int = MAX_TEXT) -> str:
    raw = node.text or b""
    if len(raw) > limit * 4:
        raw = raw[: limit * 4]
    text = raw.decode("utf-8", errors="replace")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def line_of(node: Node) -> int:
    return node.start_point.row + 1


def string_value(node: Node) -> str:
    """The literal value of a string or substitution-free template string."""
    text = text_of(node, limit=2000)
    if len(text) >= 2 and text[0] in "'\"`" and text[-1] == text[0]:
        return text[1:-1]
    return text


def callee_of(node: Node) -> str:
    """`a.b?.c` -> "a.b.c"; `a.b().c` -> "a.b().c"; anything else: its compact text."""
    parts: list[str] = []
    current: Node | None = node
    for _ in range(64):
        if current is None:
            break
        kind = current.type
        if kind == "member_expression":
            prop = current.child_by_field_name("property")
            parts.append(text_of(prop) if prop is not None else "?")
            current = current.child_by_field_name("object")
        elif kind == "call_expression":
            parts.append("()")
            current = current.child_by_field_name("function")
        elif kind in _WRAPPERS and current.named_children:
            current = current.named_children[0]
        elif kind in ("identifier", "this", "super", "property_identifier"):
            parts.append(text_of(current))
            current = None
        else:
            parts.append(" ".join(text_of(current, limit=60).split()))
            current = None
    out = ""
    for part in reversed(parts):
        if part == "()":
            out += "()"
        else:
            out = f"{out}.{part}" if out else part
    return out


def pattern_bindings(pattern: Node) -> tuple[list[str], list[str]]:
    """Identifiers bound by a destructuring pattern, and its top-level keys."""
    names: list[str] = []
    keys: list[str] = []
    stack: list[tuple[Node, bool]] = [(pattern, True)]
    while stack:
        node, top = stack.pop()
        kind = node.type
        if kind == "identifier":
            names.append(text_of(node))
        elif kind == "shorthand_property_identifier_pattern":
            names.append(text_of(node))
            if top:
                keys.append(text_of(node))
        elif kind == "pair_pattern":
            key = node.child_by_field_name("key")
            value = node.child_by_field_name("value")
            if key is not None and top:
                keys.append(text_of(key))
            if value is not None:
                stack.append((value, False))
        elif kind == "object_assignment_pattern" or kind in ("assignment_pattern",):
            left = node.child_by_field_name("left")
            if left is not None:
                stack.append((left, top))
        elif kind in ("object_pattern", "array_pattern", "rest_pattern"):
            for child in reversed(node.named_children):
                stack.append((child, top and kind != "array_pattern"))
    return names, keys


def key_bindings(pattern: Node) -> dict[str, list[str]]:
    """For an object pattern, the names bound under each top-level key:
    `{ parsedInput: { id, code }, ctx }` -> {"parsedInput": ["id", "code"], "ctx": ["ctx"]}."""
    found: dict[str, list[str]] = {}
    if pattern.type != "object_pattern":
        return found
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            found[text_of(child)] = [text_of(child)]
        elif child.type == "object_assignment_pattern":
            left = child.child_by_field_name("left")
            if left is not None:
                found[text_of(left)] = [text_of(left)]
        elif child.type == "pair_pattern":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if key is not None and value is not None:
                found[text_of(key)] = pattern_bindings(value)[0]
    return found


class ExprDescriber:
    """Describes expressions without entering nested functions (those are referenced by index)."""

    def __init__(self, call_index: dict[int, int], function_index: dict[int, int]) -> None:
        self.call_index = call_index
        self.function_index = function_index
        # The same node is described for several facts (a call's argument, a variable's value, a
        # return); describe it once.
        self._memo: dict[tuple[int, bool], Expr] = {}
        self._reads_memo: dict[int, tuple[list[str], list[str]]] = {}

    def __call__(self, node: Node, depth: int = 0) -> Expr:
        key = (node.id, depth < MAX_DEPTH)
        known = self._memo.get(key)
        if known is None:
            known = self._describe(node, depth)
            self._memo[key] = known
        return known

    def _describe(self, node: Node, depth: int) -> Expr:
        while (
            node.type
            in (
                "parenthesized_expression",
                "as_expression",
                "satisfies_expression",
                "non_null_expression",
            )
            and node.named_children
        ):
            node = node.named_children[0]
        kind = _KIND_BY_TYPE.get(node.type, ExprKind.OTHER)
        if node.type in FUNCTION_TYPES:
            kind = ExprKind.FUNCTION
        text = " ".join(text_of(node).split()) if kind != ExprKind.FUNCTION else text_of(node, 80)
        pairs: list[Pair] = []
        items: list[Expr] = []
        value: str | None = None
        interpolated = False
        if depth < MAX_DEPTH:
            if kind == ExprKind.OBJECT:
                pairs = self._pairs(node, depth)
            elif kind == ExprKind.ARRAY:
                items = [
                    self(c, depth + 1)
                    for c in node.named_children[:MAX_PAIRS]
                    if c.type != "comment"
                ]
        roots, paths = self._reads(node)
        if kind == ExprKind.STRING:
            value = string_value(node)
        elif kind == ExprKind.TEMPLATE:
            interpolated = any(c.type == "template_substitution" for c in node.named_children)
            if not interpolated:
                value = string_value(node)
        call = None
        if node.type == "await_expression" and node.named_children:
            inner = node.named_children[0]
            if inner.id in self.call_index:
                call = self.call_index[inner.id]
                kind = ExprKind.CALL
        elif node.id in self.call_index:
            call = self.call_index[node.id]
        return Expr(
            kind=kind,
            text=text,
            line=node.start_point.row + 1,
            roots=tuple(roots),
            paths=tuple(paths),
            pairs=tuple(pairs),
            items=tuple(items),
            call=call,
            func=self.function_index.get(node.id),
            value=value,
            interpolated=interpolated,
        )

    def _pairs(self, node: Node, depth: int) -> list[Pair]:
        pairs: list[Pair] = []
        for child in node.named_children[:MAX_PAIRS]:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                if key is None or value is None:
                    continue
                key_text = string_value(key) if key.type == "string" else text_of(key)
                pairs.append(Pair(key=key_text, value=self(value, depth + 1)))
            elif child.type == "shorthand_property_identifier":
                pairs.append(Pair(key=text_of(child), value=self(child, depth + 1)))
            elif child.type == "spread_element":
                pairs.append(Pair(key="...", value=self(child, depth + 1)))
            elif child.type == "method_definition":
                name = child.child_by_field_name("name")
                if name is not None:
                    pairs.append(Pair(key=text_of(name), value=self(child, depth + 1)))
        return pairs

    def _reads(self, node: Node) -> tuple[list[str], list[str]]:
        """Identifiers and member paths read by an expression, outside nested functions."""
        known = self._reads_memo.get(node.id)
        if known is None:
            known = self._walk_reads(node)
            self._reads_memo[node.id] = known
        return known

    def _walk_reads(self, node: Node) -> tuple[list[str], list[str]]:
        roots: set[str] = set()
        paths: set[str] = set()
        if node.type in FUNCTION_TYPES:
            return [], []
        stack = [node]
        seen = 0
        while stack and seen < MAX_IDENTIFIER_NODES:
            current = stack.pop()
            seen += 1
            if current is not node:
                done = self._reads_memo.get(current.id)
                if done is not None:  # a part already described: reuse what it reads
                    roots.update(done[0])
                    paths.update(done[1])
                    continue
            kind = current.type
            if kind in ("identifier", "shorthand_property_identifier"):
                roots.add(text_of(current))
                continue
            if kind == "member_expression":
                path = callee_of(current)
                if "(" not in path and " " not in path:
                    paths.add(path)
                    roots.add(path.split(".", 1)[0])
                    continue
                obj = current.child_by_field_name("object")
                if obj is not None:
                    stack.append(obj)
                continue
            if kind in FUNCTION_TYPES or kind in (
                "property_identifier",
                "type_arguments",
                "type_annotation",
            ):
                continue
            if kind == "pair":
                value = current.child_by_field_name("value")
                if value is not None:
                    stack.append(value)
                continue
            stack.extend(current.named_children)
        return sorted(roots), sorted(paths)
