"""Inside one function: which names hold the caller's identity, client input, or validated input."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from archtools.analysis.knowledge import active_knowledge
from archtools.facts.code import Call, Expr, ExprKind, FileFacts, Guard, VarDecl
from archtools.results import Evidence

INPUT_METHODS = {"json", "formData", "text", "arrayBuffer", "blob"}
SEARCH_METHODS = {"get", "getAll", "has", "entries"}
# Hono's request accessors (`c.req.param("id")`, `c.req.query()`); its headers stay credentials
HONO_REQUEST_METHODS = {"param", "query", "queries", "parseBody", "valid"}


@dataclass
class Seeds:
    """Names that hold identity or input when the function starts (its parameters, its context)."""

    inputs: dict[str, str] = field(
        default_factory=dict
    )  # name -> what it is ("request", "route params")
    validated: set[str] = field(default_factory=set)  # names that already passed a schema
    identity_paths: tuple[
        str, ...
    ] = ()  # member paths that are the caller's identity (ctx.session.user)
    identity: dict[str, Evidence] = field(
        default_factory=dict
    )  # parameters given the caller's identity
    # fields of a parameter that hold the client's values (`entry.targetId` of `helper(entry)`),
    # and those of them a schema already checked
    input_paths: tuple[str, ...] = ()
    validated_paths: tuple[str, ...] = ()
    # where a name of `validated` was checked, when known (a route's request schema)
    validated_by: dict[str, Evidence] = field(default_factory=dict)


@dataclass
class Flow:
    identity: dict[str, Evidence] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    validated: dict[str, Evidence] = field(default_factory=dict)
    input_reads: list[Evidence] = field(default_factory=list)
    identity_paths: tuple[str, ...] = ()
    validating_calls: set[int] = field(default_factory=set)  # calls whose result is validated
    # the validated names that a hand-written check let through (an exit guard), not a schema
    hand_checked: set[str] = field(default_factory=set)
    input_paths: tuple[str, ...] = ()
    validated_paths: tuple[str, ...] = ()
    # identity names holding what a call looked up by the caller (`getWorkspace(session.user.id)`):
    # the caller's, yet missing it means "not found", which stops no signed-out request for sure
    looked_up: set[str] = field(default_factory=set)
    # input names whose caller built them with every key written out (listed_fields.py): their
    # values are the client's, their keys are not
    listed: set[str] = field(default_factory=set)
    # local arrays and what the function pushes into them (`conditions.push({ ... })`)
    pushed: dict[str, list[Expr]] = field(default_factory=dict)
    # fields the server wrote into an object that also holds the client's values (`id` of
    # `const message = { id: randomUUID(), text: body.text }`): `message.id` is not the client's
    server_fields: set[str] = field(default_factory=set)

    def is_identity(self, expr: Expr) -> bool:
        if any(r in self.identity for r in expr.roots):
            return True
        return any(_under(p, self.identity_paths) for p in expr.paths)

    def is_input(self, expr: Expr) -> bool:
        """Client-controlled and not validated. A validator's or coercion's result is validated
        (`{ id: Number(req.query.id) }` carries no raw input), judged part by part in objects."""
        if expr.call is not None and expr.call in self.validating_calls:
            return False
        if checked_in_place(expr):
            return False
        if expr.kind == ExprKind.OBJECT and expr.pairs:
            return any(self.is_input(pair.value) for pair in expr.pairs)
        if any(
            _under(p, self.input_paths) and not _under(p, self.validated_paths) for p in expr.paths
        ):
            return True
        return any(root not in self.validated for root in self._input_roots(expr))

    def is_client_value(self, expr: Expr) -> bool:
        """Client-controlled, validated or not (a validated id is still the client's choice)."""
        roots = self._input_roots(expr)
        if roots:
            return not self.is_identity(expr) or any(root not in self.identity for root in roots)
        return any(_under(p, self.input_paths) for p in expr.paths)

    def _input_roots(self, expr: Expr) -> list[str]:
        """The input names an expression reads, but those it reads only through fields the
        server wrote (`message.id` of `{ id: randomUUID(), text: body.text }`)."""
        return [
            root
            for root in expr.roots
            if root in self.inputs and not _server_made(expr, root, self.server_fields)
        ]


# `typeof q.search === "string" ? q.search : undefined`: the value is used only once its type held.
_TYPE_CHECKED = re.compile(
    r"^\(?\s*typeof\s+(?P<v>[\w.$\[\]\"']+)\s*===?\s*[\"'](string|number|boolean)[\"']\s*\)?\s*\?\s*"
    r"(?P=v)(?:\s*\.\s*(?:trim|toLowerCase|toUpperCase|normalize)\(\))*\s*:"
)  # `typeof x === "string" ? x.toLowerCase().trim() : ""`: string methods keep the check
# `q.take ? Number(q.take) : undefined`: the value is used only through a coercion.
_COERCED = re.compile(r"^[^?]+\?\s*(Number|parseInt|parseFloat|Boolean|BigInt)\(")


def _server_made(expr: Expr, root: str, fields: set[str]) -> bool:
    """Whether `expr` reads `root` only through fields the server wrote into it."""
    if not fields:
        return False
    reads = [p for p in expr.paths if p.split(".", 1)[0] == root]
    return bool(reads) and all(any(p == f or p.startswith(f + ".") for f in fields) for p in reads)


def checked_in_place(expr: Expr) -> bool:
    """A conditional that hands the client's value on only once a check held (its type) or only
    through a coercion."""
    return expr.kind == ExprKind.OTHER and bool(
        _TYPE_CHECKED.match(expr.text) or _COERCED.match(expr.text)
    )


def _carries_context(flow: Flow, name: str) -> bool:
    return any(path.startswith(name + ".") for path in flow.identity_paths)


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + ".") for p in prefixes)


@dataclass(frozen=True)
class _Sources:
    """What the calls of a function are known to return, for labelling its declarations."""

    facts: FileFacts
    identity_calls: dict[int, Evidence]
    validator_calls: set[int]
    trusted_calls: set[int]
    hand_checked: dict[str, Evidence]
    queries: frozenset[int]
    row_helpers: frozenset[int]
    # calls of helpers returning an object of their parameters' fields: field -> (param, path)
    field_maps: dict[int, dict[str, tuple[int, str]]] = field(default_factory=dict)


@dataclass
class _Labels:
    """What the names one declaration binds become: the caller's, the client's, or validated."""

    identity: Evidence | None = None
    input: str | None = None
    valid: Evidence | None = None


def function_flow(
    facts: FileFacts,
    func: int | None,
    seeds: Seeds,
    *,
    identity_calls: dict[int, Evidence],
    validator_calls: set[int],
    trusted_calls: set[int] | None = None,
    hand_checked: dict[str, Evidence] | None = None,
    queries: frozenset[int] = frozenset(),
    row_helpers: frozenset[int] = frozenset(),
    field_maps: dict[int, dict[str, tuple[int, str]]] | None = None,
) -> Flow:
    """Propagate labels through the function's declarations in source order.

    identity_calls: call index -> evidence, for calls that return the caller's identity.
    validator_calls: call indexes whose value is validated data.
    trusted_calls: call indexes whose value is verified server-side (a webhook's signed event).
    hand_checked: names an exit guard rejects when they fail a check, with the guard: validated from
    the guard on.
    queries: the calls that run a database operation; a row one finds with the caller's identity
    among its filters is the caller's, even when a client key selected it.
    row_helpers: calls of helpers returning what their own query found. What a query returns is
    stored data, never the client's; a helper handed the caller is not known to filter by it."""
    sources = _Sources(
        facts=facts,
        identity_calls=identity_calls,
        validator_calls=validator_calls,
        trusted_calls=trusted_calls or set(),
        hand_checked=hand_checked or {},
        queries=queries,
        row_helpers=row_helpers,
        field_maps=field_maps or {},
    )
    flow = _seeded_flow(facts, seeds, validator_calls)
    scope = _scope(facts, func)
    _record_input_reads(facts, flow, scope)
    for var in sorted((v for v in facts.vars if v.func in scope), key=lambda v: v.line):
        _checked_before(sources, flow, var.line)
        if var.init is not None:
            _label_declaration(sources, flow, var, var.init)
    _checked_before(sources, flow, facts.lines + 1)
    _equated_with_caller(facts, flow, scope)
    _record_pushes(facts, flow, scope)
    return flow


_PUSH_METHODS = frozenset({"push", "unshift"})


def _record_pushes(facts: FileFacts, flow: Flow, scope: set[int | None]) -> None:
    """What the function pushes into the arrays it declares: a filter assembled from
    `conditions.push({ ... })` holds each of those values."""
    local = {name for v in facts.vars if v.func in scope and not v.keys for name in v.names}
    for call in facts.calls:
        if call.func not in scope or call.name not in _PUSH_METHODS:
            continue
        target = call.callee.rsplit(".", 1)[0]
        if target in local:
            flow.pushed.setdefault(target, []).extend(call.args)


def _equated_with_caller(facts: FileFacts, flow: Flow, scope: set[int | None]) -> None:
    """An input the function exits on unless it equals the caller's own id (`if (!session ||
    session.user.id !== userId) throw`) can only be that id past the exit: validated."""
    for guard in facts.guards:
        if guard.func not in scope:
            continue
        for side in equated_with_caller(facts, flow, guard):
            name = side.text
            if (
                side.kind == ExprKind.IDENTIFIER
                and name in flow.inputs
                and name not in flow.validated
            ):
                flow.validated[name] = Evidence(
                    file=facts.path,
                    line=guard.line,
                    detail=f"exits unless `{name}` is the caller's own id "
                    f"(`{guard.condition.text[:60]}`)",
                )
                flow.hand_checked.add(name)


def equated_with_caller(facts: FileFacts, flow: Flow, guard: Guard) -> list[Expr]:
    """The values an exit compares with the caller's id and leaves on when they differ (`if
    (!session?.user || session.user.id !== userId) throw`): past it, each is the caller's own id.
    None when a `catch` swallows the exit or it needs more than the difference (`&&`)."""
    if guard.caught or "&&" in guard.condition.text:
        return []
    last = max(guard.line, guard.exit_line - 1)
    found: list[Expr] = []
    for cmp in facts.comparisons:
        if cmp.func != guard.func or cmp.operator not in ("!==", "!="):
            continue
        if not guard.line <= cmp.line <= last:
            continue
        for side, other in ((cmp.left, cmp.right), (cmp.right, cmp.left)):
            if flow.is_identity(other) and not flow.is_identity(side):
                found.append(side)
    return found


def _seeded_flow(facts: FileFacts, seeds: Seeds, validator_calls: set[int]) -> Flow:
    """The flow as the function starts: what its parameters and context hold."""
    flow = Flow(
        inputs=dict(seeds.inputs),
        identity=dict(seeds.identity),
        identity_paths=seeds.identity_paths,
        validating_calls=set(validator_calls),
        input_paths=seeds.input_paths,
        validated_paths=seeds.validated_paths,
    )
    for name in seeds.validated:
        flow.validated[name] = seeds.validated_by.get(name) or Evidence(
            file=facts.path, line=1, detail=f"{name} is validated by its schema"
        )
    return flow


def _record_input_reads(facts: FileFacts, flow: Flow, scope: set[int | None]) -> None:
    """The calls that read the client's input from a request or search params (`req.json()`)."""
    for call in facts.calls:
        if call.func not in scope:
            continue
        root = call.callee.split(".", 1)[0].split("(", 1)[0]
        if root in flow.inputs and (call.name in INPUT_METHODS or call.name in SEARCH_METHODS):
            flow.input_reads.append(
                Evidence(
                    file=facts.path,
                    line=call.line,
                    detail=f"reads client input with {call.callee}()",
                )
            )


def _checked_before(sources: _Sources, flow: Flow, line: int) -> None:
    """Inputs an exit guard before `line` rejected when they failed a check are validated."""
    for name, guard in sources.hand_checked.items():
        if guard.line < line and name in flow.inputs and name not in flow.validated:
            flow.validated[name] = guard
            flow.hand_checked.add(name)


def _label_declaration(sources: _Sources, flow: Flow, var: VarDecl, init: Expr) -> None:
    """Label the names one declaration binds by what its initializer holds."""
    facts = sources.facts
    _carry_identity_fields(sources, flow, var, init)
    _destructure_client_fields(facts, flow, var, init)
    _destructure_context(facts, flow, var, init)
    # A verified payload (a signed event, the row an API key found) is not client input.
    trusted = init.call is not None and any(
        i in sources.trusted_calls for i in _chain_indexes(facts, init.call)
    )
    if trusted and not (init.call is not None and init.call in sources.identity_calls):
        return
    _label_parallel(sources, flow, var, init)
    stored = _is_stored(sources, init)
    labels = _Labels()
    if init.call is not None:
        _label_from_call(sources, flow, init.call, labels, unchecked=not trusted and not stored)
    _label_identity_value(sources, flow, var, init, labels)
    _label_client_value(facts, flow, var, init, labels, stored=stored)
    _label_request(facts, flow, init, labels)
    _bind_labels(facts, flow, var, init, labels)
    _label_server_fields(flow, var, init)


def _carry_identity_fields(sources: _Sources, flow: Flow, var: VarDecl, init: Expr) -> None:
    """`const serviceCtx = toServiceCtx(ctx)`, a helper returning `{ workspace: ctx.workspace }`:
    where `ctx.workspace` holds the caller's, so does `serviceCtx.workspace`."""
    if init.call is None or init.call not in sources.field_maps or len(var.names) != 1 or var.keys:
        return
    call = sources.facts.calls[init.call]
    carried = []
    for field_name, (index, path) in sources.field_maps[init.call].items():
        if index >= len(call.args):
            continue
        arg = call.args[index]
        if arg.kind not in (ExprKind.IDENTIFIER, ExprKind.MEMBER):
            continue
        source = f"{arg.text}.{path}"
        if (
            arg.text in flow.identity
            or _under(source, flow.identity_paths)
            or any(_under(p, (source,)) for p in flow.identity_paths)
        ):
            carried.append(f"{var.names[0]}.{field_name}")
    if carried:
        flow.identity_paths = tuple(dict.fromkeys(flow.identity_paths + tuple(carried)))


def _label_server_fields(flow: Flow, var: VarDecl, init: Expr) -> None:
    """`const message = { id: randomUUID(), text: body.text }`: the message holds the client's
    text, but its id is the server's own."""
    if init.kind != ExprKind.OBJECT or var.keys or len(var.names) != 1:
        return
    name = var.names[0]
    if name not in flow.inputs:
        return
    for pair in init.pairs:
        if pair.key.isidentifier() and not (
            flow.is_client_value(pair.value) or flow.is_input(pair.value)
        ):
            flow.server_fields.add(f"{name}.{pair.key}")


def _label_parallel(sources: _Sources, flow: Flow, var: VarDecl, init: Expr) -> None:
    """`const [session, note] = await Promise.all([auth(), getNote(id)])`: each name holds what
    the call in its place returns; the caller's identity where that call returns it."""
    for name, call in parallel_calls(sources.facts, var):
        if call in sources.identity_calls:
            flow.identity[name] = sources.identity_calls[call]


_PARALLEL = ("Promise.all", "Promise.allSettled")
_KEEPS_VALUE = ("catch", "finally")  # `getChat(id).catch(() => null)` gives the chat or nothing


def parallel_calls(facts: FileFacts, var: VarDecl) -> list[tuple[str, int]]:
    """The names a declaration takes from calls run together, each with the call whose result it
    holds: `const [a, b] = await Promise.all([f(), g()])`, or `const { a, b } = await all({ a:
    () => f(), async b() { return g() } })` with a runner of objects of functions."""
    init = var.init
    if init is None or init.call is None:
        return []
    waited = facts.calls[init.call]
    callee = waited.callee.removeprefix("await ")
    if callee in _PARALLEL:
        items = waited.args[0].items if waited.args else ()
        if len(items) < len(var.names) or var.keys:  # (the first results, in order)
            return []
        return [
            (name, item.call)
            for name, item in zip(var.names, items, strict=False)
            if item.call is not None
        ]
    if not (waited.args and var.keys and _runs_object(facts, callee)):
        return []
    functions = {
        pair.key: pair.value.func
        for pair in waited.args[0].pairs
        if pair.value.kind == ExprKind.FUNCTION and pair.value.func is not None
    }
    found = []
    for key, name in zip(var.keys, var.names, strict=False):
        func = functions.get(key)
        call = _result_call(facts, func) if func is not None else None
        if call is not None:
            found.append((name, call))
    return found


def _runs_object(facts: FileFacts, callee: str) -> bool:
    """Whether `callee` is a runner of objects of functions, imported from its package."""
    runners = active_knowledge().parallel_runners
    return any(
        imp.source == runner.package and name.imported == runner.call and name.local == callee
        for runner in runners
        for imp in facts.imports
        for name in imp.names
    )


def _result_call(facts: FileFacts, func: int) -> int | None:
    """The call a function gives back as its result (`return getChat(id)`, or an arrow's body),
    through `.catch()`/`.finally()` on it; None when it returns anything else or several things."""
    returned = [c for c in facts.calls if c.func == func and c.returned]
    values = [r for r in facts.returns if r.func == func and r.value is not None]
    if len(returned) != 1 or len(values) > 1:
        return None
    call = returned[0]
    while call.name in _KEEPS_VALUE and call.receiver is not None:
        call = facts.calls[call.receiver]
    return call.index


def leaving_branches(facts: FileFacts, funcs: set[int | None]) -> list[tuple[int, int]]:
    """The lines of each branch of `funcs` that leaves the function (`if (header) { ...; return
    next() }`), from its condition to its exit, but the branches on the request's method
    (`if (req.method === "POST")`), which split entry points rather than paths."""
    by_method = {b.line for b in facts.branches}
    return [
        (g.line, g.exit_line)
        for g in facts.guards
        if g.func in funcs and g.line < g.exit_line and g.line not in by_method
    ]


def _destructure_client_fields(facts: FileFacts, flow: Flow, var: VarDecl, init: Expr) -> None:
    """`{ targetId } = entry` where `entry.targetId` is the client's: the name is client input
    (validated when the caller's schema checked that field)."""
    if not (var.keys and init.kind == ExprKind.IDENTIFIER):
        return
    for key, name in zip(var.keys, var.names, strict=False):
        field_path = f"{init.text}.{key}"  # `{ targetId } = entry`, `entry.targetId` the client's
        if _under(field_path, flow.input_paths):
            flow.inputs.setdefault(name, "client value passed by the caller")
            if _under(field_path, flow.validated_paths):
                flow.validated.setdefault(
                    name,
                    Evidence(file=facts.path, line=var.line, detail="validated by the caller"),
                )


def _destructure_context(facts: FileFacts, flow: Flow, var: VarDecl, init: Expr) -> None:
    """`const { ctx } = args` where `args.ctx.workspace` holds the caller: `ctx.workspace` does."""
    if not (var.keys and init.kind == ExprKind.IDENTIFIER and _carries_context(flow, init.text)):
        return
    for key, name in zip(var.keys, var.names, strict=False):
        prefix = f"{init.text}.{key}"
        if prefix in flow.identity_paths:  # `{ userId } = args` with `args.userId` the caller
            flow.identity[name] = Evidence(
                file=facts.path, line=var.line, detail=f"{prefix} holds the caller"
            )
        inherited = tuple(
            name + path[len(prefix) :]
            for path in flow.identity_paths
            if path.startswith(prefix + ".")
        )
        flow.identity_paths = tuple(dict.fromkeys(flow.identity_paths + inherited))


def _is_stored(sources: _Sources, init: Expr) -> bool:
    """What a query returns is stored data, not the client's: the key that picked the row is
    judged at the query (authorization), and the row's fields are the database's. A raw query
    (`$queryRaw`) returns rows too, whatever values its text was built with."""
    if init.call is None:
        return False
    facts = sources.facts
    found = sources.queries | sources.row_helpers
    raw_reads = active_knowledge().database.raw_sql.reads
    return (
        any(i in found for i in _chain_indexes(facts, init.call))
        or facts.calls[init.call].name in raw_reads
        or _awaits_queries(facts, facts.calls[init.call], found)
        or _maps_awaited_query(facts, init, found)
    )


_AWAITED_CALL = re.compile(r"^\(\s*await\s+(?P<callee>[\w$.]+)\(")


def _maps_awaited_query(facts: FileFacts, init: Expr, queries: frozenset[int]) -> bool:
    """`(await prisma.link.findMany({ ... })).map((link) => link.id)`: what the rows a query
    returned are turned into is stored data too."""
    awaited = _AWAITED_CALL.match(init.text)
    if awaited is None:
        return False
    callee = awaited.group("callee")
    return any(
        facts.calls[i].callee.removeprefix("await ") == callee
        and init.line <= facts.calls[i].line <= init.line + 3
        for i in queries
    )


def _label_from_call(
    sources: _Sources, flow: Flow, index: int, labels: _Labels, *, unchecked: bool
) -> None:
    """A value a call returns: the caller's identity or validated data by the calls of its chain;
    client input when the call reads it (unless it is trusted, stored or validated)."""
    calls = sources.facts.calls
    for link in _chain_indexes(sources.facts, index):
        if link in sources.identity_calls:
            labels.identity = sources.identity_calls[link]
        if link in sources.validator_calls:
            labels.valid = Evidence(
                file=sources.facts.path,
                line=calls[link].line,
                detail=f"validated by {calls[link].callee}()",
            )
    if labels.valid is None and unchecked:
        call = calls[index]
        args_roots = {r for a in call.args for r in a.roots}
        croot = call.callee.split(".", 1)[0].split("(", 1)[0]
        if croot in flow.inputs or args_roots & set(flow.inputs):
            labels.input = flow.inputs.get(croot) or next(
                (flow.inputs[r] for r in sorted(args_roots) if r in flow.inputs), "input"
            )


def _label_identity_value(
    sources: _Sources, flow: Flow, var: VarDecl, init: Expr, labels: _Labels
) -> None:
    """A value derived from the caller's identity is the caller's, unless a client value is mixed
    into a call computing it."""
    mixed = (
        init.call is not None and init.call not in sources.queries and flow.is_client_value(init)
    )
    if _continued(sources.facts, init):
        return
    if labels.identity is None and flow.is_identity(init) and not mixed:
        # (a value computed from the caller and a client key, `whereFor({ id, userId })`, is
        # not the caller's alone: it stays the client's; one converted or checked by a
        # validator, `Number(session.user.id)`, is still the caller's)
        first = next((r for r in init.roots if r in flow.identity), None)
        if _looks_up_by(sources.facts, init, flow):
            flow.looked_up.update(var.names)
        labels.identity = (
            flow.identity[first]
            if first is not None
            else Evidence(
                file=sources.facts.path, line=var.line, detail=f"identity from {init.text}"
            )
        )


_CONVERSIONS = frozenset({"Number", "String", "BigInt", "Boolean", "parseInt", "parseFloat"})


def _looks_up_by(facts: FileFacts, init: Expr, flow: Flow) -> bool:
    """`await resolveWorkspace({ userId: session.user.id })`: a call handed the caller, not a
    method of the caller's value or a conversion of it."""
    if init.call is not None:
        calls = [facts.calls[init.call]]
    else:  # `await (custom ? custom() : resolve({ userId: session.user.id }))`
        calls = [  # (the text is kept on one line: the calls it names, a few lines on at most)
            c
            for c in facts.calls
            if init.line <= c.line <= init.line + 12
            and f"{c.callee.removeprefix('await ')}(" in init.text
        ]
    for call in calls:
        callee = call.callee.removeprefix("await ").removeprefix("new ")
        root = callee.split(".", 1)[0].split("(", 1)[0]
        if root in flow.identity or root in _CONVERSIONS or _under(callee, flow.identity_paths):
            continue
        if any(flow.is_identity(arg) for arg in call.args):
            return True
    return False


def _continued(facts: FileFacts, init: Expr) -> bool:
    """`userPromise.then((user) => limiter.limit(ip))`: what a continuation returns, which is
    not the value it was handed."""
    if init.call is None:
        return False
    call = facts.calls[init.call]
    return call.name in ("then", "catch", "finally") and any(a.func is not None for a in call.args)


def _label_client_value(
    facts: FileFacts, flow: Flow, var: VarDecl, init: Expr, labels: _Labels, *, stored: bool
) -> None:
    """A value derived from validated names stays validated; from raw input, it is input; a field
    the caller filled is validated by the caller's schema."""
    if stored:
        return
    if (
        labels.valid is None
        and checked_in_place(init)
        and (
            any(r in flow.inputs for r in init.roots)
            or any(_under(p, ("req.body", "req.query", "request.body")) for p in init.paths)
        )
    ):  # `const email = typeof req.body.email === "string" ? req.body.email.trim() : ""`
        labels.valid = Evidence(
            file=facts.path,
            line=var.line,
            detail=f"`{init.text.split('?', 1)[0].strip()[:50]}` checks the value's type before "
            "it is kept",
        )
    if (
        labels.valid is None
        and any(r in flow.validated for r in init.roots)
        and not flow.is_input(init)
    ):
        labels.valid = next(flow.validated[r] for r in init.roots if r in flow.validated)
    if labels.input is None and labels.valid is None and flow.is_input(init):
        labels.input = next(
            (flow.inputs[r] for r in init.roots if r in flow.inputs),
            "client value passed by the caller",
        )
    if (
        labels.identity is None
        and labels.input is None
        and labels.valid is None
        and any(_under(p, flow.input_paths) for p in init.paths)
    ):  # a field the caller filled with a value its schema had checked
        labels.valid = Evidence(file=facts.path, line=var.line, detail="validated by the caller")
        for name in var.names:
            flow.inputs.setdefault(name, "validated input")


def _label_request(facts: FileFacts, flow: Flow, init: Expr, labels: _Labels) -> None:
    """Tell the request's data (its body or query) from the request and its credentials."""
    if labels.input == "request" and _reads_request_data(init, facts, flow):
        labels.input = "request data"  # the body or query, not the request and its credentials
    if (
        labels.input is None
        and labels.valid is None
        and not (init.kind == ExprKind.OBJECT and init.pairs)  # judged pair by pair above
        and not checked_in_place(init)
        and any(_under(p, ("req.body", "req.query", "request.body")) for p in init.paths)
    ):
        labels.input = "request"


def _bind_labels(facts: FileFacts, flow: Flow, var: VarDecl, init: Expr, labels: _Labels) -> None:
    """Give each declared name its label: identity first, then validated, then input."""
    for name in var.names:
        if labels.identity is not None:
            flow.identity[name] = labels.identity
        elif labels.valid is not None:
            flow.validated[name] = labels.valid
            if _reads_input(init, facts.calls, flow):
                flow.inputs.setdefault(name, "validated input")
        elif labels.input is not None:
            flow.inputs[name] = labels.input


def _awaits_queries(facts: FileFacts, call: Call, queries: frozenset[int]) -> bool:
    """`const [a, b] = await Promise.all([db.select()..., cond ? db.select()... : []])`: the
    results of the queries it waits for."""
    if call.callee.removeprefix("await ") not in _PARALLEL:
        return False
    return any(
        facts.calls[i].func == call.func and call.line <= facts.calls[i].line <= call.end_line
        for i in queries
    )


_REQUEST_DATA = ("body", "query", "url", "nextUrl", "searchParams")


def _reads_request_data(init: Expr, facts: FileFacts, flow: Flow) -> bool:
    """Whether a value taken from a request object is the client's data (`await req.json()`,
    `req.body`, `new URL(req.url).searchParams`) rather than the request itself or its headers and
    cookies, which a helper is handed to authenticate the caller."""
    requests = {name for name, what in flow.inputs.items() if what == "request"}
    exprs = [init]
    if init.call is not None:
        for index in _chain_indexes(facts, init.call):
            call = facts.calls[index]
            root = call.callee.split(".", 1)[0].split("(", 1)[0]
            if root in requests and (
                call.name in INPUT_METHODS
                or (call.name in HONO_REQUEST_METHODS and ".req." in call.callee)
            ):
                return True
            exprs.extend(call.args)
    return any(
        path.split(".")[0] in requests
        and path.split(".")[1:2]
        and path.split(".")[1] in _REQUEST_DATA
        for expr in exprs
        for path in expr.paths
    )


def _reads_input(init: Expr, calls: Sequence[Call], flow: Flow) -> bool:
    """Whether a validator's result holds client data: its argument derives from client input
    (a name that holds it, or a path under one: `Schema.parse(args.input)`)."""
    roots = set(init.roots)
    paths = set(init.paths)
    if init.call is not None:
        for arg in calls[init.call].args:
            roots |= set(arg.roots)
            paths |= set(arg.paths)
            if arg.call is not None:
                inner = calls[arg.call]
                roots |= {inner.callee.split(".", 1)[0].split("(", 1)[0]} | {
                    r for a in inner.args for r in a.roots
                }
    return bool(roots & set(flow.inputs)) or any(_under(p, flow.input_paths) for p in paths)


def _scope(facts: FileFacts, func: int | None) -> set[int | None]:
    """The function and the functions nested in it (callbacks share the closure)."""
    scope: set[int | None] = {func}
    if func is None:
        return scope
    changed = True
    while changed:
        changed = False
        for f in facts.functions:
            if f.parent in scope and f.index not in scope:
                scope.add(f.index)
                changed = True
    return scope


def function_scope(facts: FileFacts, func: int | None) -> set[int | None]:
    return _scope(facts, func)


def within(funcs: set[int | None]) -> Callable[[int | None, int], bool]:
    """Runs in one of `funcs`, whatever the line."""
    return lambda func, _line: func in funcs


def computed_from(
    facts: FileFacts, func: int | None, names: set[str], stop: set[str] | None = None
) -> set[str]:
    """The names and what the function unpacks from them or computes from them
    (`const { page, ...row } = found`, `const workspace = parse(page.workspace)`), two
    declarations deep, but the names in `stop`."""
    derived = set(names)
    for _ in range(2):
        for var in facts.vars:
            if (
                var.func == func
                and var.init is not None
                and set(var.init.roots) & derived
                and not set(var.names) & (stop or set())
            ):
                derived.update(var.names)
    return derived


def unpacked_fields(facts: FileFacts, funcs: set[int | None]) -> dict[str, str]:
    """The names `funcs` unpack from an object they hold, with the field each reads: `{ id:
    "input.id", data: "input.data" }` for `const { id, data } = input`."""
    return {
        name: f"{var.init.text}.{key}"
        for var in facts.vars
        if var.func in funcs and var.init is not None and var.init.kind == ExprKind.IDENTIFIER
        for key, name in zip(var.keys, var.names, strict=False)
    }


def enclosing_functions(facts: FileFacts, func: int | None) -> set[int | None]:
    """The function and those it is nested in: what runs before a callback is called
    (`prisma.$transaction(async () => ...)` runs after the checks of the function around it)."""
    found: set[int | None] = {func}
    while func is not None:
        func = facts.functions[func].parent
        found.add(func)
    return found


def outermost_function(facts: FileFacts, func: int | None) -> int | None:
    """The top-level function that `func` is nested in (itself when it is one; None at module level)."""
    while func is not None and facts.functions[func].parent is not None:
        func = facts.functions[func].parent
    return func


def _chain_indexes(facts: FileFacts, index: int) -> list[int]:
    out = [index]
    seen = {index}
    current = facts.calls[index]
    while current.receiver is not None and current.receiver not in seen:
        seen.add(current.receiver)
        out.append(current.receiver)
        current = facts.calls[current.receiver]
    # The call's own arguments may wrap the real source: schema.parse(await req.json()).
    return out
