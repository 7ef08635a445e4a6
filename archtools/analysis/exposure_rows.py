"""EXP001's questions about a row an entry point may send back: which of its fields are secret
from this caller, which names a value hands on whole (following the app's own functions), and
whether what is sent passes through a schema that strips the secret fields first (a
`schema.parse(row)`, the output schema of a procedure or action)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from archtools.analysis.context import AnalysisContext, is_credential_name, sensitive_fields
from archtools.analysis.program import Program
from archtools.analysis.summaries import is_identity_table
from archtools.facts.code import Call, Expr, ExprKind, FileFacts
from archtools.knowledge.vocabulary import in_vocabulary, singular, words

if TYPE_CHECKING:
    from archtools.analysis.entry import Entry


# -- which fields are secret -----------------------------------------------------------------------


def secret_fields(ctx: AnalysisContext, model: str, *, signed_in: bool) -> list[str]:
    """The fields of `model` a response must not carry to this caller. Anyone may read neither a
    secret nor a credential; a signed-in caller (or an API key's holder) may read back the bearer
    tokens and shared secrets of the rows it may read, so only credentials count for it, and of
    those not the access passwords that protect a row other than an account."""
    fields = [
        f
        for f in sensitive_fields(ctx.schema, model)
        if not content_digest(f, model) and not (bare_digest(f) and not account_model(ctx, model))
    ]
    if signed_in:
        fields = [f for f in fields if is_credential_name(f) and not access_password(ctx, f, model)]
    return fields


def _secret_words(name: str) -> tuple[list[str], list[str]]:
    """The words of a field name that name a secret or a credential (knowledge/fields.yaml
    `secret`, `credential`; two adjacent words joined count too: `api_key`), and the others."""
    parts = [singular(w) for w in words(name)]
    secret = {
        i
        for i, w in enumerate(parts)
        if in_vocabulary(w, "secret") or in_vocabulary(w, "credential")
    }
    for i, (first, second) in enumerate(pairwise(parts)):
        joined = first + second
        if in_vocabulary(joined, "secret") or in_vocabulary(joined, "credential"):
            secret |= {i, i + 1}
    return [parts[i] for i in sorted(secret)], [w for i, w in enumerate(parts) if i not in secret]


def content_digest(name: str, model: str) -> bool:
    """A digest of content, not of a secret: every secret word of the name is a digest word
    (`digest` in knowledge/fields.yaml) and another word says what was digested (`contentHash`,
    `pHashUrl`, `fileHash`). Anyone holding the content computes the same digest. A digest of a
    secret names it (`passwordHash`, `tokenHash`), and any digest on an account, session, token or
    key table is taken for one (a bare `hash` elsewhere: see `bare_digest`)."""
    secret, others = _secret_words(name)
    return (
        bool(secret)
        and all(in_vocabulary(w, "digest") for w in secret)
        and bool(others)
        and not is_identity_table(model)
    )


def bare_digest(name: str) -> bool:
    """A column named only for a digest (`hash`, `hashed`): on an account it holds the password's,
    on any other row (an image's, a file's) a digest of the row's own content."""
    secret, others = _secret_words(name)
    return bool(secret) and not others and all(in_vocabulary(w, "digest") for w in secret)


def access_password(ctx: AnalysisContext, name: str, model: str) -> bool:
    """A password stored on a row that is not an account (`account_model`): its only credential
    words name a password (`password` in knowledge/fields.yaml), with no digest, salt or second
    factor. It is what the row's owners set to protect it (a status page's, a document's, a share link's
    password) or their own password for another service, which they read back by design; only an
    account's password signs someone in, and no one reads that back."""
    secret, _others = _secret_words(name)
    credential = [w for w in secret if in_vocabulary(w, "credential")]
    return (
        bool(credential)
        and all(in_vocabulary(w, "password") for w in credential)
        and not account_model(ctx, model)
    )


def account_model(ctx: AnalysisContext, model: str) -> bool:
    """The model of who signs in: a user model (knowledge `ownership.user_models`, or a model named
    `User`/`Users`), an identity table (sessions, tokens, keys, credentials, `Account`), or a model
    with a column naming who signs in (`login` in knowledge/fields.yaml: `email`, `username`)."""
    users = {singular(u.lower()) for u in ctx.knowledge.ownership.user_models} | {"user"}
    found = ctx.schema.model(model)
    return (
        singular(model.lower()) in users
        or is_identity_table(model)
        or (found is not None and any(in_vocabulary(f.name, "login") for f in found.fields))
    )


# -- what a value hands on whole -------------------------------------------------------------------


def whole_names(ctx: AnalysisContext, facts: FileFacts, expr: Expr, depth: int = 0) -> set[str]:
    """The names an expression hands on whole: `invite`, `{ ...invite }`, `[invite]`,
    `f(invite)`; not `invite.email`, which is one field of it. A call of a repository function
    hands on only the arguments the function itself returns whole (`maskTokens({ document, user })`
    returning `{ ...document }` hands on `document`, not `user`); a call that cannot be followed
    hands on every argument."""
    if depth > 6:
        return set(expr.roots)
    if expr.kind == ExprKind.IDENTIFIER:
        return {expr.text}
    if expr.kind == ExprKind.MEMBER:
        return set()
    if expr.kind == ExprKind.OBJECT and expr.pairs:
        return {r for pair in expr.pairs for r in whole_names(ctx, facts, pair.value, depth + 1)}
    if expr.kind == ExprKind.ARRAY and expr.items:
        return {r for item in expr.items for r in whole_names(ctx, facts, item, depth + 1)}
    if expr.kind == ExprKind.CALL and expr.call is not None:
        call = facts.calls[expr.call]
        receiver = {call.callee.split(".", 1)[0]} & set(expr.roots) if "." in call.callee else set()
        return _arguments_handed_on(ctx, facts, call, depth) | receiver
    return {r for r in expr.roots if not any(p.startswith(r + ".") for p in expr.paths)} or (
        set(expr.roots) - {p.split(".", 1)[0] for p in expr.paths}
    )


def _arguments_handed_on(
    ctx: AnalysisContext, facts: FileFacts, call: Call, depth: int
) -> set[str]:
    """The names among a call's arguments that come back whole in its result."""
    every = {r for arg in call.args for r in whole_names(ctx, facts, arg, depth + 1)}
    target = ctx.summaries.target(facts.path, call)
    if target is None or target[1] is None or depth > 3:
        return every
    inner = ctx.program.files[target[0]]
    function = inner.functions[target[1]]
    own = [r for r in inner.returns if r.func == target[1] and r.value is not None]
    if not own or len(call.args) > len(function.params):
        return every  # an expression body, or arguments the parameters do not name
    returned = {
        n for r in own if r.value is not None for n in whole_names(ctx, inner, r.value, depth + 1)
    }
    returned |= _aliased(ctx, inner, target[1], returned, depth)
    found: set[str] = set()
    for param, arg in zip(function.params, call.args, strict=False):
        if param.by_key and arg.kind == ExprKind.OBJECT and arg.pairs:
            for pair in arg.pairs:
                names = param.by_key.get(pair.key)
                if names is None or set(names) & returned:
                    found |= whole_names(ctx, facts, pair.value, depth + 1)
        elif set(param.names or (param.name,)) & returned:
            found |= whole_names(ctx, facts, arg, depth + 1)
    return found


def _aliased(
    ctx: AnalysisContext, facts: FileFacts, func: int, names: set[str], depth: int
) -> set[str]:
    """The values that names of a function hold whole: `const copy = user` makes `copy` hand on
    `user`, and so does a rest element (`const { password, ...rest } = user`), which keeps every
    field but those named."""
    found: set[str] = set()
    wanted = set(names)
    for _ in range(3):
        more = {
            n
            for var in facts.vars
            if var.func == func and var.init is not None
            if set(var.names[len(var.keys) :]) & wanted
            for n in whole_names(ctx, facts, var.init, depth + 1)
        } - found
        if not more:
            break
        found |= more
        wanted = more
    return found


# -- output schemas --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What an output schema lets through: an object with only `keys` (closed), or every key but
    `dropped` (open, also what any schema that cannot be read counts as), and the shapes nested in
    it (its values, array items)."""

    keys: frozenset[str] | None
    dropped: frozenset[str] = frozenset()
    nested: tuple[Shape, ...] = ()

    def passes(self, field: str) -> bool:
        """Whether this object keeps `field`."""
        return field not in self.dropped if self.keys is None else field in self.keys

    def passes_anywhere(self, field: str) -> bool:
        """Whether `field` survives at some depth of what the schema lets through."""
        return self.passes(field) or any(n.passes_anywhere(field) for n in self.nested)


OPEN = Shape(keys=None)
LEAF = Shape(keys=frozenset())  # a string, a number, an enum: no object field survives in it

# zod (and alike) schemas of scalar values
_LEAVES = {
    "string", "number", "boolean", "bigint", "date", "enum", "nativeEnum", "literal", "null",
    "undefined", "void", "never", "nan", "int", "email", "url", "uuid", "cuid", "iso",
}  # fmt: skip
# methods that keep the set of keys a schema lets through
_SAME_KEYS = {
    "nullable", "nullish", "optional", "default", "prefault", "catch", "describe", "openapi",
    "meta", "strict", "strip", "brand", "readonly", "refine", "superRefine", "check", "min", "max",
    "length", "nonempty", "partial", "required", "deepPartial",
}  # fmt: skip
_PARSES = ("parse", "safeParse", "parseAsync", "safeParseAsync")


def output_shape(ctx: AnalysisContext, entry: Entry) -> Shape | None:
    """The output schema of a procedure or action (`.output(schema)` of tRPC and oRPC,
    `.outputSchema(schema)` of next-safe-action): what it returns is parsed by it, and an object
    schema drops the keys it does not list."""
    for file, call in reversed(entry.chain):
        if call.name in ("output", "outputSchema") and call.args:
            return schema_shape(ctx.program, file, call.args[0])
    return None


def schema_shape(program: Program, file: str, expr: Expr, depth: int = 0) -> Shape:
    """The shape a schema expression lets through, read from its construction (`z.object({...})`,
    `.extend`, `.merge`, `.omit`, `.pick`, `.array()`), following names to their declaration;
    anything else is open."""
    if depth > 8:
        return OPEN
    if expr.kind == ExprKind.IDENTIFIER:
        symbol = program.lookup(file, expr.text)
        if symbol is None or symbol.value is None or symbol.destructured:
            return OPEN
        return schema_shape(program, symbol.file, symbol.value, depth + 1)
    if expr.kind != ExprKind.CALL or expr.call is None:
        return OPEN
    chain = program.chain(file, program.files[file].calls[expr.call])
    head = chain[0]
    if "." not in head.callee.removeprefix("await ") or head.callee.split(".", 1)[0] in (
        "z",
        "zod",
    ):
        shape = _constructed(program, file, head, depth)
        methods = chain[1:]
    else:
        root = head.callee.split(".", 1)[0]
        shape = schema_shape(
            program, file, Expr(kind=ExprKind.IDENTIFIER, text=root, line=head.line), depth + 1
        )
        methods = chain
    for method in methods:
        shape = _applied(program, file, shape, method, depth)
    return shape


def _constructed(program: Program, file: str, call: Call, depth: int) -> Shape:
    """A schema built by a constructor: an object of the keys written, an array of its item, a
    scalar; anything else (a record, `any`, a table's generated schema) is open."""
    if (
        call.name in ("object", "strictObject")
        and call.args
        and call.args[0].kind == ExprKind.OBJECT
    ):
        pairs = call.args[0].pairs
        if any(p.value.kind == ExprKind.SPREAD for p in pairs):
            return OPEN
        return Shape(
            keys=frozenset(p.key for p in pairs),
            nested=tuple(schema_shape(program, file, p.value, depth + 1) for p in pairs),
        )
    if call.name == "array" and call.args:
        return schema_shape(program, file, call.args[0], depth + 1)
    if call.name in _LEAVES:
        return LEAF
    return OPEN


def _applied(program: Program, file: str, shape: Shape, method: Call, depth: int) -> Shape:
    """A schema after one method: `.extend({...})`/`.merge(other)` add keys, `.omit({...})`
    removes them, `.pick({...})` keeps only them, `.array()` and the refinements keep them;
    `.passthrough()`, `.transform()` and the rest let anything through."""
    listed = (
        [p for p in method.args[0].pairs]
        if method.args and method.args[0].kind == ExprKind.OBJECT
        else None
    )
    if method.name in _SAME_KEYS or (method.name == "array" and not method.args):
        return shape
    if method.name in ("extend", "safeExtend") and listed is not None:
        added = frozenset(p.key for p in listed)
        values = tuple(schema_shape(program, file, p.value, depth + 1) for p in listed)
        if shape.keys is None:
            return Shape(None, shape.dropped - added, shape.nested + values)
        return Shape(shape.keys | added, nested=shape.nested + values)
    if method.name == "merge" and method.args:
        return _merged(shape, schema_shape(program, file, method.args[0], depth + 1))
    if method.name == "omit" and listed is not None:
        removed = frozenset(p.key for p in listed)
        if shape.keys is None:
            return Shape(None, shape.dropped | removed, shape.nested)
        return Shape(shape.keys - removed, nested=shape.nested)
    if method.name == "pick" and listed is not None:
        kept = frozenset(p.key for p in listed)
        if shape.keys is not None:
            kept &= shape.keys
        return Shape(frozenset(k for k in kept if k not in shape.dropped), nested=shape.nested)
    return OPEN


def _merged(first: Shape, second: Shape) -> Shape:
    """`first.merge(second)`: a key passes when either lets it through."""
    nested = first.nested + second.nested
    if first.keys is None and second.keys is None:
        return Shape(None, first.dropped & second.dropped, nested)
    if first.keys is None:
        return Shape(None, first.dropped - (second.keys or frozenset()), nested)
    if second.keys is None:
        return Shape(None, second.dropped - first.keys, nested)
    return Shape(first.keys | second.keys, nested=nested)


RESPONSE_CALLS = ("json", "send", "Response", "NextResponse")


def sent_values(facts: FileFacts, funcs: set[int | None], calls: list[Call]) -> list[Expr]:
    """The values an entry point's code sends back: what its functions return, and what it hands
    to a response (`Response.json(value)`, `res.send(value)`) or to a call it returns."""
    sent = [ret.value for ret in facts.returns if ret.func in funcs and ret.value is not None]
    for call in calls:
        if (
            call.name in RESPONSE_CALLS
            or call.callee.endswith(".json")
            or (call.returned and call.name not in _PARSES)
        ):
            sent.extend(call.args)
    return sent


def fields_sent(
    ctx: AnalysisContext,
    facts: FileFacts,
    sent: list[Expr],
    row: tuple[str, ...],
    fields: list[str],
) -> list[str]:
    """Of a row's secret `fields`, those some sent value carries: a value that hands the row on
    whole carries them all, unless it is `schema.parse(...)` of it, which keeps only what the
    schema lets through (at its top when the row's fields land there, `{ ...row }`; anywhere in
    it otherwise)."""
    kept: set[str] = set()
    for expr in sent:
        if not set(row) & whole_names(ctx, facts, expr):
            continue
        parsed = _parsed(ctx.program, facts, expr)
        if parsed is None:
            return fields
        shape, value = parsed
        top = bool(set(row) & top_level_names(facts, value))
        kept |= {f for f in fields if (shape.passes(f) if top else shape.passes_anywhere(f))}
    return [f for f in fields if f in kept]


def _parsed(program: Program, facts: FileFacts, expr: Expr) -> tuple[Shape, Expr] | None:
    """`schema.parse(value)` (or `safeParse`...), also as what a response is built of
    (`Response.json(schema.parse(value))`): the shape the schema keeps, and the value."""
    if expr.kind != ExprKind.CALL or expr.call is None:
        return None
    call = facts.calls[expr.call]
    while _responds(call) and call.args and call.args[0].call is not None:
        call = facts.calls[call.args[0].call]
    callee = call.callee.removeprefix("await ")
    if call.name not in _PARSES or not call.args or callee.count(".") != 1:
        return None
    schema = Expr(kind=ExprKind.IDENTIFIER, text=callee.split(".", 1)[0], line=call.line)
    return schema_shape(program, facts.path, schema), call.args[0]


def _responds(call: Call) -> bool:
    """A call that builds the response out of its first argument as it is."""
    return call.name in RESPONSE_CALLS or call.callee.endswith(".json")


def top_level_names(facts: FileFacts, expr: Expr) -> set[str]:
    """The names whose fields land at the top of a returned value: the value itself, a spread
    into the returned object, or what a returned `schema.parse(...)` is given."""
    if expr.kind == ExprKind.IDENTIFIER:
        return {expr.text}
    if expr.kind == ExprKind.OBJECT:
        return {
            p.value.text.removeprefix("...") for p in expr.pairs if p.value.kind == ExprKind.SPREAD
        }
    if expr.kind == ExprKind.CALL and expr.call is not None:
        call = facts.calls[expr.call]
        if call.name in _PARSES and call.args:
            return top_level_names(facts, call.args[0])
    return set()
