"""The ORMs whose database operations the engine reads, as a registry: a new ORM is one module
defining an `Orm` (its reader, and its subquery and insert shapes if it has them) and one entry in
ORMS. Readers are tried in order on the outermost call of each chain; the first match wins."""

from __future__ import annotations

from archtools.analysis.orms.base import DbOp, Orm, OrmContext
from archtools.analysis.orms.drizzle import DRIZZLE
from archtools.analysis.orms.prisma import PRISMA

__all__ = ["DRIZZLE", "ORMS", "PRISMA", "DbOp", "Orm", "OrmContext"]

ORMS: tuple[Orm, ...] = (PRISMA, DRIZZLE)
