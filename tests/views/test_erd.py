"""The ERD view: DOT structure, focus, clusters, modes, escaping, Mermaid, DBML and rendering."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archtools.errors import InputError
from archtools.facts import prisma
from archtools.facts.schema import Enum, Field, FieldKind, Model, Orm, Relation, Schema
from archtools.views.erd import erd_dbml, erd_dot, erd_graph, erd_mermaid, node_id, render_erd
from archtools.views.erd_model import End, assign_clusters, name_prefix, relation_edges

S, E, R, C = FieldKind.SCALAR, FieldKind.ENUM, FieldKind.RELATION, FieldKind.COMPOSITE
FILE = "prisma/schema.prisma"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "schemas"


def blog_schema(*, profile_enforced: bool = False) -> Schema:
    """User 1-n Post (Cascade), Post n-m Tag (implicit), User 1-1 Profile (named, not enforced)."""
    user = Model(
        name="User",
        db_name="users",
        file=FILE,
        line=10,
        fields=[
            Field(name="id", type="Int", kind=S, id=True, default="autoincrement()"),
            Field(name="email", type="String", kind=S, unique=True),
            Field(name="role", type="Role", kind=E, default="USER"),
            Field(name="posts", type="Post", kind=R, list=True),
            Field(
                name="profile",
                type="Profile",
                kind=R,
                optional=True,
                relation=Relation(name="UserProfile"),
            ),
        ],
    )
    post = Model(
        name="Post",
        file=FILE,
        line=20,
        indexes=[["authorId"]],
        fields=[
            Field(name="id", type="Int", kind=S, id=True),
            Field(name="title", type="String", kind=S),
            Field(name="authorId", type="Int", kind=S),
            Field(
                name="author",
                type="User",
                kind=R,
                relation=Relation(fields=["authorId"], references=["id"], on_delete="Cascade"),
            ),
            Field(name="tags", type="Tag", kind=R, list=True),
        ],
    )
    tag = Model(
        name="Tag",
        file=FILE,
        line=30,
        fields=[
            Field(name="id", type="Int", kind=S, id=True),
            Field(name="name", type="String", kind=S, unique=True),
            Field(name="posts", type="Post", kind=R, list=True),
        ],
    )
    profile = Model(
        name="Profile",
        file=FILE,
        line=40,
        fields=[
            Field(name="id", type="Int", kind=S, id=True),
            Field(name="bio", type="String", kind=S, optional=True),
            Field(name="userId", type="Int", kind=S, unique=True),
            Field(
                name="user",
                type="User",
                kind=R,
                relation=Relation(
                    name="UserProfile",
                    fields=["userId"],
                    references=["id"],
                    enforced=profile_enforced,
                ),
            ),
        ],
    )
    return Schema(
        orm=Orm.PRISMA,
        provider="postgresql",
        sources=[FILE],
        models=[user, post, tag, profile],
        enums=[Enum(name="Role", values=["USER", "ADMIN"])],
    )


DOMAINS = (
    "Billing",
    "Catalog",
    "Shipping",
    "Support",
    "Identity",
    "Analytics",
    "Content",
    "Inventory",
    "Marketing",
    "Payroll",
)


def generated_schema(per_domain: int = 30, *, grouped: bool = False) -> Schema:
    """10 domains of `per_domain` models each; every model points at a parent in its domain."""
    models = []
    for domain in DOMAINS:
        for i in range(per_domain):
            fields = [Field(name="id", type="Int", kind=S, id=True)]
            if i > 0:
                fields += [
                    Field(name="parentId", type="Int", kind=S),
                    Field(
                        name="parent",
                        type=f"{domain}Item{(i - 1) // 2:02d}",
                        kind=R,
                        relation=Relation(fields=["parentId"], references=["id"]),
                    ),
                ]
            models.append(
                Model(
                    name=f"{domain}Item{i:02d}",
                    file=FILE,
                    line=1 + i,
                    fields=fields,
                    group=domain.lower() if grouped else None,
                )
            )
    return Schema(models=models)


def body(dot: str) -> list[str]:
    return [line.strip() for line in dot.splitlines()]


def node_names(dot: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"^\s*(\w+) \[label=", dot, re.MULTILINE)}


# --- DOT structure -----------------------------------------------------------------------------


def test_dot_edges_have_crows_feet_labels_and_ports() -> None:
    lines = body(erd_dot(blog_schema()))
    edges = [line for line in lines if "->" in line]
    assert edges == [
        "User:f2r -> Role [arrowhead=none style=dotted]",
        "Post:f4r -> Tag:f2 [arrowhead=crowodot arrowtail=crowodot dir=both]",
        "User:f0r -> Post:f2 [label=<onDelete: Cascade> arrowhead=crowodot arrowtail=teetee "
        "dir=both]",
        "User:f0r -> Profile:f2 [label=<UserProfile> arrowhead=teeodot arrowtail=teetee dir=both "
        "style=dashed]",
    ]


def test_dot_nodes_are_html_tables_with_markers() -> None:
    dot = erd_dot(blog_schema())
    assert node_names(dot) == {"User", "Post", "Tag", "Profile", "Role"}
    assert body(dot)[:4] == [
        "digraph erd {",
        "graph [fontname=Helvetica nodesep=0.4 rankdir=LR ranksep=0.8]",
        "node [fontname=Helvetica fontsize=10 shape=plain]",
        'edge [color="#555555" fontname=Helvetica fontsize=9]',
    ]
    user = next(line for line in body(dot) if line.startswith("User [label="))
    assert '<B>User</B><BR/><FONT POINT-SIZE="9">users</FONT>' in user
    assert (
        '<TR><TD PORT="f1" ALIGN="LEFT">email</TD><TD ALIGN="LEFT">String</TD>'
        '<TD PORT="f1r" ALIGN="LEFT">UQ</TD></TR>'
    ) in user
    assert "<I>Profile?</I>" in user and "<I>Post[]</I>" in user
    profile = next(line for line in body(dot) if line.startswith("Profile [label="))
    assert '<TD ALIGN="LEFT">String?</TD>' in profile
    assert '<TD PORT="f2r" ALIGN="LEFT">FK UQ</TD>' in profile
    role = next(line for line in body(dot) if line.startswith("Role [label="))
    assert role == (
        'Role [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
        '<TR><TD BGCOLOR="#ece4f5"><B>Role</B> <I>enum</I></TD></TR>'
        '<TR><TD ALIGN="LEFT">USER</TD></TR><TR><TD ALIGN="LEFT">ADMIN</TD></TR></TABLE>>]'
    )


def test_relation_pairs_are_drawn_once() -> None:
    edges = relation_edges(blog_schema())
    assert [(e.parent, e.child, e.parent_end, e.child_end, e.many_to_many) for e in edges] == [
        ("Post", "Tag", End.MANY, End.MANY, True),
        ("User", "Post", End.ONE, End.MANY, False),
        ("User", "Profile", End.ONE, End.ZERO_OR_ONE, False),
    ]
    assert [(e.child_field, e.parent_field, e.enforced) for e in edges] == [
        ("posts", "tags", True),
        ("author", "posts", True),
        ("user", "profile", False),
    ]


def test_self_relation_and_optional_owner() -> None:
    employee = Model(
        name="Employee",
        file=FILE,
        line=1,
        fields=[
            Field(name="id", type="Int", kind=S, id=True),
            Field(name="managerId", type="Int", kind=S, optional=True),
            Field(
                name="manager",
                type="Employee",
                kind=R,
                optional=True,
                relation=Relation(
                    name="Reports", fields=["managerId"], references=["id"], on_delete="SetNull"
                ),
            ),
            Field(
                name="reports",
                type="Employee",
                kind=R,
                list=True,
                relation=Relation(name="Reports"),
            ),
        ],
    )
    edges = [line for line in body(erd_dot(Schema(models=[employee]))) if "->" in line]
    assert edges == [
        "Employee:f0r -> Employee:f1 [label=<Reports<BR/>onDelete: SetNull> arrowhead=crowodot "
        "arrowtail=teeodot dir=both]"
    ]


def test_composite_types_are_nodes_with_diamond_edges() -> None:
    address = Model(
        name="Address",
        kind="type",
        file=FILE,
        line=1,
        fields=[
            Field(name="street", type="String", kind=S),
        ],
    )
    shop = Model(
        name="Shop",
        file=FILE,
        line=5,
        fields=[
            Field(name="id", type="String", kind=S, id=True),
            Field(name="addresses", type="Address", kind=C, list=True),
        ],
    )
    dot = erd_dot(Schema(models=[address, shop]))
    assert "<B>Address</B> <I>type</I>" in dot
    assert [line for line in body(dot) if "->" in line] == [
        "Shop:f1r -> Address [arrowhead=crow arrowtail=diamond dir=both]"
    ]


# --- focus, depth, groups ----------------------------------------------------------------------


def test_focus_keeps_models_within_depth() -> None:
    schema = blog_schema()
    assert node_names(erd_dot(schema, focus="Tag", depth=0)) == {"Tag"}
    assert node_names(erd_dot(schema, focus="Tag", depth=1)) == {"Tag", "Post"}
    assert node_names(erd_dot(schema, focus="Tag", depth=2)) == {"Tag", "Post", "User", "Role"}
    assert node_names(erd_dot(schema, focus="Tag", depth=3)) == {
        "Tag",
        "Post",
        "User",
        "Profile",
        "Role",
    }
    edges = [line for line in body(erd_dot(schema, focus="Tag")) if "->" in line]
    assert edges == ["Post:f4r -> Tag:f2 [arrowhead=crowodot arrowtail=crowodot dir=both]"]


def test_unknown_focus_lists_close_names() -> None:
    with pytest.raises(InputError, match=r"unknown model 'Usr'; did you mean: User\?"):
        erd_graph(blog_schema(), focus="Usr")
    with pytest.raises(InputError, match=r"unknown model 'post'; did you mean: Post\?"):
        erd_graph(blog_schema(), focus="post")
    with pytest.raises(InputError, match=r"known: Post, Profile, Tag, User"):
        erd_graph(blog_schema(), focus="Zzz")
    with pytest.raises(InputError, match="depth must be 0 or more"):
        erd_graph(blog_schema(), focus="User", depth=-1)


def test_groups_filter_by_cluster() -> None:
    schema = blog_schema()
    clusters = {"User": "auth", "Profile": "auth", "Post": "content", "Tag": "content"}
    dot = erd_dot(schema, clusters=clusters, groups={"auth"})
    assert node_names(dot) == {"User", "Profile", "Role"}
    with pytest.raises(InputError, match=r"unknown group 'auht'; did you mean: auth\?"):
        erd_graph(schema, clusters=clusters, groups={"auht"})


# --- clusters ----------------------------------------------------------------------------------


def test_300_models_are_clustered_by_name_prefix() -> None:
    dot = erd_dot(generated_schema(30))
    clusters = re.findall(r"subgraph (cluster_\w+) \{", dot)
    assert clusters == [f"cluster_{d}" for d in sorted(DOMAINS)]
    assert len(node_names(dot)) == 300
    billing = dot.split("subgraph cluster_Billing {")[1].split("}")[0]
    assert "label=<<B>Billing</B>>" in billing
    assert "BillingItem00 [label=" in billing and "CatalogItem00" not in billing


def test_model_groups_win_over_the_heuristic() -> None:
    dot = erd_dot(generated_schema(30, grouped=True))
    assert re.findall(r"subgraph (cluster_\w+) \{", dot) == [
        f"cluster_{d.lower()}" for d in sorted(DOMAINS)
    ]


def test_small_schemas_and_clusters_false_have_no_clusters() -> None:
    assert "subgraph" not in erd_dot(blog_schema())
    assert "subgraph" not in erd_dot(generated_schema(30), clusters=False)
    assert assign_clusters(generated_schema(2), True) == {}  # 20 models: below the threshold


def test_component_heuristic_without_shared_prefixes() -> None:
    """27 one-word names in three stars, all tied to one hub: the hub is set aside."""
    names = [chr(ord("A") + i // 9) + chr(ord("a") + i % 9) for i in range(27)]  # Aa..Ci
    account = Model(
        name="Account", file=FILE, line=1, fields=[Field(name="id", type="Int", kind=S, id=True)]
    )
    models = [account]
    for index, name in enumerate(names):
        fields = [
            Field(name="id", type="Int", kind=S, id=True),
            Field(
                name="account",
                type="Account",
                kind=R,
                relation=Relation(fields=["accountId"], references=["id"]),
            ),
        ]
        if index % 9:
            center = names[index - index % 9]
            fields.append(
                Field(
                    name="center",
                    type=center,
                    kind=R,
                    relation=Relation(fields=["centerId"], references=["id"]),
                )
            )
        models.append(Model(name=name, file=FILE, line=1, fields=fields))
    clusters = assign_clusters(Schema(models=models), True)
    assert "Account" not in clusters
    assert sorted(set(clusters.values())) == ["Aa", "Ba", "Ca"]
    assert {name for name, label in clusters.items() if label == "Ba"} == set(names[9:18])
    assert name_prefix("BillingInvoice") == "Billing" and name_prefix("order_item") == "order"


# --- modes -------------------------------------------------------------------------------------


def test_overview_draws_names_only() -> None:
    lines = body(erd_dot(blog_schema(), overview=True))
    assert [line for line in lines if "[label=" in line and "->" not in line] == [
        'Post [label=<Post> fillcolor="#dbe7f5" shape=box style="rounded,filled"]',
        'Profile [label=<Profile> fillcolor="#dbe7f5" shape=box style="rounded,filled"]',
        'Tag [label=<Tag> fillcolor="#dbe7f5" shape=box style="rounded,filled"]',
        'User [label=<User> fillcolor="#dbe7f5" shape=box style="rounded,filled"]',
    ]
    assert [line for line in lines if "->" in line] == [
        "Post -> Tag [arrowhead=crowodot arrowtail=crowodot dir=both]",
        "User -> Post [arrowhead=crowodot arrowtail=teetee dir=both]",
        "User -> Profile [arrowhead=teeodot arrowtail=teetee dir=both style=dashed]",
    ]


def test_hide_scalars_keeps_keys_and_relations() -> None:
    dot = erd_dot(blog_schema(), hide_scalars=True)
    rows = dict(
        (
            m.group(1),
            re.findall(r'<TD PORT="f\d+" ALIGN="LEFT">(?:<FONT[^>]*><I>)?(\w+)', m.group(2)),
        )
        for m in re.finditer(r"^\s*(\w+) \[label=<(.*)>\]$", dot, re.MULTILINE)
    )
    assert rows == {
        "Post": ["id", "authorId", "author", "tags"],
        "Profile": ["id", "userId", "user"],
        "Tag": ["id", "name", "posts"],
        "User": ["id", "email", "posts", "profile"],
    }
    assert "Role" not in node_names(dot)  # no shown field uses the enum any more


def test_output_is_deterministic() -> None:
    schema = blog_schema()
    shuffled = schema.model_copy(update={"models": list(reversed(schema.models))})
    assert erd_dot(shuffled) == erd_dot(schema)
    assert erd_mermaid(shuffled) == erd_mermaid(schema)
    assert erd_dbml(shuffled) == erd_dbml(schema)


# --- escaping ----------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def hostile_schema() -> Schema:
    evil = Model(
        name=SCRIPT,
        db_name='x"><img src=x onerror=alert(1)>',
        file=FILE,
        line=1,
        group=SCRIPT,
        fields=[
            Field(name="id", type="Int", kind=S, id=True),
            Field(name='"><img src=x onerror=alert(1)>', type=SCRIPT, kind=E),
            Field(
                name="owner",
                type="User:f0",
                kind=R,
                relation=Relation(name=SCRIPT, fields=["id"], references=["id"], on_delete=SCRIPT),
            ),
        ],
    )
    user = Model(
        name="User:f0",
        file=FILE,
        line=9,
        group=SCRIPT,
        fields=[
            Field(name="id", type="Int", kind=S, id=True),
            Field(name="things", type=SCRIPT, kind=R, list=True, relation=Relation(name=SCRIPT)),
        ],
    )
    return Schema(models=[evil, user], enums=[Enum(name=SCRIPT, values=[SCRIPT, "a&b\x00"])])


def test_hostile_names_are_escaped_in_dot_and_svg() -> None:
    schema = hostile_schema()
    dot = erd_dot(schema)
    assert "<script" not in dot and "<img" not in dot and "\x00" not in dot
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dot
    assert f"{node_id(SCRIPT)} -> " not in dot  # the relation and the enum get hashed node ids
    assert re.fullmatch(r"n_[0-9a-f]{12}", node_id(SCRIPT)) and node_id("User:f0") != "User:f0"
    svg = render_erd(schema, "svg").decode("utf-8")
    assert "<svg" in svg and "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg
    mermaid, dbml = erd_mermaid(schema), erd_dbml(schema)
    assert "<script" not in mermaid and "<img" not in mermaid
    assert f'Table "{SCRIPT}"' not in dbml and 'Table "x\\"><img src=x onerror=alert(1)>"' in dbml
    assert "\x00" not in dbml and '"a&b "' in dbml


def test_dot_keywords_as_model_names_are_quoted() -> None:
    node = Model(name="Node", file=FILE, line=1, fields=[
        Field(name="id", type="Int", kind=S, id=True),
        Field(name="edges", type="Edge", kind=R, list=True),
    ])  # fmt: skip
    edge = Model(name="Edge", file=FILE, line=5, fields=[
        Field(name="id", type="Int", kind=S, id=True),
        Field(name="nodeId", type="Int", kind=S),
        Field(name="node", type="Node", kind=R,
              relation=Relation(fields=["nodeId"], references=["id"], on_delete="Cascade")),
    ])  # fmt: skip
    schema = Schema(models=[node, edge])
    assert [line for line in body(erd_dot(schema)) if "->" in line] == [
        '"Node":f0r -> "Edge":f1 [label=<onDelete: Cascade> arrowhead=crowodot arrowtail=teetee '
        "dir=both]"
    ]
    assert b"<svg" in render_erd(schema, "svg")


# --- Mermaid and DBML --------------------------------------------------------------------------


def test_mermaid_exact() -> None:
    assert (
        erd_mermaid(blog_schema())
        == """erDiagram
    Post {
        Int id PK
        String title
        Int authorId FK
    }
    Profile {
        Int id PK
        String bio "nullable"
        Int userId FK, UK
    }
    Tag {
        Int id PK
        String name UK
    }
    User {
        Int id PK
        String email UK
        Role role
    }
    Post }o--o{ Tag : "tags"
    User ||--o{ Post : "author"
    User ||..o| Profile : "UserProfile"
"""
    )
    assert erd_mermaid(blog_schema(), focus="Profile", overview=True) == (
        'erDiagram\n    Profile\n    User\n    User ||..o| Profile : "UserProfile"\n'
    )


def test_dbml_exact() -> None:
    assert (
        erd_dbml(blog_schema())
        == """Enum Role {
  USER
  ADMIN
}

Table Post {
  id Int [pk]
  title String [not null]
  authorId Int [not null]

  indexes {
    authorId
  }
}

Table Profile {
  id Int [pk]
  bio String
  userId Int [unique, not null]
}

Table Tag {
  id Int [pk]
  name String [unique, not null]
}

Table users {
  id Int [pk, increment]
  email String [unique, not null]
  role Role [not null, default: 'USER']

  Note: 'model User'
}

Ref: Post.id <> Tag.id
Ref: Post.authorId > users.id [delete: cascade]
Ref UserProfile: Profile.userId - users.id
"""
    )


def test_dbml_composite_keys_native_types_and_defaults() -> None:
    member = Model(
        name="Member",
        db_name="members",
        file=FILE,
        line=1,
        primary_key=["orgId", "userId"],
        unique=[["orgId", "email"]],
        fields=[
            Field(name="orgId", type="String", kind=S, db_name="org_id"),
            Field(name="userId", type="String", kind=S, db_name="user_id"),
            Field(name="email", type="String", kind=S, native_type="@db.VarChar(320)"),
            Field(name="joinedAt", type="DateTime", kind=S, default="now()", doc="when 'joined'"),
            Field(name="nick", type="String", kind=S, default='"anon"', optional=True),
            Field(
                name="score", type="Decimal", kind=S, native_type="@db.Decimal(12, 2)", default="0"
            ),
        ],
    )
    assert (
        erd_dbml(Schema(models=[member]))
        == """Table members {
  org_id String [not null]
  user_id String [not null]
  email VarChar(320) [not null]
  joinedAt DateTime [not null, default: `now()`, note: 'when \\'joined\\'']
  nick String [default: 'anon']
  score Decimal(12,2) [not null, default: 0]

  indexes {
    (org_id, user_id) [pk]
    (org_id, email) [unique]
  }

  Note: 'model Member'
}
"""
    )


# --- rendering ---------------------------------------------------------------------------------


def test_render_svg_and_png() -> None:
    svg = render_erd(blog_schema(), "svg").decode("utf-8")
    assert "<svg" in svg and ">users</text>" in svg and ">onDelete: Cascade</text>" in svg
    png = render_erd(blog_schema(), "png", focus="Tag")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_render_text_formats() -> None:
    schema = blog_schema()
    assert render_erd(schema, "dot", overview=True) == erd_dot(schema, overview=True).encode()
    assert render_erd(schema, "mmd", focus="Tag") == erd_mermaid(schema, focus="Tag").encode()
    assert render_erd(schema, "dbml") == erd_dbml(schema).encode()
    with pytest.raises(InputError, match="unknown ERD format 'pdf'; choose one of: svg, png, dot"):
        render_erd(schema, "pdf")


def test_render_without_dot_binary_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(InputError, match="Graphviz 'dot' program is not installed or not on PATH"):
        render_erd(blog_schema(), "svg")
    assert render_erd(blog_schema(), "dot").startswith(b"digraph erd {")


# --- with the Prisma parser --------------------------------------------------------------------


def test_parsed_schema_gives_the_same_diagrams() -> None:
    text = (FIXTURES / "blog.prisma").read_text(encoding="utf-8")
    parsed = prisma.parse_prisma({FILE: text})
    built = blog_schema(profile_enforced=True)  # only relationMode = "prisma" drops foreign keys
    assert erd_dot(parsed) == erd_dot(built)
    assert erd_mermaid(parsed) == erd_mermaid(built)
    assert erd_dbml(parsed) == erd_dbml(built)


def test_multi_file_schema_is_clustered_by_file() -> None:
    folder = FIXTURES / "multi"
    sources = {
        f"prisma/schema/{p.name}": p.read_text(encoding="utf-8")
        for p in sorted(folder.glob("*.prisma"))
    }
    dot = erd_dot(prisma.parse_prisma(sources))
    assert re.findall(r"subgraph (cluster_\w+) \{", dot) == ["cluster_billing", "cluster_identity"]
    identity = dot.split("subgraph cluster_identity {")[1].split("}")[0]
    assert node_names(identity) == {"Session", "User"}
    assert "Invoice:f2 [" not in identity
    edges = [line for line in body(dot) if "->" in line]
    assert (
        "User:f0r -> Invoice:f2 [label=<onDelete: Restrict> arrowhead=crowodot arrowtail=teetee "
        "dir=both]" in edges
    )
