"""What an ORM reader produces (a DbOp), what it reads from (an OrmContext), and the registry entry
that names it (an Orm)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from archtools.analysis.knowledge import GuardKnowledge
from archtools.analysis.program import Program
from archtools.facts.code import Call, Expr, FileFacts
from archtools.facts.schema import Schema


@dataclass(frozen=True)
class DbOp:
    """One database operation (a Prisma call, or a whole Drizzle chain)."""

    file: str
    func: int | None
    line: int
    call: int  # the outermost call of the operation
    callee: str
    model: str | None
    table: str | None  # the accessor or table identifier as written
    kind: str  # read | write | delete
    operation: str  # findUnique, update, select, insert...
    where: list[Expr] = field(default_factory=list)
    data: list[Expr] = field(default_factory=list)
    narrowed: bool = False  # select/omit/columns limit the returned fields
    returns_rows: bool = True  # the operation's value carries rows back
    assigned_to: tuple[str, ...] = ()
    returned: bool = False
    # a Drizzle builder used inside another query (a join or a from): the outer query bounds it
    subquery: bool = False


class OrmContext(Protocol):
    """What a reader may consult: the program, the guard catalog, the schema and its accessors
    (client accessor or table variable -> model). CallClassifier is one."""

    @property
    def program(self) -> Program: ...

    @property
    def knowledge(self) -> GuardKnowledge: ...

    @property
    def schema(self) -> Schema: ...

    @property
    def accessors(self) -> Mapping[str, str]: ...


def _no_subqueries(_facts: FileFacts) -> Callable[[Call], bool]:
    return lambda _call: False


def _no_insert(_call: Call) -> str | None:
    return None


@dataclass(frozen=True)
class Orm:
    """One ORM the engine reads database operations of.

    `read` turns the outermost call of a chain into its operation, or None when the call is not
    one of this ORM's. `subqueries` says, for a file, which calls build a query handed to another
    (their operations are marked `subquery`). `inserts` names the table or accessor a call adds a
    row to, by its shape alone (`prisma.auditLog.create`, `db.insert(auditLogs)`): audit logging
    reads it."""

    name: str
    read: Callable[[OrmContext, str, Call], DbOp | None]
    subqueries: Callable[[FileFacts], Callable[[Call], bool]] = field(default=_no_subqueries)
    inserts: Callable[[Call], str | None] = field(default=_no_insert)
