"""PRF001 (N+1 queries): a read of the database repeated once per element of a collection, where
one query over the whole collection would do.

A read repeats per element when its call sits in the body of a `for`/`for...of`/`for...in` loop of
its own function, or in a callback handed to `.map`/`.flatMap`/`.forEach` (what
`Promise.all(xs.map(async x => ...))` runs), and its filter reads what the loop binds: the
element, its fields, or a value computed from them. Left out, because one query per element is
not what they do or the count is fixed:

- `while`/`do` loops: they page through a table (`take`/`skip` batches) or retry, one query per
  batch, not per row;
- loops over a constant collection: an array literal, a constant of the module or one imported
  (an enum, a config list), the keys or values of one, a counter bounded by a number;
- batches: a chunk of ids read through `in`/`inArray`, one query per chunk;
- reads made only when a cache of the loop misses (`cache.get(key)` before, `cache.set(key, ...)`),
  once per distinct key; reads inside a transaction of each element (`xs.map(x =>
  $transaction(...))`), where each element is a unit of work of its own;
- writes: the rule is about reads that `include`/`with`, `in`/`inArray`, a join or a relation count
  would merge; callbacks mapped into `$transaction([...])` or `db.batch([...])` are batched anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry_scope import Problem
from archtools.analysis.roles import DbOp
from archtools.facts.code import Call, Expr, ExprKind, FileFacts, Loop, LoopKind

_PER_ELEMENT = ("map", "flatMap", "forEach")
_BATCHES = ("$transaction", "batch")
_TRANSACTIONS = ("$transaction", "transaction")
_ENUM_VALUES = re.compile(r"^Object\.(?:keys|values|entries)\(\s*([\w$]+)\s*\)")
_OBJECT_KEYS = re.compile(r"^Object\.(keys|values|entries)\(\)$")
_LITERAL_BOUND = re.compile(r"^\s*\w+\s*<=?\s*\d+\s*$")
# how far the search climbs through callbacks and chained calls
_DEPTH = 4


@dataclass(frozen=True)
class _Repetition:
    """Where a read repeats: the loop (or the `.map`/`.forEach` call) and the names bound per
    element."""

    line: int
    what: str  # "for...of loop over `posts`", "`rows.map` callback"
    binds: frozenset[str]
    func: int | None  # the function whose code runs once per element


def query_loop_problems(ctx: AnalysisContext, ops: list[DbOp]) -> list[Problem]:
    """PRF001 for the reads of an entry point that run once per element of a collection: one
    finding per loop, at its first repeated read, naming the others the same loop repeats (the
    fix is the loop's: read what it needs before it, in one query per kind of row)."""
    per_loop: dict[tuple[str, int], tuple[_Repetition, list[DbOp]]] = {}
    holders: dict[str, dict[int, Call]] = {}
    for op in ops:
        if op.kind != "read" or op.subquery:
            continue
        facts = ctx.program.files[op.file]
        if op.file not in holders:
            holders[op.file] = dict(_holders(facts))
        repetition = _repetition(facts, holders[op.file], facts.calls[op.call])
        if repetition is None or not _depends_on(facts, op, repetition):
            continue
        per_loop.setdefault((op.file, repetition.line), (repetition, []))[1].append(op)
    return [_loop_problem(repetition, reads) for repetition, reads in per_loop.values()]


def _loop_problem(repetition: _Repetition, reads: list[DbOp]) -> Problem:
    reads = sorted(reads, key=lambda op: (op.line, op.callee))
    first = reads[0]
    target = _target(first)
    also = "; ".join(f"{op.callee}() on {_target(op)} (line {op.line})" for op in reads[1:])
    more = f"; the same loop also runs {also}" if also else ""
    return Problem(
        "PRF001",
        first.file,
        first.line,
        f"{first.callee}() on {target} (line {first.line}) runs once per element of the "
        f"{repetition.what} at line {repetition.line}{more}: one query with include/with, "
        "in/inArray or a join would read them all",
        f"n-plus-one:{target}:{first.callee}",
        first.model,
    )


def _target(op: DbOp) -> str:
    return op.model or op.table or "the database"


def _repetition(facts: FileFacts, holders: dict[int, Call], call: Call) -> _Repetition | None:
    """The loop or per-element callback that runs `call` once per element of a collection that is
    not a constant, climbing out of other callbacks (`$transaction(async tx => ...)`).
    `holders`: each function written as an argument of a call, with that call."""
    current: Call | None = call
    for _ in range(_DEPTH):
        if current is None:
            return None
        if current.loop is not None:
            loop = facts.loops[current.loop]
            return _loop_repetition(facts, loop)
        func = current.func
        holder = holders.get(func) if func is not None else None
        if holder is None or holder.name in _TRANSACTIONS:
            # each element's own transaction is a unit of work a joined read would not serve
            return None
        if holder.name in _PER_ELEMENT:
            return _callback_repetition(facts, holder, func)
        current = holder
    return None


def _loop_repetition(facts: FileFacts, loop: Loop) -> _Repetition | None:
    if loop.kind in (LoopKind.WHILE, LoopKind.DO) or not loop.binds:
        return None
    if loop.kind == LoopKind.FOR:
        condition = loop.condition.text if loop.condition is not None else ""
        if not condition or _LITERAL_BOUND.match(condition):
            return None
        what = "for loop"
    else:
        if loop.over is None or _constant_collection(facts, loop.over, loop.func):
            return None
        keyword = "for...of" if loop.kind == LoopKind.FOR_OF else "for...in"
        what = f"{keyword} loop over `{_short(loop.over.text)}`"
    return _Repetition(loop.line, what, frozenset(loop.binds), loop.func)


def _callback_repetition(facts: FileFacts, holder: Call, func: int | None) -> _Repetition | None:
    """`xs.map(async x => ...)`: per element, unless `xs` is constant or the mapped calls are
    handed to a batch (`$transaction([...])`, `db.batch([...])`)."""
    if func is None:
        return None
    collection = holder.callee.rsplit(".", 1)[0]
    if _constant_receiver(facts, holder, collection):
        return None
    for outer in facts.calls:
        if outer.name in _BATCHES and any(arg.call == holder.index for arg in outer.args):
            return None
    params = facts.functions[func].params
    binds = frozenset(name for param in params[:1] for name in param.names)
    if not binds:
        return None
    what = f"`{_short(holder.callee)}` callback"
    return _Repetition(holder.line, what, binds, func)


def _constant_receiver(facts: FileFacts, holder: Call, collection: str) -> bool:
    if collection.startswith("["):
        return True
    if _OBJECT_KEYS.match(collection) and holder.receiver is not None:
        keyed = facts.calls[holder.receiver]
        return any(_constant_collection(facts, arg, holder.func) for arg in keyed.args[:1])
    if re.fullmatch(r"[\w$]+", collection):
        return _constant_name(facts, collection)
    return False


def _constant_collection(facts: FileFacts, over: Expr, func: int | None) -> bool:
    """An array or object literal, a module constant or import, or the keys of one."""
    if over.kind in (ExprKind.ARRAY, ExprKind.OBJECT):
        return True
    if over.kind == ExprKind.IDENTIFIER:
        return _constant_name(facts, over.text)
    if over.kind == ExprKind.CALL and over.call is not None:
        call = facts.calls[over.call]
        if _OBJECT_KEYS.match(call.callee + "()"):
            return any(_constant_collection(facts, arg, func) for arg in call.args[:1])
    return False


def _constant_name(facts: FileFacts, name: str, depth: int = 0) -> bool:
    """A name bound to an array or object literal, or to the values of a constant
    (`Object.values(Provider)`), or imported (an enum, a list of plans)."""
    if any(name == item.local for imp in facts.imports for item in imp.names):
        return True
    for var in facts.vars:
        if name not in var.names or var.init is None:
            continue
        text = var.init.text.lstrip()
        if var.init.kind in (ExprKind.ARRAY, ExprKind.OBJECT) or text.startswith(("[", "{")):
            return True
        keyed = _ENUM_VALUES.match(text)
        if keyed and depth < 2 and _constant_name(facts, keyed.group(1), depth + 1):
            return True
    return False


def _depends_on(facts: FileFacts, op: DbOp, repetition: _Repetition) -> bool:
    """Whether the read's arguments use the element: a bound name, or a value the loop body
    computes from one."""
    bound = set(repetition.binds)
    for _ in range(3):  # `const id = post.authorId`, then `const key = [id]`
        for var in facts.vars:
            if var.init is not None and var.line <= op.line and var.init.all_roots() & bound:
                bound.update(var.names)
    call = facts.calls[op.call]
    texts = _chain_texts(facts, call, op)
    if any(_batched(name, text) for name in bound for text in texts):
        return False  # `where: { id: { in: batch } }`: one query per chunk of ids
    if _memoized(facts, op, repetition):
        return False
    if chain_roots(facts, call, 0) & bound or any(w.all_roots() & bound for w in op.where):
        return True
    # `rows[i].authorId`: a counter is read as an index, which roots do not record
    return any(re.search(rf"\[\s*{re.escape(name)}\s*\]", text) for name in bound for text in texts)


def _batched(name: str, text: str) -> bool:
    """The name is the list of an `in` filter: `{ in: batch }`, `inArray(t.id, batch)`."""
    word = re.escape(name)
    return (
        re.search(rf"\bin\s*:\s*{word}(?![\w$.])", text) is not None
        or re.search(rf"\binArray\([^()]*,\s*{word}\s*\)", text) is not None
    )


def _chain_texts(facts: FileFacts, call: Call, op: DbOp) -> list[str]:
    """The filter and argument texts of the operation's calls, back to the client."""
    texts = [w.text for w in op.where]
    current: Call | None = call
    for _ in range(8):
        if current is None:
            break
        texts += [arg.text for arg in current.args]
        current = facts.calls[current.receiver] if current.receiver is not None else None
    return texts


def _memoized(facts: FileFacts, op: DbOp, repetition: _Repetition) -> bool:
    """A read made only when a cache of the loop misses: `cache.get(key)` before it and
    `cache.set(key, ...)` in the same function, so it runs once per distinct key."""
    looked_up = {
        call.callee.removesuffix(".get").removesuffix(".has")
        for call in facts.calls
        if call.func == op.func
        and call.name in ("get", "has")
        and repetition.line <= call.line < op.line
        and call.args
    }
    return any(
        call.func == op.func
        and call.name == "set"
        and call.callee.removesuffix(".set") in looked_up
        for call in facts.calls
    )


def chain_roots(facts: FileFacts, call: Call, depth: int) -> set[str]:
    """The identifiers read by a call's arguments and those of the calls it is chained on and
    calls in its arguments (`db.select().from(t).where(eq(t.id, post.authorId))`)."""
    found: set[str] = set()
    for arg in call.args:
        found |= arg.all_roots()
        if depth < _DEPTH:
            for part in arg.parts():
                if part.call is not None and part.call != call.index:
                    found |= chain_roots(facts, facts.calls[part.call], depth + 1)
    if call.receiver is not None and depth < _DEPTH:
        found |= chain_roots(facts, facts.calls[call.receiver], depth + 1)
    return found


def _holders(facts: FileFacts) -> Iterator[tuple[int, Call]]:
    for call in facts.calls:
        for arg in call.args:
            if arg.kind == ExprKind.FUNCTION and arg.func is not None:
                yield arg.func, call


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 40 else flat[:37] + "..."
