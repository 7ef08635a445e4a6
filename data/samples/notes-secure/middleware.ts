import NextAuth from "next-auth";

import authConfig from "@/auth.config";

const { auth } = NextAuth(authConfig);

// Sends signed-out visitors of the dashboard pages to the sign-in page. Route handlers and
// Server Actions check the session themselves; this only saves a round trip.
export default auth((request) => {
  if (request.auth?.user) return;

  const signInUrl = new URL("/sign-in", request.nextUrl.origin);
  signInUrl.searchParams.set("callbackUrl", request.nextUrl.pathname);
  // ok: NXT002
  return Response.redirect(signInUrl);
});

export const config = {
  matcher: ["/notes/:path*", "/teams/:path*", "/settings/:path*"],
};
