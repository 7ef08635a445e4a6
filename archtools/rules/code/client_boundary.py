"""SEC002: client components importing server-only code.

What reaches the browser is what the bundler keeps of a `'use client'` module's imports, so an
import that ships nothing is not reported: a `type` import, an import of a repository server module
that names only the object types and interfaces it declares (TypeScript erases them, and the module
with them), and an import from Prisma's package of anything but `PrismaClient` (its enums, types and
value classes such as `Decimal` open no connection and hold no secret). A server environment variable
read on a path only the server render takes (after `if (typeof window !== "undefined") return`) is
not in the browser's copy of the code; it is still reported when its name says it is a secret, since
the server render may put it in the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from archtools.facts.code import EnvRead, ExportKind, FileFacts, Guard, Import
from archtools.rules.base import Hit
from archtools.rules.code.base import CodeContext, CodeRule, Resolver
from archtools.rules.code.public_env import PUBLIC_PREFIXES
from archtools.rules.code.secret_vocabulary import secret_vocabulary
from archtools.rules.code.secrets import SECRET_NAME

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

# `typeof window` (or `document`) compared with "undefined": which side of the comparison the
# browser is on is read from the operator.
BROWSER_TEST = re.compile(
    r"^\(?\s*(typeof\s+(window|document)\s*(?P<op>[!=]==?)\s*[\"']undefined[\"']"
    r"|[\"']undefined[\"']\s*(?P<op2>[!=]==?)\s*typeof\s+(window|document))\s*\)?$"
)


def client_boundaries(ctx: CodeContext) -> Iterator[Hit]:
    """Every client file's boundary, once every server-only module is known."""
    for path in ctx.client_files:
        yield from client_boundary(
            path, ctx.files[path], ctx.resolver, ctx.server_modules, ctx.files
        )


def client_boundary(
    path: str,
    facts: FileFacts,
    resolver: Resolver,
    server_modules: set[str],
    files: Mapping[str, FileFacts] | None = None,
) -> Iterator[Hit]:
    """A `'use client'` file that imports server-only modules or reads server environment variables."""
    if "use client" not in facts.directives:
        return
    for imp in facts.imports:
        if imp.type_only:
            continue
        target = resolver(path, imp.source)
        if (
            target is not None
            and target in server_modules
            and not _erased_import(imp, (files or {}).get(target))
        ) or (
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
        if read.name.startswith(PUBLIC_PREFIXES) or read.name == "NODE_ENV":
            continue
        if _server_render_only(read, facts.guards) and not _server_secret(read.name):
            continue
        yield Hit(
            rule="SEC002",
            file=path,
            line=read.line,
            message=f"client component reads server environment variable {read.name}",
            key=f"client-env:{read.name}",
        )


def _server_secret(name: str) -> bool:
    """A server variable whose name says it holds a secret, or a connection string with its
    credentials (`DATABASE_URL`)."""
    words = set(name.upper().split("_"))
    return bool(SECRET_NAME.search(name)) or bool(words & secret_vocabulary().connection_words)


def _erased_import(imp: Import, target: FileFacts | None) -> bool:
    """An import whose every name is an interface or object type the target module declares and
    exports: TypeScript erases it, so the module does not reach the bundle. (Enums are values, and
    type aliases of other shapes cannot be told from them in the facts: those still count.)"""
    if target is None or not imp.names:
        return False
    declared = {decl.name for decl in target.types}
    exported_types = {
        export.name
        for export in target.exports
        if export.kind == ExportKind.TYPE and (export.local or export.name) in declared
    }
    return all(name.imported in exported_types for name in imp.names)


def _server_render_only(read: EnvRead, guards: tuple[Guard, ...]) -> bool:
    """A read the browser never reaches: inside `if (typeof window === "undefined") { ... return }`,
    or after `if (typeof window !== "undefined") return ...` in the same function."""
    for guard in guards:
        if guard.func != read.func or guard.caught or guard.negated:
            continue
        match = BROWSER_TEST.match(guard.condition.text)
        if match is None:
            continue
        true_in_browser = (match.group("op") or match.group("op2")).startswith("!")
        if true_in_browser and guard.exit_line < read.line:
            return True
        if not true_in_browser and guard.line <= read.line <= guard.exit_line:
            return True
    return False


def _browser_safe_orm_import(imp: Import) -> bool:
    """ORM imports that ship no database code: drizzle-orm's root (operators and type helpers; its
    drivers live in `drizzle-orm/<driver>`), and Prisma's enums, types and value classes, from
    `@prisma/client` or its runtime modules (`@prisma/client/runtime/library` for `JsonValue`,
    `.../runtime/client` for `Decimal`): only `PrismaClient` opens a connection."""
    if imp.source == "drizzle-orm":
        return True
    if imp.source == "@prisma/client" or imp.source.startswith("@prisma/client/"):
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


RULE = CodeRule("SEC002", per_file=(), per_project=(client_boundaries,))
