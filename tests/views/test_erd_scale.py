"""The ERD of a 300-model schema: every drawing succeeds, clusters sit in a grid, and a failing
layout gives way to another with one line of explanation instead of graphviz's stderr."""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from archtools.cli import main
from archtools.facts import prisma
from archtools.facts.schema import Schema
from archtools.views.erd import draw_erd
from archtools.views.erd_build import erd_parts
from archtools.views.erd_draw import layout_order, png_dpi
from archtools.views.erd_grid import Box, pack_rows
from tests.support.large_schema import large_prisma_schema

pytestmark = pytest.mark.xdist_group("graphviz")

_BOX = re.compile(
    r'<g id="clust\d+" class="cluster">\s*<title>[^<]*</title>\s*<path[^>]*d="M([\d.]+),'
)
_POLY = re.compile(
    r'<g id="clust\d+" class="cluster">\s*<title>[^<]*</title>\s*<polygon[^>]*points="([-\d.]+),'
)


@pytest.fixture(scope="module")
def large() -> Schema:
    return prisma.parse_prisma({"prisma/schema.prisma": large_prisma_schema()})


def _cluster_lefts(svg: str) -> set[float]:
    return {round(float(x)) for x in _BOX.findall(svg) + _POLY.findall(svg)}


def test_generated_schema_is_large_and_clustered(large: Schema) -> None:
    parts = erd_parts(large)
    assert len(large.models) >= 290
    assert len(parts.cluster_labels) >= 10
    assert layout_order(parts)[0] == "grid"


@pytest.mark.parametrize(
    "opts",
    [{}, {"overview": True}, {"focus": "User", "depth": 2}, {"hide_scalars": True}],
    ids=["default", "overview", "focus", "hide-scalars"],
)
def test_large_schema_draws_as_a_grid_of_clusters(large: Schema, opts: dict[str, Any]) -> None:
    drawing = draw_erd(large, "svg", **opts)
    svg = drawing.data.decode("utf-8")
    assert drawing.layout == "grid" and drawing.notes == ()
    assert svg.count('class="node"') >= 250
    # Clusters side by side, not one column: several distinct left edges.
    assert len(_cluster_lefts(svg)) >= 3
    box = re.search(r'viewBox="0\.00 0\.00 ([\d.]+) ([\d.]+)"', svg)
    assert box is not None
    width, height = float(box.group(1)), float(box.group(2))
    assert 0.3 < width / height < 4


def test_large_png_is_scaled_and_says_so(large: Schema) -> None:
    drawing = draw_erd(large, "png")
    assert drawing.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(drawing.notes) == 1 and "dpi" in drawing.notes[0]
    assert png_dpi("0,0,720,360") == 96 and png_dpi("0,0,72000,100") == 8


def test_pack_rows_fills_rows_tallest_first() -> None:
    boxes = [
        Box(name, 100, height) for name, height in (("a", 50), ("b", 80), ("c", 20), ("d", 80))
    ]
    corners = pack_rows(boxes, gap=10, aspect=2.0)
    assert corners["b"] == (0.0, 0.0) and corners["d"] == (110.0, 0.0)
    assert corners["a"] == (0.0, 90.0) and corners["c"] == (110.0, 90.0)  # below the tallest
    assert pack_rows([]) == {}


def _failing_dot(folder: Path) -> Path:
    """A `dot` that fails as graphviz does on large clustered schemas, except when measuring."""
    folder.mkdir()
    real = shutil.which("dot")
    assert real is not None
    script = folder / "dot"
    noise = "\n".join(f"Warning: {i} lost edge" for i in range(50))
    script.write_text(
        "#!/bin/sh\n"
        'case "$1" in -Tjson) exec ' + real + ' "$@";; esac\n'
        f"cat >/dev/null\nprintf '%s\\n' '{noise}' 'Error: trouble in init_rank' >&2\nexit 2\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    neato = shutil.which("neato")
    assert neato is not None
    (folder / "neato").symlink_to(neato)
    return folder


def test_a_failing_layout_falls_back_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    schema_file = tmp_path / "schema.prisma"
    schema_file.write_text(
        "model User {\n  id Int @id\n  posts Post[]\n}\n"
        "model Post {\n  id Int @id\n  userId Int\n  user User @relation(fields: [userId], references: [id])\n}\n"
    )
    monkeypatch.setenv("PATH", f"{_failing_dot(tmp_path / 'bin')}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "erd.svg"
    assert main(["erd", str(schema_file), "-o", str(out)]) == 0
    err = capfd.readouterr().err
    assert err.splitlines()[0] == (
        "archtools: note: the dot layout failed (Error: trouble in init_rank): "
        "drew the diagram with the grid layout instead"
    )
    assert "lost edge" not in err
    assert ">User</text>" in out.read_text() and ">Post</text>" in out.read_text()


@pytest.fixture
def no_layout_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("dot", "neato"):
        script = folder / name
        script.write_text(
            "#!/bin/sh\ncat >/dev/null\necho 'Warning: noise' >&2\necho 'Error: broken' >&2\nexit 1\n"
        )
        script.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))


@pytest.mark.usefixtures("no_layout_works")
def test_when_no_layout_works_the_error_is_one_line(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    schema_file = tmp_path / "schema.prisma"
    schema_file.write_text("model User {\n  id Int @id\n}\n")
    assert main(["erd", str(schema_file), "-o", str(tmp_path / "erd.svg")]) == 2
    err = capfd.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "noise" not in err
    assert "the dot layout failed (Error: broken)" in err
