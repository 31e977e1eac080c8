"""The config's start cache (inbox_tui/config_cache.py): the first frame's settings without
pydantic, never stale, never holding a secret, and errors as `load_config` gives them."""

from __future__ import annotations

import json
import os
import stat
import textwrap
from dataclasses import fields, is_dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from inbox_tui import paths
from inbox_tui.config import Config, ConfigError, load_config
from inbox_tui.config_cache import PATHS, SECTIONS, StartConfig, load_start_config
from inbox_tui.secrets import source_password
from inbox_tui.sla import SlaPolicy

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.yaml"

SETTINGS = """
database: ~/shop/inbox.db
seller:
  name: Anatolia Textiles
  emails: [Hello@Shop.example, orders@shop.example]
  timezone: Europe/Istanbul
  signature: |
    Best,
    Ayşe
ui:
  theme: nord
  page_size: 120
  start_view: saved:refunds
  saved_searches:
    - {name: refunds, query: "tag:refund status:open"}
  keys: {main.undo: "ctrl+z,u"}
sla:
  targets: {ebay: 12h}
  business_hours: {days: [mon, tue, sat], start: "08:30", end: "18:00"}
sync: {interval_minutes: 15}
snooze: {wake_on_reply: false}
templates: my-templates
"""

SECRETS = """
sources:
  - name: shop
    kind: imap
    host: imap.example.com
    username: hello@shop.example
    password: plain-imap-hunter2
    smtp:
      host: smtp.example.com
      password_command: echo smtp-command-s3cret
  - name: backup
    kind: imap
    host: imap.example.com
    username: hello@shop.example
    password_env: SHOP_IMAP_PASSWORD
"""


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def entries() -> list[Path]:
    return sorted(paths.config_cache_dir().glob("config-*.json"))


def differences(start: StartConfig, config: Config) -> list[str]:
    """The dotted names of the first frame's settings whose plain values differ from the
    validated config's, and of the model fields the plain sections lack."""
    found: list[str] = []

    def compare(name: str, plain: Any, model: Any) -> None:
        if is_dataclass(plain) and hasattr(type(model), "model_fields"):
            names = {field.name for field in fields(plain)}
            found.extend(
                f"{name}.{key} (missing)" for key in type(model).model_fields.keys() - names
            )
            for key in names:
                compare(f"{name}.{key}", getattr(plain, key), getattr(model, key))
        elif isinstance(plain, SimpleNamespace):
            names = set(vars(plain))
            found.extend(
                f"{name}.{key} (missing)" for key in type(model).model_fields.keys() - names
            )
            for key in names:
                compare(f"{name}.{key}", getattr(plain, key), getattr(model, key))
        elif isinstance(plain, tuple):
            if len(plain) != len(model):
                found.append(name)
            for index, (one, other) in enumerate(zip(plain, model, strict=False)):
                compare(f"{name}[{index}]", one, other)
        elif plain != model or type(plain) is not type(model):
            found.append(f"{name}: {plain!r} != {model!r}")

    for section in (*PATHS, *SECTIONS):
        compare(section, getattr(start, section), getattr(config, section))
    for derived in ("database_path",):
        compare(derived, getattr(start, derived), getattr(config, derived))
    compare("seller.tzinfo", start.seller.tzinfo, config.seller.tzinfo)
    compare("sla policy", SlaPolicy.from_config(start), SlaPolicy.from_config(config))
    compare("source kinds", start.source_kinds, tuple(s.kind for s in config.sources))
    return found


def from_cache(path: Path | None) -> StartConfig:
    """A start that reads the cache (the second one: the first writes it)."""
    load_start_config(path)
    start = load_start_config(path)
    assert start._full is None, "the second start validated the file again: no cache hit"
    return start


@pytest.mark.parametrize("text", [SETTINGS, EXAMPLE.read_text(encoding="utf-8"), "", SECRETS])
def test_the_cached_settings_are_the_validated_ones(tmp_path: Path, text: str) -> None:
    config_file = write(tmp_path / "config.yaml", text)
    start = from_cache(config_file)
    assert differences(start, load_config(config_file)) == []
    assert start.full() == load_config(config_file)  # and the whole config, on demand


def test_no_file_at_the_default_place_is_the_defaults_and_is_cached_too() -> None:
    assert not paths.default_config_path().exists()
    start = from_cache(None)
    assert differences(start, Config()) == []
    assert start.full() == Config()


def test_an_edited_file_gives_its_new_values_at_once(tmp_path: Path) -> None:
    config_file = write(tmp_path / "config.yaml", SETTINGS)
    assert from_cache(config_file).ui.page_size == 120
    write(config_file, SETTINGS.replace("page_size: 120", "page_size: 80"))
    edited = load_start_config(config_file)
    assert edited.ui.page_size == 80
    assert from_cache(config_file).ui.page_size == 80
    config_file.unlink()  # given with --config and gone: the usual error, not the cached values
    with pytest.raises(ConfigError, match="not found"):
        load_start_config(config_file)


def test_home_changed_gives_the_new_home_for_a_tilde_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file = write(tmp_path / "config.yaml", SETTINGS)
    assert from_cache(config_file).database_path == tmp_path / "home" / "shop" / "inbox.db"
    monkeypatch.setenv("HOME", str(tmp_path / "elsewhere"))
    assert load_start_config(config_file).database_path == tmp_path / "elsewhere/shop/inbox.db"
    assert from_cache(config_file).database_path == tmp_path / "elsewhere/shop/inbox.db"


def test_secrets_never_reach_the_cache_and_an_env_password_is_read_at_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file = write(tmp_path / "config.yaml", SECRETS)
    monkeypatch.setenv("SHOP_IMAP_PASSWORD", "env-first-secret")
    start = from_cache(config_file)
    assert start.source_kinds == ("imap", "imap")
    (entry,) = entries()
    text = entry.read_text(encoding="utf-8")
    for secret in ("hunter2", "s3cret", "SHOP_IMAP_PASSWORD", "env-first", "imap.example.com"):
        assert secret not in text
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600  # and only its owner reads it
    # the sources come from the whole config, built from the file; the variable is read at use
    backup = start.full().sources[1]
    assert source_password(backup) == "env-first-secret"
    monkeypatch.setenv("SHOP_IMAP_PASSWORD", "env-second-secret")
    assert source_password(from_cache(config_file).full().sources[1]) == "env-second-secret"


def test_changed_code_is_a_miss(tmp_path: Path) -> None:
    config_file = write(tmp_path / "config.yaml", SETTINGS)
    from_cache(config_file)
    (entry,) = entries()
    module = tmp_path / "module.py"  # stands for a module of ours the validation ran
    module.write_text("x = 1\n")
    written = json.loads(entry.read_text(encoding="utf-8"))
    status = module.stat()
    written["code"].append([str(module), status.st_mtime_ns, status.st_size])
    written["values"]["ui"]["page_size"] = 999  # what an older validation would have said
    entry.write_text(json.dumps(written), encoding="utf-8")
    assert load_start_config(config_file).ui.page_size == 999  # the stamps match: a hit
    module.write_text("x = 2  # changed\n")
    assert load_start_config(config_file).ui.page_size == 120  # a changed module: validated anew


@pytest.mark.parametrize("damage", ["", "{", '{"key": 1}', "[]"])
def test_a_damaged_entry_is_a_miss(tmp_path: Path, damage: str) -> None:
    config_file = write(tmp_path / "config.yaml", SETTINGS)
    from_cache(config_file)
    (entry,) = entries()
    entry.write_text(damage, encoding="utf-8")
    assert load_start_config(config_file).ui.page_size == 120
    assert from_cache(config_file).ui.page_size == 120


def test_a_bad_file_is_the_same_error_after_a_good_one_was_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file = write(tmp_path / "config.yaml", SETTINGS)
    from_cache(config_file)
    write(config_file, SETTINGS.replace("page_size: 120", "page_size: 5"))
    with pytest.raises(ConfigError) as cached:
        load_start_config(config_file)
    with pytest.raises(ConfigError) as direct:
        load_config(config_file)
    assert cached.value.problems == direct.value.problems
    assert "ui.page_size: expected at least 20, got 5" in str(cached.value)
    monkeypatch.chdir(tmp_path)  # a relative --config: the error names it as it was given
    with pytest.raises(ConfigError) as relative:
        load_start_config(Path("config.yaml"))
    assert relative.value.problems == [
        "config.yaml line 12: ui.page_size: expected at least 20, got 5"
    ]
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(ConfigError, match="is a directory"):
        load_start_config(folder)


def test_a_cache_folder_that_cannot_be_written_costs_only_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setattr(paths, "config_cache_dir", lambda: blocked / "inbox-tui")
    config_file = write(tmp_path / "config.yaml", SETTINGS)
    assert load_start_config(config_file).ui.page_size == 120
    assert load_start_config(config_file).ui.page_size == 120
    assert not any(name.endswith(".tmp") for name in os.listdir(tmp_path))


def test_the_demo_has_no_sources_in_the_start_or_the_whole_config(tmp_path: Path) -> None:
    config_file = write(tmp_path / "config.yaml", SECRETS)
    for start in (load_start_config(config_file), from_cache(config_file)):
        demo = start.without_sources()
        assert demo.source_kinds == ()
        assert demo.full().sources == []
        assert start.full().sources != []
