import "server-only";

import type { AuditAction, Prisma } from "@prisma/client";

import { prisma } from "@/lib/db";

// The input of writeAuditLog, not a copy of the AuditLog model: ids are optional here.
// ok: TYP003
type AuditEntry = {
  action: AuditAction;
  actorId: string | null;
  teamId?: string | null;
  targetId?: string | null;
  metadata?: Prisma.InputJsonObject;
};

/**
 * Records who did what. Pass the transaction client so the log row commits or rolls back
 * together with the change it describes.
 */
export async function writeAuditLog(
  entry: AuditEntry,
  db: Prisma.TransactionClient = prisma,
): Promise<void> {
  await db.auditLog.create({
    data: {
      action: entry.action,
      actorId: entry.actorId,
      teamId: entry.teamId ?? null,
      targetId: entry.targetId ?? null,
      metadata: entry.metadata ?? {},
    },
    select: { id: true },
  });
}
