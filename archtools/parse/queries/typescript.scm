; Consumer: archtools/facts/typescript.py (extract_code_facts). One query per grammar, one captures() pass
; per file. Captures guaranteed: @function @call @new @var @if @return @compare.op @switch @try @loop @import @export
; @directive @env.member @env.subscript @string @comment @type.alias @type.interface @any @error @assign

[
  (function_declaration)
  (generator_function_declaration)
  (function_expression)
  (arrow_function)
  (method_definition)
] @function

(call_expression) @call
(new_expression) @new

(variable_declarator) @var
(assignment_expression) @assign
(if_statement) @if
(return_statement) @return
(switch_statement) @switch
(try_statement) @try
[
  (for_statement)
  (for_in_statement)
  (while_statement)
  (do_statement)
] @loop

; Comparisons by their operator token; the consumer takes its parent binary_expression. A pattern
; rooted at the binary_expression would wait for the operator after the left operand, holding one
; match per link of an `a || b || ...` chain: the query's work would grow with its square.
["===" "!==" "==" "!="] @compare.op

(import_statement) @import
(export_statement) @export

(program
  (expression_statement
    (string) @directive))

(member_expression
  object: (member_expression
    object: (identifier) @_process
    property: (property_identifier) @_env)
  (#eq? @_process "process")
  (#eq? @_env "env")) @env.member

(subscript_expression
  object: (member_expression
    object: (identifier) @_process2
    property: (property_identifier) @_env2)
  (#eq? @_process2 "process")
  (#eq? @_env2 "env")) @env.subscript

(string) @string
(template_string) @string

(comment) @comment

(type_alias_declaration) @type.alias
(interface_declaration) @type.interface
(enum_declaration) @type.enum
(class_declaration) @class
(abstract_class_declaration) @class

((predefined_type) @any
  (#eq? @any "any"))

(ERROR) @error
