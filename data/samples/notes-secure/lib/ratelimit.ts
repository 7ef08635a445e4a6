import "server-only";

import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { headers } from "next/headers";

const redis = Redis.fromEnv();

/** Password sign-in, keyed by email: slows down guessing against one account. */
export const signInLimiter = new Ratelimit({
  redis,
  prefix: "rl:sign-in",
  limiter: Ratelimit.slidingWindow(5, "15 m"),
});

/** Account creation, keyed by client IP. */
export const signUpLimiter = new Ratelimit({
  redis,
  prefix: "rl:sign-up",
  limiter: Ratelimit.slidingWindow(3, "1 h"),
});

/** Invitation emails, keyed by inviter and team. */
export const inviteLimiter = new Ratelimit({
  redis,
  prefix: "rl:invite",
  limiter: Ratelimit.slidingWindow(20, "1 d"),
});

/** Emailed exports, keyed by user. */
export const exportLimiter = new Ratelimit({
  redis,
  prefix: "rl:export",
  limiter: Ratelimit.fixedWindow(5, "1 h"),
});

/** The client IP as seen by the platform's proxy, for keys of anonymous requests. */
export async function clientIp(): Promise<string> {
  const forwarded = (await headers()).get("x-forwarded-for");
  return forwarded?.split(",")[0]?.trim() || "unknown";
}
