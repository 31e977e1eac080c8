"""Reply templates: the YAML library, sandboxed Jinja2 rendering and checks (ranking: suggest.py).

Pure: no Textual, no network. A template's missing variable never becomes a hole in the text:
`render` reports it (name and line) and the caller blocks sending until it is filled.
"""

from __future__ import annotations

import sys
from collections.abc import Generator, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import Any, cast

import jinja2
from jinja2 import meta, nodes
from jinja2.sandbox import SecurityError

from inbox_tui.config_yaml import ConfigError, load_yaml
from inbox_tui.domain.replies import MISSING_MARK
from inbox_tui.sanitize import clean_line, clean_text
from inbox_tui.template_entry import TEMPLATE_KEY, entry_errors, known_keys, plain_entry
from inbox_tui.template_limits import MAX_TEXT, TemplateLimit, render_budget
from inbox_tui.template_samples import SAMPLES
from inbox_tui.template_sandbox import BoundedSandbox

__all__ = [
    "CONTEXT_SCHEMA",
    "MissingVariable",
    "Rendered",
    "Template",
    "TemplateError",
    "check_library",
    "load_library",
    "load_templates",
    "parse_templates",
    "render",
    "shipped_templates",
    "template_problems",
]

# The variables a template may use: top-level name -> its fields (None: a plain value).
CONTEXT_SCHEMA: dict[str, frozenset[str] | None] = {
    "customer": frozenset({"name", "first_name", "email"}),
    "ticket": frozenset({"subject", "channel", "id"}),
    "order": frozenset(
        {
            "number",
            "date",
            "items",
            "total",
            "currency",
            "tracking_number",
            "tracking_url",
            "carrier",
            "tracking",  # the spelling; the same value as tracking_number
            "state",  # unshipped, shipped (in transit), delivered, refunded, cancelled, or ""
        }
    ),
    "seller": frozenset({"name", "signature"}),
    "today": None,
}
ITEM_FIELDS = frozenset({"title", "quantity", "sku", "price"})

_KEY = TEMPLATE_KEY  # a template's short id (template_entry.py checks it)


class TemplateError(Exception):
    """A template that cannot be loaded or rendered. str() is one line: file, line, what.
    A render's error also says in which `part` (body or subject) and on which line of it."""

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        *,
        part: str | None = None,
        part_line: int | None = None,
        reason: str | None = None,
    ) -> None:
        self.message, self.file, self.line = message, file, line
        self.part, self.part_line, self.reason = part, part_line, reason or message
        where = file or ""
        if line is not None:
            where = f"{where} line {line}" if where else f"line {line}"
        text = f"{where}: {message}" if where else message
        super().__init__(" ".join(text.splitlines()))


# --- the library -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """A validated template; `file` and `line` say where it was written, `body_line` where
    its body text starts (template line 1)."""

    key: str
    name: str
    body: str
    subject: str | None = None
    channels: tuple[str, ...] = ()  # empty: every channel
    language: str = "en"
    tags: tuple[str, ...] = ()
    status: str | None = None
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    file: str = "<template>"
    line: int = 1
    body_line: int = 1

    def applies_to(self, channel: str) -> bool:
        return not self.channels or channel in self.channels


def _value_line(lines: list[str], key_line: int) -> int:
    """The first line of a value whose key is on `key_line`: the next one for a block scalar."""
    text = lines[key_line - 1] if 0 < key_line <= len(lines) else ""
    after = text.split(":", 1)[1].strip() if ":" in text else ""
    return key_line + 1 if after[:1] in ("|", ">") else key_line


def parse_templates(text: str, file: str = "templates.yaml") -> list[Template]:
    """Templates from YAML text (a list of entries); a bad entry raises a one-line TemplateError."""
    templates, problems = _parse_entries(text, file)
    if problems:
        raise problems[0]
    return templates


def _parse_entries(text: str, file: str) -> tuple[list[Template], list[TemplateError]]:
    """The good entries of a templates file, and one TemplateError per problem of the others."""
    try:
        data, positions = load_yaml(text, file)
    except ConfigError as exc:
        return [], [TemplateError(exc.message, file, exc.line)]
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [
            TemplateError("expected a list of templates (- key: …)", file, positions[()][0])
        ]
    lines = text.splitlines()
    templates: list[Template] = []
    problems: list[TemplateError] = []
    for index, item in enumerate(data):
        line = positions.get((index,), (None, None))[0]
        label = f"[{index}]"
        if isinstance(item, dict) and _KEY.fullmatch(str(item.get("key", ""))):
            label = item["key"]
        if not isinstance(item, dict):
            problems.append(
                TemplateError(f"{label}: expected a mapping (key: …, name: …, body: …)", file, line)
            )
            continue
        entry = plain_entry(item)  # a plainly valid entry, without pydantic's import
        if entry is None:
            errors, entry = entry_errors(item)  # pydantic's validation, for its errors
            if errors:
                problems += [_entry_problem(e, label, index, line, file, positions) for e in errors]
                continue
        body_key = positions.get((index, "body"), (line or 1, 1))[0]
        templates.append(
            Template(
                key=entry.key,
                name=entry.name,
                body=entry.body,
                subject=entry.subject,
                channels=tuple(entry.channels),
                language=entry.language,
                tags=tuple(entry.tags),
                status=entry.status,
                keywords=tuple(entry.keywords),
                examples=tuple(entry.examples),
                file=file,
                line=line or 1,
                body_line=_value_line(lines, body_key),
            )
        )
    return templates, problems


def _entry_problem(
    error: Any, label: str, index: int, line: int | None, file: str, positions: dict[Any, Any]
) -> TemplateError:
    loc = tuple(error["loc"])
    where = positions.get((index, *loc[:1]), (line, None))[0]
    name = ".".join(str(part) for part in loc) or "(entry)"
    if error["type"] == "extra_forbidden":
        known = ", ".join(known_keys())
        message = f"{label}.{name}: unknown key (known: {known})"
    elif error["type"] == "missing":
        message = f"{label}: {name} is required"
    else:
        why = str(error["msg"]).removeprefix("Value error, ")
        message = f"{label}.{name}: {why}"
    return TemplateError(message, file, where)


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"cannot read it: {exc.strerror or exc}", str(path)) from None
    try:
        return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError("not UTF-8 text; is it a YAML file?", str(path)) from None


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not path.exists():
        raise TemplateError("not found (a YAML file or a folder of them)", str(path))
    return [path]


def load_templates(path: Path | str) -> list[Template]:
    """The templates in a YAML file, or in every *.yaml / *.yml file of a folder."""
    return [t for file in _files(Path(path)) for t in parse_templates(_read(file), str(file))]


def shipped_templates() -> list[Template]:
    """The default library that ships inside the package."""
    folder = resources.files("inbox_tui") / "data" / "templates"
    found: list[Template] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            name = f"inbox_tui/data/templates/{entry.name}"
            found.extend(parse_templates(entry.read_text(encoding="utf-8"), name))
    return found


def _merge(shipped: list[Template], own: list[Template]) -> list[Template]:
    """The seller's templates add to the shipped ones; one with a shipped key replaces it."""
    own_keys = {t.key for t in own}
    return [t for t in shipped if t.key not in own_keys] + own


def _duplicates(templates: list[Template]) -> list[str]:
    first: dict[str, Template] = {}
    problems = []
    for template in templates:
        if template.key in first:
            seen = first[template.key]
            problems.append(
                f"{template.file} line {template.line}: {template.key}: duplicate key"
                f" (also {seen.file} line {seen.line})"
            )
        else:
            first[template.key] = template
    return problems


def load_library(extra: Path | str | None = None) -> list[Template]:
    """The shipped library plus the seller's (`templates:` in the config); raises TemplateError
    on the first bad file, duplicate key or template that does not compile."""
    shipped = shipped_templates()
    own = load_templates(extra) if extra is not None else []
    for group in (shipped, own):
        if problems := _duplicates(group):
            raise TemplateError(problems[0])
    library = _merge(shipped, own)
    for template in library:
        if problems := template_problems(template, variables=False):
            raise TemplateError(problems[0])
    return library


def check_library(extra: Path | str | None = None) -> tuple[list[Template], list[str]]:
    """Every template of the library and one line per problem (bad file, syntax, unknown
    variable, duplicate key); the check goes on past a problem to report them all."""
    problems: list[str] = []
    shipped = shipped_templates()
    own: list[Template] = []
    if extra is not None:
        try:
            files = _files(Path(extra))
        except TemplateError as exc:
            problems.append(str(exc))
            files = []
        for file in files:
            try:
                found, bad = _parse_entries(_read(file), str(file))
            except TemplateError as exc:  # cannot read it
                found, bad = [], [exc]
            own += found
            problems += [str(exc) for exc in bad]
    problems += _duplicates(shipped) + _duplicates(own)
    library = _merge(shipped, own)
    for template in library:
        problems += template_problems(template)
    return library, problems


# --- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissingVariable:
    """A variable the template needs and the context lacks; `line` is in the body (or subject)."""

    name: str
    line: int
    part: str = "body"  # "body" or "subject"


@dataclass(frozen=True)
class Rendered:
    """The filled-in reply. Not sendable while `missing` is not empty: the text then carries a
    visible MISSING_MARK where each value is missing, never an empty hole."""

    subject: str | None
    body: str
    missing: list[MissingVariable] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing


class _Record:
    """A context mapping seen from a template: fields by attribute or item, and a dotted path
    so a missing field is named in full ("order.tracking_number", not "tracking_number")."""

    __slots__ = ("_fields", "_path")

    def __init__(self, path: str, fields: Mapping[str, Any]) -> None:
        self._path = path
        self._fields = {k: _wrap(f"{path}.{k}", v) for k, v in fields.items() if _present(v)}

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._fields[name]

    def __str__(self) -> str:
        return self._path

    def _template_fields(self) -> dict[str, Any]:  # how big it is (template_limits.size_of)
        return self._fields


def _present(value: Any) -> bool:
    return value is not None and value != ""


def _wrap(path: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        return _Record(path, value)
    if isinstance(value, list | tuple):
        return [_wrap(f"{path}[{i}]", v) for i, v in enumerate(value)]
    return value


class _Recorder:
    """Collects what went missing during one render, with the template line it happened on."""

    def __init__(self) -> None:
        self.missing: list[MissingVariable] = []

    def add(self, name: str) -> None:
        line = 1
        frame: FrameType | None = sys._getframe(2)
        while frame is not None:
            template = frame.f_globals.get("__jinja_template__")
            if template is not None:
                line = template.get_corresponding_lineno(frame.f_lineno)
                break
            frame = frame.f_back
        self.missing.append(MissingVariable(name, line))


_RECORDER: ContextVar[_Recorder | None] = ContextVar("template_recorder", default=None)


def _record(name: str) -> None:
    recorder = _RECORDER.get()
    if recorder is not None:
        recorder.add(name)


class _Missing(jinja2.ChainableUndefined):
    """Undefined that records its full dotted name when printed, iterated or measured."""

    __slots__ = ()

    @property
    def _full_name(self) -> str:
        obj, name = self._undefined_obj, self._undefined_name or "?"
        if isinstance(obj, _Record):
            return f"{obj._path}.{name}"
        if isinstance(obj, _Missing):
            return f"{obj._full_name}.{name}"
        return name

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        return _Missing(obj=self, name=name)

    def __getitem__(self, name: Any) -> Any:
        return _Missing(obj=self, name=str(name))

    def __str__(self) -> str:
        _record(self._full_name)
        return MISSING_MARK.format(name=self._full_name)

    def __iter__(self) -> Iterator[Any]:
        _record(self._full_name)
        return iter(())

    def __len__(self) -> int:
        _record(self._full_name)
        return 0

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        _record(self._full_name)
        raise jinja2.UndefinedError(f"{self._full_name} is missing")

    # Undefined binds these to its own failing method; rebind them to the recording one.
    __add__ = __radd__ = __sub__ = __rsub__ = _fail_with_undefined_error
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _fail_with_undefined_error
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _fail_with_undefined_error
    __pos__ = __neg__ = __call__ = __lt__ = __le__ = __gt__ = __ge__ = _fail_with_undefined_error
    __int__ = __float__ = __complex__ = __pow__ = __rpow__ = _fail_with_undefined_error


# Plain text mail: no HTML autoescaping; no loader, so no include/extends/import. One shared
# environment: the recorder of missing values is per render (a ContextVar), so it is thread-safe.
_ENV = BoundedSandbox(
    autoescape=False,
    undefined=_Missing,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    optimized=False,
)


@lru_cache(maxsize=512)
def _compile(source: str) -> jinja2.Template:
    return _ENV.from_string(source)


def _render_part(
    source: str, context: Mapping[str, Any], label: str, part: str
) -> tuple[str, list[MissingVariable]]:
    recorder = _Recorder()
    token = _RECORDER.set(recorder)
    values = {k: _wrap(k, v) for k, v in context.items() if _present(v)}
    chunks: list[str] = []
    size = 0
    try:
        with render_budget():
            output = cast(Generator[str, None, None], _compile(source).generate(values))
            for chunk in output:
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_TEXT:  # raised where the template wrote it, so its line is known
                    output.throw(
                        TemplateLimit(f"the reply would be longer than {MAX_TEXT:,} characters")
                    )
    except jinja2.UndefinedError:
        pass  # recorded: the text stops there, and the caller sees what is missing
    except jinja2.TemplateSyntaxError as exc:
        raise _failed(label, part, exc.lineno, exc.message or "syntax error") from None
    except SecurityError as exc:
        raise _failed(label, part, _template_line(exc), f"refused: {exc}") from None
    except RecursionError as exc:
        raise _failed(label, part, _template_line(exc), "nested too deeply") from None
    except Exception as exc:  # anything a template expression can raise (1/0, int('x'), …)
        raise _failed(label, part, _template_line(exc), f"{type(exc).__name__}: {exc}") from None
    finally:
        _RECORDER.reset(token)
    missing = [MissingVariable(m.name, m.line, part) for m in recorder.missing]
    return "".join(chunks), missing


def _failed(label: str, part: str, line: int | None, what: str) -> TemplateError:
    where = f"{part} line {line}" if line else part
    return TemplateError(f"{label}: {where}: {what}", part=part, part_line=line, reason=what)


def _template_line(exc: BaseException) -> int | None:
    """The template line an error came from: Jinja rewrites a render's traceback so that the
    template's frames carry its own file name ("<template>") and line numbers."""
    line = None
    trace = exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def render(template: Template | str, context: Mapping[str, Any]) -> Rendered:
    """Fill a template in. Values come out as plain text (no HTML escaping), cleaned of control
    and bidi characters; every missing variable is reported, never left as a hole. Raises
    TemplateError for a syntax error, a sandbox escape or a failing expression."""
    if isinstance(template, str):
        template = Template(key="draft", name="draft", body=template)
    label = template.key
    body, missing = _render_part(template.body, context, label, "body")
    subject = None
    if template.subject is not None:
        subject, more = _render_part(template.subject, context, label, "subject")
        subject = clean_line(subject)
        missing += more
    return Rendered(subject, clean_text(body), list(dict.fromkeys(missing)))


# --- checking --------------------------------------------------------------------------------


def _unknown_variables(ast: nodes.Template) -> Iterator[tuple[str, int]]:
    """(dotted name, line) of every variable or field outside CONTEXT_SCHEMA."""
    known_globals = set(_ENV.globals)
    undeclared = meta.find_undeclared_variables(ast)
    for name in sorted(undeclared - set(CONTEXT_SCHEMA) - known_globals):
        line = next((n.lineno for n in ast.find_all(nodes.Name) if n.name == name), 1)
        yield name, line
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        assert isinstance(node, nodes.Getattr | nodes.Getitem)
        root = node.node
        if not (isinstance(root, nodes.Name) and root.name in undeclared):
            continue
        fields = CONTEXT_SCHEMA.get(root.name)
        attr = node.attr if isinstance(node, nodes.Getattr) else None
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            attr = node.arg.value
        if fields is not None and isinstance(attr, str) and attr not in fields:
            yield f"{root.name}.{attr}", node.lineno
    for loop in ast.find_all(nodes.For):
        items = loop.iter
        if not (
            isinstance(items, nodes.Getattr)
            and items.attr == "items"
            and isinstance(items.node, nodes.Name)
            and items.node.name == "order"
            and isinstance(loop.target, nodes.Name)
        ):
            continue
        for node in loop.find_all(nodes.Getattr):
            target = node.node
            if (
                isinstance(target, nodes.Name)
                and target.name == loop.target.name
                and node.attr not in ITEM_FIELDS
            ):
                yield f"{target.name}.{node.attr}", node.lineno


def template_problems(template: Template, *, variables: bool = True) -> list[str]:
    """One line per problem of a template: a syntax error, or (with `variables`) a variable
    that no reply context provides, and a failure to fill it in for the sample replies of
    template_samples (too big, too slow, an expression that fails). Each names the file and
    line."""
    problems = []
    parts = [("body", template.body, template.body_line)]
    if template.subject is not None:
        parts.append(("subject", template.subject, template.line))
    for part, source, first_line in parts:
        try:
            ast = _ENV.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            line = first_line + (exc.lineno or 1) - 1 if part == "body" else first_line
            problems.append(
                f"{template.file} line {line}: {template.key}: {part} line {exc.lineno}:"
                f" syntax error: {exc.message}"
            )
            continue
        except RecursionError:
            problems.append(f"{template.file} line {first_line}: {template.key}: nested too deeply")
            continue
        if not variables:
            continue
        for name, lineno in _unknown_variables(ast):
            line = first_line + lineno - 1 if part == "body" else first_line
            problems.append(
                f"{template.file} line {line}: {template.key}: {part} line {lineno}:"
                f" unknown variable {name}"
            )
    if variables and not any("syntax error" in p or "nested too deeply" in p for p in problems):
        problems += _render_problems(template)
    return problems


def _render_problems(template: Template) -> list[str]:
    """The first failure to fill the template in with the sample replies, as a problem line."""
    for label, context in SAMPLES:
        try:
            render(template, context)
        except TemplateError as exc:
            part, lineno = exc.part or "body", exc.part_line or 1
            line = template.body_line + lineno - 1 if part == "body" else template.line
            return [
                f"{template.file} line {line}: {template.key}: {part} line {lineno}:"
                f" {exc.reason} ({label})"
            ]
    return []
