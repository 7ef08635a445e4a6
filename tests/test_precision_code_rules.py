"""What the secret and model-type rules (SEC001, SEC002, SEC003, TYP003) leave out because it holds no
secret or copies no model, beside the true case each time, which they still report."""

from __future__ import annotations

from pathlib import Path

from archtools.pipeline import AuditOptions, audit
from tests.support.minirepo import make_repo


def _found(root: Path, rule: str, files: dict[str, str]) -> set[tuple[str, int]]:
    make_repo(root, files)
    result = audit(root, AuditOptions(use_cache=False, workers=1, select=(rule,)))
    return {(f.file, f.line) for f in result.findings if f.rule == rule}


# -- SEC001 ----------------------------------------------------------------------------------------

BROWSER_KEYS_ENV = """NEXT_PUBLIC_PADDLE_TOKEN=test_1f2e3d
NEXT_PUBLIC_MAPBOX_TOKEN=pk.placeholder
NEXT_PUBLIC_DEMO_PASSWORD=demo
NEXT_PUBLIC_OPENAI_API_KEY=
NEXT_PUBLIC_GLEAP_API_KEY=
"""

BROWSER_KEYS_CLIENT = """"use client";
export const config = {
  paddle: process.env.NEXT_PUBLIC_PADDLE_TOKEN,
  mapbox: process.env.NEXT_PUBLIC_MAPBOX_TOKEN,
  demo: process.env.NEXT_PUBLIC_DEMO_PASSWORD,
  openai: process.env.NEXT_PUBLIC_OPENAI_API_KEY,
  gleap: process.env.NEXT_PUBLIC_GLEAP_API_KEY,
};
"""


def test_sec001_spares_client_tokens_and_a_published_demo_login(tmp_path: Path) -> None:
    found = _found(
        tmp_path,
        "SEC001",
        {".env.example": BROWSER_KEYS_ENV, "lib/browser-config.ts": BROWSER_KEYS_CLIENT},
    )
    assert found == {(".env.example", 4), ("lib/browser-config.ts", 6)}


SWITCHES_ENV = """NEXT_PUBLIC_ALLOW_CREDENTIALS=
NEXT_PUBLIC_PASSWORD_LOGIN=true
NEXT_PUBLIC_CREDENTIALS_SIGNUP=
NEXT_PUBLIC_API_TOKEN=
"""

SWITCHES_ENV_TS = """import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";
export const env = createEnv({
  client: {
    NEXT_PUBLIC_CREDENTIALS_SIGNUP: z.enum(["true", "false"]).optional(),
    NEXT_PUBLIC_API_TOKEN: z.string(),
  },
  runtimeEnv: {
    NEXT_PUBLIC_CREDENTIALS_SIGNUP: process.env.NEXT_PUBLIC_CREDENTIALS_SIGNUP,
    NEXT_PUBLIC_API_TOKEN: process.env.NEXT_PUBLIC_API_TOKEN,
  },
});
"""

SWITCHES_FORM = """"use client";
export function showPasswordForm(): boolean {
  return process.env.NEXT_PUBLIC_ALLOW_CREDENTIALS?.toLowerCase() === "true";
}
export const passwordLogin = process.env.NEXT_PUBLIC_PASSWORD_LOGIN;
"""


SHIPS_ENV = """"use client";
import { env } from "../env";
export const token = () => env.NEXT_PUBLIC_API_TOKEN;
"""


def test_sec001_spares_on_off_switches_named_with_a_secret_word(tmp_path: Path) -> None:
    found = _found(
        tmp_path,
        "SEC001",
        {
            ".env.example": SWITCHES_ENV,
            "env.ts": SWITCHES_ENV_TS,
            "lib/login.ts": SWITCHES_FORM,
            "components/token.tsx": SHIPS_ENV,
        },
    )
    # switches by a comparison with "true", a value in the env file, a boolean schema; the token
    # is still a secret shipped to the browser
    assert found == {(".env.example", 4), ("env.ts", 10)}


SERVER_READ = """import { prisma } from "@/lib/db";
export default async function Layout() {
  const res = await fetch("https://api.github.com/repos/a/b", {
    headers: { Authorization: `token ${process.env.NEXT_PUBLIC_GITHUB_TOKEN}` },
  });
  return (await res.json()).stargazers_count + (await prisma.note.count());
}
"""


def test_sec001_a_public_secret_read_only_by_server_code_ships_nowhere(tmp_path: Path) -> None:
    env = "NEXT_PUBLIC_GITHUB_TOKEN=\nNEXT_PUBLIC_APP_URL=\n"
    server_only = {".env.example": env, "app/layout.tsx": SERVER_READ}
    assert _found(tmp_path / "server", "SEC001", server_only) == set()
    # the same module imported by a client component, or read by a Pages Router page, ships
    shared = {".env.example": env, "lib/stars.ts": SERVER_READ.replace("default ", "")}
    client = '"use client";\nimport { Layout } from "../lib/stars";\nexport const S = Layout;\n'
    shipped = {**shared, "components/stars.tsx": client}
    assert _found(tmp_path / "client", "SEC001", shipped) == {
        (".env.example", 1),
        ("lib/stars.ts", 4),
    }
    page = {".env.example": env, "pages/index.tsx": SERVER_READ}
    assert _found(tmp_path / "page", "SEC001", page) == {
        (".env.example", 1),
        ("pages/index.tsx", 4),
    }


UNNAMED_ENV = """NEXT_PUBLIC_APP_URL=http://localhost:3000
NEXT_PUBLIC_OPENAI_API_KEY=
NEXT_PUBLIC_STRIPE_SECRET_KEY=
"""

UNNAMED_CLIENT = """"use client";
export const appUrl = process.env.NEXT_PUBLIC_APP_URL;
export const stripeKey = process.env.NEXT_PUBLIC_STRIPE_SECRET_KEY;
"""


def test_sec001_spares_an_env_entry_no_code_names(tmp_path: Path) -> None:
    found = _found(
        tmp_path, "SEC001", {".env.example": UNNAMED_ENV, "lib/public.ts": UNNAMED_CLIENT}
    )
    assert found == {(".env.example", 3), ("lib/public.ts", 3)}


def test_sec001_keeps_every_entry_when_the_environment_is_published_at_run_time(
    tmp_path: Path,
) -> None:
    runtime = UNNAMED_CLIENT + 'import { env } from "next-runtime-env";\nexport const e = env;\n'
    found = _found(tmp_path, "SEC001", {".env.example": UNNAMED_ENV, "lib/public.ts": runtime})
    assert found == {(".env.example", 2), (".env.example", 3), ("lib/public.ts", 3)}


def test_sec001_keeps_every_entry_when_no_code_names_a_public_variable(tmp_path: Path) -> None:
    found = _found(tmp_path, "SEC001", {".env.example": UNNAMED_ENV})
    assert found == {(".env.example", 2), (".env.example", 3)}


# -- SEC002 ----------------------------------------------------------------------------------------

PRISMA_VALUES = """"use client";
import { Decimal } from "@prisma/client/runtime/library";
import { JsonValue } from "@prisma/client/runtime/library";
import { PrismaClient } from "@prisma/client";

export function total(amount: Decimal, meta: JsonValue): string {
  return `${amount.toFixed(2)} ${JSON.stringify(meta)} ${typeof PrismaClient}`;
}
"""


def test_sec002_spares_prisma_value_classes_and_types(tmp_path: Path) -> None:
    found = _found(tmp_path, "SEC002", {"components/total.tsx": PRISMA_VALUES})
    assert found == {("components/total.tsx", 4)}


SERVER_MODULE = """import "server-only";
import { prisma } from "@/lib/db";

export interface UserData {
  id: string;
  plan: string;
}

export enum Plan {
  Free = "free",
  Pro = "pro",
}

export async function getUserData(id: string): Promise<UserData | null> {
  return prisma.user.findUnique({ where: { id }, select: { id: true } }) as never;
}
"""

BADGE = """"use client";
import { UserData } from "@/lib/user-data";

export function Badge({ user }: { user: UserData }) {
  return user.plan;
}
"""

PLAN_PICKER = """"use client";
import { Plan } from "@/lib/user-data";

export const plans = [Plan.Free, Plan.Pro];
"""

LOADER = """"use client";
import { getUserData } from "@/lib/user-data";

export const load = (id: string) => getUserData(id);
"""


def test_sec002_spares_an_interface_imported_from_a_server_module(tmp_path: Path) -> None:
    found = _found(
        tmp_path,
        "SEC002",
        {
            "lib/user-data.ts": SERVER_MODULE,
            "components/badge.tsx": BADGE,
            "components/plan-picker.tsx": PLAN_PICKER,
            "components/loader.tsx": LOADER,
        },
    )
    # the interface is erased; the enum and the function are values that bring the module along
    assert found == {("components/plan-picker.tsx", 2), ("components/loader.tsx", 2)}


BASE_URL = """"use client";

function getBaseUrl() {
  if (typeof window !== "undefined") return window.location.origin;
  if (process.env.VERCEL_URL) return `https://${process.env.VERCEL_URL}`;
  return `http://localhost:${process.env.PORT ?? 3000}`;
}

function serverToken() {
  if (typeof window !== "undefined") return null;
  const url = process.env.DATABASE_URL;
  return process.env.INTERNAL_API_SECRET ?? url;
}

function region() {
  if (typeof window === "undefined") {
    return process.env.VERCEL_REGION;
  }
  return process.env.DEPLOY_REGION;
}

export const urls = [getBaseUrl, serverToken, region];
"""


def test_sec002_spares_a_plain_value_read_only_by_the_server_render(tmp_path: Path) -> None:
    found = _found(tmp_path, "SEC002", {"lib/base-url.ts": BASE_URL})
    # secrets and connection strings are still reported on the server-only path; a read the
    # browser reaches is too
    assert found == {("lib/base-url.ts", 11), ("lib/base-url.ts", 12), ("lib/base-url.ts", 19)}


# -- SEC003 ----------------------------------------------------------------------------------------

NOT_KEYS = """const tokenCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export function stripArmour(pem: string): string {
  return pem.replace("-----BEGIN PRIVATE KEY-----", "").replace(tokenCharacters, "");
}
export const template = {
  DATABASE_URL: "mysql://${DATABASE_USER}:${DATABASE_PASSWORD}@${DATABASE_HOST}:3306/app",
};
"""

KEYS = """export const apiToken = "q8Zr3vN1xPb7Lk2Ws9Td4Yh6Jm0Gf5Ce";
export const signingKey = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7
-----END PRIVATE KEY-----`;
export const databaseUrl = "mysql://app:hunter2secret@db.internal.acme.net:3306/app";
export const primary = "sk_live_51H8mQ2aaaaaaaaaaaaaaaa";
export const secondary = "sk_live_51H8mQ2bbbbbbbbbbbbbbbb";
"""


def test_sec003_spares_alphabets_armour_lines_and_placeholders(tmp_path: Path) -> None:
    found = _found(tmp_path, "SEC003", {"lib/not-keys.ts": NOT_KEYS, "lib/keys.ts": KEYS})
    # two live keys sharing their first characters stay two findings
    assert found == {
        ("lib/keys.ts", 1),
        ("lib/keys.ts", 2),
        ("lib/keys.ts", 5),
        ("lib/keys.ts", 6),
        ("lib/keys.ts", 7),
    }


# -- TYP003 ----------------------------------------------------------------------------------------

PROJECTIONS = """"use client";

type User = { id: string; email: string };

type Note = {
  id: string;
  title: string;
  body: string;
  authorId: string;
  version: number;
  createdAt: Date;
};

export function NoteCard({ note, author }: { note: Note; author: User }) {
  return note.title + author.email;
}
"""

PRINCIPAL = """export interface Membership {
  id: string;
  role: string;
}

interface User {
  id: string;
  email: string;
  role: string;
}

export type Context = { user: User | null; membership: Membership | null };
"""


def test_typ003_spares_props_projections_and_the_principal_shape(tmp_path: Path) -> None:
    found = _found(
        tmp_path,
        "TYP003",
        {"components/note-card.tsx": PROJECTIONS, "server/context.ts": PRINCIPAL},
    )
    # the component's Note repeats six of the model's nine fields: a copy wherever it lives
    assert found == {("components/note-card.tsx", 5)}


# -- the vocabulary --------------------------------------------------------------------------------


def test_every_key_of_the_secret_vocabulary_is_read_by_a_rule() -> None:
    from dataclasses import fields
    from importlib import resources

    import yaml

    import archtools.rules.code as code_rules
    from archtools.rules.code.secret_vocabulary import SecretVocabulary

    text = resources.files("archtools.knowledge").joinpath("secrets.yaml").read_text("utf-8")
    keys = set(yaml.safe_load(text))
    assert keys == {f.name for f in fields(SecretVocabulary)}
    folder = Path(code_rules.__file__).parent
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in folder.glob("*.py")
        if path.name != "secret_vocabulary.py"
    )
    assert sorted(key for key in keys if f".{key}" not in sources) == []
