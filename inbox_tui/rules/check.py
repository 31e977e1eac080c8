"""`inbox-tui rules check`: what the config's models cannot know by themselves, said with the
file, line and key: the templates rules answer with and the topics they ask for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inbox_tui import paths
from inbox_tui.config_yaml import ConfigError, KeyPath, dotted, load_yaml


def check_rules(config: Any, config_path: Path | None) -> list[str]:
    """One line per problem (empty: the rules are fine)."""
    if not config.rules:
        return []
    from inbox_tui.suggest import topic_of
    from inbox_tui.templates import TemplateError, load_library

    file = Path(config_path) if config_path is not None else paths.default_config_path()
    positions = _positions(file)

    def problem(path: KeyPath, message: str) -> str:
        line = next(
            (positions[path[:n]][0] for n in range(len(path), 0, -1) if path[:n] in positions),
            None,
        )
        where = f"{file} line {line}" if line is not None else str(file)
        return f"{where}: {dotted(path)}: {message}"

    try:
        library = load_library(config.templates)
    except TemplateError as exc:
        return [problem(("templates",), f"the templates cannot be read: {exc}")]
    keys = {template.key for template in library}
    topics = {template.key.casefold() for template in library}
    topics |= {topic_of(t, keys).casefold() for t in library}
    topics |= {template.name.casefold() for template in library}
    found = []
    for index, rule in enumerate(config.rules):
        reply = rule.then.reply
        if reply is not None and reply not in keys:
            found.append(
                problem(
                    ("rules", index, "then", "reply"),
                    f"no template with key {reply!r} (`inbox-tui templates list` shows them)",
                )
            )
        topic = rule.when.topic
        if topic is not None and topic.casefold() not in topics:
            found.append(
                problem(
                    ("rules", index, "when", "topic"),
                    f"no template topic {topic!r} (a template key or name:"
                    " `inbox-tui templates list`)",
                )
            )
    return found


def _positions(file: Path) -> dict[KeyPath, tuple[int, int]]:
    try:
        text = file.read_text(encoding="utf-8-sig")
        return load_yaml(text, str(file))[1]
    except (OSError, UnicodeDecodeError, ConfigError):
        return {}
