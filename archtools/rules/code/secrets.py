"""SEC003: credentials written in the code."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from archtools.facts.code import FileFacts
from archtools.rules.base import Hit
from archtools.rules.code.base import TEST_FILE, CodeContext, CodeRule

SECRET_PATTERNS = {
    "Stripe secret key": re.compile(r"^(sk|rk)_live_[0-9A-Za-z]{16,}$"),
    "Stripe test secret key": re.compile(r"^(sk|rk)_test_[0-9A-Za-z]{16,}$"),
    "AWS access key id": re.compile(r"^(AKIA|ASIA)[0-9A-Z]{16}$"),
    "GitHub token": re.compile(r"^(ghp|gho|ghu|ghs|ghr|github_pat)_[0-9A-Za-z_]{20,}$"),
    "Slack token": re.compile(r"^xox[abposr]-[0-9A-Za-z-]{10,}$"),
    "OpenAI key": re.compile(r"^sk-(proj-)?[0-9A-Za-z_-]{20,}$"),
    "Anthropic key": re.compile(r"^sk-ant-[0-9A-Za-z_-]{20,}$"),
    "Google API key": re.compile(r"^AIza[0-9A-Za-z_-]{35}$"),
    "SendGrid key": re.compile(r"^SG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}$"),
    "Resend key": re.compile(r"^re_[0-9A-Za-z_]{20,}$"),
    "private key": re.compile(r"^-----BEGIN ([A-Z]+ )?PRIVATE KEY-----"),
    "database URL with password": re.compile(
        r"^(postgres(ql)?|mysql|mongodb(\+srv)?)://[^:/\s]+:[^@\s]{3,}@"
    ),
}
SECRET_NAME = re.compile(
    r"(secret|password|passwd|token|api_?key|private_?key|credential|auth_?key)", re.I
)

LOCAL_DATABASE = re.compile(
    r"@(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|host\.docker\.internal)[:/]"
)


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for char in value:
        counts[char] = counts.get(char, 0) + 1
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())


def secret_kind(value: str, context: str) -> str | None:
    for label, pattern in SECRET_PATTERNS.items():
        if pattern.search(value):
            return label
    if (
        SECRET_NAME.search(context)
        and len(value) >= 20
        and shannon_entropy(value) >= 4.0
        and re.fullmatch(r"[A-Za-z0-9+/=_\-.]+", value)
        and not value.startswith(("http", "/", "process."))
    ):
        return f"high-entropy value assigned to {context}"
    return None


def hardcoded_secrets(path: str, facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    """Credentials written in the code; test fixtures and local development databases are not."""
    if TEST_FILE.search(path):
        return
    for literal in facts.secrets:
        kind = secret_kind(literal.value, literal.context)
        if kind == "database URL with password" and LOCAL_DATABASE.search(literal.value):
            continue
        if kind is not None and "example" not in literal.value.lower():
            yield Hit(
                rule="SEC003",
                file=path,
                line=literal.line,
                message=f"hard-coded credential ({kind}); load it from a server-only environment variable",
                key=f"secret:{literal.value[:8]}",
            )


RULE = CodeRule("SEC003", per_file=(hardcoded_secrets,))
