import { NextResponse } from "next/server";

import { requireUser } from "@/lib/session";
import { listTasks } from "@/server/services/tasks";

export async function GET() {
  const user = await requireUser();
  return NextResponse.json(await listTasks(user.id));
}
