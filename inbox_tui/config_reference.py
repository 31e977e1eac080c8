"""docs/config.md, generated from the config models: `python -m inbox_tui.config_reference`."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
)
from pydantic_core import PydanticUndefined

from inbox_tui.config import CHECK_LABELS, Config, discriminator_tag, union_members

_TYPE_LABELS: dict[Any, str] = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "true or false",
    Path: "path",
}


def _type_label(annotation: Any, metadata: Sequence[Any] = ()) -> str:
    """A reader's name for a field's type: "list of e-mail addresses", "integer, 20-5000"."""
    if get_origin(annotation) is Annotated:
        annotation, *metadata = get_args(annotation)
    checks = {getattr(m, "func", None) for m in metadata}
    _, members = union_members(annotation)
    if label := next((name for check, name in CHECK_LABELS.items() if check in checks), ""):
        pass
    elif members:
        label = " or ".join(dict.fromkeys(_type_label(m) for m in members if m is not type(None)))
    elif get_origin(annotation) is Literal:
        label = " or ".join(f"`{value}`" for value in get_args(annotation))
    elif get_origin(annotation) is dict:
        key, value = (_type_label(arg) for arg in get_args(annotation))
        label = f"mapping of {key} to {value}"
    elif get_origin(annotation) is list:
        item = _type_label(get_args(annotation)[0])
        label = f"list of {item}{'es' if item.endswith('s') else 's'}"
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        label = "mapping"
    else:
        label = _TYPE_LABELS.get(annotation, str(annotation))
    low = next((m.ge for m in metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in metadata if hasattr(m, "le")), None)
    return f"{label}, {low}-{high}" if low is not None and high is not None else label


def _default_label(field: Any) -> str:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    if "x-default" in extra:
        return f"`{extra['x-default']}`"
    if field.is_required():
        return "required"
    value = field.default_factory() if field.default_factory else field.default
    if value is PydanticUndefined or isinstance(value, BaseModel):
        return "see below"
    return f"`{value!r}`" if not isinstance(value, str) else f'`"{value}"`'


def _sections(model: type[BaseModel], title: str, prefix: str) -> list[tuple[str, str, Any]]:
    """(title, key prefix, model) for `model` and every model nested in it, depth first."""
    found = [(title, prefix, model)]
    for name, field in model.model_fields.items():
        inner, key = field.annotation, f"{prefix}{field.alias or name}"
        if get_origin(inner) is list:
            inner, key = get_args(inner)[0], f"{key}[]"
        discriminator, members = union_members(inner)
        for member in members if discriminator else []:
            assert discriminator is not None
            kind = discriminator_tag(member, discriminator)
            found += _sections(member, f"`{key}` with `kind: {kind}`", f"{key}.")
        if not discriminator:  # `Model | None`: an optional section
            inner = next(
                (m for m in members if isinstance(m, type) and issubclass(m, BaseModel)), inner
            )
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            found += _sections(inner, f"`{key}`", f"{key}.")
    return found


def config_reference() -> str:
    """The configuration reference as Markdown, generated from the models."""
    lines = [
        "<!-- Generated from inbox_tui/config/. Do not edit: regenerate with"
        " `python -m inbox_tui.config_reference > docs/config.md` -->",
        "",
        "# Configuration reference",
        "",
        "inbox-tui reads YAML from `--config FILE`, or from `<config dir>/config.yaml`"
        " (Linux: `~/.config/inbox-tui/config.yaml`). Every key is optional and a missing"
        " file means all defaults; a key left empty (`key:`) takes its default. Unknown keys"
        " are errors. `<data dir>` is the platform's data directory"
        " (Linux: `~/.local/share/inbox-tui`). See `config.example.yaml` for a commented example.",
        "",
        "Opening the inbox keeps what its first screen reads of the validated file (`ui`,"
        " `seller`, `sla`, `snooze`, `sync`, `database`, the `templates` path the composer"
        " reads, and the sources' kinds: never a password, token, command or host) in `<cache dir>/config-*.json` (Linux:"
        " `~/.cache/inbox-tui`), readable by you alone, so that the next start need not"
        " validate the file before its first frame. It is used only while the file's bytes,"
        " its path, `HOME` and inbox-tui's code are the same; anything else validates the"
        " file again as always. Deleting it is always safe.",
    ]
    for title, prefix, model in _sections(Config, "Top level", ""):
        lines += ["", f"## {title}", "", inspect.cleandoc(model.__doc__ or ""), ""]
        lines += ["| key | type | default | description |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            description = (field.description or "").replace("|", "\\|")
            label, default = _type_label(field.annotation, field.metadata), _default_label(field)
            key = field.alias or name
            lines.append(f"| `{prefix}{key}` | {label} | {default} | {description} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(config_reference())
