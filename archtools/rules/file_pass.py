"""The code rules in one pass over the repository's facts, each file's facts decoded once: every
rule of `CODE_RULES` the selection reports, nothing wired by hand."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from archtools.facts.code import CommentDirective, FileFacts
from archtools.facts.schema import Schema
from archtools.rules.base import Hit
from archtools.rules.code import CODE_RULES, CodeContext, EnvFile, ModelNames, Resolver
from archtools.rules.code.client_boundary import is_server_only


@dataclass
class FilePass:
    """What one pass over every file yields: rule hits and the suppression comments."""

    hits: list[Hit] = field(default_factory=list)
    comments: dict[str, list[CommentDirective]] = field(default_factory=dict)


class FileRules:
    """Every selected code rule, fed one file at a time (`visit`, in path order) and finished once.
    Hits come out grouped by rule, in path order within a rule, as if each rule had walked the
    repository."""

    def __init__(
        self,
        *,
        env_files: list[EnvFile],
        resolver: Resolver,
        schema: Schema,
        tsconfigs: list[tuple[str, bool | None, int]] | None = None,
        reports: Callable[[str], bool] = lambda _rule: True,
    ) -> None:
        self._rules = [rule for rule in CODE_RULES if reports(rule.id)]
        self._context = CodeContext(
            resolver=resolver,
            names=ModelNames.of(schema),
            env_files=env_files,
            tsconfigs=tsconfigs or [],
        )
        self._hits: dict[str, list[Hit]] = {rule.id: [] for rule in self._rules}
        self._comments: dict[str, list[CommentDirective]] = {}

    def visit(self, path: str, facts: FileFacts) -> None:
        for rule in self._rules:
            for check in rule.per_file:
                self._hits[rule.id] += check(path, facts, self._context)
        if is_server_only(facts):
            self._context.server_modules.add(path)
        if "use client" in facts.directives:
            self._context.client_files.append(path)  # checked once every server module is known
        if facts.comments:
            self._comments[path] = list(facts.comments)

    def finish(self, files: Mapping[str, FileFacts]) -> FilePass:
        self._context.files = files
        self._context.client_files.sort()
        hits: list[Hit] = []
        for rule in self._rules:
            hits += self._hits[rule.id]
            for project_check in rule.per_project:
                hits += project_check(self._context)
        return FilePass(hits=hits, comments=dict(self._comments))
