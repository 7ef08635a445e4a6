"""A synthetic pnpm Next.js monorepo of a chosen size, deterministic by seed, for benchmarks."""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

from benchmarks.repo_fixed import fixed_files
from benchmarks.repo_routes import (
    VERBS,
    Flavor,
    admin_api,
    route_collection,
    route_item,
    route_verb,
    server_actions,
)
from benchmarks.repo_schema import Model, build_models, schema_text
from benchmarks.repo_support import db_query, lib_helper, padding, repository, validators, web_lib
from benchmarks.repo_views import admin_page, component, ui_component, web_page

CODE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
MIN_FILES = 50
MIN_SIZE, MEDIAN_SIZE, MAX_SIZE = 1024, 2600, 6000

COMPONENT_KINDS = [
    "table",
    "list",
    "grid",
    "row",
    "form",
    "dialog",
    "editor",
    "card",
    "header",
    "summary",
    "empty-state",
    "filters",
    "search",
    "toolbar",
    "menu",
    "badge",
]
UI_GROUPS = (
    "primitives",
    "forms",
    "overlays",
    "data",
    "feedback",
    "navigation",
    "layout",
    "charts",
)
UI_BASES = [
    "button",
    "input",
    "select",
    "dialog",
    "sheet",
    "tabs",
    "tooltip",
    "popover",
    "data-table",
    "stat-card",
    "avatar",
    "toast",
    "menu",
    "combobox",
    "date-picker",
    "pagination",
    "skeleton",
    "switch",
    "checkbox",
    "radio-group",
    "slider",
    "textarea",
    "alert",
    "breadcrumb",
    "calendar",
    "chart",
    "command",
    "drawer",
    "form-field",
    "accordion",
]
UI_PARTS = ("", "-group", "-item", "-trigger", "-content", "-header", "-footer", "-list")
LIB_AREAS = [
    "format",
    "dates",
    "money",
    "strings",
    "pagination",
    "permissions",
    "errors",
    "env",
    "ids",
    "search",
    "csv",
    "email",
    "feature-flags",
    "i18n",
    "cache",
    "tracing",
]
LIB_STEMS = [
    "core",
    "parse",
    "guards",
    "constants",
    "transform",
    "compare",
    "serialize",
    "defaults",
]

WEB = ("", "teams/[teamId]/", "v1/", "internal/", "v2/", "partner/", "mobile/")
ADMIN = ("", "v1/", "bulk/", "support/", "billing/")
API = "apps/web/app/api/{p}{pl}"
DASHBOARD = "apps/web/app/(dashboard)/{p}{pl}"
ADMIN_API = "apps/admin/pages/api/admin/{p}{pl}"
Templates = list[tuple[str, str]]  # (path template, kind) for one model

# category -> (directory prefixes of successive naming tiers, the files of one model in a tier)
SPACES: dict[str, tuple[tuple[str, ...], Templates]] = {
    "web_route": (
        WEB,
        [(f"{API}/route.ts", "collection"), (f"{API}/[id]/route.ts", "item")]
        + [(f"{API}/[id]/{v}/route.ts", v) for v in VERBS],
    ),
    "web_action": (
        WEB,
        [
            (f"{DASHBOARD}/actions.ts", "root"),
            (f"{DASHBOARD}/[id]/actions.ts", "item"),
            (f"{DASHBOARD}/[id]/settings/actions.ts", "settings"),
        ],
    ),
    "web_page": (
        WEB,
        [
            (f"{DASHBOARD}/page.tsx", "list"),
            (f"{DASHBOARD}/[id]/page.tsx", "detail"),
            (f"{DASHBOARD}/new/page.tsx", "new"),
            (f"{DASHBOARD}/[id]/edit/page.tsx", "edit"),
            (f"{DASHBOARD}/[id]/settings/page.tsx", "settings"),
            (f"{DASHBOARD}/loading.tsx", "loading"),
            (f"{DASHBOARD}/[id]/loading.tsx", "loading"),
            (f"{DASHBOARD}/error.tsx", "error"),
        ],
    ),
    "web_component": (
        ("", "dashboard/", "settings/", "reports/", "shared/", "marketing/"),
        [("apps/web/components/{p}{kb}/{kb}-" + k + ".tsx", k) for k in COMPONENT_KINDS],
    ),
    "web_lib": (
        ("", "server/", "client/", "jobs/"),
        [
            ("apps/web/lib/{p}{kb}/" + k + ".ts", k)
            for k in ("queries", "mappers", "permissions", "format", "cache", "search")
        ],
    ),
    "admin_api": (
        ADMIN,
        [(f"{ADMIN_API}/index.ts", "index"), (f"{ADMIN_API}/[id].ts", "item")]
        + [(f"{ADMIN_API}/[id]/{v}.ts", v) for v in ("archive", "restore", "export", "transfer")],
    ),
    "admin_page": (
        ADMIN,
        [
            ("apps/admin/pages/{p}{pl}/" + name, kind)
            for name, kind in (
                ("index.tsx", "index"),
                ("[id].tsx", "detail"),
                ("[id]/edit.tsx", "edit"),
                ("new.tsx", "new"),
            )
        ],
    ),
    "admin_component": (
        ADMIN,
        [
            ("apps/admin/components/{p}{kb}-" + k + ".tsx", k)
            for k in ("table", "form", "card", "filters", "summary")
        ],
    ),
    "db_query": (
        ("", "reports/", "analytics/", "exports/"),
        [
            ("packages/db/src/queries/{p}{kb}-" + k + ".ts", k)
            for k in ("stats", "search", "report", "export")
        ],
    ),
}

# (category, share of the code files left after the fixed and the per-model ones)
WEIGHTS: tuple[tuple[str, float], ...] = (
    ("web_route", 0.20),
    ("web_action", 0.07),
    ("web_page", 0.14),
    ("web_component", 0.17),
    ("web_lib", 0.06),
    ("admin_api", 0.08),
    ("admin_page", 0.05),
    ("admin_component", 0.04),
    ("ui", 0.07),
    ("lib_helper", 0.06),
    ("db_query", 0.06),
)


@dataclass(frozen=True)
class Slot:
    """One planned code file: where it goes, what it is about, and which variant it is."""

    path: str
    category: str
    kind: str
    model: Model | None = None


def _prefix(prefixes: tuple[str, ...], tier: int) -> str:
    if tier < len(prefixes):
        return prefixes[tier]
    return f"{prefixes[tier % len(prefixes)]}more-{tier}/"


def _space(category: str, tier: int, models: list[Model]) -> list[Slot]:
    """Every distinct file of `category` in naming tier `tier` (tiers grow without bound)."""
    if category == "ui":
        group = _prefix(tuple(g + "/" for g in UI_GROUPS), tier)
        return [
            Slot(f"packages/ui/src/{group}{b}{p}.tsx", category, f"{b}{p}")
            for b in UI_BASES
            for p in UI_PARTS
        ]
    if category == "lib_helper":
        suffix = "" if tier == 0 else f"-{tier}"
        return [
            Slot(f"packages/lib/src/{a}{suffix}/{s}.ts", category, f"{a}/{s}")
            for a in LIB_AREAS
            for s in LIB_STEMS
        ]
    prefixes, templates = SPACES[category]
    p = _prefix(prefixes, tier)
    return [
        Slot(t.format(p=p, pl=m.plural, kb=m.kebab), category, kind, m)
        for m in models
        for t, kind in templates
    ]


def _pick(category: str, count: int, models: list[Model], rng: random.Random) -> list[Slot]:
    candidates: list[Slot] = []
    tier = 0
    while len(candidates) < count:
        candidates += _space(category, tier, models)
        tier += 1
    return sorted(rng.sample(candidates, count), key=lambda s: s.path)


def models_in_use(files: int) -> int:
    """How many of the 96 domain models the code of a repository of `files` code files touches."""
    return max(4, min(96, files // 40))


def plan(files: int, seed: int = 0) -> dict[str, str]:
    """Every file of the repository (repo-relative POSIX path -> text)."""
    if files < MIN_FILES:
        raise ValueError(f"files must be at least {MIN_FILES}, not {files}")
    rng = random.Random(seed)
    models = build_models(rng)
    used = models[: models_in_use(files)]
    out = fixed_files(models, schema_text(models))
    for m in used:
        for slot, text in (
            (
                Slot(f"packages/lib/src/validators/{m.kebab}.ts", "validators", "schemas", m),
                validators(m),
            ),
            (
                Slot(f"packages/db/src/repositories/{m.kebab}.ts", "repository", "queries", m),
                repository(m),
            ),
        ):
            out[slot.path] = _pad(text, slot, rng)
    left = files - sum(1 for p in out if p.endswith(CODE_SUFFIXES))
    counts = {name: int(left * weight) for name, weight in WEIGHTS}
    for name, _ in WEIGHTS[: left - sum(counts.values())]:
        counts[name] += 1
    slots = [s for name, _ in WEIGHTS for s in _pick(name, counts[name], used, rng)]
    roles = {"form": "form", "dialog": "form", "editor": "form", "table": "table", "list": "table"}
    parts = {
        (s.model.name, roles[s.kind]): s.path.removeprefix("apps/web/components/").removesuffix(
            ".tsx"
        )
        for s in slots
        if s.category == "web_component" and s.model is not None and s.kind in roles
    }
    parts.update(
        (
            (s.model.name, "action"),
            s.path.removeprefix("apps/web/app/(dashboard)/").removesuffix(".ts"),
        )
        for s in slots
        if s.category == "web_action" and s.model is not None and s.kind == "root"
    )
    for slot in slots:
        text = _render(slot, rng, parts)
        out[slot.path] = _pad(text, slot, rng)
    return out


def _render(slot: Slot, rng: random.Random, parts: dict[tuple[str, str], str]) -> str:
    """The text of one planned file; `parts` names the components and actions files it may import."""
    c, k, m = slot.category, slot.kind, slot.model
    if c == "ui":
        group, _, stem = (
            slot.path.removeprefix("packages/ui/src/").removesuffix(".tsx").partition("/")
        )
        return ui_component(group, stem)
    if c == "lib_helper":
        area, stem = k.split("/")
        return lib_helper(area, stem)
    assert m is not None
    flavor = Flavor.draw(rng)
    if c == "web_route":
        if k in ("collection", "item"):
            return (route_collection if k == "collection" else route_item)(m, flavor)
        return route_verb(m, flavor, k)
    if c == "web_action":
        return server_actions(m, flavor, sorted(rng.sample(VERBS, rng.randint(0, 3))))
    if c == "web_page":
        role = "table" if k == "list" else "form" if k in ("new", "edit", "settings") else ""
        return web_page(m, k, parts.get((m.name, role)))
    if c in ("web_component", "admin_component"):
        action = parts.get((m.name, "action")) if c == "web_component" else None
        return component(m, k, action)
    renderers: dict[str, Callable[[], str]] = {
        "web_lib": lambda: web_lib(m, k),
        "admin_api": lambda: admin_api(m, flavor, k),
        "admin_page": lambda: admin_page(m, k),
        "db_query": lambda: db_query(m, k),
    }
    return renderers[c]()


def _pad(text: str, slot: Slot, rng: random.Random) -> str:
    """Append self-contained blocks until the file reaches a size drawn from a typical spread."""
    target = min(MAX_SIZE, max(MIN_SIZE, int(rng.lognormvariate(math.log(MEDIAN_SIZE), 0.45))))
    tsx = slot.path.endswith(".tsx")
    name = (slot.model.name if slot.model else "Shared") + "".join(
        part.capitalize() for part in slot.kind.replace("/", "-").split("-")
    )
    index = 0
    while len(text) < target:
        block = padding("view" if tsx and index % 2 else "code", name, index, tsx)
        if len(text) + len(block) > MAX_SIZE:
            break
        text += block
        index += 1
    return text


def generate(root: Path, files: int, seed: int = 0) -> None:
    """Write the repository into `root`, which must not exist or be empty."""
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    for rel, text in sorted(plan(files, seed).items()):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="an empty or new directory")
    parser.add_argument("--files", type=int, default=1000, help="code files (.ts/.tsx/.mjs)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    generate(args.out, args.files, args.seed)
    print(f"wrote a {args.files}-file monorepo to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
