"""Text exports of large schemas: warnings above what Mermaid and DBML tools accept, and one file
per domain cluster instead of one file that no renderer takes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archtools.errors import InputError
from archtools.facts.schema import Schema
from archtools.views.erd_model import assign_clusters
from archtools.views.erd_text import DBML_STUB_NOTE, erd_dbml, mermaid_text

# Mermaid's documented defaults (mermaid.js.org, config schema): a longer text is refused with
# "Maximum text size in diagram exceeded", more relationship lines with "Too many edges".
MERMAID_MAX_TEXT = 50_000
MERMAID_MAX_EDGES = 500
# DBML has no documented size limit; dbdiagram.io and dbdocs draw every table of a file on one
# canvas, which stops being readable well before this many tables.
DBML_MAX_TABLES = 100
SPLIT_FORMATS = ("mmd", "dbml")
OTHER = "other"  # the part holding the models outside every cluster
_RELATIONSHIP = re.compile(r'    \S+ \S+ \S+ : "')  # `    A ||--o{ B : "label"`


@dataclass(frozen=True)
class ErdPart:
    """One domain cluster's export: its name, a file-name slug and the text."""

    cluster: str
    slug: str
    text: str


def export_warnings(fmt: str, text: str) -> list[str]:
    """What a consumer of this Mermaid or DBML text will refuse or struggle with (one line each)."""
    warnings = []
    if fmt == "mmd":
        edges = sum(1 for line in text.splitlines() if _RELATIONSHIP.match(line))
        if len(text) > MERMAID_MAX_TEXT:
            warnings.append(
                f"the Mermaid text is {len(text):,} characters, above Mermaid's default maxTextSize "
                f"of {MERMAID_MAX_TEXT:,}: renderers refuse it unless configured otherwise "
                "(--split writes one file per domain cluster)"
            )
        if edges > MERMAID_MAX_EDGES:
            warnings.append(
                f"the Mermaid diagram has {edges:,} relationships, above Mermaid's default maxEdges "
                f"of {MERMAID_MAX_EDGES}: renderers refuse it unless configured otherwise "
                "(--split writes one file per domain cluster)"
            )
    elif fmt == "dbml":
        lines = text.splitlines()
        tables = sum(1 for line in lines if line.startswith("Table ")) - text.count(DBML_STUB_NOTE)
        if tables > DBML_MAX_TABLES:
            warnings.append(
                f"the DBML has {tables} tables; dbdiagram.io and dbdocs draw them all on one canvas "
                "(--split writes one file per domain cluster)"
            )
    return warnings


def _slug(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "cluster"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def split_by_cluster(
    schema: Schema,
    fmt: str,
    *,
    hide_scalars: bool = False,
    overview: bool = False,
    clusters: bool | dict[str, str] = True,
) -> list[ErdPart]:
    """One Mermaid or DBML text per domain cluster (plus `other` for the models in none). A cluster's
    Mermaid names the models it relates to in other clusters; its DBML defines them, so that every
    reference resolves."""
    if fmt not in SPLIT_FORMATS:
        raise InputError(f"only {' and '.join(SPLIT_FORMATS)} exports can be split, not {fmt}")
    cluster_of = assign_clusters(schema, clusters)
    if not cluster_of:
        raise InputError(
            "this schema has no domain clusters to split by (clusters come from the models' "
            "groups, or are found for schemas of more than 25 models)"
        )
    members: dict[str, list[str]] = {}
    for model in sorted(schema.models, key=lambda m: m.name):
        members.setdefault(cluster_of.get(model.name, OTHER), []).append(model.name)
    taken: set[str] = set()
    parts = []
    for label in sorted(members, key=lambda name: (name == OTHER, name)):
        names = members[label]
        if fmt == "dbml":
            text = erd_dbml(schema, tables=names)
        else:
            models = [m for m in sorted(schema.models, key=lambda m: m.name) if m.name in names]
            text = mermaid_text(
                schema, models, hide_scalars=hide_scalars, overview=overview, context=True
            )
        parts.append(ErdPart(cluster=label, slug=_slug(label, taken), text=text))
    return parts
