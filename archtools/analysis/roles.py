"""What a call does, by the guard catalog: authenticates, validates, limits, logs, or touches the database."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from archtools.analysis import orms
from archtools.analysis.knowledge import AuthFactory, GuardKnowledge
from archtools.analysis.orms import DbOp
from archtools.analysis.program import Program, Symbol
from archtools.facts.code import Call, ExprKind
from archtools.facts.schema import Schema

__all__ = ["AuthCall", "AuthKind", "CallClassifier", "DbOp", "prisma_accessors"]


class AuthKind(StrEnum):
    SESSION = "session"
    ENFORCING = "enforcing"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class AuthCall:
    kind: AuthKind
    library: str
    callee: str
    caller: str = "session"  # the kind of caller it proves: session | api_key | internal


_NOT_VALIDATORS = {
    "JSON",
    "Date",
    "Number",
    "path",
    "url",
    "URL",
    "qs",
    "querystring",
    "cookie",
    "dayjs",
    "BigInt",
    "Math",
}


def prisma_accessors(schema: Schema) -> dict[str, str]:
    """Prisma client accessor (`note`) -> model name (`Note`); Drizzle table variable -> model."""
    accessors: dict[str, str] = {}
    for model in schema.models:
        if model.kind != "model":
            continue
        accessors[model.name[:1].lower() + model.name[1:]] = model.name
        accessors[model.name] = model.name
    return accessors


def _table_word(name: str) -> str:
    """A model or table name without case, separators or a plural s: `audit_logs` -> `auditlog`."""
    word = name.replace("_", "").replace("-", "").lower()
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


class CallClassifier:
    def __init__(self, program: Program, knowledge: GuardKnowledge, schema: Schema) -> None:
        self.program = program
        self.knowledge = knowledge
        self.schema = schema
        self.accessors = prisma_accessors(schema)
        # Audit models by a spelling-free word: AuditLog, auditLogs and audit_logs are one table.
        self._audit_tables = {_table_word(m) for m in knowledge.audit_logging.models}
        self._db_cache: dict[str, list[DbOp]] = {}
        self._canonical: dict[tuple[str, int], tuple[str, str | None]] = {}
        self._auth: dict[tuple[str, int], AuthCall | None] = {}

    def canonical(self, file: str, call: Call) -> tuple[str, str | None]:
        """The callee with its root replaced by the imported name, and the package it came from."""
        key = (file, call.index)
        known = self._canonical.get(key)
        if known is None:
            known = self._canonical_of(file, call)
            self._canonical[key] = known
        return known

    def _canonical_of(self, file: str, call: Call) -> tuple[str, str | None]:
        callee = call.callee.removeprefix("new ")
        root, _, rest = callee.partition(".")
        bare_root = root.removesuffix("()")
        origin = self.program.import_origin(file, bare_root)
        if origin is None:
            return callee, None
        package, imported = origin
        if imported in ("default", "*"):
            imported = (
                bare_root  # `import NextAuth from "next-auth"`: the local name is the convention
            )
        canonical = imported + root[len(bare_root) :]
        return (canonical + "." + rest if rest else canonical), package

    def auth_call(self, file: str, call: Call) -> AuthCall | None:
        key = (file, call.index)
        if key not in self._auth:
            self._auth[key] = self._auth_call(file, call)
        return self._auth[key]

    def _auth_call(self, file: str, call: Call) -> AuthCall | None:
        callee, package = self.canonical(file, call)
        for primitive in self.knowledge.authentication:
            if primitive.package is not None:
                if package is None or not package.startswith(primitive.package):
                    continue
                if primitive.call is not None and callee != primitive.call:
                    continue
                if primitive.suffix is not None and not callee.endswith(primitive.suffix):
                    continue
            elif primitive.suffix is None or not (
                callee == primitive.suffix or callee.endswith("." + primitive.suffix)
            ):
                continue
            return AuthCall(
                AuthKind(primitive.kind), primitive.library, call.callee, primitive.caller
            )
        return self._factory_auth(file, call)

    def _factory_auth(self, file: str, call: Call) -> AuthCall | None:
        """`auth()` where `auth` is destructured from an auth factory such as NextAuth(...)."""
        factory = self.session_factory(file, call)
        if factory is None:
            return None
        return AuthCall(AuthKind.SESSION, factory.library, call.callee)

    def session_factory(self, file: str, call: Call) -> AuthFactory | None:
        """The auth factory (NextAuth(...)) whose session function `call` calls, if any."""
        root = call.callee.removeprefix("await ").split(".", 1)[0].split("(", 1)[0]
        if root != call.callee.removeprefix("await "):
            return None
        symbol = self.program.lookup(file, root)
        for _ in range(3):  # `export const auth = cache(nextAuth)`: the memoized function
            if symbol is None or symbol.destructured:
                break
            wrapped = self.program.value_call(symbol)
            if (
                wrapped is None
                or wrapped.callee not in ("cache", "React.cache")
                or len(wrapped.args) != 1
                or wrapped.args[0].kind != ExprKind.IDENTIFIER
            ):
                return None
            symbol = self.program.lookup(symbol.file, wrapped.args[0].text)
        if symbol is None or not symbol.destructured:
            return None
        init_call = self.program.value_call(symbol)
        if init_call is None:
            return None
        callee, _package = self.canonical(symbol.file, init_call)
        key = self._destructured_key(symbol)
        for factory in self.knowledge.auth_factories:
            if callee == factory.call and key in factory.session:
                return factory
        return None

    def _bound_key(self, symbol: Symbol) -> str | None:
        """The property a destructured name was bound from, or None for a name bound whole."""
        for var in self.program.files[symbol.file].vars:
            if var.func is None and symbol.name in var.names and len(var.keys) == len(var.names):
                return var.keys[var.names.index(symbol.name)] or symbol.name
        return None

    def _destructured_key(self, symbol: Symbol) -> str:
        """The property a destructured name was bound from (`{ auth: nextAuth }` binds `auth`)."""
        return self._bound_key(symbol) or symbol.name

    def auth_factory_handlers(self, file: str, name: str) -> str | None:
        """The library name when `name` in `file` is a route handler built by an auth library."""
        symbol = self.program.lookup(file, name)
        if symbol is None:
            return None
        if symbol.package is not None:
            if any(symbol.package.startswith(p) for p in self.knowledge.auth_handler_packages):
                return symbol.package
            return None
        for _ in range(
            6
        ):  # `export const { GET, POST } = handlers` where `handlers` comes from NextAuth()
            if symbol.value is None or symbol.value.kind != ExprKind.IDENTIFIER:
                break
            following = self.program.lookup(symbol.file, symbol.value.text)
            if following is None:
                break
            if following.package is not None:
                if any(
                    following.package.startswith(p) for p in self.knowledge.auth_handler_packages
                ):
                    return following.package
                return None
            symbol = following
        init_call = self.program.value_call(symbol)
        if init_call is None:
            return None
        callee, package = self.canonical(symbol.file, init_call)
        key = self._bound_key(symbol)
        for factory in self.knowledge.auth_factories:
            # the factory's whole result (`export default NextAuth(options)`), or one of the keys
            # it builds handlers on (`export const { handlers } = NextAuth(cfg)`), not `auth`
            if callee.split(".", 1)[0] == factory.call and (key is None or key in factory.handlers):
                return factory.library
        if package is not None and any(
            package.startswith(p) for p in self.knowledge.auth_handler_packages
        ):
            return package
        return None

    def is_validator(self, file: str, call: Call) -> bool:
        if call.callee in self.knowledge.validation.coercions:
            return bool(call.args)  # `new Date()` converts nothing: it makes a value
        root = call.callee.split(".", 1)[0].split("(", 1)[0]
        if root in _NOT_VALIDATORS:
            return False
        if call.name in self.knowledge.validation.methods and "." in call.callee:
            return True
        callee, package = self.canonical(file, call)
        if package is not None:
            for entry in self.knowledge.validation.functions:
                if package.startswith(entry.package) and callee == entry.call:
                    return True
        return call.name in self.knowledge.validation.form_helpers

    def is_schema_check(self, file: str, call: Call) -> bool:
        """A validator that checks a shape (not a coercion, not a parser of another format such as
        `Papa.parse` or `JSON.parse`)."""
        if call.callee in self.knowledge.validation.coercions or not self.is_validator(file, call):
            return False
        root = call.callee.split(".", 1)[0].split("(", 1)[0]
        symbol = self.program.lookup(file, root)
        if symbol is None or symbol.package is None:
            return True
        return any(
            symbol.package == p or symbol.package.startswith(p + "/")
            for p in self.knowledge.validation.schema_packages
        )

    def is_rate_limit(self, file: str, call: Call) -> bool:
        rl = self.knowledge.rate_limiting
        _callee, package = self.canonical(file, call)
        if package is not None and any(package.startswith(p) for p in rl.packages):
            return True
        lowered = call.callee.lower()
        if call.name in rl.methods and any(h.lower() in lowered for h in rl.name_hints):
            return True
        return any(call.name.lower() == h.lower() for h in rl.name_hints)

    def is_audit_log(self, file: str, call: Call) -> bool:
        """A write to an audit table (`prisma.auditLog.create`, `db.insert(auditLogs)`), or a call to
        a function named like an audit logger."""
        al = self.knowledge.audit_logging
        for orm in orms.ORMS:
            table = orm.inserts(call)
            model = None if table is None else self.accessors.get(table)
            if model is not None and _table_word(model) in self._audit_tables:
                return True
        return any(
            call.name.lower() == h.lower() for h in al.name_hints
        ) or call.name.lower().startswith("audit")

    def db_ops(self, file: str) -> list[DbOp]:
        cached = self._db_cache.get(file)
        if cached is None:
            cached = self._find_db_ops(file)
            self._db_cache[file] = cached
        return cached

    def _find_db_ops(self, file: str) -> list[DbOp]:
        facts = self.program.files[file]
        consumer = {c.receiver: c.index for c in facts.calls if c.receiver is not None}
        readers = [(orm.read, orm.subqueries(facts)) for orm in orms.ORMS]
        found: dict[int, DbOp | None] = {}

        def read(call: Call) -> DbOp | None:
            for reader, nested in readers:
                op = reader(self, file, call)
                if op is not None:
                    return replace(op, subquery=True) if nested(call) else op
            return None

        def chained_into_op(index: int) -> bool:
            """Whether a call further out in the chain is the operation (a Drizzle chain
            `db.select().from(t).where(...)` is described by its outermost call)."""
            outer = consumer.get(index)
            while outer is not None:
                if found.get(outer) is not None:
                    return True
                outer = consumer.get(outer)
            return False

        # outermost calls first; an operation whose result is only used further on
        # (`(await prisma.note.findMany(...))?.map(...)`) is read where it is
        for call in sorted(facts.calls, key=lambda c: _chain_depth(c.index, consumer)):
            found[call.index] = None if chained_into_op(call.index) else read(call)
        return [op for index, op in sorted(found.items()) if op is not None]


def _chain_depth(index: int, consumer: dict[int, int]) -> int:
    """How many calls of its chain are further out than this one."""
    depth = 0
    while index in consumer:
        index = consumer[index]
        depth += 1
    return depth
