"""archtools: static audits of Next.js backends.

The public API: `audit(path)` runs a whole audit and returns an `Audit` (the JSON contract's model);
`load_schema(path)` reads a Prisma or Drizzle schema. Heavy modules load on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archtools.version import __version__

if TYPE_CHECKING:
    from archtools.pipeline import audit, load_schema
    from archtools.results import Audit

__all__ = ["Audit", "__version__", "audit", "load_schema"]


def __getattr__(name: str) -> Any:
    if name in ("audit", "load_schema"):
        from archtools import pipeline

        return getattr(pipeline, name)
    if name == "Audit":
        from archtools.results import Audit

        return Audit
    raise AttributeError(name)
