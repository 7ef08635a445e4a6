"""The files every synthetic monorepo has once: workspace and app configs, auth, db client, UI basics."""

from __future__ import annotations

import json

from benchmarks.repo_schema import Model
from benchmarks.repo_support import WEB_DEPS, package_json

NEXT_CONFIG = (
    "/** @type {import('next').NextConfig} */\nconst nextConfig = {\n  reactStrictMode: true,\n"
    '  transpilePackages: ["@acme/ui", "@acme/lib", "@acme/db"],\n'
    '  experimental: { serverActions: { bodySizeLimit: "2mb" } },\n};\n\nexport default nextConfig;\n'
)

AUTH_CONFIG = """import type { NextAuthConfig } from "next-auth";
import GitHub from "next-auth/providers/github";

export default {
  providers: [GitHub],
  pages: { signIn: "/sign-in" },
  callbacks: {
    authorized({ auth, request }) {
      const isDashboard = request.nextUrl.pathname.startsWith("/dashboard");
      return isDashboard ? Boolean(auth?.user) : true;
    },
  },
} satisfies NextAuthConfig;
"""

AUTH = """import { PrismaAdapter } from "@auth/prisma-adapter";
import NextAuth from "next-auth";

import { prisma } from "@acme/db";

import authConfig from "./auth.config";

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  adapter: PrismaAdapter(prisma),
  session: { strategy: "jwt" },
  callbacks: {
    ...authConfig.callbacks,
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
});
"""

MIDDLEWARE = """import NextAuth from "next-auth";

import authConfig from "./auth.config";

const { auth } = NextAuth(authConfig);

export default auth((request) => {
  if (request.auth?.user) return;
  const signInUrl = new URL("/sign-in", request.nextUrl.origin);
  signInUrl.searchParams.set("callbackUrl", request.nextUrl.pathname);
  return Response.redirect(signInUrl);
});

export const config = {
  matcher: ["/dashboard/:path*", "/settings/:path*", "/api/internal/:path*"],
};
"""

SESSION = """import "server-only";

import { redirect } from "next/navigation";

import { auth } from "@/auth";

/** The signed-in user, for pages: redirects to the sign-in page otherwise. */
export async function requireSession() {
  const session = await auth();
  const user = session?.user;
  if (!user?.id) redirect("/sign-in");
  return { id: user.id, email: user.email ?? null, name: user.name ?? null };
}
"""

LAYOUT = """import type { ReactNode } from "react";

import "./globals.css";

export const metadata = { title: { default: "Acme", template: "%s - Acme" } };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-background font-sans antialiased">{children}</body>
    </html>
  );
}
"""

HOME = """import Link from "next/link";

export default function HomePage() {
  return (
    <main className="mx-auto max-w-3xl space-y-4 p-8">
      <h1 className="text-3xl font-bold">Acme</h1>
      <Link href="/dashboard">Open the dashboard</Link>
    </main>
  );
}
"""

LIB_AUTH = """import "server-only";

import { getServerSession } from "next-auth";

import { authOptions } from "./auth-options";

export class UnauthorizedError extends Error {
  readonly status = 401;
  constructor() {
    super("Unauthorized");
    this.name = "UnauthorizedError";
  }
}

/** The signed-in user or null. */
export async function getCurrentUser() {
  const session = await getServerSession(authOptions);
  return session?.user ?? null;
}

/** The signed-in user; throws UnauthorizedError otherwise. */
export async function requireUser() {
  const user = await getCurrentUser();
  if (!user?.id) throw new UnauthorizedError();
  return user;
}

/** The signed-in administrator; throws otherwise. */
export async function requireAdmin() {
  const user = await requireUser();
  if (!user.isAdmin) throw new UnauthorizedError();
  return user;
}
"""

LIB_AUTH_OPTIONS = """import type { NextAuthOptions } from "next-auth";
import GitHubProvider from "next-auth/providers/github";

export const authOptions: NextAuthOptions = {
  providers: [
    GitHubProvider({
      clientId: process.env.GITHUB_ID ?? "",
      clientSecret: process.env.GITHUB_SECRET ?? "",
    }),
  ],
  session: { strategy: "jwt" },
  callbacks: {
    session({ session, token }) {
      if (session.user && token.sub) session.user.id = token.sub;
      return session;
    },
  },
};
"""

RATE_LIMIT = """import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";

export const rateLimit = new Ratelimit({
  redis: Redis.fromEnv(),
  limiter: Ratelimit.slidingWindow(20, "60 s"),
  prefix: "acme",
});
"""

AUDIT = """import { prisma } from "@acme/db";

export type AuditEntry = { action: string; target: string; actorId: string; teamId?: string };

/** Appends one entry to the audit log. */
export async function writeAuditLog(entry: AuditEntry) {
  await prisma.auditLog.create({
    data: { action: entry.action, target: entry.target, actorId: entry.actorId, teamId: entry.teamId ?? "" },
  });
}
"""

HTTP = """import { NextResponse } from "next/server";
import { ZodError } from "zod";

import { UnauthorizedError } from "./auth";

/** A JSON error response that never leaks internals. */
export function errorResponse(error: unknown) {
  if (error instanceof ZodError) {
    return NextResponse.json({ error: "Invalid input", issues: error.issues }, { status: 400 });
  }
  if (error instanceof UnauthorizedError) {
    return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  }
  console.error(error);
  return NextResponse.json({ error: "Internal error" }, { status: 500 });
}
"""

COMMON = """import { z } from "zod";

export const idSchema = z.string().cuid();

export const paginationSchema = z.object({
  take: z.coerce.number().int().min(1).max(100).default(25),
  skip: z.coerce.number().int().min(0).default(0),
});

export const emailSchema = z.string().trim().toLowerCase().email().max(320);
"""

DB_INDEX = """import { PrismaClient } from "@prisma/client";

export * from "@prisma/client";

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

export const prisma =
  globalForPrisma.prisma ??
  new PrismaClient({ log: process.env.NODE_ENV === "development" ? ["warn", "error"] : ["error"] });

if (process.env.NODE_ENV !== "production") globalForPrisma.prisma = prisma;
"""

UI_CN = """export type ClassValue = string | false | null | undefined;

/** Joins class names, skipping empty values. */
export function cn(...values: ClassValue[]): string {
  return values.filter(Boolean).join(" ");
}
"""


def _ui_primitive(parts: list[tuple[str, str]]) -> str:
    text = 'import * as React from "react";\n\nimport { cn } from "./cn";\n'
    for name, tag in parts:
        text += (
            f'\nexport function {name}({{ className, ...props }}: React.ComponentProps<"{tag}"> & '
            "{ variant?: string }) {\n"
            f'  return <{tag} data-slot="{name.lower()}" className={{cn("{name.lower()}", className)}} {{...props}} />;\n}}\n'
        )
    return text


def fixed_files(models: list[Model], schema: str) -> dict[str, str]:
    """Every fixed file by repo-relative path; code files and configuration alike."""
    workspace = {"@acme/db": "workspace:*", "@acme/lib": "workspace:*", "@acme/ui": "workspace:*"}
    admin_deps = {
        **workspace,
        "next": "15.1.0",
        "next-auth": "^4.24.10",
        "react": "19.0.0",
        "zod": "^3.23.8",
    }
    base_ts = {
        "compilerOptions": {
            "target": "ES2022",
            "lib": ["dom", "dom.iterable", "esnext"],
            "module": "esnext",
            "moduleResolution": "bundler",
            "strict": True,
            "jsx": "preserve",
            "skipLibCheck": True,
            "paths": {
                "@acme/db": ["./packages/db/src/index.ts"],
                "@acme/lib/*": ["./packages/lib/src/*"],
                "@acme/ui/*": ["./packages/ui/src/*"],
            },
        }
    }

    def app_ts() -> str:
        options = {"plugins": [{"name": "next"}], "paths": {"@/*": ["./*"]}}
        config = {
            "extends": "../../tsconfig.json",
            "compilerOptions": options,
            "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx"],
            "exclude": ["node_modules"],
        }
        return json.dumps(config, indent=2) + "\n"

    return {
        "package.json": package_json(
            "acme",
            {},
            {
                "packageManager": "pnpm@9.12.0",
                "scripts": {"dev": "turbo dev", "build": "turbo build"},
            },
        ),
        "pnpm-workspace.yaml": 'packages:\n  - "apps/*"\n  - "packages/*"\n',
        "tsconfig.json": json.dumps(base_ts, indent=2) + "\n",
        ".gitignore": "node_modules\n.next\n.turbo\ndist\n.env*.local\n",
        "apps/web/package.json": package_json(
            "@acme/web", WEB_DEPS, {"scripts": {"dev": "next dev"}}
        ),
        "apps/web/tsconfig.json": app_ts(),
        "apps/web/next.config.mjs": NEXT_CONFIG,
        "apps/web/auth.config.ts": AUTH_CONFIG,
        "apps/web/auth.ts": AUTH,
        "apps/web/middleware.ts": MIDDLEWARE,
        "apps/web/lib/session.ts": SESSION,
        "apps/web/app/layout.tsx": LAYOUT,
        "apps/web/app/page.tsx": HOME,
        "apps/web/app/api/auth/[...nextauth]/route.ts": 'import { handlers } from "@/auth";\n\nexport const { GET, POST } = handlers;\n',
        "apps/web/app/api/health/route.ts": "export function GET() {\n  return Response.json({ ok: true });\n}\n",
        "apps/admin/package.json": package_json(
            "@acme/admin", admin_deps, {"scripts": {"dev": "next dev -p 3001"}}
        ),
        "apps/admin/tsconfig.json": app_ts(),
        "apps/admin/next.config.mjs": NEXT_CONFIG,
        "apps/admin/pages/_app.tsx": 'import type { AppProps } from "next/app";\n\nexport default function AdminApp({ Component, pageProps }: AppProps) {\n  return <Component {...pageProps} />;\n}\n',
        "apps/admin/pages/index.tsx": 'import Link from "next/link";\n\nexport default function AdminHome() {\n  return (\n    <main>\n      <h1>Admin</h1>\n      <Link href="/users">Users</Link>\n    </main>\n  );\n}\n',
        "apps/admin/pages/api/auth/[...nextauth].ts": 'import NextAuth from "next-auth";\n\nimport { authOptions } from "@acme/lib/auth-options";\n\nexport default NextAuth(authOptions);\n',
        "packages/db/package.json": package_json(
            "@acme/db",
            {"@prisma/client": "^5.22.0"},
            {"main": "./src/index.ts", "prisma": {"schema": "prisma/schema.prisma"}},
        ),
        "packages/db/prisma/schema.prisma": schema,
        "packages/db/src/index.ts": DB_INDEX,
        "packages/lib/package.json": package_json(
            "@acme/lib",
            {
                "@acme/db": "workspace:*",
                "next-auth": "^4.24.10",
                "zod": "^3.23.8",
                "@upstash/ratelimit": "^2.0.0",
            },
            {"exports": {"./*": "./src/*.ts"}},
        ),
        "packages/lib/src/auth.ts": LIB_AUTH,
        "packages/lib/src/auth-options.ts": LIB_AUTH_OPTIONS,
        "packages/lib/src/rate-limit.ts": RATE_LIMIT,
        "packages/lib/src/audit.ts": AUDIT,
        "packages/lib/src/http.ts": HTTP,
        "packages/lib/src/validators/common.ts": COMMON,
        "packages/ui/package.json": package_json(
            "@acme/ui", {"react": "19.0.0"}, {"exports": {"./*": "./src/*.tsx"}}
        ),
        "packages/ui/src/cn.ts": UI_CN,
        "packages/ui/src/button.tsx": _ui_primitive([("Button", "button"), ("Input", "input")]),
        "packages/ui/src/card.tsx": _ui_primitive(
            [
                ("Card", "div"),
                ("CardHeader", "div"),
                ("CardTitle", "h3"),
                ("CardContent", "div"),
                ("Skeleton", "div"),
            ]
        ),
        "packages/ui/src/table.tsx": _ui_primitive(
            [
                ("Table", "table"),
                ("TableHeader", "thead"),
                ("TableBody", "tbody"),
                ("TableRow", "tr"),
                ("TableHead", "th"),
                ("TableCell", "td"),
            ]
        ),
        "packages/ui/src/badge.tsx": _ui_primitive([("Badge", "span")]),
    }
