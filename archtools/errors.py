"""The tool's own error types: everything archtools raises on bad input derives from ArchtoolsError."""

from __future__ import annotations


class ArchtoolsError(Exception):
    """Base class: a problem with the input, reported to the user in one clear line."""


class InputError(ArchtoolsError):
    """The path or option given cannot be audited (missing, not a project, no Next.js app)."""


class ParseError(ArchtoolsError):
    """A file that does not parse; carries its location."""

    def __init__(self, message: str, file: str, line: int | None = None, column: int | None = None):
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        where = file
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")
