"""Drawing the ERD with graphviz: the layout that suits the diagram's size, another one when a layout
fails or runs too long, and graphviz's own warnings kept from the user (a failure is one line)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archtools.errors import ArchtoolsError, InputError
from archtools.facts.schema import Schema
from archtools.views.erd_build import ErdNode, ErdParts, erd_dot, erd_parts, graph_of
from archtools.views.erd_grid import grid_graph
from archtools.views.erd_text import erd_dbml, erd_mermaid

ERD_FORMATS = ("svg", "png", "dot", "mmd", "dbml")

# Above this many models drawn, clusters are laid out as a grid rather than by `dot` as a whole.
GRID_THRESHOLD = 60
# Seconds one graphviz run may take before the next layout is tried.
LAYOUT_TIMEOUT = 20.0
# The longest side of a PNG: larger bitmaps take tens of seconds and most viewers refuse them.
MAX_PNG_PIXELS = 4000

_NOT_INSTALLED = (
    "cannot render {fmt}: the Graphviz 'dot' program is not installed or not on PATH "
    "(install Graphviz, e.g. `apt-get install graphviz` or `brew install graphviz`, "
    "or use --format dot, mmd or dbml)"
)


class LayoutFailed(ArchtoolsError):
    """One graphviz run failed: the first line graphviz wrote, or the timeout."""


@dataclass(frozen=True)
class Drawing:
    """The rendered diagram, the layout that drew it and what the user should know about it."""

    data: bytes
    layout: str  # "dot", "grid" or "dot without clusters"
    notes: tuple[str, ...] = field(default=())


def run_graphviz(
    source: str, engine: str, fmt: str, *args: str, timeout: float = LAYOUT_TIMEOUT
) -> bytes:
    """graphviz's `engine` on DOT `source`; its stderr is kept, and a failure is LayoutFailed."""
    program = shutil.which(engine)
    if program is None:
        raise InputError(_NOT_INSTALLED.format(fmt=fmt))
    try:
        done = subprocess.run(
            [program, f"-T{fmt}", *args],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise LayoutFailed(f"took longer than {timeout:g} s") from exc
    if done.returncode != 0 or not done.stdout:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        errors = [line for line in lines if line.lower().startswith("error")]
        raise LayoutFailed((errors or lines or [f"exit status {done.returncode}"])[-1].strip())
    return done.stdout


Layout = Callable[[ErdParts, str, float], tuple[bytes, list[str]]]


def _dot(parts: ErdParts, fmt: str, timeout: float) -> tuple[bytes, list[str]]:
    return run_graphviz(graph_of(parts).source, "dot", fmt, timeout=timeout), []


def _flat(parts: ErdParts, fmt: str, timeout: float) -> tuple[bytes, list[str]]:
    flat = ErdParts(
        nodes=[ErdNode(n.id, n.attrs, None, n.enum) for n in parts.nodes],
        edges=parts.edges,
        cluster_labels={},
    )
    return _dot(flat, fmt, timeout)


def _grid(parts: ErdParts, fmt: str, timeout: float) -> tuple[bytes, list[str]]:
    """Clusters laid out one by one and packed in rows (see erd_grid)."""

    def measure(source: str, engine: str) -> bytes:
        return run_graphviz(source, engine, "json", timeout=timeout)

    graph = grid_graph(parts, measure)
    args, notes = ["-n2"], []
    if fmt == "png":
        dpi = png_dpi(graph.graph_attr["bb"])
        args.append(f"-Gdpi={dpi}")
        if dpi < 72:
            notes.append(
                f"the PNG is drawn at {dpi} dpi to stay within {MAX_PNG_PIXELS} pixels a side; "
                "an SVG of this diagram zooms without limit"
            )
    return run_graphviz(graph.source, "neato", fmt, *args, timeout=timeout), notes


def png_dpi(bb: str) -> int:
    """Pixels per inch that keep a PNG of bounding box `bb` (points) within MAX_PNG_PIXELS a side."""
    _, _, width, height = (float(v) for v in bb.split(","))
    longest = max(width, height, 1.0) / 72
    return max(8, min(96, int(MAX_PNG_PIXELS / longest)))


_LAYOUTS: dict[str, Layout] = {
    "dot": _dot,
    "grid": _grid,
    "dot without clusters": _flat,
}


def layout_order(parts: ErdParts) -> list[str]:
    """The layouts to try, best first: `dot` for small diagrams, the grid for large clustered ones."""
    models = sum(1 for node in parts.nodes if not node.enum)
    if parts.cluster_labels and models > GRID_THRESHOLD:
        return ["grid", "dot without clusters"]
    return ["dot", "grid", "dot without clusters"]


def draw_erd(schema: Schema, fmt: str, *, timeout: float = LAYOUT_TIMEOUT, **opts: Any) -> Drawing:
    """The ERD drawn as `fmt` (svg, png...) by the first layout that works."""
    parts = erd_parts(schema, **opts)
    failures: list[str] = []
    for name in layout_order(parts):
        try:
            data, notes = _LAYOUTS[name](parts, fmt, timeout)
        except LayoutFailed as failed:
            failures.append(f"the {name} layout failed ({failed})")
            continue
        if failures:
            notes.insert(
                0, f"{'; '.join(failures)}: drew the diagram with the {name} layout instead"
            )
        return Drawing(data=data, layout=name, notes=tuple(notes))
    raise ArchtoolsError("graphviz could not lay out the ERD: " + "; ".join(failures))


def render_erd(schema: Schema, fmt: str, **opts: Any) -> bytes:
    """The ERD in one of ERD_FORMATS; svg/png run graphviz (see draw_erd for the notes).

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
    return draw_erd(schema, fmt, **opts).data
