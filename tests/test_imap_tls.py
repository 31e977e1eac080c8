"""TLS to a Dovecot with a self-signed certificate: refused by default, accepted with its CA."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from inbox_tui.channels.imap.sync import ImapSyncError, sync_source
from inbox_tui.config import ImapSourceConfig
from tests.mailgen import make_mail

if TYPE_CHECKING:
    from tests.dovecot import Dovecot

pytest_plugins = ["tests.dovecot"]  # the real-Dovecot fixtures


def tls_source(server: Dovecot, monkeypatch, **overrides) -> ImapSourceConfig:
    account = server.add_user()
    client = account.client()  # plain login on loopback: the server allows it for the tests
    client.append("INBOX", make_mail(message_id="<tls@x>"))
    client.logout()
    monkeypatch.setenv("TLS_TEST_PASSWORD", account.password)
    fields = {
        "name": "shop",
        "kind": "imap",
        "host": "127.0.0.1",
        "port": server.tls_port,
        "tls": "ssl",
        "username": account.username,
        "password_env": "TLS_TEST_PASSWORD",
    }
    return ImapSourceConfig(**{**fields, **overrides})


def test_self_signed_certificate_is_refused_by_default(store, dovecot_tls_server, monkeypatch):
    source = tls_source(dovecot_tls_server, monkeypatch)
    with pytest.raises(ImapSyncError) as caught:
        sync_source(store, source)
    message = str(caught.value)
    assert message.startswith(
        f"TLS certificate of 127.0.0.1:{dovecot_tls_server.tls_port} not trusted"
    )
    assert "self-signed" in message and "\n" not in message


@pytest.mark.parametrize("mode", ["ssl", "starttls"])
def test_accepted_with_its_ca_file(store, dovecot_tls_server, monkeypatch, mode):
    server = dovecot_tls_server
    port = server.tls_port if mode == "ssl" else server.port
    cert = server.ssl_cert[0]
    source = tls_source(server, monkeypatch, tls=mode, port=port, ca_file=str(cert))
    [result] = sync_source(store, source)
    assert result.new == 1 and result.failed is None


def test_starttls_without_the_ca_is_refused(store, dovecot_tls_server, monkeypatch):
    source = tls_source(
        dovecot_tls_server, monkeypatch, tls="starttls", port=dovecot_tls_server.port
    )
    with pytest.raises(ImapSyncError, match="not trusted"):
        sync_source(store, source)
