import { NextResponse } from "next/server";
import { z } from "zod";

import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

const paramsSchema = z.object({ id: z.string().cuid() });

export async function GET(_req: Request, { params }: { params: { id: string } }) {
  const user = await requireUser();
  const { id } = paramsSchema.parse(params);
  const task = await prisma.task.findFirst({ where: { id, assigneeId: user.id } });
  if (!task) return NextResponse.json({ error: "Not found" }, { status: 404 });
  return NextResponse.json(task);
}

export async function PATCH(req: Request, { params }: { params: { id: string } }) {
  const { id } = paramsSchema.parse(params);
  const { title } = z.object({ title: z.string().trim().min(1).max(200) }).parse(await req.json());
  const task = await prisma.task.update({ where: { id }, data: { title } });
  return NextResponse.json({ id: task.id, title: task.title });
}
