"""libyaml's parser reads the YAML files first (config_yaml.py): what it gives must be what the
pure-Python parser gives, values, types and positions, on every file we ship or show, and
what it refuses must get the pure-Python parser's error, as before."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from inbox_tui import config_yaml
from inbox_tui.config_yaml import ConfigError, load_yaml
from inbox_tui.templates import shipped_templates

ROOT = Path(__file__).resolve().parents[1]
FENCED_YAML = re.compile(r"```ya?ml\n(.*?)```", re.S)

# what the two parsers could read differently: anchors and merges, every scalar style,
# timestamps, numbers, escapes, folding, comments, non-ASCII text, flow collections
TRICKY = {
    "anchors and merge": """
base: &base {kind: imap, port: 993, tls: true}
sources:
  - <<: *base
    name: shop
    port: 143
  - *base
""",
    "scalars": """
plain: one two
  three
single: 'it''s'
double: "tab\\there \\u00e9 \\x41 \\/ \\N end"
literal: |
  Hello {{ customer.first_name }},

    indented line
  last
folded: >-
  folded
  text

  new paragraph
keep: |+
  kept

strip: |-
  stripped
empty:
tilde: ~
bools: [yes, No, on, OFF, true, False]
numbers: [0o17, 017, 0x1F, 1_000, 1.5e3, .inf, -.Inf, .nan, 12:30, 190:20:30]
dates: [2024-03-01, 2024-03-01 10:20:30, 2024-03-01T10:20:30.5+03:00]
strings: ["2024-13-01", '08:30', "yes"]
""",
    "unicode": """
seller:
  name: "Ayşe Yılmaz — Anatolia Textiles"
  signature: |
    Saygılarımızla,
    Ayşe 🧵
  emails: [ayşe@örnek.example]
Rücksendung: Größe
""",
    "flow and comments": """
# a comment
ui: {theme: nord, keys: {main.undo: "ctrl+z,u"}}  # trailing
list: [a, b, [c, d], {e: f}]
? complex key
: value
"quoted key": 1
1: int key
null: null key
""",
    "a list of templates": """
- key: where
  name: Where is my order
  channels: [email, amazon]
  body: |
    Hello {{ customer.first_name }},
    your order {{ order.number }} is on its way.
- key: refund
  name: Refund
  body: "Refunded."
""",
    "empty": "",
    "only a comment": "# nothing\n",
    "a bare scalar": "just text\n",
    "windows line ends": "a: 1\r\nb:\r\n  - x\r\n  - y\r\n",
}

# what either parser refuses (the error users see must stay the pure-Python one's)
BROKEN = {
    "unclosed flow": "a: [1, 2\nb: 3\n",
    "tab indent": "a:\n\tb: 1\n",
    "bad indent": "a:\n  b: 1\n c: 2\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "undefined alias": "a: *nowhere\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "control character": "a: b\x07c\n",
    "bad date": "d: 2024-13-01\n",
    "unknown tag": "a: !!python/object:os.system echo\n",
    "python name tag": "a: !!python/name:os.system\n",
    "deep flow": "[" * 5000 + "]" * 5000,
    "deep block": "".join(" " * i + f"k{i}:\n" for i in range(1500)),
    "unclosed quote": 'a: "open\nb: 1\n',
    "colon in plain": "a: b: c\n",
}


def shipped_and_shown() -> dict[str, str]:
    """Every YAML text we ship or show: the templates, the example config, the labelled
    suggestions, and each ```yaml block of the README and docs/."""
    texts = {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for path in [
            *sorted((ROOT / "inbox_tui" / "data" / "templates").glob("*.yaml")),
            ROOT / "config.example.yaml",
            ROOT / "tests" / "data" / "suggestions.yaml",
        ]
    }
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for number, block in enumerate(FENCED_YAML.findall(page.read_text(encoding="utf-8"))):
            texts[f"{page.relative_to(ROOT)} block {number + 1}"] = block
    return texts


def typed(value: Any) -> Any:
    """`value` with the type of every part beside it (1 == 1.0 == True in Python)."""
    if isinstance(value, dict):
        return {typed(k): typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, float) and value != value:  # nan
        return ("float", "nan")
    return (type(value).__name__, value)


def pure(text: str, file: str = "f.yaml") -> tuple[Any, Any]:
    return config_yaml._load_yaml_pure(text, file)


def libyaml(text: str) -> tuple[Any, Any]:
    loader_class = config_yaml._FastLoader
    assert loader_class is not None
    loader = loader_class(text)  # type: ignore[call-arg]
    try:
        return loader.load_with_positions()
    finally:
        loader.dispose()


def test_libyaml_is_used_here() -> None:
    # PyYAML's wheels carry libyaml; without it the fast path would be dead code here
    assert yaml.__with_libyaml__ and config_yaml._FastLoader is not None


def test_the_texts_we_ship_and_show_are_many() -> None:
    texts = shipped_and_shown()
    assert len(texts) >= 8 and any("block" in name for name in texts)


@pytest.mark.parametrize(("name", "text"), sorted({**shipped_and_shown(), **TRICKY}.items()))
def test_both_parsers_read_the_same_values_and_positions(name: str, text: str) -> None:
    data, positions = pure(text)
    fast_data, fast_positions = libyaml(text)
    assert typed(fast_data) == typed(data)
    assert fast_positions == positions
    assert typed(load_yaml(text, "f.yaml")[0]) == typed(data)


@pytest.mark.parametrize(("name", "text"), sorted(BROKEN.items()))
def test_what_libyaml_refuses_gets_the_usual_error(name: str, text: str) -> None:
    with pytest.raises(ConfigError) as usual:
        pure(text, "templates.yaml")
    with pytest.raises(ConfigError) as given:
        load_yaml(text, "templates.yaml")
    assert (given.value.problem, given.value.line, given.value.column) == (
        usual.value.problem,
        usual.value.line,
        usual.value.column,
    )


def test_the_shipped_templates_are_the_same_through_either_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = shipped_templates()
    monkeypatch.setattr(config_yaml, "_FastLoader", None)
    assert shipped_templates() == fast
    assert len(fast) >= 15 and {t.language for t in fast} >= {"en", "de", "tr"}


def test_no_python_object_is_made_from_a_file(tmp_path: Path) -> None:
    flag = tmp_path / "ran"
    text = f"a: !!python/object/apply:os.system ['touch {flag}']\n"
    with pytest.raises(ConfigError, match="could not determine a constructor"):
        load_yaml(text, "config.yaml")
    assert not flag.exists()
