"""Valid TypeScript the grammar does not read is blanked so the file parses without a false syntax error
(constructs met on the real-world corpus), keeping every line and column; real errors stay errors."""

from __future__ import annotations

import pytest

from archtools.facts.typescript import extract_code_facts

CLEAN = {
    "jsx-text.tsx": "export function A() {\n  return <h2>Members & Roles</h2>;\n}\n",
    "jsx-attribute.tsx": 'export const L = () => <a href="/x?a=1&page=2">link</a>;\n',
    "entity-kept.tsx": "export const E = () => <p>Tom &amp; Jerry & co</p>;\n",
    "import-type.ts": 'interface P<T> {\n  table: import("@tanstack/react-table").Table<T>;\n}\n',
    "import-type-alias.ts": 'type Q = import("z").R;\nlet v: Array<import("w").X>;\n',
    "export-type-star.ts": 'export * from "./a";\nexport type * from "./b";\n',
    "tagged-template-type.ts": (
        "export async function rows() {\n"
        "  return db.execute(sql<{ id: string; n: number }[]>`select 1`);\n"
        "}\n"
    ),
    # a generic elsewhere in the file before the tagged template must not be taken for its arguments
    "tagged-template-after-generics.ts": (
        "const cache = new Map<string, number>();\n"
        "export async function similar(id: string) {\n"
        "  const rows = await prisma.$queryRaw<\n"
        "    { id: string; similarity: number }[]\n"
        "  >`SELECT d.id, 1 - (e.embedding <=> ${id}) FROM d`;\n"
        "  return rows.filter((r) => r.similarity > (cache.get(r.id) ?? 0));\n"
        "}\n"
    ),
    "typeof-import-type-argument.ts": (
        'vi.mock("x", async (importOriginal) => {\n'
        '  const actual = await importOriginal<typeof import("x")>();\n'
        "  return { ...actual };\n"
        "});\n"
    ),
    "keyword-named-parameter.ts": (
        "export interface Props {\n  setOpen?: (boolean) => void;\n  pick: (string) => number;\n}\n"
    ),
}


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_valid_typescript_reports_no_syntax_error(name: str) -> None:
    assert extract_code_facts(name, CLEAN[name].encode()).syntax_errors == ()


def test_positions_and_code_around_the_repair_are_kept() -> None:
    source = (
        "export function Page() {\n"
        "  return <p>Terms & Conditions</p>;\n"
        "}\n"
        "export async function load(id: string) {\n"
        "  return prisma.note.findUnique({ where: { id } });\n"
        "}\n"
    )
    facts = extract_code_facts("page.tsx", source.encode())
    assert facts.syntax_errors == ()
    (find,) = [c for c in facts.calls if c.name == "findUnique"]
    assert find.line == 5


def test_a_dynamic_import_stays_a_call() -> None:
    source = 'export const x = () => import("./y").then((m) => m.default);\nlet t: import("z").T;\n'
    facts = extract_code_facts("lazy.ts", source.encode())
    assert facts.syntax_errors == ()
    assert "import().then" in [c.callee for c in facts.calls]


def test_bitwise_and_intersections_are_untouched_and_real_errors_stay() -> None:
    assert extract_code_facts("ok.ts", b"const a = b & c;\nlet t: A & B;\n").syntax_errors == ()
    broken = extract_code_facts("bad.tsx", b"export const A = () => <p>one & two</p;\n")
    assert broken.syntax_errors != ()


def test_several_ampersands_in_one_attribute() -> None:
    source = b'export const I = () => <img src="https://x.test/a.png?w=1&dpr=2&q=80" />;\n'
    assert extract_code_facts("img.tsx", source).syntax_errors == ()
