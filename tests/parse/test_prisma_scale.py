"""The Prisma parser at scale (300 models, 4,000 fields) and on arbitrary or mutated input."""

from __future__ import annotations

from datetime import timedelta
from pathlib import PurePosixPath

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archtools.errors import ParseError
from archtools.facts.prisma import parse_prisma, parse_prisma_file, prisma_errors_tolerant
from archtools.facts.schema import FieldKind, Relation, Schema
from tests.parse.prisma_gen import generate_schema

BIG = generate_schema(models=300, fields=4000)
SMALL = generate_schema(models=4, fields=40, seed=3)


def check_big(schema: Schema) -> None:
    assert len(schema.models) == BIG.models == 300
    assert sum(len(m.fields) for m in schema.models) == BIG.fields == 4000
    assert len(schema.enums) == BIG.enums
    owning = [f for m in schema.models for f in m.fields if f.relation and f.relation.fields]
    assert len(owning) == BIG.relations == 299
    assert [m.name for m in schema.models] == [f"Model{i}" for i in range(300)]
    for child, parent in BIG.parents.items():
        model = schema.model(f"Model{child}")
        assert model is not None
        relation = model.field(f"parent{parent}")
        assert relation is not None and relation.kind is FieldKind.RELATION
        name = "To".join(sorted((f"Model{child}", f"Model{parent}")))
        assert relation.relation == Relation(
            name=name, fields=[f"parent{parent}Id"], references=["id"], on_delete="Cascade"
        )
        assert model.indexes == [[f"parent{parent}Id", "createdAt"]]
        assert (model.primary_key, model.db_name) == (["id"], f"model_{child}")


def expected_doc(field_name: str) -> str | None:
    """The generator documents every scalar field whose number leaves 6 when divided by 7."""
    number = field_name.removeprefix("field").removeprefix("status")
    if number.isdigit() and int(number) % 7 == 6:
        return f"Field {number} documentation."
    return None


def test_generated_schema_parses_exactly() -> None:
    schema = parse_prisma_file("prisma/schema.prisma", BIG.text)
    check_big(schema)
    for model in schema.models:
        assert (model.doc, model.group, model.file) == (
            f"{model.name.replace('Model', 'Model ')} documentation.",
            None,
            "prisma/schema.prisma",
        )
        assert [f.doc for f in model.fields] == [expected_doc(f.name) for f in model.fields]


def test_generated_schema_split_into_files() -> None:
    files = BIG.files(12)
    schema = parse_prisma(files)
    check_big(schema)
    assert schema.sources == sorted(files)
    assert schema.provider == "postgresql"
    assert all(m.group == PurePosixPath(m.file).stem for m in schema.models)
    assert len({m.group for m in schema.models}) == 12


def test_one_broken_file_of_many_loses_only_its_models() -> None:
    files = BIG.files(12)
    broken = "prisma/schema/part05.prisma"
    files[broken] = files[broken].replace("  id        String   @id @default(cuid())", "  id", 1)
    schema, errors = prisma_errors_tolerant(files)
    assert [(e.file, e.message) for e in errors] == [(broken, "expected a field type after `id`")]
    lost = {m.name for m in parse_prisma({broken: BIG.files(12)[broken]}).models}
    assert len(lost) > 0
    assert {m.name for m in schema.models} == {f"Model{i}" for i in range(300)} - lost


PROPERTY = settings(
    max_examples=200,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow],
)

_PIECES = [
    "model", "enum", "type", "view", "datasource", "generator", "{", "}", "(", ")", "[", "]",
    "[]", "?", "@", "@@", '"', '"x"', "\\", "/", "//", "///", "/*", "*/", "!", ":", ",", ".",
    "=", "\n", "\t", " ", "A", "id", "Int", "-1", "1.5", "Unsupported(", "@relation(",
    "@default(", "fields: [", "\r\n", "\ufeff", "\u00e9", "\x00",
]  # fmt: skip


def parses_or_raises_parse_error(sources: dict[str, str]) -> None:
    try:
        schema = parse_prisma(sources)
    except ParseError as error:
        assert error.file in sources
        assert error.line is None or error.line >= 1
        assert error.column is None or error.column >= 1
        assert error.message
    else:
        assert isinstance(schema, Schema)
    tolerant, errors = prisma_errors_tolerant(sources)
    assert isinstance(tolerant, Schema)
    assert all(isinstance(e, ParseError) for e in errors)


@PROPERTY
@given(st.text(max_size=300))
def test_arbitrary_text_parses_or_raises_parse_error(text: str) -> None:
    parses_or_raises_parse_error({"a.prisma": text})


@PROPERTY
@given(st.lists(st.sampled_from(_PIECES), max_size=80).map("".join))
def test_schema_like_text_parses_or_raises_parse_error(text: str) -> None:
    parses_or_raises_parse_error({"a.prisma": text})


@PROPERTY
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(SMALL.text)),
            st.integers(0, 12),
            st.sampled_from(_PIECES) | st.text(max_size=3),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_valid_schema_parses_or_raises_parse_error(
    edits: list[tuple[int, int, str]],
) -> None:
    text = SMALL.text
    for at, removed, inserted in edits:
        text = text[:at] + inserted + text[at + removed :]
    parses_or_raises_parse_error({"prisma/schema/a.prisma": text, "prisma/schema/b.prisma": ""})
