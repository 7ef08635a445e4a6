"""The dossier's last two parts as blocks, and the whole dossier: integration and security review."""

from __future__ import annotations

from archtools.results import EntryKind, EntryPoint, Finding
from archtools.views.dossier_blocks import (
    Block,
    Bullets,
    Code,
    CodeBlock,
    Heading,
    Paragraph,
    Status,
    Table,
    Text,
    where,
)
from archtools.views.dossier_model import INTEGRATION_RULES, Dossier
from archtools.views.dossier_sections import (
    findings_table,
    implementation_section,
    schema_section,
    types_section,
)
from archtools.views.summary import entry_point_name

# Evidence a scorecard item lists in the review (each entry point's is in part 3).
_ITEM_EVIDENCE = 3


def _client_call(entry: EntryPoint) -> Text:
    """How client code reaches the entry point, from its kind, route and method alone."""
    route = entry.route or entry.name
    if entry.kind in (EntryKind.ROUTE_HANDLER, EntryKind.PAGES_API):
        method = "any method" if entry.method == "*" else f"method {entry.method}"
        return ("an HTTP request to ", Code(route), f" ({method})")
    if entry.kind == EntryKind.SERVER_ACTION:
        return ("imports ", Code(entry.name), " from ", Code(entry.file), " and calls it")
    if entry.kind == EntryKind.TRPC_PROCEDURE:
        return ("the tRPC client's ", Code(route), f" {entry.method}")
    if entry.kind == EntryKind.RPC_PROCEDURE:
        return (f"the {entry.framework or 'RPC'} client's ", Code(route))
    return ("rendered by Next.js at ", Code(route), " (a page, not called by client code)")


def _cache_notes(found: list[Finding]) -> Text:
    if not found:
        return ("no finding",)
    parts: list[Code | str] = []
    for finding in found:
        if parts:
            parts.append("; ")
        parts += [Code(finding.rule), " ", finding.message]
    return tuple(parts)


def integration_section(d: Dossier) -> list[Block]:
    out: list[Block] = [Heading(2, ("4. Integration",), "integration")]
    integration = d.findings_by_rule(INTEGRATION_RULES)
    if d.entries:
        rows = tuple(
            (
                (Code(entry_point_name(e)),),
                _client_call(e),
                _cache_notes([f for f in d.findings_of(e) if f.rule in INTEGRATION_RULES]),
            )
            for e in d.entries
        )
        out.append(Table(("Entry point", "A client reaches it by", "Revalidation and cache"), rows))
    unattached = [f for f in integration if not f.entry_point]
    if unattached:
        out += [Paragraph(("Client-side findings of the feature:",)), findings_table(unattached)]
    notes: list[Text] = [
        (
            "Not known: which client components and pages call these entry points; the audit "
            "does not trace client call sites.",
        ),
        (
            "What a mutation revalidates is only known where it fails: NXT001 reports Server "
            "Actions that change data without revalidating a path or tag, EXP003 per-user data "
            "cached under a shared key.",
        ),
    ]
    return [*out, Bullets(tuple(notes))]


def _item_rows(d: Dossier, titles: dict[str, str]) -> tuple[tuple[Text, ...], ...]:
    rows = []
    for item in d.items_worst_first():
        evidence: list[Code | str] = []
        for found in item.evidence[:_ITEM_EVIDENCE]:
            if evidence:
                evidence.append("; ")
            evidence += [where(found.file, found.line), " ", found.detail]
        if len(item.evidence) > _ITEM_EVIDENCE:
            evidence.append(f"; and {len(item.evidence) - _ITEM_EVIDENCE} more")
        linked = ", ".join(titles.get(fp, fp) for fp in item.findings)
        rows.append(((item.title,), (Status(item.status.value),), tuple(evidence), (linked,)))
    return tuple(rows)


def _fixes(d: Dossier) -> list[Block]:
    """One fix per rule, in the order of the rules' worst findings."""
    out: list[Block] = []
    for rule in dict.fromkeys(f.rule for f in d.findings):
        meta = d.rules.get(rule)
        count = sum(1 for f in d.findings if f.rule == rule)
        if meta is None:
            title = next(f.title for f in d.findings if f.rule == rule)
            out += [
                Heading(4, (Code(rule), f" {title} ({count})")),
                Paragraph(("The rule catalog has no documentation for this rule.",)),
            ]
            continue
        out += [
            Heading(4, (Code(rule), f" {meta.title} ({count})")),
            Paragraph((meta.doc.why.strip(),)),
            Paragraph((f"Use instead ({meta.doc.good.path}):",)),
            CodeBlock(meta.doc.good.code, meta.doc.good.lang),
        ]
    return out


def security_section(d: Dossier) -> list[Block]:
    out: list[Block] = [Heading(2, ("5. Security review",), "security")]
    card = d.scorecard
    if card is not None:
        titles = {f.fingerprint: f"{f.rule} {f.file}:{f.line}" for f in d.findings}
        out += [
            Paragraph(
                (f"Checklist scorecard: grade {card.grade}, {card.score}/100, worst first.",)
            ),
            Table(("Item", "Status", "Evidence", "Findings"), _item_rows(d, titles)),
        ]
    else:
        out.append(Paragraph(("The audit holds no scorecard for this feature.",)))
    out.append(Heading(3, ("Findings, worst first",)))
    if d.findings:
        out += [findings_table(d.findings), Heading(3, ("Fixes",)), *_fixes(d)]
    else:
        out.append(Paragraph(("No finding.",)))
    if d.suppressed:
        out += [
            Heading(3, (f"Suppressed findings ({len(d.suppressed)})",)),
            Table(
                ("Rule", "Where", "Reason"),
                tuple(
                    ((Code(f.rule),), (where(f.file, f.line),), (f.suppressed or "",))
                    for f in d.suppressed
                ),
            ),
        ]
    return out


def dossier_blocks(d: Dossier) -> list[Block]:
    """The whole dossier: a head, then the five parts in the order of the seed's answers."""
    card = d.scorecard
    grade = f"; grade {card.grade} ({card.score}/100)" if card is not None else ""
    head: list[Block] = [
        Heading(1, ("Feature dossier: ", Code(d.feature))),
        Paragraph(
            (
                f"{len(d.entries)} entry points, {len(d.models) + len(d.unmodelled)} models, "
                f"{len(d.findings)} findings{grade}.",
            )
        ),
    ]
    return [
        *head,
        *schema_section(d),
        *types_section(d),
        *implementation_section(d),
        *integration_section(d),
        *security_section(d),
    ]
