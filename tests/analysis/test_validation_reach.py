"""Input validation decided by where the client's values go (ANALYSIS-MODEL.md section 4): a pass needs
a checked value that reaches a sink, a check of a container is no check of what it holds, and the
client's values are followed through loops, callbacks and queries whose rows are mapped."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit

SEARCH_ROUTE = """import { z } from "zod";
import { prisma } from "@/lib/db";
const Query = z.object({ q: z.string().max(100) });
const WORDS = ["alpha", "beta"];
export async function GET(request: Request) {
  const url = new URL(request.url);
  const parsed = Query.safeParse({ q: url.searchParams.get("q") });
  if (!parsed.success) return Response.json({ error: "bad" }, { status: 400 });
  const hits = WORDS.filter((word) => word.includes(parsed.data.q));
  return Response.json({ hits });
}
"""


def test_checked_input_that_reaches_no_sink_is_not_applicable(tmp_path: Path) -> None:
    stored = SEARCH_ROUTE.replace(
        "const hits = WORDS.filter((word) => word.includes(parsed.data.q));",
        "const hits = await prisma.note.findMany({ where: { title: parsed.data.q } });",
    )
    make_repo(tmp_path, {"app/api/search/route.ts": SEARCH_ROUTE, "app/api/notes/route.ts": stored})
    result = run_audit(tmp_path)
    in_memory = entry(result, "route_handler:app/api/search/route.ts#GET")
    check = in_memory.checks.input_validation
    # the schema checks a value that only filters a constant list: nothing needed the check
    assert check.status.value == "n/a", check
    queried = entry(result, "route_handler:app/api/notes/route.ts#GET").checks.input_validation
    assert queried.status.value == "pass" and queried.evidence[0].line == 7, queried


COMPARED_ACTION = """"use server";
import { auth } from "@/auth";
import { useRecoveryCode } from "@/lib/codes";
export async function resetWithRecoveryCode(_prev: unknown, formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) return { message: "Not signed in" };
  const code = formData.get("code");
  if (typeof code !== "string") return { message: "Invalid code" };
  const valid = useRecoveryCode(session.user.id, code);
  if (!valid) return { message: "Wrong code" };
  return { message: "ok" };
}
"""

CODES = """import { db } from "@/lib/sqlite";
export function useRecoveryCode(userId: string, code: string): boolean {
  const row = db.queryOne("SELECT recovery_code FROM user WHERE id = ?", [userId]);
  if (row === null) return false;
  if (row.string(0) !== code) return false;
  db.execute("UPDATE user SET recovery_code = NULL WHERE id = ?", [userId]);
  return true;
}
"""


def test_a_checked_value_only_compared_in_a_helper_is_not_applicable(tmp_path: Path) -> None:
    files = {
        "app/recovery/actions.ts": COMPARED_ACTION,
        "lib/codes.ts": CODES,
        "lib/sqlite.ts": "export const db: any = {};\n",
    }
    make_repo(tmp_path, files)
    point = entry(
        run_audit(tmp_path), "server_action:app/recovery/actions.ts#resetWithRecoveryCode"
    )
    # the code is compared in memory with the stored one; the queries are keyed by the caller
    check = point.checks.input_validation
    assert check.status.value == "n/a", check


BULK_DELETE = """import { prisma } from "@/lib/db";
import { auth } from "@/auth";
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { noteIds } = await request.json();
  if (!Array.isArray(noteIds) || noteIds.length === 0 || noteIds.length > 100) {
    return Response.json({ error: "noteIds must be a non-empty array" }, { status: 400 });
  }
  await prisma.note.deleteMany({ where: { id: { in: noteIds }, authorId: session.user.id } });
  return Response.json({ ok: true });
}
"""


def test_a_check_of_a_container_does_not_validate_what_it_holds(tmp_path: Path) -> None:
    as_object = BULK_DELETE.replace(
        "!Array.isArray(noteIds) || noteIds.length === 0 || noteIds.length > 100",
        'typeof noteIds !== "object" || noteIds === null',
    ).replace("in: noteIds }", "in: noteIds.list }")
    as_string = BULK_DELETE.replace(
        "!Array.isArray(noteIds) || noteIds.length === 0 || noteIds.length > 100",
        'typeof noteIds !== "string"',
    ).replace("{ in: noteIds }", "noteIds")
    make_repo(
        tmp_path,
        {
            "app/api/array/route.ts": BULK_DELETE,
            "app/api/object/route.ts": as_object,
            "app/api/string/route.ts": as_string,
        },
    )
    result = run_audit(tmp_path)
    for name in ("array", "object"):
        check = entry(result, f"route_handler:app/api/{name}/route.ts#POST").checks.input_validation
        # an array (or object) of anything passed: its elements reach the delete unchecked
        assert check.status.value == "fail", (name, check)
        assert check.evidence[0].line == 10, (name, check)
    scalar = entry(result, "route_handler:app/api/string/route.ts#POST").checks.input_validation
    assert scalar.status.value == "pass" and scalar.evidence[0].line == 7, scalar


MAPPED_ROWS = """import { z } from "zod";
import { prisma } from "@/lib/db";
const Ids = z.array(z.string().length(24)).max(100);
export async function POST(request: Request) {
  const results = Ids.safeParse(await request.json());
  if (!results.success) return Response.json({ error: "bad" }, { status: 400 });
  const titles =
    (
      await prisma.note.findMany({
        where: { id: { in: results.data } },
        select: { title: true },
      })
    )?.map((note) => note.title) ?? [];
  return Response.json(titles);
}
"""


def test_a_query_whose_rows_are_mapped_is_still_a_query(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/api/titles/route.ts": MAPPED_ROWS})
    point = entry(run_audit(tmp_path), "route_handler:app/api/titles/route.ts#POST")
    assert [(q.line, q.callee) for q in point.queries] == [(9, "prisma.note.findMany")]
    check = point.checks.input_validation
    assert check.status.value == "pass" and check.evidence[0].line == 5, check


TAG_ROUTE = """import { auth } from "@/auth";
import { saveTags } from "@/lib/tags";
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const body = await request.json();
  await saveTags(session.user.id, body.tags);
  return Response.json({ ok: true });
}
"""

SAVE_TAGS = """import { prisma } from "@/lib/db";
export async function saveTags(userId: string, tags: { label: string }[]) {
  for (const tag of tags) {
    await prisma.note.create({ data: { title: tag.label, body: "", authorId: userId } });
  }
}
"""

SAVE_TAGS_BY_CALLBACK = """import { prisma } from "@/lib/db";
export async function saveTags(userId: string, tags: { label: string }[]) {
  await Promise.all(
    tags.map((tag) => prisma.note.create({ data: { title: tag.label, body: "", authorId: userId } })),
  );
}
"""


def test_client_values_are_followed_through_loops_and_callbacks(tmp_path: Path) -> None:
    for name, helper in (("loop", SAVE_TAGS), ("callback", SAVE_TAGS_BY_CALLBACK)):
        make_repo(tmp_path / name, {"app/api/tags/route.ts": TAG_ROUTE, "lib/tags.ts": helper})
        point = entry(run_audit(tmp_path / name), "route_handler:app/api/tags/route.ts#POST")
        check = point.checks.input_validation
        # each element of the client's list is written: unchecked, it fails
        assert check.status.value == "fail", (name, check)
        assert "prisma.note.create()" in check.evidence[0].detail, (name, check)


LISTING = """export type Post = { slug: string; title: string };
const POSTS: Post[] = [{ slug: "hello", title: "Hello" }];
export function allPosts(): Post[] {
  return POSTS;
}
"""

LISTING_ROUTE = """import { allPosts } from "@/lib/posts";
export async function GET(request: Request) {
  const slug = new URL(request.url).searchParams.get("slug");
  const posts = allPosts();
  const found = posts.filter((post) => post.slug === slug);
  return Response.json(found);
}
"""


def test_going_through_a_list_in_memory_is_no_sink(tmp_path: Path) -> None:
    make_repo(tmp_path, {"lib/posts.ts": LISTING, "app/api/posts/route.ts": LISTING_ROUTE})
    point = entry(run_audit(tmp_path), "route_handler:app/api/posts/route.ts#GET")
    # the slug only picks among rows already in memory: no query, no service
    check = point.checks.input_validation
    assert check.status.value == "n/a", check


MEMORY_ACTION = """"use server";
import { Memories } from "memories-sdk";
import { auth } from "@/auth";
const memories = new Memories({ apiKey: process.env.MEMORIES_KEY });
export async function forget(memoryId: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Authentication required");
  await memories.documents.delete(memoryId);
}
"""


def test_a_package_client_made_with_a_credential_is_a_service_sink(tmp_path: Path) -> None:
    local = MEMORY_ACTION.replace("{ apiKey: process.env.MEMORIES_KEY }", "{ size: 10 }")
    make_repo(
        tmp_path,
        {"app/memories/actions.ts": MEMORY_ACTION, "app/cache/actions.ts": local},
        dependencies={"memories-sdk": "1.0.0"},
    )
    result = run_audit(tmp_path)
    remote = entry(result, "server_action:app/memories/actions.ts#forget").checks.input_validation
    # the client's id is sent, unchecked, to a service acting on the app's account
    assert remote.status.value == "fail" and remote.evidence[0].line == 8, remote
    assert "(memories-sdk)" in remote.evidence[0].detail
    in_memory = entry(result, "server_action:app/cache/actions.ts#forget").checks.input_validation
    assert in_memory.status.value == "n/a", in_memory


CANCEL_ROUTE = """import { prisma } from "@/lib/db";
import { auth } from "@/auth";
const running = new Map<string, { noteId: string; controller: AbortController }>();
export async function DELETE(request: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const runId = new URL(request.url).searchParams.get("runId");
  if (!runId) return Response.json({ error: "runId required" }, { status: 400 });
  const run = running.get(runId);
  if (!run) return Response.json({ error: "not found" }, { status: 404 });
  run.controller.abort();
  running.delete(runId);
  await prisma.note.updateMany({
    where: { id: run.noteId, authorId: session.user.id },
    data: { title: "cancelled" },
  });
  return Response.json({ ok: true });
}
"""


def test_what_a_map_in_memory_holds_is_the_servers(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/api/runs/route.ts": CANCEL_ROUTE})
    point = entry(run_audit(tmp_path), "route_handler:app/api/runs/route.ts#DELETE")
    # the client's id only picks an entry the server keeps; the note id in it is the server's
    check = point.checks.input_validation
    assert check.status.value == "n/a", check


NEWSLETTER = """import mailer from "mailer-marketing";
mailer.setConfig({ apiKey: process.env.MAILER_KEY, server: "us1" });
export async function POST(request: Request) {
  const { email, name } = await request.json();
  await mailer.lists.addMember("list", { email_address: email, merge_fields: { name } });
  return Response.json({ ok: true });
}
"""


def test_a_package_configured_with_a_credential_is_a_service_sink(tmp_path: Path) -> None:
    make_repo(
        tmp_path, {"app/api/subscribe/route.ts": NEWSLETTER}, dependencies={"mailer-marketing": "1"}
    )
    point = entry(run_audit(tmp_path), "route_handler:app/api/subscribe/route.ts#POST")
    check = point.checks.input_validation
    assert check.status.value == "fail" and check.evidence[0].line == 5, check
    assert "(mailer-marketing)" in check.evidence[0].detail


PROFILE_ACTION = """"use server";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { auth } from "@/auth";
const ProfileSchema = z.object({ bio: z.string().max(256) });
export async function updateProfile(data: { bio: string }) {
  const session = await auth();
  if (!session?.user?.id) return { error: "unauthorized" };
  ProfileSchema.parse(data);
  await prisma.user.update({ where: { id: session.user.id }, data: { email: data.bio } });
  return { ok: true };
}
"""


def test_a_parse_that_throws_validates_what_follows(tmp_path: Path) -> None:
    unchecked = PROFILE_ACTION.replace(
        "ProfileSchema.parse(data);", "ProfileSchema.safeParse(data);"
    )
    make_repo(tmp_path / "parse", {"app/profile/actions.ts": PROFILE_ACTION})
    make_repo(tmp_path / "safe", {"app/profile/actions.ts": unchecked})
    action = "server_action:app/profile/actions.ts#updateProfile"
    check = entry(run_audit(tmp_path / "parse"), action).checks.input_validation
    # the parse throws on a bad value, so the update only ever gets a checked value
    assert check.status.value == "pass" and check.evidence[0].line == 9, check
    ignored = entry(run_audit(tmp_path / "safe"), action).checks.input_validation
    # safeParse returns the failure instead, and nothing branches on it
    assert ignored.status.value == "fail", ignored
