import { NextResponse } from "next/server";
import { z } from "zod";

import { prisma } from "@/lib/db";

const paramsSchema = z.object({ handle: z.string().min(1).max(40) });

// Public profile pages: anyone may read a user's handle, bio and report titles.
export async function GET(_req: Request, { params }: { params: { handle: string } }) {
  const { handle } = paramsSchema.parse(params);
  const profile = await prisma.user.findUnique({
    where: { handle },
    select: { handle: true, bio: true, reports: { select: { id: true, title: true } } },
  });
  if (!profile) return NextResponse.json({ error: "Not found" }, { status: 404 });
  return NextResponse.json(profile);
}
