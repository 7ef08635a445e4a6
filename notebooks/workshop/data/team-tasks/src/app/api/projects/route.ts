import { NextResponse } from "next/server";

import { prisma } from "@/lib/db";
import { withAuth } from "@/lib/with-auth";

export const GET = withAuth(async (_req, _context, session) => {
  const projects = await prisma.project.findMany({
    where: { organization: { memberships: { some: { userId: session.user.id } } } },
    select: { id: true, name: true },
  });
  return NextResponse.json(projects);
});
