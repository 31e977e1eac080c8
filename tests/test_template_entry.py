"""A template entry checked by hand (template_entry.plain_entry, no pydantic on the way to the
first `r`) gives what pydantic's model gives, and leaves to the model every entry it would
refuse or change: the library and its errors are what they were."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inbox_tui import template_entry, templates
from inbox_tui.config_yaml import load_yaml
from inbox_tui.template_entry import entry_errors, plain_entry
from inbox_tui.templates import TemplateError, load_templates, parse_templates, shipped_templates

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "inbox_tui" / "data" / "templates").glob("*.yaml"))

GOOD = {"key": "wismo", "name": "Where is my order", "body": "Hi {{ customer.name }}"}

# each changes GOOD in one way: plain, odd, or wrong
VARIANTS: dict[str, dict[str, Any]] = {
    "as is": {},
    "every field": {
        "subject": "Your order {{ order.number }}",
        "channels": ["email", "amazon"],
        "language": "de",
        "tags": ["shipping"],
        "status": "pending",
        "keywords": ["where", "parcel"],
        "examples": ["Where is it?"],
    },
    "language to tidy": {"language": "  TR "},
    "null subject": {"subject": None},
    "null status": {"status": None},
    "empty lists": {"channels": [], "tags": [], "keywords": [], "examples": []},
    "a surrogate": {"body": "odd \ud800 text"},
    "a surrogate in a list": {"tags": ["\udfff"]},
    "a surrogate for a name": {"name": "\ud800"},
    "spaces for a name": {"name": "  "},
    "non-ASCII": {"name": "Siparişim nerede?", "body": "Merhaba {{ customer.first_name }} 🧵"},
    # what the model refuses, or takes in a form of its own
    "unknown key": {"colour": "red"},
    "no key": {"key": None},
    "no body": {"body": None},
    "empty name": {"name": ""},
    "bad key": {"key": "Where Is"},
    "long key": {"key": "k" * 33},
    "int key": {"key": 12},
    "bool name": {"name": True},
    "int body": {"body": 5},
    "unknown channel": {"channels": ["fax"]},
    "channels as text": {"channels": "email"},
    "null channels": {"channels": None},
    "int in tags": {"tags": ["a", 1]},
    "tuple keywords": {"keywords": ("a", "b")},
    "bad status": {"status": "done"},
    "status with spaces": {"status": " open"},
    "bad language": {"language": "english"},
    "int language": {"language": 12},
    "null language": {"language": None},
    "date subject": {"subject": __import__("datetime").date(2024, 1, 2)},
    "bytes body": {"body": b"binary"},
    "int dict key": {1: "x"},
}


def entries_of(path: Path) -> list[dict[str, Any]]:
    data, _ = load_yaml(path.read_text(encoding="utf-8"), str(path))
    return list(data)


def the_models(entry: Any) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in template_entry.known_keys()}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_entry_is_checked_by_hand_as_the_model_would(path: Path) -> None:
    for item in entries_of(path):
        plain = plain_entry(item)
        errors, model = entry_errors(item)
        assert errors == [] and plain is not None  # the fast way, for each shipped one
        assert vars(plain) == the_models(model)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_an_entry_checked_by_hand_is_the_models_or_left_to_it(name: str) -> None:
    item = {**GOOD, **VARIANTS[name]}
    item = {k: v for k, v in item.items() if v is not None or k in ("subject", "status")}
    plain = plain_entry(item)
    errors, model = entry_errors(item)
    if plain is not None:
        assert errors == []
        assert vars(plain) == the_models(model)
        assert {k: type(v) for k, v in vars(plain).items()} == {
            k: type(v) for k, v in the_models(model).items()
        }
    if errors:
        assert plain is None


def test_the_plain_ones_are_checked_by_hand() -> None:
    plain = [n for n in VARIANTS if plain_entry({**GOOD, **VARIANTS[n]}) is not None]
    assert {"as is", "every field", "language to tidy", "non-ASCII"} <= set(plain)


def test_the_library_and_its_errors_are_the_same_without_the_hand_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- key: ok\n  name: Fine\n  body: Hi\n"
        "- key: Bad Key\n  name: ''\n  body: Hi\n  colour: red\n"
        "- key: two\n  name: Two\n  body: Hi\n  channels: [fax]\n  language: english\n",
        encoding="utf-8",
    )
    fast_library = shipped_templates()
    with pytest.raises(TemplateError) as fast_error:
        load_templates(bad)
    fast_problems = [str(p) for p in templates._parse_entries(bad.read_text(), str(bad))[1]]

    monkeypatch.setattr(templates, "plain_entry", lambda item: None)
    assert shipped_templates() == fast_library
    with pytest.raises(TemplateError) as model_error:
        load_templates(bad)
    assert str(fast_error.value) == str(model_error.value)
    assert [str(p) for p in templates._parse_entries(bad.read_text(), str(bad))[1]] == (
        fast_problems
    )
    assert len(fast_problems) == 5 and "unknown key" in " ".join(fast_problems)
    assert [t.key for t in parse_templates(bad.read_text().split("- key: Bad")[0])] == ["ok"]
