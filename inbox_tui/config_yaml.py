"""Reading YAML while remembering where every key and item was, for errors that name a line.

PyYAML's C parser (libyaml, `CSafeLoader`) reads a file first when PyYAML has it (the shipped
templates: ~4x faster than the pure-Python parser, on the way to the first `r`). It builds the
same nodes, with the same marks, for the same SafeConstructor and resolver: the values and
positions are the same (tests/test_config_yaml_loaders.py compares both on every shipped
and example file). Anything it refuses is read again by the pure-Python parser, whose errors
are the ones users have always been given; libyaml older than 0.2.5 (no nesting limit: its
composer recursed without Python's guard) is not used.
"""

from __future__ import annotations

import re
from typing import Any

import yaml


class ConfigError(Exception):
    """A config file that cannot be used. str() is one line: file, line, key, what was expected
    (and how many more problems there are); `problems` is every problem, one line each."""

    def __init__(
        self,
        file: str,
        message: str,
        line: int | None = None,
        column: int | None = None,
        *,
        more: tuple[ConfigError, ...] = (),
    ) -> None:
        self.file, self.message, self.line, self.column = file, message, line, column
        self.more = more
        where = file
        if line is not None:
            where += f" line {line}"
            if column is not None:
                where += f", column {column}"
        self.problem = " ".join(f"{where}: {message}".splitlines())
        super().__init__(self.problem + (f" (and {len(more)} more)" if more else ""))

    @property
    def problems(self) -> list[str]:
        return [self.problem, *(other.problem for other in self.more)]


Position = tuple[int, int]  # 1-based line and column
KeyPath = tuple[Any, ...]  # ('sources', 0, 'kind')


class _DuplicateKey(Exception):
    def __init__(self, path: KeyPath, line: int, first_line: int) -> None:
        self.path, self.line, self.first_line = path, line, first_line


class _Positions:
    """Added to a SafeLoader (pure-Python or libyaml's): it also records where every mapping
    key and sequence item starts."""

    def load_with_positions(self) -> tuple[Any, dict[KeyPath, Position]]:
        node = self.get_single_node()
        if node is None:
            return None, {}
        positions: dict[KeyPath, Position] = {}
        self._record(node, (), positions, set())
        positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
        return self.construct_document(node), positions

    def _record(
        self, node: yaml.Node, path: KeyPath, positions: dict[KeyPath, Position], seen: set[int]
    ) -> None:
        # An alias is walked once only: re-walking shared nodes is exponential ("billion laughs").
        if id(node) in seen:
            return
        seen.add(id(node))
        children: list[tuple[Any, yaml.Node, yaml.Node]] = []
        if isinstance(node, yaml.MappingNode):
            first_line: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(
                    key_node, yaml.ScalarNode
                ):
                    continue
                key, line = self.construct_object(key_node), key_node.start_mark.line + 1
                if key in first_line:
                    raise _DuplicateKey(path + (key,), line, first_line[key])
                first_line[key] = line
            self.flatten_mapping(node)  # `<<: *anchor` merges: merged keys first, own keys win
            children = [
                (self.construct_object(k), k, v)
                for k, v in node.value
                if isinstance(k, yaml.ScalarNode)
            ]
        elif isinstance(node, yaml.SequenceNode):
            children = [(index, item, item) for index, item in enumerate(node.value)]
        for key, mark_node, value_node in children:
            mark = mark_node.start_mark
            positions[path + (key,)] = (mark.line + 1, mark.column + 1)
            self._record(value_node, path + (key,), positions, seen)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[misc]
        except ValueError as exc:  # looks like a date but is not one, e.g. 2024-13-01
            raise yaml.constructor.ConstructorError(
                None, None, f"not a valid date: {node.value!r} ({exc})", node.start_mark
            ) from None

    # the SafeLoader's, for mypy (both loaders have them)
    get_single_node: Any
    construct_document: Any
    construct_object: Any
    flatten_mapping: Any
    dispose: Any


class _PositionLoader(_Positions, yaml.SafeLoader):
    """The pure-Python SafeLoader with positions: its errors are the ones users are given."""


_PositionLoader.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:timestamp", _PositionLoader.construct_yaml_timestamp
)


def _libyaml_loader() -> type[_Positions] | None:
    """libyaml's SafeLoader with positions, when PyYAML has libyaml 0.2.5 or newer."""
    try:
        from yaml import _yaml
    except ImportError:
        return None
    if not yaml.__with_libyaml__ or tuple(_yaml.get_version()) < (0, 2, 5):
        return None

    class _LibyamlPositionLoader(_Positions, yaml.CSafeLoader):
        pass

    _LibyamlPositionLoader.add_constructor(  # type: ignore[type-var]
        "tag:yaml.org,2002:timestamp", _LibyamlPositionLoader.construct_yaml_timestamp
    )
    return _LibyamlPositionLoader


_FastLoader = _libyaml_loader()


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's two-part message as one phrase, naming where an unclosed thing was opened."""
    problem, context, start = exc.problem or "", exc.context or "", exc.context_mark
    opened = re.fullmatch(r"while (?:parsing|scanning|constructing) an? (.+)", context)
    if opened and start and exc.problem_mark and start.line != exc.problem_mark.line:
        problem += (
            f" (in the {opened[1]} started at line {start.line + 1}, column {start.column + 1})"
        )
    elif context and not context.startswith("while "):
        problem = f"{context}, {problem}"
    if "'\\t'" in problem:
        problem += " (indent with spaces, not tabs)"
    return problem or "unreadable"


def load_yaml(text: str, file: str) -> tuple[Any, dict[KeyPath, Position]]:
    """Parse YAML text into plain data plus key positions, or raise a one-line ConfigError."""
    if _FastLoader is not None:
        fast = None
        try:
            fast = _FastLoader(text)  # type: ignore[call-arg]
            return fast.load_with_positions()
        except Exception:  # noqa: BLE001, S110  # read again below, for the usual error
            pass
        finally:
            if fast is not None:
                fast.dispose()
    return _load_yaml_pure(text, file)


def _load_yaml_pure(text: str, file: str) -> tuple[Any, dict[KeyPath, Position]]:
    loader: _PositionLoader | None = None
    try:
        loader = _PositionLoader(text)  # checks for control characters straight away
        return loader.load_with_positions()
    except _DuplicateKey as exc:
        raise ConfigError(
            file, f"{dotted(exc.path)}: duplicate key (first at line {exc.first_line})", exc.line
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        raise ConfigError(
            file, f"not valid YAML: control character {char} not allowed", line
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise ConfigError(file, f"not valid YAML: {_yaml_problem(exc)}", *where) from None
    except RecursionError:
        raise ConfigError(file, "not valid YAML: nested too deeply") from None
    except (yaml.YAMLError, ValueError, TypeError) as exc:  # anything PyYAML did not mark
        raise ConfigError(file, f"not valid YAML: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()


def dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and re.fullmatch(r"[A-Za-z0-9_-]+", part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out or "(top level)"
