"""The ERD as graphviz nodes and edges: HTML-table models, crow's-foot relations, enum and
composite-type nodes, clusters; erd_graph/erd_dot give them as a `dot` graph."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

import graphviz

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

# Crow's-foot ends: the shape next to the node gives the maximum, the outer one the minimum.
_ARROW = {End.ONE: "teetee", End.ZERO_OR_ONE: "teeodot", End.MANY: "crowodot"}
_HEADER_COLOR = {"model": "#dbe7f5", "view": "#e3f1dc", "type": "#f6ecd6"}
_ENUM_COLOR = "#ece4f5"
_MAX_ENUM_VALUES = 12
_ENUM_ROW = f'<TR><TD BGCOLOR="{_ENUM_COLOR}">'
_SAFE_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Control characters, and bidi overrides and isolates that would make a label read other than it is.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


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
    rows = [f"{_ENUM_ROW}<B>{_text(name)}</B> <I>enum</I></TD></TR>"]
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


def _relation_edge(edge: RelationEdge, ports: _Ports, overview: bool) -> ErdEdge:
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
    return ErdEdge(tail, head, attrs)


def _composite_edge(edge: CompositeEdge, ports: _Ports) -> ErdEdge:
    tail = ports.endpoint(edge.owner, (edge.field,), "out")
    attrs = {"dir": "both", "arrowtail": "diamond", "arrowhead": "crow" if edge.list else "none"}
    return ErdEdge(tail, node_id(edge.type), attrs)


@dataclass(frozen=True)
class ErdNode:
    """One node of the diagram: a model, type or enum, with the cluster it is drawn in."""

    id: str
    attrs: dict[str, str]
    cluster: str | None  # enums: the one cluster using them, drawn outside clusters by `dot`
    enum: bool = False


@dataclass(frozen=True)
class ErdEdge:
    """One edge: its ends (`node` or `node:port`) and graphviz attributes."""

    tail: str
    head: str
    attrs: dict[str, str]


@dataclass(frozen=True)
class ErdParts:
    """The diagram before any layout: nodes in drawing order, edges, and the cluster labels."""

    nodes: list[ErdNode]
    edges: list[ErdEdge]
    cluster_labels: dict[str, str]  # cluster -> HTML-like label

    def node_cluster(self) -> dict[str, str | None]:
        return {node.id: node.cluster for node in self.nodes}


GRAPH_ATTRS = {"rankdir": "LR", "fontname": "Helvetica", "nodesep": "0.4", "ranksep": "0.8"}
NODE_ATTRS = {"shape": "plain", "fontname": "Helvetica", "fontsize": "10"}
EDGE_ATTRS = {"fontname": "Helvetica", "fontsize": "9", "color": "#555555"}
CLUSTER_ATTRS = {"style": "rounded", "color": "#9aa5b1"}


def _model_node(model: Model, shown: list[tuple[int, Field]], overview: bool) -> dict[str, str]:
    if overview:
        color = _HEADER_COLOR.get(model.kind, _HEADER_COLOR["model"])
        return {
            "label": f"<{_text(model.name)}>",
            "shape": "box",
            "style": "rounded,filled",
            "fillcolor": color,
        }
    return {"label": _model_label(model, shown, field_markers(model))}


def erd_parts(
    schema: Schema,
    *,
    focus: str | None = None,
    depth: int = 1,
    hide_scalars: bool = False,
    overview: bool = False,
    clusters: bool | dict[str, str] = True,
    groups: set[str] | None = None,
) -> ErdParts:
    """The nodes and edges erd_graph draws (see there for the options)."""
    cluster_of = assign_clusters(schema, clusters)
    models = select_models(schema, focus=focus, depth=depth, groups=groups, cluster_of=cluster_of)
    shown_names = {m.name for m in models}
    shown = {m.name: _shown_fields(m, hide_scalars=hide_scalars, overview=overview) for m in models}
    nodes: list[ErdNode] = []
    by_cluster: dict[str, list[Model]] = {}
    for model in models:
        label = cluster_of.get(model.name)
        if label is None or clusters is False:
            attrs = _model_node(model, shown[model.name], overview)
            nodes.append(ErdNode(node_id(model.name), attrs, None))
        else:
            by_cluster.setdefault(label, []).append(model)
    cluster_labels: dict[str, str] = {}
    for label in sorted(by_cluster):
        cluster_labels[label] = f"<<B>{_text(label)}</B>>"
        for model in by_cluster[label]:
            attrs = _model_node(model, shown[model.name], overview)
            nodes.append(ErdNode(node_id(model.name), attrs, label))

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
        users = {cluster_of.get(model) for model, _, field in enum_uses if field.type == name}
        home = next(iter(users)) if len(users) == 1 and clusters is not False else None
        label = _enum_label(name, enum.values)
        nodes.append(ErdNode(_enum_node(schema, name), {"label": label}, home, enum=True))
    edges: list[ErdEdge] = []
    for model_name, index, field in enum_uses:
        tail = f"{node_id(model_name)}:f{index}r"
        attrs = {"style": "dotted", "arrowhead": "none"}
        edges.append(ErdEdge(tail, _enum_node(schema, field.type), attrs))

    ports = _Ports(shown)
    for edge in relation_edges(schema):
        if edge.parent in shown_names and edge.child in shown_names:
            edges.append(_relation_edge(edge, ports, overview))
    for comp in composite_edges(schema):
        if comp.owner in shown_names and comp.type in shown_names:
            edges.append(_composite_edge(comp, ports))
    return ErdParts(nodes=nodes, edges=edges, cluster_labels=cluster_labels)


def graph_of(parts: ErdParts) -> graphviz.Digraph:
    """The parts as a graphviz Digraph laid out by `dot`, one subgraph per cluster."""
    graph = graphviz.Digraph(
        name="erd", graph_attr=GRAPH_ATTRS, node_attr=NODE_ATTRS, edge_attr=EDGE_ATTRS
    )
    for node in parts.nodes:
        if node.cluster is None and not node.enum:
            graph.node(node.id, **node.attrs)
    for label, text in parts.cluster_labels.items():
        with graph.subgraph(name=_cluster_name(label)) as sub:
            sub.attr(label=text, **CLUSTER_ATTRS)
            for node in parts.nodes:
                if node.cluster == label and not node.enum:
                    sub.node(node.id, **node.attrs)
    for node in parts.nodes:
        if node.enum:
            graph.node(node.id, **node.attrs)
    for edge in parts.edges:
        graph.edge(edge.tail, edge.head, **edge.attrs)
    return graph


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
    return graph_of(
        erd_parts(
            schema,
            focus=focus,
            depth=depth,
            hide_scalars=hide_scalars,
            overview=overview,
            clusters=clusters,
            groups=groups,
        )
    )


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
