import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  // Augments the Auth.js session with the user id that callbacks.session copies from the JWT.
  // ok: TYP003
  interface Session {
    user: { id: string } & DefaultSession["user"];
  }
}
