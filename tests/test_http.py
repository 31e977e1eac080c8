"""The shared HTTP client over real loopback sockets: retries, 429, token refresh, one-line errors."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from inbox_tui.marketplaces.http import ApiClient, ApiError, BasicAuth, OAuthRefresh, StaticAuth
from tests.ports import held_closed_port
from tests.servers import LoopbackServer, Reply, Request
from tests.servers.ebay import TOKEN_PATH, EbayServer


class ItemsServer(LoopbackServer):
    """A tiny API: GET /items needs the header X-Key: k1; POST /items echoes; /slow sleeps."""

    def __init__(self) -> None:
        super().__init__()
        self.key = "k1"
        self.seen_auth: list[str | None] = []

    def handle(self, request: Request) -> Reply:
        self.seen_auth.append(request.headers.get("authorization"))
        if request.path == "/slow":
            time.sleep(1.0)
            return Reply(200, {"ok": True})
        if request.headers.get("x-key", self.key) != self.key:
            return Reply(401, {"message": "bad key"})
        if request.path == "/items" and request.method == "GET":
            return Reply(200, {"items": [1, 2, 3], "q": request.arg("q")})
        if request.path == "/items" and request.method == "POST":
            return Reply(201, request.json())
        if request.path == "/empty":
            return Reply(204, None)
        return Reply(404, {"errors": [{"message": "no such thing"}]})


@pytest.fixture
def items():
    with ItemsServer() as server:
        yield server


@pytest.fixture
def ebay():
    with EbayServer() as server:
        yield server


class Sleeps:
    """Records the client's waits instead of waiting (the requests themselves are real)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def test_get_and_post_json(items: ItemsServer) -> None:
    with ApiClient("shop", items.url) as client:
        assert client.get_json("/items", params={"q": "ç x"}) == {"items": [1, 2, 3], "q": "ç x"}
        assert client.post_json("items", {"a": 1}) == {"a": 1}
        assert client.request("GET", "/empty", expect=(204,)).status_code == 204
        assert client.requests == 3


def test_post_json_of_an_empty_answer_is_none(items: ItemsServer) -> None:
    with ApiClient("shop", items.url) as client:
        items.fail_next(204, b"")
        assert client.post_json("/items", {"a": 1}, expect=(204,)) is None


def test_500_then_success_is_retried_with_backoff(items: ItemsServer) -> None:
    sleeps = Sleeps()
    items.fail_next(500, times=2)
    with ApiClient("shop", items.url, sleep=sleeps) as client:
        assert client.get_json("/items")["items"] == [1, 2, 3]
    assert len(sleeps.waits) == 2 and sleeps.waits[1] > sleeps.waits[0] > 0


def test_5xx_that_never_ends_is_one_line_after_the_retries(items: ItemsServer) -> None:
    items.fail_next(
        503, {"errors": [{"message": "Service\x1b[31m down\nfor maintenance"}]}, times=10
    )
    with (
        ApiClient("shop", items.url, retries=2, sleep=Sleeps()) as client,
        pytest.raises(ApiError) as caught,
    ):
        client.get_json("/items")
    text = str(caught.value)
    assert caught.value.status == 503 and not caught.value.offline
    assert text.startswith("shop: GET /items failed: HTTP 503 (Service down for maintenance)")
    assert "3 tries" in text and "\n" not in text and "\x1b" not in text
    assert items.requests_to("/items") == 3


def test_429_waits_as_long_as_retry_after_says(items: ItemsServer) -> None:
    sleeps = Sleeps()
    items.fail_next(429, {"errors": [{"message": "slow down"}]}, headers={"Retry-After": "7"})
    when = datetime.now(UTC) + timedelta(seconds=30)
    items.fail_next(429, {}, headers={"Retry-After": format_datetime(when, usegmt=True)})
    items.fail_next(429, {}, headers={"Retry-After": "86400"})
    with ApiClient("shop", items.url, sleep=sleeps) as client:
        assert client.get_json("/items")["items"] == [1, 2, 3]
    assert sleeps.waits[0] == 7
    assert 25 < sleeps.waits[1] <= 30
    assert sleeps.waits[2] == 60  # capped


def test_unreachable_server_is_offline_in_one_line() -> None:
    sleeps = Sleeps()
    with (
        held_closed_port() as port,  # nothing listens there
        ApiClient("shop", f"http://127.0.0.1:{port}", sleep=sleeps) as client,
        pytest.raises(ApiError) as caught,
    ):
        client.get_json("/items")
    assert caught.value.offline and caught.value.status is None
    assert str(caught.value).startswith(f"shop: cannot reach 127.0.0.1:{port}")
    assert "offline" in str(caught.value) and len(sleeps.waits) == 4


def test_a_timeout_is_retried_then_offline(items: ItemsServer) -> None:
    with (
        ApiClient("shop", items.url, timeout=0.2, retries=1, sleep=Sleeps()) as client,
        pytest.raises(ApiError) as caught,
    ):
        client.get_json("/slow")
    assert caught.value.offline and "timed out" in str(caught.value)


def test_malformed_json_is_one_line(items: ItemsServer) -> None:
    items.malformed_next()
    with ApiClient("shop", items.url) as client, pytest.raises(ApiError) as caught:
        client.get_json("/items")
    assert str(caught.value) == (
        "shop: GET /items answered with malformed JSON; nothing was stored from it, try again later"
    )


def test_other_statuses_name_the_call_and_the_servers_reason(items: ItemsServer) -> None:
    with ApiClient("shop", items.url) as client, pytest.raises(ApiError) as caught:
        client.get_json("/nope", params={"email": "a@b.example"})
    assert (
        str(caught.value)
        == "shop: GET /nope failed: HTTP 404 (no such thing); not found; check base_url"
    )
    assert "a@b.example" not in str(caught.value)  # query strings stay out of messages


def test_static_auth_cannot_refresh_so_401_is_reported(items: ItemsServer) -> None:
    with (
        ApiClient("shop", items.url, auth=StaticAuth({"X-Key": "wrong"})) as client,
        pytest.raises(ApiError) as caught,
    ):
        client.get_json("/items")
    assert caught.value.status == 401 and "get a new one" in str(caught.value)
    assert items.requests_to("/items") == 1


def test_basic_auth_header(items: ItemsServer) -> None:
    with ApiClient("woo", items.url, auth=BasicAuth("ck_1", "cs_2")) as client:
        client.get_json("/items")
    assert items.seen_auth[-1] == "Basic Y2tfMTpjc18y"


def _oauth(ebay: EbayServer, **kw) -> OAuthRefresh:
    return OAuthRefresh(
        "ebay-shop",
        ebay.url + TOKEN_PATH,
        client_id=kw.pop("client_id", "app-id"),
        client_secret="cert-secret",
        refresh_token=kw.pop("refresh_token", "v^1.1#refresh"),
        scope="https://api.ebay.com/oauth/api_scope/commerce.message",
        where="refresh_token_env (EBAY_REFRESH)",
        **kw,
    )


def test_oauth_fetches_a_token_and_refreshes_once_when_it_expires(ebay: EbayServer) -> None:
    ebay.add_conversation("buyer1", messages=["hello"])
    auth = _oauth(ebay)
    with ApiClient("ebay-shop", ebay.url, auth=auth) as client:
        path = "/commerce/message/v1/conversation"
        assert client.get_json(path, params={"conversation_type": "FROM_MEMBERS"})["total"] == 1
        ebay.expire_tokens()
        assert client.get_json(path, params={"conversation_type": "FROM_MEMBERS"})["total"] == 1
    assert auth.fetched == 2 and ebay.tokens_issued == 2
    assert ebay.requests_to(path) == 3  # the refused call, and the same call again


def test_revoked_refresh_token_says_what_to_do(ebay: EbayServer) -> None:
    ebay.revoke_refresh_token()
    with (
        ApiClient("ebay-shop", ebay.url, auth=_oauth(ebay)) as client,
        pytest.raises(ApiError) as caught,
    ):
        client.get_json(
            "/commerce/message/v1/conversation", params={"conversation_type": "FROM_MEMBERS"}
        )
    assert str(caught.value) == (
        "ebay-shop: the refresh token was refused (revoked or expired); get a new one and update"
        " refresh_token_env (EBAY_REFRESH)"
    )


def test_wrong_client_secret_is_not_blamed_on_the_refresh_token(ebay: EbayServer) -> None:
    auth = _oauth(ebay, client_id="other-app")
    with pytest.raises(ApiError) as caught:
        auth.headers()
    assert "check the client id and secret" in str(caught.value)
    assert "client authentication failed" in str(caught.value)


def test_token_endpoint_500_once_is_retried(ebay: EbayServer) -> None:
    ebay.fail_next(500, path=TOKEN_PATH)
    auth = _oauth(ebay, sleep=Sleeps())
    assert auth.headers()["Authorization"].startswith("Bearer v^1.1#access-")


def test_concurrent_401s_refresh_the_token_once(ebay: EbayServer) -> None:
    ebay.add_conversation("buyer1", messages=["hello"])
    auth = _oauth(ebay)
    path = "/commerce/message/v1/conversation"
    with ApiClient("ebay-shop", ebay.url, auth=auth) as client:
        client.get_json(path, params={"conversation_type": "FROM_MEMBERS"})
        ebay.expire_tokens()
        ebay.latency = 0.05
        errors: list[Exception] = []

        def call() -> None:
            try:
                client.get_json(path, params={"conversation_type": "FROM_MEMBERS"})
            except Exception as exc:  # collected, asserted below
                errors.append(exc)

        threads = [threading.Thread(target=call) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert auth.fetched == 2


def test_max_per_second_spaces_the_requests(items: ItemsServer) -> None:
    with ApiClient("shop", items.url, max_per_second=20) as client:
        started = time.monotonic()
        for _ in range(6):
            client.get_json("/items")
        elapsed = time.monotonic() - started
    assert elapsed >= 5 / 20 - 0.01


def test_a_post_is_not_repeated_after_a_5xx(items: ItemsServer) -> None:
    """It may have been done: a message sent twice is worse than a reported failure."""
    items.fail_next(500, times=3)
    with ApiClient("shop", items.url, sleep=Sleeps()) as client, pytest.raises(ApiError) as caught:
        client.post_json("/items", {"a": 1})
    assert items.requests_to("/items") == 1
    assert (
        str(caught.value) == "shop: POST /items failed: HTTP 500 (System error.); try again later"
    )


def test_a_post_is_repeated_after_429_and_when_asked(items: ItemsServer) -> None:
    items.fail_next(429, {}, headers={"Retry-After": "0"})
    items.fail_next(502)
    with ApiClient("shop", items.url, sleep=Sleeps()) as client:
        assert client.post_json("/items", {"a": 1}, idempotent=True) == {"a": 1}
    assert items.requests_to("/items") == 3
