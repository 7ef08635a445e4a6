"""INJ001: raw SQL built from values."""

from __future__ import annotations

from collections.abc import Iterator

from archtools.analysis.knowledge import active_knowledge
from archtools.facts.code import ExprKind, FileFacts
from archtools.rules.base import Hit
from archtools.rules.code.base import CodeContext, CodeRule


def raw_sql(path: str, facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    known = active_knowledge().database.raw_sql  # knowledge/guards.yaml `database.raw_sql`
    for call in facts.calls:
        name = call.callee.rsplit(".", 1)[-1]
        if name in known.unsafe and call.args:
            arg = call.args[0]
            dynamic = (
                (arg.kind == ExprKind.TEMPLATE and arg.interpolated)
                or (arg.kind not in (ExprKind.STRING, ExprKind.TEMPLATE) and "+" in arg.text)
                or (arg.kind == ExprKind.IDENTIFIER and not _fixed_text(facts, arg.text))
                or arg.kind in (ExprKind.CALL, ExprKind.MEMBER)
            )
            if dynamic:
                yield Hit(
                    rule="INJ001",
                    file=path,
                    line=call.line,
                    message=f"{name}() runs SQL built from values; use the tagged $queryRaw`...` form",
                    key=f"raw-sql:{name}:{arg.text[:40]}",
                )
        elif (
            any(call.callee == h or call.callee.endswith("." + h) for h in known.raw_helpers)
            and call.args
        ):
            arg = call.args[0]
            if arg.kind not in (ExprKind.STRING,) and not (
                arg.kind == ExprKind.TEMPLATE and not arg.interpolated
            ):
                yield Hit(
                    rule="INJ001",
                    file=path,
                    line=call.line,
                    message=f"{call.callee}() inserts {_describe_sql_arg(arg.kind, arg.text)} into SQL unescaped",
                    key=f"raw-helper:{call.callee}:{arg.text[:40]}",
                )


def _fixed_text(facts: FileFacts, name: str) -> bool:
    """`const sql = "SELECT ... WHERE id = $1"` declared once in the file, its values bound as
    the call's other arguments: the SQL text is the code's, not built from values."""
    inits = [v.init for v in facts.vars if name in v.names and v.init is not None]
    return len(inits) == 1 and (
        inits[0].kind == ExprKind.STRING
        or (inits[0].kind == ExprKind.TEMPLATE and not inits[0].interpolated)
    )


def _describe_sql_arg(kind: ExprKind, text: str) -> str:
    if kind == ExprKind.TEMPLATE:
        return "a template string with interpolated values"
    return f"`{text[:40]}`"


RULE = CodeRule("INJ001", per_file=(raw_sql,))
