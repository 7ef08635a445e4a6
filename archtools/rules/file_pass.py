"""The file-level rules in one pass over the repository's facts, each file's facts decoded once."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from archtools.facts.code import CommentDirective, FileFacts
from archtools.facts.schema import Schema
from archtools.rules import code_files
from archtools.rules.base import Hit


@dataclass
class FilePass:
    """What one pass over every file yields: rule hits, suppression comments, server-only modules."""

    hits: list[Hit] = field(default_factory=list)
    comments: dict[str, list[CommentDirective]] = field(default_factory=dict)


def run_file_rules(
    files: Mapping[str, FileFacts],
    *,
    env_files: list[code_files.EnvFile],
    resolver: code_files.Resolver,
    schema: Schema,
) -> FilePass:
    """Every file rule over every file. Hits come out grouped by rule, in path order within a rule,
    as if each rule had walked the repository by itself."""
    names = code_files.ModelNames.of(schema)
    secrets: list[Hit] = []
    config_env: list[Hit] = []
    env_reads: list[Hit] = []
    raw_sql: list[Hit] = []
    leaks: list[Hit] = []
    supabase: list[Hit] = []
    model_types: list[Hit] = []
    server_modules: set[str] = set()
    client_files: list[str] = []
    found = FilePass()
    for path in sorted(files):
        facts = files[path]
        secrets += code_files.hardcoded_secrets(path, facts)
        config_env += code_files.next_config_env(path, facts)
        env_reads += code_files.public_env_reads(path, facts)
        raw_sql += code_files.raw_sql(path, facts)
        leaks += code_files.error_leaks(path, facts)
        supabase += code_files.supabase_session(path, facts)
        model_types += code_files.model_types(path, facts, names)
        if code_files.is_server_only(facts):
            server_modules.add(path)
        if "use client" in facts.directives:
            client_files.append(path)  # checked once every server-only module is known
        if facts.comments:
            found.comments[path] = list(facts.comments)
    boundary = _client_boundary(files, client_files, resolver, server_modules)
    found.hits += secrets
    found.hits += code_files.public_env_files(env_files)
    found.hits += config_env
    found.hits += env_reads
    found.hits += boundary
    found.hits += raw_sql
    found.hits += leaks
    found.hits += supabase
    found.hits += model_types
    return found


def _client_boundary(
    files: Mapping[str, FileFacts],
    client_files: list[str],
    resolver: code_files.Resolver,
    server_modules: set[str],
) -> Iterator[Hit]:
    for path in client_files:
        yield from code_files.client_boundary(path, files[path], resolver, server_modules)
