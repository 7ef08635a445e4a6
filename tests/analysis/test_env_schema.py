"""A cron secret interpolated into a template (`Bearer ${env.CRON_SECRET}`) guards only when it is
known to be set: the app's validated env schema (t3 `createEnv`) requiring it non-empty says so; an
optional one may leave the template matching `Bearer undefined`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import entry, make_repo, run_audit

ENV = """import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

export const serverEnv = createEnv({
  server: {
    DATABASE_URL: z.string().url(),
    CRON_SECRET: SCHEMA,
  },
  experimental__runtimeEnv: process.env,
});
"""

CRON = """import { serverEnv } from "@/env/server";
import { prisma } from "@/lib/db";

export async function GET(req: Request) {
  if (req.headers.get("authorization") !== `Bearer ${serverEnv.CRON_SECRET}`) {
    return new Response("Unauthorized", { status: 401 });
  }
  await prisma.note.deleteMany({ where: { title: "" } });
  return Response.json({ ok: true });
}
"""


@pytest.mark.parametrize(
    ("schema", "status"),
    [
        ("z.string().min(1)", "pass"),
        ("z.string().min(32)", "pass"),
        ("z.string().min(1).optional()", "fail"),
        ("z.string()", "fail"),
    ],
)
def test_a_templated_cron_secret_guards_when_the_env_schema_requires_it(
    tmp_path: Path, schema: str, status: str
) -> None:
    make_repo(
        tmp_path,
        {"env/server.ts": ENV.replace("SCHEMA", schema), "app/api/cron/route.ts": CRON},
        dependencies={"@t3-oss/env-nextjs": "0.11.1"},
    )
    check = entry(run_audit(tmp_path), "route_handler:app/api/cron/route.ts#GET").checks
    assert check.authentication.status.value == status, check.authentication
    if status == "pass":
        assert check.authentication.kind == "internal"
        assert "CRON_SECRET" in check.authentication.evidence[0].detail
