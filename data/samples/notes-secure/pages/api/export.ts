import type { NextApiRequest, NextApiResponse } from "next";

import { auth } from "@/auth";
import { ForbiddenError, requireMembership } from "@/lib/authz";
import { prisma } from "@/lib/db";
import { sendExportEmail } from "@/lib/mail";
import { exportLimiter } from "@/lib/ratelimit";
import { exportQuerySchema, exportRequestSchema } from "@/lib/validators";

async function loadNotes(teamId: string) {
  // ok: PRF002
  return prisma.note.findMany({
    where: { teamId, deletedAt: null },
    select: { id: true, title: true, body: true, createdAt: true, updatedAt: true },
    orderBy: { createdAt: "asc" },
  });
}

/** GET downloads a team's notes as JSON; POST emails them to the signed-in user. */
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const session = await auth(req, res);
  if (!session?.user?.id) return res.status(401).json({ error: "Unauthorized" });
  const userId = session.user.id;

  try {
    if (req.method === "GET") {
      const parsed = exportQuerySchema.safeParse(req.query);
      if (!parsed.success) return res.status(400).json({ error: "Invalid request" });

      await requireMembership(parsed.data.teamId, userId);
      const notes = await loadNotes(parsed.data.teamId);
      res.setHeader("Content-Disposition", `attachment; filename="notes-${parsed.data.teamId}.json"`);
      return res.status(200).json({ teamId: parsed.data.teamId, exportedAt: new Date().toISOString(), notes });
    }

    if (req.method === "POST") {
      const { success } = await exportLimiter.limit(userId);
      if (!success) return res.status(429).json({ error: "Too many exports. Try again later." });

      const parsed = exportRequestSchema.safeParse(req.body);
      if (!parsed.success) return res.status(400).json({ error: "Invalid request" });

      await requireMembership(parsed.data.teamId, userId, "ADMIN");
      const team = await prisma.team.findUniqueOrThrow({ where: { id: parsed.data.teamId }, select: { name: true } });
      const notes = await loadNotes(parsed.data.teamId);
      if (session.user.email) await sendExportEmail(session.user.email, team.name, JSON.stringify(notes));
      return res.status(202).json({ queued: true });
    }

    res.setHeader("Allow", "GET, POST");
    return res.status(405).json({ error: "Method not allowed" });
  } catch (error) {
    if (error instanceof ForbiddenError) return res.status(404).json({ error: "Not found" });
    console.error(error);
    return res.status(500).json({ error: "Something went wrong" });
  }
}
