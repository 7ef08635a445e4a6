import { NextResponse } from "next/server";
import { z } from "zod";

import { requireUser } from "@/lib/session";
import { completeTask } from "@/server/services/tasks";

const paramsSchema = z.object({ id: z.string().cuid() });

export async function POST(_req: Request, { params }: { params: { id: string } }) {
  await requireUser();
  const { id } = paramsSchema.parse(params);
  const task = await completeTask(id);
  return NextResponse.json({ id: task.id, done: task.done });
}
