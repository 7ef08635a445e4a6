"""What every code rule reads and is: the project context, a rule's per-file and per-project checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from archtools.facts.code import FileFacts
from archtools.facts.schema import Schema
from archtools.rules.base import Hit

# Test files, fixtures and end-to-end suites: not code that ships.

Resolver = Callable[[str, str], str | None]


@dataclass(frozen=True)
class EnvFile:
    path: str
    entries: list[tuple[str, str, int]]  # (name, value, line)


@dataclass(frozen=True)
class ModelNames:
    """The schema's models with their field names, and each under a singular lower-case name."""

    fields: dict[str, set[str]]
    singular: dict[str, str]

    @classmethod
    def of(cls, schema: Schema) -> ModelNames:
        fields = {m.name: {f.name for f in m.fields} for m in schema.models if m.kind == "model"}
        return cls(fields=fields, singular={name.rstrip("s").lower(): name for name in fields})


@dataclass
class CodeContext:
    """What the code rules read besides one file's facts: the project's env files and tsconfigs, the
    import resolver, the schema's model names; and, gathered while the files are visited, the
    server-only modules and the client files (the project checks run once all are known)."""

    resolver: Resolver
    names: ModelNames
    env_files: list[EnvFile] = field(default_factory=list)
    tsconfigs: list[tuple[str, bool | None, int]] = field(default_factory=list)
    files: Mapping[str, FileFacts] = field(default_factory=dict)
    server_modules: set[str] = field(default_factory=set)
    client_files: list[str] = field(default_factory=list)


FileCheck = Callable[[str, FileFacts, CodeContext], Iterable[Hit]]
ProjectCheck = Callable[[CodeContext], Iterable[Hit]]


@dataclass(frozen=True)
class CodeRule:
    """A rule decided from the files' facts: checks run on each file, checks run once on the
    project, or both. Its metadata and docs are its entry in archtools/knowledge/rules/code.yaml;
    its checks live in a module of archtools/rules/code/ that names it `RULE`."""

    id: str
    per_file: tuple[FileCheck, ...] = ()
    per_project: tuple[ProjectCheck, ...] = ()


# The only list of code rules the engine runs (archtools/rules/file_pass.py). A new one is a check
