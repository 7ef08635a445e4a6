"""Drizzle schemas as drizzle-orm itself builds them: each table's columns (SQL type as drizzle-kit
writes it, NOT NULL, primary key, unique, database and client-side defaults) and each `relations()`
entry (one/many, target table, relation name, fields, references), compared with archtools' schema.

Run by `benchmarks/conformance.py` (`make conformance`); it installs drizzle-orm and esbuild into
.conformance/ with npm. The schema modules are bundled with esbuild and evaluated by node; packages a
schema imports that are not installed there are stubs (a module only calls them to insert a row).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from archtools.facts.schema import Field, FieldKind, Schema

DRIZZLE_PACKAGES = ("drizzle-orm@0.45.4", "esbuild@0.25.12")
_DRIZZLE_JS = r"""
const esbuild = require("esbuild");
const orm = require("drizzle-orm");
const out = esbuild.buildSync({ entryPoints: [process.argv[2]], bundle: true, platform: "node",
  format: "cjs", write: false, packages: "external", logLevel: "silent" });
const stub = () => new Proxy(function () {}, {
  get: (_t, key) => (key === "__esModule" ? false : stub()), apply: () => stub() });
const load = (name) => { try { return require(name); } catch { return stub(); } };
const m = { exports: {} };
new Function("module", "exports", "require", out.outputFiles[0].text)(m, m.exports, load);
const tables = {};
for (const [key, value] of Object.entries(m.exports)) {
  if (!orm.is(value, orm.Table)) continue;
  tables[key] = Object.values(orm.getTableColumns(value)).map((c) => ({
    name: c.name, type: c.getSQLType(), notNull: c.notNull, primaryKey: c.primary,
    unique: c.isUnique, clientDefault: c.defaultFn !== undefined,
    hasDefault: c.default !== undefined }));
}
const { tables: config } = orm.extractTablesRelationalConfig(m.exports, orm.createTableRelationsHelpers);
const relations = {};
for (const [key, table] of Object.entries(config)) {
  relations[key] = {};
  for (const [name, rel] of Object.entries(table.relations)) {
    relations[key][name] = { kind: rel instanceof orm.One ? "one" : "many",
      table: rel.referencedTableName, relationName: rel.relationName ?? null,
      fields: rel.config?.fields ? rel.config.fields.map((c) => c.name) : [],
      references: rel.config?.references ? rel.config.references.map((c) => c.name) : [] };
  }
}
process.stdout.write(JSON.stringify({ tables, relations }));
"""


def drizzle_script(work: Path) -> Path:
    script = work / "drizzle.js"
    script.write_text(_DRIZZLE_JS, encoding="utf-8")
    return script


def orm_view(script: Path, work: Path, sources: list[Path]) -> dict[str, Any]:
    """What drizzle-orm builds from the schema modules `sources` (RuntimeError with its reason)."""
    with tempfile.TemporaryDirectory(dir=work) as folder:
        entry = Path(folder) / "entry.ts"
        entry.write_text("".join(f"export * from {json.dumps(str(s))};\n" for s in sources))
        done = subprocess.run(
            ["node", str(script), str(entry)],
            capture_output=True,
            text=True,
            cwd=work,
            check=False,
            timeout=120,
        )
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        reason = next((line for line in lines if "Error" in line), lines[-1] if lines else "")
        raise RuntimeError(reason[:200] or f"exit {done.returncode}")
    view: dict[str, Any] = json.loads(done.stdout)
    return view


def _column(field: Field, schema: Schema) -> dict[str, Any]:
    sql_type = field.native_type
    if field.kind is FieldKind.ENUM:
        enum = schema.enum(field.type)
        sql_type = (enum.db_name or enum.name) if enum is not None else field.type
    return {
        "name": field.db_name or field.name,
        "type": sql_type,
        "notNull": not field.optional,
        "primaryKey": field.id,
        "unique": field.unique,
        "clientDefault": field.client_default is not None,
        "hasDefault": field.default is not None,
    }


def compare_drizzle(schema: Schema, view: dict[str, Any]) -> tuple[int, list[str]]:
    """(columns and relations compared, the differences) between archtools and drizzle-orm."""
    differences: list[str] = []
    compared = 0
    for key, columns in sorted(view["tables"].items()):
        model = schema.model(key)
        if model is None:
            differences.append(f"{key}: missing")
            continue
        ours = {(f.db_name or f.name): f for f in model.fields if f.kind is not FieldKind.RELATION}
        for column in columns:
            compared += 1
            field = ours.get(column["name"])
            if field is None:
                differences.append(f"{key}.{column['name']}: missing")
                continue
            mine = _column(field, schema)
            if column["type"].startswith(("serial", "bigserial", "smallserial")):
                mine["hasDefault"] = column["hasDefault"]  # archtools writes autoincrement()
            for name, value in column.items():
                if mine.get(name) != value:
                    differences.append(
                        f"{key}.{column['name']} {name}: {mine.get(name)!r} != {value!r}"
                    )
    for key, relations in sorted(view["relations"].items()):
        model = schema.model(key)
        if model is None:
            continue
        columns = {f.name: f.db_name or f.name for f in model.fields}
        ours = {f.name: f for f in model.fields if f.kind is FieldKind.RELATION}
        for name, wanted in sorted(relations.items()):
            compared += 1
            field = ours.get(name)
            if field is None:
                differences.append(f"{key}.{name} relation: missing")
                continue
            target = schema.model(field.type)
            target_columns = {f.name: f.db_name or f.name for f in target.fields} if target else {}
            relation = field.relation
            mine = {
                "kind": "many" if field.list else "one",
                "table": (target.db_name or target.name) if target else field.type,
                "relationName": relation.name if relation else None,
                "fields": [columns.get(c, c) for c in (relation.fields if relation else [])],
                "references": [
                    target_columns.get(c, c) for c in (relation.references if relation else [])
                ],
            }
            for item, value in wanted.items():
                if mine[item] != value:
                    differences.append(f"{key}.{name} {item}: {mine[item]!r} != {value!r}")
        for extra in sorted(set(ours) - set(relations)):
            differences.append(f"{key}.{extra} relation: not in drizzle-orm's relations")
    return compared, differences
