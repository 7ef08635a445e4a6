import "server-only";

import type { Membership, Role } from "@prisma/client";

import { prisma } from "@/lib/db";

const RANK: Record<Role, number> = { VIEWER: 0, MEMBER: 1, ADMIN: 2, OWNER: 3 };

/** Thrown when the user is not a member of the team, or has a lower role than required. */
export class ForbiddenError extends Error {
  constructor() {
    super("Forbidden");
    this.name = "ForbiddenError";
  }
}

/** The roles at or above `minimum`, for `role: { in: ... }` filters inside where clauses. */
export function rolesAtLeast(minimum: Role): Role[] {
  return (Object.keys(RANK) as Role[]).filter((role) => RANK[role] >= RANK[minimum]);
}

/**
 * The user's membership of the team, checked against a minimum role.
 * Throws ForbiddenError for non-members, so callers cannot forget to check the result.
 */
export async function requireMembership(
  teamId: string,
  userId: string,
  role: Role = "VIEWER",
): Promise<Pick<Membership, "id" | "role">> {
  const membership = await prisma.membership.findUnique({
    where: { teamId_userId: { teamId, userId } },
    select: { id: true, role: true },
  });
  if (!membership || RANK[membership.role] < RANK[role]) throw new ForbiddenError();
  return membership;
}
