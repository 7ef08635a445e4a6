"""sqlglot column definitions, types and table constraints as AlterActions."""

from __future__ import annotations

from typing import Any

from sqlglot import Dialect, exp

from archtools.parse.sql_migration_model import ActionKind, AlterAction, ConstraintKind

_SERIAL_TYPES = {"SERIAL", "BIGSERIAL", "SMALLSERIAL"}
_DEFAULTING_CONSTRAINTS = {
    "DefaultColumnConstraint",
    "ComputedColumnConstraint",
    "GeneratedAsIdentityColumnConstraint",
    "GeneratedAsRowColumnConstraint",
    "AutoIncrementColumnConstraint",
}


def node_name(node: Any) -> str | None:
    """An identifier's, table's or column's bare name (quotes removed)."""
    if node is None:
        return None
    name = node.name if hasattr(node, "name") else str(node)
    return name or None


def table_parts(node: Any) -> tuple[str | None, str | None]:
    """(name, schema) of a table reference."""
    if isinstance(node, exp.Schema):
        node = node.this
    if isinstance(node, exp.Table):
        return node_name(node), (node.db or None)
    return node_name(node), None


def type_sql(dialect: Dialect, dtype: Any) -> str | None:
    """A data type written back as SQL, the same way for every statement of the dialect."""
    try:
        return str(dtype.sql(dialect=dialect))
    except Exception:
        return None


def column_action(dialect: Dialect, col: exp.ColumnDef, kind: ActionKind) -> AlterAction:
    dtype = col.args.get("kind")
    not_null = False
    has_default = False
    type_name = ""
    if isinstance(dtype, exp.DataType):
        type_name = dtype.this.name if hasattr(dtype.this, "name") else str(dtype.this)
    if type_name.upper() in _SERIAL_TYPES:
        has_default = True
    references = None
    for constraint in col.constraints:
        ckind = constraint.args.get("kind")
        if ckind is None:
            continue
        cname = type(ckind).__name__
        if cname == "PrimaryKeyColumnConstraint" or (
            cname == "NotNullColumnConstraint" and not ckind.args.get("allow_null")
        ):
            not_null = True
        elif cname in _DEFAULTING_CONSTRAINTS:
            has_default = True
        elif cname == "Reference":
            references = table_parts(ckind.this)[0]
    return AlterAction(
        kind=kind,
        column=node_name(col.this),
        data_type=type_sql(dialect, dtype) if dtype is not None else None,
        not_null=not_null,
        has_default=has_default,
        references=references,
    )


def constraint_actions(item: Any, not_valid: bool) -> list[AlterAction]:
    """Table constraints (CREATE TABLE or ADD CONSTRAINT) as ADD_CONSTRAINT actions."""
    name: str | None = None
    bodies = [item]
    if isinstance(item, exp.Constraint):
        name = node_name(item.this)
        bodies = list(item.expressions)
    out: list[AlterAction] = []
    for body in bodies:
        node = type(body).__name__
        references = None
        check_column = None
        if node == "ForeignKey":
            kind = ConstraintKind.FOREIGN_KEY
            ref = body.args.get("reference")
            references = table_parts(ref.this)[0] if ref is not None else None
        elif node in ("PrimaryKey", "PrimaryKeyColumnConstraint"):
            kind = ConstraintKind.PRIMARY_KEY
        elif node == "UniqueColumnConstraint":
            kind = ConstraintKind.UNIQUE
        elif node == "CheckColumnConstraint":
            kind = ConstraintKind.CHECK
            check_column = _not_null_check_column(body.this)
        else:
            kind = ConstraintKind.OTHER
        out.append(
            AlterAction(
                kind=ActionKind.ADD_CONSTRAINT,
                constraint=kind,
                constraint_name=name,
                references=references,
                not_valid=not_valid,
                check_not_null_column=check_column,
            )
        )
    return out or [AlterAction(kind=ActionKind.ADD_CONSTRAINT, constraint_name=name)]


def _not_null_check_column(condition: Any) -> str | None:
    """`col IS NOT NULL` (as sqlglot writes it in any version) -> col."""
    if isinstance(condition, exp.Paren):
        condition = condition.this
    negated = False
    if isinstance(condition, exp.Not):
        negated, condition = True, condition.this
        if isinstance(condition, exp.Paren):
            condition = condition.this
    if not isinstance(condition, exp.Is) or not isinstance(condition.expression, exp.Null):
        return None
    if not (negated or condition.args.get("negate")):
        return None
    return node_name(condition.this) if isinstance(condition.this, exp.Column) else None
