"""Drizzle schemas as drizzle-orm itself builds them: each table's columns (SQL type as drizzle-kit
writes it, NOT NULL, primary key, unique, database and client-side defaults, the SQL default
drizzle-kit's snapshot records), its foreign keys (columns, table, referenced columns, actions) and
each `relations()` entry (one/many, target table, relation name, fields, references), compared
with archtools' schema.

Run by `benchmarks/conformance.py` (`make conformance`); it installs drizzle-orm, drizzle-kit and
esbuild into .conformance/ with npm. The schema modules are bundled with esbuild and evaluated by node; packages a
schema imports that are not installed there are stubs (a module only calls them to insert a row).
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from archtools.facts.schema import Field, FieldKind, Model, Schema

DRIZZLE_PACKAGES = ("drizzle-orm@0.45.4", "drizzle-kit@0.31.11", "esbuild@0.25.12")
_DRIZZLE_JS = r"""
const esbuild = require("esbuild");
const orm = require("drizzle-orm");
const fs = require("fs");
const path = require("path");
// The packages of the repository's own workspace (`@app/models`) are bundled from their source,
// as its build would; any other package is loaded from .conformance/ or stubbed.
const workspace = {};
const scan = (dir, depth) => {
  if (depth > 3 || !fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const manifest = path.join(dir, entry.name, "package.json");
    if (fs.existsSync(manifest)) {
      try {
        const name = JSON.parse(fs.readFileSync(manifest, "utf8")).name;
        if (name) workspace[name] = path.join(dir, entry.name);
      } catch {}
    }
    scan(path.join(dir, entry.name), depth + 1);
  }
};
if (process.argv[3]) scan(process.argv[3], 0);
const sourceOf = (dir, subpath) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  let target = manifest.exports && manifest.exports[subpath === "" ? "." : `./${subpath}`];
  while (target && typeof target === "object") target = target.types ?? target.import ?? target.default;
  if (!target && subpath === "") target = manifest.module ?? manifest.main;
  const candidates = [target, `src/${subpath || "index"}.ts`, `src/${subpath}/index.ts`, `${subpath || "index"}.ts`];
  for (const c of candidates) {
    if (c && /\.(ts|tsx|js|mjs)$/.test(c) && fs.existsSync(path.join(dir, c))) return path.join(dir, c);
  }
  return null;
};
const workspacePlugin = { name: "workspace", setup(build) {
  build.onResolve({ filter: /^[^./]/ }, async (args) => {
    if (args.pluginData === "own") return undefined;
    const parts = args.path.split("/");
    const count = args.path.startsWith("@") ? 2 : 1;
    const dir = workspace[parts.slice(0, count).join("/")];
    const found = dir ? sourceOf(dir, parts.slice(count).join("/")) : null;
    if (found) return { path: found };
    // tsconfig paths (`@/db/schema`) as esbuild resolves them; a package stays external
    const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer,
      resolveDir: args.resolveDir, pluginData: "own" });
    const own = resolved.errors.length === 0 && resolved.path && !resolved.path.includes("node_modules");
    return own ? { path: resolved.path } : { path: args.path, external: true };
  });
} };
const main = async () => {
const out = await esbuild.build({ entryPoints: [process.argv[2]], bundle: true, platform: "node",
  format: "cjs", write: false, plugins: [workspacePlugin], logLevel: "silent" });
// A stub also stands behind a namespace import (`import * as z`): esbuild copies a module's own
// keys into a fresh object whose prototype is the module's, so any other key is looked up there.
const stub = () => new Proxy(function () {}, {
  get: (_t, key) => (key === "__esModule" ? false : stub()), apply: () => stub(),
  construct: () => stub(), getPrototypeOf: () => stub() });
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
const cores = [["pg-core", "PgTable"], ["mysql-core", "MySqlTable"], ["sqlite-core", "SQLiteTable"]]
  .map(([name, table]) => [require(`drizzle-orm/${name}`), table]);
const tableConfig = (table) => {
  const found = cores.find(([core, kind]) => orm.is(table, core[kind]));
  return found ? found[0].getTableConfig(table) : { foreignKeys: [] };
};
const foreignKeys = {};
for (const [key, value] of Object.entries(m.exports)) {
  if (!orm.is(value, orm.Table)) continue;
  foreignKeys[key] = tableConfig(value).foreignKeys.map((fk) => {
    const ref = fk.reference();
    return { columns: ref.columns.map((c) => c.name), table: orm.getTableName(ref.foreignTable),
      references: ref.foreignColumns.map((c) => c.name), onDelete: fk.onDelete ?? null,
      onUpdate: fk.onUpdate ?? null };
  });
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
// The SQL default of each column as drizzle-kit records it in its snapshot.
const snapshot = async () => {
  const kit = require("drizzle-kit/api");
  const dialects = { PgTable: (x) => kit.generateDrizzleJson(x),
    MySqlTable: (x) => kit.generateMySQLDrizzleJson(x),
    SQLiteTable: (x) => kit.generateSQLiteDrizzleJson(x) };
  const found = Object.values(m.exports).find((v) => orm.is(v, orm.Table));
  const core = found && cores.find(([c, kind]) => orm.is(found, c[kind]));
  if (!core) return {};
  const snap = await dialects[core[1]](m.exports);
  const defaults = {};
  for (const [key, value] of Object.entries(m.exports)) {
    if (!orm.is(value, orm.Table)) continue;
    const config = tableConfig(value);
    const table = snap.tables[`${config.schema ?? "public"}.${config.name}`] ?? snap.tables[config.name];
    if (!table) continue;
    defaults[key] = Object.fromEntries(Object.values(table.columns).map((c) =>
      [c.name, c.default === undefined ? null : String(c.default)]));
  }
  return defaults;
};
return snapshot().then(
  (defaults) => process.stdout.write(JSON.stringify({ tables, relations, foreignKeys, defaults })),
  (error) => process.stdout.write(JSON.stringify({ tables, relations, foreignKeys,
    kitError: String(error && error.message ? error.message : error).split("\n")[0] })));
};
main().catch((error) => { process.stderr.write(`Error: ${error && error.message ? error.message : error}\n`); process.exit(3); });
"""


def drizzle_script(work: Path) -> Path:
    script = work / "drizzle.js"
    script.write_text(_DRIZZLE_JS, encoding="utf-8")
    return script


def orm_view(
    script: Path, work: Path, sources: list[Path], root: Path | None = None
) -> dict[str, Any]:
    """What drizzle-orm builds from the schema modules `sources` (RuntimeError with its reason),
    the packages of the workspace under `root` bundled from their source."""
    with tempfile.TemporaryDirectory(dir=work) as folder:
        entry = Path(folder) / "entry.ts"
        entry.write_text("".join(f"export * from {json.dumps(str(s))};\n" for s in sources))
        done = subprocess.run(
            ["node", str(script), str(entry), *([str(root)] if root is not None else [])],
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


# archtools writes referential actions in Prisma's words; drizzle-orm keeps what the schema says.
_ACTIONS = {
    "Cascade": "cascade",
    "Restrict": "restrict",
    "NoAction": "no action",
    "SetNull": "set null",
    "SetDefault": "set default",
}


def _column(field: Field, schema: Schema) -> dict[str, Any]:
    sql_type = field.native_type
    if field.kind is FieldKind.ENUM:
        enum = schema.enum(field.type)
        sql_type = (enum.db_name or enum.name) if enum is not None else field.type
    if field.list and sql_type is not None:
        sql_type += "[]"  # `.array()`: archtools keeps it as `list`, drizzle-orm in the type
    return {
        "name": field.db_name or field.name,
        "type": sql_type,
        "notNull": not field.optional,
        "primaryKey": field.id,
        "unique": field.unique,
        "clientDefault": field.client_default is not None,
        "hasDefault": field.default is not None,
    }


def _compare_columns(
    model: Model,
    key: str,
    columns: list[dict[str, Any]],
    schema: Schema,
    defaults: dict[str, str | None] | None,
) -> list[str]:
    differences: list[str] = []
    ours = {(f.db_name or f.name): f for f in model.fields if f.kind is not FieldKind.RELATION}
    for column in columns:
        field = ours.get(column["name"])
        if field is None:
            differences.append(f"{key}.{column['name']}: missing")
            continue
        mine = _column(field, schema)
        if field.default == "autoincrement()":  # serial, identity, SQLite's autoIncrement key:
            mine["hasDefault"] = False  # archtools writes it as Prisma does, drizzle-orm not at all
        if defaults is not None and column["name"] in defaults:
            recorded = defaults[column["name"]]
            default = None if field.default == "autoincrement()" else field.default
            default = _as_evaluated_without_env(default)
            if default != recorded:
                differences.append(f"{key}.{column['name']} default: {default!r} != {recorded!r}")
        for name, value in column.items():
            if mine.get(name) != value:
                differences.append(
                    f"{key}.{column['name']} {name}: {mine.get(name)!r} != {value!r}"
                )
    return differences


_ENV_HOLE = re.compile(r"\$\{\s*process\.env\.\w+!?\s*\}")


def _as_evaluated_without_env(default: str | None) -> str | None:
    """A template default reading the environment, as drizzle-kit evaluates it here: the
    conformance run sets no environment, so each `${process.env.X}` is the text `undefined`
    (archtools keeps the template: the value depends on where the app runs)."""
    if default is None or not (default.startswith("`") and default.endswith("`")):
        return default
    if "${" not in default or _ENV_HOLE.sub("", default).count("${"):
        return default  # other interpolations: not evaluated
    text = _ENV_HOLE.sub("undefined", default[1:-1])
    return "'" + text.replace("'", "''") + "'"


def _db_names(model: Model | None) -> dict[str, str]:
    return {f.name: f.db_name or f.name for f in model.fields} if model is not None else {}


def _foreign_key(field: Field, model: Model, schema: Schema) -> dict[str, Any] | None:
    """A relation field's foreign key in drizzle-orm's shape, if the field holds the columns."""
    relation = field.relation
    if relation is None or not relation.fields:
        return None
    target = schema.model(field.type)
    columns, target_columns = _db_names(model), _db_names(target)
    return {
        "columns": [columns.get(c, c) for c in relation.fields],
        "table": (target.db_name or target.name) if target else field.type,
        "references": [target_columns.get(c, c) for c in relation.references],
        # none given: drizzle-orm records SQL's default, NO ACTION
        "onDelete": _ACTIONS.get(relation.on_delete or "NoAction", relation.on_delete),
        "onUpdate": _ACTIONS.get(relation.on_update or "NoAction", relation.on_update),
    }


def _compare_foreign_keys(
    model: Model, key: str, wanted: list[dict[str, Any]], schema: Schema
) -> tuple[list[str], set[str]]:
    """Each foreign key drizzle-orm holds against the relation field archtools made of it; the
    differences, and the names of the fields that stand for a foreign key."""
    differences: list[str] = []
    matched: set[str] = set()
    mine = {
        f.name: fk
        for f in model.fields
        if f.kind is FieldKind.RELATION and (fk := _foreign_key(f, model, schema)) is not None
    }
    for foreign_key in wanted:
        label = f"{key} foreign key {foreign_key['columns']} -> {foreign_key.get('table')}"
        same = [
            name
            for name, fk in mine.items()
            if fk["columns"] == foreign_key["columns"] and fk["table"] == foreign_key.get("table")
        ]
        if not same:
            differences.append(f"{label}: missing")
            continue
        matched.update(same)
        ours = mine[same[0]]
        for item in ("references", "onDelete", "onUpdate"):
            # pg-core fills in NO ACTION, sqlite-core and mysql-core leave it out: the same
            theirs = foreign_key[item] or ("no action" if item != "references" else [])
            if ours[item] != theirs:
                differences.append(f"{label} {item}: {ours[item]!r} != {theirs!r}")
    return differences, matched


def _relation_facts(field: Field, model: Model, schema: Schema) -> dict[str, Any]:
    target = schema.model(field.type)
    relation = field.relation
    columns, target_columns = _db_names(model), _db_names(target)
    return {
        "kind": "many" if field.list else "one",
        "table": (target.db_name or target.name) if target else field.type,
        "relationName": relation.name if relation else None,
        "fields": [columns.get(c, c) for c in (relation.fields if relation else [])],
        "references": [target_columns.get(c, c) for c in (relation.references if relation else [])],
    }


def compare_drizzle(schema: Schema, view: dict[str, Any]) -> tuple[int, list[str]]:
    """(columns, foreign keys and relations compared, the differences) between archtools and
    drizzle-orm. A relation field archtools made of a foreign key alone (no relations() entry)
    is checked against that foreign key."""
    differences: list[str] = []
    compared = 0
    foreign_keys: dict[str, list[dict[str, Any]]] = view.get("foreignKeys", {})
    relations_of: dict[str, dict[str, Any]] = view["relations"]
    defaults: dict[str, dict[str, str | None]] = view.get("defaults", {})  # drizzle-kit's
    for key, columns in sorted(view["tables"].items()):
        model = schema.model(key)
        if model is None:
            differences.append(f"{key}: missing")
            continue
        compared += len(columns)
        differences += _compare_columns(model, key, columns, schema, defaults.get(key))
        wanted_keys = foreign_keys.get(key, [])
        compared += len(wanted_keys)
        found, backed = _compare_foreign_keys(model, key, wanted_keys, schema)
        differences += found
        relations = relations_of.get(key, {})
        ours = {(f.orm_name or f.name): f for f in model.fields if f.kind is FieldKind.RELATION}
        for name, wanted in sorted(relations.items()):
            compared += 1
            field = ours.get(name)
            if field is None:
                differences.append(f"{key}.{name} relation: missing")
                continue
            mine = _relation_facts(field, model, schema)
            for item, value in wanted.items():
                if mine[item] != value:
                    differences.append(f"{key}.{name} {item}: {mine[item]!r} != {value!r}")
        for extra in sorted(set(ours) - set(relations)):
            if ours[extra].name not in backed:
                differences.append(
                    f"{key}.{extra} relation: neither in drizzle-orm's relations nor a foreign key"
                )
    return compared, differences
