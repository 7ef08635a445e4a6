"""The feature dossier as Markdown, as a self-contained HTML page and in a notebook.

The blocks of dossier_review.dossier_blocks are written out here; every string in them is escaped
(escape_md, or html.escape through notebook_html.esc). The HTML page loads nothing: one inline style
sheet pinned by its hash in the Content-Security-Policy, no script, the ERD as sanitized inline SVG."""

from __future__ import annotations

import re
from html import escape

from archtools.errors import ArchtoolsError
from archtools.results import Audit
from archtools.views.dossier_blocks import (
    Block,
    Bullets,
    Code,
    CodeBlock,
    Diagram,
    Heading,
    Inline,
    Paragraph,
    Status,
    Strong,
    Table,
    Text,
)
from archtools.views.dossier_model import Dossier, build_dossier
from archtools.views.dossier_review import dossier_blocks
from archtools.views.erd_text import mermaid_text
from archtools.views.notebook_base import RichView
from archtools.views.notebook_html import esc, wrap
from archtools.views.report_data import reveal
from archtools.views.report_markdown import STATUS_ICONS, escape_md, fence
from archtools.views.svg_clean import sanitize_svg

_SEVERITY_ICONS = {
    "critical": "🟥 critical",
    "high": "🟧 high",
    "medium": "🟨 medium",
    "low": "🟦 low",
    "info": "⬜ info",
}
# The feature's ERD draws every field up to FULL_MODELS models, names alone above OVERVIEW_MODELS.
FULL_MODELS = 12
OVERVIEW_MODELS = 40
_BADGE_CLASSES = {"n/a": "na", **{k: k for k in ("pass", "fail", "warn", "unknown")}}
_BADGE_CLASSES.update({k: k for k in _SEVERITY_ICONS})

CSS = """\
body{font-family:system-ui,sans-serif;font-size:14px;line-height:1.45;margin:24px auto;\
max-width:1200px;padding:0 16px;color:#1f2328}
table{border-collapse:collapse;margin:6px 0 12px}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
code{font-size:12px;background:#f6f8fa;padding:0 3px;border-radius:3px;overflow-wrap:anywhere}
pre{background:#f6f8fa;padding:6px 8px;overflow-x:auto}
pre code{padding:0;background:none}
h2{border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:28px}
.badge{font-weight:600;font-size:12px;padding:0 4px;border-radius:3px}
.b-pass{background:#dafbe1;color:#116329}
.b-fail,.b-critical,.b-high{background:#ffebe9;color:#a40e26}
.b-warn,.b-unknown,.b-medium{background:#fff8c5;color:#7d4e00}
.b-na,.b-low,.b-info{background:#f6f8fa;color:#57606a}
.erd{overflow:auto;border:1px solid #d0d7de;border-radius:6px;padding:8px;max-height:80vh}
.erd svg{max-width:100%;height:auto}
.muted{color:#57606a}
"""


def content_security_policy() -> str:
    from archtools.views.report_html import csp_hash  # the report's rule, without Jinja2 up front

    return (
        f"default-src 'none'; img-src data:; style-src {csp_hash(CSS)}; script-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


# --- Markdown ---------------------------------------------------------------------------------


def md_code(text: str) -> str:
    """An inline code span holding `text` literally: one line, hidden characters revealed, pipes
    escaped for tables, fenced by more backticks than any run inside."""
    text = reveal(" ".join(text.splitlines()).strip()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _md_inline(part: Inline) -> str:
    if isinstance(part, Code):
        return md_code(part.text)
    if isinstance(part, Strong):
        return f"**{escape_md(part.text)}**"
    if isinstance(part, Status):
        return _SEVERITY_ICONS.get(part.value) or STATUS_ICONS.get(
            part.value, escape_md(part.value)
        )
    return _md_plain(part)


def _md_plain(text: str) -> str:
    """escape_md keeps no space at either end; pieces of a line need theirs."""
    core = escape_md(text)
    if not core:
        return " " if text[:1].isspace() else ""
    lead = " " if text[:1].isspace() else ""
    tail = " " if text[-1:].isspace() else ""
    return f"{lead}{core}{tail}"


def _md_text(text: Text) -> str:
    return "".join(_md_inline(part) for part in text)


def _md_block(block: Block, d: Dossier) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * block.level + " " + _md_text(block.text), ""]
    if isinstance(block, Paragraph):
        return [_md_text(block.text), ""]
    if isinstance(block, Bullets):
        return [*("- " + _md_text(item) for item in block.items), ""]
    if isinstance(block, Table):
        rows = [
            "| " + " | ".join(escape_md(h) for h in block.header) + " |",
            "|" + " --- |" * len(block.header),
        ]
        rows += ["| " + " | ".join(_md_text(c) for c in row) + " |" for row in block.rows]
        return [*rows, ""]
    if isinstance(block, CodeBlock):
        return [fence(block.code, block.lang), ""]
    models = [m for m in d.models if m.name in block.models]
    return [fence(mermaid_text(d.schema, models, context=True), "mermaid"), ""]


def render_dossier_markdown(d: Dossier) -> str:
    """The dossier as GitHub-flavoured Markdown, the ERD as a Mermaid block (names made plain
    identifiers by erd_text)."""
    out: list[str] = []
    for block in dossier_blocks(d):
        out += _md_block(block, d)
    return "\n".join(out).rstrip("\n") + "\n"


# --- HTML -------------------------------------------------------------------------------------


def _html_inline(part: Inline) -> str:
    if isinstance(part, Code):
        return f"<code>{esc(part.text)}</code>"
    if isinstance(part, Strong):
        return f"<strong>{esc(part.text)}</strong>"
    if isinstance(part, Status):
        css = _BADGE_CLASSES.get(part.value, "unknown")
        return f'<span class="badge b-{css}">{esc(part.value)}</span>'
    return esc(part)


def _html_text(text: Text) -> str:
    return "".join(_html_inline(part) for part in text)


def _html_block(block: Block, erd_svg: str | None) -> str:
    if isinstance(block, Heading):
        anchor = f' id="{block.anchor}"' if block.anchor else ""
        return f"<h{block.level}{anchor}>{_html_text(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{_html_text(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_html_text(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        head = "".join(f"<th>{esc(h)}</th>" for h in block.header)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_html_text(c)}</td>" for c in row) + "</tr>"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(block, CodeBlock):
        return f"<pre><code>{esc(block.code.rstrip())}</code></pre>"
    assert isinstance(block, Diagram)
    cleaned = sanitize_svg(erd_svg) if erd_svg is not None else None
    if cleaned:  # rebuilt from an allow-list of graphviz's elements: no script, style or link
        return f'<div class="erd">{cleaned}</div>'
    return '<p class="muted">No diagram was drawn (it needs graphviz); the models and their relations are listed below.</p>'


def dossier_body_html(d: Dossier, erd_svg: str | None = None) -> str:
    return "\n".join(_html_block(block, erd_svg) for block in dossier_blocks(d))


def render_dossier_html(d: Dossier, *, erd_svg: str | None = None, version: str = "") -> str:
    """The dossier as one HTML page that loads nothing from anywhere."""
    generator = (
        f'<meta name="generator" content="archtools {escape(version)}">\n' if version else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"{generator}<title>archtools dossier: {esc(d.feature)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f"{dossier_body_html(d, erd_svg)}\n</main>\n</body>\n</html>\n"
    )


def erd_detail(models: int) -> dict[str, bool]:
    """How much of each model the feature's ERD draws: every field for a few models, keys and
    relations for more, names alone for many (a page without script cannot pan a huge drawing)."""
    if models > OVERVIEW_MODELS:
        return {"overview": True}
    return {"hide_scalars": models > FULL_MODELS}


def feature_erd_svg(d: Dossier) -> str | None:
    """The ERD of the feature's models drawn with graphviz (one cluster, named after the feature),
    or None when there is no model or graphviz cannot draw it."""
    if not d.models:
        return None
    from archtools.views.erd import draw_erd

    cluster = {m.name: d.feature for m in d.models}
    try:
        drawing = draw_erd(
            d.schema, "svg", clusters=cluster, groups={d.feature}, **erd_detail(len(d.models))
        )
    except ArchtoolsError:
        return None
    return drawing.data.decode("utf-8")


# --- Notebook ---------------------------------------------------------------------------------


class DossierView(RichView):
    """A feature's dossier in a notebook; the ERD is drawn on first display."""

    def __init__(self, dossier: Dossier, *, draw_erd: bool = True) -> None:
        self.dossier = dossier
        self.draw_erd = draw_erd
        self._svg: str | None = None

    def text(self) -> str:
        return render_dossier_markdown(self.dossier)

    def _repr_html_(self) -> str:
        if self.draw_erd and self._svg is None:
            self._svg = feature_erd_svg(self.dossier)
        body = dossier_body_html(self.dossier, self._svg)
        return wrap(body, "archtools-dossier", {"feature": self.dossier.feature})


def dossier(audit: Audit, feature: str, *, draw_erd: bool = True) -> DossierView:
    """The dossier of one feature for a notebook: `dossier(result, "orders")`. Unknown features
    raise InputError listing the known ones."""
    from archtools.rules.catalog import rule_catalog

    return DossierView(build_dossier(audit, feature, rule_catalog()), draw_erd=draw_erd)
