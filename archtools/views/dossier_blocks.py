"""The dossier as format-neutral blocks: headings, paragraphs, lists, tables, code and the ERD.

Every plain string in a block is text to escape, whoever wrote it: the writers (Markdown, HTML)
escape all of it, so a repo-derived name can never become markup in either format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """An inline code span (a file:line, an identifier, a call)."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Status:
    """A check or scorecard status (pass, fail, warn, n/a, unknown), shown as a badge."""

    value: str


Inline = str | Code | Strong | Status
Text = tuple[Inline, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    text: Text
    anchor: str | None = None  # an id made of [a-z0-9-] only, ours, never the repo's


@dataclass(frozen=True)
class Paragraph:
    text: Text


@dataclass(frozen=True)
class Bullets:
    items: tuple[Text, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Text, ...], ...]


@dataclass(frozen=True)
class CodeBlock:
    code: str
    lang: str = ""


@dataclass(frozen=True)
class Diagram:
    """Where the ERD of the feature's models goes (Mermaid in Markdown, inline SVG in HTML)."""

    models: tuple[str, ...]


Block = Heading | Paragraph | Bullets | Table | CodeBlock | Diagram


def where(file: str, line: int | None) -> Code:
    return Code(f"{file}:{line}" if line is not None else file)
