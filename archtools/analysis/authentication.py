"""Authentication of an entry point: gates in its code, in builder chains and wrappers, in middleware;
and what is public by design."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from archtools.analysis.anonymous_callers import AnonymousCallers
from archtools.analysis.context import holds_personal_data, is_credential_name
from archtools.analysis.entry import Entry
from archtools.analysis.entry_scope import (
    RESPONSE_BUILDERS,
    TRANSPORT,
    TRPC_ADAPTERS,
    CheckerBase,
    EntryScope,
    Problem,
    describe,
    make_check,
)
from archtools.analysis.entrypoints import route_of
from archtools.analysis.flow import Flow, function_scope, outermost_function, within
from archtools.analysis.handed_context import handed_on, hono_variables
from archtools.analysis.knowledge import PackageCall
from archtools.analysis.middleware import MiddlewareInfo, vulnerable_to_bypass
from archtools.analysis.owner_filters import nested_owner_filter
from archtools.analysis.profile_reads import picked_fields, profile_fields
from archtools.analysis.public_content import public_flag
from archtools.analysis.query_args import counts_or_groups
from archtools.analysis.rate_limits import KnowsRateLimits
from archtools.analysis.read_policy import filter_keys
from archtools.analysis.roles import DbOp
from archtools.analysis.shared_cache import SharedCache
from archtools.analysis.summaries import Summary, by_hashed_secret, is_identity_table
from archtools.analysis.trpc import context_identity, context_seeds
from archtools.facts.code import Call, Expr, ExprKind
from archtools.results import Check, CheckStatus, EntryKind, Evidence
from archtools.source.globs import glob_match

_LITERALS = (ExprKind.ARRAY, ExprKind.OBJECT, ExprKind.STRING, ExprKind.NUMBER, ExprKind.TEMPLATE)


def _inert_package(package: str, inert: tuple[str, ...]) -> bool:
    """`next/headers` and `@oslojs/crypto/sha2` are inert; `next-auth`, which only shares a prefix
    with `next`, is not."""
    return any(package == p or package.startswith(p + "/") for p in inert)


_AGGREGATES = ("count", "aggregate", "groupBy", "$count")
# operations that add a row (Prisma's creations and upsert, Drizzle's insert)
_CREATIONS = frozenset({"create", "createMany", "createManyAndReturn", "upsert", "insert"})
# Columns holding a secret handed to the row's intended user (a share link, an invitation, a
# signing or verification link): `token`, `shareToken`, `invite_token`, `secret`; not `tokenId`.
_SECRET_COLUMN = re.compile(r"(?:^|[a-z_])(?:token|secret|Token|Secret)$")
# A code handed out in a link (`code`, `inviteCode`) is a secret in a table of such links only.
_LINK_CODE = re.compile(r"^(?:code|\w+Code)$")
_LINK_TABLE = re.compile(r"invit|share|magic|verif|reset|redeem", re.I)


def _secret_column(column: str, op: DbOp) -> bool:
    """A column holding a secret its row's intended user is handed: a token or secret, or a code
    in a table of invitation, share, verification or reset links."""
    if _SECRET_COLUMN.search(column):
        return True
    return bool(_LINK_CODE.match(column)) and bool(_LINK_TABLE.search(op.model or op.table or ""))


# `process.env.NODE_ENV !== "development"`, `env.NODE_ENV === 'production'`: true outside development
_OUTSIDE_DEVELOPMENT = re.compile(
    r"""^\(?\s*(?:process\.)?env\.NODE_ENV\s*(?:!==?\s*["'](?:development|dev)["']|===?\s*["']production["'])\s*\)?$"""
)
# trpc-to-openapi's `meta({ openapi: { protect: true } })`: the endpoint is documented as requiring
# authentication
_DECLARED_PROTECTED = re.compile(r"\bprotect\s*:\s*true\b")
_REGEX_LITERAL = re.compile(r"^/[^/*]")
_BUILT_INS = {"Set", "Map", "WeakMap", "WeakSet", "Date", "RegExp", "URL", "URLSearchParams"}
# The language's own namespaces: what their functions build is a plain value (`Object.values(Tags)`).
_LANGUAGE_ROOTS = {"Object", "Array", "JSON", "Math", "Number", "String", "Boolean"}


class _PublicReads:
    """What still needs a signed-in caller when an entry point only reads: a write, a read of a
    user's rows, or a call into a package that may act (any but the content readers: mail,
    payments, storage, auth providers, an app's own service SDK)."""

    unknown_acts = True  # a client object the app builds itself may act

    def __init__(self, checks: CheckerBase) -> None:
        self.owned = checks.ctx.owned
        self.public_to_read = checks.ctx.public_to_read
        # without a schema, whose rows a query reads is unknown: every read counts
        self.known = bool(checks.ctx.schema.models)
        self.schema = checks.ctx.schema
        self.flags = checks.k.public_routes
        self.read_only = tuple(checks.k.sensitive_operations.read_only_packages)
        self.program = checks.ctx.program
        self.user_models = checks.k.ownership.user_models
        self.owner_fields = frozenset(checks.k.ownership.owner_fields)
        self.owned_relation = checks.ctx.owned_relation

    def touches(self, op: DbOp) -> bool:
        if op.kind != "read":
            return True
        if op.model is None or not self.known:
            return True  # raw SQL or a table the schema does not name: whose rows is unknown
        if op.operation in _AGGREGATES:
            return False
        if profile_fields(self.program, op, self.user_models, self.owned_relation(op.model)):
            return False  # names and avatars: what any visitor of a profile sees
        if (
            op.model not in self.owned or op.model in self.public_to_read
        ) and not holds_personal_data(self.schema, op.model):
            return False
        return not any(public_flag(w, self.flags) for w in op.where)

    def _filtered_by_owner(self, op: DbOp) -> bool:
        """Whether the filter names an owner column of the model: an owner-named column or a
        foreign key to the user model."""
        model = self.schema.model(op.model or "")
        users = {u.lower() for u in self.user_models} | {"user", "users"}
        owners = self.owner_fields | {
            key
            for f in (model.fields if model is not None else [])
            if f.relation is not None and f.type.lower() in users
            for key in f.relation.fields
        }
        facts = self.program.files[op.file]
        return any(key in owners for key, _ in filter_keys(facts, op.where))

    def acts(self, package: str) -> bool:
        """Every package but those that only read or render content may act for the caller."""
        return not _inert_package(package, self.read_only)


class _DeclaredPublicReads(_PublicReads):
    """For a procedure the app declares public (built on its ungated base where it has gated ones):
    reads of users' rows and writes still need a caller, and so do calls into packages known to act
    on what they are sent (mail, payments, storage, AI); a client the app builds from code that
    cannot be followed (a cache wrapper, an SDK of its own) is not taken to act on the strength of
    the declaration."""

    unknown_acts = False

    def __init__(self, checks: CheckerBase) -> None:
        super().__init__(checks)
        self.acting = tuple(checks.k.sinks.packages)

    def touches(self, op: DbOp) -> bool:
        if counts_or_groups(self.program, op) and not self._filtered_by_owner(op):
            return False  # figures about rows (a Drizzle count or groupBy), not one user's
        return super().touches(op)

    def acts(self, package: str) -> bool:
        return _inert_package(package, self.acting) and super().acts(package)


def _route_groups(path: str) -> list[str]:
    """The route groups a file of the app directory sits in (`app/(marketing)/blog/page.tsx`
    -> marketing), lower case."""
    return [
        part[1:-1].lower()
        for part in path.split("/")
        if part.startswith("(") and part.endswith(")")
    ]


# A wrapper whose name says it lets signed-out callers in (`PublicEndpoint`, `MixedAuthEndpoint`,
# `withOptionalAuth`): the app's own statement of who may call what it wraps.
_PUBLIC_WRAPPER = re.compile(r"public|optional_?auth|mixed_?auth|anonymous", re.I)


class _DeclaredPublicAnyReads(_DeclaredPublicReads):
    """For a procedure the app declares public whose reads of users' rows the authorization check
    has found guarded (or keyed by nothing the client chose): what still needs a caller is a write
    (but those bound to the caller, `allowed`, which a signed-out call has none of), or a call
    into a package known to act on what it is sent."""

    def __init__(
        self, checks: CheckerBase, allowed: frozenset[tuple[str, int]] = frozenset()
    ) -> None:
        super().__init__(checks)
        self.allowed = allowed

    def touches(self, op: DbOp) -> bool:
        return op.kind != "read" and (op.file, op.call) not in self.allowed


class _AnyReads(_PublicReads):
    """For a response the app declares public: any read is fine; what still needs a caller is a
    write, or a call into a package known to act on what it is sent (mail, payments, storage, AI)."""

    unknown_acts = False

    def __init__(self, checks: CheckerBase) -> None:
        super().__init__(checks)
        self.acting = tuple(checks.k.sinks.packages)

    def touches(self, op: DbOp) -> bool:
        return op.kind != "read"

    def acts(self, package: str) -> bool:
        return _inert_package(package, self.acting)


@dataclass(frozen=True)
class _Search:
    """One level of the search for a sensitive call: how deep, what was followed, what counts."""

    depth: int
    seen: set[tuple[str, int | None]]  # the helpers followed so far (shared by every level)
    database: bool
    skip: frozenset[tuple[str, int]]
    reads_only: _PublicReads | None
    inert: tuple[str, ...]


def _named(name: str, word: str) -> bool:
    """`signInWithCredentials` and `signIn` are named `signIn`; `signInfo` is not."""
    return name == word or (name.startswith(word) and name[len(word)].isupper())


def name_words(name: str) -> list[str]:
    """The words of a camelCase, snake_case or kebab-case name: `verifyEmailToken` and
    `verify-email-token` are [verify, email, token]."""
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]


def _names_phrase(name: str, phrases: list[str]) -> str | None:
    words = name_words(name)
    for phrase in phrases:
        wanted = phrase.split()
        if any(words[i : i + len(wanted)] == wanted for i in range(len(words))):
            return phrase
    return None


SIGNED_WEBHOOK = "public by design: a webhook that verifies its signature"
NO_SENSITIVE_OPERATION = "no sensitive operation"


def _authenticated(gate: Evidence, kind: str | None, via: list[Evidence] | None = None) -> Check:
    """A pass, naming the guard and the kind of caller it proves; for a helper's guard, where the
    helper checks too (the line that rejects the request)."""
    evidence = [gate, *(e for e in via or [] if (e.file, e.line) != (gate.file, gate.line))]
    return Check(status=CheckStatus.PASS, evidence=evidence, kind=kind or "session")


# Public asset routes are public by design, yet what they read by a client's key is still judged.
PUBLIC_ASSET = "public by design: a public asset route"


def _op_calls(checks: CheckerBase, ops: list[DbOp] | None) -> frozenset[tuple[str, int]]:
    """The calls that make up the database operations (a Drizzle chain is several calls)."""
    found: set[tuple[str, int]] = set()
    for op in ops or []:
        calls = checks.ctx.program.files[op.file].calls
        index: int | None = op.call
        while index is not None and (op.file, index) not in found:
            found.add((op.file, index))
            index = calls[index].receiver
    return frozenset(found)


_SESSION_HELPER_DEPTH = 2


class AuthenticationChecks(KnowsRateLimits):
    _anonymous: AnonymousCallers | None = None

    def _auth_handler_path(self, entry: Entry) -> str | None:
        facts = self.ctx.program.files[entry.file]
        if entry.route and "[...nextauth]" in entry.route:
            return "NextAuth"
        for imp in facts.imports:
            if (
                any(imp.source.startswith(p) for p in self.k.auth_handler_packages)
                and entry.route
                and ("auth" in entry.route)
            ):
                return imp.source
        return None

    # -- authentication ------------------------------------------------------------------------------

    def _public_reason(self, entry: Entry, scope: EntryScope) -> Evidence | None:
        """Why an entry point is public by design, if it is: declared public, an operation for
        signed-out users, what its handler does, or the kind of route it is."""
        route = entry.route or ""
        segments = [s for s in route.split("/") if s]
        for declared in self.ctx.public_routes:
            if glob_match(route, declared):
                return Evidence(
                    file=entry.file,
                    line=entry.line,
                    detail=f"public by design: declared public ({declared})",
                )
        if self._for_signed_out_users(entry, segments):
            return Evidence(
                file=entry.file,
                line=entry.line,
                detail="public by design: an operation for signed-out users (sign-up, sign-in, recovery)",
            )
        group = next(
            (g for g in _route_groups(entry.file) if g in self.k.public_routes.public_groups), None
        )
        if group is not None and entry.kind in (EntryKind.PAGE, EntryKind.PAGES_SSR):
            return Evidence(
                file=entry.file,
                line=entry.line,
                detail=f"public by design: a page of the app's ({group}) route group, for every visitor",
            )
        return (
            self._offered_to_signed_out_users(entry, scope)
            or self._public_handler(entry, scope)
            or self._public_route_kind(entry, scope, segments)
        )

    def _names_signed_out_flow(self, segments: list[str]) -> bool:
        """Route segments that name a flow for signed-out users (`sign-up`, `forgot-password`)."""
        anonymous = self.k.public_routes
        return any(s.lower() in anonymous.anonymous_route_words for s in segments) or any(
            _names_phrase(s, anonymous.anonymous_phrases) for s in segments
        )

    def _offered_to_signed_out_users(self, entry: Entry, scope: EntryScope) -> Evidence | None:
        """A Server Action that a sign-up, sign-in or recovery page imports (an availability check
        the sign-up form runs) and that no middleware guards there: the app offers it to
        signed-out users. Not when it reads credentials back (a password hash): whatever the page
        does with them, anyone may call the action for any account."""
        if entry.kind != EntryKind.SERVER_ACTION or "@" in entry.name:
            return None  # (an inline action belongs to its page's own route)
        app = next((a for a in self.ctx.apps if a.path == entry.app), None)
        if app is None or app.app_dir is None:
            return None
        info = self.ctx.middleware.get(entry.app)
        for page in self.ctx.importers.pages_importing_name(entry.file, entry.name) or ():
            route = route_of(app.app_dir, page)
            if route is None or not self._names_signed_out_flow(route.split("/")):
                continue
            if info is not None and info.enforces(route) is not None:
                continue
            if self._reads_credentials(scope):
                return None
            return Evidence(
                file=page,
                line=1,
                detail=f"public by design: offered to signed-out users by the {route} page",
            )
        return None

    def _reads_credentials(self, scope: EntryScope) -> bool:
        """Whether a read of the entry point's own code returns a credential column: picked by a
        `select`/`columns` list, or in the whole row of a model that has one."""
        fields_of = {m.name: [f.name for f in m.fields] for m in self.ctx.schema.models}
        for op in self.ctx.classifier.db_ops(scope.facts.path):
            if op.kind != "read" or not op.returns_rows or not scope.has(op.func, op.line):
                continue
            fields = (
                picked_fields(self.ctx.program, op)
                if op.narrowed
                else fields_of.get(op.model or "", [])
            )
            if any(is_credential_name(name) for name in fields):
                return True
        return False

    def _for_signed_out_users(self, entry: Entry, segments: list[str]) -> bool:
        """A route or Server Action named for signed-out users (sign-up, sign-in, recovery)."""
        anonymous = self.k.public_routes
        return self._names_signed_out_flow(segments) or (
            entry.kind == EntryKind.SERVER_ACTION
            and (
                any(_named(entry.name, word) for word in anonymous.anonymous_functions)
                or _names_phrase(entry.name, anonymous.anonymous_phrases) is not None
            )
        )

    def _public_handler(self, entry: Entry, scope: EntryScope) -> Evidence | None:
        """Public by what the handler does: a CORS preflight, the auth library's own endpoints, a
        sign-in that checks a password, or a tRPC adapter whose procedures are checked one by one."""
        if entry.kind == EntryKind.ROUTE_HANDLER and entry.name == "OPTIONS":
            return Evidence(
                file=entry.file,
                line=entry.line,
                detail="public by design: the CORS preflight, which browsers send without credentials",
            )
        library = self._auth_library_handler(scope)
        if library is not None:
            return library
        development = self._development_only(scope)
        if development is not None:
            return development
        password = self._password_call(
            scope.facts.path, scope.has, 0, set(), self.k.public_routes.password_verifiers
        )
        if password is not None:
            return Evidence(
                file=password.file,
                line=password.line,
                detail=f"public by design: a sign-in, it checks a password with {password.detail}",
            )
        for call in scope.facts.calls:
            if scope.has(call.func, call.line) and self._runs_trpc_adapter(scope.facts.path, call):
                return Evidence(
                    file=entry.file,
                    line=call.line,
                    detail=f"{TRANSPORT}; each procedure is checked on its own",
                )
        return None

    def _runs_trpc_adapter(self, file: str, call: Call) -> bool:
        """A tRPC adapter called in the handler, or the handler a module-level adapter call made
        (`const trpcHandler = createNextApiHandler({ router })`, then `trpcHandler(req, res)`)."""
        if call.name in TRPC_ADAPTERS:
            return True
        symbol = self.ctx.program.lookup(file, call.callee)
        made = self.ctx.program.value_call(symbol) if symbol is not None else None
        return made is not None and made.name in TRPC_ADAPTERS

    def _public_route_kind(
        self, entry: Entry, scope: EntryScope, segments: list[str]
    ) -> Evidence | None:
        """Public by the kind of route: a public asset read without writes, a health check, or a
        webhook that verifies its signature. A tRPC procedure is a health check when each part of
        its path names one (`health.health`, `health.ping`), and it writes nothing."""
        if entry.kind == EntryKind.TRPC_PROCEDURE:
            return self._health_procedure(entry, scope)
        if entry.kind not in (EntryKind.ROUTE_HANDLER, EntryKind.PAGES_API) or not segments:
            return None
        asset = next((s for s in segments if s.lower() in self.k.public_routes.public_assets), None)
        writes = any(
            op.kind != "read"
            for op in self.ctx.classifier.db_ops(scope.facts.path)
            if scope.has(op.func, op.line)
        )
        if asset is not None and entry.method in ("GET", "HEAD", "*") and not writes:
            return Evidence(
                file=entry.file,
                line=entry.line,
                detail=f"{PUBLIC_ASSET} ({asset}) that browsers and crawlers fetch without "
                "signing in",
            )
        if segments[-1].lower() in self.k.public_routes.health:
            return Evidence(
                file=entry.file,
                line=entry.line,
                detail=f"public by design: the {segments[-1]} route",
            )
        if any(s.lower() in self.k.public_routes.webhook_words for s in segments):
            for call in scope.facts.calls:
                if (
                    scope.has(call.func, call.line)
                    and call.name.removeprefix("new ") in self.k.public_routes.signature_calls
                ):
                    return Evidence(
                        file=entry.file,
                        line=call.line,
                        detail=f"{SIGNED_WEBHOOK} with {call.callee}()",
                    )
        return None

    def _health_procedure(self, entry: Entry, scope: EntryScope) -> Evidence | None:
        parts = (entry.route or "").split(".")
        health = self.k.public_routes.health
        if not parts or not all(part.lower() in health for part in parts):
            return None
        if any(
            op.kind != "read"
            for op in self.ctx.classifier.db_ops(scope.facts.path)
            if scope.has(op.func, op.line)
        ):
            return None
        return Evidence(
            file=entry.file,
            line=entry.line,
            detail=f"public by design: the {entry.route} health check",
        )

    def _development_only(self, scope: EntryScope) -> Evidence | None:
        """A tool for the app's developers: the handler leaves at once unless the server runs in
        development (`if (process.env.NODE_ENV !== "development") return 404`), before it calls
        anything that acts; in production it answers nothing."""
        for guard in scope.facts.guards:
            if (
                guard.func not in scope.funcs
                or not scope.has(guard.func, guard.line)
                or guard.caught
                or not _OUTSIDE_DEVELOPMENT.match(guard.condition.text.strip())
            ):
                continue
            at = guard.line

            def before_the_guard(func: int | None, line: int, at: int = at) -> bool:
                return scope.has(func, line) and line < at

            before = self._sensitive_call(scope.facts.path, before_the_guard, 0, set())
            if before is None:
                return Evidence(
                    file=scope.facts.path,
                    line=guard.line,
                    detail="public by design: a development tool, it answers nothing unless the "
                    f"server runs in development (`{guard.condition.text[:60]}`)",
                )
        return None

    def _library_handler_made_by(self, file: str, callee: str) -> tuple[str, str | None]:
        """The factory call, and its package, that built the request handler a callee names: the
        module value itself (`handler` of `const handler = NextAuth(options)`) or one of the
        handlers the factory hands out (`handlers.POST` of `const { handlers } = NextAuth(...)`,
        `auth.handler` of `const auth = betterAuth(...)`), not its session readers
        (`auth.api.getSession()`). The package is None for anything else."""
        path = callee.removeprefix("await ").split("(", 1)[0].split(".")
        symbol = self.ctx.program.lookup(file, path[0])
        if symbol is None or symbol.package is not None:
            return callee, None
        made = self.ctx.program.value_call(symbol)
        if made is None:
            return callee, None
        factory_callee, package = self.ctx.classifier.canonical(symbol.file, made)
        factory = next(
            (f for f in self.k.auth_factories if f.call == factory_callee.split(".", 1)[0]), None
        )
        if factory is None:
            return callee, None
        members = path[1:]
        if members and path[0] not in factory.handlers and members[0] not in factory.handlers:
            return callee, None
        return factory_callee, package

    def _password_call(
        self,
        file: str,
        runs: Callable[[int | None, int], bool],
        depth: int,
        seen: set[tuple[str, int | None]],
        wanted: list[PackageCall],
    ) -> Evidence | None:
        """The call of a password package's function (`bcrypt.compare`, `argon2.hash`) on the
        entry point's way (in its code or its helpers')."""
        for call in self.ctx.program.files[file].calls:
            if not runs(call.func, call.line):
                continue
            _callee, package = self.ctx.classifier.canonical(file, call)
            if package is not None:
                if any(v.package == package and v.call == call.name for v in wanted):
                    return Evidence(file=file, line=call.line, detail=f"{call.callee}()")
                continue
            target = self.ctx.summaries.target(file, call)
            if target is None or target in seen or depth >= 3:
                continue
            seen.add(target)
            inner = self._password_call(
                target[0],
                within(function_scope(self.ctx.program.files[target[0]], target[1])),
                depth + 1,
                seen,
                wanted,
            )
            if inner is not None:
                return inner
        return None

    def _auth_library_handler(self, scope: EntryScope) -> Evidence | None:
        """`return NextAuth(req, res, options)`: the handler hands the request to the auth library's
        own endpoints (sign-in, callbacks, sign-out), which are public by design."""
        requests = {name for name, what in scope.flow.inputs.items() if what == "request"}
        factories = {factory.call for factory in self.k.auth_factories}
        for call in scope.facts.calls:
            if not scope.has(call.func, call.line) or call.func not in scope.funcs:
                continue
            if not any(set(arg.roots) & requests for arg in call.args):
                continue
            callee, package = self.ctx.classifier.canonical(scope.facts.path, call)
            if package is None:  # `handler(req, ctx)` with `const handler = NextAuth(options)`
                callee, package = self._library_handler_made_by(scope.facts.path, call.callee)
            if (
                package is not None
                and any(package.startswith(p) for p in self.k.auth_handler_packages)
                and callee.split(".", 1)[0] in factories
            ):
                return Evidence(
                    file=scope.facts.path,
                    line=call.line,
                    detail=f"public by design: the request goes to the sign-in handler of "
                    f"{package} ({call.callee.removeprefix('await ')}())",
                )
        return None

    def _authentication(
        self,
        entry: Entry,
        scope: EntryScope,
        public: Evidence | None,
        problems: list[Problem],
        *,
        touches_data: bool,
        ops: list[DbOp] | None = None,
        first_op: tuple[int, str] | None = None,
        op_flows: list[tuple[DbOp, Flow]] | None = None,
    ) -> Check:
        """pass: a gate protects the operations (in the code, a chain, or covering middleware);
        n/a: public by design, or nothing worth protecting; fail: nothing stops a signed-out
        request, or the gate comes after the first operation."""
        # The guard that protects the operations decides first: a sign-in flow that does check a
        # session (a pending password reset, a signed-in logout) is authenticated, not public.
        lookup = self._session_lookup(entry, scope, ops or [])
        if lookup is not None:
            return make_check(CheckStatus.NA, lookup)
        gated = self._gate_or_public(entry, scope, public, problems, first_op)
        if gated is not None:
            return gated
        exempt = self._nothing_to_protect(
            entry, scope, touches_data=touches_data, ops=ops or [], op_flows=op_flows or []
        )
        gate = self._middleware_gate(entry)
        if exempt is not None and gate is not None:
            # behind the middleware's check, but with nothing that needs one: no finding
            return exempt
        if gate is not None:
            return self._middleware_only(entry, gate, problems, scope, op_flows or [])
        declared = self._let_through_by_middleware(entry, scope, ops or [])
        if declared is not None:
            return make_check(CheckStatus.NA, declared)
        if exempt is not None:
            return exempt
        inside = self._gated_inside_helpers(scope, ops or [])
        if inside is not None:
            return inside
        designed = self._limited_by_address(entry, scope, op_flows or []) or self._sign_up(
            scope, ops or []
        )
        if designed is not None:
            return make_check(CheckStatus.NA, designed)
        if scope.summary.unsafe_session:
            unverified = scope.summary.unsafe_session[0]
            detail = Evidence(
                file=unverified.file,
                line=unverified.line,
                detail=f"only an unverified session: {unverified.detail}, so nothing proves "
                "who the caller is",
            )
        elif scope.flow.identity:
            first = sorted(scope.flow.identity.values(), key=lambda e: e.line)[0]
            detail = Evidence(
                file=first.file,
                line=first.line,
                detail=f"reads the user ({first.detail}) but nothing stops a signed-out request",
            )
        else:
            detail = Evidence(
                file=entry.file,
                line=entry.line,
                detail="no authentication: no auth call, wrapper, procedure middleware or covering middleware",
            )
        problems.append(
            Problem(
                rule="ATH001",
                file=entry.file,
                line=entry.line,
                message=f"{describe(entry)} does not authenticate the caller"
                + (" (it trusts an unverified session)" if scope.summary.unsafe_session else ""),
                key=f"missing-authentication:{entry.id}",
            )
        )
        exposed = self._first_sensitive(scope, ops or [])
        return make_check(CheckStatus.FAIL, detail, *([exposed] if exposed else []))

    def _sign_up(self, scope: EntryScope, ops: list[DbOp]) -> Evidence | None:
        """Public by design: it opens an account, creating a row of a user model with a password
        it hashes on the way. (Reached only without a gate: an administrator's form that creates
        users behind a session check passes on that check.)"""
        users = {m.lower() for m in self.k.ownership.user_models}
        created = next(
            (
                op
                for op in ops
                if op.operation in _CREATIONS and (op.model or op.table or "").lower() in users
            ),
            None,
        )
        if created is None:
            return None
        hashed = self._password_call(
            scope.facts.path, scope.has, 0, set(), self.k.public_routes.password_hashers
        )
        if hashed is None:
            return None
        table = created.model or created.table
        return Evidence(
            file=created.file,
            line=created.line,
            detail=f"public by design: a sign-up, it creates a row of {table} with a password "
            f"hashed by {hashed.detail} ({hashed.file}:{hashed.line})",
        )

    def _limited_by_address(
        self, entry: Entry, scope: EntryScope, op_flows: list[tuple[DbOp, Flow]]
    ) -> Evidence | None:
        """Public by design: built for anonymous callers, each limited by network address
        (anonymous_callers.py). Not when it reads or changes a user's rows by a key the client
        chose: an anonymous caller reaching someone's records is the finding, whatever the
        design."""
        owned = self.ctx.owned
        if any(
            op.model in owned and any(flow.is_client_value(w) or flow.is_input(w) for w in op.where)
            for op, flow in op_flows
        ):
            return None
        if self._anonymous is None:
            self._anonymous = AnonymousCallers(self.ctx, self._rate_limits())
        return self._anonymous.limited_by_address(entry, scope)

    def _gated_inside_helpers(self, scope: EntryScope, ops: list[DbOp]) -> Check | None:
        """Every operation runs inside a helper the entry point calls that first proves the caller
        and throws otherwise (`getContactFromUnsubscribeLink(id, hash)` verifying the signed link
        before it reads the contact), directly or in the helpers it calls after that proof: however
        the entry point handles the throw, no operation runs unproven. Its own code must run no
        operation and call nothing else that acts."""
        if not ops or any(
            op.file == scope.facts.path and scope.has(op.func, op.line) for op in ops
        ):
            return None
        covered: dict[tuple[str, int | None], int] = {}  # function -> first line after the proof
        gated_calls: set[tuple[str, int]] = set()
        proof: Summary | None = None
        for call in scope.facts.calls:
            if not scope.has(call.func, call.line):
                continue
            resolved = self.ctx.summaries.callee_summary(scope.facts.path, call)
            if resolved is None:
                continue
            key, summary = resolved
            if summary.auth_gate is None or not summary.auth_stops or summary.auth_line is None:
                continue
            proof = proof or summary
            gated_calls.add((scope.facts.path, call.index))
            self._cover_after(key, summary.auth_line, covered, 0)
        if proof is None or proof.auth_gate is None:
            return None
        for op in ops:
            after = covered.get((op.file, op.func))
            if after is None or op.line <= after:
                return None
        skip = _op_calls(self, ops) | gated_calls  # (what the proven helpers do is proven)
        acting = self._sensitive_call(
            scope.facts.path, scope.has, 0, set(), database=False, skip=skip
        )
        if acting is not None:
            return None
        gate = proof.auth_gate
        return _authenticated(
            Evidence(
                file=gate.file,
                line=gate.line,
                detail=f"{gate.detail}, before every operation of the helpers it calls",
            ),
            proof.auth_kind,
            proof.auth_via,
        )

    def _cover_after(
        self,
        key: tuple[str, int | None],
        line: int,
        covered: dict[tuple[str, int | None], int],
        depth: int,
    ) -> None:
        """Marks what runs in `key` after `line`, and every helper it calls there, as proven."""
        if depth > 4 or covered.get(key, 10**9) <= line:
            return
        covered[key] = line
        facts = self.ctx.program.files[key[0]]
        inside = function_scope(facts, key[1])
        for call in facts.calls:
            if call.func in inside and call.line > line:
                target = self.ctx.summaries.target(key[0], call)
                if target is not None:
                    self._cover_after(target, 0, covered, depth + 1)

    def _first_sensitive(self, scope: EntryScope, ops: list[DbOp]) -> Evidence | None:
        """What a signed-out request reaches first: a database operation, or the first call that
        may act (into a package, a repository helper that does, code that cannot be followed)."""
        if ops:
            op = min(ops, key=lambda o: (o.file != scope.facts.path, o.line))
            return Evidence(
                file=op.file,
                line=op.line,
                detail=f"reached without a signed-in user: {op.callee}() "
                f"({op.kind} of {op.model or op.table or 'a table'})",
            )
        call = self._sensitive_call(scope.facts.path, scope.has, 0, set())
        if call is None:
            return None
        return Evidence(
            file=call.file,
            line=call.line,
            detail=f"reached without a signed-in user: {call.detail}",
        )

    def _gate_or_public(
        self,
        entry: Entry,
        scope: EntryScope,
        public: Evidence | None,
        problems: list[Problem],
        first_op: tuple[int, str] | None,
    ) -> Check | None:
        """The gate in a chain or in the code decides first, unless it comes after the first
        operation (a failure); then a signed webhook passes and a public entry point is n/a."""
        built = self._chain_gate(entry)  # procedure middleware and wrappers run first
        if built is not None:
            return _authenticated(*built)
        gate = scope.summary.auth_gate
        gate_line = scope.summary.auth_line
        if gate is not None and not (
            first_op is not None and gate_line is not None and first_op[0] < gate_line
        ):
            return _authenticated(
                gate, scope.summary.auth_kind, [*scope.summary.auth_via, *scope.summary.auth_also]
            )
        if public is not None and public.detail.startswith(SIGNED_WEBHOOK):
            return _authenticated(public, "signature")
        if public is not None:
            return make_check(CheckStatus.NA, public)
        if gate is None or first_op is None:
            return None
        # The check comes after the query: a signed-out request has been answered by then.
        problems.append(
            Problem(
                rule="ATH001",
                file=entry.file,
                line=first_op[0],
                message=f"{describe(entry)} runs {first_op[1]}() before it checks the caller",
                key=f"missing-authentication:{entry.id}",
            )
        )
        return make_check(
            CheckStatus.FAIL,
            Evidence(
                file=scope.facts.path,
                line=first_op[0],
                detail=f"{first_op[1]}() runs before the check at line {gate_line} ({gate.detail})",
            ),
        )

    def _compared_with_caller(
        self, scope: EntryScope, op_flows: list[tuple[DbOp, Flow]]
    ) -> Evidence | None:
        """Where the entry point itself refuses a row the client named unless it is the caller's
        (load_checks.py answers; without them, nowhere)."""
        return None

    def _middleware_only(
        self,
        entry: Entry,
        covered: Evidence,
        problems: list[Problem],
        scope: EntryScope,
        op_flows: list[tuple[DbOp, Flow]],
    ) -> Check:
        """Covered by middleware (`covered`): a pass, with a problem (and the bypass of old
        Next.js) when the middleware alone stands between a signed-out request and the data, not
        when the handler itself refuses every row the client names unless it is the caller's."""
        info = self.ctx.middleware.get(entry.app)
        kind = info.kind_of_caller(entry.route) if info is not None and entry.route else "session"
        if self._compared_with_caller(scope, op_flows) is not None:
            return _authenticated(covered, kind)
        app = next((a for a in self.ctx.apps if a.path == entry.app), None)
        bypass = vulnerable_to_bypass(app.next_version if app else None)
        note = (
            f"; Next.js {app.next_version if app else '?'} allows bypassing middleware (CVE-2025-29927)"
            if bypass
            else ""
        )
        problems.append(
            Problem(
                rule="ATH002",
                file=entry.file,
                line=entry.line,
                message=f"{entry.name} relies on middleware alone for authentication{note}",
                key=f"middleware-only:{entry.route}:{entry.method}",
            )
        )
        return _authenticated(covered, kind)

    def _session_helpers(self, scope: EntryScope) -> list[tuple[str, set[int | None]]]:
        """The functions that find the caller (helpers whose summary returns the signed-in user,
        `verifyUser(req)`) and the helpers they call: their queries look the caller up."""
        found: list[tuple[str, set[int | None]]] = []
        seen: set[tuple[str, int | None]] = set()
        pending = [
            (target, 0)
            for call in scope.facts.calls
            if scope.has(call.func, call.line)
            and (target := self.ctx.summaries.target(scope.facts.path, call)) is not None
            and target[1] is not None
            and self.ctx.summaries.of(*target).returns_identity is not None
        ]
        while pending:
            (file, func), depth = pending.pop()
            if (file, func) in seen:
                continue
            seen.add((file, func))
            facts = self.ctx.program.files[file]
            inside = function_scope(facts, func)
            found.append((file, inside))
            if depth >= _SESSION_HELPER_DEPTH:
                continue
            for call in facts.calls:
                target = self.ctx.summaries.target(file, call) if call.func in inside else None
                if target is not None and target[1] is not None:
                    pending.append((target, depth + 1))
        return found

    def _app_queries(
        self, scope: EntryScope, op_flows: list[tuple[DbOp, Flow]]
    ) -> list[tuple[DbOp, Flow]]:
        """The operations an entry point runs, less those of the helpers that find the caller (a
        session helper looking its user up by the session's email)."""
        helpers = self._session_helpers(scope)
        return [
            (op, flow)
            for op, flow in op_flows
            if not any(op.file == file and op.func in inside for file, inside in helpers)
        ]

    def _nothing_to_protect(
        self,
        entry: Entry,
        scope: EntryScope,
        *,
        touches_data: bool,
        ops: list[DbOp],
        op_flows: list[tuple[DbOp, Flow]],
    ) -> Check | None:
        """n/a without a gate: the session lookup itself, public content, no sensitive operation at
        all, or only public reads (unless it is a webhook or reads the user)."""
        public_content = self._public_content(ops)
        if (
            public_content is not None
            and self._sensitive_call(
                scope.facts.path, scope.has, 0, set(), database=False, skip=_op_calls(self, ops)
            )
            is None
        ):
            return make_check(CheckStatus.NA, public_content)
        shared = self._shared_response(entry, scope, ops)
        if shared is not None:
            return make_check(CheckStatus.NA, shared)
        webhook = any(
            word in (entry.route or "").lower().split("/")
            for word in self.k.public_routes.webhook_words
        )
        if (
            not touches_data
            and not webhook  # a webhook is authenticated by its signature, whatever it does
            and not scope.flow.identity  # reading the user without a gate is the finding
            and self._sensitive_call(scope.facts.path, scope.has, 0, set()) is None
        ):
            return make_check(
                CheckStatus.NA,
                Evidence(
                    file=entry.file,
                    line=entry.line,
                    detail=f"{NO_SENSITIVE_OPERATION}: it reads and writes no data and calls only "
                    "request, response and rendering helpers (directly or through its helpers)",
                ),
            )
        if not webhook and not scope.flow.identity:
            reads = self._public_reads(entry, scope, ops) or self._capability_access(op_flows)
            if reads is not None:
                return make_check(CheckStatus.NA, reads)
        elif not webhook and not any(
            flow.is_identity(part)
            for op, flow in self._app_queries(scope, op_flows)
            for part in (*op.where, *op.data)
        ):
            # the user is read (to greet them, or offer to sign in) but keys nothing: a link's
            # secret is still the only access
            capability = self._capability_access(op_flows)
            if capability is not None:
                return make_check(CheckStatus.NA, capability)
        if not webhook and scope.flow.identity and ops:
            # the user is read only to personalise public rows (`include: { votes: { where: {
            # userId: session?.user?.id } } }`): without one, what it returns is public all the same
            reads = self._public_reads(entry, scope, ops)
            if reads is not None:
                return make_check(CheckStatus.NA, reads)
        return None

    def _let_through_by_middleware(
        self, entry: Entry, scope: EntryScope, ops: list[DbOp]
    ) -> Evidence | None:
        """Public by the app's declaration: the middleware lets the route through before any check,
        by a path list it wrote down. Not when the handler writes or calls a service that acts or
        costs (mail, payments, an AI model): a public route that does that for anyone still needs
        a caller it can hold to account."""
        info = self.ctx.middleware.get(entry.app)
        listed = info.lets_through(entry.route) if info is not None and entry.route else None
        if listed is None or self._acts_beyond_reading(scope, ops):
            return None
        return Evidence(
            file=listed.file,
            line=listed.line,
            detail=f"public by design: the middleware lets {entry.route} through with no check "
            f"(it is on `{listed.name}`)",
        )

    def _shared_response(self, entry: Entry, scope: EntryScope, ops: list[DbOp]) -> Evidence | None:
        """Public by design: the entry point only reads, calls nothing that acts, and declares its
        response shareable by any cache (`Cache-Control: public, s-maxage=300`), in its handler or
        the wrappers around it. What it reads by a client's key is still authorization's question."""
        if any(op.kind != "read" for op in ops):
            return None
        roots = [
            key
            for file, call in entry.chain
            if call in entry.wrappers
            for target in self._functions_of_args(file, call)
            for key, _bound in self._delegated_wrappers(target)
        ]
        declared = SharedCache(self.ctx.program, self.ctx.summaries.target).declared(
            scope.facts.path, scope.has, roots
        )
        if declared is None or self._acts_beyond_reading(scope, ops):
            return None
        return declared

    def _acts_beyond_reading(self, scope: EntryScope, ops: list[DbOp]) -> bool:
        """Whether the entry point writes, or calls (itself or through its helpers) a service that
        acts on what it is sent: mail, payments, storage, an AI model."""
        if any(op.kind != "read" for op in ops):
            return True
        acting = self._sensitive_call(
            scope.facts.path,
            scope.has,
            0,
            set(),
            skip=_op_calls(self, ops),
            reads_only=_AnyReads(self),
        )
        return acting is not None

    def _session_lookup(self, entry: Entry, scope: EntryScope, ops: list[DbOp]) -> Evidence | None:
        """The entry point is the session lookup itself (a session helper exported from a 'use
        server' module): it finds the caller from the request's own credentials and returns them,
        or nothing, and touches no other table."""
        found = scope.summary.returns_identity
        if (
            found is None
            or entry.kind != EntryKind.SERVER_ACTION
            or not ops
            or not all(self._finds_the_caller(op) for op in ops)
        ):
            return None
        return Evidence(
            file=found.file,
            line=found.line,
            detail="it finds the caller from the request's own credentials and returns them "
            f"({found.detail}), or nothing: no one else's data",
        )

    def _finds_the_caller(self, op: DbOp) -> bool:
        """A read of the tables that say who the caller is: the user model, sessions, accounts,
        tokens and keys (`prisma.session.findUnique({ where: { id: cookieValue } })`), or the
        deletion of an expired session on the way."""
        model = op.model or op.table or ""
        if is_identity_table(model):
            return op.kind in ("read", "delete")
        return op.kind == "read" and model in self.k.ownership.user_models

    def _plain_value(self, file: str, made: Call) -> bool:
        """A module value built by the language from values written in the code: `new Set([...])`,
        `Object.values(Tags)`, or a method of a list written in the module
        (`PAGE_TYPES.filter(...)`)."""
        callee = made.callee.removeprefix("new ")
        root = callee.split(".", 1)[0]
        if callee in _BUILT_INS or (root != callee and root in _LANGUAGE_ROOTS):
            return True
        if root == callee:
            return False
        symbol = self.ctx.program.lookup(file, root)
        value = symbol.value if symbol is not None and symbol.package is None else None
        return value is not None and (value.kind in _LITERALS or value.text.startswith(("[", "{")))

    def _public_reads(self, entry: Entry, scope: EntryScope, ops: list[DbOp]) -> Evidence | None:
        """Public by design: it changes nothing, reads no user's rows (only data no user owns,
        counts, or rows marked public) and calls nothing that acts (mail, payments, storage, an
        auth provider), directly or through its helpers: content, catalogs and statistics."""
        declared = self._declared_public(entry)
        judge = _DeclaredPublicReads(self) if declared else _PublicReads(self)
        if any(judge.touches(op) for op in ops):
            return None
        owners = set(self.k.ownership.owner_fields)
        if any(
            nested_owner_filter(
                self.ctx.program, op, owners, lambda pair: scope.flow.is_client_value(pair.value)
            )
            for op in ops
            if op.file == scope.facts.path
        ):
            return None  # (it returns the related rows of whichever user the client names)
        acting = self._sensitive_call(
            scope.facts.path, scope.has, 0, set(), skip=_op_calls(self, ops), reads_only=judge
        )
        if acting is not None:
            return None
        profiles = [
            op
            for op in ops
            if profile_fields(
                judge.program, op, judge.user_models, self.ctx.owned_relation(op.model or "")
            )
            is not None
        ]
        read = sorted({op.model or op.table or "?" for op in ops if op not in profiles})
        shared = [m for m in read if m in self.ctx.public_to_read]
        what = (
            f"reads only {', '.join(read[:3])}, which no user owns"
            + (
                f" or the app reads unscoped everywhere ({', '.join(shared[:3])}),"
                if shared
                else ","
            )
            if read
            else "reads no data,"
        )
        if profiles:
            shown = sorted({op.model or "?" for op in profiles})
            what = f"reads only profile fields of {', '.join(shown)} (names, pictures)" + (
                f" and {what.removeprefix('reads only ')}" if read else ","
            )
        return Evidence(
            file=entry.file,
            line=entry.line,
            detail=f"public by design: {declared + ', ' if declared else ''}it {what} changes "
            "nothing and calls nothing that acts on a user's behalf (directly or through its "
            "helpers)",
        )

    def declared_reader(
        self, entry: Entry, scope: EntryScope, ops: list[DbOp], own_writes: Sequence[DbOp] = ()
    ) -> Evidence | None:
        """A procedure the app declares public that only reads (or writes only rows it binds to
        the caller, `own_writes`, which a signed-out call has none of) and calls nothing that
        acts: then which rows it may return is for the authorization check to say, and when that
        check finds its reads guarded, the declaration stands (checks.py)."""
        declared = self._declared_public(entry)
        own = {id(op) for op in own_writes}
        if not declared or any(op.kind != "read" and id(op) not in own for op in ops):
            return None
        judge = _DeclaredPublicAnyReads(self, frozenset((op.file, op.call) for op in own_writes))
        acting = self._sensitive_call(
            scope.facts.path, scope.has, 0, set(), skip=_op_calls(self, ops), reads_only=judge
        )
        if acting is not None:
            return None
        changes = "only the caller's own rows" if own_writes else "nothing"
        return Evidence(
            file=entry.file,
            line=entry.line,
            detail=f"public by design: {declared}; it changes {changes} and calls nothing that "
            "acts on a user's behalf, and",
        )

    def _declared_public(self, entry: Entry) -> str:
        """Why an entry point is declared public, or "": wrapped in a function named for signed-out
        callers, or a procedure built on a base without an authentication gate while the app
        builds others on gated ones: the choice is the app's own statement of who may call it."""
        wrapper = next(
            (w for w in entry.wrappers if _PUBLIC_WRAPPER.search(w.callee.rsplit(".", 1)[-1])),
            None,
        )
        if wrapper is not None:
            return f"declared public (wrapped in {wrapper.callee}, named for callers who may be signed out)"
        if entry.kind != EntryKind.TRPC_PROCEDURE or not entry.chain:
            return ""
        if self._chain_gate(entry) is not None or not self._has_gated_procedures():
            return ""
        if any(
            call.name == "meta" and _DECLARED_PROTECTED.search(arg.text)
            for _file, call in entry.chain
            for arg in call.args
        ):
            return ""  # its OpenAPI description says callers must authenticate (`protect: true`)
        base = entry.chain[-1][1].callee.split("(", 1)[0].split(".", 1)[0]
        return f"declared public (built on {base}, which checks no caller, where the app has gated procedures)"

    def _has_gated_procedures(self) -> bool:
        known: bool | None = getattr(self, "_gated_procedures", None)
        if known is None:
            known = any(
                self._chain_gate(other) is not None
                for others in self.ctx.procedures.values()
                for other in others
            )
            self._gated_procedures = known
        return known

    def _secret_filter(self, op: DbOp, flow: Flow) -> Evidence | None:
        """A filter that matches a secret the client presents (`token`, `shareToken`,
        `recipients: { some: { token } }`, `eq(t.inviteToken, input.token)`): only a holder of the
        secret reaches the row, which is the row's access policy (a share link, an invitation, a
        signing link)."""
        facts = self.ctx.program.files[op.file]
        calls = facts.calls
        if op.kind == "read" and by_hashed_secret(facts, op):  # `{ hashedKey: sha256(token) }`
            return Evidence(
                file=op.file,
                line=op.line,
                detail=f"{op.callee}() finds the {op.model or op.table} row only by the digest of "
                "a key the client presents: the key is the caller's credential",
            )
        stack = list(op.where)
        seen = 0
        while stack and seen < 200:
            seen += 1
            expr = stack.pop()
            for pair in expr.pairs:
                if _secret_column(pair.key, op) and (
                    flow.is_client_value(pair.value) or flow.is_input(pair.value)
                ):
                    return self._secret_evidence(op, pair.key, pair.value)
                stack.append(pair.value)
            stack.extend(expr.items)
            if expr.kind == ExprKind.CALL and expr.call is not None:
                call = calls[expr.call]
                args = call.args
                if call.name == "eq" and len(args) == 2:
                    column = args[0].text.rsplit(".", 1)[-1]
                    if _secret_column(column, op) and (
                        flow.is_client_value(args[1]) or flow.is_input(args[1])
                    ):
                        return self._secret_evidence(op, column, args[1])
                stack.extend(args)
        return None

    @staticmethod
    def _secret_evidence(op: DbOp, column: str, value: Expr) -> Evidence:
        return Evidence(
            file=op.file,
            line=value.line or op.line,
            detail=f"{op.callee}() finds the {op.model} row only by the secret `{column}` the "
            f"client presents (`{value.text[:40]}`): holding it is the access",
        )

    def _capability_access(self, op_flows: list[tuple[DbOp, Flow]]) -> Evidence | None:
        """Public by design: what it touches it finds by a secret the client presents (a signing,
        invitation or unsubscribe link's token), and every other query is keyed by what those
        found, not by the client."""
        judge = _PublicReads(self)
        found: Evidence | None = None
        lookups: set[tuple[str, int | None]] = set()  # the functions that find rows by a secret
        keyed: list[tuple[DbOp, Flow]] = []
        for op, flow in op_flows:
            if not judge.touches(op):
                continue
            secret = self._secret_filter(op, flow)
            if secret is not None:
                found = found or secret
                lookups.add((op.file, op.func))
                continue
            if any(flow.is_client_value(w) or flow.is_input(w) for w in op.where):
                keyed.append((op, flow))
        if found is None or any(not self._found_by_lookup(op, flow, lookups) for op, flow in keyed):
            return None
        return Evidence(
            file=found.file,
            line=found.line,
            detail=f"public by design: the caller holds a link's secret; {found.detail}",
        )

    def _found_by_lookup(self, op: DbOp, flow: Flow, lookups: set[tuple[str, int | None]]) -> bool:
        """The query is bound to a value a secret lookup returned (`const resolved = await
        findByToken({ token }); ... where(eq(t.id, resolved.row.id))`), read out of that result a
        few assignments on: it reaches the row the secret found, or rows under it, and none the
        client names on its own."""
        facts = self.ctx.program.files[op.file]
        scope = function_scope(facts, outermost_function(facts, op.func))  # (closures included)
        # each name -> the names it was read from, or None for the result of a secret lookup
        sources: dict[str, set[str] | None] = {}
        for var in facts.vars:
            if var.func not in scope or var.init is None:
                continue
            init = var.init
            made = facts.calls[init.call] if init.call is not None else None
            target = self.ctx.summaries.target(op.file, made) if made is not None else None
            for name in var.names:
                sources[name] = None if target in lookups else set(init.roots)

        def from_lookup(name: str, depth: int) -> bool:
            if name not in sources or depth > 4:
                return False
            origin = sources[name]
            return origin is None or (
                bool(origin) and all(from_lookup(root, depth + 1) for root in origin)
            )

        # (a root read from the lookup's result may be the client's by the flow, or stored data
        # when the lookup is a helper known to return its query's rows)
        return any(
            from_lookup(root, 0)
            for where in op.where
            if flow.is_client_value(where) or flow.is_input(where)
            for part in where.parts()
            for root in part.roots
        )

    def _worth_guarding(self, op: DbOp) -> bool:
        """Whether an operation needs the caller checked before it runs: anything but a read of a
        model the app reads unscoped everywhere (read_policy.py), which any caller may see, and
        the lookup of a presented credential (an API key, a token), which is the check itself."""
        if op.kind == "read" and is_identity_table(op.model or op.table or ""):
            return False
        return not (
            op.kind == "read"
            and op.model in self.ctx.public_to_read
            and not _PublicReads(self).touches(op)
        )

    def _public_content(self, ops: list[DbOp]) -> Evidence | None:
        """Reads only, each filtered to rows marked public (`isPublic: true`, `eq(t.published,
        true)`): public content, which needs no signed-in caller."""
        if not ops or any(op.kind != "read" for op in ops):
            return None
        flags = self.k.public_routes
        found: list[tuple[DbOp, str]] = []
        for op in ops:
            flag = next((f for w in op.where if (f := public_flag(w, flags))), None)
            if flag is None:
                return None
            found.append((op, flag))
        op, flag = found[0]
        return Evidence(
            file=op.file,
            line=op.line,
            detail=f"public content: every read is limited to rows marked public ({flag})",
        )

    def _sensitive_call(
        self,
        file: str,
        runs: Callable[[int | None, int], bool],
        depth: int,
        seen: set[tuple[str, int | None]],
        *,
        database: bool = True,
        skip: frozenset[tuple[str, int]] = frozenset(),
        reads_only: _PublicReads | None = None,
    ) -> Evidence | None:
        """The first call that may do something worth protecting: one into a package outside the
        inert list, an outbound `fetch`, a database operation in a helper, or code that cannot be
        followed. Calls on local values and built-ins are not; repository helpers are followed.
        With `reads_only`, only what it counts is: database operations on users' data and calls
        into packages that act (mail, payments, storage, auth providers)."""
        if reads_only is not None:
            skip = skip | _op_calls(self, self.ctx.classifier.db_ops(file))
        search = _Search(
            depth=depth,
            seen=seen,
            database=database,
            skip=skip,
            reads_only=reads_only,
            inert=tuple(self.k.sensitive_operations.inert_packages),
        )
        for call in self.ctx.program.files[file].calls:
            if (
                not runs(call.func, call.line)
                or call.callee.startswith(RESPONSE_BUILDERS)
                or (file, call.index) in skip
            ):
                continue
            if self._is_sensitive(search, file, call):
                return Evidence(file=file, line=call.line, detail=f"calls {call.callee}()")
        return None

    def _is_sensitive(self, search: _Search, file: str, call: Call) -> bool:
        """Whether one call may do something worth protecting (see `_sensitive_call`)."""
        reads_only = search.reads_only
        callee = call.callee.removeprefix("await ").removeprefix("new ")
        if callee.split("(", 1)[0] == "fetch":
            return reads_only is None  # (with reads_only, where it may go is validation's question)
        _canonical, package = self.ctx.classifier.canonical(file, call)
        if package is not None:
            return not _inert_package(package, search.inert) and (
                reads_only is None or reads_only.acts(package)
            )
        target = self.ctx.summaries.target(file, call)
        if target is not None:
            return self._sensitive_helper(search, target)
        return self._sensitive_module_object(search, file, callee)

    def _sensitive_helper(self, search: _Search, target: tuple[str, int | None]) -> bool:
        """A repository helper not seen yet is sensitive when it runs a database operation (that
        counts) or makes a sensitive call, or when it is too deep to follow."""
        reads_only = search.reads_only
        if target in search.seen:
            return False
        if search.depth >= (8 if reads_only is not None else 3):
            return True
        search.seen.add(target)
        scope = function_scope(self.ctx.program.files[target[0]], target[1])
        if search.database and any(
            op.func in scope and (reads_only is None or reads_only.touches(op))
            for op in self.ctx.classifier.db_ops(target[0])
        ):
            return True
        inner = self._sensitive_call(
            target[0],
            within(scope),
            search.depth + 1,
            search.seen,
            database=search.database,
            skip=search.skip,
            reads_only=reads_only,
        )
        return inner is not None

    def _sensitive_module_object(self, search: _Search, file: str, callee: str) -> bool:
        """A method of a module-level object of the repository: a client (`stripe.x()`) unless it
        was built by an inert package (`zSettings.parse()`, a zod schema) or is a plain value; one
        built by a function of the repository is what that function's code does."""
        program = self.ctx.program
        root = callee.split(".", 1)[0].split("(", 1)[0]
        symbol = program.lookup(file, root)
        if symbol is not None and symbol.func is not None and "(" in callee:
            return False  # `getPosts().sort()`: the function's own call is judged on its own
        if symbol is None or symbol.package is not None or root == callee:
            return False
        if symbol.value is not None and (
            symbol.value.kind in _LITERALS
            or _REGEX_LITERAL.match(symbol.value.text)
            or symbol.value.text.startswith(("[", "{"))  # `[...] as const`
        ):
            return False  # a list, a table or a pattern written in the code
        made = program.value_call(symbol)
        if made is not None and self._plain_value(symbol.file, made):
            return False  # `new Set([...])`, `TYPES.filter(...)`: values of the language
        origin = self.ctx.classifier.canonical(symbol.file, made)[1] if made else None
        if origin is not None and _inert_package(origin, search.inert):
            return False
        factory = self.ctx.summaries.target(symbol.file, made) if made and not origin else None
        if factory is not None:
            # built by a function of the repository: its methods are that function's code
            return self._sensitive_helper(search, factory)
        reads_only = search.reads_only
        if reads_only is None:
            return True
        return reads_only.unknown_acts if origin is None else reads_only.acts(origin)

    def _chain_summaries(self, entry: Entry) -> list[tuple[str, Call, Summary]]:
        """Summaries of the middleware a builder chain or wrapper runs (`.use(fn)`, `withAuth(...)`)."""
        summaries = self.ctx.summaries
        found: list[tuple[str, Call, Summary]] = []
        for file, call in entry.chain:
            if (
                call.name not in ("use", "middleware", "unstable_pipe", "pipe")
                and call not in entry.wrappers
            ):
                continue
            for key in self._functions_of_args(file, call):
                delegated = self._delegated_wrappers(key) if call in entry.wrappers else []
                for bound_key, bound in delegated or [(key, {})]:
                    facts = self.ctx.program.files[bound_key[0]]
                    for func in sorted(
                        function_scope(facts, bound_key[1]), key=lambda f: -1 if f is None else f
                    ):
                        seeds = context_seeds(facts, func)
                        flow = summaries.flow(bound_key[0], func, seeds)
                        summary = summaries.compute_with(
                            bound_key[0], func, seeds, flow, bound=bound
                        )
                        found.append((file, call, summary))
        return found

    def _delegated_wrappers(
        self, key: tuple[str, int | None]
    ) -> list[tuple[tuple[str, int | None], dict[str, str]]]:
        """A wrapper and the wrappers it returns with its handler handed on, each with the values
        its call site gives their parameters: `WebhookEndpoint(handler)` returning
        `TokenSecuredEndpoint(env.WEBHOOK_TOKEN, handler)` runs the latter's check with `token`
        bound to the secret."""
        found: list[tuple[tuple[str, int | None], dict[str, str]]] = [(key, {})]
        program = self.ctx.program
        for depth in range(3):
            if depth >= len(found):
                break
            (file, func), bound = found[depth]
            if func is None:
                continue
            facts = program.files[file]
            params = {p.name for p in facts.functions[func].params}
            returned = {
                r.value.call for r in facts.returns if r.func == func and r.value is not None
            }
            for call in facts.calls:
                if call.index not in returned or not any(a.text in params for a in call.args):
                    continue
                target = self.ctx.summaries.target(file, call)
                if target is None or target[1] is None or target == (file, func):
                    continue
                names = [p.name for p in program.files[target[0]].functions[target[1]].params]
                passed = {
                    name: bound.get(arg.text, arg.text)
                    for name, arg in zip(names, call.args, strict=False)
                    if arg.text not in params or arg.text in bound
                }
                found.append((target, passed))
        return found

    def _caller_from_context(self, file: str) -> Callable[[Expr], bool]:
        """Whether a value is a helper's result built from the caller in the context it is
        handed (`actorFromContext(opts.ctx)`)."""
        facts = self.ctx.program.files[file]

        def built(value: Expr) -> bool:
            if value.kind != ExprKind.CALL or value.call is None:
                return False
            call = facts.calls[value.call]
            if not any(a.text.split(".")[-1] == "ctx" for a in call.args):
                return False
            target = self.ctx.summaries.target(file, call)
            return target is not None and self.ctx.summaries.returns_caller_from_context(*target)

        return built

    def _context_from_middleware(self, entry: Entry) -> tuple[str, ...]:
        """Context fields a gated middleware of the chain derives from the caller and hands on
        (`next({ ctx: { ...ctx, user, workspace } })` after it resolved the user's workspace): the
        procedures built on it find the caller's scope there (`ctx.workspace`)."""
        learned: list[str] = []
        hono_vars: list[str] = []
        gated = False  # a middleware so far stopped requests without a caller
        for file, call in entry.chain:
            if call.name not in ("use", "middleware") and call not in entry.wrappers:
                continue
            for mfile, mfunc in self._functions_of_args(file, call):
                facts = self.ctx.program.files[mfile]
                for func in function_scope(facts, mfunc):
                    seeds = context_seeds(facts, func)
                    flow = self.ctx.summaries.flow(mfile, func, seeds)
                    summary = self.ctx.summaries.compute_with(mfile, func, seeds, flow)
                    # gated by the caller, or by a lookup bound to the caller (the team the
                    # signed-in user belongs to, which it stops without), here or before
                    gated = gated or bool(summary.auth_gate or summary.membership_gate)
                    if not gated:
                        continue
                    # `next(...)` may be called from a callback (`withLogger(..., () => next())`)
                    inside = function_scope(facts, func)
                    learned += handed_on(facts, inside, flow, self._caller_from_context(mfile))
                    hono_vars += hono_variables(facts, func, flow)
        if not (learned or hono_vars) or entry.handler is None:
            return ()
        file, func = entry.handler
        whole = context_identity(self.ctx.program.files[file], func)
        prefixes = {p.split(".", 1)[0] for p in whole if not p.startswith("ctx.")}
        params = self.ctx.program.files[file].functions[func].params if func is not None else ()
        hono = [f"{params[0].name}.var.{name}" for name in hono_vars if params]
        return tuple(
            dict.fromkeys(learned + [f"{w}.{p}" for w in prefixes for p in learned] + hono)
        )

    def _chain_gate(self, entry: Entry) -> tuple[Evidence, str | None, list[Evidence]] | None:
        """The gate of the procedure middleware or wrapper that runs first, with where its helpers
        check and the gates of its other paths."""
        for file, call, summary in self._chain_summaries(entry):
            if summary.auth_gate is not None:
                gate = summary.auth_gate
                return (
                    Evidence(
                        file=gate.file,
                        line=gate.line,
                        detail=f"{gate.detail}, in the middleware of {call.callee}() "
                        f"({file}:{call.line})",
                    ),
                    summary.auth_kind,
                    [*summary.auth_via, *summary.auth_also],
                )
        return None

    def _functions_of_args(self, file: str, call: Call) -> list[tuple[str, int | None]]:
        found: list[tuple[str, int | None]] = []
        target = self.ctx.summaries.target(file, call)
        if target is not None:
            found.append(target)
        for arg in call.args:
            if arg.func is not None:
                found.append((file, arg.func))
            elif arg.kind.value == "identifier":
                symbol = self.ctx.program.lookup(file, arg.text)
                if symbol is None or symbol.package is not None:
                    continue
                key = self.ctx.summaries.function_of_symbol(
                    symbol.file, symbol.func, symbol.value.call if symbol.value else None
                )
                if key is not None:
                    found.append(key)
        return found

    def _middleware_gate(self, entry: Entry) -> Evidence | None:
        info = self.ctx.middleware.get(entry.app)
        if info is None or entry.kind == EntryKind.TRPC_PROCEDURE:
            return None
        if entry.kind == EntryKind.SERVER_ACTION:
            return self._action_coverage(entry, info)
        if entry.route is None:
            return None
        enforced = info.enforces(entry.route)
        if enforced is None:
            return None
        return Evidence(
            file=enforced.file,  # the check itself (an Auth.js callback may live in auth.config)
            line=enforced.line,
            detail=f"covered by {info.file} ({enforced.detail})",
        )

    def _action_coverage(self, entry: Entry, info: MiddlewareInfo) -> Evidence | None:
        """A Server Action can be posted to from any page whose bundle references it: middleware
        covers it only when it enforces sign-in on every page that imports its module."""
        app = next((a for a in self.ctx.apps if a.path == entry.app), None)
        if app is None or app.app_dir is None:
            return None
        pages = self.ctx.importers.pages_importing(entry.file)
        if not pages:
            return None
        routes = [route_of(app.app_dir, page) for page in pages]
        enforced = [info.enforces(route) for route in routes if route is not None]
        if len(enforced) != len(pages) or any(e is None for e in enforced):
            return None
        gate = enforced[0]
        assert gate is not None
        return Evidence(
            file=gate.file,
            line=gate.line,
            detail=f"every page that imports it ({len(pages)}, e.g. {routes[0]}) is covered by "
            f"{info.file} ({gate.detail})",
        )

    # -- authorization -------------------------------------------------------------------------------
