"""Reads of users that pick only what any member of an app sees of another: a directory, a
profile card, a mention list (`select: { id: true, name: true, image: true }`)."""

from __future__ import annotations

from collections.abc import Callable

from archtools.analysis.context import is_billing_name, is_personal_name, is_sensitive_name
from archtools.analysis.program import Program
from archtools.analysis.roles import DbOp
from archtools.facts.code import ExprKind, Pair


def picked_fields(program: Program, op: DbOp) -> list[str]:
    """The fields a narrowed read picks (`select: { id: true, name: true }`, Drizzle's
    `columns`)."""
    return [p.key for p in _picks(program, op, ("select", "columns")) if p.value.text == "true"]


def _picks(program: Program, op: DbOp, options: tuple[str, ...]) -> list[Pair]:
    """What a read's options among `options` name (`select: { id: true, posts: {...} }`)."""
    call = program.files[op.file].calls[op.call]
    return [
        picked
        for arg in call.args
        for pair in arg.pairs
        if pair.key in options
        for picked in pair.value.pairs
    ]


def profile_fields(
    program: Program, op: DbOp, user_models: list[str], owned_relation: Callable[[str], bool]
) -> list[str] | None:
    """The fields of a read of a user model that picks only profile fields, with no personal
    data or secret among them and no relation to rows a user owns (`reports: { select: ... }`);
    None for any other operation."""
    if op.kind != "read" or not op.narrowed:
        return None
    if op.model is None or op.model not in user_models:
        return None
    if any(owned_relation(name) for name in _nested_picks(program, op)):
        return None
    fields = picked_fields(program, op)
    if not fields or any(
        is_sensitive_name(name) or is_personal_name(name) or is_billing_name(name)
        for name in fields
    ):
        return None
    return fields


def _nested_picks(program: Program, op: DbOp) -> list[str]:
    """The relations a narrowed read picks with a selection of their own."""
    return [
        p.key
        for p in _picks(program, op, ("select", "columns", "include", "with"))
        if p.value.kind == ExprKind.OBJECT
    ]
