"""The `kind: imap` source in the config, and where its password comes from."""

from __future__ import annotations

import textwrap

import pytest

from inbox_tui import secrets
from inbox_tui.config import ConfigError, ImapSourceConfig, parse_config
from inbox_tui.secrets import SecretError, source_password

MINIMAL = """\
sources:
  - name: shop
    kind: imap
    host: 127.0.0.1
    port: 1143
    tls: none
    username: seller@example.com
    password_env: SHOP_IMAP_PASSWORD
    folders: [INBOX]
"""


def imap(**overrides) -> ImapSourceConfig:
    fields = {"name": "shop", "kind": "imap", "host": "imap.example.com", "username": "u"}
    return ImapSourceConfig(**{**fields, **overrides})


def test_the_issues_minimal_config_loads():
    [source] = parse_config(MINIMAL).sources
    assert isinstance(source, ImapSourceConfig)
    assert (source.host, source.effective_port, source.tls) == ("127.0.0.1", 1143, "none")
    assert source.folders == ["INBOX"] and source.keep_gone and source.sent_folder is None


def test_port_defaults_follow_tls():
    assert imap(password_env="X").effective_port == 993
    assert imap(password_env="X", tls="starttls").effective_port == 143


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("127.0.0.1", "imap.example.com"),
            "config.yaml line 6: sources[0].tls: tls: none sends your password unencrypted"
            " to imap.example.com; use ssl or starttls, or set allow_insecure: true",
        ),
        (
            ("    password_env: SHOP_IMAP_PASSWORD\n", ""),
            "config.yaml line 2: sources[0]: set exactly one of password_command, password_env,"
            " keyring, password (found: none)",
        ),
        (
            ("    folders: [INBOX]\n", "    folders: [INBOX]\n    password: hunter2\n"),
            "config.yaml line 10: sources[0].password: set exactly one of password_command,"
            " password_env, keyring, password (found: password_env, password)",
        ),
        (
            ("tls: none", "tls: tls1.3"),
            "config.yaml line 6: sources[0].tls: expected one of 'ssl', 'starttls' or 'none',"
            " got 'tls1.3'",
        ),
        (
            ("port: 1143", "port: 99999"),
            "config.yaml line 5: sources[0].port: expected at most 65535, got 99999",
        ),
    ],
)
def test_bad_imap_settings_are_one_line_with_the_line(change, expected):
    with pytest.raises(ConfigError) as caught:
        parse_config(MINIMAL.replace(*change))
    assert str(caught.value) == expected


def test_insecure_to_a_remote_host_when_the_user_insists():
    text = MINIMAL.replace("127.0.0.1", "imap.example.com") + "    allow_insecure: true\n"
    [source] = parse_config(text).sources
    assert source.tls == "none" and source.allow_insecure


def test_password_from_a_command_the_environment_or_plain_text(monkeypatch, capsys):
    monkeypatch.setattr(secrets, "_warned", set())
    assert source_password(imap(password_command="printf 'pw1\\nignored'")) == "pw1"
    monkeypatch.setenv("SHOP_PW", "pw2")
    assert source_password(imap(password_env="SHOP_PW")) == "pw2"
    assert capsys.readouterr().err == ""
    assert source_password(imap(password="pw3")) == "pw3"
    assert source_password(imap(password="pw3")) == "pw3"
    warning = capsys.readouterr().err.splitlines()
    assert len(warning) == 1 and "plain text" in warning[0]  # once, not per use


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"password_command": "exit 3"}, "shop: the command for the password failed: exit code 3"),
        (
            {"password_command": "echo nope >&2; false"},
            "shop: the command for the password failed: nope",
        ),
        ({"password_command": "true"}, "shop: the command for the password printed nothing"),
        ({"password_env": "SURELY_UNSET_VAR"}, "the environment variable SURELY_UNSET_VAR"),
    ],
)
def test_password_problems_are_one_line(settings, message, monkeypatch):
    monkeypatch.delenv("SURELY_UNSET_VAR", raising=False)
    with pytest.raises(SecretError) as caught:
        source_password(imap(**settings))
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_example_style_empty_keys_mean_not_set():
    text = textwrap.dedent(
        """\
        sources:
          - name: shop
            kind: imap
            host: imap.example.com
            port:
            username: u
            password_command: pass show shop
            password_env:
            keyring:
            password:
        """
    )
    [source] = parse_config(text).sources
    assert source.password_command == "pass show shop" and source.password is None
