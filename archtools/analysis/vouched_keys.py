"""Keys vouched for by a comparison: once the entry point loads a row by the client's key and
stops the request unless that row is the caller's (`if (chat.userId !== user.id) return
notFound()`), every other read by that same key (the chat's messages, its latest stream, the same
chat read again from another replica) reads what belongs to the caller. The key that is checked is
the key that is used: a comparison of a row loaded by one key vouches for no other key."""

from __future__ import annotations

from archtools.analysis.checking_calls import CheckingCalls
from archtools.analysis.entry_scope import EntryScope, client_part
from archtools.analysis.flow import Flow, enclosing_functions
from archtools.analysis.instance_checks import asserted_by_method
from archtools.analysis.load_checks import throws_unless_found
from archtools.analysis.roles import DbOp
from archtools.facts.code import Expr
from archtools.results import Evidence


class VouchedKeys(CheckingCalls):
    def _key_vouched_by_comparison(
        self, op: DbOp, scope: EntryScope, ops: list[tuple[DbOp, Flow]], keys: list[Expr]
    ) -> Evidence | None:
        """A read by a key the entry gives, as its own client value, to another read whose row
        an exit compares with the caller: the key names a row of the caller's."""
        if op.kind != "read":  # a change by the key could run before the comparison stops it
            return None
        wanted = self._entry_roots(op, scope, keys)
        if not wanted:
            return None
        for other, flow in ops:
            if other is op or other.kind != "read" or other.model not in self.ctx.owned:
                continue
            client = [c for w in other.where if (c := client_part(w, flow)) is not None]
            if not client or not wanted <= self._entry_roots(other, scope, client):
                continue
            compared = self._compared_after(other, scope, flow)
            if compared is None or not self._exits_at(compared):
                continue
            return Evidence(
                file=op.file,
                line=op.line,
                detail=f"{op.callee}() reads by the key of the {other.model} that "
                f"{other.callee}() (line {other.line}) loads and the request stops at "
                f"{compared.file}:{compared.line} unless it is the caller's",
            )
        return None

    def _key_vouched_by_lookup(
        self, op: DbOp, scope: EntryScope, ops: list[tuple[DbOp, Flow]], keys: list[Expr]
    ) -> Evidence | None:
        """A read by keys the entry also gives, every one, to a lookup bound to a secret the
        client presents (`{ id: documentId, recipients: { some: { token } } }`), which stops the
        request when it finds nothing: the keys name a row the holder of the secret may reach."""
        if op.kind != "read":
            return None
        wanted = self._entry_roots(op, scope, keys)
        if not wanted:
            return None
        for other, flow in ops:
            if other is op or other.kind != "read":
                continue
            facts = self.ctx.program.files[other.file]
            stops = other.operation.endswith("OrThrow") or throws_unless_found(facts, other)
            if not stops:
                continue
            if self._secret_filter(other, flow) is None:
                continue
            if not wanted <= self._entry_roots(other, scope, list(other.where)):
                continue
            return Evidence(
                file=op.file,
                line=op.line,
                detail=f"{op.callee}() reads by a key that {other.callee}() "
                f"({other.file}:{other.line}) looks up with the secret presented, stopping the "
                "request when nothing is found",
            )
        return None

    def _entry_roots(self, op: DbOp, scope: EntryScope, keys: list[Expr]) -> set[str]:
        """The entry's own client values that reach the operation as these keys."""
        roots = {root for key in keys for root in key.roots}
        return {root for _line, found in self._key_arguments(op, scope, roots) for root in found}

    def _exits_at(self, evidence: Evidence) -> bool:
        """Whether the comparison found is the condition of an exit (not a flag such as
        `const isOwner = user.id === chat.userId`)."""
        facts = self.ctx.program.files.get(evidence.file)
        return facts is not None and any(guard.line == evidence.line for guard in facts.guards)

    def _asserted_by_method(
        self, op: DbOp, flow: Flow, keys: list[Expr], ops: list[tuple[DbOp, Flow]]
    ) -> Evidence | None:
        """The key went first to a loader whose object's method, called before the operation,
        throws unless the row is the caller's (`const note = await Note.fromId(ctx, id);
        note.ensureOwned();`)."""
        facts = self.ctx.program.files[op.file]
        names = {n for key in keys for n in (*key.paths, *key.roots)}
        call = asserted_by_method(
            self.ctx.program,
            self.ctx.summaries,
            facts,
            enclosing_functions(facts, op.func),
            op.line,
            names,
            [load for load, _flow in ops],
            flow.is_identity,
        )
        if call is None:
            return None
        return Evidence(
            file=op.file,
            line=call.line,
            detail=f"{call.callee}() throws unless the row loaded for the client's key is the "
            f"caller's, before {op.callee}()",
        )
