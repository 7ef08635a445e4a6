"""SEC003: credentials written in the code, recognised by a known key format or, under a name that
says secret, by the entropy of random key material. A literal that only frames a key (a PEM armour
line with no body, a connection URL whose password is a `${VAR}` placeholder) or lists the characters
keys are drawn from (`ABC...xyz0123456789`) holds no credential."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator
from itertools import pairwise

from archtools.facts.code import FileFacts
from archtools.rules.base import Hit
from archtools.rules.code.base import CodeContext, CodeRule
from archtools.source.files import TEST_FILE

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
# The password of a connection URL, and the placeholders that stand for one in a template
# (`${DB_PASSWORD}`, `$DB_PASSWORD`, `<password>`).
URL_PASSWORD = re.compile(r"^[a-z+]+://[^:/\s]+:(?P<password>[^@\s]+)@")
PLACEHOLDER = re.compile(r"^(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|<[^>]*>)$")
# The armour line of a PEM private key, and the base64 body that must follow it for the literal to
# hold a key (the facts keep the first 64 characters: enough for 16 of the body).
PEM_ARMOUR = re.compile(r"^-----BEGIN ([A-Z]+ )?PRIVATE KEY-----")
PEM_BODY = re.compile(r"^(\\[nr]|\s)*[A-Za-z0-9+/]{16}")
# A character set lists its characters in a few ascending runs (`A-Z`, `a-z`, `0-9`), each once;
# random key material of 20 characters or more has many runs and repeats.
MAX_ALPHABET_RUNS = 4


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for char in value:
        counts[char] = counts.get(char, 0) + 1
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())


def secret_kind(value: str, context: str) -> str | None:
    """What credential `value` is, by its format or, under a secret-sounding name, its entropy;
    None for anything else, including the frames and alphabets that hold no key."""
    for label, pattern in SECRET_PATTERNS.items():
        if pattern.search(value):
            return None if _frame_only(label, value) else label
    if is_alphabet(value):
        return None
    if (
        SECRET_NAME.search(context)
        and len(value) >= 20
        and shannon_entropy(value) >= 4.0
        and re.fullmatch(r"[A-Za-z0-9+/=_\-.]+", value)
        and not value.startswith(("http", "/", "process."))
    ):
        return f"high-entropy value assigned to {context}"
    return None


def _frame_only(label: str, value: str) -> bool:
    """A literal in a key's format that carries no key: a PEM armour line without the base64 body,
    a connection URL whose password is a placeholder filled in from the environment."""
    if label == "private key":
        armour = PEM_ARMOUR.match(value)
        return armour is not None and PEM_BODY.match(value[armour.end() :]) is None
    if label == "database URL with password":
        url = URL_PASSWORD.match(value)
        return url is not None and PLACEHOLDER.match(url.group("password")) is not None
    return False


def is_alphabet(value: str) -> bool:
    """The characters a generator draws from (`ABC...xyz0123456789`): each character once, in a few
    ascending runs."""
    if len(set(value)) != len(value):
        return False
    runs = 1 + sum(1 for a, b in pairwise(value) if b <= a)
    return runs <= MAX_ALPHABET_RUNS


def secret_key(value: str) -> str:
    """What tells two hard-coded secrets apart in a file (the fingerprint), without the secret: a
    digest of the whole value, so that keys sharing a prefix (`sk_live_`) stay two findings."""
    return "secret:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]


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
                key=secret_key(literal.value),
            )


RULE = CodeRule("SEC003", per_file=(hardcoded_secrets,))
