"""Textual's parsed CSS kept between starts: Textual parses every stylesheet on every start (ours,
app.tcss, and each widget's DEFAULT_CSS as it first mounts; ~22k characters for the first
screen), with no cache across processes: ~6 % of a start's CPU, the biggest piece of the first
frame's own work after the imports. Read back, the same rules take ~2 ms.

Each source's rules are kept under its text, where it was read from, its place among the
sources, and the theme's variables (they are substituted as the CSS is parsed), in one file per
install in the cache folder (paths.config_cache_dir), stamped with the files of Textual's CSS
code: another Textual, or another Python, makes it a miss. A miss parses as Textual always does;
the rules parsed are written after the first frame (`keep`, from a worker). The file holds
Textual's own rule objects, pickled: it is the user's own, readable and writable by them only
(0600, in their cache folder, like the config's start cache; a file someone else owns or may
write is not read), and deleting it is always safe.

This reaches into Textual's private `Stylesheet._parse_rules` (8.2.8): re-check at an upgrade.
A stylesheet Textual makes anew (`reparse`, at a change of theme) parses without the cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

import textual
from textual.css import model, parse
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet

from inbox_tui import paths

FORMAT = 1  # bumped when what the file holds changes

ParseRules = Callable[..., list[RuleSet]]


def _code_key() -> str:
    """Python, and the size and time of the files of Textual's CSS code (an upgrade rewrites
    them), and where this install is."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{Path(__file__).parent}".encode())
    for module in (textual, model, parse):
        file = getattr(module, "__file__", None) or ""
        try:
            status = os.stat(file)
        except OSError:
            digest.update(f"{file}\0none".encode())
        else:
            digest.update(f"{file}\0{status.st_mtime_ns}\0{status.st_size}".encode())
    return digest.hexdigest()


def cache_path() -> Path:
    where = str(Path(__file__).parent).encode("utf-8", "surrogateescape")
    return paths.config_cache_dir() / f"css-{hashlib.sha256(where).hexdigest()[:16]}.pickle"


class CssCache:
    """The rules of every source `stylesheet` parses, read from `path` when kept there."""

    def __init__(self, stylesheet: Stylesheet, path: Path | None = None) -> None:
        self.path = path if path is not None else cache_path()
        self.code = _code_key()
        self.rules: dict[tuple[Any, ...], list[RuleSet]] = self._read()
        self.missed = False  # a source was parsed here: `keep` writes the file
        self._variables: tuple[int, str] = (0, "")
        self._parse: ParseRules = stylesheet._parse_rules
        stylesheet._parse_rules = self._parse_rules  # type: ignore[method-assign]
        self._stylesheet = stylesheet

    def _read(self) -> dict[tuple[Any, ...], list[RuleSet]]:
        try:
            with open(self.path, "rb") as file:
                status = os.fstat(file.fileno())
                if status.st_uid != os.getuid() or status.st_mode & 0o022:
                    return {}  # only a file of the user's own, that no one else may write
                kept = pickle.load(file)
            if kept["code"] != self.code:
                return {}
            rules: dict[tuple[Any, ...], list[RuleSet]] = kept["rules"]
            if all(isinstance(r, RuleSet) for entry in rules.values() for r in entry):
                return rules
        except Exception:  # noqa: BLE001  # absent, damaged, from another version: parse
            pass
        return {}

    def _variables_key(self) -> str:
        variables = self._stylesheet._variables
        if self._variables[0] != id(variables):
            text = "\0".join(f"{k}\0{v}" for k, v in sorted(variables.items()))
            self._variables = (id(variables), hashlib.sha256(text.encode()).hexdigest())
        return self._variables[1]

    def _parse_rules(
        self,
        css: str,
        read_from: tuple[str, str],
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        key = (
            hashlib.sha256(css.encode("utf-8", "surrogateescape")).hexdigest(),
            tuple(read_from),
            is_default_rules,
            tie_breaker,
            scope,
            self._variables_key(),
        )
        if (rules := self.rules.get(key)) is None:
            rules = self._parse(css, read_from, is_default_rules, tie_breaker, scope)
            if not any(rule.errors for rule in rules):
                self.rules[key] = rules
                self.missed = True
        return rules

    def keep(self) -> None:
        """Write the rules parsed so far, when any was not in the file (whole or not at all:
        a temporary file renamed; a folder that cannot be written only costs the next start
        its speed)."""
        if not self.missed:
            return
        self.missed = False
        data = pickle.dumps({"code": self.code, "rules": dict(self.rules)}, protocol=5)
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
            os.replace(temporary, self.path)
        except OSError:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
