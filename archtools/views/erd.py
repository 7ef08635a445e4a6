"""The entity-relationship diagram: a graphviz view of the schema and its serializers."""

from __future__ import annotations

from archtools.views.erd_build import erd_dot, erd_graph, erd_parts, node_id
from archtools.views.erd_draw import ERD_FORMATS, Drawing, draw_erd, render_erd
from archtools.views.erd_text import erd_dbml, erd_mermaid

__all__ = [
    "ERD_FORMATS",
    "Drawing",
    "draw_erd",
    "erd_dbml",
    "erd_dot",
    "erd_graph",
    "erd_mermaid",
    "erd_parts",
    "node_id",
    "render_erd",
]
