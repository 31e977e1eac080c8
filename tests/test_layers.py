"""The layering docs/architecture.md promises: the domain imports nothing of ours, the store
nothing above it, no channel kind is named outside its package, and no module imports itself
back through others."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "inbox_tui"


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    """The inbox_tui modules `path` imports (all of them, or those run when it is imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes: list[ast.AST] = list(tree.body) if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from inbox_tui.channels import imap` names a module
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if _exists(candidate) else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("inbox_tui")}


def _exists(module: str) -> bool:
    base = ROOT.parent.joinpath(*module.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_the_domain_imports_nothing_of_ours() -> None:
    for path in _files("domain"):
        outside = {
            m for m in _imports(path, top_level_only=False) if not m.startswith("inbox_tui.domain")
        }
        assert not outside, f"{path.name} imports {outside}"


def test_the_store_imports_only_what_is_below_it() -> None:
    below = ("inbox_tui.domain", "inbox_tui.store", "inbox_tui.sanitize", "inbox_tui.search")
    for path in _files("store"):
        above = {m for m in _imports(path, top_level_only=False) if not m.startswith(below)}
        assert not above, f"store/{path.name} imports {above}"


def test_no_channel_kind_is_named_outside_its_package() -> None:
    for path in sorted(ROOT.rglob("*.py")):
        if path.is_relative_to(ROOT / "channels") or path.is_relative_to(ROOT / "demo"):
            continue
        text = path.read_text(encoding="utf-8")
        for kind in ('kind == "imap"', 'kind == "ebay"', 'kind == "maildir"', '== "smtp"'):
            assert kind not in text, f"{path.relative_to(ROOT)} dispatches on {kind}"


def test_no_import_cycles() -> None:
    graph = {
        _module(path): _imports(path, top_level_only=True) for path in sorted(ROOT.rglob("*.py"))
    }
    done: set[str] = set()

    def visit(module: str, stack: list[str]) -> None:
        if module in stack:
            raise AssertionError(
                "import cycle: " + " → ".join([*stack[stack.index(module) :], module])
            )
        if module in done or module not in graph:
            return
        for target in sorted(graph[module]):
            if not module.startswith(target + "."):  # a module's own package runs first anyway
                visit(target, [*stack, module])
        done.add(module)

    for module in graph:
        visit(module, [])
