import { auth } from "@clerk/nextjs/server";
import { eq } from "drizzle-orm";

import { db } from "@/db";
import { users } from "@/db/schema";

/** True when the signed-in user has the admin role in our database. */
export async function isAdmin(): Promise<boolean> {
  const { userId } = auth();
  if (!userId) return false;
  const [user] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId));
  return user?.role === "admin";
}
