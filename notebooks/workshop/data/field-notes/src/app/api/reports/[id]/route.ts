import { requireUser } from "@acme/auth";
import { NextResponse } from "next/server";
import { z } from "zod";

import { prisma } from "@/lib/db";

const paramsSchema = z.object({ id: z.string().cuid() });

// @acme/auth is the company's sign-in package, installed from its private registry:
// requireUser() answers 401 itself when nobody is signed in.
export async function GET(_req: Request, { params }: { params: { id: string } }) {
  const user = await requireUser();
  const { id } = paramsSchema.parse(params);
  const report = await prisma.report.findFirst({ where: { id, userId: user.id } });
  if (!report) return NextResponse.json({ error: "Not found" }, { status: 404 });
  return NextResponse.json(report);
}
