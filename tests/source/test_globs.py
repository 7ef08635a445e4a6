"""One glob meaning for workspace globs, features and public routes."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.source.globs import Globs, glob_match
from tests.support.minirepo import entry, make_repo, run_audit, statuses


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("/api/public/*", "/api/public/feed", True),
        ("/api/v1/*", "/api/v1/reports/summary", False),
        ("/api/v1/**", "/api/v1/reports/summary", True),
        ("app/(dashboard)/billing/**", "app/(dashboard)/billing/page.tsx", True),
        ("app/{billing,plans}/**", "app/plans/page.tsx", True),
        ("src/**/*.ts", "src/.well-known/a.ts", True),
        ("product.list", "product.list", True),
    ],
)
def test_glob_meaning(pattern: str, path: str, matches: bool) -> None:
    assert glob_match(path, pattern) is matches


def test_a_negated_glob_excludes() -> None:
    globs = Globs(["apps/*", "!apps/legacy"])
    assert globs.filter(["apps/web", "apps/legacy", "tools/cli"]) == ["apps/web"]


ROUTE = """import { db } from "@/lib/db";

export async function GET() {
  return Response.json(await db.note.findMany({ take: 10 }));
}
"""


@pytest.mark.parametrize(("declared", "public"), [("/api/v1/**", True), ("/api/v1/*", False)])
def test_public_routes_and_features_use_the_same_globs(
    tmp_path: Path, declared: str, public: bool
) -> None:
    toml = f'[public]\nroutes = ["{declared}"]\n\n[features]\nreports = ["app/api/v1/**"]\n'
    root = make_repo(
        tmp_path, {"archtools.toml": toml, "app/api/v1/reports/summary/route.ts": ROUTE}
    )
    point = entry(run_audit(root), "route_handler:app/api/v1/reports/summary/route.ts#GET")
    assert point.feature == "reports"
    assert (statuses(point)["authentication"] == "n/a") is public
