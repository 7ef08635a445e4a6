"""Audits of rule reproductions written as named cases: one route (or action) per case, in a
folder named after it, so a finding tells which case it came from."""

from __future__ import annotations

from pathlib import Path

from archtools.results import Audit
from tests.support.minirepo import make_repo, run_audit

Cases = dict[str, tuple[str, bool]]  # name -> (code put in place of BODY, reported or not)

_DRIZZLE_DB = (
    'import { drizzle } from "drizzle-orm/node-postgres";\n'
    "export const db = drizzle(process.env.DATABASE_URL!);\n"
)
_DRIZZLE_DB_RELATIONAL = (
    'import { drizzle } from "drizzle-orm/node-postgres";\n'
    "export const db = drizzle(process.env.DATABASE_URL!, { schema });\n"
    'import * as schema from "./schema";\n'
)


def reported_by_case(result: Audit, rule: str) -> dict[str, list[tuple[int, str]]]:
    """The findings of `rule`, by the case (folder) they were found in: (line, message)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for finding in result.findings:
        if finding.rule == rule:
            found.setdefault(Path(finding.file).parent.name, []).append(
                (finding.line, finding.message)
            )
    return found


def drizzle_cases_audit(
    root: Path, schema: str, route: str, cases: Cases, *, relational: bool = False
) -> Audit:
    """A Drizzle app with `db/schema.ts` and one `app/api/<case>/route.ts` per case (`route`
    with BODY replaced); `relational` hands the schema to drizzle() for `db.query`."""
    files = {
        "db/schema.ts": schema,
        "db/index.ts": _DRIZZLE_DB_RELATIONAL if relational else _DRIZZLE_DB,
        "drizzle.config.ts": 'export default { schema: "./db/schema.ts", dialect: "postgresql" };\n',
    }
    for name, (body, _) in cases.items():
        files[f"app/api/{name}/route.ts"] = route.replace("BODY", body)
    make_repo(root, files, schema=None, dependencies={"drizzle-orm": "0.36.0"})
    return run_audit(root)
