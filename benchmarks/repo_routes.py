"""Backend entry points of the synthetic monorepo: App Router handlers, Server Actions, Pages API routes."""

from __future__ import annotations

import random
from dataclasses import dataclass

from benchmarks.repo_schema import Model, Scalar

VERBS = ("archive", "restore", "duplicate", "export", "share", "assign", "publish", "lock")


@dataclass(frozen=True)
class Flavor:
    """How carefully one entry point file was written: the mix a real codebase shows."""

    guard: str  # "auth" (auth() + check), "require" (requireUser()), "none"
    validated: bool
    scoped: bool  # where clauses bound to the caller's membership or ownership
    limited: bool
    audited: bool
    wrapped: bool  # try/catch with errorResponse

    @staticmethod
    def draw(rng: random.Random) -> Flavor:
        roll = rng.random()
        guard = "auth" if roll < 0.45 else "require" if roll < 0.8 else "none"
        return Flavor(
            guard=guard,
            validated=rng.random() < 0.75,
            scoped=guard != "none" and rng.random() < 0.7,
            limited=rng.random() < 0.2,
            audited=rng.random() < 0.5,
            wrapped=rng.random() < 0.5,
        )


def _guard_import(f: Flavor) -> str:
    if f.guard == "auth":
        return 'import { auth } from "@/auth";\n'
    if f.guard == "require":
        return 'import { requireUser } from "@acme/lib/auth";\n'
    return ""


def _guard(f: Flavor) -> str:
    if f.guard == "auth":
        return (
            "  const session = await auth();\n"
            "  if (!session?.user?.id) {\n"
            '    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });\n'
            "  }\n"
            "  const userId = session.user.id;\n"
        )
    if f.guard == "require":
        return "  const user = await requireUser();\n  const userId = user.id;\n"
    return ""


def _scope(m: Model, f: Flavor, base: str) -> str:
    soft = ", deletedAt: null" if m.soft_delete else ""
    if not f.scoped:
        return "{ " + base + soft + " }"
    if m.owned:
        return "{ " + base + ", ownerId: userId" + soft + " }"
    return "{ " + base + ", team: { memberships: { some: { userId } } }" + soft + " }"


def _select(m: Model, name: str) -> str:
    lines = [f"const {name} = {{", "  id: true,"]
    lines += [f"  {s.name}: true," for s in m.scalars]
    lines += ["  teamId: true,", "  createdAt: true,", "  updatedAt: true,", "} as const;"]
    return "\n".join(lines) + "\n"


def _body(m: Model, f: Flavor, schema: str, source: str) -> str:
    if f.validated:
        return f"  const input = {schema}.parse({source});\n"
    return f"  const input = {source};\n"


def _limit(m: Model, f: Flavor) -> str:
    if not f.limited:
        return ""
    key = "userId" if f.guard != "none" else 'request.headers.get("x-forwarded-for") ?? "anonymous"'
    return (
        f"  const {{ success }} = await rateLimit.limit(`{m.kebab}:${{{key}}}`);\n"
        "  if (!success) {\n"
        '    return NextResponse.json({ error: "Too many requests" }, { status: 429 });\n'
        "  }\n"
    )


def _wrap(f: Flavor, body: str) -> str:
    if not f.wrapped:
        return body
    inner = "".join("  " + line if line.strip() else line for line in body.splitlines(True))
    return f"  try {{\n{inner}  }} catch (error) {{\n    return errorResponse(error);\n  }}\n"


def _imports(m: Model, f: Flavor, schemas: list[str], extra: str = "") -> str:
    text = 'import { revalidatePath } from "next/cache";\n'
    text += 'import { NextResponse, type NextRequest } from "next/server";\n\n'
    text += 'import { prisma } from "@acme/db";\n' + _guard_import(f)
    if f.audited:
        text += 'import { writeAuditLog } from "@acme/lib/audit";\n'
    if f.wrapped:
        text += 'import { errorResponse } from "@acme/lib/http";\n'
    if f.limited:
        text += 'import { rateLimit } from "@acme/lib/rate-limit";\n'
    if f.validated and schemas:
        text += (
            f'import {{ {", ".join(sorted(schemas))} }} from "@acme/lib/validators/{m.kebab}";\n'
        )
    return text + extra + "\n"


def _create_data(m: Model, f: Flavor) -> str:
    if not f.validated:
        return "input"
    owner = ", ownerId: userId" if m.owned and f.guard != "none" else ""
    return "{ ...input" + owner + " }"


def route_collection(m: Model, f: Flavor) -> str:
    query = (
        f"  const query = list{m.name}QuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams));\n"
        if f.validated
        else "  const params = request.nextUrl.searchParams;\n"
        '  const query = { teamId: params.get("teamId") ?? "", take: Number(params.get("take") ?? 50), '
        'skip: Number(params.get("skip") ?? 0) };\n'
    )
    get_body = (
        query + f"  const rows = await prisma.{m.delegate}.findMany({{\n"
        f"    where: {_scope(m, f, 'teamId: query.teamId')},\n"
        f"    select: {m.delegate}ListSelect,\n"
        '    orderBy: { createdAt: "desc" },\n    take: query.take,\n    skip: query.skip,\n  });\n'
        "  const nextCursor = rows.length === query.take ? rows[rows.length - 1]?.id : null;\n"
        "  return NextResponse.json({ items: rows, nextCursor });\n"
    )
    post_body = (
        _limit(m, f)
        + _body(m, f, f"create{m.name}Schema", "await request.json()")
        + f"  const created = await prisma.{m.delegate}.create({{\n"
        f"    data: {_create_data(m, f)},\n    select: {m.delegate}ListSelect,\n  }});\n"
        f'  revalidatePath("/{m.plural}");\n'
        "  return NextResponse.json(created, { status: 201 });\n"
    )
    return (
        _imports(m, f, [f"create{m.name}Schema", f"list{m.name}QuerySchema"])
        + 'export const dynamic = "force-dynamic";\n\n'
        + _select(m, f"{m.delegate}ListSelect")
        + f"\nexport async function GET(request: NextRequest) {{\n{_guard(f)}{_wrap(f, get_body)}}}\n"
        + f"\nexport async function POST(request: NextRequest) {{\n{_guard(f)}{_wrap(f, post_body)}}}\n"
    )


def _delete_body(m: Model, f: Flavor, where: str) -> str:
    if m.soft_delete:
        op = f"  const result = await prisma.{m.delegate}.updateMany({{ where: {where}, data: {{ deletedAt: new Date() }} }});\n"
    else:
        op = f"  const result = await prisma.{m.delegate}.deleteMany({{ where: {where} }});\n"
    op += "  if (result.count === 0) {\n"
    op += '    return NextResponse.json({ error: "Not found" }, { status: 404 });\n  }\n'
    if f.audited and f.guard != "none":
        op += f'  await writeAuditLog({{ action: "{m.kebab}.delete", target: id, actorId: userId }});\n'
    return (
        op
        + f'  revalidatePath("/{m.plural}");\n  return new NextResponse(null, {{ status: 204 }});\n'
    )


def route_item(m: Model, f: Flavor) -> str:
    where = _scope(m, f, "id")
    get_body = (
        "  const { id } = await params;\n"
        f"  const row = await prisma.{m.delegate}.findFirst({{ where: {where}, select: {m.delegate}DetailSelect }});\n"
        "  if (!row) {\n"
        '    return NextResponse.json({ error: "Not found" }, { status: 404 });\n  }\n'
        "  return NextResponse.json(row);\n"
    )
    patch_body = (
        "  const { id } = await params;\n"
        + _body(m, f, f"update{m.name}Schema", "await request.json()")
        + f"  const result = await prisma.{m.delegate}.updateMany({{ where: {where}, data: input }});\n"
        "  if (result.count === 0) {\n"
        '    return NextResponse.json({ error: "Not found" }, { status: 404 });\n  }\n'
        f"  revalidatePath(`/{m.plural}/${{id}}`);\n"
        "  return NextResponse.json({ ok: true });\n"
    )
    delete_body = "  const { id } = await params;\n" + _delete_body(m, f, where)
    ctx = "{ params }: RouteContext"
    return (
        _imports(m, f, [f"update{m.name}Schema"])
        + "type RouteContext = { params: Promise<{ id: string }> };\n\n"
        + _select(m, f"{m.delegate}DetailSelect")
        + f"\nexport async function GET(_request: NextRequest, {ctx}) {{\n{_guard(f)}{_wrap(f, get_body)}}}\n"
        + f"\nexport async function PATCH(request: NextRequest, {ctx}) {{\n{_guard(f)}{_wrap(f, patch_body)}}}\n"
        + f"\nexport async function DELETE(_request: NextRequest, {ctx}) {{\n{_guard(f)}{_wrap(f, delete_body)}}}\n"
    )


def route_verb(m: Model, f: Flavor, verb: str) -> str:
    where = _scope(m, f, "id")
    change = {"archive": "{ updatedAt: new Date() }", "restore": "{ updatedAt: new Date() }"}.get(
        verb, "{ ...input, updatedAt: new Date() }"
    )
    body = "  const { id } = await params;\n"
    if "input" in change:
        body += _body(m, f, f"{verb}{m.name}Schema", "await request.json()")
    body += (
        _limit(m, f)
        + f"  const result = await prisma.{m.delegate}.updateMany({{ where: {where}, data: {change} }});\n"
        "  if (result.count === 0) {\n"
        '    return NextResponse.json({ error: "Not found" }, { status: 404 });\n  }\n'
    )
    if f.audited and f.guard != "none":
        body += f'  await writeAuditLog({{ action: "{m.kebab}.{verb}", target: id, actorId: userId }});\n'
    body += f'  revalidatePath(`/{m.plural}/${{id}}`);\n  return NextResponse.json({{ ok: true, action: "{verb}" }});\n'
    schemas = [f"{verb}{m.name}Schema"] if "input" in change else []
    return (
        _imports(m, f, schemas)
        + "type RouteContext = { params: Promise<{ id: string }> };\n"
        + "\nexport async function POST(request: NextRequest, { params }: RouteContext) {\n"
        + f"{_guard(f)}{_wrap(f, body)}}}\n"
    )


def server_actions(m: Model, f: Flavor, verbs: list[str]) -> str:
    guard = (
        "  const user = await requireUser();\n  const userId = user.id;\n"
        if f.guard != "none"
        else ""
    )
    where = _scope(m, f, "id")

    def parse(schema: str) -> str:
        if f.validated:
            return f"  const input = {schema}.parse(Object.fromEntries(formData));\n"
        return "  const input = Object.fromEntries(formData) as Record<string, string>;\n"

    owner = ", ownerId: userId" if m.owned and f.guard != "none" else ""
    text = '"use server";\n\nimport { revalidatePath } from "next/cache";\n'
    text += 'import { redirect } from "next/navigation";\n\nimport { prisma } from "@acme/db";\n'
    if f.guard != "none":
        text += 'import { requireUser } from "@acme/lib/auth";\n'
    if f.audited and f.guard != "none":
        text += 'import { writeAuditLog } from "@acme/lib/audit";\n'
    if f.validated:
        text += f'import {{ create{m.name}Schema, update{m.name}Schema }} from "@acme/lib/validators/{m.kebab}";\n'
    text += (
        f"\nexport async function create{m.name}(formData: FormData) {{\n{guard}"
        + parse(f"create{m.name}Schema")
        + f"  const row = await prisma.{m.delegate}.create({{ data: {{ ...input{owner} }} }});\n"
        f'  revalidatePath("/{m.plural}");\n  redirect(`/{m.plural}/${{row.id}}`);\n}}\n'
        f"\nexport async function update{m.name}(id: string, formData: FormData) {{\n{guard}"
        + parse(f"update{m.name}Schema")
        + f"  await prisma.{m.delegate}.updateMany({{ where: {where}, data: input }});\n"
        f"  revalidatePath(`/{m.plural}/${{id}}`);\n}}\n"
        f"\nexport async function delete{m.name}(id: string) {{\n{guard}"
        + (
            f"  await prisma.{m.delegate}.updateMany({{ where: {where}, data: {{ deletedAt: new Date() }} }});\n"
            if m.soft_delete
            else f"  await prisma.{m.delegate}.deleteMany({{ where: {where} }});\n"
        )
    )
    if f.audited and f.guard != "none":
        text += f'  await writeAuditLog({{ action: "{m.kebab}.delete", target: id, actorId: userId }});\n'
    text += f'  revalidatePath("/{m.plural}");\n  redirect("/{m.plural}");\n}}\n'
    for verb in verbs:
        text += (
            f"\nexport async function {verb}{m.name}(id: string) {{\n{guard}"
            f"  await prisma.{m.delegate}.updateMany({{ where: {where}, data: {{ updatedAt: new Date() }} }});\n"
            f"  revalidatePath(`/{m.plural}/${{id}}`);\n}}\n"
        )
    return text


def admin_api(m: Model, f: Flavor, kind: str) -> str:
    """A Pages Router API route of the admin app; `kind` is "index", "item" or a verb."""
    role_check = (
        '  if (!session.user.isAdmin) return res.status(403).json({ error: "Forbidden" });\n'
        if f.scoped
        else ""
    )
    guard = (
        "  const session = await getServerSession(req, res, authOptions);\n"
        '  if (!session?.user) return res.status(401).json({ error: "Unauthorized" });\n'
        + role_check
        if f.guard != "none"
        else ""
    )

    def parse(schema: str) -> str:
        return f"{schema}.parse(req.body)" if f.validated else "req.body"

    text = 'import type { NextApiRequest, NextApiResponse } from "next";\n'
    if f.guard != "none":
        text += 'import { getServerSession } from "next-auth/next";\n'
    text += '\nimport { prisma } from "@acme/db";\n'
    if f.guard != "none":
        text += 'import { authOptions } from "@acme/lib/auth-options";\n'
    if f.validated:
        text += f'import {{ create{m.name}Schema, update{m.name}Schema }} from "@acme/lib/validators/{m.kebab}";\n'
    text += (
        "\nexport default async function handler(req: NextApiRequest, res: NextApiResponse) {\n"
        + guard
    )
    if kind == "index":
        text += (
            '  if (req.method === "GET") {\n'
            "    const take = Math.min(Number(req.query.take ?? 100), 500);\n"
            f'    const rows = await prisma.{m.delegate}.findMany({{ take, orderBy: {{ createdAt: "desc" }} }});\n'
            "    return res.status(200).json({ items: rows });\n  }\n"
            '  if (req.method === "POST") {\n'
            f"    const row = await prisma.{m.delegate}.create({{ data: {parse(f'create{m.name}Schema')} }});\n"
            "    return res.status(201).json(row);\n  }\n"
            '  res.setHeader("Allow", "GET, POST");\n  return res.status(405).end();\n}\n'
        )
    elif kind == "item":
        text += (
            "  const id = String(req.query.id);\n  switch (req.method) {\n"
            '    case "GET": {\n'
            f"      const row = await prisma.{m.delegate}.findUnique({{ where: {{ id }} }});\n"
            '      return row ? res.status(200).json(row) : res.status(404).json({ error: "Not found" });\n    }\n'
            '    case "PATCH": {\n'
            f"      const row = await prisma.{m.delegate}.update({{ where: {{ id }}, data: {parse(f'update{m.name}Schema')} }});\n"
            "      return res.status(200).json(row);\n    }\n"
            '    case "DELETE": {\n'
            f"      await prisma.{m.delegate}.delete({{ where: {{ id }} }});\n"
            "      return res.status(204).end();\n    }\n"
            '    default:\n      res.setHeader("Allow", "GET, PATCH, DELETE");\n'
            "      return res.status(405).end();\n  }\n}\n"
        )
    else:
        text += (
            '  if (req.method !== "POST") {\n    res.setHeader("Allow", "POST");\n'
            "    return res.status(405).end();\n  }\n"
            "  const id = String(req.query.id);\n"
            f"  const row = await prisma.{m.delegate}.update({{ where: {{ id }}, data: {{ updatedAt: new Date() }} }});\n"
            f'  return res.status(200).json({{ ok: true, action: "{kind}", id: row.id }});\n}}\n'
        )
    return text


def zod_for(s: Scalar) -> str:
    base = {
        "String": "z.string().trim().max(500)",
        "Int": "z.coerce.number().int()",
        "Decimal": "z.coerce.number().nonnegative()",
        "Boolean": "z.coerce.boolean()",
        "DateTime": "z.coerce.date()",
        "Json": "z.record(z.string(), z.unknown())",
    }.get(s.type, f"z.nativeEnum({s.type})")
    return base + (".optional()" if s.optional else "")
