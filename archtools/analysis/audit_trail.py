"""AUD001: which destructive writes of an entry point need an audit trail, and whether the app
writes one for them, learned from the app itself.

The audit trail is what the app uses as one: a model it only ever appends to and whose name says it
logs (`DocumentAuditLog`, `Invoice_Activity`), written directly, as a nested create inside the
changed row's own write, or by a helper or procedure middleware of the app (`writeAuditLog(...)`,
`.use(createEventLogMiddleware(...))`). An audit row that references the deleted row through a
foreign key with `onDelete: Cascade` goes with it, so it records nothing of that delete.

A write needs a trail when it destroys a record or changes what someone may do. These do not:

- removing link rows of a many-to-many relation (a tag from a bookmark, a document from a task):
  both records stay, only the link goes;
- a replace-all edit, where the function deletes child rows and creates the new set of the same
  model (an invoice's line items, a template's recipients): an edit, not a removal (see below);
- deleting one-time secrets of the sign-in, reset, verification or invitation flows (rows with a
  secret column that expire or are spent once): housekeeping of credentials that were single-use
  by design;
- a `role` column outside the tables that grant access (the user table, the tables pointing at a
  user, and those whose role takes the same values): a document recipient's signer/viewer role is
  a setting of the document, not a privilege;
- a created row given the role every row gets by default;
- the caller deleting one row of their own (its key and an owner column equal to the signed-in
  user in the filter) of a model nothing else refers to: a bookmark, a saved filter. Not a
  credential (revoking an API key is a security event), a record kept for compliance (an order, a
  payment) or one holding other people's work (a team, a project), whoever owns it, nor all of the
  caller's rows at once.

A function that both creates and deletes rows of the same model manages that set (a replace-all
edit, a toggle, the rollback of what it just created): it rebuilds what it removes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from pydantic import BaseModel, ConfigDict

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry import Entry
from archtools.analysis.flow import function_scope, outermost_function
from archtools.analysis.roles import DbOp
from archtools.facts.code import Call, ExprKind
from archtools.facts.schema import FieldKind, Model
from archtools.knowledge.vocabulary import loose, named_word, singular, words
from archtools.results import Evidence
from archtools.source.files import is_test_file
from archtools.yaml_data import bundled_knowledge

FuncKey = tuple[str, int | None]
MAX_DEPTH = 3
CREATES = ("create", "createMany", "createManyAndReturn", "insert")


class AuditVocabulary(BaseModel):
    """archtools/knowledge/audit_trail.yaml."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name_phrases: list[str]
    writer_verbs: list[str]
    tracker_verbs: list[str]
    tracker_words: list[str]
    model_suffixes: list[str]
    secret_columns: list[str]
    expiry_columns: list[str]
    single_use_columns: list[str]
    compliance_words: list[str]
    shared_words: list[str]


@cache
def audit_vocabulary() -> AuditVocabulary:
    return AuditVocabulary.model_validate(bundled_knowledge("audit_trail.yaml"))


@dataclass(frozen=True)
class AuditWrite:
    """An audit row written for the entry point: where, and into which model (None for a logger
    known by its name only)."""

    evidence: Evidence
    model: str | None


class AuditTrail:
    """The app's audit models and audit writers, learned once per audit."""

    def __init__(self, ctx: AnalysisContext) -> None:
        self.ctx = ctx
        self.vocabulary = audit_vocabulary()
        self._models: dict[str, str] | None = None
        self._writers: dict[FuncKey, AuditWrite | None] = {}
        self._granting: set[str] | None = None
        user_models = {u.lower() for u in ctx.knowledge.ownership.user_models} | {"user", "users"}
        self._user_models = {m.name for m in ctx.schema.models if m.name.lower() in user_models}

    # -- what the app uses as its audit trail ------------------------------------------------------

    def audit_models(self) -> dict[str, str]:
        """Models named like a log (`...AuditLog`, `...Activity`) that the app only appends to."""
        if self._models is None:
            changed: set[str] = set()
            for file in self.ctx.program.files:
                if is_test_file(file):
                    continue
                for op in self.ctx.classifier.db_ops(file):
                    if op.model is not None and op.kind != "read" and op.operation not in CREATES:
                        changed.add(op.model)
            suffixes = {loose(s) for s in self.vocabulary.model_suffixes}
            self._models = {
                m.name: f"{m.name} is only ever appended to"
                for m in self.ctx.schema.models
                if m.kind == "model" and _ends_with(m.name, suffixes) and m.name not in changed
            }
        return self._models

    def writes_in_entry(
        self, entry: Entry, file: str, runs: list[Call], ops: list[DbOp]
    ) -> list[AuditWrite]:
        """The audit rows written for an entry point: by its operations (a create of an audit
        model, or one nested in another write), by the calls it makes, or by the middleware and
        wrappers its chain runs."""
        found = [w for op in ops for w in self._op_writes(op)]
        for call in runs:
            write = self._call_writes(file, call, 0)
            if write is not None:
                found.append(write)
        for cfile, call in entry.chain:
            if call.name not in ("use", "middleware") and call not in entry.wrappers:
                continue
            for write in self._chain_writes(cfile, call):
                found.append(write)
        return found

    def covers(self, write: AuditWrite, op: DbOp) -> bool:
        """Whether an audit row survives the operation: not deleted with the row it records."""
        if write.model is None or op.kind != "delete" or op.model is None:
            return True
        audit = self.ctx.schema.model(write.model)
        return audit is None or not any(
            f.kind == FieldKind.RELATION
            and f.type == op.model
            and f.relation is not None
            and (f.relation.on_delete or "").lower() == "cascade"
            for f in audit.fields
        )

    def _op_writes(self, op: DbOp) -> list[AuditWrite]:
        """An audit model created by the operation itself, or nested in its data
        (`invoices.update({ data: { activity: { create: {...} } } })`)."""
        models = self.audit_models()
        found: list[AuditWrite] = []
        if op.model in models and op.operation in CREATES:
            found.append(
                self._write(op.file, op.line, f"{op.callee}() writes {op.model}", op.model)
            )
        schema_model = self.ctx.schema.model(op.model) if op.model else None
        if schema_model is None or op.kind != "write":
            return found
        relations = {f.name: f.type for f in schema_model.fields if f.kind == FieldKind.RELATION}
        for data in op.data:
            for pair in data.pairs:
                target = relations.get(pair.key)
                if target in models and any(p.key in CREATES for p in pair.value.pairs):
                    found.append(
                        self._write(
                            op.file, pair.value.line, f"{op.callee}() also creates {target}", target
                        )
                    )
        return found

    def _call_writes(self, file: str, call: Call, depth: int) -> AuditWrite | None:
        """A call named like an audit writer, or to a function of the app that writes one."""
        if self._named_audit(call.name):
            return self._write(file, call.line, f"{call.callee}() writes the audit trail", None)
        if self._tracks_event(call):
            return self._write(file, call.line, f"{call.callee}() records the event", None)
        target = self.ctx.summaries.target(file, call)
        if target is None or target[1] is None or depth >= MAX_DEPTH:
            return None
        inner = self._function_writes(target, depth + 1)
        if inner is None:
            return None
        detail = f"calls {call.callee}(), which {inner.evidence.detail}"
        return self._write(file, call.line, detail, inner.model)

    def _function_writes(self, key: FuncKey, depth: int) -> AuditWrite | None:
        """The first audit write of a function, its callbacks and the functions it calls."""
        if key in self._writers:
            return self._writers[key]
        self._writers[key] = None  # a cycle writes nothing more
        file, func = key
        facts = self.ctx.program.files[file]
        inside = function_scope(facts, func)
        found: AuditWrite | None = None
        for op in self.ctx.classifier.db_ops(file):
            if op.func in inside:
                found = next(iter(self._op_writes(op)), None)
                if found is not None:
                    break
        if found is None:
            for call in facts.calls:
                if call.func in inside:
                    found = self._call_writes(file, call, depth)
                    if found is not None:
                        break
        self._writers[key] = found
        return found

    def _chain_writes(self, file: str, call: Call) -> list[AuditWrite]:
        """Audit writes of the middleware a procedure chain runs (`.use(eventLog("x"))`) or of a
        wrapper around the handler."""
        found: list[AuditWrite] = []
        inner_calls = self.ctx.program.files[file].calls
        for arg in call.args:
            if arg.call is not None:
                write = self._call_writes(file, inner_calls[arg.call], 0)
            elif arg.func is not None:
                write = self._function_writes((file, arg.func), 1)
            elif arg.kind == ExprKind.IDENTIFIER:
                write = self._named_function_writes(file, arg.text)
            else:
                write = None
            if write is not None:
                found.append(write)
        if not found and call.name not in ("use", "middleware"):
            write = self._call_writes(file, call, 0)  # the wrapper itself
            if write is not None:
                found.append(write)
        return found

    def _named_function_writes(self, file: str, name: str) -> AuditWrite | None:
        symbol = self.ctx.program.lookup(file, name)
        if symbol is None or symbol.package is not None:
            return None
        key = self.ctx.summaries.function_of_symbol(
            symbol.file, symbol.func, symbol.value.call if symbol.value else None
        )
        if key is None:
            return None
        return self._function_writes(key, 1)

    def _named_audit(self, name: str) -> bool:
        """A function named for writing the audit trail: an audit phrase alone (`audit`,
        `auditLog`), or a verb of writing followed by one (`writeAuditLog`, `emitAudit`,
        `createEventLogMiddleware`). A name that only mentions an audit (`auditStatusFromError`,
        `getAuditLogs`) is none."""
        parts = [singular(w) for w in words(name)]
        phrases = set(self.vocabulary.name_phrases)
        if " ".join(parts) in phrases:
            return True
        if not parts or parts[0] not in self.vocabulary.writer_verbs:
            return False
        rest = parts[1:]
        grams = set(rest) | {f"{a} {b}" for a, b in pairwise(rest)}
        return bool(grams & phrases)

    def _tracks_event(self, call: Call) -> bool:
        """An event tracker's call: `ctx.track.commentEvent(...)`, `trackUserActivity(...)`."""
        segments = call.callee.removeprefix("await ").split(".")
        parts = [singular(w) for w in words(call.name)]
        verbs = set(self.vocabulary.tracker_verbs)
        verb = (len(segments) > 1 and segments[-2] in verbs) or bool(parts and parts[0] in verbs)
        return verb and bool(set(parts) & set(self.vocabulary.tracker_words))

    @staticmethod
    def _write(file: str, line: int, detail: str, model: str | None) -> AuditWrite:
        return AuditWrite(Evidence(file=file, line=line, detail=detail), model)

    # -- which writes need a trail -----------------------------------------------------------------

    def kept_for_others(self, model: str | None) -> bool:
        """A model whose records are kept for compliance (any word of its name: `Order`,
        `PaymentIntent`) or that holds other people's work (its last word: a `Team`, a
        `Workspace`, not a `UserLink`): deleting one needs a trail whoever owns it."""
        vocabulary = audit_vocabulary()
        names = [singular(w) for w in words(model or "")]
        return bool(set(names) & set(vocabulary.compliance_words)) or (
            bool(names) and names[-1] in vocabulary.shared_words
        )

    def needs_no_trail(self, op: DbOp) -> str | None:
        """Why a delete or a role write needs no audit trail, or None when it does."""
        schema_model = self.ctx.schema.model(op.model) if op.model else None
        if schema_model is None:
            return None
        if op.kind != "delete":
            if not self._grants_access(schema_model):
                return f"{schema_model.name} grants no access: its role is a setting of the row"
            if self._default_role(op, schema_model):
                return f"the new {schema_model.name} row gets the default role"
            return None
        if self._links_only(schema_model):
            return f"{schema_model.name} only links two records: both stay"
        if self._one_time_secret(schema_model):
            return f"{schema_model.name} holds one-time secrets of a sign-in or invitation flow"
        if self._replaces(op):
            return f"the function recreates the {schema_model.name} rows it deletes: an edit"
        return None

    def _grants_access(self, model: Model) -> bool:
        """The user table, a table that points at a user (a membership, an access grant), or one
        whose role takes the values those grant (an invitation to join as ADMIN): a role there is
        what someone may do. A role of its own kind on a row that names no user (a document
        recipient's SIGNER or VIEWER) is a setting of that row."""
        if self._points_at_user(model):
            return True
        granting = self._granting_role_types()
        role_fields = set(self.ctx.knowledge.ownership.role_fields)
        return any(f.name in role_fields and f.type in granting for f in model.fields)

    def _points_at_user(self, model: Model) -> bool:
        return model.name in self._user_models or any(
            f.kind == FieldKind.RELATION and f.type in self._user_models for f in model.fields
        )

    def _granting_role_types(self) -> set[str]:
        """The enum types of the role columns of the user table and the tables pointing at it."""
        if self._granting is None:
            role_fields = set(self.ctx.knowledge.ownership.role_fields)
            self._granting = {
                f.type
                for m in self.ctx.schema.models
                if self._points_at_user(m)
                for f in m.fields
                if f.name in role_fields and f.kind == FieldKind.ENUM
            }
        return self._granting

    def _default_role(self, op: DbOp, model: Model) -> bool:
        """A created row given the role every row gets by default (`role: "user"`): no grant."""
        if op.operation not in CREATES:
            return False
        role_fields = set(self.ctx.knowledge.ownership.role_fields)
        defaults = {f.name: (f.default or "").strip("\"'") for f in model.fields}
        pairs = [p for d in op.data for p in d.pairs if p.key in role_fields]
        return bool(pairs) and all(
            p.value.value is not None and p.value.value == defaults.get(p.key) for p in pairs
        )

    def _links_only(self, model: Model) -> bool:
        """A many-to-many link: two or more foreign keys to records other than users, and no
        column of its own besides ids, timestamps and at most one attribute of the link."""
        relations = [
            f
            for f in model.fields
            if f.kind == FieldKind.RELATION and f.relation is not None and f.relation.fields
        ]
        if len(relations) < 2 or any(f.type in self._user_models for f in relations):
            return False
        keys = {column for f in relations if f.relation for column in f.relation.fields}
        role_fields = set(self.ctx.knowledge.ownership.role_fields)
        own = [
            f
            for f in model.fields
            if f.kind in (FieldKind.SCALAR, FieldKind.ENUM)
            and f.name not in keys
            and not f.id
            and not f.updated_at
            and "date" not in f.type.lower()
        ]
        return len(own) <= 1 and not any(f.name in role_fields for f in own)

    def _one_time_secret(self, model: Model) -> bool:
        """A secret column with a required expiry or a use marker (a reset or verification token,
        a sign-in challenge, an invitation)."""
        names = {loose(f.name): f for f in model.fields}
        codes = {loose(c) for c in self.vocabulary.secret_columns}
        secret = any(
            named_word(f.name, "secret") is not None or loose(f.name) in codes for f in model.fields
        )
        expires = any(
            loose(c) in names and not names[loose(c)].optional
            for c in self.vocabulary.expiry_columns
        )
        spent = any(loose(c) in names for c in self.vocabulary.single_use_columns)
        return secret and (expires or spent)

    def _replaces(self, op: DbOp) -> bool:
        """The function around the delete also creates rows of the same model."""
        facts = self.ctx.program.files[op.file]
        outermost = outermost_function(facts, op.func)
        if outermost is None:
            return False
        inside = function_scope(facts, outermost)
        return any(
            other.model == op.model and other.operation in CREATES and other.func in inside
            for other in self.ctx.classifier.db_ops(op.file)
        )


def _ends_with(name: str, suffixes: set[str]) -> bool:
    """Whether a model's last word, or its last two words joined, is one of `suffixes`."""
    parts = [singular(w) for w in words(name)]
    return bool(parts) and (
        parts[-1] in suffixes or (len(parts) > 1 and parts[-2] + parts[-1] in suffixes)
    )
