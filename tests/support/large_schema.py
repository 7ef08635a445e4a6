"""A generated Prisma schema at the scale of a large real app (about 300 models in a dozen domains,
with hubs such as `User` that tie the domains together, cross-domain relations, self relations,
several relations between the same two models, implicit many-to-many lists and enums). It reproduces
what makes graphviz struggle on real schemas, without depending on a checked-out repository."""

from __future__ import annotations

import random

DOMAINS = (
    "Billing",
    "Catalog",
    "Shipping",
    "Support",
    "Content",
    "Inventory",
    "Marketing",
    "Payroll",
    "Moderation",
    "Search",
    "Reward",
    "Training",
)
HUBS = ("User", "Organization", "Image", "Post")
_WORDS = (
    "Record", "Entry", "Event", "Rule", "Report", "Metric", "Request", "Review", "Tag", "Link",
    "Version", "File", "Setting", "Token", "Log", "Vote", "Rank", "Notice", "Task", "Note",
    "Slot", "Batch", "Claim", "Quota", "Draft",
)  # fmt: skip
_SCALARS = ("String", "Int", "Boolean", "DateTime", "Float", "Json", "BigInt")


def _model_names(count: int) -> dict[str, list[str]]:
    per_domain = max(1, (count - len(HUBS)) // len(DOMAINS))
    words = [word + ("" if i < len(_WORDS) else str(i)) for i, word in enumerate(_WORDS * 4)]
    return {domain: [domain + word for word in words[:per_domain]] for domain in DOMAINS}


class _Builder:
    """Model bodies and the back-relation lists on the other side of each relation."""

    def __init__(self, names: list[str]) -> None:
        self.body: dict[str, list[str]] = {name: [] for name in names}
        self.back: dict[str, list[str]] = {name: [] for name in names}

    def relate(
        self, child: str, parent: str, field: str, *, optional: bool, name: str | None
    ) -> None:
        relation = f'"{name}", ' if name else ""
        mark = "?" if optional else ""
        self.body[child].append(f"  {field}Id Int{mark}")
        self.body[child].append(
            f"  {field} {parent}{mark} @relation({relation}fields: [{field}Id], references: [id],"
            " onDelete: Cascade)"
        )
        back_name = f"{child[0].lower()}{child[1:]}{field.capitalize()}s"
        self.back[parent].append(
            f"  {back_name} {child}[]" + (f' @relation("{name}")' if name else "")
        )

    def model(self, name: str) -> str:
        lines = ["  id Int @id @default(autoincrement())", *self.body[name], *self.back[name]]
        lines.append("  createdAt DateTime @default(now())")
        return f"model {name} {{\n" + "\n".join(lines) + "\n}"


def _domain_model(
    out: _Builder, rng: random.Random, domains: dict[str, list[str]], domain: str, index: int
) -> None:
    names = domains[domain]
    name = names[index]
    for column in range(rng.randint(3, 9)):
        kind = rng.choice(_SCALARS)
        optional = "?" if rng.random() < 0.3 else ""
        out.body[name].append(f"  {kind.lower()}{column} {kind}{optional}")
    out.body[name].append(f"  status {domain}Status @default(active)")
    if index > 0:  # a tree inside the domain
        out.relate(name, names[(index - 1) // 2], "parent", optional=False, name=None)
    reviewed = rng.random() < 0.15  # two relations to User: both are named
    if reviewed or rng.random() < 0.6:
        out.relate(name, "User", "user", optional=False, name=f"{name}User" if reviewed else None)
    if reviewed:
        out.relate(name, "User", "reviewer", optional=True, name=f"{name}Reviewer")
    if rng.random() < 0.2:
        out.relate(name, rng.choice(HUBS[1:]), "hub", optional=True, name=None)
    if rng.random() < 0.1:
        out.relate(name, name, "previous", optional=True, name=f"{name}History")
    if rng.random() < 0.25:  # a relation into another domain
        other = rng.choice([d for d in DOMAINS if d != domain])
        out.relate(name, rng.choice(domains[other]), "linked", optional=True, name=None)


def large_prisma_schema(models: int = 300, *, seed: int = 0) -> str:
    """Prisma schema text with about `models` models (the hubs plus equal domains)."""
    rng = random.Random(seed)
    domains = _model_names(models)
    names = [*HUBS, *(name for members in domains.values() for name in members)]
    out = _Builder(names)
    for domain, members in domains.items():
        for index in range(len(members)):
            _domain_model(out, rng, domains, domain, index)
        out.body[members[0]].append(f"  tagged{domain} {members[-1]}[]")  # many-to-many
        out.back[members[-1]].append(f"  taggedBy{domain} {members[0]}[]")
    for hub in HUBS[1:]:
        out.relate(hub, "User", "owner", optional=False, name=None)
    blocks = [
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}',
        'generator client {\n  provider = "prisma-client-js"\n}',
        *(f"enum {domain}Status {{\n  active\n  paused\n  archived\n}}" for domain in DOMAINS),
        *(out.model(name) for name in names),
    ]
    return "\n\n".join(blocks) + "\n"
