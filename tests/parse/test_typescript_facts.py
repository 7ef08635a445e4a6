"""The TypeScript facts layer: snippet in, facts out, for every kind of fact the analyzers rely on."""

from __future__ import annotations

from archtools.facts.code import ExitKind, ExportKind, ExprKind, FileFacts
from archtools.facts.typescript import extract_code_facts
from archtools.rules.code.secrets import secret_kind


def facts(code: str, path: str = "app/api/x/route.ts") -> FileFacts:
    return extract_code_facts(path, code.encode())


def test_imports_default_named_alias_namespace_and_type_only() -> None:
    f = facts(
        'import NextAuth, { a as b, c } from "next-auth";\n'
        'import * as z from "zod";\n'
        'import type { User } from "@prisma/client";\n'
    )
    assert [
        (i.source, [(n.imported, n.local) for n in i.names], i.type_only) for i in f.imports
    ] == [
        ("next-auth", [("default", "NextAuth"), ("a", "b"), ("c", "c")], False),
        ("zod", [("*", "z")], False),
        ("@prisma/client", [("User", "User")], True),
    ]


def test_exports_of_every_shape() -> None:
    f = facts(
        "export async function GET() {}\n"
        "export const POST = withAuth(async (req) => {});\n"
        "export const { PUT, PATCH } = handlers;\n"
        "function handler() {}\n"
        "export { handler as DELETE };\n"
        'export { GET as HEAD } from "./other";\n'
        'export * from "./more";\n'
        "export default handler;\n"
    )
    shapes = [(e.name, e.local, e.kind, e.source) for e in f.exports]
    assert shapes == [
        ("GET", "GET", ExportKind.FUNCTION, None),
        ("POST", "POST", ExportKind.VARIABLE, None),
        ("PUT", "PUT", ExportKind.DESTRUCTURED, None),
        ("PATCH", "PATCH", ExportKind.DESTRUCTURED, None),
        ("DELETE", "handler", ExportKind.LOCAL, None),
        ("HEAD", "GET", ExportKind.REEXPORT, "./other"),
        ("*", None, ExportKind.REEXPORT, "./more"),
        ("default", "handler", ExportKind.DEFAULT, None),
    ]
    post = f.exports[1]
    assert post.init is not None and post.init.kind == ExprKind.CALL
    assert f.calls[post.init.call or 0].callee == "withAuth"


def test_directives_file_level_and_inline() -> None:
    f = facts('"use server";\nexport async function a() {}\n', "app/actions.ts")
    assert f.directives == ("use server",)
    inline = facts(
        "export default function Page() {\n"
        "  async function save(data: FormData) {\n"
        '    "use server";\n'
        "    await db.note.create({ data: {} });\n"
        "  }\n"
        "  return null;\n"
        "}\n",
        "app/page.tsx",
    )
    assert inline.directives == ()
    assert [(fn.name, fn.use_server) for fn in inline.functions] == [
        ("Page", False),
        ("save", True),
    ]


def test_a_directive_after_code_does_not_count() -> None:
    f = facts('const x = 1;\n"use server";\n', "lib/a.ts")
    assert f.directives == ()


def test_member_call_chains_link_receivers() -> None:
    f = facts("const rows = await db.select().from(orders).where(eq(orders.id, id));\n")
    outer = next(c for c in f.calls if c.name == "where")
    assert outer.callee == "db.select().from().where"
    assert outer.awaited and outer.assigned_to == ("rows",)
    from_call = f.calls[outer.receiver or 0]
    assert from_call.callee == "db.select().from" and from_call.args[0].text == "orders"
    assert f.calls[from_call.receiver or 0].callee == "db.select"


def test_object_arguments_keep_keys_values_roots_and_paths() -> None:
    f = facts(
        "await prisma.note.findFirst({ where: { id: params.id, authorId: session.user.id }, select: { id: true } });\n"
    )
    call = f.calls[0]
    assert call.callee == "prisma.note.findFirst"
    where = call.args[0].pairs[0]
    assert where.key == "where"
    assert [(p.key, list(p.value.paths)) for p in where.value.pairs] == [
        ("id", ["params.id"]),
        ("authorId", ["session.user.id"]),
    ]
    assert where.value.roots == ("params", "session")


def test_guards_record_exit_kind_and_negation() -> None:
    f = facts(
        "async function h() {\n"
        "  const s = await auth();\n"
        "  if (!s?.user) return new Response(null, { status: 401 });\n"
        "  if (s.user.role !== 'ADMIN') throw new Error('no');\n"
        "  if (!ok) redirect('/login');\n"
        "  if (x) { console.log(x); }\n"
        "}\n"
    )
    assert [(g.line, g.exit, g.negated, list(g.condition.paths)) for g in f.guards] == [
        (3, ExitKind.RETURN, True, ["s.user"]),
        (4, ExitKind.THROW, False, ["s.user.role"]),
        (5, ExitKind.REDIRECT, True, []),
    ]


def test_variables_destructuring_and_parameters() -> None:
    f = facts(
        "export async function GET(req: Request, { params }: { params: { id: string } }) {\n"
        "  const { id, ...rest } = params;\n"
        "}\n"
    )
    fn = f.functions[0]
    assert [(p.name, list(p.names), list(p.keys), p.type) for p in fn.params] == [
        ("req", ["req"], [], "Request"),
        ("{ params }", ["params"], ["params"], "{ params: { id: string } }"),
    ]
    var = f.vars[0]
    assert var.names == ("id", "rest") and var.keys == ("id",) and var.func == 0


def test_method_branches_from_if_and_switch() -> None:
    f = facts(
        "export default async function handler(req, res) {\n"
        "  if (req.method === 'GET') {\n"
        "    return res.json([]);\n"
        "  }\n"
        "  switch (req.method) {\n"
        "    case 'PUT':\n"
        "    case 'PATCH':\n"
        "      return update();\n"
        "    case 'DELETE':\n"
        "      return remove();\n"
        "  }\n"
        "}\n",
        "pages/api/x.ts",
    )
    assert [(b.subject, b.value, b.line, b.end_line) for b in f.branches] == [
        ("req.method", "GET", 2, 4),
        ("req.method", "PUT", 6, 8),
        ("req.method", "PATCH", 7, 8),
        ("req.method", "DELETE", 9, 10),
    ]


def test_env_reads_secrets_any_types_and_comments() -> None:
    f = facts(
        "const url = process.env.DATABASE_URL;\n"
        'const key = process.env["STRIPE_KEY"];\n'
        'const stripeKey = "sk_live_abcdefghijklmnopqrstuvwx";\n'
        "export function h(body: any): any { return body as any; }\n"
        "export type User = { id: string; email: string };\n"
        "// archtools-ignore AZ001: checked by the caller\n"
    )
    assert [(r.name, r.line) for r in f.env_reads] == [("DATABASE_URL", 1), ("STRIPE_KEY", 2)]
    assert [(s.value, s.context) for s in f.secrets] == [
        ("sk_live_abcdefghijklmnopqrstuvwx", "stripeKey")
    ]
    assert [(a.line, a.where) for a in f.any_uses] == [(4, "parameter"), (4, "return"), (4, "cast")]
    assert [(t.name, t.fields, t.exported) for t in f.types] == [("User", ("id", "email"), True)]
    assert [(c.line, c.text) for c in f.comments] == [
        (6, "archtools-ignore AZ001: checked by the caller")
    ]


def test_tagged_templates_and_catch_blocks() -> None:
    f = facts(
        "try { await prisma.$queryRawUnsafe(`SELECT * FROM t WHERE a = '${q}'`); }\n"
        "catch (err) { return NextResponse.json({ error: err.message }); }\n"
    )
    raw = f.calls[0]
    assert raw.callee == "prisma.$queryRawUnsafe" and raw.args[0].kind == ExprKind.TEMPLATE
    assert raw.args[0].interpolated
    leak = next(c for c in f.calls if c.callee == "NextResponse.json")
    assert leak.in_catch and leak.returned


def test_syntax_errors_are_located_and_the_rest_still_extracted() -> None:
    f = facts("export async function GET() { return 1 }\nconst = ;\nexport const POST = 2;\n")
    assert f.syntax_errors and f.syntax_errors[0].line == 2
    assert [e.name for e in f.exports] == ["GET", "POST"]


def test_deep_nesting_does_not_recurse_in_python() -> None:
    code = (
        "const x = "
        + "(" * 5000
        + "1"
        + ")" * 5000
        + ";\n"
        + "const y = "
        + "a || " * 3000
        + "b;\n"
    )
    f = facts(code)
    assert [v.names for v in f.vars] == [("x",), ("y",)]


def test_jsx_files_parse_with_the_tsx_grammar() -> None:
    f = facts(
        '"use client";\nimport { prisma } from "@/lib/db";\nexport default function A() { return <div>{x}</div>; }\n',
        "components/a.tsx",
    )
    assert f.language == "tsx" and f.directives == ("use client",) and not f.syntax_errors


def test_class_declarations_with_their_superclass() -> None:
    f = facts(
        "class Database extends SyncDatabase<Result> { query() {} }\n"
        "export abstract class Repo {}\n"
        "export default class extends Base {}\n"
    )
    assert [(c.name, c.line, c.extends) for c in f.classes] == [
        ("Database", 1, "SyncDatabase"),
        ("Repo", 2, None),
    ]


def test_a_pem_private_key_is_a_secret_literal_however_long() -> None:
    body = "\\n".join("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" for _ in range(30))
    f = facts(
        f'const signingKey = "-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----";\n'
        "const greeting = `hello there, this sentence is long but it is plain prose`;\n"
    )
    ((value, context, line),) = [(s.value, s.context, s.line) for s in f.secrets]
    assert (value[:27], len(value), context, line) == (
        "-----BEGIN PRIVATE KEY-----",
        64,
        "signingKey",
        1,
    )
    assert secret_kind(value, context) == "private key"
