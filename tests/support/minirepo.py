"""Throwaway Next.js repositories for tests: a package.json, tsconfig, schema and the files given."""

from __future__ import annotations

import json
from pathlib import Path

from archtools.pipeline import AuditOptions, audit
from archtools.results import Audit, EntryPoint

PRISMA_SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id           String       @id @default(cuid())
  email        String       @unique
  passwordHash String
  role         Role         @default(USER)
  notes        Note[]
  memberships  Membership[]
  createdAt    DateTime     @default(now())
  updatedAt    DateTime     @updatedAt
}

model Team {
  id          String       @id @default(cuid())
  name        String
  memberships Membership[]
  createdAt   DateTime     @default(now())
  updatedAt   DateTime     @updatedAt
}

model Membership {
  id        String   @id @default(cuid())
  userId    String
  teamId    String
  role      Role     @default(USER)
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)
  team      Team     @relation(fields: [teamId], references: [id], onDelete: Cascade)
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt

  @@unique([userId, teamId])
  @@index([teamId])
}

model Note {
  id        String    @id @default(cuid())
  title     String
  body      String
  authorId  String
  author    User      @relation(fields: [authorId], references: [id], onDelete: Cascade)
  version   Int       @default(0)
  deletedAt DateTime?
  createdAt DateTime  @default(now())
  updatedAt DateTime  @updatedAt

  @@index([authorId])
}

model AuditLog {
  id        String   @id @default(cuid())
  actorId   String
  action    String
  target    String
  createdAt DateTime @default(now())
}

enum Role {
  USER
  ADMIN
}
"""

AUTH_TS = """import NextAuth from "next-auth";
export const { handlers, auth, signIn, signOut } = NextAuth({ providers: [] });
"""

DB_TS = """import { PrismaClient } from "@prisma/client";
export const prisma = new PrismaClient();
"""


def make_repo(
    root: Path,
    files: dict[str, str],
    *,
    next_version: str = "15.2.4",
    schema: str | None = PRISMA_SCHEMA,
    dependencies: dict[str, str] | None = None,
    strict: bool = True,
) -> Path:
    deps = {
        "next": next_version,
        "next-auth": "5.0.0-beta.25",
        "zod": "3.23.8",
        "@prisma/client": "5.20.0",
    }
    deps.update(dependencies or {})
    base = {
        "package.json": json.dumps(
            {"name": "fixture", "private": True, "dependencies": deps}, indent=2
        ),
        "tsconfig.json": json.dumps(
            {"compilerOptions": {"strict": strict, "baseUrl": ".", "paths": {"@/*": ["./*"]}}},
            indent=2,
        ),
        "auth.ts": AUTH_TS,
        "lib/db.ts": DB_TS,
    }
    if schema is not None:
        base["prisma/schema.prisma"] = schema
    base.update(files)
    for rel, text in base.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def run_audit(root: Path) -> Audit:
    return audit(root, AuditOptions(use_cache=False, workers=1))


def entry(result: Audit, entry_id: str) -> EntryPoint:
    found = {e.id: e for e in result.entry_points}
    assert entry_id in found, f"{entry_id} not in {sorted(found)}"
    return found[entry_id]


def statuses(point: EntryPoint) -> dict[str, str]:
    names = (
        "authentication",
        "authorization",
        "input_validation",
        "rate_limiting",
        "audit_logging",
    )
    return {name: point.checks.get(name).status.value for name in names}


def rules_at(result: Audit, file: str | None = None) -> set[tuple[str, str, int]]:
    return {(f.rule, f.file, f.line) for f in result.findings if file is None or f.file == file}
