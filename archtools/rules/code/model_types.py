"""TYP003: hand-written types that shadow the schema's models."""

from __future__ import annotations

from collections.abc import Iterator

from archtools.facts.code import FileFacts
from archtools.rules.base import Hit
from archtools.rules.code.base import CodeContext, CodeRule

# A file that mirrors this many models is the typing of another database client, written by a
# generator from the same schema (prisma-kysely, zod-prisma), not types copied by hand.
GENERATED_MIRROR = 5


def model_types(path: str, facts: FileFacts, ctx: CodeContext) -> Iterator[Hit]:
    models, singular = ctx.names.fields, ctx.names.singular
    mirrored = []
    for decl in facts.types:
        model = (models.get(decl.name) and decl.name) or singular.get(decl.name.lower())
        if model is None or len(decl.fields) < 2:
            continue
        overlap = len(set(decl.fields) & models[model]) / max(len(decl.fields), 1)
        if overlap >= 0.6:
            mirrored.append((decl, model))
    if len({model for _decl, model in mirrored}) >= GENERATED_MIRROR:
        return
    for decl, model in mirrored:
        yield Hit(
            rule="TYP003",
            file=path,
            line=decl.line,
            message=f"type {decl.name} repeats the {model} model by hand; derive it from the schema",
            key=f"model-type:{decl.name}",
            model=model,
        )


RULE = CodeRule("TYP003", per_file=(model_types,))
