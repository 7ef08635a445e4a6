"""Source texts held compressed: what goes in comes back, with a digest of its UTF-8 bytes."""

from __future__ import annotations

import hashlib

from archtools.source.texts import SourceTexts


def test_texts_read_back_as_written_with_their_digest() -> None:
    texts = SourceTexts({"a.ts": "export const a = 1;\n", "ü/ß.ts": "const s = '✓';\n"})
    texts["b.ts"] = "x" * 100_000
    assert texts["ü/ß.ts"] == "const s = '✓';\n" and texts["b.ts"] == "x" * 100_000
    assert texts.encoded("ü/ß.ts") == "const s = '✓';\n".encode()
    assert (
        texts.digest("a.ts") == hashlib.blake2b(b"export const a = 1;\n", digest_size=16).digest()
    )
    assert sorted(texts) == ["a.ts", "b.ts", "ü/ß.ts"] and len(texts) == 3
    assert texts.get("missing.ts") is None and "a.ts" in texts
    del texts["b.ts"]
    assert "b.ts" not in texts and len(texts) == 2
    assert texts.stored_bytes() == len("export const a = 1;\n") + len("const s = '✓';\n".encode())
    texts["b.ts"] = "y" * 100_000
    texts.compact()
    assert texts.stored_bytes() < 1_000 and texts["b.ts"] == "y" * 100_000
    assert texts["ü/ß.ts"] == "const s = '✓';\n"
    texts["c.ts"] = "after compacting"  # held as is until the next compact()
    assert texts["c.ts"] == "after compacting" and texts.encoded("c.ts") == b"after compacting"


def test_a_changed_text_changes_its_digest() -> None:
    texts = SourceTexts({"a.ts": "one"})
    before = texts.digest("a.ts")
    texts["a.ts"] = "two"
    assert texts.digest("a.ts") != before and texts["a.ts"] == "two"
