"""Property tests: the TypeScript facts layer never raises on arbitrary or mutated input (the audited
repository is untrusted), never recurses past Python's limit, gives the same facts for the same
bytes, and stays within a bounded time however deep the code nests."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tree_sitter import Node

from archtools.facts.code import FileFacts, SyntaxProblem
from archtools.facts.store import FactsJob, collect_facts
from archtools.facts.ts_exprs import FUNCTION_TYPES
from archtools.facts.typescript import TOO_DEEP, extract_code_facts
from archtools.parse import treesitter

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
    assert extract_code_facts(path, data) == facts  # a pure function of the bytes
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


@contextmanager
def shallow_stack(room: int = 200) -> Iterator[None]:
    """Python's recursion limit set just `room` frames above the caller: deep input must not recurse."""
    depth = 0
    frame = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back  # type: ignore[assignment]
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + room)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def rows(unit: str, count: int, per_line: int = 20) -> str:
    """`unit` repeated `count` times in short lines (one long line would be skipped as minified)."""
    return "\n".join([*[unit * per_line] * (count // per_line), unit * (count % per_line)])


N = 5_000
DEEP = {
    "calls": ("export const v = " + rows("f(", N) + "1" + rows(")", N) + ";\n", 5000, 0, 0),
    "member-calls": ("export const v = a" + rows(".b()", N) + ";\n", 5000, 0, 0),
    "arguments": (
        "export const v = " + rows("g({ a: ", N) + "1" + rows("})", N) + ";\n",
        5000,
        0,
        0,
    ),
    "arrows": ("export const v = " + rows("() => ", N) + "1;\n", 0, 5000, 0),
    "methods": (
        "export const v = " + rows("class { m() { return ", N) + "1" + rows("} }", N) + ";\n",
        0,
        5000,
        0,
    ),
    "assignments": ("let a;\n" + rows("a = ", N) + "f();\n", 1, 0, 0),
    "ifs": (
        "export function g(a: number) {\n" + rows("if (a) {", N) + rows("}", N) + "\n}\n",
        0,
        1,
        0,
    ),
    "else-ifs": (
        "export function g(a: string) {\n  if (a === 'x') return 1;\n"
        + rows(" else if (a === 'y') return 2;", N)
        + "\n}\n",
        0,
        1,
        N + 1,
    ),
    "or-chain": (
        "export function g(a: string) {\n  return " + rows("a === 'x' || ", N) + "false;\n}\n",
        0,
        1,
        N,
    ),
    "plus-chain": ("export const v = " + rows("a + ", N) + "1;\n", 0, 0, 0),
}


@pytest.mark.parametrize("kind", sorted(DEEP))
def test_deep_nesting_of_every_kind_is_analysed_in_bounded_time(kind: str) -> None:
    code, calls, functions, comparisons = DEEP[kind]
    started = time.perf_counter()
    with shallow_stack():
        facts = extract_code_facts("lib/deep.ts", code.encode())
    assert time.perf_counter() - started < 10  # quadratic walks took minutes here
    assert facts.syntax_errors == ()
    assert (len(facts.calls), len(facts.functions), len(facts.comparisons)) == (
        calls,
        functions,
        comparisons,
    )


def test_each_nested_call_knows_its_function_and_its_catch() -> None:
    code = (
        "export async function GET() {\n"
        + rows("try { f(); ", 2_000)  # each f() in a try block, each log() in its catch
        + rows("} catch (e) { log(e) }", 2_000)
        + "\n"
        + rows("try { a() } catch (e) { ", 2_000)  # each a() but the first inside a catch
        + "z()"
        + rows(" }", 2_000)
        + "\n  const inner = () => { try { x() } catch { y() } };\n}\n"
    )
    facts = extract_code_facts("app/api/x/route.ts", code.encode())
    assert facts.syntax_errors == ()
    by_name: dict[str, list[tuple[int | None, bool]]] = {}
    for call in facts.calls:
        by_name.setdefault(call.name, []).append((call.func, call.in_catch))
    assert by_name["f"] == [(0, False)] * 2_000
    assert by_name["log"] == [(0, True)] * 2_000
    assert by_name["a"] == [(0, False)] + [(0, True)] * 1_999
    assert by_name["z"] == [(0, True)]
    assert (by_name["x"], by_name["y"]) == ([(1, False)], [(1, True)])


NESTED_SAME_START = """export function g(a: string, b: string, c: boolean) {
  const d = a == b != c === true;
  let x, y, z;
  x = y = z = a;
  if (a === b || b !== a) return d;
}
"""


def test_same_start_captures_come_outer_first_on_every_run() -> None:
    runs = [extract_code_facts("lib/g.ts", NESTED_SAME_START.encode()) for _ in range(20)]
    assert all(run == runs[0] for run in runs)
    facts = runs[0]
    assert [(c.left.text, c.operator) for c in facts.comparisons] == [
        ("a == b != c", "==="),
        ("a == b", "!="),
        ("a", "=="),
        ("a", "==="),
        ("b", "!=="),
    ]
    assert [list(v.names) for v in facts.vars] == [["d"], ["x"], ["y"], ["z"], ["x"], ["y"], ["z"]]


def _naive_nearest(node: Node, types: frozenset[str]) -> Node | None:
    current = node.parent
    while current is not None and current.type not in types:
        current = current.parent
    return current


def _agrees_with_node_parent(path: str, data: bytes) -> None:
    grammar = treesitter.grammar_for(path) or "tsx"
    root = treesitter.parse(grammar, data).root_node
    caps = treesitter.captures(grammar, root)
    targets = [n for nodes in caps.values() for n in nodes]
    groups = (FUNCTION_TYPES, FUNCTION_TYPES | {"catch_clause"})
    ancestry = treesitter.Ancestry(root, targets, groups)
    for node in targets:
        assert ancestry.parent(node) == node.parent
        for index, types in enumerate(groups):
            assert ancestry.nearest(node, index) == _naive_nearest(node, types)


def test_ancestry_agrees_with_node_parent_on_the_samples() -> None:
    for source in SOURCES:
        _agrees_with_node_parent(source.name, source.read_bytes())


@settings(
    max_examples=60, deadline=timedelta(seconds=3), suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), max_size=200), st.booleans())
def test_ancestry_agrees_with_node_parent_on_token_soup(parts: list[str], tsx: bool) -> None:
    _agrees_with_node_parent("a.tsx" if tsx else "a.ts", "".join(parts).encode("utf-8", "replace"))


LINKS = 500  # `a === 'x' || b !== 'y'` pairs: 1,000 comparisons in one `||` chain
CHAIN = (
    "\nexport function chain(a: string, b: string) {\n  return (\n"
    + rows("a === 'x' || b !== 'y' || ", LINKS)
    + "a == b\n  );\n}\n"
)


def test_a_long_chain_yields_every_comparison_on_every_sample() -> None:
    """Appended to each sample, a 1,000-comparison chain gives each of its comparisons, in order and
    in its function, and leaves the sample's own facts unchanged."""
    for source in SOURCES:
        data = source.read_bytes()
        plain = extract_code_facts(source.name, data)
        chained = extract_code_facts(source.name, data + CHAIN.encode())
        kept = len(plain.comparisons)
        assert chained.comparisons[:kept] == plain.comparisons
        assert chained.calls == plain.calls and chained.guards == plain.guards
        assert [e.name for e in chained.exports] == [e.name for e in plain.exports] + ["chain"]
        func = len(plain.functions)
        first = data.count(b"\n") + 4  # the first line of the chain
        pairs = [("a", "===", "'x'"), ("b", "!==", "'y'")]  # 40 comparisons a line
        expected = [(func, first + i // 40, *pairs[i % 2]) for i in range(2 * LINKS)]
        expected.append((func, first + 2 * LINKS // 40, "a", "==", "b"))
        added = chained.comparisons[kept:]
        assert [(c.func, c.line, c.left.text, c.operator, c.right.text) for c in added] == expected


def test_a_query_past_the_match_limit_is_one_clear_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(treesitter, "MATCH_LIMIT", 1)
    code = b"export function GET() {\n  if (a === b) return f(process.env.X);\n}\n"
    facts = extract_code_facts("app/api/x/route.ts", code)
    assert facts == FileFacts(
        path="app/api/x/route.ts",
        language="typescript",
        syntax_errors=(SyntaxProblem(line=1, column=1, message=TOO_DEEP),),
        lines=4,
    )
    result = collect_facts([FactsJob("app/api/x/route.ts", code)], cache_dir=None, workers=1)
    assert result.facts == {}
    assert [(f.path, f.line, f.message) for f in result.failures] == [
        ("app/api/x/route.ts", None, "expression nesting too deep to analyse")
    ]
