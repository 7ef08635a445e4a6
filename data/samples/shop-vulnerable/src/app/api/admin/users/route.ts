import { auth } from "@clerk/nextjs/server";
import { desc } from "drizzle-orm";
import { NextResponse } from "next/server";

import { db } from "@/db";
import { users } from "@/db/schema";

// Customer list of the admin dashboard.
// expect: AZ003
export async function GET() {
  const { userId } = auth();
  if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });

  // expect: EXP001
  const allUsers = await db.select().from(users).orderBy(desc(users.createdAt));
  return NextResponse.json(allUsers);
}
