"""One audit, end to end: repository -> facts -> schema -> entry points and checks -> findings -> scorecards."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator
from pathlib import Path

from archtools import profiling
from archtools.errors import InputError, ParseError
from archtools.facts.schema import Schema
from archtools.facts.store import default_cache_dir
from archtools.loading import (
    CONFIG_FILE,
    DRIZZLE_SUFFIXES,
    AuditOptions,
    Loaded,
    Progress,
    load,
    load_drizzle_path,
    load_sources,
    read_sources,
)
from archtools.reaudit import audit_inputs, reaudit
from archtools.results import (
    AppInfo,
    Audit,
    AuditError,
    RepoInfo,
    SkippedFile,
    Stats,
    ToolInfo,
)
from archtools.results_cache import (
    ResultsCache,
    StoredAudit,
    audit_key,
    decoded_audit,
    options_digest,
    stamp_key,
)
from archtools.rules.selection import RuleSelection
from archtools.source.files import CODE_LANGUAGES
from archtools.source.repository import Repository, load_repository
from archtools.version import __version__

# Loading lives in archtools.loading; its names stay importable from here, as they always were.
__all__ = [
    "AuditOptions",
    "Loaded",
    "Progress",
    "audit",
    "audit_or_stored",
    "load",
    "load_schema",
    "load_sources",
    "read_sources",
]

MAX_SKIPPED_LISTED = 1000


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """An audit builds millions of small, acyclic fact objects that live until it ends; the cyclic
    collector would traverse all of them again and again as they accumulate."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # What the audit allocated is all still in the youngest generation: the first
            # allocation after enabling would traverse every object of it (a second or more on a
            # large repository). Moved to the oldest generation instead, it waits for the next
            # full collection like any long-lived object.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def audit(path: str | Path, options: AuditOptions | None = None) -> Audit:
    """Audit the repository at `path`. Raises InputError for a path that cannot be audited."""
    with _no_cyclic_gc():
        found = _audit(Path(path), options or AuditOptions(), as_text=False)
    assert isinstance(found, Audit)
    return found


def audit_or_stored(path: str | Path, options: AuditOptions | None = None) -> Audit | StoredAudit:
    """The audit of `path`, as `audit` makes it; but when the results cache answers, the JSON it
    was stored as (StoredAudit), never decoded: for a caller that only writes it out as JSON."""
    with _no_cyclic_gc():
        return _audit(Path(path), options or AuditOptions(), as_text=True)


def _audit(path: Path, options: AuditOptions, *, as_text: bool) -> Audit | StoredAudit:
    started = time.perf_counter()
    cache = ResultsCache(options.cache_dir or default_cache_dir()) if options.use_cache else None
    with profiling.stage(profiling.LOADING):
        # What reading each file decided last time: files with the same stamps are not read.
        known = cache.classifications(path.expanduser().resolve()) if cache is not None else {}
        repo = load_repository(path, max_file_bytes=options.max_file_bytes, known=known)
        if cache is not None:
            cache.keep_classifications(repo.root, repo.classified, known)
    extra = [
        f"max-file-bytes={options.max_file_bytes}",
        RuleSelection(options.select, options.ignore).key(),
        options.migrations.cache_key(),
        *sorted(options.baseline),
    ]
    stamps = key = ""
    if cache is not None:
        with profiling.stage(profiling.CACHE):
            # Stamps before reading: a file changed in between then only costs a content check.
            stamps = stamp_key(repo, [CONFIG_FILE], extra)
            stored = _stored(cache.get_stamped_text(repo.root, stamps), repo, started, as_text)
        if stored is not None:
            return stored
    with profiling.stage(profiling.LOADING):
        read_errors: list[AuditError] = []
        texts = read_sources(repo, read_errors)
    if cache is not None:
        with profiling.stage(profiling.CACHE):
            key = audit_key(texts, extra)
            stored = _stored(cache.get_text(repo.root, key), repo, started, as_text)
            if stored is not None:
                cache.restamp(repo.root, key, stamps)  # touched, not changed
        if stored is not None:
            return stored
        if not read_errors:
            with profiling.stage(profiling.CACHE):
                # Only the changed files' facts: answered when none changed for the analysis.
                patched = reaudit(cache, repo, texts, options, options_digest(extra), key, started)
                if patched is not None:
                    cache.put_text(repo.root, key, stamps, patched[0].compact())
                    cache.keep_inputs(repo.root, patched[1])
            if patched is not None:
                return patched[0] if as_text else patched[0].audit()
    texts.compact()
    loaded = load_sources(repo, texts, read_errors, options)
    # Imported here: an audit answered from the cache never loads the analysis.
    from archtools.analyze import analyse

    with profiling.stage(profiling.ANALYSIS):
        analysis = analyse(loaded, options)
    repo = loaded.repo
    skipped = [SkippedFile(file=p, reason=r) for p, r in repo.skipped[:MAX_SKIPPED_LISTED]]
    stats = Stats(
        files_scanned=len(loaded.repo.files),
        files_skipped=sum(repo.skipped_counts.values()),
        files_failed=loaded.files_failed,
        entry_points=len(analysis.entry_points),
        findings=len(analysis.findings),
        seconds=round(time.perf_counter() - started, 3),
        skipped_by_reason=dict(sorted(repo.skipped_counts.items())),
        files_cached=loaded.files_cached,
        migrations_judged=len(analysis.migrations.judged),
        migrations_skipped=len(analysis.migrations.history),
    )
    result = Audit(
        tool=ToolInfo(version=__version__),
        repo=RepoInfo(
            root=repo.root.name,
            commit=repo.commit,
            apps=[
                AppInfo(
                    path=a.path, router=[r.value for r in a.routers], next_version=a.next_version
                )
                for a in repo.apps
            ],
        ),
        stats=stats,
        errors=sorted(
            loaded.errors + analysis.errors, key=lambda e: (e.file, e.line or 0, e.message)
        ),
        schema=loaded.schema,
        entry_points=analysis.entry_points,
        findings=analysis.findings,
        scorecards=analysis.scorecards,
        skipped=skipped,
        migrations=analysis.migrations,
        notes=analysis.notes,
    )
    # A file given up for time depends on the machine: such an audit is never kept.
    if cache is None or not loaded.complete:
        return StoredAudit.of(result.compact_json()) if as_text else result
    with profiling.stage(profiling.CACHE):
        compact = result.compact_json()  # one encoding, for the cache and for a JSON report
        cache.put_text(repo.root, key, stamps, compact)
        inputs = audit_inputs(loaded, key, options_digest(extra))
        if inputs is not None:
            cache.keep_inputs(repo.root, inputs)
    # A caller that only writes JSON gets the encoded audit: the audit's objects, and the
    # analysis behind them, are released before its report is written.
    return StoredAudit.of(compact) if as_text else result


def _stored(
    text: bytes | None, repo: Repository, started: float, as_text: bool
) -> Audit | StoredAudit | None:
    """A stored audit of the same files (its JSON `text`), with this run's seconds, every code
    file counted as cached, and the current commit (a commit that changed no file changes no
    verdict); decoded unless `as_text`. None when nothing usable is stored."""
    if text is None:
        return None
    seconds = round(time.perf_counter() - started, 3)
    code_files = sum(1 for f in repo.files if f.language in CODE_LANGUAGES)
    if as_text:
        return StoredAudit.answered(
            text, seconds=seconds, files_cached=code_files, commit=repo.commit
        )
    known = decoded_audit(text)
    if known is None:
        return None
    stats = known.stats.model_copy(update={"seconds": seconds, "files_cached": code_files})
    stored_repo = known.repo.model_copy(update={"commit": repo.commit})
    return known.model_copy(update={"stats": stats, "repo": stored_repo})


def load_schema(path: str | Path, options: AuditOptions | None = None) -> Schema:
    """The schema of a repository, a .prisma file or a folder of .prisma files, a Drizzle schema
    file (with the modules it re-exports) or a folder of Drizzle schema files (`options` for
    reading a repository: its cache, workers and progress)."""
    target = Path(path)
    if not target.exists():
        raise InputError(f"{path} does not exist")
    is_project = target.is_dir() and (target / "package.json").exists()
    prisma_folder = target.is_dir() and not is_project and any(target.glob("*.prisma"))
    if target.is_file() and target.name.endswith(DRIZZLE_SUFFIXES):
        schema, problems = load_drizzle_path(target)
        if problems and not schema.models:
            raise problems[0]
        return schema
    if target.is_dir() and not is_project and not prisma_folder:
        schema, _problems = load_drizzle_path(target)
        if schema.models:  # a folder of Drizzle schema files; else read it as a repository
            return schema
    if target.is_file() or prisma_folder:
        from archtools.facts.prisma import load_schema_path

        return load_schema_path(target, target.parent if target.is_file() else target)
    loaded = load(target, options or AuditOptions())
    fatal = [e for e in loaded.errors if e.file.endswith(".prisma")]
    if fatal and not loaded.schema.models:
        error = fatal[0]
        raise ParseError(error.message, error.file, error.line, error.column)
    return loaded.schema
