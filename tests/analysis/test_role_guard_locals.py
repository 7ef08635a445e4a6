"""An admin guard that tests a local read off the session it is given (`const isAdmin =
session?.user?.role.includes(ADMIN); if (!isAdmin) throw`) stops signed-out callers and every
caller without the role: the action that calls it with the signed-in user is authenticated and
authorized as an admin operation. A fallback in the local (`?? fallback`) proves neither."""

from __future__ import annotations

from pathlib import Path

from archtools.results import Audit
from tests.support.minirepo import entry, make_repo, rules_at, run_audit

GUARDS = """import type { Session } from "next-auth";

export const assertAdmin = (session: Session | null) => {
  const isAdmin = session?.user?.role.includes("ADMIN");

  if (!isAdmin) {
    throw new Error("You are not authorized to perform this action.");
  }
};

export const assertAnything = (session: Session | null, fallback: { role: string }) => {
  const user = session?.user ?? fallback;
  if (!user) {
    throw new Error("never");
  }
};
"""

ACTIONS = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { assertAdmin, assertAnything } from "@/lib/guards";

export async function banUser(userId: string) {
  const session = await auth();
  assertAdmin(session);
  await prisma.user.update({ where: { id: userId }, data: { role: "USER" } });
}

export async function renameNote(noteId: string, title: string) {
  const session = await auth();
  assertAnything(session, { role: "USER" });
  await prisma.note.update({ where: { id: noteId }, data: { title } });
}
"""

FILE = "app/admin/actions.ts"


def test_a_role_tested_through_a_local_guards_the_action(tmp_path: Path) -> None:
    make_repo(tmp_path, {"lib/guards.ts": GUARDS, FILE: ACTIONS})
    result = run_audit(tmp_path)
    point = entry(result, f"server_action:{FILE}#banUser")
    authn, authz = point.checks.authentication, point.checks.authorization
    assert authn.status.value == "pass", authn
    assert ("lib/guards.ts", 6) in {(e.file, e.line) for e in authn.evidence}
    assert authz.status.value == "pass", authz
    assert any("session?.user?.role.includes" in e.detail for e in authz.evidence), authz
    assert not [r for r in rules_at(result, FILE) if r[0].startswith(("AZ", "ATH")) and r[2] == 9]


def test_a_local_with_a_fallback_proves_no_caller(tmp_path: Path) -> None:
    make_repo(tmp_path, {"lib/guards.ts": GUARDS, FILE: ACTIONS})
    point = entry(run_audit(tmp_path), f"server_action:{FILE}#renameNote")
    assert point.checks.authentication.status.value == "fail", point.checks.authentication
    assert point.checks.authorization.status.value == "fail", point.checks.authorization


MODERATION_TRPC = """import { initTRPC, TRPCError } from "@trpc/server";
type User = { id: string; isModerator: boolean };
export const t = initTRPC.context<{ user: User | null }>().create();
export const createTRPCRouter = t.router;
const signedIn = t.middleware(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { user: ctx.user } });
});
const moderatorsOnly = t.middleware(({ ctx: { user }, next }) => {
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED" });
  if (!user.isModerator) throw new TRPCError({ code: "FORBIDDEN" });
  return next({ ctx: { user } });
});
export const memberProcedure = t.procedure.use(signedIn);
export const staffProcedure = memberProcedure.use(moderatorsOnly);
"""

MODERATION_ROUTER = """import { z } from "zod";
import { createTRPCRouter, memberProcedure, staffProcedure } from "../trpc";
import { prisma } from "@/lib/db";

export const noteRouter = createTRPCRouter({
  hide: staffProcedure
    .input(z.object({ id: z.string() }))
    .mutation(({ input }) => prisma.note.delete({ where: { id: input.id } })),
  drop: memberProcedure
    .input(z.object({ id: z.string() }))
    .mutation(({ input }) => prisma.note.delete({ where: { id: input.id } })),
});
"""


def _moderation_app(tmp_path: Path, trpc: str) -> Audit:
    make_repo(
        tmp_path,
        {
            "server/trpc.ts": trpc,
            "server/routers/note.ts": MODERATION_ROUTER,
            "server/root.ts": 'import { createTRPCRouter } from "./trpc";\n'
            'import { noteRouter } from "./routers/note";\n'
            "export const appRouter = createTRPCRouter({ note: noteRouter });\n",
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    return run_audit(tmp_path)


def test_a_moderator_flag_checked_in_procedure_middleware_is_a_role_guard(tmp_path: Path) -> None:
    result = _moderation_app(tmp_path, MODERATION_TRPC)
    hide = entry(result, "trpc_procedure:server/routers/note.ts#note.hide").checks.authorization
    assert hide.status.value == "pass", hide
    assert any("user.isModerator" in e.detail for e in hide.evidence), hide
    places = [(e.file, e.line, e.detail) for e in hide.evidence]
    assert len(places) == len(set(places)), places  # each place and reason once
    drop = entry(result, "trpc_procedure:server/routers/note.ts#note.drop").checks.authorization
    assert drop.status.value == "fail", drop


OPERATOR_TRPC = MODERATION_TRPC.replace(
    """const moderatorsOnly = t.middleware(({ ctx: { user }, next }) => {
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED" });
  if (!user.isModerator) throw new TRPCError({ code: "FORBIDDEN" });
  return next({ ctx: { user } });
});""",
    """const moderatorsOnly = t.middleware(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED" });
  if (ctx.user.email !== process.env.OPERATOR_EMAIL) throw new TRPCError({ code: "FORBIDDEN" });
  return next({ ctx: { user: ctx.user } });
});""",
).replace("isModerator: boolean", "email: string")


def test_the_operator_the_environment_names_is_an_admin_role(tmp_path: Path) -> None:
    assert "OPERATOR_EMAIL" in OPERATOR_TRPC
    result = _moderation_app(tmp_path, OPERATOR_TRPC)
    hide = entry(result, "trpc_procedure:server/routers/note.ts#note.hide").checks.authorization
    assert hide.status.value == "pass", hide
    assert any("process.env.OPERATOR_EMAIL" in e.detail for e in hide.evidence), hide
    drop = entry(result, "trpc_procedure:server/routers/note.ts#note.drop").checks.authorization
    assert drop.status.value == "fail", drop
