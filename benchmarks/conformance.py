"""Schemas as the ORM itself reads them: archtools' Prisma schema compared, field by field, with the
DMMF of Prisma's own schema engine (npm `@prisma/prisma-schema-wasm`, run with node), and its
Drizzle schema with what drizzle-orm builds (benchmarks/conformance_drizzle.py).

    .venv/bin/python -m benchmarks.conformance                 # the real-world corpus and tests/
    .venv/bin/python -m benchmarks.conformance path/to/schema.prisma ... --drizzle REPO ...

It installs the engine it needs into .conformance/ (npm, once), so it is not part of
`make test`. Each schema prints its disagreements (model, field, what archtools says, what the
engine says); a schema the engine rejects is listed with the engine's reason. Exit 1 on any
disagreement, so `make conformance` fails until both agree.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archtools.facts.prisma import load_schema_path
from archtools.facts.schema import Field, FieldKind, Orm, Schema
from archtools.loading import load_drizzle_path
from archtools.pipeline import load_schema
from benchmarks.conformance_drizzle import (
    DRIZZLE_PACKAGES,
    compare_drizzle,
    drizzle_script,
    orm_view,
)

ROOT = Path(__file__).resolve().parent.parent

WORK = ROOT / ".conformance"  # the engine, installed by npm (gitignored)
# The last engine before Prisma 7 moved datasource URLs out of the schema (the corpus keeps them).
PRISMA_ENGINE = "@prisma/prisma-schema-wasm@6.19.0-26.2ba551f319ab1df4bc874a89965d8b3641056773"
CORPUS = ROOT / "benchmarks" / "work" / "realworld"
OWN = ROOT / "tests" / "fixtures" / "schemas"
_DMMF_JS = """
const fs = require("fs");
const wasm = require("@prisma/prisma-schema-wasm");
const files = process.argv.slice(2).map((p) => [p, fs.readFileSync(p, "utf8")]);
try {
  const out = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: files })));
  process.stdout.write(JSON.stringify(out.datamodel));
} catch (error) {
  const text = String(error && error.message ? error.message : error);
  process.stderr.write(text.replace(/\\u001b\\[[0-9;]*m/g, ""));
  process.exitCode = 3;  // not exit(): a long message to a pipe would be cut at 64 KB
}
"""


def ensure_engine() -> Path:
    """.conformance/ with the engine installed (npm, the first time)."""
    script = WORK / "dmmf.js"
    if not (WORK / "node_modules" / "drizzle-kit").is_dir():
        WORK.mkdir(parents=True, exist_ok=True)
        if shutil.which("npm") is None or shutil.which("node") is None:
            raise SystemExit("conformance needs node and npm on PATH")
        (WORK / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--silent",
                PRISMA_ENGINE,
                *DRIZZLE_PACKAGES,
            ],
            cwd=WORK,
            check=True,
        )
    script.write_text(_DMMF_JS, encoding="utf-8")
    return script


# --- archtools' default text in the DMMF's shape ------------------------------------------------

_DATASOURCE = re.compile(r"^\s*datasource\s+\w+\s*\{", re.M)
_CALL = re.compile(r"([A-Za-z_][\w.]*)\((.*)\)\Z", re.S)
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?\Z")


def _split(text: str) -> list[str]:
    parts, depth, quoted, current = [], 0, False, ""
    for i, char in enumerate(text):
        if char == '"' and (i == 0 or text[i - 1] != "\\"):
            quoted = not quoted
        if not quoted and char in "([":
            depth += 1
        if not quoted and char in ")]":
            depth -= 1
        if char == "," and depth == 0 and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()] if current.strip() else parts


def dmmf_value(text: str) -> Any:
    """A Prisma default as written (`now()`, `"x"`, `[a, b]`, `3`) in the DMMF's JSON shape."""
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return [dmmf_value(part) for part in _split(text[1:-1])]
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return json.loads(text)
    if text in ("true", "false"):
        return text == "true"
    if _NUMBER.match(text):
        return float(text) if any(c in text for c in ".eE") else int(text)
    call = _CALL.match(text)
    if call:
        args = [dmmf_value(part) for part in _split(call.group(2))]
        return {"name": call.group(1), "args": args}
    return text  # an enum value


# --- comparison -----------------------------------------------------------------------------------


@dataclass
class Report:
    schema: str
    rejected: str | None = None
    fields: int = 0
    differences: list[str] = field(default_factory=list)


# The version the engine fills in for an argument-less call.
_DEFAULT_ARGS = {"cuid": [1], "uuid": [4], "ulid": [], "nanoid": []}


def _default(value: Any) -> Any:
    """Defaults compared as the engine means them: numbers as text (it writes BigInt and Decimal
    defaults as strings), `cuid()` as `cuid(1)`."""
    if isinstance(value, list):
        return [_default(v) for v in value]
    if isinstance(value, dict):
        args = value.get("args") or _DEFAULT_ARGS.get(value.get("name", ""), [])
        return {"name": value.get("name"), "args": [_default(a) for a in args]}
    if isinstance(value, bool) or value is None:
        return value
    return str(value)


def _our_default(ours: Field) -> Any:
    """archtools writes a string default decoded and unquoted (`@default("[]")` on Json is `[]`)
    and any other default as written: a String or Json field's default that is not a call or a
    list of values is the text itself."""
    assert ours.default is not None
    value = dmmf_value(ours.default)
    textual = ours.kind is FieldKind.SCALAR and ours.type in ("String", "Json", "Bytes")
    if textual and not ours.list and not isinstance(value, dict):
        return ours.default
    return value


def _field_facts(ours: Field) -> dict[str, Any]:
    relation = ours.relation
    return {
        "isList": ours.list,
        "isRequired": not ours.optional,
        "isId": ours.id,
        "isUnique": ours.unique,
        "isUpdatedAt": ours.updated_at,
        "dbName": ours.db_name,
        "documentation": ours.doc,
        "default": _default(_our_default(ours)) if ours.default is not None else None,
        "relationName": relation.name if relation else None,
        "relationFromFields": relation.fields if relation else None,
        "relationToFields": relation.references if relation else None,
    }


def _engine_facts(raw: dict[str, Any]) -> dict[str, Any]:
    is_relation = raw["kind"] == "object"
    return {
        "isList": raw["isList"],
        "isRequired": raw["isRequired"],
        "isId": raw["isId"],
        "isUnique": raw["isUnique"],
        "isUpdatedAt": raw["isUpdatedAt"],
        "dbName": raw.get("dbName"),
        "documentation": raw.get("documentation"),
        "default": _default(raw["default"]) if "default" in raw else None,
        "relationName": raw.get("relationName") if is_relation else None,
        "relationFromFields": raw.get("relationFromFields") if is_relation else None,
        "relationToFields": raw.get("relationToFields") if is_relation else None,
    }


def _normal_lists(facts: dict[str, Any]) -> dict[str, Any]:
    for key in ("relationFromFields", "relationToFields"):
        if facts[key] == []:
            facts[key] = None
    return facts


def compare(schema: Schema, datamodel: dict[str, Any], report: Report) -> None:
    ours = {m.name: m for m in schema.models}
    engine_models = [*datamodel.get("models", []), *datamodel.get("types", [])]
    for raw_model in engine_models:
        model = ours.pop(raw_model["name"], None)
        if model is None:
            report.differences.append(f"{raw_model['name']}: missing")
            continue
        if (model.doc or None) != raw_model.get("documentation"):
            report.differences.append(
                f"{model.name} documentation: {model.doc!r} != {raw_model.get('documentation')!r}"
            )
        for raw in raw_model["fields"]:
            report.fields += 1
            mine = model.field(raw["name"])
            if mine is None:
                report.differences.append(f"{model.name}.{raw['name']}: missing")
                continue
            a = _normal_lists(_field_facts(mine))
            b = _normal_lists(_engine_facts(raw))
            for key in a:
                if a[key] != b[key]:
                    report.differences.append(
                        f"{model.name}.{mine.name} {key}: {a[key]!r} != {b[key]!r}"
                    )
    report.differences += [f"{name}: not in the engine's datamodel" for name in sorted(ours)]
    enums = {e.name: e for e in schema.enums}
    for raw_enum in datamodel.get("enums", []):
        enum = enums.get(raw_enum["name"])
        if enum is None:
            report.differences.append(f"enum {raw_enum['name']}: missing")
            continue
        values = [v["name"] for v in raw_enum["values"]]
        if enum.values != values:
            report.differences.append(f"enum {enum.name} values: {enum.values} != {values}")
        mapped = {v["name"]: v["dbName"] for v in raw_enum["values"] if v.get("dbName")}
        if enum.value_db_names != mapped:
            report.differences.append(f"enum {enum.name} @map: {enum.value_db_names} != {mapped}")
        if enum.doc != raw_enum.get("documentation"):
            report.differences.append(
                f"enum {enum.name} documentation: {enum.doc!r} != {raw_enum.get('documentation')!r}"
            )


def prisma_schemas(paths: list[Path]) -> Iterator[tuple[str, list[Path]]]:
    """(label, files) of each schema: a file, or the .prisma files of one folder (multi-file)."""
    for path in paths:
        if path.is_file():
            yield str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path), [path]
            continue
        folders: dict[Path, list[Path]] = {}
        for found in sorted(path.rglob("*.prisma")):
            if "node_modules" in found.parts:
                continue
            folders.setdefault(found.parent, []).append(found)
        for folder, files in sorted(folders.items()):
            texts = {f: f.read_text(encoding="utf-8", errors="replace") for f in files}
            sources = [f for f in files if _DATASOURCE.search(texts[f])]
            if not sources:
                continue  # no datasource: a fixture or a fragment, not a schema
            if len(sources) > 1:  # several whole schemas side by side
                for file in sources:
                    yield _label(file, path), [file]
                continue
            yield _label(folder, path), files


def _label(found: Path, under: Path) -> str:
    return str(found.relative_to(under.parent) if found.is_relative_to(under.parent) else found)


def _reason(stderr: str) -> str:
    """The engine's first error line, without its colours and source excerpt."""
    text = stderr.strip()
    start, end = text.find("{"), text.rfind("}")
    with contextlib.suppress(ValueError, AttributeError):
        text = json.loads(text[start : end + 1]).get("message", text)
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:200] if lines else ""


def run(paths: list[Path]) -> list[Report]:
    script = ensure_engine()
    reports = []
    for label, files in prisma_schemas(paths):
        report = Report(schema=label)
        done = subprocess.run(
            ["node", str(script), *(str(f.resolve()) for f in files)],
            capture_output=True,
            text=True,
            cwd=WORK,
            check=False,
        )
        if done.returncode != 0:
            report.rejected = _reason(done.stderr) or f"exit {done.returncode}"
            reports.append(report)
            continue
        base = files[0].parent
        schema = load_schema_path(base if len(files) > 1 else files[0], base)
        compare(schema, json.loads(done.stdout), report)
        reports.append(report)
    return reports


SAMPLES = ROOT / "data" / "samples"
OWN_DRIZZLE = OWN / "drizzle"


def own_drizzle_schemas() -> list[Path]:
    """Our own Drizzle schemas: each module of tests/fixtures/schemas/drizzle/, and the entry
    module (index.ts) of each folder there."""
    if not OWN_DRIZZLE.is_dir():
        return []
    return sorted([*OWN_DRIZZLE.glob("*.ts"), *OWN_DRIZZLE.glob("*/index.ts")])


def drizzle_targets(paths: list[Path]) -> list[tuple[str, Schema, list[Path], Path]]:
    """(label, archtools' schema, schema modules, repository) of each Drizzle schema under
    `paths`: our own schemas, the samples and every app of the corpus whose schema is Drizzle's."""
    found: list[tuple[str, Schema, list[Path], Path]] = []
    for entry in [] if paths else own_drizzle_schemas():
        schema, _ = load_drizzle_path(entry)
        found.append((str(entry.relative_to(ROOT)), schema, [entry], entry.parent))
    roots = paths or [*sorted(SAMPLES.iterdir()), *sorted(CORPUS.glob("*/tree"))]
    for root in roots:
        if not root.is_dir():
            continue
        try:
            schema = load_schema(root)
        except Exception as error:  # a repository archtools cannot read: say so, go on
            print(f"{root}: not compared, archtools cannot read it: {error}")
            continue
        if schema.orm is Orm.DRIZZLE and schema.models:
            label = str(root.relative_to(ROOT) if root.is_relative_to(ROOT) else root)
            sources = [(root / s).resolve() for s in schema.sources]
            found.append((label, schema, sources, root.resolve()))
    return found


def run_drizzle(paths: list[Path]) -> tuple[int, int, int]:
    """Prints each Drizzle schema's comparison; (schemas compared, items, differences)."""
    script = drizzle_script(WORK)
    compared = items = differences = 0
    for label, schema, sources, root in drizzle_targets(paths):
        try:
            view = orm_view(script, WORK, sources, root)
        except RuntimeError as error:
            print(f"{label}: not compared, drizzle-orm cannot load it: {error}")
            continue
        if view.get("kitError"):
            print(
                f"{label}: drizzle-kit cannot snapshot it, defaults not compared: {view['kitError']}"
            )
        count, found = compare_drizzle(schema, view)
        compared, items, differences = compared + 1, items + count, differences + len(found)
        status = "agrees" if not found else f"{len(found)} differences"
        print(f"{label}: {count} columns and relations, {status}")
        for line in found[:20]:
            print(f"    {line}")
        if len(found) > 20:
            print(f"    ... {len(found) - 20} more")
    return compared, items, differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="Prisma schema files or folders")
    parser.add_argument(
        "--drizzle", nargs="*", type=Path, default=[], help="repositories with a Drizzle schema"
    )
    args = parser.parse_args(argv)
    paths = args.paths or [p for p in (OWN, CORPUS) if p.exists()]
    reports = run(paths)
    fields = differences = 0
    for report in reports:
        if report.rejected:
            print(f"{report.schema}: not compared, the engine rejects it: {report.rejected}")
            continue
        fields += report.fields
        differences += len(report.differences)
        status = "agrees" if not report.differences else f"{len(report.differences)} differences"
        print(f"{report.schema}: {report.fields} fields, {status}")
        for line in report.differences[:20]:
            print(f"    {line}")
        if len(report.differences) > 20:
            print(f"    ... {len(report.differences) - 20} more")
    compared = sum(1 for r in reports if not r.rejected)
    print(f"\nPrisma: {compared} schemas compared, {fields} fields, {differences} differences\n")
    drizzle = run_drizzle(args.drizzle)
    print(
        f"\nDrizzle: {drizzle[0]} schemas compared, {drizzle[1]} columns and relations, "
        f"{drizzle[2]} differences"
    )
    return 1 if differences or drizzle[2] else 0


if __name__ == "__main__":
    raise SystemExit(main())
