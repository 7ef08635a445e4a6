import { assertOwnsNote } from "@acme/auth";
import { NextResponse } from "next/server";
import { z } from "zod";

import { prisma } from "@/lib/db";
import { withAuth } from "@/lib/with-auth";

const paramsSchema = z.object({ id: z.string().cuid() });

// assertOwnsNote() (the company's @acme/auth package) throws a 404 unless the note is the caller's.
export const GET = withAuth(async (_req, { params }: { params: { id: string } }, session) => {
  const { id } = paramsSchema.parse(params);
  const note = await prisma.note.findFirst({ where: { id } });
  assertOwnsNote(session, note);
  return NextResponse.json(note);
});
