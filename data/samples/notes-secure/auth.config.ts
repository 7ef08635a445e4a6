import type { NextAuthConfig } from "next-auth";
import GitHub from "next-auth/providers/github";

/**
 * The edge-safe half of the Auth.js configuration: no database, no bcrypt. middleware.ts
 * builds its own `auth` from this; auth.ts adds the Prisma adapter and the password provider.
 */
export default {
  pages: { signIn: "/sign-in" },
  session: { strategy: "jwt", maxAge: 60 * 60 * 24 * 7 },
  providers: [
    GitHub({
      // We never call the GitHub API, so the OAuth tokens are not persisted.
      account: () => ({}),
    }),
  ],
} satisfies NextAuthConfig;
