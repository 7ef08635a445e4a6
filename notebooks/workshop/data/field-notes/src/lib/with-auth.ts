import type { Session } from "next-auth";
import { NextResponse } from "next/server";

import { auth } from "@/auth";

type Handler<C> = (req: Request, context: C, session: Session) => Promise<Response>;

/** Runs `handler` for a signed-in user only; everyone else gets 401. */
export function withAuth<C>(handler: Handler<C>) {
  return async (req: Request, context: C) => {
    const session = await auth();
    if (!session?.user?.id) {
      return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
    }
    return handler(req, context, session);
  };
}
