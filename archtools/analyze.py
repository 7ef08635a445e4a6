"""The analysis stage of an audit: entry points with their checks, every rule's findings, scorecards."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archtools import profiling
from archtools.analysis.checks import EntryAnalysis, EntryChecker
from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry import AppLayout, Entry, chain_schema
from archtools.analysis.entrypoints import EntryFinder
from archtools.analysis.growing_models import settle_scale_problems
from archtools.analysis.knowledge import active_knowledge, guard_knowledge, using_knowledge
from archtools.analysis.middleware import analyse_middleware
from archtools.analysis.program import Program
from archtools.analysis.roles import CallClassifier
from archtools.analysis.summaries import Summaries
from archtools.checklist.features import (
    PROJECT_FEATURE,
    ProjectConfig,
    feature_of,
    merge_plurals,
    parse_config,
)
from archtools.checklist.proof import ProjectFacts, StrictSetting
from archtools.checklist.scorecard import build_scorecard
from archtools.errors import InputError
from archtools.facts.code import FileFacts
from archtools.parse.sql_indexes import SqlIndex, sql_indexes
from archtools.results import (
    AuditError,
    Checks,
    CheckStatus,
    EntryKind,
    EntryPoint,
    Finding,
    MigrationsJudged,
    Scorecard,
)
from archtools.rules import code as code_rules
from archtools.rules.base import Hit
from archtools.rules.catalog import rule_catalog
from archtools.rules.file_pass import FileRules
from archtools.rules.findings import build_findings, suppressions
from archtools.rules.selection import RuleSelection
from archtools.source.files import is_test_file
from archtools.source.texts import snippet_lines

if TYPE_CHECKING:
    from archtools.loading import AuditOptions, Loaded
    from archtools.source.repository import Repository

CONFIG_FILE = "archtools.toml"


@dataclass
class Analysis:
    entry_points: list[EntryPoint]
    findings: list[Finding]
    scorecards: list[Scorecard]
    errors: list[AuditError]
    migrations: MigrationsJudged = field(default_factory=MigrationsJudged)
    notes: list[str] = field(default_factory=list)


def _config(loaded: Loaded, errors: list[AuditError]) -> ProjectConfig:
    text = loaded.texts.get(CONFIG_FILE)
    if text is None:
        return ProjectConfig()  # no archtools.toml (or none readable inside the root)
    try:
        return parse_config(text, CONFIG_FILE)
    except InputError as error:
        errors.append(AuditError(file=CONFIG_FILE, line=None, message=str(error)))
        return ProjectConfig()


def _env_files(loaded: Loaded) -> list[code_rules.EnvFile]:
    found = []
    for path in sorted(p for p in loaded.texts if re.search(r"(^|/)\.env[^/]*$", p)):
        text = loaded.texts[path]
        entries = []
        for number, line in enumerate(text.splitlines(), start=1):
            match = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", line)
            if match:
                entries.append((match.group(1), match.group(2).strip().strip("\"'"), number))
        found.append(code_rules.EnvFile(path=path, entries=entries))
    return found


def _tsconfigs(loaded: Loaded) -> list[tuple[str, bool | None, int]]:
    tsconfigs = []
    for app in loaded.repo.apps:
        if app.tsconfig is not None:
            tsconfigs.append(
                (
                    app.tsconfig.path,
                    app.tsconfig.strict,
                    _line_of_key(loaded, app.tsconfig.path, "strict"),
                )
            )
    return sorted(set(tsconfigs))


def _line_of_key(loaded: Loaded, path: str, key: str) -> int:
    text = loaded.texts.get(path)
    if text is None:
        try:
            text = loaded.repo.read_text(path)
        except InputError:
            return 1
    for number, line in enumerate(text.splitlines(), start=1):
        if f'"{key}"' in line:
            return number
    return 1


def _migration_hits(
    loaded: Loaded, errors: list[AuditError], selection: RuleSelection, options: AuditOptions
) -> tuple[list[Hit], MigrationsJudged]:
    """The hits on the migrations not yet applied (as options.migrations says), and which files
    were judged or taken as history."""
    scope = options.migrations
    if not any(f.path.endswith(".sql") for f in loaded.repo.files):
        # no SQL at all: skip loading the SQL parser
        return [], MigrationsJudged(scope=scope.kind, since=scope.since or None)
    from archtools.parse.sql_migrations import find_migration_files, parse_migration
    from archtools.rules.migration_judge import judge_migrations

    outs = [app.drizzle.out for app in loaded.repo.apps if app.drizzle and app.drizzle.out]
    paths = find_migration_files([f.path for f in loaded.repo.files], [o for o in outs if o])
    dialect = {"mysql": "mysql", "sqlite": "sqlite"}.get(loaded.schema.provider or "", "postgres")
    migrations = []
    for path in paths:
        text = loaded.texts.get(path)
        if text is None:
            continue  # unreadable: already listed in errors when the sources were read
        parsed = parse_migration(path, text, dialect)
        for problem in parsed.errors:
            errors.append(
                AuditError(
                    file=problem.file,
                    line=problem.line,
                    column=problem.column,
                    message=problem.message,
                )
            )
        migrations.append(parsed)
    orm = loaded.schema.orm.value if loaded.schema.orm else None
    judgement = judge_migrations(migrations, scope, selection.reports, orm)
    judged = MigrationsJudged(
        scope=scope.kind,
        since=scope.since or None,
        judged=list(judgement.judged),
        history=list(judgement.history),
    )
    return judgement.hits, judged


def _entry_point(analysis: EntryAnalysis, feature: str) -> EntryPoint:
    entry = analysis.entry
    return EntryPoint(
        id=entry.id,
        kind=entry.kind,
        file=entry.file,
        line=entry.line,
        name=entry.name,
        method=entry.method,
        route=entry.route,
        app=entry.app,
        feature=feature,
        public=analysis.public,
        checks=Checks(**analysis.checks),
        models=analysis.models,
        exposure_proofs=analysis.exposure_proofs,
        queries=analysis.queries,
    )


def analyse(loaded: Loaded, options: AuditOptions) -> Analysis:
    """Find the entry points and their checks, run every selected rule, and score the features,
    with the project's own knowledge (archtools.toml `[knowledge]`) added to the bundled one."""
    errors: list[AuditError] = []
    config = _config(loaded, errors)
    with using_knowledge(config.knowledge or guard_knowledge()):
        return _analyse(loaded, options, config, errors)


def _analyse(
    loaded: Loaded, options: AuditOptions, config: ProjectConfig, errors: list[AuditError]
) -> Analysis:
    program = Program(files=loaded.facts, resolve_import=loaded.repo.resolve_import)
    knowledge = active_knowledge()
    classifier = CallClassifier(program, knowledge, loaded.schema)
    apps = app_layouts(loaded.repo)
    selection = RuleSelection(config.select, config.ignore).then(options.select, options.ignore)
    file_rules = FileRules(
        env_files=_env_files(loaded),
        resolver=loaded.repo.resolve_import,
        schema=loaded.schema,
        tsconfigs=_tsconfigs(loaded),
        reports=selection.reports,
    )

    def visit(file: str, facts: FileFacts) -> None:
        file_rules.visit(file, facts)
        if not is_test_file(file):
            # while the file is decoded: the read policy (AnalysisContext) reads every file's
            # database operations, and they are kept
            classifier.db_ops(file)

    entries = EntryFinder(program).find(apps, visit=visit)  # one pass for all three
    ctx = _analysis_context(loaded, config, program, classifier, apps)
    entries = [e for e in entries if not _unpostable_action(ctx, loaded, e)]
    ctx.sinks.know_procedures(
        {
            e.route: chain_schema(e)
            for e in entries
            if e.kind == EntryKind.TRPC_PROCEDURE and e.route is not None
        }
    )
    for procedure in entries:
        if procedure.kind == EntryKind.TRPC_PROCEDURE and procedure.route is not None:
            segments = procedure.route.split(".")
            for start in range(len(segments) - 1):
                ctx.procedures.setdefault(".".join(segments[start:]), []).append(procedure)
        elif procedure.kind == EntryKind.SERVER_ACTION:
            ctx.actions[(procedure.file, procedure.name)] = procedure
    checker = EntryChecker(ctx)
    analyses = [a for a in map(checker.analyse, entries) if a.reads_data]
    settle_scale_problems(ctx, analyses, _sql_indexes(loaded))
    if options.progress is not None:
        options.progress("analyse", len(analyses), len(analyses))

    features = _features(analyses, config)
    entry_points = [_entry_point(a, features[a.entry.id]) for a in analyses]

    with profiling.stage(profiling.RULES):
        findings, migrations = _rule_findings(
            loaded, options, ctx, selection, file_rules, entries, analyses, errors
        )
    with profiling.stage(profiling.SCORECARDS):
        scorecards = score_features(
            entry_points,
            findings,
            bool(migrations.judged or migrations.history),
            schema_errors=loaded.schema_errors,
            facts=project_facts(loaded, migrations),
        )
    judging = any(
        selection.reports(m.id) for m in rule_catalog().values() if m.family == "migration"
    )
    note = options.migrations.note(len(migrations.judged), len(migrations.history))
    note = note if judging else None  # no word on migrations when no migration rule runs
    return Analysis(
        entry_points=entry_points,
        findings=findings,
        scorecards=scorecards,
        errors=errors,
        migrations=migrations,
        notes=[note] if note else [],
    )


def _rule_findings(
    loaded: Loaded,
    options: AuditOptions,
    ctx: AnalysisContext,
    selection: RuleSelection,
    file_rules: FileRules,
    entries: list[Entry],
    analyses: list[EntryAnalysis],
    errors: list[AuditError],
) -> tuple[list[Finding], MigrationsJudged]:
    """Every selected rule's hits (the entry-point checks' problems, the file, schema and
    migration rules) as findings, and which migrations were judged or taken as history."""
    from archtools.rules.schema_lint import SCHEMA_RULES, run_schema_rules

    code = loaded.facts
    hits = _problem_hits(analyses)
    file_pass = file_rules.finish(code)
    # An error sent back is a leak only in code that answers requests: not in a CLI, a mobile
    # app, a script or a worker the Next.js app never imports.
    server = ctx.importers.server_code({e.file for e in entries})
    machines = _answered_to_machines(analyses)
    hits += [
        h
        for h in file_pass.hits
        if h.rule not in SERVER_RESPONSE_RULES or (h.file in server and h.file not in machines)
    ]
    hits += run_schema_rules(loaded.schema, [r for r in SCHEMA_RULES if selection.reports(r)])
    migration_hits, migrations = _migration_hits(loaded, errors, selection, options)
    hits += migration_hits
    hits = [hit for hit in hits if selection.reports(hit.rule)]  # the entry-point rules

    ignored, ignore_errors = suppressions(file_pass.comments)
    errors += ignore_errors
    findings = build_findings(
        hits,
        rule_catalog(),
        source_line=lambda file, line: _snippet(loaded, file, line),
        ignored=ignored,
        baseline=options.baseline,
    )
    return findings, migrations


def _answered_to_machines(analyses: list[EntryAnalysis]) -> set[str]:
    """Files whose every entry point answers only a caller that proved a server secret or a
    signature (a webhook sender, a cron job, an operator's tool), or that holds the operator's
    role: the error text they send back reaches no user of the app."""
    kinds: dict[str, set[str | None]] = {}
    for analysis in analyses:
        check = analysis.checks["authentication"]
        proven = check.kind if check.status == CheckStatus.PASS else None
        if proven is not None and analysis.trusted_callers is not None:
            proven = "operator"
        kinds.setdefault(analysis.entry.file, set()).add(proven)
    return {file for file, found in kinds.items() if found <= {"internal", "signature", "operator"}}


def _analysis_context(
    loaded: Loaded,
    config: ProjectConfig,
    program: Program,
    classifier: CallClassifier,
    apps: list[AppLayout],
) -> AnalysisContext:
    """The program with its knowledge, classifier and summaries, its apps and their middleware."""
    code = loaded.facts
    knowledge = classifier.knowledge
    summaries = Summaries(program, classifier, knowledge)
    ctx = AnalysisContext(
        program=program,
        knowledge=knowledge,
        schema=loaded.schema,
        classifier=classifier,
        summaries=summaries,
        apps=apps,
        public_routes=config.public_routes,
    )
    for app in apps:
        if app.middleware and app.middleware in code:
            ctx.middleware[app.path] = analyse_middleware(program, summaries, app.middleware)
    return ctx


def _unpostable_action(ctx: AnalysisContext, loaded: Loaded, entry: Entry) -> bool:
    """A 'use server' module that only server code imports, or a shared package's module that
    nothing imports, gets no action id: its exports are functions, not Server Actions a browser
    can post to."""
    apps = ctx.apps
    pages_dirs = tuple(app.pages_dir for app in apps if app.pages_dir)
    return (
        entry.kind == EntryKind.SERVER_ACTION
        and "use server" in loaded.facts[entry.file].directives
        and (
            ctx.importers.reached_from_react(entry.file, pages_dirs) is False
            or (
                not _inside_an_app(entry.file, apps)
                and not ctx.importers.named_in_any_import(entry.file)
            )
        )
    )


def _sql_indexes(loaded: Loaded) -> list[SqlIndex]:
    """The indexes the repository's SQL files create (migrations, schema dumps)."""
    return [
        index
        for path in sorted(loaded.texts)
        if path.endswith(".sql")
        for index in sql_indexes(path, loaded.texts[path])
    ]


def _features(analyses: list[EntryAnalysis], config: ProjectConfig) -> dict[str, str]:
    """The feature each entry point belongs to, by entry id (plural names merged)."""
    raw_features = {
        a.entry.id: feature_of(a.entry.kind.value, a.entry.file, a.entry.route, config)
        for a in analyses
    }
    plural = merge_plurals(set(raw_features.values()))
    return {k: plural[v] for k, v in raw_features.items()}


def _problem_hits(analyses: list[EntryAnalysis]) -> list[Hit]:
    """The problems the entry-point checks found, as rule hits."""
    return [
        Hit(
            rule=problem.rule,
            file=problem.file,
            line=problem.line,
            message=problem.message,
            entry_point=analysis.entry.id,
            model=problem.model,
            key=problem.key,
        )
        for analysis in analyses
        for problem in analysis.problems
    ]


SERVER_RESPONSE_RULES = {"EXP002"}


def app_layouts(repo: Repository) -> list[AppLayout]:
    return [
        AppLayout(
            path=app.path,
            app_dir=app.app_dir,
            pages_dir=app.pages_dir,
            middleware=app.middleware,
            next_version=app.next_version,
        )
        for app in repo.apps
    ]


def _inside_an_app(file: str, apps: list[AppLayout]) -> bool:
    return any(app.path == "." or file.startswith(app.path + "/") for app in apps)


def _snippet(loaded: Loaded, file: str, line: int) -> list[str]:
    text = loaded.texts.get(file)
    if text is None:
        try:
            text = loaded.repo.read_text(file)
        except InputError:
            return []
        loaded.texts[file] = text
    return snippet_lines(text, line)


def project_facts(loaded: Loaded, migrations: MigrationsJudged) -> ProjectFacts:
    """What can prove a checklist item with no finding against it."""
    return ProjectFacts(
        tsconfigs=[StrictSetting(path, strict, line) for path, strict, line in _tsconfigs(loaded)],
        schema=None if loaded.schema_errors else loaded.schema,
        migrations=migrations.judged,
        migrations_applied=len(migrations.history),
    )


def score_features(
    entry_points: list[EntryPoint],
    findings: list[Finding],
    has_migrations: bool,
    *,
    schema_errors: Sequence[AuditError] = (),
    facts: ProjectFacts | None = None,
) -> list[Scorecard]:
    by_feature: dict[str, list[EntryPoint]] = defaultdict(list)
    for entry in entry_points:
        by_feature[entry.feature].append(entry)
    models: dict[str, set[str]] = defaultdict(set)
    files: dict[str, set[str]] = defaultdict(set)
    for feature, entries in by_feature.items():
        for entry in entries:
            models[feature].update(entry.models)
            files[feature].add(entry.file)
    entry_feature = {e.id: e.feature for e in entry_points}
    by_model: dict[str, set[str]] = defaultdict(set)
    by_file: dict[str, set[str]] = defaultdict(set)
    by_directory: dict[str, set[str]] = defaultdict(set)
    for feature in by_feature:
        for model in models[feature]:
            by_model[model].add(feature)
        for file in files[feature]:
            by_file[file].add(feature)
            by_directory[posixpath.dirname(file)].add(feature)
    assigned: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        # The features of the entry points that reach it; else the features touching its model;
        # else those owning its file or a file in its folder; else the project as a whole.
        reached = {entry_feature[e] for e in finding.entry_points if e in entry_feature}
        if reached:
            targets = reached
        else:
            targets = set(by_model.get(finding.model or "", set()))
            targets = (
                targets
                or by_file.get(finding.file, set())
                or by_directory.get(posixpath.dirname(finding.file), set())
            )
        for target in targets or {PROJECT_FEATURE}:
            assigned[target].append(finding)
    cards = []
    for feature in sorted(set(by_feature) | set(assigned)):
        cards.append(
            build_scorecard(
                feature,
                sorted(by_feature.get(feature, []), key=lambda e: e.id),
                sorted(models.get(feature, set())),
                assigned.get(feature, []),
                has_migrations=has_migrations,
                schema_errors=schema_errors,
                facts=facts,
            )
        )
    return cards
