"""Client values that cannot change the shape of SQL text: a number, a boolean or a member of a
fixed set, known so from the schema that validated it (`z.coerce.number().int()`, `z.enum([...])`)
or from the declared type of a parameter a validated value reached (`{ id: number }`, a Prisma
enum), or made so by a cast (`Number(x)`). Interpolated into raw SQL, such a value is still worth
binding, but it is no injection."""

from __future__ import annotations

import re

from archtools.analysis.flow import Flow
from archtools.analysis.program import Program
from archtools.facts.code import Expr, ExprKind, FileFacts, VarDecl
from archtools.facts.schema import Schema

_CASTS = re.compile(r"^(?:Number|parseInt|parseFloat|Boolean|Math\.\w+|BigInt)\(")
_SAFE_ZOD = re.compile(
    r"^z\s*\.\s*(?:coerce\s*\.\s*)?(?:number|boolean|bigint|enum|nativeEnum|literal|date)\b"
    r"|^z\s*\.\s*array\(\s*z\s*\.\s*(?:coerce\s*\.\s*)?(?:number|boolean|enum|nativeEnum)\b"
    r"|^z\s*\.\s*string\(\)\s*\.\s*(?:uuid|cuid2?|ulid)\(\)"
)
_SAFE_TYPES = re.compile(r"^(?:number|boolean|bigint|Date)(?:\[\])?$|^Array<(?:number|boolean)>$")
_HOLE = re.compile(r"\$\{([^{}]*)\}")
_WORD = re.compile(r"[A-Za-z_$][\w$]*")
_PARSERS = ("parse", "parseAsync", "safeParse", "safeParseAsync")
_MAX_DEPTH = 4


class SqlValues:
    """Judges the client roots of SQL text in one function of one file."""

    def __init__(self, program: Program, schema: Schema, facts: FileFacts, flow: Flow) -> None:
        self.program = program
        self.enums = {e.name for e in schema.enums}
        self.facts = facts
        self.flow = flow

    def all_safe(self, expr: Expr, func: int | None, depth: int = 0) -> bool:
        """Whether every client value the text is built from is a validated scalar or a cast."""
        if depth > _MAX_DEPTH:
            return False
        if expr.kind == ExprKind.CALL and _CASTS.match(expr.text):
            return True
        client = [r for r in expr.roots if r in self.flow.inputs]
        if expr.kind == ExprKind.TEMPLATE and expr.text.endswith("`"):
            # `AND id = ${Number(id)}`: the interpolations that read a client value, each a cast
            every = _HOLE.findall(expr.text)
            holes = [h for h in every if set(_WORD.findall(h)) & set(client)]
            read_all = len(every) == expr.text.count("${")  # (no hole with braces of its own)
            if read_all and holes and all(_CASTS.match(h.strip()) for h in holes):
                return True
        return bool(client) and all(self._safe_root(r, expr, func, depth) for r in client)

    def _safe_root(self, root: str, expr: Expr, func: int | None, depth: int) -> bool:
        fields = {p.split(".")[1] for p in expr.paths if p.startswith(root + ".") and "." in p}
        whole = root in expr.paths or not fields
        local = self._local(root, func, expr.line)
        if local is not None and local.init is not None:
            init = local.init
            built = init.kind in (ExprKind.TEMPLATE, ExprKind.OTHER, ExprKind.CALL)
            if (
                not local.keys
                and built
                and (
                    _CASTS.match(init.text) is not None
                    or (init.kind != ExprKind.CALL and self.all_safe(init, func, depth + 1))
                )
            ):
                return True
            schema = self._schema_of(init, func)
            if schema is not None and root not in self.flow.hand_checked:
                if local.keys:  # `const { modelId } = schema.parse(...)`
                    key = _key_of(local, root)
                    return key is not None and _safe_field(schema, key)
                return not whole and all(_safe_field(schema, f) for f in fields)
            return False
        if root not in self.flow.validated:
            return False
        declared = self._declared_type(root, func)
        if declared is None:
            return False
        if whole:
            return self._safe_type(declared)
        return all(self._safe_type(_member_type(declared, f) or "") for f in fields)

    def _local(self, name: str, func: int | None, line: int) -> VarDecl | None:
        """The declaration of `name` in the function that reaches `line`: the nearest before it
        (each `case` of a switch may declare its own)."""
        found = [v for v in self.facts.vars if v.func == func and name in v.names]
        before = [v for v in found if v.line <= line] or found
        return max(before, key=lambda v: v.line) if before else None

    def _schema_of(self, init: Expr, func: int | None, depth: int = 0) -> Expr | None:
        """The zod object schema a value was parsed with: `schema.parse(x)`, `(await
        schema.safeParseAsync(x)).data`, or a name holding one of those."""
        if depth > 3:
            return None
        if init.kind == ExprKind.MEMBER and init.text.endswith(".data"):
            holder = self._local(init.text.removesuffix(".data").strip("() "), func, init.line)
            if holder is not None and holder.init is not None:
                return self._schema_of(holder.init, func, depth + 1)
            return None
        if init.call is None:
            return None
        call = self.facts.calls[init.call]
        if call.name not in _PARSERS:
            return None
        receiver = call.callee.removeprefix("await ").rsplit(".", 1)[0]
        return self._object_schema(receiver)

    def _object_schema(self, name: str) -> Expr | None:
        """A module schema built with `z.object({...})`, through refinements chained on it."""
        symbol = self.program.lookup(self.facts.path, name)
        if symbol is None or symbol.value is None or symbol.package is not None:
            return None
        facts = self.program.files[symbol.file]
        index = symbol.value.call
        while index is not None:
            call = facts.calls[index]
            if call.name == "object" and call.callee.startswith("z.") and call.args:
                return call.args[0]
            index = call.receiver
        return None

    def _declared_type(self, name: str, func: int | None) -> str | None:
        """The TypeScript type a parameter declares for `name` (the whole type, or the member's
        for a destructured key)."""
        if func is None:
            return None
        for param in self.program.files[self.facts.path].functions[func].params:
            if param.type is None:
                continue
            if param.name == name:
                return param.type.strip()
            for key, locals_ in param.by_key.items():
                if name in locals_:
                    return _member_type(param.type, key)
        return None

    def _safe_type(self, declared: str) -> bool:
        declared = declared.strip()
        if _SAFE_TYPES.match(declared):
            return True
        base = declared.removesuffix("[]")
        return base in self.enums


def _key_of(local: VarDecl, name: str) -> str | None:
    if name not in local.names:
        return None
    at = local.names.index(name)
    return local.keys[at] if at < len(local.keys) else None


def _safe_field(schema: Expr, key: str) -> bool:
    value = next((p.value for p in schema.pairs if p.key == key), None)
    return value is not None and _SAFE_ZOD.match(value.text) is not None


def _member_type(declared: str, key: str) -> str | None:
    """`number` for `id` in `{ id: number; setTo: boolean }`."""
    match = re.search(rf"(?:^|[{{;,\s]){re.escape(key)}\??\s*:\s*([\w.<>\[\]]+)", declared)
    return match.group(1) if match else None
