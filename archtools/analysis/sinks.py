"""Where unvalidated client values go: database operations, outbound requests, redirects, cookies and
calls into other services, followed into the repository's helpers through their parameters.

A value stops being the client's when it passes a validator (its result is validated) or a coercion
that cannot carry anything else (`Number(x)`, `Boolean(x)`); it stays the client's through
assignments, destructuring, string methods and template strings."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from archtools.analysis.flow import HONO_REQUEST_METHODS, checked_in_place, function_scope
from archtools.analysis.program import Program
from archtools.analysis.roles import CallClassifier
from archtools.analysis.ternaries import tested_only
from archtools.facts.code import Call, Expr, ExprKind, FileFacts, LoopKind, VarDecl
from archtools.facts.schema import Orm
from archtools.results import Evidence

MAX_DEPTH = 3
_COERCIONS = ("Math.",)  # besides the validators' coercions (knowledge: validation.coercions)
_REDIRECTS = ("redirect", "permanentRedirect")
_REQUEST_VALUES = ("body", "query", "json", "formData", "text", "nextUrl", "searchParams")
Runs = Callable[[int | None, int], bool]
REPOSITORY_CODE = "(repository code archtools cannot follow)"
TargetOf = Callable[[str, Call], tuple[str, int | None] | None]
# How a tRPC client or server-side caller invokes a procedure: `api.tags.get(input)`,
# `trpc.note.byId.query(input)`, `caller.x.y.mutate(input)`.
_PROCEDURE_VERBS = frozenset({"query", "mutate", "fetch", "prefetch", "ensureData"})


def tainted_by(expr: Expr, tainted: AbstractSet[str]) -> bool:
    """Whether the expression reads a tainted name, or a tainted field (`input.cursor`) of a value
    whose other fields were checked."""
    if expr.all_roots() & tainted:
        return True
    fields = [t for t in tainted if "." in t]
    return bool(fields) and any(
        path == field or path.startswith(field + ".")
        for path in expr.all_paths()
        for field in fields
    )


def handed_on(expr: Expr, tainted: AbstractSet[str]) -> bool:
    """Whether an operation's filter or data hands on a tainted value, part by part: a conditional
    that only tests one (`q.pinned ? { pinnedBy: { some: { id: userId } } } : {}`) hands on one of
    its branches."""
    if expr.kind == ExprKind.OBJECT and expr.pairs:
        return any(handed_on(pair.value, tainted) for pair in expr.pairs)
    if expr.kind == ExprKind.ARRAY and expr.items:
        return any(handed_on(item, tainted) for item in expr.items)
    return tainted_by(expr, tainted) and not tested_only(
        expr, {name.split(".", 1)[0] for name in tainted}
    )


# Prisma operators that take a scalar (or a list of scalars) and refuse anything else: a value in
# their place cannot turn into a filter of its own (`{ id: { in: ids } }`, `{ contains: q } }`).
SCALAR_OPERANDS = frozenset(
    {"in", "notIn", "gt", "gte", "lt", "lte", "contains", "startsWith", "endsWith", "search"}
)


def scalar_operands_only(where: Expr, tainted: AbstractSet[str]) -> bool:
    """Whether every tainted value of a Prisma filter is the operand of such an operator (a
    plain `key: value` may be given an operator object by the client, and is not)."""
    found = False

    def visit(expr: Expr) -> bool:
        nonlocal found
        for pair in expr.pairs:
            value = pair.value
            if pair.key in SCALAR_OPERANDS and not value.pairs:
                found = found or handed_on(value, tainted)
            elif value.kind == ExprKind.OBJECT and value.pairs and pair.key != "...":
                if not visit(value):
                    return False
            elif handed_on(value, tainted):
                return False
        return True

    return where.kind == ExprKind.OBJECT and visit(where) and found


@dataclass(frozen=True)
class Sink:
    file: str
    line: int
    value: str  # the client value as written at the sink
    target: str  # what it reaches: "prisma.note.update()", "fetch()", ...
    database: bool
    model: str | None = None
    # reached only as the operand of Prisma operators that take scalars: unchecked, but no way to
    # change what the query does (the first other sink is preferred to it)
    scalar_only: bool = False


class SinkFinder:
    def __init__(
        self,
        program: Program,
        classifier: CallClassifier,
        target_of: TargetOf,
        sink_packages: tuple[str, ...],
        trusted_calls: tuple[str, ...] = (),
        inert_callees: tuple[str, ...] = (),
        inert_methods: tuple[str, ...] = (),
        iteration_methods: tuple[str, ...] = (),
        service_credentials: tuple[str, ...] = (),
    ) -> None:
        self.service_credentials = frozenset(service_credentials)
        self.inert_methods = frozenset(inert_methods)
        self.iteration_methods = frozenset(iteration_methods)
        self.trusted_calls = trusted_calls  # signature checks: what they return is verified
        self.inert_callees = frozenset(name.lower() for name in inert_callees)
        self.program = program
        self.classifier = classifier
        self.target_of = target_of
        self.sink_packages = sink_packages
        self._memo: dict[tuple[str, int | None, frozenset[str], bool], Sink | None] = {}
        # tRPC procedures by every dotted suffix of their path of two segments or more, with where
        # their input schema is (None for a procedure without one); set once entry points are known
        self._procedures: dict[str, list[Evidence | None]] = {}

    def know_procedures(self, procedures: dict[str, Evidence | None]) -> None:
        """The app's tRPC procedures (dotted path -> the `.input()` that validates what they take)."""
        self._procedures = {}
        for path, schema in procedures.items():
            segments = path.split(".")
            for start in range(len(segments) - 1):
                self._procedures.setdefault(".".join(segments[start:]), []).append(schema)

    def procedure_schema(self, file: str, call: Call) -> Evidence | None:
        """The input schema of the tRPC procedure a call invokes through a client or a caller
        (`c.var.api.tags.get({ tagId })`), when every procedure its path can name has one."""
        path = self.procedure_path(file, call)
        if path is None:
            return None
        schemas = self._procedures[path]
        return schemas[0] if all(schemas) else None

    def procedure_path(self, file: str, call: Call) -> str | None:
        """The (tail of the) dotted path of the tRPC procedure a call invokes through a client or
        a caller, longest first. A package's call (`prisma.user.create`) or a database operation
        is never one, whatever its path spells."""
        if not self._procedures:
            return None
        if self.classifier.canonical(file, call)[1] is not None or any(
            op.call == call.index for op in self.classifier.db_ops(file)
        ):
            return None
        acting = self._opaque(file, call, frozenset())
        if acting is not None and acting != REPOSITORY_CODE:
            return None  # a client of a service package (`stripe.x.y()`)
        callee = call.callee.removeprefix("await ")
        if "(" in callee:
            return None
        segments = callee.split(".")
        if segments[-1] in _PROCEDURE_VERBS:
            segments = segments[:-1]
        for start in range(1, len(segments) - 1):  # longest path first, never the bare root
            path = ".".join(segments[start:])
            if path in self._procedures:
                return path
        return None

    def first_sink(
        self,
        file: str,
        runs: Runs,
        tainted: set[str],
        *,
        database: bool,
        propagate: bool = True,
        requests: frozenset[str] = frozenset(),
        depth: int = 0,
        checked: bool = False,
    ) -> Sink | None:
        """The first place an unvalidated `tainted` value reaches: non-database sinks in this code,
        and (with `database`) its database operations; repository helpers are followed. Without
        `propagate`, `tainted` already holds every name the client's values reach (an entry point's
        own flow, which knows its validators, identity and verified payloads). `requests` are whole
        request objects: only their body and query carry the client's values (their headers and
        cookies are credentials, judged by authentication). With `checked`, a value that passed a
        validator or a coercion still counts: where the client's values go, checked or not."""
        facts = self.program.files[file]
        tainted = set(tainted) - requests - self._server_values(file, runs)
        if propagate:
            tainted = self._propagate(file, runs, tainted, requests, checked=checked)
        fallback: Sink | None = None
        prisma = self.classifier.schema.orm == Orm.PRISMA
        if database:
            for op in self.classifier.db_ops(file):
                if not runs(op.func, op.line):
                    continue
                # (checked values count wherever the operation takes them: `take`, `skip`)
                extra = list(facts.calls[op.call].args) if checked else []
                for expr in op.where + op.data + extra:
                    if not handed_on(expr, tainted):
                        continue
                    sink = Sink(file, expr.line, expr.text[:60], f"{op.callee}()", True, op.model)
                    if checked or not prisma or expr not in op.where:
                        return sink
                    if not scalar_operands_only(expr, tainted):
                        return sink
                    fallback = fallback or replace(sink, scalar_only=True)
        for call in facts.calls:
            if not runs(call.func, call.line):
                continue
            used = [
                i
                for i, arg in enumerate(call.args)
                if self._carries_raw(file, arg, tainted, requests, checked=checked)
            ]
            if not used or self.classifier.is_validator(file, call):
                continue
            value = call.args[used[0]].text[:60]
            found = self._call_sink(file, call, used, value, depth, tainted, checked=checked)
            if found is not None and not found.scalar_only:
                return found
            fallback = fallback or found
        return fallback

    def _propagate(
        self,
        file: str,
        runs: Runs,
        tainted: set[str],
        requests: frozenset[str],
        *,
        checked: bool,
    ) -> set[str]:
        """`tainted` and every name the code derives from it: declarations, the elements of a
        `for...of` over it, and the parameters of callbacks handed to its methods
        (`files.map((file) => ...)`); a validator's or coercion's result only when `checked`."""
        facts = self.program.files[file]
        tainted = set(tainted)
        while True:
            before = len(tainted)
            for var in sorted(facts.vars, key=lambda v: v.line):
                if (
                    var.init is None
                    or not runs(var.func, var.line)
                    or not self._carries(var.init, tainted, requests, checked=checked)
                ):
                    continue
                call = facts.calls[var.init.call] if var.init.call is not None else None
                validates = call is not None and (
                    self.classifier.is_validator(file, call) or call.callee.startswith(_COERCIONS)
                )
                if (
                    call is not None
                    and not (checked and validates)
                    and (
                        validates
                        or call.name in self.trusted_calls
                        # what a library computes from the value (a hash, a verified token) is
                        # not the client's text any more
                        or self.classifier.canonical(file, call)[1] is not None
                    )
                ):
                    continue
                tainted |= set(var.names)
            for loop in facts.loops:
                if (
                    loop.kind == LoopKind.FOR_OF
                    and loop.over is not None
                    and runs(loop.func, loop.line)
                    and tainted_by(loop.over, tainted)
                ):
                    tainted |= set(loop.binds)
            for call in facts.calls:
                root = call.callee.removeprefix("await ").split(".", 1)[0]
                if root not in tainted or "." not in call.callee or not runs(call.func, call.line):
                    continue
                for arg in call.args:
                    if arg.kind == ExprKind.FUNCTION and arg.func is not None:
                        for param in facts.functions[arg.func].params:
                            tainted |= set(param.names or (param.name,))
            if len(tainted) == before:
                return tainted

    def validated_in_helper(
        self, file: str, runs: Runs, tainted: set[str], requests: frozenset[str]
    ) -> Evidence | None:
        """Where a repository helper that receives the client's value checks it against a schema
        first (`postLink(req.body)` whose body starts with `PostLinkSchema.safeParse(body)`)."""
        facts = self.program.files[file]
        for call in facts.calls:
            if not runs(call.func, call.line):
                continue
            used = [i for i, arg in enumerate(call.args) if self._carries(arg, tainted, requests)]
            target = self.target_of(file, call) if used else None
            if target is None or target[1] is None:
                continue
            inner = self.program.files[target[0]]
            params = inner.functions[target[1]].params
            names = {
                name
                for i in used
                if i < len(params)
                for name in (params[i].names or (params[i].name,))
            }
            scope = function_scope(inner, target[1])
            for check in inner.calls:
                if (
                    check.func in scope
                    and any(arg.all_roots() & names for arg in check.args)
                    and self.classifier.is_schema_check(target[0], check)
                ):
                    return Evidence(
                        file=target[0],
                        line=check.line,
                        detail=f"`{call.args[used[0]].text[:40]}` is validated by "
                        f"{check.callee}() in {call.callee.removeprefix('await ')}()",
                    )
        return None

    def _server_values(self, file: str, runs: Runs) -> set[str]:
        """Names holding what the server looked up (a query's rows, a repository helper's result):
        found with the client's key, but not the client's text."""
        facts = self.program.files[file]
        lookups = {op.call for op in self.classifier.db_ops(file) if runs(op.func, op.line)}
        names: set[str] = set()
        for call in facts.calls:
            if not runs(call.func, call.line) or not call.assigned_to:
                continue
            if (
                call.index in lookups
                or self.target_of(file, call) is not None
                or self._opaque(file, call, frozenset()) is not None
            ):
                names |= set(call.assigned_to)
        return names

    def _carries_raw(
        self,
        file: str,
        arg: Expr,
        tainted: set[str],
        requests: frozenset[str],
        *,
        checked: bool = False,
    ) -> bool:
        """Carries the client's values as they were sent: not through a validator or a coercion
        (`getLink(Number(req.query.id))`, `{ userId: user.id, linkId: Number(id) }`), unless
        `checked` values count too."""
        if arg.kind == ExprKind.CALL and arg.call is not None and not checked:
            call = self.program.files[file].calls[arg.call]
            if self.classifier.is_validator(file, call) or call.callee.startswith(_COERCIONS):
                return False
        if checked_in_place(arg) and not checked:
            return False
        if arg.kind == ExprKind.OBJECT and arg.pairs:
            return any(
                self._carries_raw(file, pair.value, tainted, requests, checked=checked)
                for pair in arg.pairs
            )
        if arg.kind == ExprKind.FUNCTION and arg.func is not None:
            # a callback that returns the client's value: `update(() => ({ lang }))`
            return any(
                ret.func == arg.func
                and ret.value is not None
                and self._carries_raw(file, ret.value, tainted, requests, checked=checked)
                for ret in self.program.files[file].returns
            )
        return self._carries(arg, tainted, requests, checked=checked)

    @staticmethod
    def _carries(
        arg: Expr, tainted: set[str], requests: frozenset[str], *, checked: bool = False
    ) -> bool:
        """Reads a tainted value, or the body or query of a whole request; with `checked`, also
        what a Hono context's request hands out after its schema (`c.req.valid("json")`)."""
        if tainted_by(arg, tainted):
            return True
        for path in arg.paths:
            parts = path.split(".")
            if parts[0] not in requests or len(parts) < 2:
                continue
            if parts[1] in _REQUEST_VALUES:
                return True
            if checked and parts[1] == "req" and parts[2:3] and parts[2] in HONO_REQUEST_METHODS:
                return True
        return False

    def _call_sink(
        self,
        file: str,
        call: Call,
        used: list[int],
        value: str,
        depth: int,
        tainted: AbstractSet[str] = frozenset(),
        *,
        checked: bool = False,
    ) -> Sink | None:
        callee = call.callee.removeprefix("await ").removeprefix("new ")
        if callee.startswith(_COERCIONS) or call.name in self.trusted_calls:
            return None  # a signature check verifies the payload it is handed
        schema = self.procedure_schema(file, call)
        if schema is not None:
            # the tRPC procedure validates its input with its own schema before it uses it
            return Sink(file, call.line, value, f"{callee}()", True) if checked else None
        if call.name == "set" and self._is_cookie_store(file, call):
            if 1 not in used and not (0 in used and call.args[0].kind == ExprKind.OBJECT):
                return None  # the name or the options, not the value
            return Sink(file, call.line, value, "a cookie", False)
        if callee == "fetch" and checked:
            return Sink(file, call.line, value, "fetch()", False)  # its URL or what it sends
        if callee == "fetch" and 0 in used:
            if self.fixed_origin(file, call.args[0], tainted):
                return None
            return Sink(file, call.line, value, "fetch() as its URL", False)
        canonical, package = self.classifier.canonical(file, call)
        if package is not None:
            if package.startswith("next/navigation") and canonical in _REDIRECTS:
                if call.args and not checked and self.fixed_origin(file, call.args[0], tainted):
                    return None
                return Sink(file, call.line, value, f"{callee}() as its destination", False)
            if _listed(package, self.sink_packages) or self._configured_with_credential(file, call):
                return Sink(file, call.line, value, f"{callee}() ({package})", False)
            return None
        return self._callee_sink(file, call, used, value, depth, tainted, callee, checked=checked)

    def _callee_sink(
        self,
        file: str,
        call: Call,
        used: list[int],
        value: str,
        depth: int,
        tainted: AbstractSet[str],
        callee: str,
        *,
        checked: bool = False,
    ) -> Sink | None:
        """The sink reached through the called code: an opaque action it performs, or a sink
        inside the project function it calls, with the used arguments as its parameters."""
        target = self.target_of(file, call)
        direct = checked or all(call.args[i].kind != ExprKind.CALL for i in used)
        acting = self._opaque(file, call, tainted) if target is None and direct else None
        if acting is not None:
            return Sink(file, call.line, value, f"{callee}() {acting}", False)
        if target is None or target[1] is None or depth >= MAX_DEPTH:
            return None
        params = self.program.files[target[0]].functions[target[1]].params
        names = frozenset(
            name for i in used if i < len(params) for name in (params[i].names or (params[i].name,))
        )
        if not names:
            return None
        inner = self._sink_within(target[0], target[1], names, depth, checked=checked)
        if inner is None:
            return None
        return Sink(
            file,
            call.line,
            value,
            f"{inner.target} in {callee}() ({inner.file}:{inner.line})",
            inner.database,
            inner.model,
            inner.scalar_only,
        )

    def _sink_within(
        self, file: str, func: int, names: frozenset[str], depth: int, *, checked: bool = False
    ) -> Sink | None:
        """The first sink that `names`, the parameters of function `func`, reach in its body
        (memoised; a call met again while it is being followed counts as none)."""
        key = (file, func, names, checked)
        if key not in self._memo:
            self._memo[key] = None  # cycles
            scope = function_scope(self.program.files[file], func)
            self._memo[key] = self.first_sink(
                file,
                lambda candidate, _line: candidate in scope,
                set(names),
                database=True,
                depth=depth + 1,
                checked=checked,
            )
        return self._memo[key]

    def checked_arguments(
        self, file: str, runs: Runs, tainted: set[str], requests: frozenset[str]
    ) -> list[Evidence]:
        """Client values that a validator or a coercion checks as they are handed to code that would
        otherwise take them into a sink (`getLinkById(Number(req.query.id))`)."""
        calls = self.program.files[file].calls
        found: list[Evidence] = []
        for call in calls:
            if not runs(call.func, call.line):
                continue
            for i, arg in enumerate(call.args):
                values = [arg, *(pair.value for pair in arg.pairs)]
                for value in values:
                    if value.call is None or not self._carries(value, tainted, requests):
                        continue
                    check = calls[value.call]
                    if not self.classifier.is_validator(file, check):
                        continue
                    if self._call_sink(file, call, [i], value.text[:60], 0, tainted) is None:
                        continue
                    found.append(
                        Evidence(
                            file=file,
                            line=value.line,
                            detail=f"`{value.text[:50]}`: the client's value is checked by "
                            f"{check.callee}() before {call.callee.removeprefix('await ')}() "
                            "uses it",
                        )
                    )
        return found

    def procedure_inputs(
        self, file: str, runs: Runs, tainted: set[str], requests: frozenset[str]
    ) -> list[Evidence]:
        """Client values handed to a tRPC procedure through a client or a server-side caller, which
        the procedure's input schema validates before its resolver runs."""
        found: list[Evidence] = []
        for call in self.program.files[file].calls:
            if not runs(call.func, call.line) or not any(
                self._carries_raw(file, arg, tainted, requests) for arg in call.args
            ):
                continue
            schema = self.procedure_schema(file, call)
            if schema is not None:
                callee = call.callee.removeprefix("await ")
                found += [
                    Evidence(
                        file=schema.file,
                        line=schema.line,
                        detail=f"{schema.detail}: the input of the tRPC procedure {callee}() "
                        f"runs at {file}:{call.line}",
                    ),
                    Evidence(
                        file=file,
                        line=call.line,
                        detail=f"{callee}() hands the client's value to a tRPC procedure that "
                        f"validates it ({schema.file}:{schema.line})",
                    ),
                ]
        return found

    def fixed_destinations(
        self, file: str, runs: Runs, tainted: set[str], requests: frozenset[str]
    ) -> list[Evidence]:
        """Redirects and fetches that carry the client's values on an origin the server chose."""
        found: list[Evidence] = []
        for call in self.program.files[file].calls:
            if not runs(call.func, call.line) or not call.args:
                continue
            if not self._carries(call.args[0], tainted, requests):
                continue
            callee = call.callee.removeprefix("await ")
            canonical, package = self.classifier.canonical(file, call)
            destination = callee == "fetch" or (
                package is not None
                and package.startswith("next/navigation")
                and canonical in _REDIRECTS
            )
            if destination and self.fixed_origin(file, call.args[0], tainted):
                found.append(
                    Evidence(
                        file=file,
                        line=call.line,
                        detail=f"{callee}() carries the client's values only after an origin "
                        "the server chose",
                    )
                )
        return found

    def fixed_origin(self, file: str, url: Expr, tainted: AbstractSet[str], depth: int = 0) -> bool:
        """Whether a URL built with the client's values starts with an origin the server chose
        (`https://app.example.com/x?${query}`, `${BASE_URL}/docs/${slug}`): the client picks a path
        or a query on that host, not where the request or the redirect goes."""
        if url.kind in (ExprKind.STRING, ExprKind.TEMPLATE):
            return _starts_with_origin(url.text, tainted)
        roots_tainted = [r for r in url.roots if r in tainted]
        if not roots_tainted or depth > 2:
            return False
        facts = self.program.files[file]
        for name in roots_tainted:
            inits = [v.init for v in facts.vars if name in v.names[:1] and v.init is not None]
            if len(inits) != 1 or not self.fixed_origin(file, inits[0], tainted, depth + 1):
                return False
        return True

    def _opaque(self, file: str, call: Call, tainted: AbstractSet[str]) -> str | None:
        """What acts on a value the call hands over, when that cannot be followed: a method of an
        object or class the repository exports (`Tag.create(input)`), of a service object a
        repository function built (`const { users } = await services(); users.update(input)`), or
        of a client made of a sink package (`new Resend(key)`). Loggers, response helpers and the
        language's built-ins take values without acting on them."""
        callee = call.callee.removeprefix("await ").removeprefix("new ")
        root = callee.split(".", 1)[0].split("(", 1)[0]
        if not root or root in tainted or root.lower() in self.inert_callees:
            return None
        if call.name in self.inert_methods:
            return None
        if call.name in self.iteration_methods and any(
            arg.kind == ExprKind.FUNCTION for arg in call.args
        ):
            return None  # `rows.filter((row) => ...)` goes through rows in memory
        symbol = self.program.lookup(file, root)
        if symbol is not None:
            if symbol.package is not None or symbol.func is not None or "." not in callee:
                return None
            if symbol.value is None:  # a class or an object the repository exports
                return REPOSITORY_CODE
            return self._maker(symbol.file, symbol.value)
        facts = self.program.files[file]
        if any(c.name == root for c in facts.classes):
            return REPOSITORY_CODE
        local = _declared(facts, root, call.func)
        if local is None or local.init is None:
            return None
        return self._maker(file, local.init, local.func)

    def _maker(self, file: str, value: Expr, func: int | None = None, depth: int = 0) -> str | None:
        """Who built a service object: a repository function (`await services()`) or class of this
        file (`new Database(adapter)`), or a sink package (`new Stripe(key)`, `new Redis(url)`); not
        a built-in (`new TextEncoder()`) or an in-memory helper (`new Fuse(rows)`)."""
        if value.call is None:
            return None
        calls = self.program.files[file].calls
        built = calls[value.call]
        while built.receiver is not None:
            built = calls[built.receiver]
        if self.target_of(file, built) is not None:
            return REPOSITORY_CODE
        made_by = built.callee.removeprefix("await ").removeprefix("new ")
        maker = self.program.lookup(file, made_by)
        if maker is None:
            facts = self.program.files[file]
            if any(c.name == made_by for c in facts.classes):
                return REPOSITORY_CODE
            # made of another local service object: `const pipe = redis.pipeline()`
            root = made_by.split(".", 1)[0]
            local = _declared(facts, root, func)
            if "." in made_by and local is not None and local.init is not None and depth < 3:
                return self._maker(file, local.init, local.func, depth + 1)
            return None
        if maker.package is None:
            return REPOSITORY_CODE
        if _listed(maker.package, self.sink_packages) or self._with_credential(built):
            return f"({maker.package})"
        return None

    def _configured_with_credential(self, file: str, call: Call) -> bool:
        """`mailchimp.setConfig({ apiKey })` in the module: the package object the call goes
        through was given a credential, so it talks to a remote service."""
        root = call.callee.removeprefix("await ").split(".", 1)[0]
        return "." in call.callee and any(
            other.callee.split(".", 1)[0] == root and self._with_credential(other)
            for other in self.program.files[file].calls
            if other.func is None and other.index != call.index
        )

    def _with_credential(self, built: Call) -> bool:
        """`new Supermemory({ apiKey: env.KEY })`: a package's client made with a credential."""
        return any(
            pair.key in self.service_credentials
            for arg in built.args
            if arg.kind == ExprKind.OBJECT
            for pair in arg.pairs
        )

    def _is_cookie_store(self, file: str, call: Call) -> bool:
        if "cookies" in call.callee:
            return True
        root = call.callee.split(".", 1)[0]
        return any(
            root in var.names and var.init is not None and "cookies(" in var.init.text
            for var in self.program.files[file].vars
            if var.func == call.func
        )


def _listed(package: str, names: tuple[str, ...]) -> bool:
    return any(package == p or package.startswith(p + "/") for p in names)


_ORIGIN = re.compile(r"""^[`'"]https?://[^/`'"$]+(/|[`'"]$)""")


def _starts_with_origin(text: str, tainted: AbstractSet[str]) -> bool:
    """A string or template whose scheme and host are written out, or whose first substitution is
    a value of the server's (`${process.env.APP_URL}/x/${id}`, a ternary of literal origins)."""
    if _ORIGIN.match(text):
        return True
    leading = leading_substitution(text)
    # the origin must end where the path starts
    return (
        leading is not None
        and leading[1] == "/"
        and not any(re.search(rf"\b{re.escape(name)}\b", leading[0]) for name in tainted)
    )


def leading_substitution(text: str) -> tuple[str, str] | None:
    """For a template that starts with a substitution (`${env.APP_URL}/x`): that substitution's
    expression and the character written right after it."""
    if not text.startswith("`${"):
        return None
    depth = 0
    for i, ch in enumerate(text[1:], start=1):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[3:i], text[i + 1 : i + 2]
    return None


def _declared(facts: FileFacts, name: str, func: int | None) -> VarDecl | None:
    """The declaration `name` refers to from code in `func`: its own, else the module's."""
    own = [v for v in facts.vars if name in v.names and v.func == func]
    if own:
        return own[-1]
    module = [v for v in facts.vars if name in v.names and v.func is None]
    return module[-1] if module else None
