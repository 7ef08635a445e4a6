"""Entry points that need no signed-in caller, known by what they do: the auth library's own
handler kept in a module value, a tool that answers only in development, renderers that turn the
request into a file, a profile directory, a sign-up named in one word. Each has a near twin that
does need a caller and still fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import PRISMA_SCHEMA, entry, make_repo, run_audit

PROFILE_SCHEMA = PRISMA_SCHEMA.replace(
    "  email        String       @unique\n",
    "  email        String       @unique\n  name         String?\n  image        String?\n",
)


def _authentication(tmp_path: Path, files: dict[str, str], entry_id: str, **repo: object):  # type: ignore[no-untyped-def]
    make_repo(tmp_path, files, **repo)  # type: ignore[arg-type]
    return entry(run_audit(tmp_path), entry_id).checks.authentication


HANDLER_IN_A_VALUE = """import NextAuth from "next-auth";
import { options } from "@/lib/auth-options";

const handler = NextAuth(options);
export { handler as GET };

export async function POST(req: Request, ctx: unknown) {
  if (new URL(req.url).pathname.endsWith("/signin/email")) {
    console.warn("email sign-in");
  }
  return handler(req, ctx);
}
"""

SESSION_READER_OF_A_VALUE = """import { betterAuth } from "better-auth";
import { prisma } from "@/lib/db";

const auth = betterAuth({});

export async function GET(req: Request) {
  const session = await auth.api.getSession({ headers: req.headers });
  const notes = await prisma.note.findMany({ where: { title: "x" } });
  return Response.json({ session, notes });
}
"""


def test_the_auth_librarys_handler_kept_in_a_value_is_public_by_design(tmp_path: Path) -> None:
    check = _authentication(
        tmp_path,
        {
            "app/api/auth/[...nextauth]/route.ts": HANDLER_IN_A_VALUE,
            "lib/auth-options.ts": "export const options = { providers: [] };\n",
        },
        "route_handler:app/api/auth/[...nextauth]/route.ts#POST",
    )
    assert check.status.value == "n/a", check
    assert (
        check.evidence[0].line == 11 and "sign-in handler of next-auth" in check.evidence[0].detail
    )


def test_a_session_reader_of_the_same_library_value_is_no_sign_in_handler(tmp_path: Path) -> None:
    check = _authentication(
        tmp_path,
        {"app/api/notes/route.ts": SESSION_READER_OF_A_VALUE},
        "route_handler:app/api/notes/route.ts#GET",
        dependencies={"better-auth": "1.2.0"},
    )
    assert check.status.value == "fail", check


DEVELOPMENT_ONLY = """import { prisma } from "@/lib/db";

export async function GET() {
  if (process.env.NODE_ENV !== "development") {
    return Response.json({ error: "Not Found" }, { status: 404 });
  }
  const notes = await prisma.note.findMany();
  return Response.json(notes);
}
"""


def test_a_route_that_answers_only_in_development_is_public_by_design(tmp_path: Path) -> None:
    check = _authentication(
        tmp_path,
        {"app/api/dev/notes/route.ts": DEVELOPMENT_ONLY},
        "route_handler:app/api/dev/notes/route.ts#GET",
    )
    assert check.status.value == "n/a", check
    assert check.evidence[0].line == 4 and "development tool" in check.evidence[0].detail


def test_a_development_check_after_the_query_or_the_other_way_round_protects_nothing(
    tmp_path: Path,
) -> None:
    late = DEVELOPMENT_ONLY.replace(
        '  if (process.env.NODE_ENV !== "development") {',
        '  const first = await prisma.note.count();\n  if (process.env.NODE_ENV !== "development") {',
    )
    inverted = DEVELOPMENT_ONLY.replace('!== "development"', '=== "development"')
    for name, code in (("late", late), ("inverted", inverted)):
        check = _authentication(
            tmp_path / name,
            {"app/api/dev/notes/route.ts": code},
            "route_handler:app/api/dev/notes/route.ts#GET",
        )
        assert check.status.value == "fail", (name, check)


RENDER_PDF = """import { PDFDocument } from "pdf-lib";
import { Lexer } from "marked";

export async function POST(req: Request) {
  const { markdown } = await req.json();
  const tokens = Lexer.lex(String(markdown));
  const pdf = await PDFDocument.create();
  pdf.addPage().drawText(tokens.map((t) => t.raw).join(""));
  return new Response(await pdf.save(), { headers: { "Content-Type": "application/pdf" } });
}
"""


def test_a_route_that_renders_the_request_into_a_file_has_nothing_to_protect(
    tmp_path: Path,
) -> None:
    deps = {"pdf-lib": "1.17.1", "marked": "12.0.0"}
    check = _authentication(
        tmp_path / "pdf",
        {"app/api/export/route.ts": RENDER_PDF},
        "route_handler:app/api/export/route.ts#POST",
        dependencies=deps,
    )
    assert check.status.value == "n/a", check
    mailed = RENDER_PDF.replace(
        'import { Lexer } from "marked";',
        'import { Lexer } from "marked";\nimport { Resend } from "resend";\nconst resend = new Resend("k");',
    ).replace(
        "  return new Response(",
        '  await resend.emails.send({ to: "a@b.c", subject: "pdf", html: "" });\n  return new Response(',
    )
    check = _authentication(
        tmp_path / "mailed",
        {"app/api/export/route.ts": mailed},
        "route_handler:app/api/export/route.ts#POST",
        dependencies={**deps, "resend": "3.0.0"},
    )
    assert check.status.value == "fail", check


PROFILE_SEARCH = """'use server';
import { prisma } from "@/lib/db";

export async function searchUsers(query: string) {
  return prisma.user.findMany({
    where: { name: { contains: query } },
    select: { id: true, name: true, image: true },
    take: 10,
  });
}
"""


def test_a_search_of_profile_names_and_pictures_is_public_by_design(tmp_path: Path) -> None:
    check = _authentication(
        tmp_path / "profile",
        {"app/mention/actions.ts": PROFILE_SEARCH},
        "server_action:app/mention/actions.ts#searchUsers",
        schema=PROFILE_SCHEMA,
    )
    assert check.status.value == "n/a", check
    assert "profile fields of User" in check.evidence[0].detail
    emails = PROFILE_SEARCH.replace("image: true", "email: true")
    check = _authentication(
        tmp_path / "emails",
        {"app/mention/actions.ts": emails},
        "server_action:app/mention/actions.ts#searchUsers",
        schema=PROFILE_SCHEMA,
    )
    assert check.status.value == "fail", check


EARLY_ACCESS = """'use server';
import { z } from "zod";
import { prisma } from "@/lib/db";

export async function earlyAccessSignup(email: string) {
  const parsed = z.string().email().parse(email);
  await prisma.note.create({ data: { title: parsed, body: "", authorId: "waitlist" } });
}

export async function earlyAccessApprove(email: string) {
  const parsed = z.string().email().parse(email);
  await prisma.note.create({ data: { title: parsed, body: "", authorId: "waitlist" } });
}
"""


def test_a_sign_up_named_in_one_word_is_for_signed_out_users(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/actions.ts": EARLY_ACCESS})
    result = run_audit(tmp_path)
    signup = entry(result, "server_action:app/actions.ts#earlyAccessSignup").checks.authentication
    approve = entry(result, "server_action:app/actions.ts#earlyAccessApprove").checks.authentication
    assert signup.status.value == "n/a" and "signed-out users" in signup.evidence[0].detail, signup
    assert approve.status.value == "fail", approve


UPLOAD_ROUTE = """import { createRouteHandler } from "uploadthing/next";
import { fileRouter } from "./core";

export const { GET, POST } = createRouteHandler({ router: fileRouter });
"""

UPLOAD_CORE = """import { createUploadthing, type FileRouter } from "uploadthing/next";
import { auth } from "@/auth";

const f = createUploadthing();

export const fileRouter = {
  avatar: f({ image: { maxFileSize: "4MB" } })
    .middleware(async () => {
      const session = await auth();
      if (!session?.user?.id) throw new Error("Unauthorized");
      return { userId: session.user.id };
    })
    .onUploadComplete(async ({ metadata }) => metadata),
} satisfies FileRouter;
"""


def test_an_upload_handler_is_authenticated_by_each_routes_middleware(tmp_path: Path) -> None:
    deps = {"uploadthing": "7.0.0"}
    files = {
        "app/api/uploadthing/route.ts": UPLOAD_ROUTE,
        "app/api/uploadthing/core.ts": UPLOAD_CORE,
    }
    make_repo(tmp_path / "gated", files, dependencies=deps)
    result = run_audit(tmp_path / "gated")
    config = entry(result, "route_handler:app/api/uploadthing/route.ts#GET").checks.authentication
    upload = entry(result, "route_handler:app/api/uploadthing/route.ts#POST").checks.authentication
    assert config.status.value == "n/a" and "configuration" in config.evidence[0].detail, config
    assert upload.status.value == "pass", upload
    assert (
        upload.evidence[0].file == "app/api/uploadthing/core.ts" and upload.evidence[0].line == 10
    )

    open_core = UPLOAD_CORE.replace(
        '      if (!session?.user?.id) throw new Error("Unauthorized");\n', ""
    )
    make_repo(
        tmp_path / "open",
        {**files, "app/api/uploadthing/core.ts": open_core},
        dependencies=deps,
    )
    result = run_audit(tmp_path / "open")
    upload = entry(result, "route_handler:app/api/uploadthing/route.ts#POST").checks.authentication
    assert upload.status.value == "fail" and "`avatar`" in upload.evidence[0].detail, upload
    assert any(
        f.rule == "ATH001" and f.file == "app/api/uploadthing/core.ts" for f in result.findings
    )


INNGEST_ROUTE = """import { serve } from "inngest/next";
import { inngest } from "@/lib/inngest";
import { sync } from "@/lib/functions";

export const { GET, POST, PUT } = serve({ client: inngest, functions: [sync] });
"""


def test_a_signed_job_runner_is_authenticated_by_its_signature(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "app/api/inngest/route.ts": INNGEST_ROUTE,
            "lib/inngest.ts": 'import { Inngest } from "inngest";\nexport const inngest = new Inngest({ id: "app" });\n',
            "lib/functions.ts": 'import { inngest } from "./inngest";\nexport const sync = inngest.createFunction({ id: "sync" }, { event: "x" }, async () => 1);\n',
        },
        dependencies={"inngest": "3.0.0"},
    )
    result = run_audit(tmp_path)
    landing = entry(result, "route_handler:app/api/inngest/route.ts#GET").checks.authentication
    run = entry(result, "route_handler:app/api/inngest/route.ts#POST").checks.authentication
    assert landing.status.value == "n/a", landing
    assert run.status.value == "pass" and run.kind == "signature", run


def test_billing_fields_of_users_are_no_public_profile(tmp_path: Path) -> None:
    schema = PROFILE_SCHEMA.replace(
        "  image        String?\n", "  image        String?\n  stripeCustomerId String?\n"
    )
    billing = PROFILE_SEARCH.replace("image: true", "stripeCustomerId: true")
    check = _authentication(
        tmp_path,
        {"app/mention/actions.ts": billing},
        "server_action:app/mention/actions.ts#searchUsers",
        schema=schema,
    )
    assert check.status.value == "fail", check


PUBLIC_STATS = """import { DateTime } from "luxon";
import { makeStore } from "@acme/kv";

export async function GET() {
  const res = await fetch("https://stats.example.com/api/stars");
  const rows: { month: string; stars: number }[] = await res.json();
  const labels = rows.map((row) => DateTime.fromISO(row.month).toFormat("MMM yyyy"));
  return Response.json({ labels, data: rows.map((row) => row.stars) });
}
"""


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ("", "n/a"),
        # a client of a package the audit does not know may act
        ('  await makeStore().set("seen", Date.now());\n', "fail"),
    ],
)
def test_public_figures_formatted_with_a_date_library_have_nothing_to_protect(
    tmp_path: Path, extra: str, status: str
) -> None:
    route = PUBLIC_STATS.replace("  return Response.json", extra + "  return Response.json")
    check = _authentication(
        tmp_path,
        {"app/api/stars/route.ts": route},
        "route_handler:app/api/stars/route.ts#GET",
        dependencies={"luxon": "3.5.0", "@acme/kv": "1.0.0"},
    )
    assert check.status.value == status, check.evidence


PARAMS = """import { z } from "zod";

export function paramCodec<T extends z.ZodRawShape>(shape: T) {
  const schema = z.object(shape);
  return {
    decode: (url: string) => schema.safeParse(Object.fromEntries(new URL(url).searchParams)),
    encode: (value: z.infer<typeof schema>) => new URLSearchParams(value as never).toString(),
  };
}

export const cardParams = paramCodec({ title: z.string().max(80) });
"""

STORE = """import { makeStore } from "@acme/kv";

export function storeCodec() {
  const store = makeStore();
  return { decode: (url: string) => store.get(url) };
}

export const cardParams = storeCodec();
"""

CARD_ROUTE = """import { cardParams } from "@/lib/params";

export async function GET(req: Request) {
  const parsed = cardParams.decode(req.url);
  return Response.json(parsed);
}
"""


@pytest.mark.parametrize(("lib", "status"), [(PARAMS, "n/a"), (STORE, "fail")])
def test_a_module_object_built_by_a_repository_function_is_what_that_function_does(
    tmp_path: Path, lib: str, status: str
) -> None:
    check = _authentication(
        tmp_path,
        {"lib/params.ts": lib, "app/api/card/route.ts": CARD_ROUTE},
        "route_handler:app/api/card/route.ts#GET",
        dependencies={"@acme/kv": "1.0.0"},
    )
    assert check.status.value == status, check.evidence


LINKS_SCHEMA = (
    PRISMA_SCHEMA
    + """
model InviteLink {
  id     String @id @default(cuid())
  code   String @unique
  userId String
}

model Voucher {
  id     String @id @default(cuid())
  code   String @unique
  userId String
}
"""
)

BY_CODE = """export async function GET(_req: Request, { params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const row = await prisma.MODEL.findFirst({ where: { code } });
  return Response.json({ id: row?.id });
}
"""


@pytest.mark.parametrize(("model", "status"), [("inviteLink", "n/a"), ("voucher", "fail")])
def test_the_code_of_an_invitation_link_is_the_links_secret(
    tmp_path: Path, model: str, status: str
) -> None:
    route = 'import { prisma } from "@/lib/db";\n' + BY_CODE.replace("MODEL", model)
    check = _authentication(
        tmp_path,
        {"app/api/links/[code]/route.ts": route},
        "route_handler:app/api/links/[code]/route.ts#GET",
        schema=LINKS_SCHEMA,
    )
    assert check.status.value == status, check.evidence
