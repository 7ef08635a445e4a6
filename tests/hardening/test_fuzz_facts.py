"""Property tests: the TypeScript facts layer never raises on arbitrary or mutated input (the audited
repository is untrusted), never recurses past Python's limit, and stays within a bounded time."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archtools.parse.typescript import extract_code_facts

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SOURCES = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".ts", ".tsx") and p.is_file())
TOKENS = [
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "=>",
    "'use server'",
    "export ",
    "async ",
    "await ",
    "`${",
    "}`",
    "<",
    ">",
    "/*",
    "*/",
    "//",
    "\n",
    ";",
    ",",
    ".",
]


def check(path: str, data: bytes) -> None:
    facts = extract_code_facts(path, data)
    assert facts.path == path
    for call in facts.calls:
        assert 1 <= call.line <= call.end_line
        assert call.receiver is None or 0 <= call.receiver < len(facts.calls)
    for function in facts.functions:
        assert function.parent is None or 0 <= function.parent < len(facts.functions)


@settings(
    max_examples=150, deadline=timedelta(seconds=3), suppress_health_check=[HealthCheck.too_slow]
)
@given(st.binary(max_size=2000), st.sampled_from(["a.ts", "b.tsx", "c.js"]))
def test_arbitrary_bytes(data: bytes, path: str) -> None:
    check(path, data)


@settings(
    max_examples=150, deadline=timedelta(seconds=3), suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), max_size=300))
def test_token_soup(parts: list[str]) -> None:
    check("app/api/x/route.ts", "".join(parts).encode("utf-8", "surrogatepass"))


@settings(
    max_examples=100, deadline=timedelta(seconds=3), suppress_health_check=[HealthCheck.too_slow]
)
@given(st.data())
def test_mutated_sample_files(data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(SOURCES))
    text = bytearray(source.read_bytes())
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        position = data.draw(st.integers(min_value=0, max_value=max(len(text) - 1, 0)))
        action = data.draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete":
            del text[position : position + data.draw(st.integers(1, 40))]
        elif action == "insert":
            text[position:position] = data.draw(st.sampled_from(TOKENS)).encode()
        else:
            text[position:position] = text[position : position + 60]
    check(str(source.relative_to(SAMPLES)), bytes(text))


def test_pathological_nesting_of_every_kind() -> None:
    for opener, closer in (
        ("(", ")"),
        ("[", "]"),
        ("{a:", "}"),
        ("f(", ")"),
        ("`${", "}`"),
        ("!", ""),
    ):
        code = "const x = " + opener * 20_000 + "1" + closer * 20_000 + ";\nexport const GET = 1;\n"
        facts = extract_code_facts("app/api/x/route.ts", code.encode())
        assert [e.name for e in facts.exports] == ["GET"]
