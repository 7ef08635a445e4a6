"""Callers proven by the wrappers around a Pages API handler: a secret one wrapper hands to the
wrapper it returns, and responses a wrapper declares shareable by any cache (public by design)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.results import Audit
from tests.support.minirepo import entry, make_repo, rules_at, run_audit, statuses

ENDPOINTS = """import type { NextApiRequest, NextApiResponse } from "next";

type Handler = (req: NextApiRequest, res: NextApiResponse) => Promise<void>;

export function TokenSecuredEndpoint(token: string, handler: Handler) {
  return async (req: NextApiRequest, res: NextApiResponse) => {
    if (req.query.token !== token) {
      res.status(401).json({ error: "Unauthorized" });
      return;
    }
    await handler(req, res);
  };
}

export function WebhookEndpoint(handler: Handler) {
  return TokenSecuredEndpoint(process.env.WEBHOOK_TOKEN as string, handler);
}

export function OpenEndpoint(handler: Handler) {
  return TokenSecuredEndpoint(String(process.env.NODE_ENV), handler);
}

const addPublicCacheHeaders = (res: NextApiResponse, maxAge = 300) => {
  res.setHeader("Cache-Control", `public, s-maxage=${maxAge}`);
};

export function PublicEndpoint(handler: Handler) {
  return async (req: NextApiRequest, res: NextApiResponse) => {
    addPublicCacheHeaders(res);
    await handler(req, res);
  };
}

export function PlainEndpoint(handler: Handler) {
  return async (req: NextApiRequest, res: NextApiResponse) => {
    res.setHeader("Cache-Control", "private, no-store");
    await handler(req, res);
  };
}
"""


def _audit(tmp_path: Path, routes: dict[str, str]) -> Audit:
    make_repo(tmp_path, {"lib/endpoints.ts": ENDPOINTS, **routes})
    return run_audit(tmp_path)


def _route(wrapper: str, body: str) -> str:
    return (
        f'import {{ {wrapper} }} from "@/lib/endpoints";\n'
        'import { prisma } from "@/lib/db";\n\n'
        f"export default {wrapper}(async function handler(req, res) {{\n"
        f"{body}"
        "});\n"
    )


USER_BY_QUERY = (
    "  const user = await prisma.user.findUnique({ where: { id: String(req.query.userId) } });\n"
    "  res.status(200).json({ email: user?.email });\n"
)


def test_a_secret_handed_to_the_wrapper_it_returns_authenticates_an_internal_caller(
    tmp_path: Path,
) -> None:
    result = _audit(
        tmp_path, {"pages/api/users/[userId].ts": _route("WebhookEndpoint", USER_BY_QUERY)}
    )
    point = entry(result, "pages_api:pages/api/users/[userId].ts#default")
    check = point.checks.authentication
    assert check.status.value == "pass" and check.kind == "internal"
    assert check.evidence[0].file == "lib/endpoints.ts" and check.evidence[0].line == 7
    assert "WEBHOOK_TOKEN" in check.evidence[0].detail
    # the operator holding the secret may read any user, as an admin may: the secret is the guard
    authz = point.checks.authorization
    assert authz.status.value == "pass" and authz.evidence[0].line == 7
    assert not rules_at(result, "pages/api/users/[userId].ts") & {
        ("AZ001", "pages/api/users/[userId].ts", 5)
    }


def test_a_value_that_is_no_secret_handed_on_authenticates_nothing(tmp_path: Path) -> None:
    result = _audit(
        tmp_path, {"pages/api/users/[userId].ts": _route("OpenEndpoint", USER_BY_QUERY)}
    )
    point = entry(result, "pages_api:pages/api/users/[userId].ts#default")
    assert statuses(point)["authentication"] == "fail"


ARTICLES = (
    "  const article = await prisma.note.findUnique({ where: { id: String(req.query.id) } });\n"
    "  res.status(200).json(article);\n"
)


def test_a_response_declared_shareable_by_any_cache_is_public_by_design(tmp_path: Path) -> None:
    result = _audit(tmp_path, {"pages/api/articles/[id].ts": _route("PublicEndpoint", ARTICLES)})
    point = entry(result, "pages_api:pages/api/articles/[id].ts#default")
    check = point.checks.authentication
    assert check.status.value == "n/a"
    assert (check.evidence[0].file, check.evidence[0].line) == ("lib/endpoints.ts", 24)
    assert "shareable by any cache" in check.evidence[0].detail
    assert ("ATH001", "pages/api/articles/[id].ts", 4) not in rules_at(result)


def test_a_private_response_or_a_write_keeps_the_entry_point_sensitive(tmp_path: Path) -> None:
    writes = (
        "  await prisma.note.delete({ where: { id: String(req.query.id) } });\n"
        "  res.status(204).end();\n"
    )
    result = _audit(
        tmp_path,
        {
            "pages/api/private/[id].ts": _route("PlainEndpoint", ARTICLES),
            "pages/api/remove/[id].ts": _route("PublicEndpoint", writes),
        },
    )
    for route in ("private", "remove"):
        point = entry(result, f"pages_api:pages/api/{route}/[id].ts#default")
        assert statuses(point)["authentication"] == "fail", route


PURGE_WITH_ERROR = (
    "  try {\n"
    "    await prisma.note.deleteMany({ where: { deletedAt: { not: null } } });\n"
    "    res.status(200).json({ ok: true });\n"
    "  } catch (error: any) {\n"
    "    res.status(500).json({ error: error.message });\n"
    "  }\n"
)


def test_an_error_answered_to_a_secret_holder_reaches_no_user(tmp_path: Path) -> None:
    # the secret is checked by the wrapper, out of sight of the file alone
    result = _audit(
        tmp_path / "token", {"pages/api/purge.ts": _route("WebhookEndpoint", PURGE_WITH_ERROR)}
    )
    assert not [f for f in result.findings if f.rule == "EXP002"]
    result = _audit(
        tmp_path / "open", {"pages/api/purge.ts": _route("PlainEndpoint", PURGE_WITH_ERROR)}
    )
    leaks = [(f.file, f.line) for f in result.findings if f.rule == "EXP002"]
    assert leaks == [("pages/api/purge.ts", 9)]


AUTHED = """import type { NextApiRequest, NextApiResponse } from "next";
import { auth } from "@/auth";

type SessionUser = { id: string; email: string };

export function AuthedEndpoint(
  handler: (req: NextApiRequest, res: NextApiResponse, user: SessionUser) => Promise<void>,
) {
  return async (req: NextApiRequest, res: NextApiResponse) => {
    const session = await auth();
    if (!session?.user) return res.status(401).json({ error: "Unauthorized" });
    await handler(req, res, PASSED);
  };
}
"""

OWN_NOTE = """import { AuthedEndpoint } from "@/lib/authed";
import { prisma } from "@/lib/db";

export default AuthedEndpoint(async function handler(req, res, user) {
  const notes = await prisma.note.findMany({
    where: { id: String(req.query.id), authorId: user.id },
  });
  res.status(200).json(notes);
});
"""


@pytest.mark.parametrize(
    ("passed", "expected"),
    [
        ("session.user as SessionUser", "pass"),
        ("{ id: String(req.query.as) } as SessionUser", "fail"),
    ],
)
def test_the_caller_a_wrapper_hands_its_handler_binds_the_handlers_queries(
    tmp_path: Path, passed: str, expected: str
) -> None:
    files = {
        "lib/authed.ts": AUTHED.replace("PASSED", passed),
        "pages/api/notes/[id].ts": OWN_NOTE,
    }
    make_repo(tmp_path, files)
    point = entry(run_audit(tmp_path), "pages_api:pages/api/notes/[id].ts#default")
    assert statuses(point)["authentication"] == "pass"
    authz = point.checks.authorization
    assert authz.status.value == expected
    if expected == "pass":
        assert (authz.evidence[0].file, authz.evidence[0].line) == ("pages/api/notes/[id].ts", 6)


ROLE_ENDPOINTS = """import type { NextApiRequest, NextApiResponse } from "next";
import { auth } from "@/auth";

type Handler = (req: NextApiRequest, res: NextApiResponse) => Promise<void>;

export function ModEndpoint(handler: Handler) {
  return async (req: NextApiRequest, res: NextApiResponse) => {
    const session = await auth();
    if (!session?.user || !session.user.isModerator) {
      return res.status(401).json({ error: "Unauthorized" });
    }
    await handler(req, res);
  };
}

export function SignedInEndpoint(handler: Handler) {
  return async (req: NextApiRequest, res: NextApiResponse) => {
    const session = await auth();
    if (!session?.user) return res.status(401).json({ error: "Unauthorized" });
    await handler(req, res);
  };
}
"""


@pytest.mark.parametrize(("wrapper", "leaks"), [("ModEndpoint", []), ("SignedInEndpoint", [9])])
def test_an_error_answered_to_a_moderator_checked_by_the_wrapper_reaches_no_user(
    tmp_path: Path, wrapper: str, leaks: list[int]
) -> None:
    route = _route(wrapper, PURGE_WITH_ERROR).replace("@/lib/endpoints", "@/lib/roles")
    make_repo(tmp_path, {"lib/roles.ts": ROLE_ENDPOINTS, "pages/api/purge.ts": route})
    result = run_audit(tmp_path)
    assert [f.line for f in result.findings if f.rule == "EXP002"] == leaks


OPTIONAL_USER = """import type { NextApiRequest, NextApiResponse } from "next";
import { auth } from "@/auth";

type SessionUser = { id: string };
type Handler = (req: NextApiRequest, res: NextApiResponse, user?: SessionUser) => Promise<void>;

export function NAME(handler: Handler) {
  return async (req: NextApiRequest, res: NextApiResponse) => {
    const session = await auth();
    await handler(req, res, session?.user as SessionUser | undefined);
  };
}
"""

MY_NOTES_IF_SIGNED_IN = """import { NAME } from "@/lib/optional";
import { prisma } from "@/lib/db";

export default NAME(async function handler(req, res, user) {
  if (!user) return res.status(200).json([]);
  const notes = await prisma.note.findMany({ where: { authorId: user.id } });
  res.status(200).json(notes);
});
"""


@pytest.mark.parametrize(
    ("name", "expected"), [("MixedAuthEndpoint", "n/a"), ("SessionEndpoint", "fail")]
)
def test_a_wrapper_named_for_signed_out_callers_declares_its_reads_public(
    tmp_path: Path, name: str, expected: str
) -> None:
    files = {
        "lib/optional.ts": OPTIONAL_USER.replace("NAME", name),
        "pages/api/notes.ts": MY_NOTES_IF_SIGNED_IN.replace("NAME", name),
    }
    make_repo(tmp_path, files)
    check = entry(run_audit(tmp_path), "pages_api:pages/api/notes.ts#default").checks
    assert check.authentication.status.value == expected, check.authentication
    if expected == "n/a":
        assert "wrapped in MixedAuthEndpoint" in check.authentication.evidence[0].detail
