"""Re-audits after edits that leave every file's facts as they were (a comment reworded, blank
lines added at the end): the stored audit, with the changed files' snippets read again.

The analysis reads a code file only through its facts (rules never re-read source text), so its
text reaches an audit only through the snippets of the findings located in it. When every changed
file is a code file whose facts (but for its line count, see same_analysis_facts) and first
syntax error equal those the stored audit was made from, and nothing else differs (the set of
files, the repository's layout, the options, the version), a full audit would be the stored one
with those snippets made again. Anything else is audited in full: which entry points an edit to
code could change is not worked out (there is no dependency index between files yet)."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

import msgspec

from archtools.facts.code import FileFacts, SyntaxProblem
from archtools.facts.store import (
    FactsCache,
    LazyJobs,
    collect_facts,
    default_cache_dir,
    unpack_facts,
)
from archtools.facts.table import FactsTable
from archtools.loading import AuditOptions, Loaded
from archtools.results_cache import ResultsCache, StoredAudit
from archtools.source.files import CODE_LANGUAGES
from archtools.source.repository import Repository
from archtools.source.texts import SourceTexts, snippet_lines

INPUTS_FORMAT = 1
MAX_CHANGED = 64  # more changed files than this: a full audit costs little more than checking


def layout_digest(repo: Repository) -> str:
    """A digest of what discovery found besides file contents: the apps, the files and their
    languages, the skipped files, the workspace packages and the tsconfig options."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (
        repr(repo.apps),
        repr([(f.path, f.language.value, f.real_path) for f in repo.files]),
        repr(repo.skipped),
        repr(sorted(repo.skipped_counts.items())),
        repr(sorted(repo.workspace_packages.items())),
        repr(sorted(repo.tsconfigs.items())),
    ):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def audit_inputs(loaded: Loaded, key: str, options: str) -> dict[str, object] | None:
    """What a full audit was made from: each file's content digest and, for code files, the key
    of its facts in the facts cache; None when a stored facts entry had to be rebuilt."""
    table = loaded.facts
    if not isinstance(table, FactsTable) or table.rebuilt:
        return None
    files = {
        path: [
            loaded.texts.digest(path).hex(),
            loaded.fact_keys.get(path, "") if path in table else "",
        ]
        for path in loaded.texts
    }
    return {
        "format": INPUTS_FORMAT,
        "key": key,
        "options": options,
        "layout": layout_digest(loaded.repo),
        "files": files,
    }


def reaudit(
    cache: ResultsCache,
    repo: Repository,
    texts: SourceTexts,
    options: AuditOptions,
    options_key: str,
    key: str,
    started: float,
) -> tuple[StoredAudit, dict[str, object]] | None:
    """The audit of `repo` (whose files' texts are `texts`) made from the stored one when the
    changes since cannot alter the analysis, with what it was made from; else None."""
    inputs = cache.inputs(repo.root)
    if (
        inputs is None
        or inputs.get("format") != INPUTS_FORMAT
        or inputs.get("options") != options_key
        or inputs.get("layout") != layout_digest(repo)
        or not isinstance(inputs.get("key"), str)
    ):
        return None
    files = inputs.get("files")
    if not isinstance(files, dict) or set(files) != set(texts):
        return None
    changed = [path for path in texts if _entry(files[path])[0] != texts.digest(path).hex()]
    code = {f.path for f in repo.files if f.language in CODE_LANGUAGES}
    if not changed or len(changed) > MAX_CHANGED or any(path not in code for path in changed):
        return None
    cache_dir = options.cache_dir or default_cache_dir()
    result = collect_facts(
        LazyJobs(changed, texts.encoded),
        cache_dir=cache_dir,
        workers=1,
        time_limit=options.file_time_limit,
    )
    if result.failures or result.facts.rebuilt:
        return None
    before = _stored_facts([_entry(files[path])[1] for path in changed], cache_dir)
    for path in changed:
        old_key = _entry(files[path])[1]
        if (
            old_key not in before
            or path not in result.facts
            or before[old_key][1] != result.syntax.get(path)
            or not same_analysis_facts(before[old_key][0], result.facts[path])
        ):
            return None
    text = cache.get_text(repo.root, str(inputs["key"]))
    stored = None
    if text is not None:
        stored = StoredAudit.answered(
            text,
            seconds=round(time.perf_counter() - started, 3),
            files_cached=sum(1 for path in texts if path in code) - result.parsed,
            commit=repo.commit,
        )
    if stored is None or not stored.finding_files() <= set(texts):
        return None
    for path in changed:
        files[path] = [texts.digest(path).hex(), result.keys[path]]
    return stored.with_snippets(set(changed), lambda file, line: _snippet(texts, file, line)), {
        **inputs,
        "key": key,
        "files": files,
    }


def same_analysis_facts(before: FileFacts, after: FileFacts) -> bool:
    """Whether the analysis reads the same from two versions of a file's facts. They must be
    equal but for `lines`, the file's line count, which the analysis reads only as "past the last
    line" (every guard of the file lies before it, whatever the count): lines added at the end
    of a file change nothing else (tests/test_reaudit.py pins that single reader)."""
    return msgspec.structs.replace(before, lines=0, path="") == msgspec.structs.replace(
        after, lines=0, path=""
    )


def _stored_facts(
    keys: list[str], cache_dir: Path
) -> dict[str, tuple[FileFacts, SyntaxProblem | None]]:
    """The facts (and first syntax error) the facts cache holds under `keys`, decoded."""
    try:
        cache = FactsCache(cache_dir)
    except (OSError, sqlite3.Error):
        return {}
    try:
        hits = cache.get_many(sorted({k for k in keys if k}))
    finally:
        cache.close()
    found = {}
    for key, packed in hits.packed.items():
        try:
            found[key] = (unpack_facts(packed), hits.syntax.get(key))
        except ValueError:
            continue
    return found


def _entry(entry: object) -> tuple[str, str]:
    """A file's (content digest, facts key) as stored; empty strings for a malformed entry."""
    if isinstance(entry, list) and len(entry) == 2:
        return str(entry[0]), str(entry[1])
    return "", ""


def _snippet(texts: SourceTexts, file: str, line: int) -> str | None:
    """A finding's snippet, as rules.findings makes it."""
    lines = snippet_lines(texts[file], line)
    return "\n".join(lines) if lines else None
