"""TYP003: hand-written types that shadow the schema's models.

A type named like a model is a copy of it when it re-declares the model: most of the type is the
model's fields, and either it repeats most of the model's fields, or it is exported from a module
that renders nothing under the model's name with nothing but the model's fields (three or more),
offered to the rest of the code as the model's type. A few of a model's fields picked for one
component (props, a client view model, a select list's options), the shape of the signed-in
principal, or a query's narrow projection are shapes of their own, not the model: they are what a
`select` returns, and deriving them from the whole model would type them wrong.
"""

from __future__ import annotations

from collections.abc import Iterator

from archtools.facts.code import FileFacts, TypeDecl
from archtools.rules.base import Hit
from archtools.rules.code.base import CodeContext, CodeRule

# A file that mirrors this many models is the typing of another database client, written by a
# generator from the same schema (prisma-kysely, zod-prisma), not types copied by hand.
GENERATED_MIRROR = 5
# The share of the type's fields that must be the model's, and the share of the model's fields a
# type must repeat to be a copy of it wherever it lives.
OWN_FIELDS = 0.6
MODEL_SHARE = 0.6
# The fields a type exported under the model's name, from a module that renders nothing, needs to
# stand for the model.
NAMED_COPY_FIELDS = 3


def model_types(path: str, facts: FileFacts, ctx: CodeContext) -> Iterator[Hit]:
    models, singular = ctx.names.fields, ctx.names.singular
    shaped = []
    for decl in facts.types:
        model = (models.get(decl.name) and decl.name) or singular.get(decl.name.lower())
        if model is not None and _shaped_like(decl, models[model]):
            shaped.append((decl, model))
    if len({model for _decl, model in shaped}) >= GENERATED_MIRROR:
        return
    for decl, model in shaped:
        if _repeats(decl, models[model], path, facts):
            yield Hit(
                rule="TYP003",
                file=path,
                line=decl.line,
                message=f"type {decl.name} repeats the {model} model by hand; derive it from the schema",
                key=f"model-type:{decl.name}",
                model=model,
            )


def _shaped_like(decl: TypeDecl, model_fields: set[str]) -> bool:
    """A type named like the model whose two or more fields are mostly the model's: a shape of
    the model, copied or projected (a generated mirror is many of these in one file)."""
    own = set(decl.fields)
    return len(own) >= 2 and len(own & model_fields) / len(own) >= OWN_FIELDS


def _repeats(decl: TypeDecl, model_fields: set[str], path: str, facts: FileFacts) -> bool:
    """Whether a shape of the model re-declares it (see the module's docstring): by the share of
    the model it repeats, or as the model's exported stand-in."""
    own = set(decl.fields)
    copied = own & model_fields
    if len(copied) / max(len(model_fields), 1) >= MODEL_SHARE:
        return True
    return (
        decl.exported
        and not _renders(path, facts)
        and len(own) >= NAMED_COPY_FIELDS
        and copied == own
    )


def _renders(path: str, facts: FileFacts) -> bool:
    """A component module (`.tsx`/`.jsx`, or `'use client'`): its types are what it renders and
    receives."""
    return path.endswith((".tsx", ".jsx")) or "use client" in facts.directives


RULE = CodeRule("TYP003", per_file=(model_types,))
