"""File-level code rules: secrets, client/server boundaries, raw SQL, error leaks, strict mode, model types."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from archtools.facts.code import ExprKind, FileFacts, Import
from archtools.facts.schema import Schema
from archtools.rules.base import Hit

# Known credential formats; each is specific enough to report without an entropy test.
SECRET_PATTERNS = {
    "Stripe secret key": re.compile(r"^(sk|rk)_live_[0-9A-Za-z]{16,}$"),
    "Stripe test secret key": re.compile(r"^(sk|rk)_test_[0-9A-Za-z]{16,}$"),
    "AWS access key id": re.compile(r"^(AKIA|ASIA)[0-9A-Z]{16}$"),
    "GitHub token": re.compile(r"^(ghp|gho|ghu|ghs|ghr|github_pat)_[0-9A-Za-z_]{20,}$"),
    "Slack token": re.compile(r"^xox[abposr]-[0-9A-Za-z-]{10,}$"),
    "OpenAI key": re.compile(r"^sk-(proj-)?[0-9A-Za-z_-]{20,}$"),
    "Anthropic key": re.compile(r"^sk-ant-[0-9A-Za-z_-]{20,}$"),
    "Google API key": re.compile(r"^AIza[0-9A-Za-z_-]{35}$"),
    "SendGrid key": re.compile(r"^SG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}$"),
    "Resend key": re.compile(r"^re_[0-9A-Za-z_]{20,}$"),
    "private key": re.compile(r"^-----BEGIN ([A-Z]+ )?PRIVATE KEY-----"),
    "database URL with password": re.compile(
        r"^(postgres(ql)?|mysql|mongodb(\+srv)?)://[^:/\s]+:[^@\s]{3,}@"
    ),
}
SECRET_NAME = re.compile(
    r"(secret|password|passwd|token|api_?key|private_?key|credential|auth_?key)", re.I
)
PUBLIC_PREFIXES = ("NEXT_PUBLIC_", "VITE_", "EXPO_PUBLIC_")
SAFE_PUBLIC_SUFFIXES = (
    "PUBLISHABLE_KEY",
    "PUBLIC_KEY",
    "SITE_KEY",
    "ANON_KEY",
    "CLIENT_ID",
    "_URL",
    "_DSN",
    # on/off switches named after what they switch (`NEXT_PUBLIC_CREDENTIALS_ENABLED`)
    "_ENABLED",
    "_DISABLED",
    # keys their vendors issue for browsers, restricted by referrer or domain, not secrets
    "GOOGLE_MAPS_API_KEY",
    "MAPS_API_KEY",
    "FIREBASE_API_KEY",
    "KNOCK_API_KEY",
    "ALGOLIA_SEARCH_API_KEY",
    "SEARCH_ONLY_API_KEY",
    "MAPBOX_ACCESS_TOKEN",
    "POSTHOG_KEY",
    "POSTHOG_API_KEY",
)
# Database URLs whose host is this machine or a local container: development placeholders.
LOCAL_DATABASE = re.compile(
    r"@(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|host\.docker\.internal)[:/]"
)
TEST_FILE = re.compile(r"(\.(test|spec)\.[cm]?[jt]sx?$|(^|/)(__tests__|__mocks__|tests?|e2e)/)")
UNSAFE_RAW = ("$queryRawUnsafe", "$executeRawUnsafe")
RAW_HELPERS = ("Prisma.raw", "sql.raw")
LEAKY_PATHS = re.compile(r"\b(err|error|e|ex|exception)\.(message|stack)\b|String\((err|error|e)\)")
SERVER_ONLY_PACKAGES = (
    "@prisma/client",
    "drizzle-orm",
    "pg",
    "postgres",
    "mysql2",
    "server-only",
    "bcrypt",
    "bcryptjs",
    "argon2",
    "node:fs",
    "fs",
    "stripe",
)


Resolver = Callable[[str, str], str | None]


@dataclass(frozen=True)
class EnvFile:
    path: str
    entries: list[tuple[str, str, int]]  # (name, value, line)


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for char in value:
        counts[char] = counts.get(char, 0) + 1
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())


def secret_kind(value: str, context: str) -> str | None:
    for label, pattern in SECRET_PATTERNS.items():
        if pattern.search(value):
            return label
    if (
        SECRET_NAME.search(context)
        and len(value) >= 20
        and shannon_entropy(value) >= 4.0
        and re.fullmatch(r"[A-Za-z0-9+/=_\-.]+", value)
        and not value.startswith(("http", "/", "process."))
    ):
        return f"high-entropy value assigned to {context}"
    return None


def hardcoded_secrets(path: str, facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    """Credentials written in the code; test fixtures and local development databases are not."""
    if TEST_FILE.search(path):
        return
    for literal in facts.secrets:
        kind = secret_kind(literal.value, literal.context)
        if kind == "database URL with password" and LOCAL_DATABASE.search(literal.value):
            continue
        if kind is not None and "example" not in literal.value.lower():
            yield Hit(
                rule="SEC003",
                file=path,
                line=literal.line,
                message=f"hard-coded credential ({kind}); load it from a server-only environment variable",
                key=f"secret:{literal.value[:8]}",
            )


def _public_secret(name: str) -> bool:
    if not name.startswith(PUBLIC_PREFIXES):
        return False
    if name.endswith(SAFE_PUBLIC_SUFFIXES):
        return False
    return bool(SECRET_NAME.search(name))


def public_env_files(ctx: CodeContext) -> Iterator[Hit]:
    env_files = ctx.env_files
    for env in env_files:
        for name, _value, line in env.entries:
            if _public_secret(name):
                yield Hit(
                    rule="SEC001",
                    file=env.path,
                    line=line,
                    message=f"{name} is a secret shipped to the browser: NEXT_PUBLIC_ variables are inlined into client bundles",
                    key=f"public-env:{name}",
                )


def next_config_env(path: str, facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    if not re.search(r"(^|/)next\.config\.(js|mjs|ts|cjs)$", path):
        return
    for call_or_var in facts.vars:
        init = call_or_var.init
        if init is None or init.kind != ExprKind.OBJECT:
            continue
        for pair in init.pairs:
            if pair.key != "env":
                continue
            for inner in pair.value.pairs:
                if SECRET_NAME.search(inner.key) and not inner.key.endswith(SAFE_PUBLIC_SUFFIXES):
                    yield Hit(
                        rule="SEC001",
                        file=path,
                        line=inner.value.line,
                        message=f"next.config `env.{inner.key}` is inlined into client bundles",
                        key=f"next-config-env:{inner.key}",
                    )


def public_env_reads(path: str, facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    for read in facts.env_reads:
        if _public_secret(read.name):
            yield Hit(
                rule="SEC001",
                file=path,
                line=read.line,
                message=f"{read.name} names a secret but NEXT_PUBLIC_ ships it to the browser",
                key=f"public-env-read:{read.name}",
            )


def client_boundaries(ctx: CodeContext) -> Iterator[Hit]:
    """Every client file's boundary, once every server-only module is known."""
    for path in ctx.client_files:
        yield from client_boundary(path, ctx.files[path], ctx.resolver, ctx.server_modules)


def client_boundary(
    path: str, facts: FileFacts, resolver: Resolver, server_modules: set[str]
) -> Iterator[Hit]:
    """A `'use client'` file that imports server-only modules or reads server environment variables."""
    if "use client" not in facts.directives:
        return
    for imp in facts.imports:
        if imp.type_only:
            continue
        target = resolver(path, imp.source)
        if (target is not None and target in server_modules) or (
            target is None
            and imp.source.startswith(SERVER_ONLY_PACKAGES)
            and not _browser_safe_orm_import(imp)
        ):
            yield Hit(
                rule="SEC002",
                file=path,
                line=imp.line,
                message=f"client component imports server-only module {imp.source}",
                key=f"client-import:{imp.source}",
            )
    for read in facts.env_reads:
        if not read.name.startswith(PUBLIC_PREFIXES) and read.name != "NODE_ENV":
            yield Hit(
                rule="SEC002",
                file=path,
                line=read.line,
                message=f"client component reads server environment variable {read.name}",
                key=f"client-env:{read.name}",
            )


def _browser_safe_orm_import(imp: Import) -> bool:
    """ORM imports that ship no database code: drizzle-orm's root (operators and type helpers; its
    drivers live in `drizzle-orm/<driver>`), and Prisma's generated enums and types (the browser build
    of `@prisma/client` has them; only `PrismaClient` opens a connection)."""
    if imp.source == "drizzle-orm":
        return True
    if imp.source == "@prisma/client":
        names = [bound.imported for bound in imp.names]
        return bool(names) and all(name not in ("PrismaClient", "default", "*") for name in names)
    return False


def is_server_only(facts: FileFacts) -> bool:
    """A module that must never reach the browser: a database client, or marked 'server-only'."""
    if "server-only" in facts.directives:
        return True
    if "use server" in facts.directives:
        # importing Server Actions into a client component ships only references to them
        return False
    return any(
        call.callee in ("new PrismaClient", "drizzle", "postgres", "new Pool") and call.func is None
        for call in facts.calls
    )


def raw_sql(path: str, facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    for call in facts.calls:
        name = call.callee.rsplit(".", 1)[-1]
        if name in UNSAFE_RAW and call.args:
            arg = call.args[0]
            dynamic = (
                (arg.kind == ExprKind.TEMPLATE and arg.interpolated)
                or (arg.kind not in (ExprKind.STRING, ExprKind.TEMPLATE) and "+" in arg.text)
                or arg.kind in (ExprKind.IDENTIFIER, ExprKind.CALL, ExprKind.MEMBER)
            )
            if dynamic:
                yield Hit(
                    rule="INJ001",
                    file=path,
                    line=call.line,
                    message=f"{name}() runs SQL built from values; use the tagged $queryRaw`...` form",
                    key=f"raw-sql:{name}:{arg.text[:40]}",
                )
        elif (
            any(call.callee == h or call.callee.endswith("." + h) for h in RAW_HELPERS)
            and call.args
        ):
            arg = call.args[0]
            if arg.kind not in (ExprKind.STRING,) and not (
                arg.kind == ExprKind.TEMPLATE and not arg.interpolated
            ):
                yield Hit(
                    rule="INJ001",
                    file=path,
                    line=call.line,
                    message=f"{call.callee}() inserts {_describe_sql_arg(arg.kind, arg.text)} into SQL unescaped",
                    key=f"raw-helper:{call.callee}:{arg.text[:40]}",
                )


def _describe_sql_arg(kind: ExprKind, text: str) -> str:
    if kind == ExprKind.TEMPLATE:
        return "a template string with interpolated values"
    return f"`{text[:40]}`"


def error_leaks(path: str, facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    if "use client" in facts.directives:
        return
    for call in facts.calls:
        if not call.in_catch:
            continue
        if (
            call.name not in ("json", "Response", "NextResponse", "send", "error")
            and not call.returned
        ):
            continue
        if call.callee.startswith("console."):
            continue
        for arg in call.args:
            if LEAKY_PATHS.search(arg.text):
                yield Hit(
                    rule="EXP002",
                    file=path,
                    line=call.line,
                    message="the error response carries the raw error message or stack to the client",
                    key=f"error-leak:{call.callee}",
                )
                break


def supabase_session(path: str, facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    if "use client" in facts.directives:
        return
    for call in facts.calls:
        if call.callee.endswith("auth.getSession"):
            yield Hit(
                rule="ATH003",
                file=path,
                line=call.line,
                message="supabase.auth.getSession() trusts the cookie without verifying it; use auth.getUser() on the server",
                key="supabase-get-session",
            )


@dataclass(frozen=True)
class ModelNames:
    """The schema's models with their field names, and each under a singular lower-case name."""

    fields: dict[str, set[str]]
    singular: dict[str, str]

    @classmethod
    def of(cls, schema: Schema) -> ModelNames:
        fields = {m.name: {f.name for f in m.fields} for m in schema.models if m.kind == "model"}
        return cls(fields=fields, singular={name.rstrip("s").lower(): name for name in fields})


def model_types(path: str, facts: FileFacts, ctx: CodeContext) -> Iterator[Hit]:
    models, singular = ctx.names.fields, ctx.names.singular
    for decl in facts.types:
        model = (models.get(decl.name) and decl.name) or singular.get(decl.name.lower())
        if model is None or len(decl.fields) < 2:
            continue
        overlap = len(set(decl.fields) & models[model]) / max(len(decl.fields), 1)
        if overlap >= 0.6:
            yield Hit(
                rule="TYP003",
                file=path,
                line=decl.line,
                message=f"type {decl.name} repeats the {model} model by hand; derive it from the schema",
                key=f"model-type:{decl.name}",
                model=model,
            )


def check_strict_mode(ctx: CodeContext) -> Iterator[Hit]:
    for path, strict, line in ctx.tsconfigs:
        if strict is False or strict is None:
            yield Hit(
                rule="TYP002",
                file=path,
                line=line,
                message="TypeScript strict mode is off: null checks and implicit any go unreported",
                key=f"strict:{path}",
            )


@dataclass
class CodeContext:
    """What the code rules read besides one file's facts: the project's env files and tsconfigs, the
    import resolver, the schema's model names; and, gathered while the files are visited, the
    server-only modules and the client files (the project checks run once all are known)."""

    resolver: Resolver
    names: ModelNames
    env_files: list[EnvFile] = field(default_factory=list)
    tsconfigs: list[tuple[str, bool | None, int]] = field(default_factory=list)
    files: Mapping[str, FileFacts] = field(default_factory=dict)
    server_modules: set[str] = field(default_factory=set)
    client_files: list[str] = field(default_factory=list)


FileCheck = Callable[[str, FileFacts, CodeContext], Iterable[Hit]]
ProjectCheck = Callable[[CodeContext], Iterable[Hit]]


@dataclass(frozen=True)
class CodeRule:
    """A rule decided from the files' facts: checks run on each file, checks run once on the
    project, or both. Its metadata and docs are its entry in archtools/knowledge/rules/code.yaml."""

    id: str
    per_file: tuple[FileCheck, ...] = ()
    per_project: tuple[ProjectCheck, ...] = ()


# The only list of code rules the engine runs (archtools/rules/file_pass.py). A new one is a check
# above (or in a module of its own) and one line here.
CODE_RULES: tuple[CodeRule, ...] = (
    CodeRule("SEC003", per_file=(hardcoded_secrets,)),
    CodeRule(
        "SEC001", per_file=(next_config_env, public_env_reads), per_project=(public_env_files,)
    ),
    CodeRule("SEC002", per_project=(client_boundaries,)),
    CodeRule("INJ001", per_file=(raw_sql,)),
    CodeRule("EXP002", per_file=(error_leaks,)),
    CodeRule("ATH003", per_file=(supabase_session,)),
    CodeRule("TYP003", per_file=(model_types,)),
    CodeRule("TYP002", per_project=(check_strict_mode,)),
)
