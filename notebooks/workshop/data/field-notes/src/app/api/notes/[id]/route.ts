import { NextResponse } from "next/server";
import { z } from "zod";

import { prisma } from "@/lib/db";
import { withAuth } from "@/lib/with-auth";

const paramsSchema = z.object({ id: z.string().cuid() });

export const GET = withAuth(async (_req, { params }: { params: { id: string } }, session) => {
  const { id } = paramsSchema.parse(params);
  const note = await prisma.note.findFirst({ where: { id, userId: session.user.id } });
  if (!note) return NextResponse.json({ error: "Not found" }, { status: 404 });
  return NextResponse.json(note);
});
