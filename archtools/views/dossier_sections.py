"""The dossier's first three parts as blocks: the schema, the types and validation, the implementation."""

from __future__ import annotations

from archtools.facts.schema import FieldKind, Model
from archtools.results import CHECK_NAMES, EntryPoint, Finding
from archtools.views.dossier_blocks import (
    Block,
    Bullets,
    Code,
    Diagram,
    Heading,
    Inline,
    Paragraph,
    Status,
    Table,
    Text,
    where,
)
from archtools.views.dossier_model import TYPE_RULES, Dossier
from archtools.views.erd_model import End, RelationEdge, field_markers
from archtools.views.report_data import CHECK_LABELS, KIND_LABELS
from archtools.views.summary import entry_point_name

_ENDS = {End.ONE: "one", End.ZERO_OR_ONE: "zero or one", End.MANY: "many"}


def findings_table(findings: list[Finding] | tuple[Finding, ...]) -> Table:
    rows = tuple(
        (
            (Status(f.severity.value),),
            (Code(f.rule),),
            (where(f.file, f.line),),
            (f.message,),
        )
        for f in findings
    )
    return Table(("Severity", "Rule", "Where", "Finding"), rows)


def _columns(names: list[str]) -> Code:
    return Code("(" + ", ".join(names) + ")")


def _fields_table(model: Model) -> Table:
    markers = field_markers(model)
    rows = []
    for field in model.fields:
        kind = field.type + ("[]" if field.list else "") + ("?" if field.optional else "")
        notes: list[str] = []
        if field.kind is FieldKind.RELATION and field.relation is not None:
            rel = field.relation
            if rel.fields:
                notes.append(f"references {field.type}({', '.join(rel.references)})")
            if rel.on_delete:
                notes.append(f"onDelete {rel.on_delete}")
        if field.default is not None:
            notes.append(f"default {field.default}")
        if field.updated_at:
            notes.append("updatedAt")
        rows.append(
            (
                (Code(field.name),),
                (Code(kind),),
                (" ".join(markers.get(field.name, [])),),
                ("; ".join(notes),),
            )
        )
    return Table(("Field", "Type", "Keys", "Notes"), tuple(rows))


def _constraints(model: Model) -> Bullets:
    items: list[Text] = []
    key = model.primary_key or [f.name for f in model.fields if f.id]
    items.append(("Primary key: ", _columns(key)) if key else ("No primary key.",))
    unique = [[f.name] for f in model.fields if f.unique] + [u for u in model.unique]
    if unique:
        items.append(("Unique: ", *_joined([_columns(u) for u in unique])))
    if model.indexes:
        items.append(("Indexes: ", *_joined([_columns(i) for i in model.indexes])))
    else:
        items.append(("No index besides the primary key and unique constraints.",))
    return Bullets(tuple(items))


def _joined(parts: list[Code]) -> Text:
    out: list[Code | str] = []
    for index, part in enumerate(parts):
        if index:
            out.append(", ")
        out.append(part)
    return tuple(out)


def _relation_row(edge: RelationEdge) -> tuple[Text, ...]:
    child = f"{edge.child}.{edge.child_field}" if edge.child_field else edge.child
    columns = ", ".join(edge.child_columns)
    if columns:
        columns += " -> " + ", ".join(edge.parent_columns)
    return (
        (Code(child),),
        (Code(edge.parent),),
        (f"{_ENDS[edge.child_end]} to {_ENDS[edge.parent_end]}",),
        (Code(columns),) if columns else ("many-to-many" if edge.many_to_many else "",),
        (edge.on_delete or "not set",),
        ("yes" if edge.enforced else "no (relationMode prisma)",),
    )


def schema_section(d: Dossier) -> list[Block]:
    out: list[Block] = [Heading(2, ("1. Schema",), "schema")]
    if not d.models and not d.unmodelled:
        return [*out, Paragraph(("The feature's entry points touch no model the audit names.",))]
    if d.schema_orm is None:
        out.append(Paragraph(("No Prisma or Drizzle schema was found in the repository.",)))
    if d.models:
        names = ", ".join(m.name for m in d.models)
        out += [
            Paragraph(
                (f"{len(d.models)} models ({d.schema_orm}): ", Code(names), "."),
            ),
            Diagram(tuple(m.name for m in d.models)),
        ]
    for model in d.models:
        table = f" (table {model.db_name})" if model.db_name else ""
        out += [
            Heading(3, (Code(model.name), table)),
            Paragraph(("Declared at ", where(model.file, model.line), f", a {model.kind}.")),
            _fields_table(model),
            _constraints(model),
        ]
    if d.relations:
        header = ("Relation", "To", "Cardinality", "Columns", "On delete", "Enforced")
        out += [
            Heading(3, ("Relations",)),
            Table(header, tuple(_relation_row(e) for e in d.relations)),
        ]
    if d.unmodelled:
        out.append(
            Paragraph(
                (
                    "Named by the entry points but not found in the schema: ",
                    *_joined([Code(n) for n in d.unmodelled]),
                    ".",
                )
            )
        )
    found = d.schema_findings()
    out.append(Heading(3, ("Schema findings",)))
    if found:
        out.append(findings_table(found))
    else:
        out.append(Paragraph(("No schema or migration finding on these models.",)))
    return out


def _evidence(entry: EntryPoint, check: str) -> Text:
    parts: list[Code | str] = []
    for item in entry.checks.get(check).evidence:
        if parts:
            parts.append("; ")
        parts += [where(item.file, item.line), " ", item.detail]
    return tuple(parts)


def types_section(d: Dossier) -> list[Block]:
    out: list[Block] = [Heading(2, ("2. Types and validation",), "types")]
    if d.entries:
        rows = tuple(
            (
                (entry_point_name(e),),
                (Status(e.checks.input_validation.status.value),),
                _evidence(e, "input_validation"),
            )
            for e in d.entries
        )
        out += [
            Paragraph(
                ("The input schema each entry point validates with, as the audit found it:",)
            ),
            Table(("Entry point", "Input", "Evidence"), rows),
        ]
    else:
        out.append(Paragraph(("The feature has no entry point.",)))
    typed = d.findings_by_rule(TYPE_RULES)
    if typed:
        out += [Paragraph(("Type findings:",)), findings_table(typed)]
    hand_written = {f.model for f in typed if f.rule == "TYP003" and f.model}
    derived = [m.name for m in d.models if m.name not in hand_written]
    notes: list[Text] = []
    if hand_written:
        notes.append(
            (
                "Written by hand instead of derived from the schema (TYP003): ",
                *_joined([Code(n) for n in sorted(hand_written)]),
                ".",
            )
        )
    if derived:
        notes.append(
            (
                "No hand-written copy of ",
                *_joined([Code(n) for n in derived]),
                " was found; the audit does not record where the types derived from the schema "
                "are used.",
            )
        )
    notes.append(
        (
            "Not known: the types each entry point takes and returns (the audit only reports "
            "`any`, TYP001).",
        )
    )
    return [*out, Bullets(tuple(notes))]


def _entry_blocks(d: Dossier, entry: EntryPoint) -> list[Block]:
    kind = KIND_LABELS.get(entry.kind.value, entry.kind.value.replace("_", " "))
    facts: list[Inline] = [f"A {kind} at ", where(entry.file, entry.line)]
    if entry.app not in ("", "."):
        facts += [", app ", Code(entry.app)]
    if entry.public:
        facts.append(", public by design")
    if entry.models:
        facts += ["; models ", *_joined([Code(m) for m in entry.models])]
    facts.append(".")
    rows = tuple(
        (
            (CHECK_LABELS[check],),
            (Status(entry.checks.get(check).status.value),),
            _evidence(entry, check),
        )
        for check in CHECK_NAMES
    )
    out: list[Block] = [
        Heading(3, (Code(entry_point_name(entry)),)),
        Paragraph(tuple(facts)),
        Table(("Guard", "Status", "Evidence"), rows),
        _queries_block(entry),
    ]
    found = d.findings_of(entry)
    if found:
        out.append(findings_table(found))
    return out


def implementation_section(d: Dossier) -> list[Block]:
    out: list[Block] = [Heading(2, ("3. Implementation",), "implementation")]
    if not d.entries:
        return [
            *out,
            Paragraph(("The feature has no entry point: its findings come from files or models.",)),
        ]
    header = ("Entry point", *(CHECK_LABELS[c] for c in CHECK_NAMES))
    matrix: tuple[tuple[Text, ...], ...] = tuple(
        (
            (Code(entry_point_name(e)),),
            *((Status(e.checks.get(c).status.value),) for c in CHECK_NAMES),
        )
        for e in d.entries
    )
    out += [Paragraph(("The feature's rows of the auth-coverage matrix:",)), Table(header, matrix)]
    for entry in d.entries:
        out += _entry_blocks(d, entry)
    return out


def _queries_block(entry: EntryPoint) -> Block:
    """The database operations the entry point runs, in its code and the helpers it calls."""
    if not entry.queries:
        return Paragraph(("Queries: no database call was found in the code it runs.",))
    rows = tuple(
        (
            (where(q.file, q.line),),
            (Code(q.callee),),
            (Code(q.model) if q.model else "(model not known)",),
            (q.kind,),
        )
        for q in entry.queries
    )
    return Table(("Query at", "Call", "Model", "Kind"), rows)
