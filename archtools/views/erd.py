"""The entity-relationship diagram: a graphviz view of the schema and its serializers."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from typing import Any

import graphviz

from archtools.errors import ArchtoolsError, InputError
from archtools.facts.schema import Field, FieldKind, Model, Schema
from archtools.views.erd_model import (
    CompositeEdge,
    End,
    RelationEdge,
    assign_clusters,
    composite_edges,
    field_markers,
    is_key_field,
    relation_edges,
    select_models,
)
from archtools.views.erd_text import erd_dbml, erd_mermaid

__all__ = ["ERD_FORMATS", "erd_dbml", "erd_dot", "erd_graph", "erd_mermaid", "render_erd"]

ERD_FORMATS = ("svg", "png", "dot", "mmd", "dbml")

# Crow's-foot ends: the shape next to the node gives the maximum, the outer one the minimum.
_ARROW = {End.ONE: "teetee", End.ZERO_OR_ONE: "teeodot", End.MANY: "crowodot"}
_HEADER_COLOR = {"model": "#dbe7f5", "view": "#e3f1dc", "type": "#f6ecd6"}
_ENUM_COLOR = "#ece4f5"
_MAX_ENUM_VALUES = 12
_SAFE_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _text(value: str) -> str:
    """Schema text made safe for a graphviz HTML-like label."""
    return html.escape(_CONTROL.sub(" ", value), quote=True)


def node_id(name: str) -> str:
    """A DOT node id for a schema name: the name itself when it is a plain identifier."""
    if _SAFE_ID.match(name):
        return name
    return "n_" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


def _type_text(field: Field) -> str:
    return field.type + ("[]" if field.list else "?" if field.optional else "")


def _model_label(
    model: Model, fields: list[tuple[int, Field]], markers: dict[str, list[str]]
) -> str:
    color = _HEADER_COLOR.get(model.kind, _HEADER_COLOR["model"])
    header = f"<B>{_text(model.name)}</B>"
    if model.kind in ("view", "type"):
        header += f" <I>{model.kind}</I>"
    if model.db_name and model.db_name != model.name:
        header += f'<BR/><FONT POINT-SIZE="9">{_text(model.db_name)}</FONT>'
    rows = [f'<TR><TD COLSPAN="3" BGCOLOR="{color}">{header}</TD></TR>']
    for index, field in fields:
        name, type_text = _text(field.name), _text(_type_text(field))
        if field.kind is FieldKind.RELATION:
            name = f'<FONT COLOR="#666666"><I>{name}</I></FONT>'
            type_text = f'<FONT COLOR="#666666"><I>{type_text}</I></FONT>'
        marks = " ".join(markers.get(field.name, []))
        rows.append(
            f'<TR><TD PORT="f{index}" ALIGN="LEFT">{name}</TD>'
            f'<TD ALIGN="LEFT">{type_text}</TD>'
            f'<TD PORT="f{index}r" ALIGN="LEFT">{marks}</TD></TR>'
        )
    return (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
        + "".join(rows)
        + "</TABLE>>"
    )


def _enum_label(name: str, values: list[str]) -> str:
    rows = [f'<TR><TD BGCOLOR="{_ENUM_COLOR}"><B>{_text(name)}</B> <I>enum</I></TD></TR>']
    shown = values[:_MAX_ENUM_VALUES]
    rows += [f'<TR><TD ALIGN="LEFT">{_text(value)}</TD></TR>' for value in shown]
    if len(values) > len(shown):
        rows.append(f'<TR><TD ALIGN="LEFT"><I>{len(values) - len(shown)} more</I></TD></TR>')
    return (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
        + "".join(rows)
        + "</TABLE>>"
    )


def _edge_label(edge: RelationEdge) -> str | None:
    parts = []
    if edge.name:
        parts.append(_text(edge.name))
    if edge.on_delete:
        parts.append("onDelete: " + _text(edge.on_delete))
    return "<" + "<BR/>".join(parts) + ">" if parts else None


class _Ports:
    """Where edges attach: the row of a shown field (left cell in, right cell out)."""

    def __init__(self, shown: Mapping[str, list[tuple[int, Field]]]) -> None:
        self._index = {
            (model, field.name): index for model, rows in shown.items() for index, field in rows
        }

    def endpoint(self, model: str, candidates: tuple[str | None, ...], side: str) -> str:
        for name in candidates:
            index = self._index.get((model, name)) if name else None
            if index is not None:
                return f"{node_id(model)}:f{index}{'r' if side == 'out' else ''}"
        return node_id(model)


def _shown_fields(model: Model, *, hide_scalars: bool, overview: bool) -> list[tuple[int, Field]]:
    if overview:
        return []
    markers = field_markers(model)
    return [
        (index, field)
        for index, field in enumerate(model.fields)
        if not hide_scalars or is_key_field(field, markers)
    ]


def _enum_node(schema: Schema, name: str) -> str:
    # Enums and models share a namespace in Prisma, not necessarily in other ORMs.
    return node_id(name) if schema.model(name) is None else node_id("enum " + name)


def _cluster_name(label: str) -> str:
    return "cluster_" + node_id(label)


def _add_relation_edge(graph: Any, edge: RelationEdge, ports: _Ports, overview: bool) -> None:
    attrs = {
        "dir": "both",
        "arrowtail": _ARROW[edge.parent_end],
        "arrowhead": _ARROW[edge.child_end],
    }
    label = None if overview else _edge_label(edge)
    if label:
        attrs["label"] = label
    if not edge.enforced:
        attrs["style"] = "dashed"
    tail = ports.endpoint(edge.parent, (*edge.parent_columns[:1], edge.parent_field), "out")
    head = ports.endpoint(edge.child, (*edge.child_columns[:1], edge.child_field), "in")
    graph.edge(tail, head, **attrs)


def _add_composite_edge(graph: Any, edge: CompositeEdge, ports: _Ports) -> None:
    tail = ports.endpoint(edge.owner, (edge.field,), "out")
    graph.edge(
        tail,
        node_id(edge.type),
        dir="both",
        arrowtail="diamond",
        arrowhead="crow" if edge.list else "none",
    )


def erd_graph(
    schema: Schema,
    *,
    focus: str | None = None,
    depth: int = 1,
    hide_scalars: bool = False,
    overview: bool = False,
    clusters: bool | dict[str, str] = True,
    groups: set[str] | None = None,
) -> graphviz.Digraph:
    """The ERD as a graphviz Digraph: one HTML table per model, crow's-foot relation edges.

    `focus`/`depth` keep the models within `depth` relation hops of one model; `groups` keeps the
    models of some clusters; `overview` draws names only; `hide_scalars` keeps key and relation
    fields. Clusters come from `clusters` (a model -> cluster mapping), else Model.group, else a
    heuristic for schemas of more than 25 models.
    """
    cluster_of = assign_clusters(schema, clusters)
    models = select_models(schema, focus=focus, depth=depth, groups=groups, cluster_of=cluster_of)
    shown_names = {m.name for m in models}
    shown = {m.name: _shown_fields(m, hide_scalars=hide_scalars, overview=overview) for m in models}
    graph = graphviz.Digraph(
        name="erd",
        graph_attr={"rankdir": "LR", "fontname": "Helvetica", "nodesep": "0.4", "ranksep": "0.8"},
        node_attr={"shape": "plain", "fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "color": "#555555"},
    )

    def add_model(target: Any, model: Model) -> None:
        if overview:
            color = _HEADER_COLOR.get(model.kind, _HEADER_COLOR["model"])
            target.node(
                node_id(model.name),
                label=f"<{_text(model.name)}>",
                shape="box",
                style="rounded,filled",
                fillcolor=color,
            )
        else:
            label = _model_label(model, shown[model.name], field_markers(model))
            target.node(node_id(model.name), label=label)

    by_cluster: dict[str, list[Model]] = {}
    for model in models:
        label = cluster_of.get(model.name)
        if label is None or clusters is False:
            add_model(graph, model)
        else:
            by_cluster.setdefault(label, []).append(model)
    for label in sorted(by_cluster):
        with graph.subgraph(name=_cluster_name(label)) as sub:
            sub.attr(label=f"<<B>{_text(label)}</B>>", style="rounded", color="#9aa5b1")
            for model in by_cluster[label]:
                add_model(sub, model)

    enum_uses = sorted(
        (
            (model, index, field)
            for model, rows in shown.items()
            for index, field in rows
            if field.kind is FieldKind.ENUM and schema.enum(field.type) is not None
        ),
        key=lambda use: (use[0], use[1]),
    )
    for name in sorted({field.type for _, _, field in enum_uses}):
        enum = schema.enum(name)
        assert enum is not None
        graph.node(_enum_node(schema, name), label=_enum_label(name, enum.values))
    for model_name, index, field in enum_uses:
        tail = f"{node_id(model_name)}:f{index}r"
        graph.edge(tail, _enum_node(schema, field.type), style="dotted", arrowhead="none")

    ports = _Ports(shown)
    for edge in relation_edges(schema):
        if edge.parent in shown_names and edge.child in shown_names:
            _add_relation_edge(graph, edge, ports, overview)
    for comp in composite_edges(schema):
        if comp.owner in shown_names and comp.type in shown_names:
            _add_composite_edge(graph, comp, ports)
    return graph


def erd_dot(
    schema: Schema,
    *,
    focus: str | None = None,
    depth: int = 1,
    hide_scalars: bool = False,
    overview: bool = False,
    clusters: bool | dict[str, str] = True,
    groups: set[str] | None = None,
) -> str:
    """The ERD as DOT source text."""
    graph = erd_graph(
        schema,
        focus=focus,
        depth=depth,
        hide_scalars=hide_scalars,
        overview=overview,
        clusters=clusters,
        groups=groups,
    )
    source: str = graph.source
    return source


def render_erd(schema: Schema, fmt: str, **opts: Any) -> bytes:
    """The ERD in one of ERD_FORMATS; svg/png run the graphviz `dot` binary.

    View options (focus, depth, hide_scalars, overview, clusters, groups) apply to svg, png, dot and
    mmd; DBML always describes the whole schema and ignores them.
    """
    if fmt not in ERD_FORMATS:
        raise InputError(f"unknown ERD format {fmt!r}; choose one of: {', '.join(ERD_FORMATS)}")
    if fmt == "dbml":
        return erd_dbml(schema).encode("utf-8")
    if fmt == "mmd":
        return erd_mermaid(schema, **opts).encode("utf-8")
    if fmt == "dot":
        return erd_dot(schema, **opts).encode("utf-8")
    graph = erd_graph(schema, **opts)
    try:
        rendered: bytes = graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as exc:
        raise InputError(
            f"cannot render {fmt}: the Graphviz 'dot' program is not installed or not on PATH "
            "(install Graphviz, e.g. `apt-get install graphviz` or `brew install graphviz`, "
            "or use --format dot, mmd or dbml)"
        ) from exc
    except graphviz.CalledProcessError as exc:
        stderr = exc.stderr.decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else ""
        first = (
            stderr.strip().splitlines()[0] if stderr.strip() else f"exit status {exc.returncode}"
        )
        raise ArchtoolsError(f"graphviz 'dot' failed to render the ERD: {first}") from exc
    return rendered
