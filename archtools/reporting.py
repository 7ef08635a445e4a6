"""`archtools report`: every report format written to one folder, directly or by a notebook."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from archtools.errors import ArchtoolsError, InputError
from archtools.loading import AuditOptions, Progress
from archtools.results import Audit
from archtools.views.render import FORMATS, FORMATS_BY_NAME

# Report format -> file name inside the output folder (the format registry's, in views/render.py).
REPORT_FILES: dict[str, str] = {f.name: f.file_name for f in FORMATS}
DEFAULT_FORMATS: tuple[str, ...] = tuple(
    f.name
    for f in sorted(FORMATS, key=lambda f: f.report_folder or 0)
    if f.report_folder is not None
)
REPORT_NOTEBOOK = "05-audit-report.ipynb"
EXECUTED_NOTEBOOK = "audit-report.ipynb"
MAX_ERD_MODELS = 60  # larger schemas are drawn as an overview (model names only)


def notebooks_dir() -> Path:
    """The notebooks/ folder of the archtools checkout."""
    return Path(__file__).resolve().parent.parent / "notebooks"


def notebook_path(name: str) -> Path:
    path = notebooks_dir() / name
    if not path.is_file():
        raise InputError(
            f"the notebook {name} is not available ({path} is missing): "
            "the notebooks ship with the archtools source checkout"
        )
    return path


def _erd_svg(audit: Audit) -> str | None:
    if not audit.schema_.models:
        return None
    from archtools.views.erd import render_erd

    try:
        overview = len(audit.schema_.models) > MAX_ERD_MODELS
        return render_erd(audit.schema_, "svg", overview=overview).decode("utf-8")
    except ArchtoolsError:  # no `dot` binary: the report goes without the diagram
        return None


def write_report_files(
    audit: Audit,
    out: Path,
    formats: Iterable[str] = DEFAULT_FORMATS,
    *,
    summary: bool | None = None,
    report_url: str | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write `audit` in each format to `out` (created when missing); the paths in format order.
    The Markdown report is a summary when `summary` is True or (None) when the whole one would not
    fit a pull-request comment; it links to `report_url` (checked with report_link), else to the
    HTML report written beside it."""
    from archtools.rules.catalog import rule_catalog
    from archtools.views.render import render_report

    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS_BY_NAME]
    if unknown:
        raise InputError(
            f"unknown report format {unknown[0]!r}; expected some of: {', '.join(FORMATS_BY_NAME)}"
        )
    out.mkdir(parents=True, exist_ok=True)
    erd_svg = _erd_svg(audit) if any(FORMATS_BY_NAME[f].wants_erd for f in wanted) else None
    rules = rule_catalog()
    if report_url is None and "html" in wanted:
        report_url = FORMATS_BY_NAME["html"].file_name
    written = []
    for done, fmt in enumerate(wanted):
        if progress is not None:
            progress("render", done, len(wanted))
        target = out / FORMATS_BY_NAME[fmt].file_name
        text = render_report(
            audit, fmt, erd_svg=erd_svg, rules=rules, summary=summary, report_url=report_url
        )
        target.write_text(text, "utf-8")
        written.append(target)
    if progress is not None:
        progress("render", len(wanted), len(wanted))
    return written


def run_report_notebook(path: Path, out: Path, formats: Iterable[str] = DEFAULT_FORMATS) -> Path:
    """Execute the report notebook with papermill on `path`; it writes the reports to `out`, and
    the executed notebook lands there too. Returns the executed notebook's path."""
    try:
        import papermill
    except ImportError as exc:
        raise InputError(
            "`--notebook` needs papermill: pip install 'archtools[notebooks]'"
        ) from exc
    source = notebook_path(REPORT_NOTEBOOK)
    out.mkdir(parents=True, exist_ok=True)
    executed = out / EXECUTED_NOTEBOOK
    parameters = {
        "repo_path": str(path.expanduser().resolve()),
        "output_dir": str(out.resolve()),
        "formats": list(formats),
    }
    try:
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=parameters,
            kernel_name="python3",
            cwd=str(source.parent),
            progress_bar=False,
        )
    except papermill.PapermillExecutionError as exc:
        raise ArchtoolsError(
            f"the report notebook failed at cell {exc.exec_count}: {exc.ename}: {exc.evalue} "
            f"(see {executed})"
        ) from exc
    return executed


def write_reports(
    path: Path,
    out: Path,
    *,
    notebook: bool,
    summary: bool | None = None,
    report_url: str | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Audit `path` and write the HTML, Markdown, SARIF and JSON reports to `out` (`summary`,
    `report_url`: see write_report_files; `progress` follows the audit and the rendering). With
    `notebook`, the report notebook does it (papermill) and its executed copy is written too."""
    if not path.expanduser().exists():
        raise InputError(f"{path} does not exist.")
    if notebook:
        executed = run_report_notebook(path, out)
        return [out / REPORT_FILES[fmt] for fmt in DEFAULT_FORMATS] + [executed]
    from archtools.pipeline import audit

    result = audit(path, AuditOptions(progress=progress))
    return write_report_files(
        result, out, summary=summary, report_url=report_url, progress=progress
    )
