"""The sandbox reply templates render in: what a template may call, and the limits on what one
render may build and how long it may run (docs/templates.md, "Limits").

Jinja's sandbox keeps a template from Python's insides; it does not keep it from building a
gigabyte (`'a'|center(10**9)`) or looping for hours. Here everything that can make a value
larger than its inputs is on a list with a size estimate checked before it runs (filters,
methods, operators, `~`, literals, formatting), everything else is refused, and every loop
round, call, filter, operator and output counts towards the render's budget.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, cast

from jinja2 import nodes, pass_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from inbox_tui.template_limits import (
    FILTER_COSTS,
    MAX_TEXT,
    MAX_WORK,
    METHOD_COSTS,
    TemplateLimit,
    built,
    check_arithmetic,
    check_number,
    check_size,
    is_number,
    percent_size,
    size_of,
    spend,
    step,
)

# --- filters and methods: guarded by their costs (template_limits.py) -------------------------


def _guard_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    estimate, reads = FILTER_COSTS[name]
    passes = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0
    signature = _value_signature(function, passes)
    first = next(iter(signature.parameters))  # the value the filter is applied to

    @wraps(function)  # keeps jinja_pass_arg: the filter still gets its context
    def guarded(*args: Any, **kwargs: Any) -> Any:
        step()
        try:
            bound = signature.bind(*args[passes:], **kwargs)
        except TypeError:  # wrong arguments: the filter says so itself
            return function(*args, **kwargs)
        value = bound.arguments.get(first)
        if name == "join" and isinstance(value, Iterator):  # map(…)|join: count them first
            bound.arguments[first] = value = list(value)
        if reads:
            spend(size_of(value, MAX_WORK))
        if estimate is not None:
            bound.apply_defaults()
            check_size(estimate(**bound.arguments), f"|{name}")
        result = function(*args[:passes], *bound.args, **bound.kwargs)
        return check_number(built(result, f"|{name}", value))

    return guarded


def _value_signature(function: Callable[..., Any], passes: int) -> inspect.Signature:
    """The filter's parameters from the value on (without the environment or context Jinja
    passes first; some filters get it through a wrapper whose signature does not show it)."""
    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())
    if passes and parameters[0].name in ("environment", "eval_ctx", "context"):
        parameters = parameters[1:]
    return signature.replace(parameters=parameters)


def _method_rules(value: Any) -> tuple[str, dict[str, Callable[..., int] | None]] | None:
    """For a method of a value (a string's, a list's…): its name and the rules of its type."""
    method = getattr(value, "__wrapped__", value)  # str.format comes wrapped by Jinja
    if not isinstance(method, types.MethodType | types.BuiltinMethodType):
        return None
    owner = method.__self__
    for kind, rules in METHOD_COSTS.items():
        if isinstance(owner, kind):
            return method.__name__, rules
    if isinstance(owner, int | float | bytes | set | frozenset):
        return method.__name__, {}
    return None


def _guard_method(value: Any, name: str, rules: dict[str, Callable[..., int] | None]) -> Any:
    estimate = rules[name]
    owner = getattr(value, "__wrapped__", value).__self__

    def guarded(*args: Any, **kwargs: Any) -> Any:
        if isinstance(owner, str | list | tuple):
            spend(len(owner))
        if name == "join" and args and isinstance(args[0], Iterator):
            args = (list(args[0]), *args[1:])  # ', '.join(items|map(…)): count them first
        if estimate is not None:
            check_size(estimate(owner, *args, **kwargs), f".{name}()")
        return built(value(*args, **kwargs), f".{name}()", owner)

    guarded.checks_its_result = True  # type: ignore[attr-defined]
    return guarded


# --- the environment -----------------------------------------------------------------------


class _Bounds(NodeTransformer):
    """Rewrites a template before it is compiled so that what Jinja does without asking the
    environment asks it: loops (`counted`), `~` (`join_text`), list, tuple and dict literals
    (`literal`), and literal text goes through `finalize` like `{{ … }}` does."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _env_call("counted", [cast(nodes.Expr, node.iter)], node.iter.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _env_call("join_text", node.nodes, node.lineno)

    def visit_literal(self, node: nodes.Expr) -> nodes.Node:
        self.generic_visit(node)
        if getattr(node, "ctx", "load") != "load":  # `{% for a, b in … %}`: a target
            return node
        return _env_call("literal", [node], node.lineno)

    visit_List = visit_Tuple = visit_Dict = visit_literal

    def visit_TemplateData(self, node: nodes.TemplateData) -> nodes.Node:
        return nodes.Const(node.data, lineno=node.lineno)


def _env_call(name: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
    target = nodes.EnvironmentAttribute(name, lineno=lineno)
    return nodes.Call(target, list(args), [], None, None, lineno=lineno)


class _Compiler(CodeGenerator):
    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        _Bounds().visit(node)
        super().visit_Template(node, frame)


@pass_context  # a finalize that takes the context is never run at compile time
def _finalize(context: Any, value: Any) -> Any:
    """Every `{{ … }}` and every piece of literal text on its way out."""
    step()
    size = len(value) if isinstance(value, str) else size_of(value)
    if size > MAX_TEXT:
        raise TemplateLimit(f"the reply would be longer than {MAX_TEXT:,} characters")
    spend(size)
    return value


_SAFE_GLOBALS = ("range", "dict", "cycler", "joiner", "namespace")


class BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox with the limits of this module: an unsafe attribute is an error at once
    (never a quiet Undefined), and no value, loop or number grows past its limit."""

    code_generator_class = _Compiler
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_finalize, **options)
        self.filters = {
            name: _guard_filter(name, function)
            for name, function in self.filters.items()
            if name in FILTER_COSTS
        }
        self.globals = {name: self.globals[name] for name in _SAFE_GLOBALS}

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        raise SecurityError(f"access to {attribute!r} is not allowed in a template")

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        rules = _method_rules(value)
        if rules is not None and rules[0] not in rules[1]:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self._guarded(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = self._guarded(super().getitem(obj, argument))
        return built(value, "a slice", obj) if isinstance(argument, slice) else value

    def _guarded(self, value: Any) -> Any:
        rules = _method_rules(value)
        if rules is None:
            return value
        name, allowed = rules
        if name not in allowed:  # reached through getitem's fallback to getattr
            raise SecurityError(f"access to {name!r} is not allowed in a template")
        return _guard_method(value, name, allowed)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        step()
        if isinstance(__obj, LoopContext) and args:  # loop(children) in a recursive loop
            args = (__self.counted(args[0]), *args[1:])
        result = super().call(__context, __obj, *args, **kwargs)
        if getattr(__obj, "checks_its_result", False):
            return result
        return built(result, "a call", *args, *kwargs.values())  # dict(…), namespace(…), macros

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        step()
        if is_number(left) and is_number(right):
            check_arithmetic(operator, left, right)
            return check_number(super().call_binop(context, operator, left, right))
        if operator == "*":
            count = next((v for v in (left, right) if isinstance(v, int)), 1)
            sequence = right if isinstance(left, int) else left
            check_size(size_of(sequence, MAX_TEXT // max(count, 1) + 1) * max(count, 0), "*")
        elif operator == "%" and isinstance(left, str):
            check_size(percent_size(left, right), "%")
        return built(super().call_binop(context, operator, left, right), operator, left, right)

    # --- what the rewritten template calls (see _Bounds) ----------------------------------
    def counted(self, iterable: Any) -> Iterator[Any]:
        for item in iterable:
            step()
            yield item

    def join_text(self, *parts: Any) -> str:
        check_size(sum(len(p) if isinstance(p, str) else size_of(p) for p in parts), "~")
        return built("".join(map(str, parts)), "~")

    def literal(self, value: Any) -> Any:
        return built(value, "a literal")

    counted.checks_its_result = join_text.checks_its_result = True  # type: ignore[attr-defined]
    literal.checks_its_result = True  # type: ignore[attr-defined]
