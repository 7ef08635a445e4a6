"""The schema in a notebook: its models as a paged table, and its ERD drawn when it stays legible."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from archtools.facts.schema import FieldKind, Model, Schema
from archtools.views.notebook_base import Bundle, RichView
from archtools.views.notebook_html import esc, wrap
from archtools.views.notebook_pages import pager_html, paginate

MODELS_PER_PAGE = 100
# Beyond this many models a drawing is both unreadable in a cell and hundreds of KB of SVG; a few
# models can weigh as much when one has a hundred relations, hence the size limit too.
ERD_MAX_MODELS = 30
ERD_MAX_BYTES = 90_000
CONNECTED_LISTED = 10


def relation_count(model: Model) -> int:
    return sum(1 for f in model.fields if f.kind is FieldKind.RELATION)


class SchemaView(RichView):
    """The schema as tables: one row per model with its key, relations and where it is defined,
    `page_size` models a page."""

    def __init__(self, schema: Schema, *, page: int = 1, page_size: int = MODELS_PER_PAGE) -> None:
        self.schema = schema
        self.page = paginate(sorted(schema.models, key=lambda m: m.name), page, page_size)

    def text(self) -> str:
        schema = self.schema
        return (
            f"{schema.orm or 'no ORM'} schema ({schema.provider or 'unknown provider'}): "
            f"{len(schema.models)} models, {len(schema.enums)} enums"
        )

    def _repr_html_(self) -> str:
        rows = []
        for model in self.page.items:
            relations = [f for f in model.fields if f.kind is FieldKind.RELATION]
            keys = [f.name for f in model.fields if f.id] or model.primary_key or []
            links = ", ".join(f"{r.name} -> {r.type}" for r in relations)
            rows.append(
                f"<tr><td><b>{esc(model.name)}</b></td>"
                f"<td>{len(model.fields) - len(relations)}</td><td>{esc(', '.join(keys))}</td>"
                f"<td>{esc(links)}</td><td>{esc(model.file)}:{model.line}</td></tr>"
            )
        enums = "".join(
            f"<tr><td><b>{esc(e.name)}</b></td><td>{esc(', '.join(e.values))}</td></tr>"
            for e in self.schema.enums[:MODELS_PER_PAGE]
        )
        head = "<th>model</th><th>columns</th><th>key</th><th>relations</th><th>defined at</th>"
        pager = pager_html(self.page, "models", "SchemaView(schema, {args})")
        body = (
            f"<h3>{esc(self.text())}</h3><table><tr>{head}</tr>{''.join(rows)}</table>{pager}"
            + (f"<table><tr><th>enum</th><th>values</th></tr>{enums}</table>" if enums else "")
        )
        return wrap(body, "archtools-schema")


class ErdView:
    """The ERD as SVG, drawn by graphviz `dot`; `opts` are erd_graph's (focus, depth, groups, ...).

    When the selection holds more than `max_models` models, or its drawing more than `max_bytes`
    of SVG, the cell shows instead the schema's domain groups and best-connected models with the
    calls that draw a part of it; `max_models=None, max_bytes=None` draws everything (as does
    `archtools erd PATH -o erd.svg`)."""

    def __init__(
        self,
        schema: Schema,
        *,
        max_models: int | None = ERD_MAX_MODELS,
        max_bytes: int | None = ERD_MAX_BYTES,
        **opts: Any,
    ) -> None:
        self.schema = schema
        self.opts = opts
        self.max_models = max_models
        self.max_bytes = max_bytes
        self._svg: str | None = None

    def selected(self) -> list[Model]:
        """The models the drawing would hold (raises InputError for an unknown focus or group)."""
        from archtools.views.erd_model import assign_clusters, select_models

        return select_models(
            self.schema,
            focus=self.opts.get("focus"),
            depth=self.opts.get("depth", 1),
            groups=self.opts.get("groups"),
            cluster_of=assign_clusters(self.schema, self.opts.get("clusters", True)),
        )

    def too_many_models(self) -> bool:
        return self.max_models is not None and len(self.selected()) > self.max_models

    def too_large(self) -> bool:
        """More models than `max_models` (checked before drawing), or a drawing over `max_bytes`."""
        if self.too_many_models():
            return True
        return self.max_bytes is not None and len(self.svg()) > self.max_bytes

    def svg(self) -> str:
        if self._svg is None:
            from archtools.views.erd import render_erd

            self._svg = render_erd(self.schema, "svg", **self.opts).decode("utf-8")
        return self._svg

    def text(self) -> str:
        focus = self.opts.get("focus")
        where = f" around {focus} (depth {self.opts.get('depth', 1)})" if focus else ""
        if self.too_many_models():
            return (
                f"ERD of {len(self.selected())} models{where}: more than {self.max_models}, "
                "not drawn; pick a part with focus= or groups="
            )
        if self.too_large():
            return (
                f"ERD of {len(self.selected())} models{where}: a drawing of "
                f"{len(self.svg()) // 1000} KB, more than {(self.max_bytes or 0) // 1000} KB, "
                "not drawn; pick a part with focus= or groups=, or overview=True"
            )
        return f"ERD of {len(self.schema.models)} models{where}"

    def summary_html(self) -> str:
        """What to draw instead of everything: groups with their sizes, best-connected models."""
        from archtools.views.erd_model import assign_clusters

        chosen = self.selected()
        names = {m.name for m in chosen}
        groups = Counter(
            g for m, g in assign_clusters(self.schema, True).items() if m in names
        ).most_common()
        connected = sorted(chosen, key=lambda m: (-relation_count(m), m.name))[:CONNECTED_LISTED]
        group_items = "".join(
            f"<li><code>ErdView(schema, groups={{{esc(repr(g))}}})</code> {n} models</li>"
            for g, n in groups
        )
        model_items = "".join(
            f"<li><code>ErdView(schema, focus={esc(repr(m.name))}, depth=1)</code> "
            f"{relation_count(m)} relations</li>"
            for m in connected
        )
        body = (
            f"<p><b>{esc(self.text())}</b></p>"
            + (f"<p>Domain groups:</p><ul>{group_items}</ul>" if group_items else "")
            + f"<p>Best-connected models:</p><ul>{model_items}</ul>"
            '<p class="muted">Add <code>hide_scalars=True</code> to keep keys and relations '
            "only; <code>max_models=None</code> draws everything, and <code>archtools erd PATH "
            "-o erd.svg</code> writes the whole diagram to a file.</p>"
        )
        return wrap(body, "archtools-erd-summary")

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
    ) -> Bundle:
        # No _repr_svg_: IPython would add its drawing beside the summary of a large schema.
        if self.too_large():
            return {"text/html": self.summary_html(), "text/plain": self.text()}
        # As image/svg+xml the notebook shows it as an image: nothing in it can run.
        return {"image/svg+xml": self.svg(), "text/plain": self.text()}

    def __repr__(self) -> str:
        return self.text()


def legible_focus(schema: Schema, max_models: int = 12) -> str | None:
    """A model worth centring a drawing on: the one with the most neighbours (one relation hop)
    among those whose neighbourhood still fits `max_models`; None when no model has a relation."""
    from archtools.views.erd_model import neighborhood

    sizes = {m.name: len(neighborhood(schema, m.name, 1)) for m in schema.models}
    fitting = [name for name, size in sizes.items() if 1 < size <= max_models]
    return min(fitting, key=lambda name: (-sizes[name], name)) if fitting else None
