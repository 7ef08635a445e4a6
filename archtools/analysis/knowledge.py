"""The guard catalog (archtools/knowledge/guards.yaml) as typed, read-only data."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from archtools.errors import InputError
from archtools.yaml_data import bundled_knowledge


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AuthPrimitive(_Frozen):
    package: str | None = None
    call: str | None = None
    suffix: str | None = None
    kind: Literal["session", "enforcing", "unsafe"]
    library: str
    # who it proves the caller is
    caller: Literal["session", "api_key", "signature", "internal"] = "session"


class AuthFactory(_Frozen):
    call: str
    session: list[str]
    handlers: list[str]
    library: str
    # `auth(handler)`: the property of the handler's request that holds the session (`req.auth`)
    wraps: str | None = None


class LibraryRouteHandler(_Frozen):
    """Route handlers a library builds (`export const { GET, POST } = createRouteHandler(...)`) and
    what each method does: `config` answers with the library's configuration, `signed` runs only
    for a request signed with the library's key, `middleware` runs the `.middleware()` of each of
    the router's routes first (which must stop a signed-out caller)."""

    package: str
    factory: str
    library: str
    methods: dict[str, Literal["config", "signed", "middleware"]]
    router: str | None = None  # the factory's option that holds the router (`router`)
    signing_key: str | None = None  # the environment variable holding the signing key


class PackageCall(_Frozen):
    package: str
    call: str


class ManualChecks(_Frozen):
    methods: list[str]
    value_methods: list[str]
    predicate_prefixes: list[str]
    container_predicates: list[str]


class ProviderRecords(_Frozen):
    """Methods of a service's SDK that act on one of its records by an id (`stripe.subscriptions.
    cancel(id)`): `arg` is the id's position, or `key` the property holding it."""

    package: str
    methods: list[str]
    arg: int = 0
    key: str | None = None


class Validation(_Frozen):
    methods: list[str]
    functions: list[PackageCall]
    schema_packages: list[str]
    form_helpers: list[str]
    coercions: list[str]
    manual_checks: ManualChecks
    # methods of a provider's SDK that read its own records: what they return is the provider's
    provider_reads: list[ProviderRecords] = []


class RateLimiting(_Frozen):
    packages: list[str]
    methods: list[str]
    name_hints: list[str]


class AuditLogging(_Frozen):
    models: list[str]
    name_hints: list[str]


class SensitiveOperations(_Frozen):
    route_words: list[str]
    function_words: list[str]
    callee_hints: list[str]
    read_only_packages: list[str]
    inert_packages: list[str]


class Sinks(_Frozen):
    packages: list[str]
    file_system: list[str]
    inert_callees: list[str]
    inert_methods: list[str]
    iteration_methods: list[str]
    service_credentials: list[str]


class RawSql(_Frozen):
    unsafe: list[str]
    raw_helpers: list[str]
    reads: list[str]


class Database(_Frozen):
    prisma_operations: dict[str, list[str]]
    drizzle_roots: list[str]
    raw_sql: RawSql


class Credentials(_Frozen):
    key_models: list[str]


class Ownership(_Frozen):
    user_models: list[str]
    owner_fields: list[str]
    membership_models: list[str]
    role_fields: list[str]
    # calls that stop the request unless the caller holds a privileged role (`requireAdmin()`)
    role_checks: list[str] = []
    storage_commands: list[str]
    storage_calls: list[PackageCall]
    storage_bucket_methods: list[str]
    provider_records: list[ProviderRecords] = []


class PublicStates(_Frozen):
    columns: list[str]
    values: list[str]


class PublicRoutes(_Frozen):
    health: list[str]
    webhook_words: list[str]
    public_assets: list[str]
    anonymous_route_words: list[str]
    public_groups: list[str]
    anonymous_functions: list[str]
    anonymous_phrases: list[str]
    signature_calls: list[str]
    signature_verifiers: list[str]
    public_flags: list[str]
    public_states: PublicStates
    password_verifiers: list[PackageCall]
    password_hashers: list[PackageCall]
    secret_comparisons: list[str]


class GuardKnowledge(_Frozen):
    authentication: list[AuthPrimitive]
    auth_factories: list[AuthFactory]
    auth_handler_packages: list[str]
    library_route_handlers: list[LibraryRouteHandler]
    cli_packages: list[str]
    context_identity: list[str]
    validation: Validation
    rate_limiting: RateLimiting
    audit_logging: AuditLogging
    sensitive_operations: SensitiveOperations
    sinks: Sinks
    database: Database
    ownership: Ownership
    public_routes: PublicRoutes
    credentials: Credentials
    # `const { a, b } = await all({ async a() {...}, async b() {...} })`: calls that run an object of
    # functions together and give back each one's result under its key
    parallel_runners: list[PackageCall] = []

    def prisma_kind(self, operation: str) -> str | None:
        for kind, names in self.database.prisma_operations.items():
            if operation in names:
                return kind
        return None


@cache
def guard_knowledge() -> GuardKnowledge:
    """The bundled catalog."""
    return GuardKnowledge.model_validate(bundled_knowledge("guards.yaml"))


def extended_knowledge(extra: Mapping[str, Any], where: str) -> GuardKnowledge:
    """The bundled catalog with a project's own entries added (archtools.toml `[knowledge]`, in the
    vocabulary of guards.yaml): lists grow, tables merge key by key, single values are replaced.
    A key or entry the catalog does not know is an InputError naming it."""
    merged = _merge(bundled_knowledge("guards.yaml"), extra)
    try:
        return GuardKnowledge.model_validate(merged)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise InputError(f"{where}: [knowledge] {key}: {first['msg']}") from error


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, Mapping):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return base + [item for item in extra if item not in base]
    return extra


_ACTIVE: ContextVar[GuardKnowledge | None] = ContextVar("archtools_knowledge", default=None)


def active_knowledge() -> GuardKnowledge:
    """The catalog of the audit under way: the project's extended one inside `using_knowledge`,
    else the bundled one."""
    return _ACTIVE.get() or guard_knowledge()


@contextmanager
def using_knowledge(knowledge: GuardKnowledge) -> Iterator[None]:
    token = _ACTIVE.set(knowledge)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
