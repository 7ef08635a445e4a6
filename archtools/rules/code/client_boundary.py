"""SEC002: client components importing server-only code."""

from __future__ import annotations

from collections.abc import Iterator

from archtools.facts.code import FileFacts, Import
from archtools.rules.base import Hit
from archtools.rules.code.base import CodeContext, CodeRule, Resolver
from archtools.rules.code.public_env import PUBLIC_PREFIXES

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


RULE = CodeRule("SEC002", per_project=(client_boundaries,))
