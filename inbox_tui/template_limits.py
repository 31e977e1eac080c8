"""The limits on one render of a reply template, the render's budget, and what each filter,
method and format may cost against them (docs/templates.md, "Limits"). template_sandbox.py
holds the environment that applies them."""

from __future__ import annotations

import re
import string
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from jinja2.runtime import Undefined
from jinja2.sandbox import SecurityError
from jinja2.utils import Namespace

MAX_TEXT = 50_000  # characters: the reply, and any one value a template builds
MAX_WORK = 1_000_000  # characters built, read by filters and methods, or written, in a render
MAX_STEPS = 100_000  # loop rounds, calls, filters, operators and outputs in a render
MAX_SECONDS = 0.5  # wall clock, for what the counts above do not foresee
MAX_NUMBER_BITS = 128  # integers up to 2**128 (39 digits)


class TemplateLimit(SecurityError):
    """A render went past one of the limits; str() says which, in the seller's words."""


class _Budget:
    __slots__ = ("deadline", "steps", "work")

    def __init__(self) -> None:
        self.steps = 0
        self.work = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TemplateLimit(f"more than {MAX_STEPS:,} loop rounds, calls and filters")
        if not self.steps & 255 and time.monotonic() > self.deadline:
            raise TemplateLimit(f"rendering took longer than {MAX_SECONDS:g} s")

    def spend(self, size: int) -> None:
        self.work += size
        if self.work > MAX_WORK:
            raise TemplateLimit(f"more than {MAX_WORK:,} characters built or read")


_BUDGET: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


@contextmanager
def render_budget() -> Iterator[None]:
    """The limits for one render (the hooks below find them here; outside one, only sizes are
    checked)."""
    token = _BUDGET.set(_Budget())
    try:
        yield
    finally:
        _BUDGET.reset(token)


def step() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.step()


def spend(size: int) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.spend(size)


# --- how big a value is ------------------------------------------------------------------------


def size_of(value: Any, limit: int = MAX_TEXT) -> int:
    """About how many characters `value` takes as text, each item of a collection at least two
    (a list holding one string 1,000 times counts it 1,000 times); stops soon after `limit`."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, Undefined):
            total += 40  # "[missing: …]"; never str() it here: that records it
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset | type({}.keys()) | type({}.values())):
            total += 2 + 2 * len(item)
            stack.extend(item)
        elif isinstance(item, type({}.items())):
            total += 2 + 4 * len(item)
            pairs: Iterable[tuple[Any, Any]] = item
            stack.extend(v for pair in pairs for v in pair)
        elif isinstance(item, Namespace):
            stack.append(item._Namespace__attrs)
        elif callable(fields := getattr(item, "_template_fields", None)):
            stack.append(fields())  # a context record: its fields
        else:  # a number, a date, a range, a cycler…: a short text
            total += 24
    return total


def check_size(size: int, what: str) -> None:
    if size > MAX_TEXT:
        raise TemplateLimit(f"{what} would make a text longer than {MAX_TEXT:,} characters")


def built(result: Any, what: str, *inputs: Any) -> Any:
    """A value a filter, method or operator made: not too big, and counted."""
    if any(result is value for value in inputs) or not isinstance(
        result, str | list | tuple | dict | set | frozenset | Namespace
    ):
        return result
    size = size_of(result)
    check_size(size, what)
    spend(size)
    return result


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_number(value: Any) -> Any:
    if isinstance(value, int) and value.bit_length() > MAX_NUMBER_BITS:
        raise TemplateLimit(f"a number larger than 2**{MAX_NUMBER_BITS}")
    return value


def check_arithmetic(operator: str, left: Any, right: Any) -> None:
    """Refuse `**` and `*` whose result would be too big to compute quickly."""
    if not (isinstance(left, int) and isinstance(right, int)):
        return
    bits = left.bit_length()
    if operator == "**" and right > 0 and bits > 1 and (bits - 1) * right > MAX_NUMBER_BITS:
        raise TemplateLimit(f"a number larger than 2**{MAX_NUMBER_BITS}")
    if operator == "*" and bits + right.bit_length() - 1 > MAX_NUMBER_BITS:
        raise TemplateLimit(f"a number larger than 2**{MAX_NUMBER_BITS}")


# --- formatting: '%5d' % x, '{:>5}'.format(x), x|format(…), date.strftime -------------------

_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?(.)", re.S)


def percent_size(template: str, args: Any) -> int:
    """What `template % args` would take at most; a width or precision from the arguments
    (`%*d`) is refused, one written in the template counts."""
    size = len(template) + size_of(args)
    for width, precision, _ in _PERCENT.findall(template):
        if "*" in (width, precision):
            raise TemplateLimit("a width or precision taken from the arguments (%*d)")
        size += int(width or 0) + int(precision or 0)
    return size


def format_size(template: str, args: Any, kwargs: Any) -> int:
    """What `template.format(*args, **kwargs)` would take at most (a field may be any argument,
    and a date's spec is strftime's format: a dozen characters out per one in)."""
    values = max(size_of(args), size_of(kwargs))
    size = len(template)
    for _, field, spec, _ in string.Formatter().parse(template):
        if field is None:
            continue
        if spec and "{" in spec:
            raise TemplateLimit("a width taken from the arguments ('{:{}}')")
        spec = spec or ""
        size += values + 12 * len(spec) + sum(int(n) for n in re.findall(r"\d+", spec))
    return size


# --- filters: every one Jinja has, each with what it may cost -----------------------------------


def _text_arg(value: Any) -> int:
    return size_of(value) if isinstance(value, str) else 0


def _int_arg(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


# The estimates take the arguments by the names Jinja's filters give them (s, width, …).


def _replace_size(s: Any, old: Any = "", new: Any = "", count: Any = None) -> int:
    if not isinstance(s, str) or not isinstance(old, str) or not isinstance(new, str):
        return size_of(s)
    found = s.count(old) if old else len(s) + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(s) + found * max(len(new) - len(old), 0)


def _join_size(value: Any, d: Any = "", attribute: Any = None) -> int:
    count = len(value) if isinstance(value, Sized) else 0
    return size_of(value) + count * _text_arg(d)


def _indent_size(s: Any, width: Any = 4, first: Any = False, blank: Any = False) -> int:
    lines = s.count("\n") + 1 if isinstance(s, str) else 1
    each = len(width) if isinstance(width, str) else _int_arg(width)
    return size_of(s) + lines * each


def _wordwrap_size(s: Any, width: Any = 79, wrapstring: Any = None, **_: Any) -> int:
    size = size_of(s)
    if not isinstance(s, str):
        return size
    lines = len(s) // max(_int_arg(width), 1) + s.count(" ") + s.count("\n") + 1
    return size + min(lines, len(s) + 1) * max(_text_arg(wrapstring), 1)


def _batch_size(value: Any, linecount: Any = 1, fill_with: Any = None) -> int:
    """The items again in lists, the last one filled up to `linecount` with `fill_with`."""
    extra = _int_arg(linecount) * size_of(fill_with) if fill_with is not None else 0
    return 2 * size_of(value) + extra


def _slice_size(value: Any, slices: Any = 1, fill_with: Any = None) -> int:
    """The items again in `slices` lists (made one by one, even when empty)."""
    each = 2 + (size_of(fill_with) if fill_with is not None else 0)
    return 2 * size_of(value) + _int_arg(slices) * each


def _sum_numbers(iterable: Any, attribute: Any = None, start: Any = 0) -> int:
    if not is_number(start):
        raise TemplateLimit("sum adds numbers only")
    return 0


# name -> (estimate of the result's size or None, whether it reads its whole input)
FILTER_COSTS: dict[str, tuple[Callable[..., int] | None, bool]] = {
    **dict.fromkeys(["d", "default", "first", "last", "length", "count", "random"], (None, False)),
    **dict.fromkeys(["abs", "int", "float", "round", "filesizeformat", "attr"], (None, False)),
    **dict.fromkeys(["capitalize", "lower", "upper", "title", "trim", "striptags"], (None, True)),
    **dict.fromkeys(["wordcount", "truncate", "reverse", "list", "unique", "sort"], (None, True)),
    **dict.fromkeys(["dictsort", "items", "groupby", "min", "max"], (None, True)),
    **dict.fromkeys(["map", "select", "reject", "selectattr", "rejectattr"], (None, False)),
    # a few times their input at most: the result is checked once made
    **dict.fromkeys(["string", "safe", "e", "escape", "forceescape", "xmlattr"], (None, True)),
    **dict.fromkeys(["tojson", "pprint", "urlencode", "urlize"], (None, True)),
    # as large as an argument says: the estimate is checked first
    "center": (lambda value, width=80: max(size_of(value), _int_arg(width)), True),
    "indent": (_indent_size, True),
    "replace": (_replace_size, True),
    "join": (_join_size, True),
    "wordwrap": (_wordwrap_size, True),
    "batch": (_batch_size, True),
    "slice": (_slice_size, True),
    "sum": (_sum_numbers, True),
    "format": (
        lambda value, args, kwargs: percent_size(
            value if isinstance(value, str) else "", kwargs or args
        ),
        True,
    ),
}


# --- methods of values: the few a reply needs, each with what it may cost ----------------------

_SAME_SIZE = [
    "capitalize",
    "casefold",
    "lower",
    "upper",
    "title",
    "swapcase",
    "strip",
    "lstrip",
    "rstrip",
    "removeprefix",
    "removesuffix",
    "split",
    "rsplit",
    "splitlines",
    "partition",
    "rpartition",
    "startswith",
    "endswith",
    "find",
    "rfind",
    "index",
    "rindex",
    "count",
    "isalnum",
    "isalpha",
    "isascii",
    "isdecimal",
    "isdigit",
    "isidentifier",
    "islower",
    "isnumeric",
    "isprintable",
    "isspace",
    "istitle",
    "isupper",
]
_STR_METHODS: dict[str, Callable[..., int] | None] = {
    **dict.fromkeys(_SAME_SIZE),
    **dict.fromkeys(
        ["center", "ljust", "rjust", "zfill"],
        lambda s, width=0, *a: max(len(s), _int_arg(width)),
    ),
    "replace": _replace_size,
    "join": lambda s, items: _join_size(items, s),
    "format": lambda s, *a, **k: format_size(s, a, k),
    "format_map": lambda s, mapping: format_size(s, (), mapping),
}
METHOD_COSTS: dict[type, dict[str, Callable[..., int] | None]] = {
    str: _STR_METHODS,
    list: dict.fromkeys(["count", "index"]),
    tuple: dict.fromkeys(["count", "index"]),
    dict: dict.fromkeys(["get", "items", "keys", "values"]),
    date: {
        **dict.fromkeys(["isoformat", "weekday", "isoweekday"]),
        "strftime": lambda d, format="": 12 * _text_arg(format),  # noqa: A002
    },
}
