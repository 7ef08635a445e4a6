"""Turns one TypeScript/JavaScript file into FileFacts: one parse, one query pass, logic on captured nodes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from tree_sitter import Node

from archtools.facts.code import (
    AnyUse,
    Branch,
    Call,
    ClassDecl,
    ClassField,
    CommentDirective,
    Comparison,
    EnumDecl,
    EnvRead,
    ExitKind,
    Export,
    ExportKind,
    Expr,
    FileFacts,
    Function,
    Guard,
    Import,
    ImportName,
    Loop,
    LoopKind,
    Param,
    Return,
    StringLiteral,
    SyntaxProblem,
    TypeAlias,
    TypeDecl,
    VarDecl,
)
from archtools.facts.ts_exprs import (
    EXIT_CALLS,
    FUNCTION_TYPES,
    ExprDescriber,
    callee_of,
    key_bindings,
    line_of,
    pattern_bindings,
    string_value,
    text_of,
)
from archtools.parse import treesitter
from archtools.parse.repair import repair

MAX_SYNTAX_ERRORS = 20
# A PEM private key written in the code: its armour line is a secret whatever surrounds it.
PEM_PRIVATE_KEY = re.compile(r"\s*-----BEGIN ([A-Z]+ )?PRIVATE KEY-----")
MAX_PEM_LITERAL = 8_000
MAX_SECRETS = 50
# The only syntax problem of a file nested too deeply to analyse: nothing else is extracted.
TOO_DEEP = "expression nesting too deep to analyse"
_T = TypeVar("_T")
_DIRECTIVES = {"use server", "use client", "use cache", "server-only", "client-only"}
# Kinds whose positions the extractor asks about: it needs their parents and enclosing functions.
_PLACED = (
    "function",
    "call",
    "new",
    "var",
    "assign",
    "if",
    "return",
    "compare.op",
    "switch",
    "try",
    "loop",
    "env.member",
    "env.subscript",
    "any",
    "type.alias",
    "type.interface",
    "type.enum",
)
_FUNCTION_OR_CATCH = FUNCTION_TYPES | {"catch_clause"}
ALIAS_TEXT = 2000  # the longest aliased type kept, in characters
_LOOP_KINDS = {
    "for_statement": LoopKind.FOR,
    "for_in_statement": LoopKind.FOR_OF,  # or FOR_IN, by its operator
    "while_statement": LoopKind.WHILE,
    "do_statement": LoopKind.DO,
}
_FUNCTION_OR_LOOP = FUNCTION_TYPES | frozenset(_LOOP_KINDS)
_TRANSPARENT = {
    "await_expression",
    "parenthesized_expression",
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
    "type_assertion",
}


def extract_code_facts(path: str, source: bytes) -> FileFacts:
    """Facts for one file. Pure: the same (path, content) always gives the same facts."""
    grammar = treesitter.grammar_for(path) or "tsx"
    tree = treesitter.parse(grammar, source)
    if tree.root_node.has_error:
        source, tree = repair(lambda text: treesitter.parse(grammar, text), source, tree)
    try:
        caps = treesitter.captures(grammar, tree.root_node)
    except treesitter.QueryLimitExceeded:
        problem = SyntaxProblem(line=1, column=1, message=TOO_DEEP)
        return FileFacts(
            path=path,
            language=grammar,
            syntax_errors=tuple([problem]),
            lines=tree.root_node.end_point.row + 1,
        )
    return _Extractor(path, grammar, caps, tree.root_node).run()


class _Extractor:
    def __init__(self, path: str, grammar: str, caps: dict[str, list[Node]], root: Node) -> None:
        self.path = path
        self.grammar = grammar
        self.caps = caps
        self.root = root
        functions = sorted(caps.get("function", []), key=lambda n: (n.start_byte, -n.end_byte))
        self.function_nodes = functions
        self.function_index = {n.id: i for i, n in enumerate(functions)}
        calls = caps.get("call", []) + caps.get("new", [])
        self.call_nodes = sorted(calls, key=lambda n: (n.start_byte, -n.end_byte))
        self.call_index = {n.id: i for i, n in enumerate(self.call_nodes)}
        self.describe = ExprDescriber(self.call_index, self.function_index)
        placed = [n for name in _PLACED for n in caps.get(name, [])]
        self.ancestry = treesitter.Ancestry(
            root, placed, (FUNCTION_TYPES, _FUNCTION_OR_CATCH, _FUNCTION_OR_LOOP)
        )
        self.loop_nodes = self.nodes("loop")
        self.loop_index = {n.id: i for i, n in enumerate(self.loop_nodes)}
        self._swallowing: list[tuple[int, int, int | None]] | None = None

    # -- navigation -------------------------------------------------------------------------------

    def enclosing_function(self, node: Node) -> int | None:
        function = self.ancestry.nearest(node, 0)
        return self.function_index.get(function.id) if function is not None else None

    def caught(self, node: Node) -> bool:
        """Inside the body of a `try` of the same function whose `catch` lets the function go on
        (it neither rethrows, returns nor redirects)."""
        if self._swallowing is None:
            self._swallowing = []
            for statement in self.caps.get("try", []):
                body = statement.child_by_field_name("body")
                handler = statement.child_by_field_name("handler")
                if body is not None and handler is not None and not _exits(handler):
                    owner = self.enclosing_function(statement)
                    self._swallowing.append((body.start_byte, body.end_byte, owner))
        if not self._swallowing:
            return False
        owner = self.enclosing_function(node)
        return any(
            start <= node.start_byte and node.end_byte <= end and function == owner
            for start, end, function in self._swallowing
        )

    def in_catch(self, node: Node) -> bool:
        """Inside a `catch` block of the function that holds it (not of an outer function)."""
        holder = self.ancestry.nearest(node, 1)
        return holder is not None and holder.type == "catch_clause"

    def enclosing_loop(self, node: Node) -> int | None:
        """The innermost loop of the node's own function whose body holds it (a call in a loop's
        header, `for (const x of await f())`, runs once)."""
        holder = self.ancestry.nearest(node, 2)
        while holder is not None and holder.type in _LOOP_KINDS:
            body = holder.child_by_field_name("body")
            if body is not None and body.start_byte <= node.start_byte <= body.end_byte:
                return self.loop_index.get(holder.id)
            holder = self.ancestry.nearest(holder, 2)
        return None

    def loop_of(self, index: int, node: Node) -> Loop:
        kind = _LOOP_KINDS[node.type]
        over = None
        binds: list[str] = []
        if node.type == "for_in_statement":
            operator = node.child_by_field_name("operator")
            if operator is not None and operator.type == "in":
                kind = LoopKind.FOR_IN
            right = node.child_by_field_name("right")
            over = self.describe(right) if right is not None else None
            left = node.child_by_field_name("left")
            if left is not None:
                binds = [text_of(left)] if left.type == "identifier" else pattern_bindings(left)[0]
        elif node.type == "for_statement":
            start = node.child_by_field_name("initializer")
            for declarator in start.named_children if start is not None else []:
                name = declarator.child_by_field_name("name")
                if declarator.type == "variable_declarator" and name is not None:
                    binds += [text_of(name)] if name.type == "identifier" else []
        condition = node.child_by_field_name("condition")
        return Loop(
            index=index,
            func=self.enclosing_function(node),
            kind=kind,
            line=line_of(node),
            end_line=node.end_point.row + 1,
            over=over,
            binds=tuple(binds),
            condition=self.describe(condition)
            if condition is not None and text_of(condition).strip("; ")
            else None,
        )

    def nodes(self, name: str) -> list[Node]:
        return sorted(self.caps.get(name, []), key=lambda n: (n.start_byte, -n.end_byte))

    # -- the pass ---------------------------------------------------------------------------------

    def run(self) -> FileFacts:
        return FileFacts(
            path=self.path,
            language=self.grammar,
            directives=tuple(self.directives()),
            imports=tuple([i for n in self.nodes("import") if (i := self.import_of(n))]),
            exports=tuple([e for n in self.nodes("export") for e in self.exports_of(n)]),
            functions=tuple([self.function_of(i, n) for i, n in enumerate(self.function_nodes)]),
            calls=tuple(_inner_first(self.call_of, self.call_nodes)),
            loops=tuple([self.loop_of(i, n) for i, n in enumerate(self.loop_nodes)]),
            vars=tuple(
                [v for v in _inner_first(lambda _, n: self.var_of(n), self.nodes("var")) if v]
                + [
                    v
                    for v in _inner_first(lambda _, n: self.assignment_of(n), self.nodes("assign"))
                    if v
                ]
            ),
            guards=tuple([g for n in self.nodes("if") if (g := self.guard_of(n))]),
            returns=tuple(self.returns()),
            comparisons=tuple([self.comparison_of(n, op) for n, op in self.comparison_nodes()]),
            branches=tuple(self.branches()),
            env_reads=tuple(self.env_reads()),
            secrets=tuple(self.secrets()),
            types=tuple(
                [
                    t
                    for n in self.nodes("type.alias") + self.nodes("type.interface")
                    if (t := self.type_of(n))
                ]
            ),
            aliases=tuple(
                [
                    a
                    for n in self.nodes("type.alias") + self.nodes("type.interface")
                    if (a := self.alias_of(n))
                ]
            ),
            enums=tuple([e for n in self.nodes("type.enum") if (e := self.enum_of(n))]),
            classes=tuple([c for n in self.nodes("class") if (c := self.class_of(n))]),
            any_uses=tuple([self.any_use_of(n) for n in self.nodes("any")]),
            comments=tuple(self.comments()),
            syntax_errors=tuple(self.syntax_errors()),
            lines=self.root.end_point.row + 1,
        )

    def directives(self) -> list[str]:
        found: list[str] = []
        for node in self.nodes("directive"):
            statement = node.parent
            if statement is None or statement.prev_named_sibling not in (None,):
                prev = statement.prev_named_sibling if statement else None
                # Directives only count in the prologue: leading string statements (comments allowed).
                while prev is not None and prev.type == "comment":
                    prev = prev.prev_named_sibling
                if prev is not None and not _is_directive_statement(prev):
                    continue
            value = string_value(node)
            if value in _DIRECTIVES:
                found.append(value)
        for node in self.nodes("import"):
            source = node.child_by_field_name("source")
            if source is not None and string_value(source) in ("server-only", "client-only"):
                found.append(string_value(source))
        return sorted(set(found))

    def import_of(self, node: Node) -> Import | None:
        source = node.child_by_field_name("source")
        if source is None:
            return None
        names: list[ImportName] = []
        type_only = any(c.type == "type" for c in node.children)
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    names.append(ImportName(imported="default", local=text_of(part)))
                elif part.type == "namespace_import":
                    ident = next((c for c in part.named_children if c.type == "identifier"), None)
                    if ident is not None:
                        names.append(ImportName(imported="*", local=text_of(ident)))
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias")
                        if name is not None:
                            imported = (
                                string_value(name) if name.type == "string" else text_of(name)
                            )
                            local = text_of(alias) if alias is not None else imported
                            names.append(ImportName(imported=imported, local=local))
        return Import(
            source=string_value(source), line=line_of(node), names=tuple(names), type_only=type_only
        )

    def exports_of(self, node: Node) -> list[Export]:
        line = line_of(node)
        is_default = any(c.type == "default" for c in node.children)
        source_node = node.child_by_field_name("source")
        source = string_value(source_node) if source_node is not None else None
        declaration = node.child_by_field_name("declaration")
        value = node.child_by_field_name("value")
        if is_default:
            if declaration is not None and declaration.type in FUNCTION_TYPES | {
                "function_declaration",
                "generator_function_declaration",
            }:
                name = declaration.child_by_field_name("name")
                return [
                    Export(
                        name="default",
                        local=text_of(name) if name is not None else None,
                        kind=ExportKind.DEFAULT,
                        line=line,
                        func=self.function_index.get(declaration.id),
                    )
                ]
            target = declaration or value
            if target is None:
                return []
            expr = self.describe(target)
            local = expr.text if expr.kind.value == "identifier" else None
            return [
                Export(
                    name="default",
                    local=local,
                    kind=ExportKind.DEFAULT,
                    line=line,
                    init=expr,
                    func=expr.func,
                )
            ]
        if declaration is not None:
            return self._declaration_exports(declaration, line)
        exports: list[Export] = []
        clause = next((c for c in node.named_children if c.type == "export_clause"), None)
        if clause is None:
            if source is not None:  # export * from "./x"
                exports.append(
                    Export(name="*", local=None, kind=ExportKind.REEXPORT, line=line, source=source)
                )
            return exports
        for spec in clause.named_children:
            if spec.type != "export_specifier":
                continue
            name_node = spec.child_by_field_name("name")
            alias_node = spec.child_by_field_name("alias")
            if name_node is None:
                continue
            local = text_of(name_node)
            exported = text_of(alias_node) if alias_node is not None else local
            kind = ExportKind.REEXPORT if source is not None else ExportKind.LOCAL
            exports.append(Export(name=exported, local=local, kind=kind, line=line, source=source))
        return exports

    def _declaration_exports(self, declaration: Node, line: int) -> list[Export]:
        kind = declaration.type
        if kind in ("function_declaration", "generator_function_declaration"):
            name = declaration.child_by_field_name("name")
            if name is None:
                return []
            return [
                Export(
                    name=text_of(name),
                    local=text_of(name),
                    kind=ExportKind.FUNCTION,
                    line=line,
                    func=self.function_index.get(declaration.id),
                )
            ]
        if kind in ("lexical_declaration", "variable_declaration"):
            exports: list[Export] = []
            for declarator in declaration.named_children:
                if declarator.type != "variable_declarator":
                    continue
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                init = self.describe(value) if value is not None else None
                if name is None:
                    continue
                if name.type == "identifier":
                    exports.append(
                        Export(
                            name=text_of(name),
                            local=text_of(name),
                            kind=ExportKind.VARIABLE,
                            line=line_of(declarator),
                            init=init,
                            func=init.func if init is not None else None,
                        )
                    )
                else:
                    names, _keys = pattern_bindings(name)
                    for bound in names:
                        exports.append(
                            Export(
                                name=bound,
                                local=bound,
                                kind=ExportKind.DESTRUCTURED,
                                line=line_of(declarator),
                                init=init,
                            )
                        )
            return exports
        name = declaration.child_by_field_name("name")
        if name is None:
            return []
        if kind in ("class_declaration", "abstract_class_declaration"):
            return [
                Export(name=text_of(name), local=text_of(name), kind=ExportKind.CLASS, line=line)
            ]
        return [Export(name=text_of(name), local=text_of(name), kind=ExportKind.TYPE, line=line)]

    def function_of(self, index: int, node: Node) -> Function:
        params: list[Param] = []
        parameters = node.child_by_field_name("parameters")
        single = node.child_by_field_name("parameter")
        if parameters is not None:
            for param in parameters.named_children:
                params.append(self.param_of(param))
        elif single is not None:
            params.append(Param(name=text_of(single), names=(text_of(single),)))
        body = node.child_by_field_name("body")
        use_server = False
        if body is not None and body.type == "statement_block":
            for statement in body.named_children:
                if statement.type == "comment":
                    continue
                if _is_directive_statement(statement):
                    first = statement.named_children[0]
                    if string_value(first) == "use server":
                        use_server = True
                    continue
                break
        return_type = node.child_by_field_name("return_type")
        return Function(
            index=index,
            name=_function_name(node, self.ancestry.parent),
            line=line_of(node),
            end_line=node.end_point.row + 1,
            parent=self.enclosing_function(node),
            params=tuple(params),
            is_async=any(c.type == "async" for c in node.children),
            use_server=use_server,
            return_type=text_of(return_type).lstrip(":").strip()
            if return_type is not None
            else None,
        )

    def param_of(self, param: Node) -> Param:
        pattern = param.child_by_field_name("pattern") or param
        type_node = param.child_by_field_name("type")
        type_text = text_of(type_node).lstrip(":").strip() if type_node is not None else None
        value = param.child_by_field_name("value")
        default = self.describe(value) if value is not None else None
        if pattern.type == "identifier":
            return Param(
                name=text_of(pattern), names=(text_of(pattern),), type=type_text, default=default
            )
        names, keys = pattern_bindings(pattern)
        return Param(
            name=text_of(pattern),
            names=tuple(names),
            keys=tuple(keys),
            by_key=key_bindings(pattern),
            type=type_text,
            default=default,
        )

    def _holder(self, node: Node) -> tuple[bool, Node | None]:
        """Whether a call is awaited, and the node its value goes to: past awaits, parentheses
        and casts, and past a conditional it is a branch of (`const row = id ? await byId(id) :
        await bySlug(slug)` holds either result in `row`)."""
        awaited = False
        inner, outer = node, self.ancestry.parent(node)
        while outer is not None:
            if outer.type in _TRANSPARENT:
                awaited = awaited or outer.type == "await_expression"
            elif outer.type == "ternary_expression":
                condition = outer.child_by_field_name("condition")
                if condition is None or condition.id == inner.id:
                    break
            else:
                break
            inner, outer = outer, self.ancestry.parent(outer)
        return awaited, outer

    def call_of(self, index: int, node: Node) -> Call:
        is_new = node.type == "new_expression"
        target = node.child_by_field_name("constructor" if is_new else "function")
        arguments = node.child_by_field_name("arguments")
        callee = ("new " if is_new else "") + (callee_of(target) if target is not None else "?")
        receiver = None
        if target is not None and target.type == "member_expression":
            obj = target.child_by_field_name("object")
            while obj is not None and obj.type in _TRANSPARENT:
                obj = obj.named_children[0] if obj.named_children else None
            if obj is not None and obj.id in self.call_index:
                receiver = self.call_index[obj.id]
        args: list[Expr] = []
        tagged = False
        if arguments is not None:
            if arguments.type == "template_string":
                tagged = True
                args.append(self.describe(arguments))
            else:
                args = [self.describe(a) for a in arguments.named_children if a.type != "comment"]
        awaited, outer = self._holder(node)
        assigned: list[str] = []
        returned = False
        if outer is not None:
            if outer.type == "variable_declarator":
                name = outer.child_by_field_name("name")
                if name is not None:
                    assigned = (
                        pattern_bindings(name)[0] if name.type != "identifier" else [text_of(name)]
                    )
            elif outer.type == "assignment_expression":
                left = outer.child_by_field_name("left")
                if left is not None:
                    assigned = [text_of(left)]
            elif outer.type == "return_statement" or (
                outer.type == "arrow_function" and outer.child_by_field_name("body") is not None
            ):
                returned = True
        return Call(
            index=index,
            func=self.enclosing_function(node),
            callee=callee,
            name=callee.rsplit(".", 1)[-1].removesuffix("()"),
            line=line_of(node),
            end_line=node.end_point.row + 1,
            args=tuple(args),
            receiver=receiver,
            awaited=awaited,
            assigned_to=tuple(assigned),
            returned=returned,
            tagged_template=tagged,
            in_catch=self.in_catch(node),
            caught=self.caught(node),
            loop=self.enclosing_loop(node),
        )

    def var_of(self, node: Node) -> VarDecl | None:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return None
        names: list[str]
        keys: list[str]
        if name.type == "identifier":
            names, keys = [text_of(name)], []
        else:
            names, keys = pattern_bindings(name)
        return VarDecl(
            func=self.enclosing_function(node),
            names=tuple(names),
            keys=tuple(keys),
            line=line_of(node),
            init=self.describe(value) if value is not None else None,
        )

    def assignment_of(self, node: Node) -> VarDecl | None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier":
            return None
        return VarDecl(
            func=self.enclosing_function(node),
            names=(text_of(left),),
            line=line_of(node),
            init=self.describe(right),
        )

    def guard_of(self, node: Node) -> Guard | None:
        condition = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        if condition is None or consequence is None:
            return None
        exit_kind, exit_line = _exit_of(consequence)
        if exit_kind is None:
            return None
        inner = (
            condition.named_children[0]
            if condition.type == "parenthesized_expression"
            else condition
        )
        cond_text = text_of(inner)
        negated = (
            cond_text.startswith("!") or "== null" in cond_text or "=== undefined" in cond_text
        )
        return Guard(
            func=self.enclosing_function(node),
            line=line_of(node),
            condition=self.describe(inner),
            exit=exit_kind,
            exit_line=exit_line,
            negated=negated,
            caught=exit_kind != ExitKind.RETURN and self.caught(node),
        )

    def returns(self) -> list[Return]:
        """`return` statements, and arrow functions whose body is an expression (`(t) => ({ ... })`)."""
        found = [(n.start_byte, self.return_of(n)) for n in self.nodes("return")]
        for index, node in enumerate(self.function_nodes):
            body = node.child_by_field_name("body")
            if (
                node.type == "arrow_function"
                and body is not None
                and body.type != "statement_block"
            ):
                value = self.describe(body)
                found.append((body.start_byte, Return(func=index, line=line_of(body), value=value)))
        return [ret for _, ret in sorted(found, key=lambda pair: pair[0])]

    def return_of(self, node: Node) -> Return:
        value = node.named_children[0] if node.named_children else None
        if value is not None and value.type == "comment":
            value = None
        return Return(
            func=self.enclosing_function(node),
            line=line_of(node),
            value=self.describe(value) if value is not None else None,
        )

    def comparison_nodes(self) -> list[tuple[Node, Node]]:
        """(binary_expression, operator token) of each comparison, outer first. The query captures
        the token (see queries/typescript.scm); its parent is the comparison."""
        found: list[tuple[Node, Node]] = []
        for operator in self.caps.get("compare.op", []):
            node = self.ancestry.parent(operator)
            if (
                node is not None
                and node.type == "binary_expression"
                and node.child_by_field_name("operator") == operator
            ):
                found.append((node, operator))
        return sorted(found, key=lambda pair: (pair[0].start_byte, -pair[0].end_byte))

    def comparison_of(self, node: Node, operator: Node) -> Comparison:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        assert left is not None and right is not None
        return Comparison(
            # The token's enclosing function is the comparison's (it is no function itself).
            func=self.enclosing_function(operator),
            line=line_of(node),
            left=self.describe(left),
            right=self.describe(right),
            operator=text_of(operator),
        )

    def branches(self) -> list[Branch]:
        found: list[Branch] = []
        for node in self.nodes("if"):
            condition = node.child_by_field_name("condition")
            consequence = node.child_by_field_name("consequence")
            if condition is None or consequence is None:
                continue
            inner = condition.named_children[0] if condition.named_children else condition
            for subject, value in _equalities(inner):
                found.append(
                    Branch(
                        func=self.enclosing_function(node),
                        line=line_of(node),
                        end_line=consequence.end_point.row + 1,
                        subject=subject,
                        value=value,
                    )
                )
        for node in self.nodes("switch"):
            switched = node.child_by_field_name("value")
            body = node.child_by_field_name("body")
            if switched is None or body is None:
                continue
            subject_node = switched.named_children[0] if switched.named_children else switched
            subject = callee_of(subject_node)
            cases = [c for c in body.named_children if c.type == "switch_case"]
            for pos, case in enumerate(cases):
                case_value = case.child_by_field_name("value")
                if case_value is None or case_value.type != "string":
                    continue
                # Fallthrough: `case "GET": case "HEAD": ...` share the next non-empty body.
                end = case
                for later in cases[pos:]:
                    end = later
                    if any(c.type not in ("string", "comment") for c in later.named_children[1:]):
                        break
                found.append(
                    Branch(
                        func=self.enclosing_function(node),
                        line=line_of(case),
                        end_line=end.end_point.row + 1,
                        subject=subject,
                        value=string_value(case_value),
                    )
                )
        return found

    def env_reads(self) -> list[EnvRead]:
        reads: list[EnvRead] = []
        for node in self.nodes("env.member"):
            prop = node.child_by_field_name("property")
            if prop is not None:
                reads.append(
                    EnvRead(
                        name=text_of(prop), line=line_of(node), func=self.enclosing_function(node)
                    )
                )
        for node in self.nodes("env.subscript"):
            index = node.child_by_field_name("index")
            if index is not None and index.type == "string":
                reads.append(
                    EnvRead(
                        name=string_value(index),
                        line=line_of(node),
                        func=self.enclosing_function(node),
                    )
                )
        return reads

    def secrets(self) -> list[StringLiteral]:
        found: list[StringLiteral] = []
        for node in self.nodes("string"):
            size = node.end_byte - node.start_byte
            if size < 18 or size > MAX_PEM_LITERAL:
                continue
            if node.type == "template_string" and any(
                c.type == "template_substitution" for c in node.named_children
            ):
                continue
            value = string_value(node)
            if PEM_PRIVATE_KEY.match(value):
                value = value.strip()[:64]  # the armour names the key; its body is not kept
            elif size > 400 or " " in value or "\n" in value or len(value) < 16:
                continue
            parent = node.parent
            if parent is not None and parent.type in ("import_statement", "export_statement"):
                continue
            found.append(
                StringLiteral(value=value, line=line_of(node), context=_assigned_name(node))
            )
            if len(found) >= MAX_SECRETS:
                break
        return found

    def type_of(self, node: Node) -> TypeDecl | None:
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body") or node.child_by_field_name("value")
        if name is None or body is None or body.type not in ("object_type", "interface_body"):
            return None
        fields = []
        for member in body.named_children:
            if member.type == "property_signature":
                prop = member.child_by_field_name("name")
                if prop is not None:
                    fields.append(text_of(prop))
        parent = self.ancestry.parent(node)
        return TypeDecl(
            name=text_of(name),
            line=line_of(node),
            fields=tuple(fields),
            exported=parent is not None and parent.type == "export_statement",
        )

    def alias_of(self, node: Node) -> TypeAlias | None:
        """What a type alias or an interface stands for, as written."""
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value") or node.child_by_field_name("body")
        if name is None or value is None:
            return None
        text = text_of(value, limit=ALIAS_TEXT)
        return TypeAlias(name=text_of(name), line=line_of(node), text=text)

    def enum_of(self, node: Node) -> EnumDecl | None:
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return None
        members: list[tuple[str, str | None]] = []
        for member in body.named_children:
            if member.type == "enum_assignment":
                key = member.child_by_field_name("name")
                value = member.child_by_field_name("value")
                if key is None:
                    continue
                if value is not None and value.type == "string":
                    members.append((string_value(key) or text_of(key), string_value(value)))
                elif value is not None and value.type == "number":
                    members.append((string_value(key) or text_of(key), text_of(value)))
                else:
                    members.append((string_value(key) or text_of(key), None))
            elif member.type in ("property_identifier", "string"):
                members.append((string_value(member) or text_of(member), None))
        return EnumDecl(name=text_of(name), line=line_of(node), members=tuple(members))

    def class_of(self, node: Node) -> ClassDecl | None:
        name = node.child_by_field_name("name")
        if name is None:
            return None
        extends = None
        for child in node.named_children:
            if child.type == "class_heritage":
                clause = next(
                    (c for c in child.named_children if c.type == "extends_clause"), child
                )
                value = clause.child_by_field_name("value") or (
                    clause.named_children[0] if clause.named_children else None
                )
                extends = text_of(value) if value is not None else None
        body = node.child_by_field_name("body")
        return ClassDecl(
            name=text_of(name),
            line=line_of(node),
            extends=extends,
            end_line=node.end_point.row + 1,
            fields=_class_fields(body) if body is not None else (),
        )

    def any_use_of(self, node: Node) -> AnyUse:
        where = "variable"
        parent = self.ancestry.parent(node)
        if parent is not None and parent.type == "type_annotation":
            holder = self.ancestry.parent(parent)
            if holder is not None and holder.type in ("required_parameter", "optional_parameter"):
                where = "parameter"
            elif holder is not None and holder.type in FUNCTION_TYPES | {"function_declaration"}:
                where = "return"
        elif parent is not None and parent.type == "as_expression":
            where = "cast"
        return AnyUse(func=self.enclosing_function(node), line=line_of(node), where=where)

    def comments(self) -> list[CommentDirective]:
        found = []
        for node in self.nodes("comment"):
            text = text_of(node, limit=400)
            body = text.lstrip("/*").strip()
            if body.startswith(("archtools-ignore", "expect:", "ok:")):
                found.append(CommentDirective(line=line_of(node), text=body.rstrip("*/").strip()))
        return found

    def syntax_errors(self) -> list[SyntaxProblem]:
        problems = []
        for node in self.nodes("error")[:MAX_SYNTAX_ERRORS]:
            snippet = (
                text_of(node, limit=40).splitlines()[0] if node.end_byte > node.start_byte else ""
            )
            problems.append(
                SyntaxProblem(
                    line=line_of(node),
                    column=node.start_point.column + 1,
                    message=f"syntax error near `{snippet}`" if snippet else "syntax error",
                )
            )
        if not problems and self.root.has_error:
            problems.append(SyntaxProblem(line=1, column=1, message="syntax error (missing token)"))
        return problems


def _inner_first(describe: Callable[[int, Node], _T], nodes: list[Node]) -> list[_T]:
    """`describe(index, node)` for each node, last to first, the results in source order.

    Nested expressions come after what holds them: describing the inner ones first lets the
    describer's memo serve the outer ones, so a chain nested thousands deep stays linear."""
    found = [describe(i, n) for i, n in reversed(list(enumerate(nodes)))]
    found.reverse()
    return found


def _is_directive_statement(node: Node) -> bool:
    return (
        node.type == "expression_statement"
        and node.named_child_count == 1
        and node.named_children[0].type == "string"
    )


def _function_name(node: Node, parent_of: Callable[[Node], Node | None]) -> str | None:
    name = node.child_by_field_name("name")
    if name is not None:
        return text_of(name)
    parent = parent_of(node)
    while parent is not None and parent.type in (
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
    ):
        parent = parent_of(parent)
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
        return text_of(target) if target is not None and target.type == "identifier" else None
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        return text_of(key) if key is not None else None
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return text_of(left) if left is not None else None
    return None


def _assigned_name(node: Node) -> str:
    parent = node.parent
    for _ in range(3):
        if parent is None:
            return ""
        if parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            return text_of(name) if name is not None else ""
        if parent.type == "pair":
            key = parent.child_by_field_name("key")
            return text_of(key).strip("'\"") if key is not None else ""
        if parent.type == "assignment_expression":
            left = parent.child_by_field_name("left")
            return text_of(left) if left is not None else ""
        parent = parent.parent
    return ""


def _exit_of(consequence: Node) -> tuple[ExitKind | None, int]:
    statements = (
        consequence.named_children if consequence.type == "statement_block" else [consequence]
    )
    for statement in statements:
        if statement.type == "throw_statement":
            return ExitKind.THROW, line_of(statement)
        if statement.type in ("return_statement", "expression_statement"):
            expr = statement.named_children[0] if statement.named_children else None
            while expr is not None and expr.type in _TRANSPARENT:
                expr = expr.named_children[0] if expr.named_children else None
            if expr is not None and expr.type == "call_expression":
                function = expr.child_by_field_name("function")
                name = callee_of(function).rsplit(".", 1)[-1] if function is not None else ""
                if name in EXIT_CALLS:
                    return ExitKind.REDIRECT, line_of(statement)
            if statement.type == "return_statement":
                return ExitKind.RETURN, line_of(statement)
    return None, 0


def _equalities(node: Node, depth: int = 0) -> list[tuple[str, str]]:
    """`a.b === "X"` pairs inside a condition (through `||` and `&&`, to a bounded depth)."""
    if depth > 16:
        return []
    if node.type == "parenthesized_expression" and node.named_children:
        return _equalities(node.named_children[0], depth + 1)
    if node.type != "binary_expression":
        return []
    operator = node.child_by_field_name("operator")
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if operator is None or left is None or right is None:
        return []
    op = text_of(operator)
    if op in ("||", "&&"):
        return _equalities(left, depth + 1) + _equalities(right, depth + 1)
    if op not in ("===", "=="):
        return []
    if right.type == "string" and left.type in ("member_expression", "identifier"):
        return [(callee_of(left), string_value(right))]
    if left.type == "string" and right.type in ("member_expression", "identifier"):
        return [(callee_of(right), string_value(left))]
    return []


_EXIT_STATEMENTS = frozenset({"throw_statement", "return_statement"})
_EXIT_CALLS = (b"redirect(", b"notFound(", b"unauthorized(", b"forbidden(", b"permanentRedirect(")


def _exits(handler: Node) -> bool:
    """Whether a `catch` clause leaves the function: it rethrows, returns (an error response) or
    redirects, outside any function nested in it."""
    stack = list(handler.children)
    while stack:
        node = stack.pop()
        if node.type in _EXIT_STATEMENTS:
            return True
        if node.type == "call_expression" and (node.text or b"").startswith(_EXIT_CALLS):
            return True
        if node.type not in FUNCTION_TYPES:
            stack.extend(node.children)
    return False


def _class_fields(body: Node) -> tuple[ClassField, ...]:
    """The fields of a class body whose class is written down (annotation or `new X(...)`)."""
    found: dict[str, str] = {}
    for member in body.named_children:
        if member.type == "public_field_definition":
            name = member.child_by_field_name("name")
            held = _held_class(member.child_by_field_name("type")) or _constructed(
                member.child_by_field_name("value")
            )
            if name is not None and held is not None:
                found.setdefault(text_of(name), held)
        elif member.type == "method_definition" and _is_constructor(member):
            found.update({k: v for k, v in _constructor_fields(member).items() if k not in found})
    return tuple(ClassField(name=k, type=v) for k, v in found.items())


def _is_constructor(method: Node) -> bool:
    name = method.child_by_field_name("name")
    return name is not None and text_of(name) == "constructor"


def _constructor_fields(method: Node) -> dict[str, str]:
    """`constructor(private repo: Repo)` and `this.repo = new Repo(db)` in its body."""
    found: dict[str, str] = {}
    params = method.child_by_field_name("parameters")
    for param in params.named_children if params is not None else []:
        if not any(c.type in ("accessibility_modifier", "readonly") for c in param.children):
            continue
        pattern = param.child_by_field_name("pattern")
        held = _held_class(param.child_by_field_name("type"))
        if pattern is not None and pattern.type == "identifier" and held is not None:
            found[text_of(pattern)] = held
    body = method.child_by_field_name("body")
    for statement in body.named_children if body is not None else []:
        expression = statement.named_children[0] if statement.named_children else None
        if expression is None or expression.type != "assignment_expression":
            continue
        left = expression.child_by_field_name("left")
        held = _constructed(expression.child_by_field_name("right"))
        if left is None or held is None or left.type != "member_expression":
            continue
        target = left.child_by_field_name("object")
        prop = left.child_by_field_name("property")
        if target is not None and target.type == "this" and prop is not None:
            found.setdefault(text_of(prop), held)
    return found


def _held_class(annotation: Node | None) -> str | None:
    """`: NotesRepo` (type arguments dropped); None for anything but a plain named type."""
    if annotation is None:
        return None
    inner = annotation.named_children[0] if annotation.named_children else None
    if inner is not None and inner.type == "generic_type":
        inner = inner.child_by_field_name("name")
    if inner is None or inner.type != "type_identifier":
        return None
    return text_of(inner)


def _constructed(value: Node | None) -> str | None:
    """`new NotesRepo(db)`: the class constructed."""
    if value is None or value.type != "new_expression":
        return None
    constructor = value.child_by_field_name("constructor")
    if constructor is None or constructor.type != "identifier":
        return None
    return text_of(constructor)
