"""The grid layout of a large ERD: each domain cluster laid out on its own, clusters packed in rows.

`dot` lays out a 300-model schema with clusters as one tall column, slowly, and sometimes not at all
("trouble in init_rank"). Here `dot` lays out only the edges inside each cluster (one run, no
subgraphs), each connected piece is packed into its cluster's box, the boxes are packed into rows of
a near-16:10 page, and `neato -n2` draws the result with every node pinned, routing only the edges
between clusters."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import graphviz

from archtools.views.erd_build import (
    CLUSTER_ATTRS,
    EDGE_ATTRS,
    GRAPH_ATTRS,
    NODE_ATTRS,
    ErdEdge,
    ErdParts,
    node_id,
)

# Points between packed pieces, around a cluster's content, and above it for its label.
GAP = 24.0
MARGIN = 16.0
LABEL_HEIGHT = 22.0
ASPECT = 1.6  # width / height aimed at for the page and for each cluster
_LABEL_HALF = (40.0, 10.0)  # room kept around an edge label's centre
_POINT = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?,-?\d+(?:\.\d+)?(?:e-?\d+)?")

Run = Callable[[str, str], bytes]  # (DOT source, engine) -> graphviz -Tjson output


@dataclass(frozen=True)
class Box:
    key: str
    width: float
    height: float


def pack_rows(
    boxes: Iterable[Box], gap: float = GAP, aspect: float = ASPECT
) -> dict[str, tuple[float, float]]:
    """Top-left corners (y grows downwards) of boxes packed in rows, tallest first, into a width
    that makes the whole about `aspect` times as wide as it is high."""
    items = sorted(boxes, key=lambda b: (-b.height, -b.width, b.key))
    if not items:
        return {}
    area = sum((b.width + gap) * (b.height + gap) for b in items)
    width = max(max(b.width for b in items), math.sqrt(area * aspect))
    corners: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for box in items:
        if x > 0 and x + box.width > width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        corners[box.key] = (x, y)
        x += box.width + gap
        row_height = max(row_height, box.height)
    return corners


@dataclass
class _Placed:
    """A node or edge as `dot` placed it: its extent and the points to move."""

    left: float
    bottom: float
    right: float
    top: float


def _points(text: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (m.group(0).split(",") for m in _POINT.finditer(text))]


def _shift(text: str, dx: float, dy: float) -> str:
    def moved(match: re.Match[str]) -> str:
        x, y = match.group(0).split(",")
        return f"{float(x) + dx:.2f},{float(y) + dy:.2f}"

    return _POINT.sub(moved, text)


def _grow(extent: _Placed | None, left: float, bottom: float, right: float, top: float) -> _Placed:
    if extent is None:
        return _Placed(left, bottom, right, top)
    return _Placed(
        min(extent.left, left),
        min(extent.bottom, bottom),
        max(extent.right, right),
        max(extent.top, top),
    )


def _end(end: str) -> str:
    return end.split(":", 1)[0]


def _inner_edges(parts: ErdParts) -> list[tuple[int, ErdEdge]]:
    cluster = parts.node_cluster()
    return [
        (index, edge)
        for index, edge in enumerate(parts.edges)
        if cluster.get(_end(edge.tail)) == cluster.get(_end(edge.head))
    ]


def _measure_source(parts: ErdParts, inner: list[tuple[int, ErdEdge]]) -> str:
    graph = graphviz.Digraph(
        name="erd", graph_attr=GRAPH_ATTRS, node_attr=NODE_ATTRS, edge_attr=EDGE_ATTRS
    )
    for node in parts.nodes:
        graph.node(node.id, **node.attrs)
    for index, edge in inner:
        graph.edge(edge.tail, edge.head, id=f"e{index}", **edge.attrs)
    source: str = graph.source
    return source


def _pieces(nodes: Iterable[str], inner: Iterable[ErdEdge]) -> dict[str, str]:
    """Node -> the first node of its connected piece (union-find over the inner edges)."""
    parent = {node: node for node in nodes}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for edge in inner:
        a, b = root(_end(edge.tail)), root(_end(edge.head))
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {node: root(node) for node in parent}


__all__ = ["Box", "grid_graph", "pack_rows"]


def grid_graph(parts: ErdParts, run: Run) -> graphviz.Digraph:
    """The parts laid out as a grid of clusters: a Digraph for `neato -n2` (every position fixed)."""
    inner = _inner_edges(parts)
    laid = json.loads(run(_measure_source(parts, inner), "dot"))
    node_pos: dict[str, tuple[float, float]] = {}
    extents: dict[str, _Placed] = {}
    for obj in laid.get("objects", []):
        if "pos" not in obj:
            continue
        (x, y), w, h = _points(obj["pos"])[0], float(obj["width"]) * 36, float(obj["height"]) * 36
        node_pos[obj["name"]] = (x, y)
        extents[obj["name"]] = _Placed(x - w, y - h, x + w, y + h)
    edge_layout: dict[int, dict[str, str]] = {}
    for item in laid.get("edges", []):
        index = int(str(item.get("id", "e-1"))[1:])
        if index >= 0:
            edge_layout[index] = {k: str(item[k]) for k in ("pos", "lp") if k in item}

    piece_of = _pieces([n.id for n in parts.nodes], (edge for _, edge in inner))
    piece_extent: dict[str, _Placed] = {}
    for node in parts.nodes:
        e = extents[node.id]
        piece = piece_of[node.id]
        piece_extent[piece] = _grow(piece_extent.get(piece), e.left, e.bottom, e.right, e.top)
    for index, edge in inner:
        piece = piece_of[_end(edge.tail)]
        for x, y in _points(edge_layout.get(index, {}).get("pos", "")):
            piece_extent[piece] = _grow(piece_extent[piece], x, y, x, y)
        for x, y in _points(edge_layout.get(index, {}).get("lp", "")):
            dx, dy = _LABEL_HALF
            piece_extent[piece] = _grow(piece_extent[piece], x - dx, y - dy, x + dx, y + dy)

    cluster = parts.node_cluster()
    pieces_by_cluster: dict[str | None, list[str]] = defaultdict(list)
    for piece in sorted(piece_extent):
        pieces_by_cluster[cluster[piece]].append(piece)
    inside: dict[str, tuple[float, float]] = {}
    cluster_boxes: list[Box] = []
    for label, pieces in pieces_by_cluster.items():
        boxes = [
            Box(
                p,
                piece_extent[p].right - piece_extent[p].left,
                piece_extent[p].top - piece_extent[p].bottom,
            )
            for p in pieces
        ]
        corners = pack_rows(boxes)
        inside.update(corners)
        width = max(corners[b.key][0] + b.width for b in boxes) + 2 * MARGIN
        height = max(corners[b.key][1] + b.height for b in boxes) + 2 * MARGIN + LABEL_HEIGHT
        cluster_boxes.append(Box(_cluster_key(label), width, height))
    page = pack_rows(cluster_boxes)
    page_height = max(page[b.key][1] + b.height for b in cluster_boxes)
    sizes = {b.key: b for b in cluster_boxes}

    # Translation of each piece: from dot's coordinates to the page (y grows upwards there).
    move: dict[str, tuple[float, float]] = {}
    for label, pieces in pieces_by_cluster.items():
        cx, cy = page[_cluster_key(label)]
        for piece in pieces:
            px, py = inside[piece]
            extent = piece_extent[piece]
            left = cx + MARGIN + px
            top = cy + MARGIN + LABEL_HEIGHT + py
            move[piece] = (left - extent.left, page_height - top - extent.top)
    return _positioned(
        parts, inner, node_pos, edge_layout, piece_of, move, page, sizes, page_height
    )


def _cluster_key(label: str | None) -> str:
    return "\x00none" if label is None else label


def _positioned(
    parts: ErdParts,
    inner: list[tuple[int, ErdEdge]],
    node_pos: Mapping[str, tuple[float, float]],
    edge_layout: Mapping[int, Mapping[str, str]],
    piece_of: Mapping[str, str],
    move: Mapping[str, tuple[float, float]],
    page: Mapping[str, tuple[float, float]],
    sizes: Mapping[str, Box],
    page_height: float,
) -> graphviz.Digraph:
    width = max(x + sizes[key].width for key, (x, _) in page.items())
    graph_attrs = {
        **{k: v for k, v in GRAPH_ATTRS.items() if k != "rankdir"},
        "bb": f"0,0,{width:.2f},{page_height:.2f}",
        "splines": "line",  # routing hundreds of edges around nodes takes minutes
        "outputorder": "edgesfirst",
    }
    graph = graphviz.Digraph(
        name="erd", graph_attr=graph_attrs, node_attr=NODE_ATTRS, edge_attr=EDGE_ATTRS
    )

    def add_node(target: graphviz.Digraph, node_id: str, attrs: Mapping[str, str]) -> None:
        x, y = node_pos[node_id]
        dx, dy = move[piece_of[node_id]]
        target.node(node_id, pos=f"{x + dx:.2f},{y + dy:.2f}!", **attrs)

    for node in parts.nodes:
        if node.cluster is None:
            add_node(graph, node.id, node.attrs)
    for label, text in parts.cluster_labels.items():
        key = _cluster_key(label)
        if key not in page:
            continue
        x, top = page[key]
        box = sizes[key]
        bb = f"{x:.2f},{page_height - top - box.height:.2f},{x + box.width:.2f},{page_height - top:.2f}"
        lp = f"{x + box.width / 2:.2f},{page_height - top - LABEL_HEIGHT / 2 - 4:.2f}"
        with graph.subgraph(name="cluster_" + node_id(label)) as sub:
            sub.attr(label=text, bb=bb, lp=lp, **CLUSTER_ATTRS)
            for node in parts.nodes:
                if node.cluster == label:
                    add_node(sub, node.id, node.attrs)
    inner_index = {index for index, _ in inner}
    for index, edge in enumerate(parts.edges):
        attrs = dict(edge.attrs)
        if index in inner_index and "pos" in edge_layout.get(index, {}):
            dx, dy = move[piece_of[_end(edge.tail)]]
            attrs["pos"] = _shift(edge_layout[index]["pos"], dx, dy)
            if "lp" in edge_layout[index]:
                attrs["lp"] = _shift(edge_layout[index]["lp"], dx, dy)
        else:  # between clusters: a straight line, without a label floating between boxes
            attrs.pop("label", None)
            attrs["color"] = "#8a96a3"
        graph.edge(edge.tail, edge.head, **attrs)
    return graph
