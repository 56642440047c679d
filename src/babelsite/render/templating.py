"""Views many pages show the same, and the macros whose HTML of them Jinja makes once and every page reuses.

A language's menu shows the same closed sections on every page: rendering them again on each
page was half a documentation tree's rendering. A macro whose HTML depends on its arguments
alone (`pure_macros` reads that from the template's source, whoever wrote it) and that is
called with a shared view (read-only for templates) returns the HTML it made for that view
the first time: what Jinja would render, rendered once.
"""

from __future__ import annotations

from collections import Counter
from types import CodeType
from typing import Any, Collection

from jinja2 import Environment, meta, nodes
from jinja2.compiler import CodeGenerator, Frame, MacroRef
from jinja2.runtime import Macro
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape


class SharedView(dict):
    """A view every page of a language shows the same (a closed entry of its menu): templates cannot change it."""

    __slots__ = ("_made",)  # what pure macros made of it: PureMacro.made

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._made: dict[tuple, tuple[CodeType, tuple, str]] = {}


class SharedList(list):
    """A list of views every page of a language shows the same (a closed section's entries): templates cannot change it."""

    __slots__ = ("_made",)

    def __init__(self, *args: Any):
        super().__init__(*args)
        self._made: dict[tuple, tuple[CodeType, tuple, str]] = {}


SHARED = (SharedView, SharedList)
SCALARS = (str, Markup, int, bool, type(None))  # arguments told apart by value (not float: nan, -0.0)
MADE_LIMIT = 16  # HTML kept on one view: a macro called with a new value on each page starts it again

# Jinja's filters and tests whose result depends on their arguments alone (not random; sameas compares identities)
PURE_FILTERS = frozenset({
    "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
    "filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent", "int", "items", "join",
    "last", "length", "list", "lower", "map", "max", "min", "pprint", "reject", "rejectattr", "replace",
    "reverse", "round", "safe", "select", "selectattr", "slice", "sort", "string", "striptags", "sum", "title",
    "tojson", "trim", "truncate", "unique", "upper", "urlencode", "urlize", "wordcount", "wordwrap", "xmlattr"})
PURE_TESTS = frozenset({
    "!=", "<", "<=", "==", ">", ">=", "boolean", "callable", "defined", "divisibleby", "eq", "equalto",
    "escaped", "even", "false", "filter", "float", "ge", "greaterthan", "gt", "in", "integer", "iterable", "le",
    "lessthan", "lower", "lt", "mapping", "ne", "none", "number", "odd", "sequence", "string", "test", "true",
    "undefined", "upper"})
NAMING_FILTERS = frozenset({"map", "select", "reject", "selectattr", "rejectattr"})  # take a filter's or test's name
# What a pure macro's body may hold: output, conditions, loops, local names, expressions; no method calls
# (a Call must name a pure macro of the same template), no caller, imports, namespaces or blocks.
PURE_NODES = (nodes.Output, nodes.TemplateData, nodes.Const, nodes.Name, nodes.Getattr, nodes.Getitem,
              nodes.Slice, nodes.If, nodes.For, nodes.Assign, nodes.AssignBlock, nodes.With, nodes.Test,
              nodes.Filter, nodes.Call, nodes.Keyword, nodes.CondExpr, nodes.BinExpr, nodes.UnaryExpr,
              nodes.Compare, nodes.Operand, nodes.Concat, nodes.List, nodes.Tuple, nodes.Dict, nodes.Pair)
SPECIAL_NAMES = frozenset({"caller", "varargs", "kwargs"})  # arguments Jinja passes a macro that uses them
CONTEXT_KWARGS = frozenset({"_loop_vars", "_block_vars"})  # what Jinja's calls pass for functions taking the context


class PureMacro(Macro):
    """A macro whose HTML depends on its arguments alone: for a shared view, made once and kept on that view."""

    _code: CodeType  # its code (a template imported with context makes its macros anew for each page, not their code)
    making = 0  # how many calls are making their HTML now

    def made(self, eval_ctx: EvalContext, view: SharedView | SharedList, *others: Any) -> str:
        """Return this macro's HTML of these arguments, made the first time (the caller checked `made_once`).

        Only the outermost call keeps what it made: the HTML of the calls inside it is in its own,
        which the pages showing those views show (a closed section's list, an entry's label).
        """
        code = id(self._code)  # kept in the value, with the other views, so that no other object takes their ids
        key = (code, eval_ctx.autoescape, *map(argument_key, others)) if others else (code, eval_ctx.autoescape)
        made = view._made.get(key)
        if made is not None:
            return made[2]
        PureMacro.making += 1
        try:
            html = super().__call__(eval_ctx, view, *others)
        finally:
            PureMacro.making -= 1
        if not PureMacro.making:
            if len(view._made) >= MADE_LIMIT:
                del view._made[next(iter(view._made))]
            view._made[key] = (self._code, others, html)
        return html


def argument_key(value: Any) -> tuple:
    """Return what tells an argument of a pure macro apart: a shared view by identity, any other by type and value."""
    return (SharedView, id(value)) if type(value) in SHARED else (type(value), value)


def made_once(macro: Any, args: tuple, kwargs: dict[str, Any]) -> bool:
    """Tell whether a call from a template is a pure macro's of a shared view, whose HTML is made once."""
    return (type(macro) is PureMacro and bool(args) and type(args[0]) in SHARED
            and (not kwargs or kwargs.keys() <= CONTEXT_KWARGS)
            and (len(args) == 1 or all(type(arg) in SHARED or type(arg) in SCALARS for arg in args[1:])))


def pure_macros(template: nodes.Template) -> list[nodes.Macro]:
    """Return the macros at a template's top whose HTML depends on their arguments alone.

    Such a macro reads no name but its arguments, its own locals and the other pure macros of its
    template (each bound once, by its definition); it calls nothing but those, uses only filters and
    tests that depend on their arguments alone, and has no caller. Given the same arguments, it
    returns the same HTML, whatever the page and however its template was imported.
    """
    bound = Counter(name.name for name in template.find_all(nodes.Name) if name.ctx != "load")
    bound.update(macro.name for macro in template.find_all(nodes.Macro))
    bound.update(imported.target for imported in template.find_all(nodes.Import))
    bound.update(name if isinstance(name, str) else name[1]
                 for imported in template.find_all(nodes.FromImport) for name in imported.names)
    defined = {node.name: node for node in template.body if isinstance(node, nodes.Macro) and bound[node.name] == 1}
    macros = {name: macro for name, macro in defined.items() if pure_body(macro, defined.keys(), template.environment)}
    reads = {name: meta.find_undeclared_variables(nodes.Template([macro], environment=template.environment))
             for name, macro in macros.items()}
    while impure := [name for name in macros if not reads[name] <= macros.keys()]:  # calling an impure one
        for name in impure:
            del macros[name]
    return list(macros.values())


def pure_body(macro: nodes.Macro, macros: Collection[str], environment: Environment) -> bool:
    """Tell whether a macro's own nodes are all pure ones, its calls to these macros (the names it reads are checked apart)."""
    named = environment.filters.keys() | environment.tests.keys()
    for node in macro.find_all(nodes.Node):
        if not isinstance(node, PURE_NODES):
            return False
        if isinstance(node, nodes.Name) and node.name in SPECIAL_NAMES:
            return False
        if isinstance(node, nodes.Call) and not (isinstance(node.node, nodes.Name) and node.node.name in macros):
            return False
        if isinstance(node, nodes.Test) and node.name not in PURE_TESTS:
            return False
        if isinstance(node, nodes.Filter) and node.name not in PURE_FILTERS:
            return False
        if isinstance(node, nodes.Filter) and node.name in NAMING_FILTERS and not all(
                isinstance(arg, nodes.Const) and (arg.value in PURE_FILTERS | PURE_TESTS or arg.value not in named)
                for arg in node.args):
            return False
    return True


class MacroCodeGenerator(CodeGenerator):
    """Jinja's code generator, which makes the macros `pure_macros` finds as PureMacros and escapes with escape_output."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        self.pure = {id(macro) for macro in pure_macros(node)}
        super().visit_Template(node, frame)

    def write_commons(self) -> None:
        super().write_commons()
        self.writeline("escape_output = environment.escape_output")

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("escape_output(")
        else:
            super()._output_child_pre(node, frame, finalize)

    def macro_def(self, macro_ref: MacroRef, frame: Frame) -> None:
        if id(macro_ref.node) not in self.pure:
            super().macro_def(macro_ref, frame)
            return
        self.write("environment.pure_macro(")
        super().macro_def(macro_ref, frame)
        self.write(")")


def as_pure(macro: Macro) -> PureMacro:
    """Return a macro MacroCodeGenerator found pure as a PureMacro (the same object, told its code)."""
    macro.__class__ = PureMacro
    macro._code = macro._func.__code__  # private: the sandbox refuses templates names starting with _
    return macro


def escape_output(value: Any) -> str:
    """Return the text markupsafe.escape makes of a value, without making it a Markup: what `{{ }}` adds to a page.

    Jinja's code escapes each value a page shows, and the Markup it gets back, a copy, is only ever
    joined into the page's text. Plain strings are escaped as markupsafe escapes them (those with
    nothing to escape, most, as they are), and Markup (a macro's HTML) is shown as it is.
    """
    if value.__class__ is str:
        if "&" in value or "<" in value or ">" in value or "'" in value or '"' in value:
            return value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;") \
                .replace('"', "&#34;")
        return value
    if value.__class__ is Markup:
        return value
    return escape(value)
