"""Client values that cannot change the shape of SQL text: a number, a boolean or a member of a
fixed set, known so from the schema that validated it (`z.coerce.number().int()`, `z.enum([...])`)
or from the declared type of a parameter a validated value reached (`{ id: number }`, a Prisma
enum, `z.infer<typeof schema>`), or made so by a cast (`Number(x)`); and text the code chose
itself, whatever client value steered the choice: one of literal strings (`desc ? 'DESC' :
'ASC'`), an entry of a constant table (`COLUMNS[sort]`), or text built from such values alone.
Interpolated into raw SQL, such a value is still worth binding, but it is no injection.

A value is judged through every declaration and assignment of its name that comes before its use,
into the callbacks that build it (`ids.map((id) => ...)`: the callback's results, its parameters
the receiver's elements) and, for a helper's parameter, at the entry's calls of that helper."""

from __future__ import annotations

import re
from collections.abc import Callable

from archtools.analysis.declared_types import SAFE_ZOD, DeclaredTypes
from archtools.analysis.flow import Flow, function_scope
from archtools.analysis.program import Program
from archtools.facts.code import Call, Expr, ExprKind, FileFacts, Param, VarDecl
from archtools.facts.schema import Schema

_CASTS = re.compile(r"^(?:Number|parseInt|parseFloat|Boolean|Math\.\w+|BigInt)\(")
_HOLE = re.compile(r"\$\{([^{}]*)\}")
_WORD = re.compile(r"[A-Za-z_$][\w$]*")
_LITERAL = re.compile(r"^(?:'[^'\\$]*'|\"[^\"\\$]*\"|`[^`\\$]*`|-?\d+(?:\.\d+)?|true|false|null)$")
_TYPE_CHECK = re.compile(
    r"Number\.is(?:Integer|SafeInteger|Finite)\(|\bisNaN\(|\btypeof\s+[\w$.]+\s*[!=]==?\s*['\"](?:number|boolean|bigint)"
)
_PARSERS = ("parse", "parseAsync", "safeParse", "safeParseAsync")
# array methods whose callback is handed the receiver's elements
_ELEMENT_CALLBACKS = {"map", "flatMap", "filter", "forEach", "some", "every", "find", "sort"}
# members read on a value that say nothing of its fields (`ids.join(",")`, `ids.length`)
_METHODS = {
    *("join", "map", "filter", "slice", "length", "includes", "flatMap", "sort", "concat"),
    *("toString", "toLowerCase", "toUpperCase", "trim", "toFixed", "valueOf", "toISOString"),
}
_MAX_DEPTH = 10
# the calls of a procedure or action builder that name the schema of its input
_INPUT_LINKS = {"input", "schema", "inputSchema"}
# methods that put values into a list or object in place
_ADDING = {"push", "unshift", "splice", "set", "add", "fill"}

# (file, function) of a helper -> the entry's calls of it, each with the values of its caller
CallSites = Callable[[str, int], list[tuple["SqlValues", Call]]]


class SqlValues:
    """Judges the client roots of SQL text in one function of one file."""

    def __init__(
        self,
        program: Program,
        schema: Schema,
        facts: FileFacts,
        flow: Flow,
        sites: CallSites | None = None,
    ) -> None:
        self.program = program
        self.types = DeclaredTypes(program, {e.name for e in schema.enums})
        self.facts = facts
        self.flow = flow
        self.sites = sites

    def all_safe(self, expr: Expr, func: int | None, depth: int = 0) -> bool:
        """Whether every client value the text is built from is a validated scalar, a cast, or
        text the code chose."""
        if depth > _MAX_DEPTH:
            return False
        if self._fixed(expr, func):
            return True
        client = self.client_roots(expr, func)
        if expr.kind == ExprKind.TEMPLATE and expr.text.endswith("`"):
            # `AND id = ${Number(id)}`: the interpolations that read a client value, each a cast
            every = _HOLE.findall(expr.text)
            holes = [h for h in every if set(_WORD.findall(h)) & set(client)]
            read_all = len(every) == expr.text.count("${")  # (no hole with braces of its own)
            if (
                read_all
                and holes
                and all(self._hole_safe(h.strip(), expr, func, depth) for h in holes)
            ):
                return True
        if not client and self._mapped_receiver(expr):
            # `statuses.map((s) => ...)`: what the callback makes of the elements
            return self._callbacks_safe(expr, depth)
        return (
            bool(client)
            and all(self._safe_root(r, expr, func, depth) for r in client)
            and self._callbacks_safe(expr, depth)
        )

    def unsafe_root(self, expr: Expr, func: int | None) -> str | None:
        """The first client value the text reads that is not safe, to name in the finding."""
        return next(
            (r for r in self.client_roots(expr, func) if not self._safe_root(r, expr, func, 0)),
            None,
        )

    def safe_value(self, expr: Expr, func: int | None, depth: int) -> bool:
        """`all_safe`, or a value that reads no client value at all."""
        if depth > _MAX_DEPTH:
            return False
        if not self.client_roots(expr, func, depth):
            return self._fixed(expr, func) or self._callbacks_safe(expr, depth)
        return self.all_safe(expr, func, depth)

    def client_roots(self, expr: Expr, func: int | None, depth: int = 0) -> list[str]:
        """The names the expression reads that hold a client value: by the flow, or a helper's
        parameter that one of the entry's calls of the helper hands a client value (the flow of a
        helper knows what its first call passed)."""
        through = self._mapped_receiver(expr)
        found = [r for r in expr.roots if r in self.flow.inputs and r not in through]
        if depth > _MAX_DEPTH:
            return found
        for root in expr.roots:
            if root in found or root in through or self._decls(root, func, expr.line):
                continue
            owner = self._param_owner(root, func)
            if owner is None:
                continue
            callback = self._callback_call(owner[0])
            if callback is not None:  # an element of the receiver: client when it is
                if self._receiver_client(callback, depth + 1):
                    found.append(root)
            elif self.sites is not None and self._passed_client(
                owner[0], owner[1], root, depth + 1
            ):
                found.append(root)
        return found

    def _mapped_receiver(self, expr: Expr) -> set[str]:
        """`rows.map((r) => ...).join(",")`: the names only the receiver of a `map` reads, whose
        values reach the result through the callback's parameters alone."""
        if expr.call is None:
            return set()
        chain: list[Call] = []
        index: int | None = expr.call
        while index is not None:
            chain.append(self.facts.calls[index])
            index = self.facts.calls[index].receiver
        chain.reverse()  # innermost first
        at = next(
            (
                i
                for i, c in enumerate(chain)
                if c.name in ("map", "flatMap") and any(a.kind == ExprKind.FUNCTION for a in c.args)
            ),
            None,
        )
        if at is None:
            return set()
        head = chain[0].callee.removeprefix("await ").split(".", 1)[0].split("(", 1)[0]
        before = {head} | {r for c in chain[:at] for a in c.args for r in a.roots}
        after = {
            r for c in chain[at:] for a in c.args if a.kind != ExprKind.FUNCTION for r in a.roots
        }
        return before - after

    def _receiver_client(self, call: Call, depth: int) -> bool:
        """The receiver of a method call reads a client value."""
        if depth > _MAX_DEPTH:
            return True
        if call.receiver is not None:
            inner = self.facts.calls[call.receiver]
            return any(
                self.client_roots(a, inner.func, depth + 1) for a in inner.args
            ) or self._receiver_client(inner, depth + 1)
        head = call.callee.removeprefix("await ").rsplit(".", 1)[0]
        name = head.split(".", 1)[0].split("(", 1)[0]
        holder = Expr(kind=ExprKind.MEMBER, text=head, line=call.line, roots=(name,), paths=(head,))
        return bool(self.client_roots(holder, call.func, depth + 1))

    def _hole_safe(self, text: str, expr: Expr, func: int | None, depth: int) -> bool:
        """One interpolation: a safe form (`_safe_hole`), or a name (or a field of one) whose
        value is safe."""
        if self._safe_hole(text):
            return True
        name = _WORD.match(text)
        if name is None or not re.fullmatch(r"[\w$]+(?:\??\.[\w$]+)*", text):
            return False
        hole = Expr(
            kind=ExprKind.MEMBER if "." in text else ExprKind.IDENTIFIER,
            text=text,
            line=expr.line,
            roots=(name.group(0),),
            paths=(text.replace("?.", "."),),
        )
        return self._safe_root(name.group(0), hole, func, depth + 1)

    def _safe_hole(self, text: str) -> bool:
        """An interpolation that yields no free text: a cast, a literal, a call of a helper that
        checks its values (`intList(ids)` throwing unless each is an integer), or a choice
        between those."""
        text = text.strip()
        while text.startswith("(") and text.endswith(")"):
            text = text[1:-1].strip()
        if _CASTS.match(text) or _LITERAL.match(text):
            return True
        split = _ternary(text)
        if split is not None:
            return all(self._safe_hole(b) for b in split)
        name = re.match(r"^(?:await\s+)?([A-Za-z_$][\w$]*)\(", text)
        return name is not None and self._checking_helper(name.group(1))

    def _checking_helper(self, name: str) -> bool:
        """A function of the program whose parameters are declared numbers, booleans or members
        of a fixed set, that exits unless a check of their type holds (`Number.isInteger`), and
        returns only what it built from them."""
        symbol = self.program.lookup(self.facts.path, name)
        if symbol is None or symbol.func is None or symbol.package is not None:
            return False
        facts = self.program.files[symbol.file]
        function = facts.functions[symbol.func]
        params = {n for p in function.params for n in (p.names or (p.name,))}
        if not function.params or not all(
            p.type is not None and self.types.safe(symbol.file, p.type) for p in function.params
        ):
            return False
        checks = any(
            g.func == symbol.func and _TYPE_CHECK.search(g.condition.text) for g in facts.guards
        )
        returns = [r for r in facts.returns if r.func == symbol.func]
        return (
            checks
            and bool(returns)
            and all(r.value is not None and set(r.value.roots) <= params for r in returns)
        )

    def validated(self, expr: Expr, func: int | None, depth: int = 0) -> bool:
        """Every client value the expression reads passed a check (a schema, a guard): by the
        flow, or at each of the entry's calls that hands it to a helper's parameter."""
        if depth > _MAX_DEPTH or self.flow.is_input(expr):
            return False
        for root in self.client_roots(expr, func, depth):
            if root in self.flow.inputs:
                if root not in self.flow.validated or root in self.flow.hand_checked:
                    return False
                continue
            owner = self._param_owner(root, func)
            if owner is None or self.sites is None:
                return False
            params = self.facts.functions[owner[0]].params
            for values, call in self.sites(self.facts.path, owner[0]):
                arg = _argument(params, owner[1], root, call)
                if arg is not None and not values.validated(arg, call.func, depth + 1):
                    return False
        return True

    def _passed_client(self, at: int, param: Param, root: str, depth: int) -> bool:
        assert self.sites is not None
        for values, call in self.sites(self.facts.path, at):
            arg = _argument(self.facts.functions[at].params, param, root, call)
            if arg is not None and (
                values.flow.is_client_value(arg) or values.client_roots(arg, call.func, depth + 1)
            ):
                return True
        return False

    def _fixed(self, expr: Expr, func: int | None) -> bool:
        """A cast, a choice between literals, or an entry of a constant table."""
        text = expr.text.strip()
        return (
            _CASTS.match(text) is not None
            or _literal_choice(text)
            or (expr.kind == ExprKind.MEMBER and self._table_entry(text, func, expr.line))
        )

    def _table_entry(self, text: str, func: int | None, line: int) -> bool:
        """`COLUMNS[sort]`: an entry of an object or list of literals the code declares."""
        name = text.split("[", 1)[0].strip()
        if "[" not in text or not _WORD.fullmatch(name):
            return False
        decls = self._decls(name, func, line)
        if decls:
            table = decls[-1].init if len(decls) == 1 else None
        else:
            symbol = self.program.lookup(self.facts.path, name)
            table = symbol.value if symbol is not None and symbol.package is None else None
        if table is None:
            return False
        values = [p.value for p in table.pairs] if table.kind == ExprKind.OBJECT else table.items
        return (
            table.kind in (ExprKind.OBJECT, ExprKind.ARRAY)
            and bool(values)
            and all(_LITERAL.match(v.text.strip()) for v in values)
        )

    def _callbacks_safe(self, expr: Expr, depth: int) -> bool:
        """The functions handed to the calls of a chain (`ids.map((id) => ...)`) return only
        safe values."""
        if expr.call is None:
            return True
        index: int | None = expr.call
        while index is not None:
            call = self.facts.calls[index]
            for arg in call.args:
                if arg.kind != ExprKind.FUNCTION or arg.func is None:
                    continue
                for ret in self.facts.returns:
                    if ret.func != arg.func:
                        continue
                    if ret.value is None or not self.safe_value(ret.value, arg.func, depth + 1):
                        return False
            index = call.receiver
        return True

    def _safe_root(self, root: str, expr: Expr, func: int | None, depth: int) -> bool:
        decls = self._decls(root, func, expr.line)
        fields = _fields(root, expr)
        if decls:
            return all(
                self._safe_decl(d, root, fields, depth) for d in decls
            ) and self._additions_safe(root, decls[0].func, expr.line, depth)
        owner = self._param_owner(root, func)
        if owner is None:
            return False
        at, param = owner
        declared = self._declared_safe(at, param, root, fields)
        if declared and root in self.flow.validated and root not in self.flow.hand_checked:
            return True
        if fields and root in self.flow.validated and root not in self.flow.hand_checked:
            schema = self._input_schema(at)  # `.input(schema).mutation(({ input }) => ...)`
            if schema is not None and all(self._schema_field_safe(schema, f) for f in fields):
                return True
        callback = self._callback_call(at)
        if callback is not None:  # `ids.map((id) => ...)`: the elements of `ids`
            if self._record_value(callback, param, root):
                return True
            return self._receiver_safe(callback, depth + 1)
        return self._safe_at_calls(at, param, root, depth + 1, typed=declared)

    def _input_schema(self, func: int) -> Expr | None:
        """The schema a procedure or action validates what it hands `func` with: the argument of
        `.input(...)` (`.schema`, `.inputSchema`) on the chain that `func` is handed to."""
        for call in self.facts.calls:
            if not any(a.func == func for a in call.args):
                continue
            index = call.receiver
            while index is not None:
                link = self.facts.calls[index]
                if link.name in _INPUT_LINKS and link.args:
                    return link.args[0]
                index = link.receiver
        return None

    def _schema_field_safe(self, schema: Expr, key: str) -> bool:
        if schema.kind == ExprKind.IDENTIFIER:
            found = self.types.schema_field(self.facts.path, schema.text, key)
            return found is not None and self.types.zod_safe(found[0], found[1].text)
        if schema.call is None:
            return False
        call = self.facts.calls[schema.call]  # `z.object({ ... })` written inline
        if call.name != "object" or not call.args:
            return False
        value = next((p.value for p in call.args[0].pairs if p.key == key), None)
        return value is not None and self.types.zod_safe(self.facts.path, value.text)

    def _record_value(self, callback: Call, param: Param, root: str) -> bool:
        """`Object.entries(input.ratings).map(([id, level]) => ...)`: `level` is a value of a
        record the procedure's schema declares of numbers or enums (`Object.values` too)."""
        if callback.receiver is None or root not in param.names:
            return False
        source = self.facts.calls[callback.receiver]
        callee = source.callee.removeprefix("await ")
        if callee not in ("Object.entries", "Object.values") or len(source.args) != 1:
            return False
        at_value = param.names.index(root) == (1 if callee == "Object.entries" else 0)
        record = source.args[0]
        holder, _dot, key = record.text.partition(".")
        if not at_value or record.kind != ExprKind.MEMBER or not key or "." in key:
            return False
        owner = self._param_owner(holder, source.func)
        if owner is None or holder not in self.flow.validated:
            return False
        schema = self._input_schema(owner[0])
        if schema is None or schema.kind != ExprKind.IDENTIFIER:
            return False
        found = self.types.schema_field(self.facts.path, schema.text, key)
        return found is not None and self.types.record_values_safe(found[0], found[1].text)

    def _additions_safe(self, name: str, func: int | None, line: int, depth: int) -> bool:
        """What is added to a list before `line` (`where.push(...)`) is safe too."""
        scope = function_scope(self.facts, func)
        for call in self.facts.calls:
            if (
                call.func in scope
                and call.line < line
                and call.name in _ADDING
                and call.callee.removeprefix("await ").rsplit(".", 1)[0] == name
                and not all(self.safe_value(a, call.func, depth + 1) for a in call.args)
            ):
                return False
        return True

    def _safe_decl(self, local: VarDecl, root: str, fields: set[str], depth: int) -> bool:
        """The value one declaration or assignment gives `root`, read whole or by `fields`."""
        init, func = local.init, local.func
        if init is None:
            return False
        schema = self._schema_of(init, func)
        if schema is not None:
            if root in self.flow.hand_checked:
                return False
            if local.keys:  # `const { modelId } = schema.parse(...)`
                key = _key_of(local, root)
                return key is not None and _safe_field(schema, key)
            return bool(fields) and all(_safe_field(schema, f) for f in fields)
        if local.keys and init.kind in (ExprKind.IDENTIFIER, ExprKind.MEMBER):
            key = _key_of(local, root)  # `const { status } = input`: the field of input
            if key is not None and self._safe_field_of(init, key, func, depth):
                return True
        return self.safe_value(init, func, depth + 1)

    def _safe_field_of(self, holder: Expr, key: str, func: int | None, depth: int) -> bool:
        """Field `key` of a parameter: safe by its declared type where validated, or at each of
        the entry's calls of the helper (a validated value of that type, a safe value, or an
        object that has no such field)."""
        name = holder.text
        if holder.kind != ExprKind.IDENTIFIER or self._decls(name, func, holder.line):
            return False
        owner = self._param_owner(name, func)
        if owner is None:
            return False
        at, param = owner
        typed = self._declared_safe(at, param, name, {key})
        if typed and name in self.flow.validated and name not in self.flow.hand_checked:
            return True
        sites = self.sites(self.facts.path, at) if self.sites is not None else []
        if not sites or depth > _MAX_DEPTH:
            return False
        params = self.facts.functions[at].params
        for values, call in sites:
            arg = _argument(params, param, name, call)
            if arg is None or values.lacks_key(arg, key, call.func, depth + 1):
                continue
            if typed and values.validated(arg, call.func, depth + 1):
                continue
            return False
        return True

    def lacks_key(self, value: Expr, key: str, func: int | None, depth: int) -> bool:
        """The object has no field `key` (what reads it gets `undefined`): an object literal
        without it, through spreads, names and the objects an app function returns."""
        if depth > _MAX_DEPTH:
            return False
        text = value.text.strip()
        if value.kind == ExprKind.SPREAD:
            text = text.removeprefix("...").strip()
        if value.kind == ExprKind.OBJECT:
            if any(p.key == key for p in value.pairs):
                return False
            return all(
                self.lacks_key(p.value, key, func, depth + 1) for p in value.pairs if p.key == "..."
            )
        if _WORD.fullmatch(text):
            decls = self._decls(text, func, value.line)
            init = decls[0].init if len(decls) == 1 and not decls[0].keys else None
            return init is not None and self.lacks_key(init, key, func, depth + 1)
        called = re.match(r"^(?:await\s+)?([A-Za-z_$][\w$]*)\(", text)
        if called is None:
            return False
        call = next(
            (
                c
                for c in self.facts.calls
                if c.line == value.line and c.callee.removeprefix("await ") == called.group(1)
            ),
            None,
        )
        return call is not None and self._returns_lack_key(call, key, func, depth + 1)

    def _returns_lack_key(self, call: Call, key: str, func: int | None, depth: int) -> bool:
        """Every object the called app function returns lacks `key` (a spread of one of its
        parameters: the argument this call passes lacks it)."""
        symbol = self.program.lookup(self.facts.path, call.callee.removeprefix("await "))
        if symbol is None or symbol.func is None or symbol.package is not None:
            return False
        callee = self.program.files[symbol.file]
        function = callee.functions[symbol.func]
        returns = [r for r in callee.returns if r.func == symbol.func]
        if not returns:
            return False
        for ret in returns:
            if ret.value is None or ret.value.kind != ExprKind.OBJECT:
                return False
            if any(p.key == key for p in ret.value.pairs):
                return False
            for pair in ret.value.pairs:
                if pair.key != "...":
                    continue
                spread = pair.value.text.removeprefix("...").strip()
                at = next((i for i, p in enumerate(function.params) if p.name == spread), None)
                if at is None:
                    return False
                if at < len(call.args) and not self.lacks_key(call.args[at], key, func, depth + 1):
                    return False
        return True

    def _declared_safe(self, at: int, param: Param, root: str, fields: set[str]) -> bool:
        """The declared type of the parameter (or of its destructured key) admits only safe
        values (for `root.field` reads, each field's type does)."""
        if param.type is None:
            return False
        file = self.facts.path
        declared = param.type
        if param.name != root:
            key = next((k for k, names in param.by_key.items() if root in names), None)
            if key is None:
                return False
            if fields:  # `({ input }: { input: Schema }) => input.status`
                return all(self.types.member_safe(file, declared, f"{key}.{f}") for f in fields)
            return self.types.member_safe(file, declared, key)
        if not fields:
            return self.types.safe(file, declared)
        return all(self.types.member_safe(file, declared, f) for f in fields)

    def _callback_call(self, func: int) -> Call | None:
        """The call of an array method that `func` is the callback of."""
        for call in self.facts.calls:
            if call.name in _ELEMENT_CALLBACKS and any(a.func == func for a in call.args):
                return call
        return None

    def _receiver_safe(self, call: Call, depth: int) -> bool:
        """The receiver of a method call holds only safe values: the chain it is called on (its
        calls' arguments and the name it starts from)."""
        if depth > _MAX_DEPTH:
            return False
        head = call.callee.removeprefix("await ").rsplit(".", 1)[0]
        if call.receiver is not None:
            inner = self.facts.calls[call.receiver]
            args_safe = all(self.safe_value(a, inner.func, depth + 1) for a in inner.args)
            return args_safe and self._receiver_safe(inner, depth + 1)
        name = head.split(".", 1)[0].split("(", 1)[0]
        if not _WORD.fullmatch(name) or name not in self.flow.inputs:
            return True
        holder = Expr(kind=ExprKind.MEMBER, text=head, line=call.line, roots=(name,), paths=(head,))
        return self._safe_root(name, holder, call.func, depth + 1)

    def _safe_at_calls(
        self, at: int, param: Param, root: str, depth: int, *, typed: bool = False
    ) -> bool:
        """A helper's parameter is safe when every call of the helper the entry makes hands it a
        safe value, or a validated one when the parameter's declared type is safe (`typed`)."""
        if self.sites is None or depth > _MAX_DEPTH:
            return False
        params = self.facts.functions[at].params
        passed = False
        for values, call in self.sites(self.facts.path, at):
            arg = _argument(params, param, root, call)
            if arg is None:
                continue  # not passed: the parameter is undefined or its default
            if not (
                (typed and values.validated(arg, call.func, depth + 1))
                or values.safe_value(arg, call.func, depth + 1)
            ):
                return False
            passed = True
        return passed

    def _decls(self, name: str, func: int | None, line: int) -> list[VarDecl]:
        """The declarations and assignments of `name` before `line`, in the innermost of `func`
        and the functions around it that has any (a callback reads its closure)."""
        current: int | None = func
        while True:
            found = [v for v in self.facts.vars if v.func == current and name in v.names]
            if found:
                # (an assignment reads the value before it: `ids = [...new Set(ids)]`)
                before = [v for v in found if v.line < line]
                if before:
                    return before
                if current is not None and self._param_owner_here(name, current):
                    return []  # the parameter's own value, before any assignment
                return found[:1]
            if current is None or self._param_owner_here(name, current):
                return []
            current = self.facts.functions[current].parent

    def _param_owner_here(self, name: str, func: int) -> bool:
        return any(name in (p.names or (p.name,)) for p in self.facts.functions[func].params)

    def _param_owner(self, name: str, func: int | None) -> tuple[int, Param] | None:
        """The function (func or one around it) whose parameter binds `name`, and that parameter."""
        current = func
        while current is not None:
            for param in self.facts.functions[current].params:
                if name in (param.names or (param.name,)):
                    return current, param
            current = self.facts.functions[current].parent
        return None

    def _schema_of(self, init: Expr, func: int | None, depth: int = 0) -> Expr | None:
        """The zod object schema a value was parsed with: `schema.parse(x)`, `(await
        schema.safeParseAsync(x)).data`, or a name holding one of those."""
        if depth > 3:
            return None
        if init.kind == ExprKind.MEMBER and init.text.endswith(".data"):
            holder = self._decls(init.text.removesuffix(".data").strip("() "), func, init.line)
            if holder and holder[-1].init is not None:
                return self._schema_of(holder[-1].init, func, depth + 1)
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


def _argument(params: tuple[Param, ...], param: Param, root: str, call: Call) -> Expr | None:
    """What a call hands the parameter that binds `root`: its argument, or the value of the
    argument object's key that the parameter destructures (a spread when it may hold it)."""
    position = params.index(param)
    if position >= len(call.args):
        return None
    arg = call.args[position]
    if param.name == root or arg.kind != ExprKind.OBJECT or not arg.pairs:
        return arg
    key = next((k for k, names in param.by_key.items() if root in names), root)
    value = next((p.value for p in arg.pairs if p.key == key), None)
    if value is None:
        return next((p.value for p in arg.pairs if p.key == "..."), None)
    return value


def _fields(root: str, expr: Expr) -> set[str]:
    """The fields of `root` the expression reads (`input.status`), methods aside; none when it
    reads `root` whole."""
    if root in expr.paths:
        return set()
    return {
        p.split(".")[1]
        for p in expr.paths
        if p.startswith(root + ".") and p.split(".")[1] not in _METHODS
    }


def _literal_choice(text: str) -> bool:
    """`cond ? 'DESC' : 'ASC'` (nested choices too): only literals can come out, whatever the
    condition reads."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    split = _ternary(text)
    if split is None:
        return False
    return all(_LITERAL.match(b) is not None or _literal_choice(b) for b in split)


def _ternary(text: str) -> tuple[str, str] | None:
    """The two branches of a top-level conditional expression."""
    level = nested = 0
    quote = ""
    question = -1
    for at, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
            continue
        if ch in "'\"`":
            quote = ch
        elif ch in "([{":
            level += 1
        elif ch in ")]}":
            level -= 1
        elif ch == "?" and level == 0:
            after = text[at + 1 : at + 2]
            before = text[at - 1 : at] if at else ""
            if after in (".", "?") or before == "?":
                continue
            if question < 0:
                question = at
            else:
                nested += 1
        elif ch == ":" and level == 0 and question >= 0:
            if nested:
                nested -= 1
                continue
            return text[question + 1 : at].strip(), text[at + 1 :].strip()
    return None


def _key_of(local: VarDecl, name: str) -> str | None:
    if name not in local.names:
        return None
    at = local.names.index(name)
    return local.keys[at] if at < len(local.keys) else None


def _safe_field(schema: Expr, key: str) -> bool:
    value = next((p.value for p in schema.pairs if p.key == key), None)
    return value is not None and SAFE_ZOD.match(value.text) is not None
