"use server";

import { createHash, randomBytes } from "node:crypto";

import { revalidatePath } from "next/cache";

import { writeAuditLog } from "@/lib/audit";
import { prisma } from "@/lib/db";
import { ActionError, authActionClient } from "@/lib/safe-action";
import { createApiKeySchema, revokeApiKeySchema } from "@/lib/validators";

export const createApiKey = authActionClient
  .inputSchema(createApiKeySchema)
  .action(async ({ parsedInput: { name }, ctx }) => {
    const key = `ntk_${randomBytes(24).toString("base64url")}`;

    const apiKey = await prisma.$transaction(async (tx) => {
      const created = await tx.apiKey.create({
        data: { userId: ctx.userId, name, prefix: key.slice(0, 8), hashedKey: createHash("sha256").update(key).digest("hex") },
        select: { id: true, name: true, prefix: true, createdAt: true },
      });
      await writeAuditLog({ action: "API_KEY_CREATED", actorId: ctx.userId, targetId: created.id, metadata: { name } }, tx);
      return created;
    });

    revalidatePath("/settings");
    // The plain key is returned once, to the user who created it; only its digest is stored.
    // ok: EXP001
    return { apiKey, key };
  });

export const revokeApiKey = authActionClient
  .inputSchema(revokeApiKeySchema)
  .action(async ({ parsedInput: { id }, ctx }) => {
    await prisma.$transaction(async (tx) => {
      const { count } = await tx.apiKey.updateMany({ where: { id, userId: ctx.userId, revokedAt: null }, data: { revokedAt: new Date() } });
      if (count === 0) throw new ActionError("This key does not exist or is already revoked.");
      await writeAuditLog({ action: "API_KEY_REVOKED", actorId: ctx.userId, targetId: id }, tx);
    });

    revalidatePath("/settings");
    return { revoked: id };
  });
