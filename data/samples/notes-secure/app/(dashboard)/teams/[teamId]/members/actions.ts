"use server";

import { createHash, randomBytes } from "node:crypto";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { writeAuditLog } from "@/lib/audit";
import { requireMembership } from "@/lib/authz";
import { prisma } from "@/lib/db";
import { sendInvitationEmail } from "@/lib/mail";
import { inviteLimiter } from "@/lib/ratelimit";
import { ActionError, authActionClient } from "@/lib/safe-action";
import { changeRoleSchema, removeMemberSchema } from "@/lib/validators";

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const inviteMember = authActionClient
  .inputSchema(
    z.object({
      teamId: z.string().uuid(),
      email: z.string().trim().toLowerCase().email().max(320),
      role: z.enum(["ADMIN", "MEMBER", "VIEWER"]),
    }),
  )
  .action(async ({ parsedInput: { teamId, email, role }, ctx }) => {
    await requireMembership(teamId, ctx.userId, "ADMIN");

    const { success } = await inviteLimiter.limit(`${ctx.userId}:${teamId}`);
    if (!success) throw new ActionError("Too many invitations today. Try again tomorrow.");

    const token = randomBytes(32).toString("base64url");
    const { invitation, teamName } = await prisma.$transaction(async (tx) => {
      const created = await tx.invitation.create({
        data: {
          teamId,
          email,
          role,
          tokenHash: createHash("sha256").update(token).digest("hex"),
          invitedById: ctx.userId,
          expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
        },
        select: { id: true, email: true, role: true, expiresAt: true, team: { select: { name: true } } },
      });
      await writeAuditLog({ action: "INVITATION_CREATED", actorId: ctx.userId, teamId, targetId: created.id, metadata: { email, role } }, tx);
      const { team, ...invitation } = created;
      return { invitation, teamName: team.name };
    });

    await sendInvitationEmail(email, teamName, `${process.env.NEXT_PUBLIC_APP_URL}/invitations/${token}`);
    revalidatePath(`/teams/${teamId}/members`);
    return { invitation };
  });

export const changeMemberRole = authActionClient
  .inputSchema(changeRoleSchema)
  .action(async ({ parsedInput: { teamId, membershipId, role }, ctx }) => {
    await requireMembership(teamId, ctx.userId, "OWNER");

    const membership = await prisma.$transaction(async (tx) => {
      const target = await tx.membership.findFirst({ where: { id: membershipId, teamId }, select: { id: true, userId: true, role: true } });
      if (!target) throw new ActionError("This member is no longer in the team.");
      if (target.userId === ctx.userId) throw new ActionError("You cannot change your own role.");

      const updated = await tx.membership.update({ where: { id: target.id }, data: { role }, select: { id: true, role: true } });
      await writeAuditLog({ action: "MEMBER_ROLE_CHANGED", actorId: ctx.userId, teamId, targetId: target.id, metadata: { from: target.role, to: role } }, tx);
      return updated;
    });

    revalidatePath(`/teams/${teamId}/members`);
    return { membership };
  });

export const removeMember = authActionClient
  .inputSchema(removeMemberSchema)
  .action(async ({ parsedInput: { teamId, membershipId }, ctx }) => {
    const actor = await requireMembership(teamId, ctx.userId, "ADMIN");

    await prisma.$transaction(async (tx) => {
      const target = await tx.membership.findFirst({ where: { id: membershipId, teamId }, select: { id: true, userId: true, role: true } });
      if (!target) throw new ActionError("This member is no longer in the team.");
      if (target.role === "OWNER" && actor.role !== "OWNER") throw new ActionError("Only an owner can remove an owner.");

      // ok: AUD001
      await tx.membership.delete({ where: { id: target.id }, select: { id: true } });
      await writeAuditLog({ action: "MEMBER_REMOVED", actorId: ctx.userId, teamId, targetId: target.userId, metadata: { role: target.role } }, tx);
    });

    revalidatePath(`/teams/${teamId}/members`);
    return { removed: membershipId };
  });
