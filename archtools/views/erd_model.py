"""The ERD view model: relation edges (one per relation pair), field markers, focus and clusters."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from archtools.errors import InputError
from archtools.facts.schema import Field, FieldKind, Model, Schema

# Above this many models, a schema without explicit groups is clustered heuristically.
AUTO_CLUSTER_THRESHOLD = 25


class End(StrEnum):
    """How many rows sit at one end of a relation (crow's-foot notation)."""

    ONE = "one"
    ZERO_OR_ONE = "zero_or_one"
    MANY = "many"


@dataclass(frozen=True)
class RelationEdge:
    """One relation, drawn once even though both of its sides are declared as fields."""

    parent: str  # the referenced model
    child: str  # the model that holds the foreign key (for many-to-many: the second side)
    parent_end: End
    child_end: End
    name: str | None  # the explicit relation name, if any
    on_delete: str | None
    enforced: bool
    child_columns: tuple[str, ...]  # foreign key fields on the child
    parent_columns: tuple[str, ...]  # referenced fields on the parent
    child_field: str | None  # the relation field declared on the child
    parent_field: str | None  # the relation field declared on the parent
    many_to_many: bool = False

    @property
    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (
            self.parent,
            self.child,
            self.name or "",
            self.child_field or "",
            self.parent_field or "",
        )


@dataclass(frozen=True)
class CompositeEdge:
    """A model (or type) embedding a composite type through one of its fields."""

    owner: str
    type: str
    field: str
    list: bool


def _owns(field: Field) -> bool:
    return field.relation is not None and bool(field.relation.fields)


def _relation_name(field: Field) -> str | None:
    return field.relation.name if field.relation is not None else None


def _explicit_name(field: Field, model: str) -> str | None:
    """The relation name unless it is the one Prisma generates (`PostToUser`)."""
    name = _relation_name(field)
    return None if name == "To".join(sorted((model, field.type))) else name


def _fk_unique(model: Model, columns: Iterable[str]) -> bool:
    wanted = set(columns)
    if len(wanted) == 1:
        only = model.field(next(iter(wanted)))
        if only is not None and (only.unique or only.id):
            return True
    keys = [*model.unique, *([model.primary_key] if model.primary_key else [])]
    return any(set(key) == wanted for key in keys)


def _owned_edge(model: Model, owner: Field, back: Field | None) -> RelationEdge:
    assert owner.relation is not None
    child_end: End
    if back is not None:
        child_end = End.MANY if back.list else End.ZERO_OR_ONE
    else:
        child_end = End.ZERO_OR_ONE if _fk_unique(model, owner.relation.fields) else End.MANY
    back_relation = back.relation if back is not None else None
    return RelationEdge(
        parent=owner.type,
        child=model.name,
        parent_end=End.ZERO_OR_ONE if owner.optional else End.ONE,
        child_end=child_end,
        name=_explicit_name(owner, model.name),
        on_delete=owner.relation.on_delete,
        enforced=owner.relation.enforced and (back_relation is None or back_relation.enforced),
        child_columns=tuple(owner.relation.fields),
        parent_columns=tuple(owner.relation.references),
        child_field=owner.name,
        parent_field=back.name if back is not None else None,
    )


def _unowned_edge(model: Model, field: Field, other: Field | None) -> RelationEdge:
    """A side without foreign key fields: a many-to-many pair, or a side whose owner is missing."""
    enforced = (field.relation is None or field.relation.enforced) and (
        other is None or other.relation is None or other.relation.enforced
    )
    if other is not None and field.list and other.list:
        first, second = sorted([(model.name, field.name), (field.type, other.name)])
        return RelationEdge(
            parent=first[0],
            child=second[0],
            parent_end=End.MANY,
            child_end=End.MANY,
            name=_explicit_name(field, model.name),
            on_delete=None,
            enforced=enforced,
            child_columns=(),
            parent_columns=(),
            child_field=second[1],
            parent_field=first[1],
            many_to_many=True,
        )
    # The foreign key lives on the other model, which does not declare it.
    return RelationEdge(
        parent=model.name,
        child=field.type,
        parent_end=End.ONE,
        child_end=End.MANY if field.list else End.ZERO_OR_ONE,
        name=_explicit_name(field, model.name),
        on_delete=None,
        enforced=enforced,
        child_columns=(),
        parent_columns=(),
        child_field=other.name if other is not None else None,
        parent_field=field.name,
    )


def relation_edges(schema: Schema) -> list[RelationEdge]:
    """Every relation once: both sides of a relation share a name and are paired into one edge."""
    known = {m.name: m for m in schema.models}
    groups: dict[tuple[str, str, str], list[tuple[Model, Field]]] = defaultdict(list)
    for model in schema.models:
        for field in model.fields:
            if field.kind is not FieldKind.RELATION or field.type not in known:
                continue
            low, high = sorted((model.name, field.type))
            groups[(low, high, _relation_name(field) or "")].append((model, field))
    edges: list[RelationEdge] = []
    for key in sorted(groups):
        sides = sorted(groups[key], key=lambda side: (side[0].name, side[1].name))
        owners = [side for side in sides if _owns(side[1])]
        others = [side for side in sides if not _owns(side[1])]
        for model, owner in owners:
            back_index = next(
                (
                    i
                    for i, (other_model, other) in enumerate(others)
                    if other_model.name == owner.type and other.type == model.name
                ),
                None,
            )
            back = others.pop(back_index)[1] if back_index is not None else None
            edges.append(_owned_edge(model, owner, back))
        while others:
            model, field = others.pop(0)
            partner_index = next(
                (
                    i
                    for i, (other_model, other) in enumerate(others)
                    if other_model.name == field.type and other.type == model.name
                ),
                None,
            )
            partner = others.pop(partner_index)[1] if partner_index is not None else None
            edges.append(_unowned_edge(model, field, partner))
    return sorted(edges, key=lambda edge: edge.sort_key)


def composite_edges(schema: Schema) -> list[CompositeEdge]:
    """Fields whose type is a composite type (MongoDB `type` blocks)."""
    types = {m.name for m in schema.models if m.kind == "type"}
    found = [
        CompositeEdge(owner=model.name, type=field.type, field=field.name, list=field.list)
        for model in schema.models
        for field in model.fields
        if field.kind is FieldKind.COMPOSITE and field.type in types
    ]
    return sorted(found, key=lambda e: (e.owner, e.type, e.field))


def field_markers(model: Model) -> dict[str, list[str]]:
    """Key markers per field name: PK (primary key), FK (foreign key), UQ (single-field unique)."""
    pk = set(model.primary_key or [])
    fk = {c for f in model.fields if f.relation is not None for c in f.relation.fields}
    single_unique = {key[0] for key in model.unique if len(key) == 1}
    markers: dict[str, list[str]] = {}
    for field in model.fields:
        marks = []
        if field.id or field.name in pk:
            marks.append("PK")
        if field.name in fk:
            marks.append("FK")
        if field.unique or field.name in single_unique:
            marks.append("UQ")
        markers[field.name] = marks
    return markers


def is_key_field(field: Field, markers: Mapping[str, list[str]]) -> bool:
    """Fields kept by `hide_scalars`: keys, relations and embedded composite types."""
    return bool(markers.get(field.name)) or field.kind in (FieldKind.RELATION, FieldKind.COMPOSITE)


def _adjacency(schema: Schema) -> dict[str, set[str]]:
    adjacent: dict[str, set[str]] = defaultdict(set)
    for edge in relation_edges(schema):
        adjacent[edge.parent].add(edge.child)
        adjacent[edge.child].add(edge.parent)
    for comp in composite_edges(schema):
        adjacent[comp.owner].add(comp.type)
        adjacent[comp.type].add(comp.owner)
    return adjacent


def unknown_name_message(what: str, name: str, known: Iterable[str]) -> str:
    """One line for an unknown name, with the closest known names when there are any."""
    names = sorted(set(known))
    lowered = {n.lower(): n for n in names}
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.6)
    exact_case = lowered.get(name.lower())
    if exact_case is not None and exact_case not in close:
        close.insert(0, exact_case)
    if close:
        return f"unknown {what} {name!r}; did you mean: {', '.join(close)}?"
    shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
    return f"unknown {what} {name!r}; known: {shown or '(none)'}"


def neighborhood(schema: Schema, focus: str, depth: int) -> set[str]:
    """Models within `depth` relation hops of `focus` (InputError for an unknown model)."""
    if schema.model(focus) is None:
        raise InputError(unknown_name_message("model", focus, (m.name for m in schema.models)))
    if depth < 0:
        raise InputError(f"depth must be 0 or more, got {depth}")
    adjacent = _adjacency(schema)
    seen = {focus}
    queue: deque[tuple[str, int]] = deque([(focus, 0)])
    while queue:
        name, hops = queue.popleft()
        if hops == depth:
            continue
        for nxt in sorted(adjacent.get(name, ())):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, hops + 1))
    return seen


_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def name_prefix(name: str) -> str:
    """The first word of a model name: `BillingInvoice` -> `Billing`, `order_item` -> `order`."""
    words = _WORD.findall(name)
    return words[0] if words else name


def _prefix_clusters(names: list[str], adjacent: Mapping[str, set[str]]) -> dict[str, str]:
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for name in names:
        by_prefix[name_prefix(name)].append(name)
    assigned = {
        name: prefix
        for prefix, members in by_prefix.items()
        if 1 < len(members) < len(names)
        for name in members
    }
    # A lone model joins the cluster holding most of its neighbours.
    for name in names:
        if name in assigned:
            continue
        votes: dict[str, int] = defaultdict(int)
        for other in adjacent.get(name, ()):
            if other in assigned:
                votes[assigned[other]] += 1
        if votes:
            assigned[name] = min(votes, key=lambda c: (-votes[c], c))
    return assigned


def _components(
    names: list[str], adjacent: Mapping[str, set[str]], hubs: set[str]
) -> list[set[str]]:
    seen: set[str] = set()
    components = []
    for start in names:
        if start in hubs or start in seen:
            continue
        component, stack = {start}, [start]
        while stack:
            for other in adjacent.get(stack.pop(), ()):
                if other not in hubs and other not in component:
                    component.add(other)
                    stack.append(other)
        seen |= component
        components.append(component)
    return components


def _component_clusters(names: list[str], adjacent: Mapping[str, set[str]]) -> dict[str, str]:
    """Connected components once the hubs (User, Organization...) that tie domains are set aside.

    The most related models are set aside one at a time until no component holds more than half
    of the schema (at most a tenth of the models become hubs).
    """
    degree = {name: len(adjacent.get(name, ())) for name in names}
    by_degree = sorted(names, key=lambda n: (-degree[n], n))
    hubs: set[str] = set()
    components = _components(names, adjacent, hubs)
    while max(map(len, components), default=0) * 2 > len(names) and len(hubs) < len(names) // 10:
        hubs.add(by_degree[len(hubs)])
        components = _components(names, adjacent, hubs)
    assigned: dict[str, str] = {}
    for component in components:
        if len(component) > 1:
            inner = {n: len(adjacent.get(n, set()) & component) for n in component}
            label = min(component, key=lambda n: (-inner[n], n))
            assigned.update(dict.fromkeys(component, label))
    return assigned


def assign_clusters(schema: Schema, clusters: bool | Mapping[str, str]) -> dict[str, str]:
    """Model name -> cluster label: the caller's mapping, else Model.group, else a heuristic."""
    if clusters is False:
        return {}
    if not isinstance(clusters, bool):
        return {name: label for name, label in clusters.items() if schema.model(name) is not None}
    grouped = {m.name: m.group for m in schema.models if m.group}
    if grouped:
        return grouped
    names = sorted(m.name for m in schema.models)
    if len(names) <= AUTO_CLUSTER_THRESHOLD:
        return {}
    adjacent = _adjacency(schema)
    by_prefix = _prefix_clusters(names, adjacent)
    if len(by_prefix) * 2 >= len(names):
        return by_prefix
    return _component_clusters(names, adjacent)


def select_models(
    schema: Schema,
    *,
    focus: str | None,
    depth: int,
    groups: set[str] | None,
    cluster_of: Mapping[str, str],
) -> list[Model]:
    """The models a view shows, sorted by name: a focus neighbourhood and/or some groups."""
    names = {m.name for m in schema.models}
    if groups is not None:
        available = set(cluster_of.values())
        for group in sorted(groups):
            if group not in available:
                raise InputError(unknown_name_message("group", group, available))
        names = {name for name in names if cluster_of.get(name) in groups}
    if focus is not None:
        names = (names & neighborhood(schema, focus, depth)) | {focus}
    return sorted((m for m in schema.models if m.name in names), key=lambda m: m.name)
