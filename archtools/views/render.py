"""The registry of report formats: one entry per format, naming its renderer, the file `archtools
report` writes it to and what it needs. The CLI's --format choices, `archtools report` and
`render_report` all read this list; a new format is one renderer module and one line here."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from archtools.errors import InputError
from archtools.results import Audit
from archtools.rules.base import RuleMeta


@dataclass(frozen=True)
class RenderInputs:
    """What a renderer may use besides the audit: the ERD drawn as SVG, the rule catalog (for rule
    docs), whether the terminal takes colour, and the choices of the summarizing formats (text and
    Markdown): the whole matrix or not (None: when small), a summary instead of the whole report
    (None: when the whole one would not fit a pull-request comment) and where the full report is."""

    erd_svg: str | None = None
    rules: Mapping[str, RuleMeta] | None = None
    color: bool = False
    matrix: bool | None = None
    summary: bool | None = False
    report_url: str | None = None  # a link already checked (report_md_summary.report_link)


Renderer = Callable[[Audit, RenderInputs], str]


@dataclass(frozen=True)
class ReportFormat:
    name: str
    file_name: str  # what `archtools report` writes it as
    renderer: str  # "module:function", imported on first use: --format json never loads Jinja2
    wants_erd: bool = False  # embeds the ERD (drawn with graphviz before rendering)
    # Where `archtools report` writes it by default, first to last; None: only when asked for.
    report_folder: int | None = 1

    def render(self, audit: Audit, inputs: RenderInputs) -> str:
        module, function = self.renderer.split(":")
        return cast(Renderer, getattr(importlib.import_module(module), function))(audit, inputs)


FORMATS: tuple[ReportFormat, ...] = (
    ReportFormat("text", "report.txt", "archtools.views.report_text:render", report_folder=None),
    ReportFormat("json", "audit.json", "archtools.views.render:render_json", report_folder=4),
    ReportFormat("md", "report.md", "archtools.views.report_md_summary:render", report_folder=2),
    ReportFormat("html", "report.html", "archtools.views.report_html:render", wants_erd=True),
    ReportFormat("sarif", "report.sarif", "archtools.views.report_sarif:render", report_folder=3),
)
FORMATS_BY_NAME: dict[str, ReportFormat] = {f.name: f for f in FORMATS}
REPORT_FORMATS: tuple[str, ...] = tuple(FORMATS_BY_NAME)


def render_json(audit: Audit, _inputs: RenderInputs) -> str:
    return audit.to_json()


def report_format(name: str) -> ReportFormat:
    found = FORMATS_BY_NAME.get(name)
    if found is None:
        raise InputError(
            f"unknown report format {name!r}; expected one of: {', '.join(REPORT_FORMATS)}"
        )
    return found


def render_report(
    audit: Audit,
    fmt: str,
    *,
    erd_svg: str | None = None,
    rules: Mapping[str, RuleMeta] | None = None,
    color: bool = False,
    matrix: bool | None = None,
    summary: bool | None = False,
    report_url: str | None = None,
) -> str:
    """The audit in one of REPORT_FORMATS. `erd_svg` feeds the formats that want the ERD, `rules`
    (the catalog, for rule docs) those that document rules, `color` and `matrix` the text one,
    `summary` and `report_url` the Markdown one (see RenderInputs)."""
    inputs = RenderInputs(
        erd_svg=erd_svg,
        rules=rules,
        color=color,
        matrix=matrix,
        summary=summary,
        report_url=report_url,
    )
    return report_format(fmt).render(audit, inputs)
