"""NXT002: redirects whose destination the client steers. A redirect is open only when the client
decides where it leads, the scheme, the host or the start of the path; a destination the server
fixes is not, whatever client values ride in its query string: a local path (`/login?next=...`),
an origin written in the code or the configuration, a URL built by a function of the app that
always returns one of those, the page a service answered with (a checkout or billing-portal
session, an OAuth consent URL built by the provider's SDK, a storage service's download link),
or a value stored earlier in the database (which the request selects but does not write)."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from archtools.analysis.entry_scope import Problem
from archtools.analysis.flow import function_scope
from archtools.analysis.sinks import leading_substitution
from archtools.facts.code import Call, Expr, ExprKind, FileFacts

if TYPE_CHECKING:
    from archtools.analysis.context import AnalysisContext
    from archtools.analysis.flow import Flow

REDIRECT_CALLS = (
    "redirect",
    "permanentRedirect",
    "NextResponse.redirect",
    "Response.redirect",
    "res.redirect",
)
_MAX_DEPTH = 5


def open_redirects(
    ctx: AnalysisContext, facts: FileFacts, calls: list[Call], flow: Flow
) -> list[Problem]:
    """NXT002: redirects to a destination the client chose, off this origin."""
    problems: list[Problem] = []
    destinations = _Destinations(ctx, flow)
    for call in calls:
        if call.callee not in REDIRECT_CALLS or not call.args:
            continue
        target = call.args[0]
        if not (flow.is_input(target) or flow.is_client_value(target)):
            continue
        if destinations.fixed_at_entry(facts, target, call.func):
            continue
        problems.append(
            Problem(
                "NXT002",
                facts.path,
                call.line,
                f"{call.callee}() sends the user to {code(target.text)}, chosen by the client",
                f"open-redirect:{call.callee}:{target.text}",
            )
        )
    return problems


def code(text: str) -> str:
    """Source text quoted for a message: in backticks unless it holds one itself."""
    return f"`{text}`" if "`" not in text else f"«{text}»"


class _Destinations:
    """Whether a redirect target is fixed by the server, followed through the names, the app's
    functions and the service calls it comes from (a few levels deep)."""

    def __init__(self, ctx: AnalysisContext, flow: Flow) -> None:
        self.ctx = ctx
        self.flow = flow

    def fixed_at_entry(self, facts: FileFacts, target: Expr, func: int | None) -> bool:
        """The target of a redirect in the entry point's own code, where the flow knows which
        names hold the client's values."""
        tainted = set(self.flow.inputs)
        return (
            self.ctx.sinks.fixed_origin(facts.path, target, tainted)
            or _provider_response(facts, target, self.flow)
            or self.fixed(facts, target, func, tainted, 0)
        )

    def fixed(
        self,
        facts: FileFacts,
        expr: Expr,
        func: int | None,
        tainted: AbstractSet[str],
        depth: int,
        key: str | None = None,
    ) -> bool:
        """Whether `expr` (or its property `key`) is a destination the server fixed."""
        if depth > _MAX_DEPTH:
            return False
        if key is None and (_same_origin_path(expr.text) or _server_prefix(expr.text, tainted)):
            return True
        if key is None and _request_origin_start(facts, expr.text, func, tainted):
            return True
        if key is not None and expr.kind == ExprKind.OBJECT:
            pair = next((p for p in expr.pairs if p.key == key), None)
            return pair is not None and self.fixed(facts, pair.value, func, tainted, depth + 1)
        if expr.kind == ExprKind.CALL and expr.call is not None:
            call = _settled(facts, facts.calls[expr.call])
            return self._call(facts, call, func, tainted, depth, key)
        if expr.kind in (ExprKind.IDENTIFIER, ExprKind.MEMBER) and expr.roots:
            return self._path(facts, expr.text, func, tainted, depth, key)
        if key is None and expr.kind == ExprKind.STRING:
            return True
        return self._text(facts, expr.text, func, tainted, depth, key)

    def _text(
        self,
        facts: FileFacts,
        text: str,
        func: int | None,
        tainted: AbstractSet[str],
        depth: int,
        key: str | None,
    ) -> bool:
        """A destination read from source text: a literal or template with a fixed start, a
        conditional whose branches all are fixed, a cast or parenthesised name."""
        text = _unwrapped(text)
        if _NAME.fullmatch(text):
            return self._path(facts, text, func, tainted, depth, key)
        if key is not None:
            return False
        if _same_origin_path(text) or _server_prefix(text, tainted):
            return True
        branches = _conditional_branches(text)
        return branches is not None and all(
            self._text(facts, branch, func, tainted, depth + 1, None) for branch in branches
        )

    def _path(
        self,
        facts: FileFacts,
        path: str,
        func: int | None,
        tainted: AbstractSet[str],
        depth: int,
        key: str | None,
    ) -> bool:
        """A name or a property path (`session.url`): every value the name is given is fixed, or
        is a row read from the database (stored earlier, not written by this request)."""
        root, _, rest = path.partition(".")
        key = rest.split(".", 1)[0] if rest else key
        decls = [
            v
            for v in facts.vars
            if root in v.names and v.init is not None and v.func in _enclosing(facts, func)
        ]
        if not decls:
            return False  # a parameter, or a value from elsewhere: the caller's choice
        return all(
            self._given(facts, v.names.index(root), v.keys, v.init, v.func, tainted, depth, key)
            for v in decls
            if v.init is not None
        )

    def _given(
        self,
        facts: FileFacts,
        position: int,
        keys: tuple[str, ...],
        init: Expr,
        func: int | None,
        tainted: AbstractSet[str],
        depth: int,
        key: str | None,
    ) -> bool:
        """One value a name is given: the whole value, a destructured key of it, or an element of
        an array (`const [document] = await Promise.all([getDocument(...), ...])`)."""
        if self._stored(facts, init):
            return True
        if keys:
            return self.fixed(facts, init, func, tainted, depth + 1, keys[position])
        if position > 0 or init.kind != ExprKind.IDENTIFIER:
            element = _awaited_element(facts, init, position)
            if element is not None:
                return self._stored(facts, element) or self.fixed(
                    facts, element, func, tainted, depth + 1, key
                )
        return self.fixed(facts, init, func, tainted, depth + 1, key)

    def _stored(self, facts: FileFacts, value: Expr) -> bool:
        """A row read from the database, by a query here or a function of the app that returns
        the rows it found: what it holds was stored earlier, not chosen by this request."""
        if value.call is None:
            return False
        call = _settled(facts, facts.calls[value.call])
        if any(
            op.call == call.index and op.kind == "read"
            for op in self.ctx.classifier.db_ops(facts.path)
        ):
            return True
        target = self.ctx.summaries.target(facts.path, call)
        return target is not None and self.ctx.summaries.returns_rows(*target)

    def _call(
        self,
        facts: FileFacts,
        call: Call,
        func: int | None,
        tainted: AbstractSet[str],
        depth: int,
        key: str | None,
    ) -> bool:
        """What a call gives: a row the database had (a read; a write hands back what it was
        given), a function of the app whose every return is fixed, the answer of a service (an
        SDK's method, a request to an address the client does not choose)."""
        query = next(
            (op for op in self.ctx.classifier.db_ops(facts.path) if op.call == call.index), None
        )
        if query is not None:
            return query.kind == "read"
        target = self.ctx.summaries.target(facts.path, call)
        if target is not None and target[1] is not None:
            return self._function(target[0], target[1], depth, key)
        if call.name == "json":
            return self._fetched(facts, call, func, tainted, depth)
        return self._service(facts, call, tainted, depth)

    def _function(self, file: str, func: int, depth: int, key: str | None) -> bool:
        """Every value a function of the app returns is fixed, whatever it was given (its
        parameters count as the client's)."""
        inner = self.ctx.program.files[file]
        returns = [r.value for r in inner.returns if r.func == func and r.value is not None]
        tainted = _parameter_values(inner, func)
        return bool(returns) and all(
            self.fixed(inner, value, func, tainted, depth + 1, key) for value in returns
        )

    def _fetched(
        self,
        facts: FileFacts,
        parsed: Call,
        func: int | None,
        tainted: AbstractSet[str],
        depth: int,
    ) -> bool:
        """`response.json()` of a request whose address the client does not choose: that
        service's answer (`fetch(`${env.RESOLVER}/resolve`, { body })`)."""
        if parsed.receiver is not None:
            requests = [facts.calls[parsed.receiver]]
        else:
            root = parsed.callee.removeprefix("await ").split(".", 1)[0]
            given = [
                v.init
                for v in facts.vars
                if root in v.names and v.init is not None and v.func in _enclosing(facts, func)
            ]
            requests = [facts.calls[v.call] for v in given if v is not None and v.call is not None]
            if len(requests) != len(given):
                return False
        return bool(requests) and all(
            self._fixed_request(facts, request, func, tainted, depth) for request in requests
        )

    def _fixed_request(
        self,
        facts: FileFacts,
        request: Call,
        func: int | None,
        tainted: AbstractSet[str],
        depth: int,
    ) -> bool:
        """A `fetch` to an address the client does not choose (or an empty `new Response()`)."""
        if request.callee.removeprefix("await ") == "new Response":
            return True
        if request.name != "fetch" or not request.args:
            return False
        address = request.args[0]
        return not address.all_roots() & set(tainted) or self.fixed(
            facts, address, func, tainted, depth + 1
        )

    def _service(self, facts: FileFacts, call: Call, tainted: AbstractSet[str], depth: int) -> bool:
        """A method of an object a package made (`new Stripe(key)`, `new google.auth.OAuth2(...)`,
        directly or through a function of the app returning it): the provider's SDK builds a URL
        to its own pages, and the client's values only fill its parameters."""
        callee = call.callee.removeprefix("await ").removeprefix("new ")
        if "." not in callee:
            return False
        root = callee.split(".", 1)[0].split("(", 1)[0]
        if not root or root in tainted:
            return False
        if call.receiver is not None and callee.startswith(root + "()"):
            head = facts.calls[call.receiver]
            while head.receiver is not None:
                head = facts.calls[head.receiver]
            return self._makes_package_object(facts.path, head, depth + 1)
        return self._package_object(facts.path, root, depth + 1)

    def _package_object(self, file: str, name: str, depth: int) -> bool:
        """A name bound to an object made by `new` of a package's class, here or in the module it
        is imported from, or by a function of the app that returns one."""
        if depth > _MAX_DEPTH:
            return False
        symbol = self.ctx.program.lookup(file, name)
        if symbol is None:
            local = [v.init for v in self.ctx.program.files[file].vars if name in v.names]
            value = local[-1] if local else None
            where = file
        elif symbol.package is not None:
            return False  # a package's module or helper, not an object made to talk to a service
        else:
            value, where = symbol.value, symbol.file
        if value is None or value.call is None:
            return False
        return self._makes_package_object(
            where, self.ctx.program.files[where].calls[value.call], depth
        )

    def _makes_package_object(self, file: str, call: Call, depth: int) -> bool:
        """`new X(...)` of a package's class, or a call of a function of the app whose every
        return does that."""
        callee = call.callee.removeprefix("await ")
        if callee.startswith("new "):
            root = callee.removeprefix("new ").split(".", 1)[0]
            symbol = self.ctx.program.lookup(file, root)
            return symbol is not None and symbol.package is not None
        target = self.ctx.summaries.target(file, call)
        if target is None or target[1] is None or depth > _MAX_DEPTH:
            return False
        inner = self.ctx.program.files[target[0]]
        made = [
            r.value.call
            for r in inner.returns
            if r.func == target[1] and r.value is not None and r.value.call is not None
        ]
        return bool(made) and all(
            self._makes_package_object(target[0], inner.calls[index], depth + 1) for index in made
        )


_NAME = re.compile(r"[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*")


def _unwrapped(text: str) -> str:
    """Source text without what does not change the value: `await`, parentheses, a cast
    (`x as string`), a non-null assertion."""
    previous = None
    while previous != text:
        previous = text
        text = text.strip()
        text = re.sub(r"^await\s+", "", text)
        text = re.sub(r"\s+as\s+[\w.$<>\[\]| ]+$", "", text)
        text = text.removesuffix("!")
        if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1]
    return text.replace("?.", ".") if _NAME.fullmatch(text) else text


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return False
    return depth == 0


def _same_origin_path(text: str) -> bool:
    """A target that starts with a fixed local path (`/notes/${id}`, `new URL("/x", req.url)`)
    cannot leave the site."""
    if text.startswith("new URL("):
        text = text.removeprefix("new URL(").lstrip()
    stripped = text[1:] if text[:1] in "`'\"" else ""
    # `/${next}` is not: the client's `/evil.example` makes it `//evil.example`, another site
    return stripped.startswith("/") and not stripped.startswith(("//", "/\\", "/${"))


_ORIGIN = re.compile(r"""^[`'"]https?://[^/`'"$?#]+([/?#]|[`'"]$)""")


def _server_prefix(text: str, tainted: AbstractSet[str]) -> bool:
    """A string or template (or a concatenation starting with one) whose scheme and host are
    written out, or whose first substitution is a value of the server's followed by the start of
    a path, a query or a fragment (`${env.SSO_URL}?` + params): the client's values come after."""
    if _ORIGIN.match(text):
        return True
    leading = leading_substitution(text)
    return (
        leading is not None
        and leading[1] in ("/", "?", "#")
        and not any(re.search(rf"(?<![\w$.]){re.escape(n)}\b", leading[0]) for n in tainted)
    )


_REQUEST_URL = r"new URL\(\s*(?:req|request)\.url\s*\)"
_REQUEST_ORIGIN = re.compile(
    rf"^(?:{_REQUEST_URL}|\(\s*{_REQUEST_URL}\s*\)|(?:req|request)\.nextUrl)\.origin$"
)


def _request_origin_start(
    facts: FileFacts, text: str, func: int | None, tainted: AbstractSet[str]
) -> bool:
    """A template that starts with the request's own origin (`new URL(request.url).origin`, or
    `origin` destructured from it) and goes on with a path, or with a value of the server's: the
    browser that follows it stays on the site it asked. (`${origin}${next}` is not: the client's
    `.evil.example` moves the host.)"""
    leading = leading_substitution(text)
    if leading is None:
        return False
    name, after = leading
    if not _REQUEST_ORIGIN.match(name):
        declared = [v for v in facts.vars if name in v.names and v.func == func]
        source = declared[-1] if declared else None
        pairs = dict(zip(source.names, source.keys, strict=False)) if source else {}
        if (
            source is None
            or source.init is None
            or pairs.get(name) != "origin"
            or not re.fullmatch(_REQUEST_URL, source.init.text)
        ):
            return False
    if after in ("/", "?", "#"):
        return True
    following = leading_substitution("`" + text[len(name) + 4 :])
    return (
        after == "$"
        and following is not None
        and not any(re.search(rf"(?<![\w$.]){re.escape(n)}\b", following[0]) for n in tainted)
    )


def _conditional_branches(text: str) -> list[str] | None:
    """The two branches of `cond ? a : b` written at the top level of the text."""
    question = _top_level(text, "?")
    if question is None:
        return None
    colon = _top_level(text[question + 1 :], ":")
    if colon is None:
        return None
    return [text[question + 1 : question + 1 + colon], text[question + 2 + colon :]]


def _top_level(text: str, mark: str) -> int | None:
    """The index of `mark` outside brackets and quotes (not `?.` or `??`), or None."""
    depth, quote, i = 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
            elif quote == "`" and text.startswith("${", i):
                end = _template_end(text, i + 2)
                if end is None:
                    return None
                i = end
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == mark and depth == 0:
            after = text[i + 1 : i + 2]
            before = text[i - 1 : i] if i else ""
            if mark != "?" or (after not in ".?" and before != "?"):
                return i
        i += 1
    return None


def _template_end(text: str, start: int) -> int | None:
    """The index of the `}` closing a template substitution opened before `start`."""
    depth = 1
    for i in range(start, len(text)):
        depth += text[i] == "{"
        depth -= text[i] == "}"
        if depth == 0:
            return i
    return None


def _settled(facts: FileFacts, call: Call) -> Call:
    """The call whose value a promise chain settles to: `f().catch(() => null)` is `f()`'s value
    (or nothing), as is `f().finally(...)`."""
    while call.name in ("catch", "finally") and call.receiver is not None:
        call = facts.calls[call.receiver]
    return call


def _awaited_element(facts: FileFacts, init: Expr, position: int) -> Expr | None:
    """The element at `position` of `await Promise.all([a, b])` (what `const [x, y] = ...` binds)."""
    if init.call is None:
        return None
    call = facts.calls[init.call]
    if call.name not in ("all", "allSettled") or not call.args:
        return None
    items = call.args[0].items
    return (
        items[position] if call.args[0].kind == ExprKind.ARRAY and position < len(items) else None
    )


def _enclosing(facts: FileFacts, func: int | None) -> set[int | None]:
    """The function and those around it (and the module): where the names it reads are bound."""
    found: set[int | None] = {func, None}
    while func is not None:
        func = facts.functions[func].parent
        found.add(func)
    return found


def _parameter_values(facts: FileFacts, func: int) -> set[str]:
    """The names of a function that hold what its callers passed: its parameters and the values
    derived from them."""
    names = {n for p in facts.functions[func].params for n in (p.names or (p.name,))}
    scope = function_scope(facts, func)
    changed = True
    while changed:
        changed = False
        for var in facts.vars:
            if var.func in scope and var.init is not None and set(var.init.all_roots()) & names:
                new = set(var.names) - names
                if new:
                    names |= new
                    changed = True
    return names


def _provider_response(facts: FileFacts, target: Expr, flow: Flow) -> bool:
    """A target taken from what a service's client answered (`session.url` of
    `stripe.checkout.sessions.create(...)`, `data.url` of `supabase.auth.signInWithOAuth(...)`):
    the provider's page, whatever the client's values that went into the request."""
    if not target.roots or not any(p.lower().endswith("url") for p in target.paths):
        return False
    for root in target.roots:
        if root in flow.validated:  # `schema.parse(query)`: the client's value, checked
            return False
        decls = [v for v in facts.vars if root in v.names and v.init is not None]
        if len(decls) != 1 or decls[0].init is None or decls[0].init.call is None:
            return False
        made = facts.calls[decls[0].init.call]
        callee = made.callee.removeprefix("await ")
        service = callee.split(".", 1)[0].split("(", 1)[0]
        if "." not in callee or not service or service in flow.inputs:
            return False
    return True
