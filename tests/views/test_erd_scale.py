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
from archtools.errors import InputError
from archtools.facts import prisma
from archtools.facts.schema import Schema
from archtools.views.erd import draw_erd, erd_dbml, erd_mermaid
from archtools.views.erd_build import erd_parts
from archtools.views.erd_draw import layout_order, png_dpi
from archtools.views.erd_grid import Box, pack_rows
from archtools.views.erd_model import assign_clusters
from archtools.views.erd_split import MERMAID_MAX_TEXT, export_warnings, split_by_cluster
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


# --- Mermaid and DBML at scale ------------------------------------------------------------------


def test_whole_exports_warn_above_their_consumers_limits(large: Schema) -> None:
    mermaid = erd_mermaid(large)
    assert len(mermaid) > MERMAID_MAX_TEXT
    text_size, edges = export_warnings("mmd", mermaid)
    assert text_size.startswith(f"the Mermaid text is {len(mermaid):,} characters, above Mermaid's")
    assert "default maxTextSize of 50,000" in text_size and "--split" in text_size
    assert edges.startswith("the Mermaid diagram has 701 relationships, above")
    assert "292 tables" in export_warnings("dbml", erd_dbml(large))[0]
    assert export_warnings("mmd", erd_mermaid(large, focus="BillingRecord")) == []


def test_many_relationships_warn_about_max_edges() -> None:
    lines = ["erDiagram", *(f'    A ||--o{{ B{i} : "r"' for i in range(501))]
    (warning,) = export_warnings("mmd", "\n".join(lines) + "\n")
    assert "501 relationships, above Mermaid's default maxEdges of 500" in warning


def _mermaid_entities(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    entities = set(re.findall(r"^    (\w+)(?: \{)?$", text, re.MULTILINE))
    relations = set(re.findall(r'^    (\w+) \S+ (\w+) : "', text, re.MULTILINE))
    return entities, relations


def test_mermaid_splits_into_parts_within_limits(large: Schema) -> None:
    parts = split_by_cluster(large, "mmd")
    assert len(parts) >= 10 and len({p.slug for p in parts}) == len(parts)
    described: set[str] = set()
    for part in parts:
        assert export_warnings("mmd", part.text) == [], part.cluster
        entities, relations = _mermaid_entities(part.text)
        assert {end for pair in relations for end in pair} <= entities
        described |= set(re.findall(r"^    (\w+) \{$", part.text, re.MULTILINE))
    assert described == {m.name for m in large.models}


def test_dbml_splits_with_every_reference_defined(large: Schema) -> None:
    parts = split_by_cluster(large, "dbml")
    for part in parts:
        tables = set(re.findall(r"^Table (\w+) \{", part.text, re.MULTILINE))
        referenced = set(
            re.findall(r"(\w+)\.\w+", "\n".join(re.findall(r"^Ref.*$", part.text, re.MULTILINE)))
        )
        assert referenced <= tables, part.cluster
    assert erd_dbml(large).count("\nTableGroup ") == len(set(assign_clusters(large, True).values()))


def test_small_schemas_have_nothing_to_split() -> None:
    small = prisma.parse_prisma({"schema.prisma": "model User {\n  id Int @id\n}\n"})
    with pytest.raises(InputError, match="no domain clusters to split by"):
        split_by_cluster(small, "mmd")


def test_cli_writes_one_file_per_cluster(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    schema_file = tmp_path / "schema.prisma"
    schema_file.write_text(large_prisma_schema())
    assert main(["erd", str(schema_file), "-o", str(tmp_path / "out" / "erd.mmd")]) == 0
    assert "above Mermaid's default maxTextSize" in capfd.readouterr().err
    assert main(["erd", str(schema_file), "-o", str(tmp_path / "out" / "erd.mmd"), "--split"]) == 0
    written = sorted(p.name for p in (tmp_path / "out").glob("erd-*.mmd"))
    assert "erd-billing.mmd" in written and len(written) >= 10
    assert (
        capfd.readouterr().err.strip().splitlines()[-1] == f"wrote {len(written)} files erd-*.mmd"
    )
