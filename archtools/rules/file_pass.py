"""The file-level rules in one pass over the repository's facts, each file's facts decoded once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from archtools.facts.code import CommentDirective, FileFacts
from archtools.facts.schema import Schema
from archtools.rules import code_files
from archtools.rules.base import Hit


@dataclass
class FilePass:
    """What one pass over every file yields: rule hits and the suppression comments."""

    hits: list[Hit] = field(default_factory=list)
    comments: dict[str, list[CommentDirective]] = field(default_factory=dict)


class FileRules:
    """Every file rule, fed one file at a time (`visit`, in path order) and finished once. Hits come
    out grouped by rule, in path order within a rule, as if each rule had walked the repository."""

    def __init__(
        self, *, env_files: list[code_files.EnvFile], resolver: code_files.Resolver, schema: Schema
    ) -> None:
        self._env_files = env_files
        self._resolver = resolver
        self._names = code_files.ModelNames.of(schema)
        self._secrets: list[Hit] = []
        self._config_env: list[Hit] = []
        self._env_reads: list[Hit] = []
        self._raw_sql: list[Hit] = []
        self._leaks: list[Hit] = []
        self._supabase: list[Hit] = []
        self._model_types: list[Hit] = []
        self._server_modules: set[str] = set()
        self._client_files: list[str] = []
        self._comments: dict[str, list[CommentDirective]] = {}

    def visit(self, path: str, facts: FileFacts) -> None:
        self._secrets += code_files.hardcoded_secrets(path, facts)
        self._config_env += code_files.next_config_env(path, facts)
        self._env_reads += code_files.public_env_reads(path, facts)
        self._raw_sql += code_files.raw_sql(path, facts)
        self._leaks += code_files.error_leaks(path, facts)
        self._supabase += code_files.supabase_session(path, facts)
        self._model_types += code_files.model_types(path, facts, self._names)
        if code_files.is_server_only(facts):
            self._server_modules.add(path)
        if "use client" in facts.directives:
            self._client_files.append(path)  # checked once every server-only module is known
        if facts.comments:
            self._comments[path] = list(facts.comments)

    def finish(self, files: Mapping[str, FileFacts]) -> FilePass:
        hits: list[Hit] = [*self._secrets]
        hits += code_files.public_env_files(self._env_files)
        hits += self._config_env
        hits += self._env_reads
        for path in sorted(self._client_files):
            hits += code_files.client_boundary(
                path, files[path], self._resolver, self._server_modules
            )
        hits += self._raw_sql
        hits += self._leaks
        hits += self._supabase
        hits += self._model_types
        return FilePass(hits=hits, comments=dict(self._comments))
