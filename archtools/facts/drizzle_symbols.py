"""Cross-file lookups over code facts for the Drizzle extractor: bindings, aliases, call chains."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from archtools.facts.code import Call, Expr, ExprKind, FileFacts, Function

MAX_HOPS = 8  # identifier -> binding -> ... resolutions followed before giving up
MAX_CHAIN = 64  # calls followed along one `a().b().c()` chain


@dataclass(frozen=True)
class Ref:
    """An expression together with the file whose call and function indexes it uses."""

    file: str
    expr: Expr


@dataclass(frozen=True)
class Binding:
    """A module-level `const name = init`."""

    file: str
    name: str
    line: int
    init: Expr


class Symbols:
    """Module-level names of every file, resolved through imports by name (not by module path)."""

    def __init__(self, files: Mapping[str, FileFacts]) -> None:
        self.files = files
        self.order = sorted(files)
        self._local: dict[str, dict[str, Binding]] = {}
        self._global: dict[str, Binding] = {}
        self._aliases: dict[str, dict[str, str]] = {}
        self._returns: dict[str, dict[int, Expr]] = {}
        self._calls_by_func: dict[str, dict[int | None, list[Call]]] = {}
        self._by_receiver: dict[str, dict[int, list[Call]]] = {}
        self._functions: dict[str, dict[str, int]] = {}
        self._global_functions: dict[str, tuple[str, int]] = {}
        # TypeScript enums by name: the first declaration of each name wins, as for bindings
        self._enums: dict[str, dict[str, str | None]] = {}
        for path in self.order:
            facts = files[path]
            for enum in facts.enums:
                self._enums.setdefault(enum.name, dict(enum.members))
            declared = {
                f.name: f.index for f in reversed(facts.functions) if f.parent is None and f.name
            }
            self._functions[path] = declared
            for name, index in declared.items():
                self._global_functions.setdefault(name, (path, index))
            local: dict[str, Binding] = {}
            for var in facts.vars:
                if var.func is None and len(var.names) == 1 and not var.keys and var.init:
                    name = var.names[0]
                    local.setdefault(name, Binding(path, name, var.line, var.init))
            self._local[path] = local
            for name, binding in local.items():
                self._global.setdefault(name, binding)
            self._aliases[path] = {
                n.local: n.imported
                for imp in facts.imports
                for n in imp.names
                if n.imported not in ("default", "*") and n.local != n.imported
            }
            returns: dict[int, Expr] = {}
            for ret in facts.returns:
                if ret.func is not None and ret.value is not None:
                    returns.setdefault(ret.func, ret.value)
            self._returns[path] = returns

    def call(self, file: str, index: int | None) -> Call | None:
        calls = self.files[file].calls
        if index is None or not 0 <= index < len(calls):
            return None
        return calls[index]

    def canonical(self, file: str, name: str) -> str:
        """The exported name behind a local import alias (`import { users as u }`: u -> users)."""
        return self._aliases.get(file, {}).get(name, name)

    def binding(self, file: str, name: str) -> Binding | None:
        """The module-level binding `name` refers to in `file`: local first, then any file's."""
        local = self._local.get(file, {}).get(name)
        if local is not None:
            return local
        return self._global.get(self.canonical(file, name))

    def enum_member(self, file: str, text: str) -> str | None:
        """The value of `Enum.MEMBER` when `Enum` is a TypeScript enum with a literal value for
        it (`AgentType.ROOT` -> `root`)."""
        enum, _, member = text.partition(".")
        if not member or "." in member:
            return None
        return self._enums.get(self.canonical(file, enum), {}).get(member)

    def function(self, file: str, name: str) -> tuple[str, Function] | None:
        """The module-level function declared as `name` (`function name() {}`) that `file` sees:
        its own first, then any file's."""
        local = self._functions.get(file, {}).get(name)
        found = (file, local) if local is not None else None
        found = found or self._global_functions.get(self.canonical(file, name))
        if found is None:
            return None
        path, index = found
        return path, self.files[path].functions[index]

    def returned(self, file: str, func: int | None) -> Expr | None:
        """What a function returns: its expression body, or its first `return` value."""
        if func is None:
            return None
        return self._returns.get(file, {}).get(func)

    def resolve(self, ref: Ref) -> Ref:
        """Follows identifiers and `obj.key` members to the literal expression they name."""
        for _ in range(MAX_HOPS):
            expr = ref.expr
            if expr.kind is ExprKind.IDENTIFIER:
                binding = self.binding(ref.file, expr.text)
                if binding is None or binding.init is expr:
                    return ref
                ref = Ref(binding.file, binding.init)
            elif (
                expr.kind is ExprKind.MEMBER and len(expr.paths) == 1 and expr.paths[0] == expr.text
            ):
                head, _, key = expr.text.rpartition(".")
                if not head or "." in head:
                    return ref
                binding = self.binding(ref.file, head)
                if binding is None or binding.init.kind is not ExprKind.OBJECT:
                    return ref
                pair = next((p for p in binding.init.pairs if p.key == key), None)
                if pair is None:
                    return ref
                ref = Ref(binding.file, pair.value)
            else:
                return ref
        return ref

    def chain(self, file: str, index: int | None) -> list[Call]:
        """The calls of `a().b().c()` from the outermost (`c`) to the innermost (`a`)."""
        found: list[Call] = []
        seen: set[int] = set()
        call = self.call(file, index)
        while call is not None and call.index not in seen and len(found) < MAX_CHAIN:
            found.append(call)
            seen.add(call.index)
            call = self.call(file, call.receiver)
        return found

    def chained_on(self, file: str, index: int) -> list[Call]:
        """The calls made on the result of call `index` (`a().b()`: b is chained on a)."""
        by_receiver = self._by_receiver.get(file)
        if by_receiver is None:
            by_receiver = {}
            for call in self.files[file].calls:
                if call.receiver is not None:
                    by_receiver.setdefault(call.receiver, []).append(call)
            self._by_receiver[file] = by_receiver
        return by_receiver.get(index, [])

    def outermost_calls(self, file: str, func: int) -> list[Call]:
        """Calls inside function `func` that no other call of it is chained on, in source order."""
        by_func = self._calls_by_func.get(file)
        if by_func is None:
            by_func = {}
            for call in self.files[file].calls:
                by_func.setdefault(call.func, []).append(call)
            self._calls_by_func[file] = by_func
        calls = by_func.get(func, [])
        receivers = {c.receiver for c in calls if c.receiver is not None}
        return [c for c in calls if c.index not in receivers]


def last_segment(callee: str) -> str:
    """`p.index().on` -> "on"; `text` -> "text"."""
    return callee.rsplit(".", 1)[-1].removesuffix("()")


def string_of(expr: Expr | None) -> str | None:
    """The value of a string literal or a template string without substitutions."""
    if expr is None or expr.kind not in (ExprKind.STRING, ExprKind.TEMPLATE):
        return None
    return expr.value


def pair_value(expr: Expr | None, key: str) -> Expr | None:
    if expr is None or expr.kind is not ExprKind.OBJECT:
        return None
    return next((p.value for p in expr.pairs if p.key == key), None)
