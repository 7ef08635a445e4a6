import { auth } from "@/auth";

export class UnauthorizedError extends Error {}

/** The signed-in user, or an UnauthorizedError that the route turns into a 401. */
export async function requireUser() {
  const session = await auth();
  if (!session?.user?.id) throw new UnauthorizedError();
  return { id: session.user.id, email: session.user.email };
}
