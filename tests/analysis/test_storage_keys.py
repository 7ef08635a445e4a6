"""An object storage key the client names reaches another user's object unless it is bound to
the caller; a key holding a fresh random part names a new object, chosen by no one."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit

ROUTE = """import { randomUUID } from "crypto";
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
import { auth } from "@/auth";

const s3 = new S3Client({});

export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { folder, filename } = await req.json();
  const key = `${folder}/${randomUUID()}.pdf`;
  await s3.send(new PutObjectCommand({ Bucket: "files", Key: key }));
  return Response.json({ key });
}
"""


def _authorization(tmp_path: Path, route: str):  # type: ignore[no-untyped-def]
    make_repo(
        tmp_path, {"app/api/upload/route.ts": route}, dependencies={"@aws-sdk/client-s3": "3.0.0"}
    )
    return entry(
        run_audit(tmp_path), "route_handler:app/api/upload/route.ts#POST"
    ).checks.authorization


def test_a_key_with_a_fresh_random_part_chooses_no_ones_object(tmp_path: Path) -> None:
    check = _authorization(tmp_path / "fresh", ROUTE)
    assert check.status.value == "n/a", check


def test_a_key_the_client_names_whole_is_an_idor(tmp_path: Path) -> None:
    named = ROUTE.replace("${randomUUID()}.pdf", "${filename}")
    check = _authorization(tmp_path / "named", named)
    assert check.status.value == "fail" and check.evidence[0].line == 12, check
