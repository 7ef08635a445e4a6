"""Per-file facts about TypeScript/JavaScript code: imports, exports, functions, calls, guards, env reads."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from msgspec import Struct, field


class _Frozen(
    Struct, frozen=True, kw_only=True, omit_defaults=True, forbid_unknown_fields=True, gc=False
):
    """Compact immutable records: a file's facts are hundreds of them, held for every file of a
    repository, so they carry no per-instance dict and decode from JSON without a validation pass."""


class ExprKind(StrEnum):
    IDENTIFIER = "identifier"
    MEMBER = "member"
    CALL = "call"
    OBJECT = "object"
    ARRAY = "array"
    STRING = "string"
    TEMPLATE = "template"
    NUMBER = "number"
    FUNCTION = "function"
    SPREAD = "spread"
    OTHER = "other"


class Pair(_Frozen, frozen=True):
    """One entry of an object literal: `key: value`, `key` (shorthand) or `...spread` (key "...")."""

    key: str
    value: Expr


class Expr(_Frozen, frozen=True):
    """A shallow, bounded description of an expression (function bodies are referenced, not inlined)."""

    kind: ExprKind
    text: str  # source text, truncated
    line: int
    # identifiers read in value position (not property names, not inside nested functions)
    roots: tuple[str, ...] = ()
    # member paths read, e.g. "session.user.id", "params.id"
    paths: tuple[str, ...] = ()
    pairs: tuple[Pair, ...] = ()  # for objects
    items: tuple[Expr, ...] = ()  # for arrays
    call: int | None = None  # for calls: index into FileFacts.calls
    func: int | None = None  # for functions: index into FileFacts.functions
    value: str | None = None  # for strings: the literal value
    interpolated: bool = False  # template strings with ${...}

    def parts(self) -> Iterator[Expr]:
        """This expression and those nested in its arrays and objects."""
        yield self
        for item in self.items:
            yield from item.parts()
        for pair in self.pairs:
            yield from pair.value.parts()

    def all_roots(self) -> set[str]:
        """The identifiers read anywhere in it, its array items and object values included."""
        return {root for part in self.parts() for root in part.roots}

    def all_paths(self) -> set[str]:
        return {path for part in self.parts() for path in part.paths}


class Call(_Frozen, frozen=True):
    """A call expression. `callee` is the member chain with inner calls shown as `()`:
    `db.select().from(t).where(c)` has callee "db.select().from().where"."""

    index: int
    func: int | None  # enclosing function index, None at module level
    callee: str
    name: str  # last segment: "where", "findUnique", "auth"
    line: int
    end_line: int
    args: tuple[Expr, ...] = ()
    receiver: int | None = None  # the call this one is chained on (`a().b()`: b's receiver is a)
    awaited: bool = False
    # names bound from the result: `const { a, b } = await f()`
    assigned_to: tuple[str, ...] = ()
    returned: bool = False  # the call's value is returned (possibly through await/new)
    tagged_template: bool = False
    in_catch: bool = False
    # inside a `try` of its function whose `catch` goes on without rethrowing: what the call
    # throws does not stop the request
    caught: bool = False
    # the innermost loop statement of the same function whose body holds the call (index into
    # FileFacts.loops); a callback's calls are in the callback's function, not in the loop
    loop: int | None = None


class LoopKind(StrEnum):
    FOR = "for"  # for (init; cond; step)
    FOR_OF = "for-of"  # for (const x of xs), for await (...)
    FOR_IN = "for-in"  # for (const k in obj)
    WHILE = "while"
    DO = "do"


class Loop(_Frozen, frozen=True):
    """A loop statement: `for`, `for...of`, `for...in`, `while` or `do`."""

    index: int
    func: int | None  # enclosing function index, None at module level
    kind: LoopKind
    line: int
    end_line: int
    over: Expr | None = None  # for...of / for...in: the collection it goes through
    # the names the loop binds: `const { id, name }` of a for...of, `let i` of a for
    binds: tuple[str, ...] = ()
    condition: Expr | None = None  # for (init; condition; step), while (condition)


class Param(_Frozen, frozen=True):
    name: str  # the identifier, or the pattern text for destructuring
    # identifiers bound (destructured names included)
    names: tuple[str, ...] = ()
    # for destructuring patterns: the property keys (e.g. params, ctx, input)
    keys: tuple[str, ...] = ()
    # names bound under each key: {parsedInput: [id, code]}
    by_key: dict[str, list[str]] = field(default_factory=dict)
    type: str | None = None
    default: Expr | None = None  # `name = value`: the value a missing argument takes


class Function(_Frozen, frozen=True):
    index: int
    name: str | None  # declared name, or the variable/property it is assigned to
    line: int
    end_line: int
    parent: int | None  # enclosing function
    params: tuple[Param, ...] = ()
    is_async: bool = False
    use_server: bool = False  # body starts with the 'use server' directive
    return_type: str | None = None


class VarDecl(_Frozen, frozen=True):
    func: int | None
    names: tuple[str, ...]
    line: int
    # `const { id } = params` binds key "id" of params
    keys: tuple[str, ...] = ()
    init: Expr | None = None


class ExitKind(StrEnum):
    RETURN = "return"
    THROW = "throw"
    REDIRECT = (
        "redirect"  # redirect(), notFound(), unauthorized(), forbidden(), permanentRedirect()
    )


class Guard(_Frozen, frozen=True):
    """An `if (cond)` whose consequence leaves the function early (return, throw, redirect)."""

    func: int | None
    line: int
    condition: Expr
    exit: ExitKind
    exit_line: int
    negated: bool = False  # condition starts with `!` (or `=== null`/`== null`)
    # inside a `try` whose `catch` goes on: a throw (or Next.js redirect, which throws) there is
    # swallowed and stops nothing
    caught: bool = False


class Return(_Frozen, frozen=True):
    func: int | None
    line: int
    value: Expr | None = None


class Comparison(_Frozen, frozen=True):
    """A `===`/`!==`/`==`/`!=` comparison, for ownership checks after a fetch."""

    func: int | None
    line: int
    left: Expr
    right: Expr
    operator: str


class Branch(_Frozen, frozen=True):
    """A branch on a value: `if (req.method === "GET")` or `case "GET":` under `switch (req.method)`."""

    func: int | None
    line: int
    end_line: int
    subject: str  # "req.method"
    value: str  # "GET"


class ImportName(_Frozen, frozen=True):
    imported: str  # "default", "*", or the exported name
    local: str


class Import(_Frozen, frozen=True):
    source: str
    line: int
    names: tuple[ImportName, ...] = ()
    type_only: bool = False


class ExportKind(StrEnum):
    FUNCTION = "function"  # export (async) function NAME
    VARIABLE = "variable"  # export const NAME = init
    DESTRUCTURED = "destructured"  # export const { NAME } = init
    LOCAL = "local"  # export { local as NAME }
    REEXPORT = "reexport"  # export { x as NAME } from "./m" / export * from "./m"
    DEFAULT = "default"  # export default ...
    CLASS = "class"
    TYPE = "type"


class Export(_Frozen, frozen=True):
    name: str  # the exported name ("default", "*" for star re-exports)
    local: str | None  # local binding it refers to
    kind: ExportKind
    line: int
    source: str | None = None  # for re-exports
    init: Expr | None = None  # for variables / default expressions
    func: int | None = None  # the function it is, when it is one


class EnvRead(_Frozen, frozen=True):
    name: str
    line: int
    func: int | None


class StringLiteral(_Frozen, frozen=True):
    """A string literal that looks like a credential (long, high-entropy or with a known prefix)."""

    value: str
    line: int
    context: str  # the variable or property name it is assigned to, when known


class TypeDecl(_Frozen, frozen=True):
    name: str
    line: int
    fields: tuple[str, ...]
    exported: bool


class TypeAlias(_Frozen, frozen=True):
    """`type Name = <text>` or `interface Name <text>`: a union of literals, `z.infer<typeof
    schema>`, `(typeof list)[number]`, an intersection, an object type. `text` is the aliased
    type's source, truncated."""

    name: str
    line: int
    text: str


class EnumDecl(_Frozen, frozen=True):
    """A TypeScript `enum`: its members with their values (a string's content, a number's text;
    None for a member whose value is implicit or computed)."""

    name: str
    line: int
    members: tuple[tuple[str, str | None], ...]


class ClassField(_Frozen, frozen=True):
    """A field of a class and the class it holds, when written down: `private repo: NotesRepo`,
    `repo = new NotesRepo(db)`, `this.repo = new NotesRepo(db)` in the constructor, or a
    constructor parameter property `constructor(private repo: NotesRepo)`."""

    name: str
    type: str


class ClassDecl(_Frozen, frozen=True):
    """A class declared in the file: `class Database extends SyncDatabase<R> {...}`."""

    name: str
    line: int
    extends: str | None = None  # the superclass expression, type arguments dropped
    end_line: int = 0
    fields: tuple[ClassField, ...] = ()


class AnyUse(_Frozen, frozen=True):
    func: int | None
    line: int
    where: str  # "parameter", "return", "variable", "cast"


class CommentDirective(_Frozen, frozen=True):
    """An `archtools-ignore RULE: reason` comment, or an `expect:`/`ok:` fixture annotation."""

    line: int
    text: str


class SyntaxProblem(_Frozen, frozen=True):
    line: int
    column: int
    message: str


class FileFacts(_Frozen, frozen=True):
    path: str
    language: str
    # file-level directives: "use server", "use client", "server-only"
    directives: tuple[str, ...] = ()
    imports: tuple[Import, ...] = ()
    exports: tuple[Export, ...] = ()
    functions: tuple[Function, ...] = ()
    calls: tuple[Call, ...] = ()
    loops: tuple[Loop, ...] = ()
    vars: tuple[VarDecl, ...] = ()
    guards: tuple[Guard, ...] = ()
    returns: tuple[Return, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    branches: tuple[Branch, ...] = ()
    env_reads: tuple[EnvRead, ...] = ()
    secrets: tuple[StringLiteral, ...] = ()
    types: tuple[TypeDecl, ...] = ()
    aliases: tuple[TypeAlias, ...] = ()
    enums: tuple[EnumDecl, ...] = ()
    classes: tuple[ClassDecl, ...] = ()
    any_uses: tuple[AnyUse, ...] = ()
    comments: tuple[CommentDirective, ...] = ()
    syntax_errors: tuple[SyntaxProblem, ...] = ()
    lines: int = 0
