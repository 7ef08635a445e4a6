import "server-only";

import { createSafeActionClient, DEFAULT_SERVER_ERROR_MESSAGE } from "next-safe-action";

import { auth } from "@/auth";
import { ForbiddenError } from "@/lib/authz";

/** An error whose message was written for the user and may be shown as is. */
export class ActionError extends Error {}

/** Every Server Action built from this client runs only for a signed-in user. */
export const authActionClient = createSafeActionClient({
  handleServerError(error) {
    // ok: EXP002
    if (error instanceof ActionError) return error.message;
    if (error instanceof ForbiddenError) return "You do not have access to this team.";
    console.error("Server Action failed", error);
    return DEFAULT_SERVER_ERROR_MESSAGE;
  },
}).use(async ({ next }) => {
  const session = await auth();
  if (!session?.user?.id) throw new ActionError("Please sign in again.");
  return next({ ctx: { userId: session.user.id } });
});
