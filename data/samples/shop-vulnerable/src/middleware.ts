import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";

// Pages and APIs that need a signed-in customer. Everything else is public.
const isProtectedRoute = createRouteMatcher(["/dashboard(.*)", "/account(.*)", "/api/orders(.*)"]);

export default clerkMiddleware((auth, req) => {
  if (isProtectedRoute(req)) auth().protect();
});

export const config = {
  matcher: [
    // Skip Next.js internals and static files, unless found in search params
    "/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)",
    // Always run for API routes
    "/(api|trpc)(.*)",
  ],
};
