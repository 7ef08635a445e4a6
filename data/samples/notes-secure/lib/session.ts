import "server-only";

import { redirect } from "next/navigation";

import { auth } from "@/auth";

/** The signed-in user, for pages and Server Actions. Redirects to the sign-in page otherwise. */
export async function requireUser() {
  const session = await auth();
  const user = session?.user;
  if (!user?.id) redirect("/sign-in");
  return { id: user.id, email: user.email ?? null, name: user.name ?? null };
}
