"""Schema lint rules: each rule on a bad and a good schema, as exact (rule, model, key) sets."""

from __future__ import annotations

from typing import Any

import pytest

from archtools.facts.schema import Field, FieldKind, Model, Orm, Relation, Schema
from archtools.rules.base import Hit
from archtools.rules.schema_lint import SCHEMA_RULES, run_schema_rules

S, E, R, C = FieldKind.SCALAR, FieldKind.ENUM, FieldKind.RELATION, FieldKind.COMPOSITE
FILE = "prisma/schema.prisma"


def field(name: str, type: str = "String", kind: FieldKind = S, **kw: Any) -> Field:
    return Field(name=name, type=type, kind=kind, **kw)


def pk(name: str = "id", type: str = "Int", **kw: Any) -> Field:
    return Field(name=name, type=type, kind=S, id=True, **kw)


def stamps() -> list[Field]:
    return [
        field("createdAt", "DateTime", default="now()"),
        field("updatedAt", "DateTime", updated_at=True),
    ]


def owner(
    name: str,
    target: str,
    columns: list[str],
    *,
    optional: bool = False,
    on_delete: str | None = "Cascade",
    enforced: bool = True,
    references: list[str] | None = None,
) -> Field:
    relation = Relation(
        fields=columns, references=references or ["id"], on_delete=on_delete, enforced=enforced
    )
    return Field(name=name, type=target, kind=R, optional=optional, relation=relation)


def back(name: str, target: str, *, list: bool = True) -> Field:
    return Field(name=name, type=target, kind=R, list=list, optional=not list)


def model(name: str, *fields: Field, line: int = 1, **kw: Any) -> Model:
    return Model(name=name, file=FILE, line=line, fields=[*fields], **kw)


def schema(*models: Model, provider: str = "postgresql", orm: Orm = Orm.PRISMA) -> Schema:
    return Schema(orm=orm, provider=provider, sources=[FILE], models=[*models])


def hits(rule: str, sch: Schema) -> set[tuple[str, str | None, str]]:
    return {(h.rule, h.model, h.key) for h in SCHEMA_RULES[rule](sch)}


def user() -> Model:
    return model("User", pk(), back("posts", "Post"), *stamps())


# --- SCH001 fk-without-index -------------------------------------------------------------------


def test_sch001_bad() -> None:
    post = model(
        "Post", pk(), field("authorId", "Int"), owner("author", "User", ["authorId"]), *stamps()
    )
    tag = model("Tag", pk(), back("links", "PostTag"), *stamps())
    link = model(
        "PostTag",
        field("postId", "Int"),
        field("tagId", "Int"),
        owner("post", "Post", ["postId"]),
        owner("tag", "Tag", ["tagId"]),
        primary_key=["postId", "tagId"],
    )
    sale = model(
        "Sale",
        pk(),
        field("a", "Int"),
        field("b", "Int"),
        owner("item", "Item", ["a", "b"], references=["x", "y"]),
        indexes=[["a"]],
    )
    item = model(
        "Item", field("x", "Int"), field("y", "Int"), back("sales", "Sale"), primary_key=["x", "y"]
    )
    assert hits("SCH001", schema(user(), post, tag, link, sale, item)) == {
        ("SCH001", "Post", "fk-without-index:Post.authorId"),
        ("SCH001", "PostTag", "fk-without-index:PostTag.tagId"),
        ("SCH001", "Sale", "fk-without-index:Sale.a,b"),
    }
    # relationMode = "prisma" on MySQL: no foreign key, so no index either.
    emulated = model(
        "Post",
        pk(),
        field("authorId", "Int"),
        owner("author", "User", ["authorId"], enforced=False),
    )
    assert hits("SCH001", schema(user(), emulated, provider="mysql")) == {
        ("SCH001", "Post", "fk-without-index:Post.authorId")
    }


def test_sch001_good() -> None:
    by_index = model(
        "Post",
        pk(),
        field("authorId", "Int"),
        owner("author", "User", ["authorId"]),
        indexes=[["authorId", "createdAt"]],
    )
    by_unique = model(
        "Draft",
        pk(),
        field("authorId", "Int"),
        field("slug"),
        owner("author", "User", ["authorId"]),
        unique=[["authorId", "slug"]],
    )
    one_to_one = model(
        "Profile", pk(), field("userId", "Int", unique=True), owner("user", "User", ["userId"])
    )
    link = model(
        "PostTag",
        field("postId", "Int"),
        field("tagId", "Int"),
        owner("post", "Post", ["postId"]),
        owner("tag", "Tag", ["tagId"]),
        primary_key=["postId", "tagId"],
        indexes=[["tagId"]],
    )
    sale = model(
        "Sale",
        pk(),
        field("a", "Int"),
        field("b", "Int"),
        owner("item", "Item", ["a", "b"]),
        indexes=[["b", "a", "c"]],
    )
    sch = schema(user(), by_index, by_unique, one_to_one, link, sale)
    assert hits("SCH001", sch) == set()
    unindexed = model("Post", pk(), field("authorId", "Int"), owner("author", "User", ["authorId"]))
    assert hits("SCH001", schema(user(), unindexed, provider="mysql")) == set()  # InnoDB indexes it


# --- SCH002 money-as-float ---------------------------------------------------------------------


def test_sch002_bad() -> None:
    product = model(
        "Product",
        pk(),
        field("price", "Float"),
        field("shippingFees", "Float"),
        field("total_amount", "Float", optional=True),
    )
    wallet = model("Wallet", pk(), field("balance", "doublePrecision"))
    assert hits("SCH002", schema(product, wallet)) == {
        ("SCH002", "Product", "money-as-float:Product.price"),
        ("SCH002", "Product", "money-as-float:Product.shippingFees"),
        ("SCH002", "Product", "money-as-float:Product.total_amount"),
        ("SCH002", "Wallet", "money-as-float:Wallet.balance"),
    }


def test_sch002_good() -> None:
    product = model(
        "Product",
        pk(),
        field("price", "Decimal", native_type="@db.Decimal(12, 2)"),
        field("priceCents", "Int"),
        field("discountPercent", "Float"),
        field("taxRate", "Float"),
        field("rating", "Float"),
        field("weight", "Float"),
        field("amountLabel"),
    )
    assert hits("SCH002", schema(product)) == set()


# --- SCH003 model-without-primary-key ----------------------------------------------------------


def test_sch003_bad() -> None:
    log = model("VisitLog", field("path"), field("createdAt", "DateTime"))
    loose = model("Setting", field("key", optional=True, unique=True), field("value"))
    assert hits("SCH003", schema(log, loose)) == {
        ("SCH003", "VisitLog", "model-without-primary-key:VisitLog"),
        ("SCH003", "Setting", "model-without-primary-key:Setting"),
    }


def test_sch003_good() -> None:
    sch = schema(
        model("A", pk()),
        model("B", field("x", "Int"), field("y", "Int"), primary_key=["x", "y"]),
        model("C", field("x", "Int"), field("y", "Int"), unique=[["x", "y"]]),
        model("D", field("key", unique=True), field("value")),
        model("ActiveUsers", field("email"), kind="view"),
        model("Address", field("street"), kind="type"),
    )
    assert hits("SCH003", sch) == set()


# --- SCH004 relation-without-on-delete ---------------------------------------------------------


def test_sch004_bad() -> None:
    post = model(
        "Post",
        pk(),
        field("authorId", "Int"),
        owner("author", "User", ["authorId"], on_delete=None),
        field("editorId", "Int", optional=True),
        owner("editor", "User", ["editorId"], optional=True, on_delete=None),
    )
    found = list(SCHEMA_RULES["SCH004"](schema(user(), post)))
    assert {(h.rule, h.model, h.key) for h in found} == {
        ("SCH004", "Post", "relation-without-on-delete:Post.author"),
        ("SCH004", "Post", "relation-without-on-delete:Post.editor"),
    }
    messages = {h.key.split(".")[-1]: h.message for h in found}
    assert "(required relation to User) has no onDelete, so Restrict applies" in messages["author"]
    assert "(optional relation to User) has no onDelete, so SetNull applies" in messages["editor"]
    drizzle = list(SCHEMA_RULES["SCH004"](schema(user(), post, orm=Orm.DRIZZLE)))
    assert all("NO ACTION applies" in h.message for h in drizzle) and len(drizzle) == 2


def test_sch004_good() -> None:
    post = model(
        "Post",
        pk(),
        field("authorId", "Int"),
        owner("author", "User", ["authorId"], on_delete="Restrict"),
        back("tags", "Tag"),
    )
    tag = model("Tag", pk(), back("posts", "Post"))  # implicit many-to-many: no owning side
    assert hits("SCH004", schema(user(), post, tag)) == set()


# --- SCH005 required-relation-to-soft-deleted --------------------------------------------------


def test_sch005_bad() -> None:
    project = model(
        "Project", pk(), back("tasks", "Task"), field("deleted_at", "DateTime", optional=True)
    )
    account = model("Account", pk(), back("tasks", "Task"), field("isDeleted", "Boolean"))
    task = model(
        "Task",
        pk(),
        field("projectId", "Int"),
        owner("project", "Project", ["projectId"]),
        field("accountId", "Int"),
        owner("account", "Account", ["accountId"]),
    )
    found = list(SCHEMA_RULES["SCH005"](schema(project, account, task)))
    assert {(h.rule, h.model, h.key) for h in found} == {
        ("SCH005", "Task", "required-relation-to-soft-deleted:Task.project"),
        ("SCH005", "Task", "required-relation-to-soft-deleted:Task.account"),
    }
    assert any("soft-deleted (Project.deleted_at)" in h.message for h in found)


def test_sch005_good() -> None:
    project = model(
        "Project", pk(), back("tasks", "Task"), field("deletedAt", "DateTime", optional=True)
    )
    task = model(
        "Task",
        pk(),
        field("projectId", "Int", optional=True),
        owner("project", "Project", ["projectId"], optional=True, on_delete="SetNull"),
        field("userId", "Int"),
        owner("user", "User", ["userId"]),
    )
    assert hits("SCH005", schema(project, task, user())) == set()


# --- SCH006 sensitive-field-unprotected --------------------------------------------------------


def test_sch006_bad() -> None:
    account = model(
        "Account",
        pk(),
        field("password"),
        field("apiKey", optional=True),
        field("resetToken", optional=True),
        field("ssn"),
        field("card_number"),
        field("clientSecret"),
        field("refresh_token", native_type="@db.Text"),
    )
    assert hits("SCH006", schema(account)) == {
        ("SCH006", "Account", f"sensitive-field-unprotected:Account.{name}")
        for name in (
            "password",
            "apiKey",
            "resetToken",
            "ssn",
            "card_number",
            "clientSecret",
            "refresh_token",
        )
    }


def test_sch006_good() -> None:
    account = model(
        "Account",
        pk(),
        field("passwordHash"),
        field("hashed_password"),
        field("tokenDigest"),
        field("apiKeyId"),
        field("tokenType"),
        field("encryptedRefreshToken"),
        field("secret", doc="bcrypt hash of it"),
        field("tokenExpiresAt", "DateTime"),
        field("password", "Bytes"),
        field("cardLast4"),
        field("spinner"),
    )
    assert hits("SCH006", schema(account)) == set()


# --- SCH007 missing-timestamps -----------------------------------------------------------------


def test_sch007_bad() -> None:
    bare = model("Invoice", pk())
    plain = model(
        "Order",
        pk(),
        field("createdAt", "DateTime"),
        field("updatedAt", "DateTime", default="now()"),
    )
    no_created = model("Note", pk(), field("updatedAt", "DateTime", updated_at=True))
    found = {h.model: h.message for h in SCHEMA_RULES["SCH007"](schema(bare, plain, no_created))}
    assert hits("SCH007", schema(bare, plain, no_created)) == {
        ("SCH007", "Invoice", "missing-timestamps:Invoice"),
        ("SCH007", "Order", "missing-timestamps:Order"),
        ("SCH007", "Note", "missing-timestamps:Note"),
    }
    assert found["Invoice"].startswith("Invoice has no createdAt and no updatedAt (@updatedAt):")
    assert found["Order"].startswith("Order has no @updatedAt on updatedAt:")
    assert found["Note"].startswith("Note has no createdAt:")


def test_sch007_good() -> None:
    sch = schema(
        model("Post", pk(), *stamps()),
        model("AuditLog", pk(), field("created_at", "DateTime")),
        model(
            "PostTag",
            field("postId", "Int"),
            field("tagId", "Int"),
            owner("post", "Post", ["postId"]),
            owner("tag", "Tag", ["tagId"]),
            primary_key=["postId", "tagId"],
        ),
        model("ActiveUsers", field("email"), kind="view"),
        model("Address", field("street"), kind="type"),
    )
    assert hits("SCH007", sch) == set()
    drizzle = schema(
        model("posts", pk(), field("created_at", "DateTime"), field("updated_at", "DateTime")),
        orm=Orm.DRIZZLE,
    )
    assert hits("SCH007", drizzle) == set()


# --- SCH008 unbounded-indexed-string -----------------------------------------------------------


def test_sch008_bad() -> None:
    account = model(
        "Account",
        pk(),
        field("email", unique=True),
        field("orgId", "Int"),
        field("slug"),
        field("title", native_type="@db.Text"),
        field("code", native_type="VarChar"),
        unique=[["orgId", "slug"]],
        indexes=[["title"], ["code"]],
    )
    assert hits("SCH008", schema(account)) == {
        ("SCH008", "Account", f"unbounded-indexed-string:Account.{name}")
        for name in ("email", "slug", "title", "code")
    }


def test_sch008_good() -> None:
    user_ = model(
        "User",
        pk("id", "String", default="cuid()"),
        back("posts", "Post"),
        field("email", unique=True, native_type="@db.VarChar(320)"),
        field("bio"),
    )
    post = model(
        "Post",
        pk("id", "String", default="uuid(7)"),
        field("authorId"),
        owner("author", "User", ["authorId"]),
        indexes=[["authorId"]],
    )
    assert hits("SCH008", schema(user_, post)) == set()
    raw = model("Account", pk(), field("email", unique=True))
    assert hits("SCH008", schema(raw, provider="mysql")) == set()
    assert hits("SCH008", schema(raw, provider="sqlite")) == set()


# --- SCH009 duplicate-index --------------------------------------------------------------------


def test_sch009_bad() -> None:
    article = model(
        "Article",
        pk(),
        field("authorId", "Int"),
        field("slug"),
        field("a"),
        field("b"),
        unique=[["authorId", "slug"]],
        indexes=[["authorId"], ["a", "b"], ["a"], ["b"], ["b"]],
    )
    token = model("Token", pk("id", "String", unique=True), field("value"))
    found = {h.key: h.message for h in SCHEMA_RULES["SCH009"](schema(article, token))}
    assert hits("SCH009", schema(article, token)) == {
        ("SCH009", "Article", "duplicate-index:Article.@@index([authorId])"),
        ("SCH009", "Article", "duplicate-index:Article.@@index([a])"),
        ("SCH009", "Article", "duplicate-index:Article.@@index([b])"),
        ("SCH009", "Token", "duplicate-index:Token.@unique on id"),
    }
    assert found["duplicate-index:Article.@@index([authorId])"].startswith(
        "Article: @@index([authorId]) is a prefix of @@unique([authorId, slug]),"
    )
    assert found["duplicate-index:Article.@@index([b])"].startswith(
        "Article: @@index([b]) duplicates @@index([b]),"
    )
    assert found["duplicate-index:Token.@unique on id"].startswith(
        "Token: @unique on id duplicates @id on id,"
    )


def test_sch009_good() -> None:
    article = model(
        "Article",
        pk(),
        field("a"),
        field("b"),
        field("c"),
        unique=[["a", "b"], ["email"]],
        indexes=[["b", "a"], ["c", "a"], ["a", "c"]],
        primary_key=None,
    )
    # A parser that lists a field-level @unique in Model.unique too does not make a duplicate.
    mirrored = model("Member", pk(), field("email", unique=True), unique=[["email"]])
    assert hits("SCH009", schema(article, mirrored)) == set()


# --- SCH010 enum-like-string -------------------------------------------------------------------


def test_sch010_bad() -> None:
    order = model(
        "Order",
        pk(),
        field("status", default='"pending"'),
        field("userRole"),
        field("type"),
        field("roles", list=True),
        field("billing_plan"),
    )
    assert hits("SCH010", schema(order)) == {
        ("SCH010", "Order", f"enum-like-string:Order.{name}")
        for name in ("status", "userRole", "type", "roles", "billing_plan")
    }


def test_sch010_good() -> None:
    order = model(
        "Order",
        pk(),
        field("status", "OrderStatus", E),
        field("statusMessage"),
        field("contentType"),
        field("session_state"),
        field("levelCount", "Int"),
        field("planName"),
    )
    assert hits("SCH010", schema(order)) == set()
    assert (
        hits("SCH010", schema(model("Order", pk(), field("status")), provider="sqlserver")) == set()
    )
    view = model("OrderStats", field("status"), kind="view")
    assert hits("SCH010", schema(view)) == set()


# --- SCH011 missing-foreign-key ----------------------------------------------------------------


def test_sch011_bad() -> None:
    customer = model("Customer", pk())
    client = model("Client", pk(), db_name="accounts")
    order = model(
        "Order",
        pk(),
        field("customerId", "Int"),
        field("account_id", "Int"),
        field("order_item_id", "Int"),
    )
    item = model("OrderItem", pk())
    assert hits("SCH011", schema(customer, client, order, item)) == {
        ("SCH011", "Order", "missing-foreign-key:Order.customerId"),
        ("SCH011", "Order", "missing-foreign-key:Order.account_id"),
        ("SCH011", "Order", "missing-foreign-key:Order.order_item_id"),
    }


def test_sch011_good() -> None:
    customer = model("Customer", pk(), back("orders", "Order"))
    order = model(
        "Order",
        pk(),
        field("customerId", "Int"),
        owner("customer", "Customer", ["customerId"]),
        field("stripeCustomerId"),
        field("externalId"),
    )
    own_key = model("Session", pk("sessionId", "String"))
    assert hits("SCH011", schema(customer, order, own_key)) == set()


# --- SCH012 model-name-not-pascal-case ---------------------------------------------------------


def test_sch012_bad() -> None:
    sch = schema(model("order_items", pk()), model("userProfile", pk()), model("Fine", pk()))
    found = {h.model: h.message for h in SCHEMA_RULES["SCH012"](sch)}
    assert hits("SCH012", sch) == {
        ("SCH012", "order_items", "model-name-not-pascal-case:order_items"),
        ("SCH012", "userProfile", "model-name-not-pascal-case:userProfile"),
    }
    assert found["order_items"].endswith('keep the table name with @@map("order_items")')


def test_sch012_good() -> None:
    assert hits("SCH012", schema(model("OrderItem", pk(), db_name="order_items"))) == set()
    assert hits("SCH012", schema(model("order_items", pk()), orm=Orm.DRIZZLE)) == set()


# --- registry and runner -----------------------------------------------------------------------


def test_registry_lists_every_rule_once() -> None:
    assert list(SCHEMA_RULES) == [f"SCH{n:03d}" for n in range(1, 13)]
    with pytest.raises(TypeError):
        SCHEMA_RULES["SCH999"] = SCHEMA_RULES["SCH001"]  # type: ignore[index]


def test_run_schema_rules_is_sorted_and_located() -> None:
    post = model(
        "Post",
        pk(line=21),
        field("price", "Float", line=23),
        field("authorId", "Int", line=24),
        owner("author", "User", ["authorId"], on_delete=None).model_copy(update={"line": 25}),
        *stamps(),
        line=20,
    )
    found = run_schema_rules(schema(user(), post))
    assert found == sorted(found, key=lambda h: (h.file, h.line, h.rule, h.key))
    assert [(h.rule, h.line, h.key) for h in found] == [
        ("SCH002", 23, "money-as-float:Post.price"),
        ("SCH001", 25, "fk-without-index:Post.authorId"),
        ("SCH004", 25, "relation-without-on-delete:Post.author"),
    ]
    assert all(isinstance(h, Hit) and h.file == FILE and h.model == "Post" for h in found)
    assert [h.rule for h in run_schema_rules(schema(user(), post), rules=["SCH004"])] == ["SCH004"]
    assert run_schema_rules(Schema()) == []
