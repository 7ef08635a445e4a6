"""The audited repository: files, .gitignore, size caps, apps, tsconfig paths, workspaces."""

from __future__ import annotations

from archtools.source.apps import NextApp, Router
from archtools.source.files import Language, SkipReason, SourceFile
from archtools.source.repository import Repository, load_repository
from archtools.source.resolver import ImportResolver
from archtools.source.schema_locator import DrizzleConfig
from archtools.source.tsconfig import TsConfig

__all__ = [
    "DrizzleConfig",
    "ImportResolver",
    "Language",
    "NextApp",
    "Repository",
    "Router",
    "SkipReason",
    "SourceFile",
    "TsConfig",
    "load_repository",
]
