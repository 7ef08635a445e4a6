"""The data model of the synthetic monorepo: 100 Prisma models with relations, and its schema text."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

CORE_MODELS = ("User", "Team", "Membership", "AuditLog")
DOMAIN_MODELS = [
    "Project",
    "Task",
    "Comment",
    "Attachment",
    "Label",
    "Milestone",
    "Sprint",
    "Epic",
    "Release",
    "Deployment",
    "Environment",
    "Secret",
    "Webhook",
    "Integration",
    "ApiKey",
    "Invitation",
    "Invoice",
    "InvoiceLine",
    "Payment",
    "Refund",
    "Subscription",
    "Plan",
    "Coupon",
    "Discount",
    "Customer",
    "Contact",
    "Company",
    "Deal",
    "Pipeline",
    "Stage",
    "Lead",
    "Campaign",
    "Segment",
    "Audience",
    "Newsletter",
    "Template",
    "Document",
    "Folder",
    "Page",
    "Block",
    "Article",
    "Category",
    "Tag",
    "Review",
    "Rating",
    "Product",
    "Variant",
    "Inventory",
    "Warehouse",
    "Shipment",
    "Order",
    "OrderItem",
    "Cart",
    "CartItem",
    "Wishlist",
    "Address",
    "Region",
    "Store",
    "Supplier",
    "PurchaseOrder",
    "Ticket",
    "Reply",
    "Macro",
    "Queue",
    "Survey",
    "Question",
    "Answer",
    "Response",
    "Form",
    "Field",
    "Submission",
    "Report",
    "Dashboard",
    "Widget",
    "Metric",
    "Alert",
    "Incident",
    "Runbook",
    "Schedule",
    "Shift",
    "Timesheet",
    "Expense",
    "Budget",
    "Forecast",
    "Contract",
    "Approval",
    "Signature",
    "Course",
    "Lesson",
    "Quiz",
    "Enrollment",
    "Certificate",
    "Venue",
    "Booking",
    "Room",
    "Playbook",
]
assert len(CORE_MODELS) + len(DOMAIN_MODELS) == 100, len(DOMAIN_MODELS)

ENUMS: dict[str, tuple[str, ...]] = {
    "Role": ("OWNER", "ADMIN", "MEMBER", "VIEWER"),
    "Status": ("DRAFT", "ACTIVE", "ARCHIVED"),
    "Priority": ("LOW", "MEDIUM", "HIGH", "URGENT"),
    "Visibility": ("PRIVATE", "TEAM", "PUBLIC"),
}

# (field name, Prisma type) of the optional scalar fields a domain model draws from.
SCALAR_POOL: tuple[tuple[str, str], ...] = (
    ("description", "String"),
    ("slug", "String"),
    ("reference", "String"),
    ("notes", "String"),
    ("currency", "String"),
    ("externalId", "String"),
    ("color", "String"),
    ("position", "Int"),
    ("quantity", "Int"),
    ("version", "Int"),
    ("score", "Int"),
    ("amount", "Decimal"),
    ("total", "Decimal"),
    ("pinned", "Boolean"),
    ("enabled", "Boolean"),
    ("dueAt", "DateTime"),
    ("startsAt", "DateTime"),
    ("publishedAt", "DateTime"),
    ("metadata", "Json"),
    ("status", "Status"),
    ("priority", "Priority"),
    ("visibility", "Visibility"),
)


@dataclass(frozen=True)
class Scalar:
    name: str
    type: str
    optional: bool


@dataclass
class Model:
    """One domain model and the names the TypeScript templates derive from it."""

    name: str
    scalars: list[Scalar]
    owned: bool  # has an ownerId relation to User
    parent: str | None  # an optional relation to an earlier domain model
    soft_delete: bool
    children: list[str] = field(default_factory=list)

    @property
    def delegate(self) -> str:
        return self.name[0].lower() + self.name[1:]

    @property
    def kebab(self) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "-", self.name).lower()

    @property
    def plural(self) -> str:
        return plural(self.kebab)

    @property
    def plural_camel(self) -> str:
        return plural(self.delegate)

    @property
    def parent_field(self) -> str | None:
        return None if self.parent is None else self.parent[0].lower() + self.parent[1:] + "Id"

    @property
    def editable(self) -> list[Scalar]:
        return [s for s in self.scalars if s.type not in ("Json",)]


def plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def build_models(rng: random.Random) -> list[Model]:
    """The 96 domain models (the 4 core models are fixed text), deterministic for `rng`."""
    models: list[Model] = []
    for index, name in enumerate(DOMAIN_MODELS):
        picked = rng.sample(SCALAR_POOL, rng.randint(3, 9))
        scalars = [Scalar("name", "String", False)]
        scalars += [Scalar(n, t, rng.random() < 0.4) for n, t in sorted(picked)]
        parent = models[rng.randrange(index)].name if index and rng.random() < 0.7 else None
        models.append(Model(name, scalars, rng.random() < 0.45, parent, rng.random() < 0.3))
    by_name = {m.name: m for m in models}
    for model in models:
        if model.parent is not None:
            by_name[model.parent].children.append(model.name)
    return models


def _scalar_line(scalar: Scalar) -> str:
    suffix = "?" if scalar.optional else ""
    attrs = ""
    if scalar.type == "Decimal":
        attrs = " @db.Decimal(12, 2)"
    elif scalar.type in ENUMS:
        attrs = f" @default({ENUMS[scalar.type][0]})" if not scalar.optional else ""
    elif scalar.name == "version":
        attrs = " @default(1)"
    return f"  {scalar.name:<14} {scalar.type}{suffix}{attrs}"


def _model_block(model: Model) -> str:
    lines = [f"model {model.name} {{", "  id             String   @id @default(cuid())"]
    lines += [_scalar_line(s) for s in model.scalars]
    lines.append("  teamId         String")
    lines.append(
        "  team           Team     @relation(fields: [teamId], references: [id], onDelete: Cascade)"
    )
    if model.owned:
        lines.append("  ownerId        String")
        lines.append("  owner          User     @relation(fields: [ownerId], references: [id])")
    if model.parent is not None:
        pf = model.parent_field
        lines.append(f"  {pf:<14} String?")
        rel = model.parent[0].lower() + model.parent[1:]
        lines.append(
            f"  {rel:<14} {model.parent}? @relation(fields: [{pf}], references: [id], onDelete: SetNull)"
        )
    for child in model.children:
        lines.append(f"  {plural(child[0].lower() + child[1:]):<14} {child}[]")
    lines.append("  createdAt      DateTime @default(now())")
    lines.append("  updatedAt      DateTime @updatedAt")
    if model.soft_delete:
        lines.append("  deletedAt      DateTime?")
    lines.append("")
    lines.append("  @@index([teamId])")
    if model.owned:
        lines.append("  @@index([ownerId])")
    if model.parent is not None:
        lines.append(f"  @@index([{model.parent_field}])")
    lines.append("}")
    return "\n".join(lines)


def schema_text(models: list[Model]) -> str:
    """The whole schema.prisma: generator, datasource, enums, 4 core models and the domain models."""
    team_lists = "\n".join(f"  {plural(m.delegate):<14} {m.name}[]" for m in models)
    user_lists = "\n".join(f"  {plural(m.delegate):<14} {m.name}[]" for m in models if m.owned)
    parts = [
        'generator client {\n  provider = "prisma-client-js"\n}',
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}',
        *(f"enum {n} {{\n" + "\n".join(f"  {v}" for v in vs) + "\n}" for n, vs in ENUMS.items()),
        "model User {\n  id             String   @id @default(cuid())\n"
        "  email          String   @unique\n  name           String?\n  passwordHash   String?\n"
        "  isAdmin        Boolean  @default(false)\n  memberships    Membership[]\n"
        "  auditLogs      AuditLog[]\n" + user_lists + "\n"
        "  createdAt      DateTime @default(now())\n  updatedAt      DateTime @updatedAt\n}",
        "model Team {\n  id             String   @id @default(cuid())\n  name           String\n"
        "  slug           String   @unique\n  memberships    Membership[]\n  auditLogs      AuditLog[]\n"
        + team_lists
        + "\n"
        "  createdAt      DateTime @default(now())\n  updatedAt      DateTime @updatedAt\n}",
        "model Membership {\n  id             String   @id @default(cuid())\n  role           Role     @default(MEMBER)\n"
        "  teamId         String\n  team           Team     @relation(fields: [teamId], references: [id], onDelete: Cascade)\n"
        "  userId         String\n  user           User     @relation(fields: [userId], references: [id], onDelete: Cascade)\n"
        "  createdAt      DateTime @default(now())\n\n  @@unique([teamId, userId])\n  @@index([userId])\n}",
        "model AuditLog {\n  id             String   @id @default(cuid())\n  action         String\n"
        "  target         String\n  teamId         String\n  team           Team     @relation(fields: [teamId], references: [id], onDelete: Cascade)\n"
        "  actorId        String\n  actor          User     @relation(fields: [actorId], references: [id])\n"
        "  createdAt      DateTime @default(now())\n\n  @@index([teamId, createdAt])\n}",
        *(_model_block(m) for m in models),
    ]
    return "\n\n".join(parts) + "\n"
