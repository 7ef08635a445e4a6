"""The `archtools` command: argument parsing, output files, progress and exit codes. No analysis here.

Exit codes: 0 ok, 1 findings at or above --fail-on (or, for diff, new findings / lost guards), 2 bad usage
or input (missing path, not a Next.js project, unparsable schema, unknown option)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from archtools import profiling
from archtools.errors import ArchtoolsError, InputError
from archtools.rules.selection import check_selectors, parse_selectors
from archtools.version import __version__
from archtools.views.render import REPORT_FORMATS

if TYPE_CHECKING:
    from archtools.baseline import Baseline
    from archtools.facts.schema import Schema
    from archtools.rules.migration_scope import MigrationScope

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
SEVERITIES = ("critical", "high", "medium", "low", "info", "none")


class _Parser(argparse.ArgumentParser):
    """argparse with one clear line and exit code 2 on any usage error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"archtools: error: {message} (see `archtools --help`)\n")


class ProgressBar:
    """A one-line progress bar on stderr; silent when stderr is not a terminal."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.widest = 0  # the longest line written, which close() blanks out

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        width = 30
        filled = min(width, int(width * done / total))
        line = f"{stage:>8} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        self.stream.write("\r" + line.ljust(self.widest))
        self.stream.flush()
        self.widest = max(self.widest, len(line))

    def close(self) -> None:
        if self.widest:
            self.stream.write("\r" + " " * self.widest + "\r")
            self.stream.flush()
            self.widest = 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, not {text}")
    return value


def _add_audit_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="the repository to audit")
    parser.add_argument("--no-cache", action="store_true", help="parse every file again (cold run)")
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        help="worker processes (default: 2 or the cores); 1 parses in this process, without time limits",
    )
    parser.add_argument(
        "--file-time-limit",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="give up a file that takes longer to parse, listing it under errors (default: 20; 0: none)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a baseline file: its findings are reported as accepted, and the migrations it "
        "recorded are taken as applied",
    )
    parser.add_argument(
        "--migrations-since",
        metavar="REF|all",
        help="judge the migrations added since this git revision of the repository (the others "
        "are applied history), or `all` to judge every one (default: those new since --baseline, "
        "else the newest migration of each migration folder)",
    )
    parser.add_argument(
        "--select",
        type=parse_selectors,
        metavar="RULES",
        help="report only these rules: ids and prefixes, comma-separated (ATH,AZ001), or ALL "
        "for every rule, opt-in ones included; replaces [rules] select of archtools.toml",
    )
    parser.add_argument(
        "--ignore",
        type=parse_selectors,
        default=(),
        metavar="RULES",
        help="do not report these rules (ids and prefixes); adds to [rules] ignore",
    )


def _report_url(text: str) -> str:
    from archtools.views.report_md_summary import report_link

    try:
        return report_link(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_summary_options(parser: argparse.ArgumentParser, summary_help: str) -> None:
    parser.add_argument("--summary", action=argparse.BooleanOptionalAction, help=summary_help)
    parser.add_argument(
        "--report-url",
        type=_report_url,
        metavar="URL",
        help="where the full report is published (a CI artifact or Pages URL): the Markdown "
        "summary links to it",
    )


def _add_dossier_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    dossier = sub.add_parser(
        "dossier",
        help="write up a feature: schema, types and validation, implementation, integration, "
        "security review",
    )
    _add_audit_options(dossier)
    dossier.add_argument("--feature", help="the feature to write up (default: every feature)")
    dossier.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="FILE.md|.html with --feature; else a folder that gets one file per feature",
    )
    dossier.add_argument(
        "--format",
        choices=("md", "html"),
        default=None,
        help="the format of the files in the folder (default: md; with --feature the file "
        "name's suffix decides)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="archtools", description="Static audits of Next.js backends.")
    parser.add_argument("--version", action="version", version=f"archtools {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    sub.required = True

    audit = sub.add_parser("audit", help="audit a repository and write a report")
    _add_audit_options(audit)
    audit.add_argument("--format", choices=REPORT_FORMATS, default="text")
    audit.add_argument("-o", "--output", type=Path, help="write the report to this file")
    audit.add_argument(
        "--fail-on", choices=SEVERITIES, default="none", help="exit 1 when a finding is this severe"
    )
    audit.add_argument(
        "--matrix",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="text: print the whole auth-coverage matrix (default: only when it has at most "
        "40 entry points; a larger one is summarized as counts per check)",
    )
    _add_summary_options(audit, "md: a summary that fits a pull-request comment (default: off)")
    audit.add_argument(
        "--profile",
        action="store_true",
        help="print the seconds each stage took (loading, parsing, analysis, rules, rendering) "
        "to stderr",
    )

    schema = sub.add_parser("schema", help="print the schema (repo, .prisma file or schema folder)")
    schema.add_argument("path")
    schema.add_argument("--format", choices=("json", "text"), default="json")
    schema.add_argument("-o", "--output", type=Path)

    erd = sub.add_parser("erd", help="draw the schema as an entity-relationship diagram")
    erd.add_argument("path")
    erd.add_argument("-o", "--output", type=Path, required=True, help="FILE.svg|png|dot|mmd|dbml")
    erd.add_argument("--focus", help="only this model and its neighbours")
    erd.add_argument("--depth", type=int, default=1)
    erd.add_argument("--hide-scalars", action="store_true")
    erd.add_argument("--overview", action="store_true", help="model names only")
    erd.add_argument("--no-clusters", action="store_true")
    erd.add_argument(
        "--split",
        action="store_true",
        help="mmd/dbml: one file per domain cluster, FILE-<cluster>.mmd|dbml",
    )

    matrix = sub.add_parser("matrix", help="print the auth-coverage matrix")
    _add_audit_options(matrix)
    matrix.add_argument("--format", choices=("text", "csv", "md", "json"), default="text")

    sub.add_parser("rules", help="list every rule")
    explain = sub.add_parser("explain", help="print one rule's documentation")
    explain.add_argument("rule", help="rule id or name, e.g. AZ001 or idor-unbound-id")

    baseline = sub.add_parser("baseline", help="write a baseline of the current findings")
    _add_audit_options(baseline)
    baseline.add_argument("-o", "--output", type=Path, default=Path(".archtools-baseline.json"))

    diff = sub.add_parser(
        "diff", help="compare two audits (JSON files, or two git revisions of a repo)"
    )
    diff.add_argument("base", help="an audit JSON file, or a git revision with --repo")
    diff.add_argument("head", help="an audit JSON file, or a git revision with --repo")
    diff.add_argument(
        "--repo", type=Path, help="audit BASE and HEAD as revisions of this git repository"
    )
    diff.add_argument("--format", choices=("text", "md", "json"), default="text")
    diff.add_argument("-o", "--output", type=Path)
    diff.add_argument(
        "--fail-on",
        choices=("any", *SEVERITIES),
        default="any",
        help="exit 1 on: any regression (a new finding, a lost guard or a new entry point "
        "failing a check; the default), a new finding this severe (as audit --fail-on), or none",
    )

    report = sub.add_parser("report", help="write every report format to a folder")
    report.add_argument("path")
    report.add_argument("-o", "--output", type=Path, default=Path("archtools-report"))
    report.add_argument(
        "--notebook", action="store_true", help="run the report notebook with papermill"
    )
    _add_summary_options(
        report,
        "report.md as a summary that fits a pull-request comment, linking to report.html "
        "(default: when the whole report would not fit, over 60,000 characters)",
    )

    _add_dossier_parser(sub)

    dashboard = sub.add_parser("dashboard", help="serve the interactive dashboard on localhost")
    dashboard.add_argument("path")
    dashboard.add_argument("--port", type=int, default=8866)
    return parser


def _write(text: str | bytes, output: Path | None) -> None:
    """Write a report; given as bytes (a large JSON report), it is written as it is, UTF-8."""
    if isinstance(text, bytes):
        _write_bytes(text, output)
        return
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")


def _write_bytes(data: bytes, output: Path | None) -> None:
    ending = b"" if data.endswith(b"\n") else b"\n"
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.write(ending)
        sys.stdout.buffer.flush()
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as stream:
        stream.write(data)
        stream.write(ending)


def _migration_scope(args: argparse.Namespace, baseline: Baseline | None) -> MigrationScope:
    """--migrations-since first, then the migrations the baseline recorded, else the newest."""
    from archtools.rules.migration_scope import ALL_KEYWORD, MigrationScope

    since = getattr(args, "migrations_since", None)
    if since == ALL_KEYWORD:
        return MigrationScope.every()
    if since is not None:
        from archtools.diff import files_at_revision

        applied = files_at_revision(Path(args.path), since)
        return MigrationScope.since_state(applied, f"git revision {since}")
    recorded = baseline.migration_scope(args.baseline) if baseline is not None else None
    return recorded or MigrationScope.newest()


def _audit_options(args: argparse.Namespace, bar: ProgressBar) -> object:
    from archtools.pipeline import AuditOptions

    baseline = None
    if getattr(args, "baseline", None) is not None:
        from archtools.baseline import load_baseline

        baseline = load_baseline(args.baseline)
    from archtools.rules.catalog import rule_catalog

    select, ignore = getattr(args, "select", None), getattr(args, "ignore", ())
    check_selectors((*(select or ()), *ignore), rule_catalog().keys(), "--select/--ignore")
    options = AuditOptions(
        use_cache=not args.no_cache,
        workers=args.jobs,
        baseline=baseline.fingerprints if baseline is not None else set(),
        progress=bar,
        select=select,
        ignore=ignore,
        migrations=_migration_scope(args, baseline),
    )
    if getattr(args, "file_time_limit", None) is not None:
        options.file_time_limit = args.file_time_limit or None
    return options


def _run_audit(args: argparse.Namespace, *, as_stored: bool = False) -> object:
    """The audit of `args.path`; with `as_stored`, a StoredAudit when the cache answers it."""
    from archtools.pipeline import AuditOptions, audit, audit_or_stored

    bar = ProgressBar(sys.stderr, sys.stderr.isatty())
    try:
        options = _audit_options(args, bar)
        assert isinstance(options, AuditOptions)
        return (audit_or_stored if as_stored else audit)(Path(args.path), options)
    finally:
        bar.close()


def _check_format_options(args: argparse.Namespace) -> None:
    """Options that only one format reads are refused with another, before any work."""
    if args.matrix is not None and args.format != "text":
        raise InputError(f"--matrix and --no-matrix go with --format text, not {args.format}")
    if args.summary and args.format not in ("md", "text"):
        raise InputError(f"--summary goes with --format md (or text), not {args.format}")
    if args.report_url is not None and args.format != "md":
        raise InputError(f"--report-url goes with --format md, not {args.format}")


def cmd_audit(args: argparse.Namespace) -> int:
    from archtools.results import Audit, Severity
    from archtools.results_cache import StoredAudit

    _check_format_options(args)
    if args.profile:
        with profiling.profiling() as clock:
            result, text = _audit_and_render(args)
        print(f"archtools: seconds per stage\n{clock.report()}", file=sys.stderr)
    else:
        result, text = _audit_and_render(args)
    _write(text, args.output)
    if args.output is not None:
        print(f"wrote {args.format} report to {args.output}", file=sys.stderr)
    if args.fail_on != "none":
        threshold = Severity(args.fail_on)
        if isinstance(result, StoredAudit):
            fails = result.fails_at(threshold)
        else:
            assert isinstance(result, Audit)
            fails = any(
                f.severity.rank >= threshold.rank and f.suppressed is None for f in result.findings
            )
        if fails:
            return EXIT_FINDINGS
    return EXIT_OK


def _audit_and_render(args: argparse.Namespace) -> tuple[object, str | bytes]:
    """The audit of `args.path` and its report in `args.format`."""
    from archtools.results import Audit
    from archtools.results_cache import StoredAudit
    from archtools.rules.catalog import rule_catalog
    from archtools.views.render import render_report, report_format

    # A JSON report of an audit the cache answers is the JSON stored, never decoded.
    result = _run_audit(args, as_stored=args.format == "json")
    if isinstance(result, StoredAudit):
        with profiling.stage(profiling.RENDERING):
            return result, result.json_bytes()
    assert isinstance(result, Audit)
    with profiling.stage(profiling.RENDERING):
        erd_svg = None
        if report_format(args.format).wants_erd and result.schema_.models:
            erd_svg = _erd_svg_or_none(result)
        text = render_report(
            result,
            args.format,
            erd_svg=erd_svg,
            rules=rule_catalog(),
            color=sys.stdout.isatty() and args.output is None,
            matrix=args.matrix,
            summary=bool(args.summary),
            report_url=args.report_url,
        )
    return result, text


def _erd_svg_or_none(result: object) -> str | None:
    from archtools.results import Audit
    from archtools.views.erd import draw_erd

    assert isinstance(result, Audit)
    try:
        overview = len(result.schema_.models) > 60
        drawing = draw_erd(result.schema_, "svg", overview=overview)
    except ArchtoolsError as error:  # no `dot` binary: the report says so instead of failing
        print(f"archtools: note: {error}", file=sys.stderr)
        return None
    for note in drawing.notes:
        print(f"archtools: note: {note}", file=sys.stderr)
    return drawing.data.decode("utf-8")


def _found_schema(path: Path) -> Schema:
    """The schema at `path`, or a clear error when there is none to show (no Prisma schema and no
    Drizzle tables found): an empty listing or diagram would look like a schema without models."""
    from archtools.pipeline import AuditOptions, load_schema

    bar = ProgressBar(sys.stderr, sys.stderr.isatty())
    try:
        schema = load_schema(path, AuditOptions(progress=bar))
    finally:
        bar.close()
    if not schema.sources:
        raise InputError(
            f"no Prisma or Drizzle schema found in {path}: give a repository, a .prisma file or "
            "folder, or a Drizzle schema file or folder"
        )
    return schema


def cmd_schema(args: argparse.Namespace) -> int:
    schema = _found_schema(Path(args.path))
    if args.format == "json":
        _write(json.dumps(schema.model_dump(mode="json"), indent=2), args.output)
    else:
        from archtools.views.report_data import reveal

        lines = [
            f"{schema.orm or 'no orm'} / {reveal(schema.provider or 'unknown provider')}:"
            f" {len(schema.models)} models"
        ]
        lines += [
            f"  {reveal(m.name)} ({len(m.fields)} fields) {reveal(m.file)}:{m.line}"
            for m in schema.models
        ]
        _write("\n".join(lines), args.output)
    return EXIT_OK


def cmd_erd(args: argparse.Namespace) -> int:
    from archtools.views.erd import draw_erd, render_erd
    from archtools.views.erd_split import export_warnings

    suffix = args.output.suffix.lower().lstrip(".")
    fmt = {"mermaid": "mmd"}.get(suffix, suffix)
    if fmt not in ("svg", "png", "dot", "mmd", "dbml"):
        raise InputError(f"cannot write an ERD as .{suffix}: use .svg, .png, .dot, .mmd or .dbml")
    schema = _found_schema(Path(args.path))
    opts = {
        "focus": args.focus,
        "depth": args.depth,
        "hide_scalars": args.hide_scalars,
        "overview": args.overview,
        "clusters": not args.no_clusters,
    }
    if args.split:
        return _write_split_erd(schema, fmt, args)
    if fmt in ("svg", "png"):
        drawing = draw_erd(schema, fmt, **opts)
        data = drawing.data
        for note in drawing.notes:
            print(f"archtools: note: {note}", file=sys.stderr)
    else:
        data = render_erd(schema, fmt, **opts)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output}", file=sys.stderr)
    for warning in export_warnings(fmt, data.decode("utf-8")) if fmt in ("mmd", "dbml") else []:
        print(f"archtools: warning: {warning}", file=sys.stderr)
    return EXIT_OK


def _write_split_erd(schema: Schema, fmt: str, args: argparse.Namespace) -> int:
    from archtools.views.erd_split import export_warnings, split_by_cluster

    if args.focus:
        raise InputError("--split writes every domain cluster; it does not combine with --focus")
    parts = split_by_cluster(
        schema,
        fmt,
        hide_scalars=args.hide_scalars,
        overview=args.overview,
        clusters=not args.no_clusters,
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    for part in parts:
        target = args.output.with_name(f"{args.output.stem}-{part.slug}{args.output.suffix}")
        target.write_text(part.text, encoding="utf-8")
        for warning in export_warnings(fmt, part.text):
            print(f"archtools: warning: {target.name}: {warning}", file=sys.stderr)
    print(f"wrote {len(parts)} files {args.output.stem}-*{args.output.suffix}", file=sys.stderr)
    return EXIT_OK


def cmd_matrix(args: argparse.Namespace) -> int:
    from archtools.results import Audit
    from archtools.views.matrix import coverage_table

    result = _run_audit(args)
    assert isinstance(result, Audit)
    if args.format == "text":
        from archtools.views.report_text import render_matrix_text

        _write(render_matrix_text(result, color=sys.stdout.isatty()), None)
        return EXIT_OK
    table = coverage_table(result)
    columns = [
        "route",
        "method",
        "kind",
        "authentication",
        "authorization",
        "input_validation",
        "rate_limiting",
        "audit_logging",
    ]
    if args.format == "csv":
        _write(table.to_csv(index=False), None)
    elif args.format == "json":
        _write(table.to_json(orient="records", indent=2), None)
    else:
        from archtools.views.report_markdown import escape_md

        shown = [c for c in columns if c in table.columns]
        rows = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
        for record in table[shown].fillna("").itertuples(index=False):
            rows.append("| " + " | ".join(escape_md(str(v)) for v in record) + " |")
        _write("\n".join(rows), None)
    return EXIT_OK


def cmd_rules(_args: argparse.Namespace) -> int:
    from archtools.rules.registry import registered_rules

    for rule in registered_rules().values():
        meta = rule.meta
        cwe = ",".join(meta.cwe) or "-"
        opt_in = f" (opt-in: --select {meta.id})" if meta.opt_in else ""
        print(
            f"{meta.id:<8} {meta.severity.value:<9} {meta.name:<36} {cwe:<16} {meta.title}{opt_in}"
        )
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from archtools.rules.catalog import find_rule
    from archtools.views.rule_docs import render_rule_text

    meta = find_rule(args.rule)
    if meta is None:
        raise InputError(f"no rule {args.rule!r}; `archtools rules` lists them")
    print(render_rule_text(meta))
    return EXIT_OK


def cmd_baseline(args: argparse.Namespace) -> int:
    from archtools.baseline import write_baseline
    from archtools.results import Audit

    args.baseline = None
    result = _run_audit(args)
    assert isinstance(result, Audit)
    count = write_baseline(result, args.output)
    print(f"wrote {count} findings to {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from archtools.diff import audits_for_diff, diff_audits, render_diff

    bar = ProgressBar(sys.stderr, sys.stderr.isatty())
    try:
        base, head = audits_for_diff(args.base, args.head, args.repo, progress=bar)
    finally:
        bar.close()
    result = diff_audits(base, head)
    _write(render_diff(result, args.format), args.output)
    return EXIT_FINDINGS if result.fails(args.fail_on) else EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from archtools.reporting import write_reports

    if args.notebook and (args.summary is not None or args.report_url is not None):
        raise InputError("--summary and --report-url do not go with --notebook")
    bar = ProgressBar(sys.stderr, sys.stderr.isatty())
    try:
        written = write_reports(
            Path(args.path),
            args.output,
            notebook=args.notebook,
            summary=args.summary,
            report_url=args.report_url,
            progress=bar,
        )
    finally:
        bar.close()
    for path in written:
        print(path)
    return EXIT_OK


def cmd_dossier(args: argparse.Namespace) -> int:
    from archtools.dossier import dossier_target, write_dossiers
    from archtools.results import Audit
    from archtools.rules.catalog import rule_catalog

    target = dossier_target(args.output, args.feature, args.format)  # before the audit runs
    result = _run_audit(args)
    assert isinstance(result, Audit)
    written = write_dossiers(result, target, rule_catalog())
    for path in written:
        print(path)
    return EXIT_OK


def cmd_dashboard(args: argparse.Namespace) -> int:
    from archtools.dashboard import serve_dashboard

    return serve_dashboard(Path(args.path), port=args.port)


COMMANDS = {
    "audit": cmd_audit,
    "schema": cmd_schema,
    "erd": cmd_erd,
    "matrix": cmd_matrix,
    "rules": cmd_rules,
    "explain": cmd_explain,
    "baseline": cmd_baseline,
    "diff": cmd_diff,
    "report": cmd_report,
    "dossier": cmd_dossier,
    "dashboard": cmd_dashboard,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ArchtoolsError as error:
        from archtools.views.report_data import reveal  # messages quote the repository's text

        print(f"archtools: error: {reveal(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("archtools: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
