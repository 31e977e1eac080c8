"""Tokens never cross the network in clear: `http://` only to this machine (refused at config
load otherwise), redirects never followed, and a certificate that does not verify is said to
be one, not "offline". Real loopback servers, HTTPS with a self-signed certificate."""

from __future__ import annotations

import shutil
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from inbox_tui.channels.shopify.orders import ShopifyOrders
from inbox_tui.config import (
    ConfigError,
    EbaySourceConfig,
    ShopifyOrdersConfig,
    parse_config,
)
from inbox_tui.domain.orders import OrderQuery
from inbox_tui.marketplaces.http import ApiClient, ApiError
from inbox_tui.sla import DEFAULT_POLICY
from inbox_tui.syncing import sync_one
from tests.dovecot import self_signed_cert
from tests.servers import LoopbackServer, Reply, Request
from tests.servers.amazon import AmazonServer
from tests.servers.ebay import EbayServer
from tests.servers.shopify import ShopifyServer
from tests.servers.woocommerce import WooCommerceServer
from tests.test_cli import assert_one_line_error, run
from tests.test_order_providers import ORDER, amazon_provider, shopify_provider, woo_provider

# --- http:// at config load -------------------------------------------------------------------

EBAY = """\
sources:
  - name: ebay-shop
    kind: ebay
    base_url: {base}
    token_url: {token}
    client_id: app-id
    client_secret_env: EBAY_SECRET
    refresh_token_env: EBAY_REFRESH
"""
ORDERS = """\
orders:
  providers:
    - name: shop
      kind: shopify
      base_url: {shopify}
      access_token_env: SHOPIFY_TOKEN
    - name: woo
      kind: woocommerce
      base_url: {woo}
      consumer_key: ck_test
      consumer_secret_env: WOO_SECRET
    - name: amz
      kind: amazon
      base_url: {amazon}
      token_url: {lwa}
      client_id: amzn1.application-oa2-client.test
      client_secret_env: LWA_SECRET
      refresh_token_env: LWA_REFRESH
"""
SAFE = {
    "base": "https://api.ebay.com",
    "token": "https://api.ebay.com/identity/v1/oauth2/token",
    "shopify": "https://x.myshopify.com",
    "woo": "https://shop.example",
    "amazon": "https://sellingpartnerapi-eu.amazon.com",
    "lwa": "https://api.amazon.com/auth/o2/token",
}


def config_text(**urls: str) -> str:
    values = {**SAFE, **urls}
    return EBAY.format(**values) + ORDERS.format(**values)


@pytest.mark.parametrize(
    ("url", "line", "where"),
    [
        ("base", 4, "sources[0].base_url"),
        ("token", 5, "sources[0].token_url"),
        ("shopify", 13, "orders.providers[0].base_url"),
        ("woo", 17, "orders.providers[1].base_url"),
        ("amazon", 22, "orders.providers[2].base_url"),
        ("lwa", 23, "orders.providers[2].token_url"),
    ],
)
def test_http_to_another_host_is_refused_at_load_naming_the_key(url, line, where) -> None:
    path = "" if url == "base" else "/x"  # eBay's base_url is a root, without a path
    text = config_text(**{url: f"http://api.example.com:8080{path}"})
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert str(caught.value) == (
        f"config.yaml line {line}: {where}: http:// sends your token unencrypted to"
        " api.example.com; use https://, or set allow_insecure: true"
    )


def test_allow_insecure_lets_the_seller_insist() -> None:
    text = config_text(base="http://ebay.lan", token="http://ebay.lan/t", lwa="http://lwa.lan/t")
    for secret in (
        "    refresh_token_env: EBAY_REFRESH\n",
        "      refresh_token_env: LWA_REFRESH\n",
    ):
        indent = secret[: len(secret) - len(secret.lstrip())]
        text = text.replace(secret, f"{secret}{indent}allow_insecure: true\n")
    config = parse_config(text)
    assert config.sources[0].base_url == "http://ebay.lan"
    assert config.orders.providers[2].token_url == "http://lwa.lan/t"


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "127.0.0.2", "LOCALHOST"]
)
def test_http_to_this_machine_is_fine(host: str) -> None:
    urls = {key: f"http://{host}" for key in SAFE}
    config = parse_config(config_text(**urls))
    assert config.sources[0].base_url == f"http://{host}"


def test_the_cli_refuses_it_in_one_line_before_anything_is_sent(tmp_path: Path) -> None:
    with Recorder() as elsewhere:
        # 127.0.0.1 spelled as another host name cannot be told from a remote one: refused
        url = elsewhere.url.replace("127.0.0.1", "ebay-test.example")
        config = tmp_path / "config.yaml"
        config.write_text(
            f"database: {tmp_path / 'inbox.db'}\n" + config_text(base=url, token=url + "/t")
        )
        result = run("--config", str(config), "sync", env={"EBAY_SECRET": "s", "EBAY_REFRESH": "r"})
    assert_one_line_error(
        result,
        "config.yaml line 5: sources[0].base_url: http:// sends your token unencrypted to"
        " ebay-test.example",
    )
    assert elsewhere.seen == []


# --- redirects --------------------------------------------------------------------------------


class Recorder(LoopbackServer):
    """Somewhere a redirect might point: records every request's headers, answers 200."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[dict[str, str]] = []

    def handle(self, request: Request) -> Reply:
        self.seen.append(request.headers)
        return Reply(200, {"orders": {"edges": [], "pageInfo": {"hasNextPage": False}}})


@pytest.fixture
def elsewhere() -> Iterator[Recorder]:
    with Recorder() as server:
        yield server


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_so_the_token_stays_home(
    status: int, elsewhere: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Shopify's token is a header of its own, which httpx would carry along a redirect
    # (it drops only Authorization when the host changes)
    with ShopifyServer() as shopify:
        monkeypatch.setenv("SHOPIFY_TOKEN", shopify.token)
        shopify.fail_next(status, {}, headers={"Location": elsewhere.url + "/steal?x=1"})
        provider = ShopifyOrders(
            ShopifyOrdersConfig(
                name="shop", kind="shopify", base_url=shopify.url, access_token_env="SHOPIFY_TOKEN"
            )
        )
        with pytest.raises(ApiError) as caught:
            provider.orders_for(OrderQuery(email="jane@example.com"))
        provider.close()
    assert elsewhere.seen == []
    assert str(caught.value) == (
        f"Shopify (shop): POST /admin/api/2025-10/graphql.json was redirected to {elsewhere.url}"
        f" (HTTP {status}); not followed, your token goes only to base_url: check base_url"
    )


def test_https_redirecting_to_http_gets_no_token(
    tls_cert, elsewhere: Recorder, store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_cert[0]))  # trust the loopback eBay's CA
    ebay = EbayServer()
    ebay.tls = tls_cert
    with ebay:
        monkeypatch.setenv("EBAY_TOKEN", ebay.issue_token())
        ebay.fail_next(307, {}, headers={"Location": elsewhere.url + "/commerce/message/v1/x"})
        source = EbaySourceConfig(
            name="ebay-shop",
            kind="ebay",
            base_url=ebay.url,
            access_token_env="EBAY_TOKEN",
            username="anatolia_textiles",
        )
        assert ebay.url.startswith("https://")
        outcome = sync_one(store, source, seller_emails=frozenset(), sla=DEFAULT_POLICY)
    assert elsewhere.seen == []
    assert "was redirected to http://127.0.0.1:" in outcome.failed
    assert "not followed" in outcome.failed and not outcome.offline


# --- certificates -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.fail("openssl is not installed (the tests need it to make a certificate)")
    return self_signed_cert(tmp_path_factory.mktemp("tls"))


def untrusted(server: LoopbackServer) -> str:
    host = server.url.removeprefix("https://")
    return (
        f"TLS certificate of {host} not trusted: self-signed certificate; nothing was sent"
        " (check base_url, and whether something on your network intercepts TLS)"
    )


def test_a_self_signed_certificate_is_not_offline_and_not_retried(tls_cert) -> None:
    server = Recorder()
    server.tls = tls_cert
    waits: list[float] = []
    with (
        server,
        ApiClient("shop", server.url, sleep=waits.append) as client,
        pytest.raises(ApiError) as caught,
    ):
        expected = "shop: " + untrusted(server)
        client.get_json("/items")
    assert str(caught.value) == expected
    assert not caught.value.offline and caught.value.status is None
    assert waits == [] and server.seen == []


def test_the_same_server_is_fine_once_its_ca_is_trusted(
    tls_cert, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_cert[0]))  # httpx reads it per client
    server = Recorder()
    server.tls = tls_cert
    with server, ApiClient("shop", server.url) as client:
        assert client.get_json("/items")["orders"]["edges"] == []
    assert len(server.seen) == 1


def _ebay(server: EbayServer, store) -> str:
    source = EbaySourceConfig(
        name="ebay-shop", kind="ebay", base_url=server.url, access_token_env="EBAY_TOKEN"
    )
    outcome = sync_one(store, source, seller_emails=frozenset(), sla=DEFAULT_POLICY)
    assert not outcome.offline
    return f"ebay-shop: {outcome.failed}"


def _shopify(server: ShopifyServer, store) -> str:
    return _lookup(shopify_provider(server), OrderQuery(email="jane@example.com"))


def _woo(server: WooCommerceServer, store) -> str:
    return _lookup(woo_provider(server), OrderQuery(email="jane@example.com"))


def _amazon(server: AmazonServer, store) -> str:
    return _lookup(amazon_provider(server), OrderQuery(order_numbers=(ORDER,)))


def _lookup(provider, query: OrderQuery) -> str:
    with pytest.raises(ApiError) as caught:
        provider.orders_for(query)
    provider.close()
    assert not caught.value.offline
    return str(caught.value)


@pytest.mark.parametrize(
    ("make", "use", "service"),
    [
        (EbayServer, _ebay, "ebay-shop"),
        (ShopifyServer, _shopify, "Shopify (shop)"),
        (WooCommerceServer, _woo, "WooCommerce (woo)"),
        (AmazonServer, _amazon, "Amazon SP-API (amz) token endpoint"),
    ],
)
def test_every_marketplace_says_certificate_not_offline(
    make: Callable[[], LoopbackServer],
    use: Callable[..., str],
    service: str,
    tls_cert,
    store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("EBAY_TOKEN", "SHOPIFY_TOKEN", "WOO_SECRET", "LWA_SECRET", "LWA_REFRESH"):
        monkeypatch.setenv(name, "whatever")  # never sent: the handshake fails first
    server = make()
    server.tls = tls_cert
    with server:
        expected = untrusted(server)
        text = use(server, store)
    assert text.startswith(f"{service}: ") and text.endswith(expected), text
    assert "offline" not in text and "cannot reach" not in text
    assert server.log == []


def test_smtp_says_certificate_too(tls_cert, store, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the seller reads for the same certificate from an SMTP server (implicit TLS)."""
    from aiosmtpd.controller import Controller

    from inbox_tui.outbox.sender import send_due
    from inbox_tui.store.outbox import get_entry
    from tests.smtp_sink import free_port
    from tests.test_send import CONFIG, NOW, USERNAME, queued

    monkeypatch.setenv("SHOP_SMTP_PASSWORD", "unused")
    monkeypatch.setenv("SHOP_IMAP_PASSWORD", "unused")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_cert)
    port = free_port()
    text = CONFIG.format(imap_port=9, smtp_port=port, smtp_user=USERNAME)
    config = parse_config(text.replace("      tls: none", "      tls: ssl"))  # the smtp's
    controller = Controller(object(), hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        _, outbox_id = queued(store, config)
        send_due(store, config, now=NOW)
    finally:
        controller.stop()
    error = get_entry(store, outbox_id).last_error
    assert error.startswith(f"TLS certificate of 127.0.0.1:{port} not trusted: self-signed")
