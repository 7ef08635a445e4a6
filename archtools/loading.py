"""Loading a repository: its files read, parsed into facts (cached by content), its schema built.
What every later stage reads."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from archtools import profiling
from archtools.errors import InputError, ParseError
from archtools.facts.code import FileFacts, SyntaxProblem
from archtools.facts.schema import Schema
from archtools.facts.store import FILE_TIME_LIMIT, LazyJobs, collect_facts, default_cache_dir
from archtools.results import AuditError
from archtools.rules.migration_scope import MigrationScope
from archtools.source.files import CODE_LANGUAGES
from archtools.source.repository import Repository, load_repository
from archtools.source.texts import SourceTexts

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class AuditOptions:
    use_cache: bool = True
    cache_dir: Path | None = None
    workers: int | None = None
    baseline: set[str] = field(default_factory=set)
    progress: Progress | None = None
    max_file_bytes: int = 1_000_000
    file_time_limit: float | None = FILE_TIME_LIMIT  # seconds per file; None: no limit
    # --select / --ignore: rule ids and prefixes; they override and extend archtools.toml's [rules]
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    # the migrations the migration rules judge; the others are applied history
    migrations: MigrationScope = field(default_factory=MigrationScope.newest)


@dataclass
class Loaded:
    """The parsed repository: what every later stage reads."""

    repo: Repository
    facts: Mapping[str, FileFacts]
    texts: SourceTexts
    schema: Schema
    errors: list[AuditError]
    files_failed: int
    files_cached: int
    complete: bool = True  # False when a file was given up for time or a crashed parser
    schema_errors: list[AuditError] = field(default_factory=list)  # the schema does not parse
    syntax: Mapping[str, SyntaxProblem] = field(default_factory=dict)  # each file's first one
    fact_keys: Mapping[str, str] = field(default_factory=dict)  # path -> facts cache key


def _read(repo: Repository, path: str, errors: list[AuditError]) -> str | None:
    try:
        return repo.read_text(path)
    except InputError as error:
        errors.append(AuditError(file=path, line=None, message=str(error)))
        return None


CONFIG_FILE = "archtools.toml"


def read_sources(repo: Repository, errors: list[AuditError]) -> SourceTexts:
    """The text of every file an audit reads: code, schema, migrations, env and config files."""
    texts = SourceTexts()
    for source in repo.files:
        text = _read(repo, source.path, errors)
        if text is not None:
            texts[source.path] = text
    if CONFIG_FILE not in texts:
        with contextlib.suppress(InputError):  # no archtools.toml, or none readable in the root
            texts[CONFIG_FILE] = repo.read_text(CONFIG_FILE)
    return texts


def load(path: Path, options: AuditOptions) -> Loaded:
    repo = load_repository(path, max_file_bytes=options.max_file_bytes)
    errors: list[AuditError] = []
    texts = read_sources(repo, errors)
    texts.compact()
    return load_sources(repo, texts, errors, options)


def load_sources(
    repo: Repository, texts: SourceTexts, errors: list[AuditError], options: AuditOptions
) -> Loaded:
    code = {f.path for f in repo.files if f.language in CODE_LANGUAGES}
    jobs = LazyJobs([path for path in texts if path in code], texts.encoded)
    total = len(jobs)

    def tick(count: int, _done: list[int] = [0]) -> None:  # noqa: B006 - a counter local to this call
        _done[0] += count
        if options.progress is not None:
            options.progress("parse", _done[0], total)

    with profiling.stage(profiling.PARSING):
        result = collect_facts(
            jobs,
            cache_dir=(options.cache_dir or default_cache_dir()) if options.use_cache else None,
            workers=options.workers,
            progress=tick,
            time_limit=options.file_time_limit,
        )
    for failure in result.failures:
        errors.append(AuditError(file=failure.path, line=failure.line, message=failure.message))
    for file, problem in sorted(result.syntax.items()):
        errors.append(
            AuditError(
                file=file,
                line=problem.line,
                column=problem.column,
                message=f"{problem.message}; the rest of the file was still analysed",
            )
        )
    before = len(errors)
    with profiling.stage(profiling.SCHEMA):
        schema = _load_schema(repo, result.facts, texts, errors)
    schema_errors = [e for e in errors[before:] if e.file.endswith(".prisma")]
    return Loaded(
        repo=repo,
        facts=result.facts,
        texts=texts,
        schema=schema,
        errors=errors,
        files_failed=len(result.failures),
        complete=not any(failure.transient for failure in result.failures),
        files_cached=result.cached,
        schema_errors=schema_errors,
        syntax=result.syntax,
        fact_keys=result.keys,
    )


# Reads a repository's schema for one ORM, or None when the repository does not use that ORM.
SchemaReader = Callable[
    [Repository, Mapping[str, FileFacts], SourceTexts, list[AuditError]], Schema | None
]


def _load_schema(
    repo: Repository,
    facts: Mapping[str, FileFacts],
    texts: SourceTexts,
    errors: list[AuditError],
) -> Schema:
    """The schema of the first ORM in SCHEMA_READERS the repository uses; an empty one if none."""
    for reader in SCHEMA_READERS:
        schema = reader(repo, facts, texts, errors)
        if schema is not None:
            return schema
    return Schema()


def _prisma_schema(
    repo: Repository,
    _facts: Mapping[str, FileFacts],
    texts: SourceTexts,
    errors: list[AuditError],
) -> Schema | None:
    prisma_files = sorted({p for app in repo.apps for p in app.prisma_schema})
    if not prisma_files:
        return None
    from archtools.facts.prisma import prisma_errors_tolerant

    sources = {}
    for path in prisma_files:
        text = texts.get(path) or _read(repo, path, errors)
        if text is not None:
            sources[path] = text
    schema, problems = prisma_errors_tolerant(sources)
    errors.extend(_parse_errors(problems))
    return schema


def _drizzle_schema(
    repo: Repository,
    facts: Mapping[str, FileFacts],
    _texts: SourceTexts,
    errors: list[AuditError],
) -> Schema | None:
    drizzle_files = sorted(
        {p for app in repo.apps if app.drizzle for p in app.drizzle.schema_files}
    )
    configured = any(app.drizzle for app in repo.apps)
    if not configured:
        # No drizzle.config: the files that build tables with drizzle-orm's `*-core` builders.
        drizzle_files = drizzle_core_files(facts)
        if not drizzle_files:
            return None
    from archtools.facts.drizzle import extract_drizzle_schema

    reached = _schema_modules(drizzle_files, facts, repo)
    selected = {p: facts[p] for p in reached if p in facts} or facts
    schema, problems = extract_drizzle_schema(selected)
    if not configured and not schema.models:
        return None
    errors.extend(_parse_errors(problems))
    return schema


_DRIZZLE_CORE = re.compile(r"drizzle-orm/[a-z0-9]+-core\Z")


def drizzle_core_files(facts: Mapping[str, FileFacts]) -> list[str]:
    """The files importing a drizzle-orm table builder module (`drizzle-orm/pg-core`...)."""
    return sorted(
        path
        for path, file in facts.items()
        if any(_DRIZZLE_CORE.match(i.source) and not i.type_only for i in file.imports)
    )


# Tried in order: a repository with both a Prisma schema and a drizzle.config is read as Prisma.
SCHEMA_READERS: tuple[SchemaReader, ...] = (_prisma_schema, _drizzle_schema)


MAX_SCHEMA_MODULES = 2000


def _schema_modules(
    files: list[str], facts: Mapping[str, FileFacts], repo: Repository
) -> list[str]:
    """The schema files drizzle.config names and the modules they re-export or import from the
    repository: a config often names one `index.ts` that only does `export * from "./users"`."""
    seen = [f for f in files if f in facts]
    queue = list(seen)
    while queue and len(seen) < MAX_SCHEMA_MODULES:
        file = queue.pop()
        sources = [e.source for e in facts[file].exports if e.source] + [
            i.source for i in facts[file].imports if not i.type_only
        ]
        for source in sources:
            target = repo.resolve_import(file, source)
            if target is not None and target in facts and target not in seen:
                seen.append(target)
                queue.append(target)
    return sorted(seen)


def _parse_errors(problems: list[ParseError]) -> list[AuditError]:
    return [
        AuditError(file=p.file, line=p.line, column=p.column, message=p.message) for p in problems
    ]


DRIZZLE_SUFFIXES = (".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx")


def project_root(target: Path) -> Path:
    """The nearest folder holding a package.json at or above `target`, else its own folder."""
    start = target if target.is_dir() else target.parent
    for folder in (start, *start.parents):
        if (folder / "package.json").is_file():
            return folder
    return start


def load_drizzle_path(target: Path) -> tuple[Schema, list[ParseError]]:
    """The Drizzle schema a TypeScript/JavaScript file declares, or the files of a folder that
    import drizzle-orm's table builders, with the modules they re-export or import (resolved as
    their project resolves them: relative paths, tsconfig paths, workspaces). Only those files
    are parsed, not the whole repository."""
    from archtools.facts.drizzle import extract_drizzle_schema
    from archtools.facts.typescript import extract_code_facts

    resolved = target.resolve()
    repo = load_repository(project_root(resolved), require_app=False)
    where = resolved.relative_to(repo.root).as_posix()
    code = {f.path for f in repo.files if f.language in CODE_LANGUAGES}
    parsed: dict[str, FileFacts] = {}

    def facts_of(path: str) -> FileFacts:
        if path not in parsed:
            parsed[path] = extract_code_facts(path, repo.read_text(path).encode("utf-8"))
        return parsed[path]

    if resolved.is_dir():
        prefix = "" if where == "." else where + "/"
        inside = {path: facts_of(path) for path in sorted(p for p in code if p.startswith(prefix))}
        queue = drizzle_core_files(inside)
    elif where in code:
        queue = [where]
    else:
        raise InputError(f"{target} is not a source file archtools reads (too large or ignored)")
    selected: dict[str, FileFacts] = {}
    while queue and len(selected) < MAX_SCHEMA_MODULES:
        path = queue.pop()
        if path in selected:
            continue
        selected[path] = facts_of(path)
        sources = [e.source for e in selected[path].exports if e.source] + [
            i.source for i in selected[path].imports if not i.type_only
        ]
        for source in sources:
            found = repo.resolve_import(path, source)
            if found is not None and found in code and found not in selected:
                queue.append(found)
    return extract_drizzle_schema(selected)
