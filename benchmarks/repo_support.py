"""Shared packages and configuration of the synthetic monorepo: lib, db, ui kit basics, configs."""

from __future__ import annotations

import json

from benchmarks.repo_routes import VERBS, zod_for
from benchmarks.repo_schema import ENUMS, Model


def validators(m: Model) -> str:
    """packages/lib/src/validators/<model>.ts: the zod schemas routes and actions parse with."""
    enums = sorted({s.type for s in m.scalars if s.type in ENUMS})
    shape = "".join(f"  {s.name}: {zod_for(s)},\n" for s in m.editable)
    text = 'import { z } from "zod";\n\nimport { idSchema, paginationSchema } from "./common";\n'
    if enums:
        text += f'import {{ {", ".join(enums)} }} from "@acme/db";\n'
    text += f"\nexport const {m.delegate}Fields = z.object({{\n{shape}}});\n\n"
    text += f"export const create{m.name}Schema = {m.delegate}Fields.extend({{ teamId: idSchema }});\n\n"
    text += f"export const update{m.name}Schema = {m.delegate}Fields.partial().strict();\n\n"
    text += f"export const list{m.name}QuerySchema = paginationSchema.extend({{ teamId: idSchema }});\n\n"
    for verb in VERBS[2:]:
        text += f"export const {verb}{m.name}Schema = z.object({{ reason: z.string().max(200).optional() }});\n"
    text += f"\nexport type Create{m.name}Input = z.infer<typeof create{m.name}Schema>;\n"
    text += f"export type Update{m.name}Input = z.infer<typeof update{m.name}Schema>;\n"
    return text


def repository(m: Model) -> str:
    """packages/db/src/repositories/<model>.ts: data access functions scoped to a team."""
    soft = ", deletedAt: null" if m.soft_delete else ""
    return (
        'import type { Prisma } from "@prisma/client";\n\nimport { prisma } from "../index";\n\n'
        f"export async function list{m.name}ForTeam(teamId: string, take = 50, cursor?: string) {{\n"
        f"  return prisma.{m.delegate}.findMany({{\n    where: {{ teamId{soft} }},\n"
        '    orderBy: { createdAt: "desc" },\n    take,\n'
        "    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),\n  });\n}\n\n"
        f"export async function find{m.name}ForMember(id: string, userId: string) {{\n"
        f"  return prisma.{m.delegate}.findFirst({{\n"
        f"    where: {{ id, team: {{ memberships: {{ some: {{ userId }} }} }}{soft} }},\n  }});\n}}\n\n"
        f"export async function count{m.name}ByTeam(teamId: string) {{\n"
        f"  return prisma.{m.delegate}.count({{ where: {{ teamId{soft} }} }});\n}}\n\n"
        f"export async function update{m.name}ForMember(\n  id: string,\n  userId: string,\n"
        f"  data: Prisma.{m.name}UpdateManyMutationInput,\n) {{\n"
        f"  return prisma.{m.delegate}.updateMany({{\n"
        f'    where: {{ id, team: {{ memberships: {{ some: {{ userId, role: {{ in: ["OWNER", "ADMIN"] }} }} }} }} }},\n'
        "    data,\n  });\n}\n"
    )


def db_query(m: Model, kind: str) -> str:
    """packages/db/src/queries/<model>-<kind>.ts: reporting and search queries."""
    return (
        'import { prisma } from "../index";\n\n'
        f"export type {m.name}{kind.capitalize()}Filter = {{\n  teamId: string;\n  from?: Date;\n  to?: Date;\n}};\n\n"
        f"export async function {kind}{m.name}(filter: {m.name}{kind.capitalize()}Filter) {{\n"
        "  const createdAt = {\n    ...(filter.from ? { gte: filter.from } : {}),\n"
        "    ...(filter.to ? { lt: filter.to } : {}),\n  };\n"
        f"  const [total, recent] = await Promise.all([\n"
        f"    prisma.{m.delegate}.count({{ where: {{ teamId: filter.teamId, createdAt }} }}),\n"
        f"    prisma.{m.delegate}.findMany({{\n      where: {{ teamId: filter.teamId, createdAt }},\n"
        '      orderBy: { createdAt: "desc" },\n      take: 10,\n      select: { id: true, name: true, createdAt: true },\n'
        "    }),\n  ]);\n  return { total, recent };\n}\n"
    )


def web_lib(m: Model, kind: str) -> str:
    """apps/web/lib/<model>/<kind>.ts: server helpers of the web app."""
    if kind in ("queries", "cache", "search"):
        return (
            'import "server-only";\n\nimport { cache } from "react";\n\nimport { prisma } from "@acme/db";\n\n'
            f"export const get{m.name} = cache(async (id: string, userId: string) => {{\n"
            f"  return prisma.{m.delegate}.findFirst({{\n"
            "    where: { id, team: { memberships: { some: { userId } } } },\n  });\n});\n\n"
            f"export async function search{m.name}(teamId: string, term: string) {{\n"
            f"  return prisma.{m.delegate}.findMany({{\n"
            '    where: { teamId, name: { contains: term, mode: "insensitive" } },\n    take: 20,\n  });\n}\n'
        )
    return (
        f"export type {m.name}Summary = {{ id: string; name: string; createdAt: Date }};\n\n"
        f"export function to{m.name}{kind.capitalize()}(row: {m.name}Summary) {{\n"
        '  return {\n    id: row.id,\n    label: row.name.trim() || "Untitled",\n'
        "    created: row.createdAt.toISOString(),\n"
        f"    href: `/{m.plural}/${{row.id}}`,\n  }};\n}}\n\n"
        f"export function sort{m.name}{kind.capitalize()}(rows: {m.name}Summary[]) {{\n"
        "  return [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());\n}\n"
    )


def lib_helper(area: str, stem: str) -> str:
    """packages/lib/src/<area>/<stem>.ts: small pure helpers."""
    fn = "".join(p.capitalize() for p in f"{area}-{stem}".split("-"))
    return (
        f"/** Helpers for {area.replace('-', ' ')}: {stem.replace('-', ' ')}. */\n\n"
        f"export type {fn}Options = {{\n  locale?: string;\n  fallback?: string;\n  maxLength?: number;\n}};\n\n"
        f'const DEFAULTS: Required<{fn}Options> = {{ locale: "en-US", fallback: "", maxLength: 120 }};\n\n'
        f"export function normalize{fn}(value: unknown, options: {fn}Options = {{}}): string {{\n"
        "  const { fallback, maxLength } = { ...DEFAULTS, ...options };\n"
        "  if (value === null || value === undefined) return fallback;\n"
        '  const text = String(value).normalize("NFKC").trim();\n'
        "  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;\n}\n\n"
        f"export function format{fn}(value: number | Date, options: {fn}Options = {{}}): string {{\n"
        "  const { locale } = { ...DEFAULTS, ...options };\n"
        "  if (value instanceof Date) {\n"
        '    return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(value);\n  }\n'
        "  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);\n}\n"
    )


def padding(kind: str, name: str, index: int, tsx: bool) -> str:
    """One more self-contained block of code, to give a file its typical size."""
    n = f"{name}{index}"
    blocks = (
        f"\nfunction to{n}Dto(row: {{ id: string; name: string; createdAt: Date; updatedAt: Date }}) {{\n"
        "  return {\n    id: row.id,\n    name: row.name.trim(),\n"
        "    createdAt: row.createdAt.toISOString(),\n    updatedAt: row.updatedAt.toISOString(),\n"
        "    stale: Date.now() - row.updatedAt.getTime() > 1000 * 60 * 60 * 24 * 30,\n  };\n}\n"
        f"void to{n}Dto;\n",
        f"\nconst {n[0].lower() + n[1:]}Labels: Record<string, string> = {{\n"
        '  DRAFT: "Draft",\n  ACTIVE: "Active",\n  ARCHIVED: "Archived",\n'
        '  LOW: "Low",\n  MEDIUM: "Medium",\n  HIGH: "High",\n  URGENT: "Urgent",\n};\n\n'
        f"function label{n}(value: string | null | undefined): string {{\n"
        f'  if (!value) return "-";\n  return {n[0].lower() + n[1:]}Labels[value] ?? value.toLowerCase();\n}}\n'
        f"void label{n};\n",
        f"\nfunction parse{n}Pagination(params: URLSearchParams) {{\n"
        '  const take = Math.min(Math.max(Number(params.get("take") ?? 25), 1), 100);\n'
        '  const page = Math.max(Number(params.get("page") ?? 1), 1);\n'
        '  const sort = params.get("sort") === "asc" ? "asc" : "desc";\n'
        "  return { take, skip: (page - 1) * take, sort } as const;\n}\n"
        f"void parse{n}Pagination;\n",
        f"\nfunction etagFor{n}(rows: Array<{{ id: string; updatedAt: Date }}>): string {{\n"
        "  let hash = 0;\n  for (const row of rows) {\n"
        "    const key = `${row.id}:${row.updatedAt.getTime()}`;\n"
        "    for (let i = 0; i < key.length; i += 1) {\n"
        "      hash = (hash * 31 + key.charCodeAt(i)) | 0;\n    }\n  }\n"
        '  return `W/"${(hash >>> 0).toString(16)}"`;\n}\n'
        f"void etagFor{n};\n",
    )
    if tsx and kind == "view":
        return (
            f"\nfunction {n}Hint({{ children }}: {{ children: React.ReactNode }}) {{\n"
            "  return (\n"
            '    <p className="mt-2 flex items-center gap-2 text-xs text-muted-foreground">\n'
            '      <span aria-hidden="true">i</span>\n      {children}\n    </p>\n  );\n}\n'
            f"void {n}Hint;\n"
        )
    return blocks[index % len(blocks)]


def package_json(name: str, deps: dict[str, str], extra: dict[str, object] | None = None) -> str:
    data: dict[str, object] = {"name": name, "version": "0.1.0", "private": True}
    data.update(extra or {})
    data["dependencies"] = dict(sorted(deps.items()))
    return json.dumps(data, indent=2) + "\n"


WEB_DEPS = {
    "@acme/db": "workspace:*",
    "@acme/lib": "workspace:*",
    "@acme/ui": "workspace:*",
    "@upstash/ratelimit": "^2.0.0",
    "next": "15.1.0",
    "next-auth": "5.0.0-beta.25",
    "react": "19.0.0",
    "react-dom": "19.0.0",
    "zod": "^3.23.8",
}
