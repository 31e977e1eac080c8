"""The config file: defaults, the example, one-line errors with the right line, and docs that cannot drift."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from inbox_tui import paths
from inbox_tui.config import (
    Config,
    ConfigError,
    ImapSourceConfig,
    MaildirSourceConfig,
    MboxSourceConfig,
    SmtpConfig,
    load_config,
    parse_config,
)
from inbox_tui.config_reference import config_reference
from inbox_tui.config_yaml import load_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.yaml"


def error_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | bytes) -> str:
    """Write `config.yaml` in a fresh directory, load it by its relative name, return the error."""
    monkeypatch.chdir(tmp_path)
    data = content if isinstance(content, bytes) else textwrap.dedent(content).lstrip("\n")
    target = tmp_path / "config.yaml"
    if isinstance(data, bytes):
        target.write_bytes(data)
    else:
        target.write_text(data, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(Path("config.yaml"))
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    return message


# --- defaults and the good path ---------------------------------------------------------------


def test_no_default_file_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "default_config_path", lambda: tmp_path / "absent" / "config.yaml")
    monkeypatch.setattr(paths, "default_db_path", lambda: tmp_path / "data" / "inbox.db")
    config = load_config()
    assert config == Config()
    assert config.database_path == tmp_path / "data" / "inbox.db"
    assert config.seller.name == "" and config.seller.emails == [] and config.seller.signature == ""
    assert config.seller.timezone == "UTC" and config.seller.tzinfo.utcoffset(None).seconds == 0
    assert config.sources == []
    assert config.ui.theme == "textual-dark" and config.ui.page_size == 60


def test_a_broken_default_file_is_still_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = tmp_path / "config.yaml"
    default.write_text("ui:\n  page_size: 3\n")
    monkeypatch.setattr(paths, "default_config_path", lambda: default)
    with pytest.raises(ConfigError, match=r"line 2: ui\.page_size: expected at least 20, got 3$"):
        load_config()


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n", "---\n", "~\n"])
def test_empty_file_means_defaults(tmp_path: Path, content: str) -> None:
    (tmp_path / "c.yaml").write_text(content)
    assert load_config(tmp_path / "c.yaml") == Config()


def test_example_loads_cleanly() -> None:
    config = load_config(EXAMPLE)
    home = Path.home()
    assert config.database_path == home / ".local/share/inbox-tui/inbox.db"
    assert config.seller.name == "Anatolia Textiles"
    assert config.seller.emails == ["hello@shop.example", "orders@shop.example"]
    assert config.seller.signature.startswith("--\n") and config.seller.signature.count("\n") == 3
    assert config.seller.timezone == "Europe/Istanbul"
    assert str(config.seller.tzinfo) == "Europe/Istanbul"
    assert config.sources[:3] == [
        MaildirSourceConfig(name="archive", kind="maildir", path=home / "Mail/shop"),
        MboxSourceConfig(name="old-mail", kind="mbox", path=home / "old.mbox"),
        ImapSourceConfig(
            name="shop",
            kind="imap",
            host="imap.example.com",
            username="hello@shop.example",
            password_command="pass show mail/shop",
            sent_folder="Sent",
            smtp=SmtpConfig(host="smtp.example.com"),
            from_address="Anatolia Textiles <hello@shop.example>",
        ),
    ]
    assert [source.kind for source in config.sources[3:]] == ["ebay"]
    assert [provider.kind for provider in config.orders.providers] == [
        "shopify",
        "woocommerce",
        "amazon",
    ]
    assert config.ui.theme == "textual-dark" and config.ui.page_size == 60


def test_paths_expand_home_and_resolve_against_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    file = tmp_path / "conf" / "config.yaml"
    file.write_text(
        "database: data/inbox.db\n"
        "sources:\n"
        "  - {name: a, kind: maildir, path: ~/Mail}\n"
        "  - {name: b, kind: mbox, path: ../old.mbox}\n"
    )
    config = load_config(file)
    assert config.database_path == tmp_path / "conf" / "data" / "inbox.db"
    assert config.sources[0].path == Path.home() / "Mail"
    assert config.sources[1].path == tmp_path / "conf" / ".." / "old.mbox"


def test_emails_are_lower_cased_and_empty_keys_take_defaults() -> None:
    config = parse_config("seller:\n  emails: [Hello@Shop.Example]\n  timezone:\nsources:\nui:\n")
    assert config.seller.emails == ["hello@shop.example"]
    assert config.seller.timezone == "UTC" and config.sources == [] and config.ui == Config().ui


def test_utf8_bom_is_accepted() -> None:
    assert parse_config(b"\xef\xbb\xbfseller:\n  name: Bob\n").seller.name == "Bob"


# --- one-line errors with the right line -------------------------------------------------------

CASES = {
    "malformed YAML": (
        """
        seller:
          name: x
        ui: theme: nord
        """,
        "config.yaml line 3, column 10: not valid YAML: mapping values are not allowed here",
    ),
    "tab indentation": (
        "seller:\n\tname: x\n",
        "config.yaml line 2, column 1: not valid YAML: found character '\\t' that cannot start"
        " any token (indent with spaces, not tabs)",
    ),
    "unclosed bracket": (
        """
        seller:
          emails: [hello@shop.example
          name: x
        """,
        "config.yaml line 3, column 7: not valid YAML: expected ',' or ']', but got ':'"
        " (in the flow sequence started at line 2, column 11)",
    ),
    "unclosed quote": (
        "seller:\n  name: 'Anatolia\n",
        "config.yaml line 3, column 1: not valid YAML: found unexpected end of stream"
        " (in the quoted scalar started at line 2, column 9)",
    ),
    "unknown nested key": (
        """
        seller:
          name: Anatolia Textiles
          emial: hello@shop.example
        """,
        "config.yaml line 3: seller.emial: unknown key (known: emails, name, signature, timezone)",
    ),
    "unknown top-level key": (
        "database: x.db\nsellers: {}\n",
        "config.yaml line 2: sellers: unknown key (known: auto_reply, database, orders, outbox, rules, rules_max_age, seller, sla, snooze, sources, sync, templates, ui)",
    ),
    "unknown key in a source": (
        """
        sources:
          - name: archive
            kind: maildir
            path: ~/Mail
            folder: INBOX
        """,
        "config.yaml line 5: sources[0].folder: unknown key (known: kind, name, path)",
    ),
    "wrong type": (
        """
        ui:
          theme: nord
          page_size: lots
        """,
        "config.yaml line 3: ui.page_size: expected a whole number, got 'lots'",
    ),
    "out of range": (
        "ui:\n  page_size: 10\n",
        "config.yaml line 2: ui.page_size: expected at least 20, got 10",
    ),
    "bad saved search": (
        """
        ui:
          saved_searches:
            - name: Refunds
              query: tag:refund
            - name: Late
              query: staus:open
        """,
        "config.yaml line 6: ui.saved_searches[1].query: not a valid search: unknown field"
        " 'staus:' at 0 — did you mean 'status:'?",
    ),
    "saved search of 1,000 filters": (  # it crashed every start ("Expression tree is too large")
        "ui:\n  saved_searches:\n    - name: Many\n      query: "
        + " ".join(f"tag:t{n}" for n in range(1000))
        + "\n",
        "config.yaml line 4: ui.saved_searches[0].query: not a valid search: too many terms at"
        " 790 — a search takes at most 100 words and filters",
    ),
    "duplicate saved search names": (
        "ui:\n  saved_searches:\n    - {name: A, query: x}\n    - {name: A, query: y}\n",
        "config.yaml line 4: ui.saved_searches[1]: duplicate saved search name 'A'"
        " (also saved_searches[0])",
    ),
    "mapping expected": (
        "seller: Anatolia Textiles\n",
        "config.yaml line 1: seller: expected a mapping (key: value), got 'Anatolia Textiles'",
    ),
    "list expected": (
        "seller:\n  emails: hello@shop.example\n",
        "config.yaml line 2: seller.emails: expected a list, got 'hello@shop.example'",
    ),
    "bad source kind": (
        """
        seller:
          name: x
        sources:
          - name: archive
            kind: maildir
            path: ~/Mail
          - name: work
            kind: imap4
            path: ~/x
        """,
        "config.yaml line 8: sources[1].kind: expected one of 'maildir', 'mbox', 'imap', 'ebay', got 'imap4'",
    ),
    "no source kind": (
        "sources:\n  - name: archive\n    path: ~/Mail\n",
        "config.yaml line 2: sources[0]: missing required key 'kind'"
        " (expected one of 'maildir', 'mbox', 'imap', 'ebay')",
    ),
    "bad email": (
        """
        seller:
          emails:
            - hello@shop.example
            - bob@
        """,
        "config.yaml line 4: seller.emails[1]: not a valid e-mail address: 'bob@'",
    ),
    "bad timezone": (
        "seller:\n  timezone: Europe/Istambul\n",
        "config.yaml line 2: seller.timezone: not a known IANA time zone: 'Europe/Istambul'"
        " (did you mean 'Europe/Istanbul'?)",
    ),
    "bad source name": (
        "sources:\n  - name: Old Mail\n    kind: mbox\n    path: x\n",
        "config.yaml line 2: sources[0].name: expected lower-case letters, digits, '-' and '_'"
        " only, got 'Old Mail'",
    ),
    "duplicate source names": (
        """
        sources:
          - name: archive
            kind: maildir
            path: ~/Mail
          - name: archive
            kind: mbox
            path: ~/old.mbox
        """,
        "config.yaml line 5: sources[1].name: duplicate source name 'archive' (also sources[0])",
    ),
    "duplicate keys": (
        """
        seller:
          name: Anatolia Textiles
          timezone: UTC
          name: Other
        """,
        "config.yaml line 4: seller.name: duplicate key (first at line 2)",
    ),
    "missing required path": (
        """
        sources:
          - name: archive
            kind: maildir
            path: ~/Mail
          - name: old-mail
            kind: mbox
        """,
        "config.yaml line 5: sources[1].path: missing required key",
    ),
    "empty required path": (
        "sources:\n  - name: a\n    kind: mbox\n    path:\n",
        "config.yaml line 4: sources[0].path: expected a path, got nothing",
    ),
    "misspelled required key": (
        "sources:\n  - name: a\n    kind: mbox\n    pth: x\n",
        "config.yaml line 4: sources[0].pth: unknown key (known: kind, name, path) (and 1 more)",
    ),
    "several errors": (
        "ui:\n  page_size: 1\n  theme: 3\nfoo: 1\n",
        "config.yaml line 2: ui.page_size: expected at least 20, got 1 (and 2 more)",
    ),
    "top-level list": (
        "- seller\n- ui\n",
        "config.yaml line 1: expected a mapping of settings (key: value), got a list",
    ),
    "not a real date": (
        "seller:\n  name: 2024-13-01\n",
        "config.yaml line 2, column 9: not valid YAML: not a valid date: '2024-13-01'"
        " (month must be in 1..12)",
    ),
    "python tag": (
        "seller: !!python/object:os.system x\n",
        "config.yaml line 1, column 9: not valid YAML: could not determine a constructor for"
        " the tag 'tag:yaml.org,2002:python/object:os.system'",
    ),
    "two documents": (
        "seller: {}\n---\nui: {}\n",
        "config.yaml line 2, column 1: not valid YAML: expected a single document in the"
        " stream, but found another document",
    ),
    "control character": (
        "seller:\n  name: a\x00b\n",
        "config.yaml line 2: not valid YAML: control character U+0000 not allowed",
    ),
    "escapes stay escaped": (
        'seller:\n  emails: ["\\e[31m\\nx@"]\n',
        "config.yaml line 2: seller.emails[0]: not a valid e-mail address: '\\x1b[31m\\nx@'",
    ),
}


@pytest.mark.parametrize("content, expected", CASES.values(), ids=CASES.keys())
def test_bad_input_gives_one_exact_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, expected: str
) -> None:
    assert error_for(tmp_path, monkeypatch, content) == expected


def test_binary_garbage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    garbage = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x80"
    assert error_for(tmp_path, monkeypatch, garbage) == (
        "config.yaml line 1: not UTF-8 text (byte 0x89); is it a YAML file?"
    )


def test_explicit_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_config(Path("config.yaml"))
    assert str(caught.value) == (
        "config.yaml: not found (create it from config.example.yaml or pass --config)"
    )


def test_a_directory_is_not_a_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.yaml").mkdir()
    with pytest.raises(ConfigError) as caught:
        load_config(Path("config.yaml"))
    assert str(caught.value) == "config.yaml: is a directory, expected a YAML file"


def test_error_names_the_file_as_given(tmp_path: Path) -> None:
    file = tmp_path / "my config.yml"
    file.write_text("ui:\n  page_size: 7\n")
    with pytest.raises(ConfigError) as caught:
        load_config(file)
    assert str(caught.value).startswith(f"{file} line 2: ui.page_size:")
    assert (caught.value.file, caught.value.line) == (str(file), 2)


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nested too deeply"):
        parse_config("a: " + "[" * 5000 + "]" * 5000 + "\n")


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    bomb = "\n".join(lines) + "\nseller:\n  emails: *i\n"
    with pytest.raises(ConfigError, match=r"line 1: a: unknown key .*\(and \d+ more\)$"):
        parse_config(bomb)


def test_recursive_alias_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"line 1: sources\[0\]: expected a mapping"):
        parse_config("sources: &s [*s]\n")


# --- the documentation cannot drift from the models --------------------------------------------


def _models_below(annotation: Any) -> list[type[BaseModel]]:
    """Every model reachable from a field type: through lists, Optional, and tagged unions."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if get_origin(annotation) in (list, Annotated, Union) or type(annotation).__name__ in (
        "UnionType",
    ):
        return [m for arg in get_args(annotation) for m in _models_below(arg)]
    return []


def _key(name: str, field: Any) -> str:
    return field.alias or name  # `from`, not the Python name `from_address`


def _field_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """('seller', 'emails'), ('sources', 'kind=mbox', 'path'), ...: every key of every model;
    a `kind=…` step picks the member of a list of models told apart by their `kind`."""
    found = set()
    for name, field in model.model_fields.items():
        key = _key(name, field)
        found.add(prefix + (key,))
        for inner in _models_below(field.annotation):
            kind = inner.model_fields.get("kind")
            tag = (f"kind={get_args(kind.annotation)[0]}",) if kind else ()
            found |= _field_paths(inner, prefix + (key,) + tag)
    return found


def _all_models(model: type[BaseModel]) -> set[type[BaseModel]]:
    found = {model}
    for field in model.model_fields.values():
        for inner in _models_below(field.annotation):
            found |= _all_models(inner)
    return found


def test_field_walk_sees_every_source_kind() -> None:
    kinds = {path[1] for path in _field_paths(Config) if path[0] == "sources" and len(path) == 3}
    assert kinds == {"kind=maildir", "kind=mbox", "kind=imap", "kind=ebay"}


def test_every_key_is_set_and_commented_in_the_example() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    lines = text.splitlines()
    data, positions = load_yaml(text, str(EXAMPLE))
    for path in sorted(_field_paths(Config)):
        located = _in_example(data, path)
        assert located in positions, f"config.example.yaml does not set {'.'.join(path)}"
        line = positions[located][0]
        above = lines[line - 2].strip() if line >= 2 else ""
        assert "#" in lines[line - 1] or above.startswith("#"), (
            f"config.example.yaml line {line}: {'.'.join(path)} has no comment"
        )


def _in_example(data: Any, path: tuple[str, ...]) -> tuple[Any, ...]:
    """`path` in the example's data: a list is entered at the first item of the `kind=…` the
    path names, else at its first item (('ui', 'saved_searches', 'name') is set at
    ('ui', 'saved_searches', 0, 'name'))."""
    located: list[Any] = []
    for step, key in enumerate(path):
        if key.startswith("kind="):
            continue
        if isinstance(data, list) and data:
            index = 0
            before = path[step - 1] if step else ""
            wanted = before[5:] if before.startswith("kind=") else None
            if wanted is not None:
                found = [i for i, item in enumerate(data) if item.get("kind") == wanted]
                assert found, f"config.example.yaml has no item of kind {wanted!r}"
                index = found[0]
            located.append(index)
            data = data[index]
        located.append(key)
        data = data.get(key) if isinstance(data, dict) else None
    return tuple(located)


def _reference_key(path: tuple[str, ...]) -> str:
    """How docs/config.md names a key: `sources[].path`, `orders.providers[].api_version`."""
    parts = [part for part in path if not part.startswith("kind=")]
    model: Any = Config
    for index, part in enumerate(parts[:-1]):
        field = next(f for n, f in model.model_fields.items() if _key(n, f) == part)
        below = _models_below(field.annotation)
        if get_origin(field.annotation) is list:
            parts[index] = part + "[]"
        kind = next((p[5:] for p in path if p.startswith("kind=")), None)
        tagged = [m for m in below if "kind" in m.model_fields]
        model = next(
            (m for m in tagged if get_args(m.model_fields["kind"].annotation)[0] == kind),
            below[0],
        )
    return ".".join(parts)


def test_every_field_and_model_is_described() -> None:
    for model in _all_models(Config):
        assert (model.__doc__ or "").strip(), f"{model.__name__} has no docstring"
        for name, field in model.model_fields.items():
            assert (field.description or "").strip(), f"{model.__name__}.{name} has no description"


def test_docs_config_md_is_generated() -> None:
    docs = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    assert docs == config_reference() + "\n", (
        "docs/config.md is stale: run `python -m inbox_tui.config_reference > docs/config.md`"
    )


def test_reference_lists_every_key() -> None:
    reference = config_reference()
    for path in _field_paths(Config):
        dotted = _reference_key(path)
        assert f"| `{dotted}` |" in reference, dotted


def test_import_is_cheap() -> None:
    heavy = "('textual', 'rich', 'sqlite_utils', 'sqlite3')"
    code = f"import sys, inbox_tui.config; print([m for m in {heavy} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"
