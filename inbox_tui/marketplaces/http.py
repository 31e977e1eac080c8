"""The one HTTP client every marketplace and shop talks through: retries, rate, tokens, errors.

Network trouble, 5xx and 429 are retried with backoff (429 waits as long as Retry-After says,
capped); an expired access token is refreshed once and the call repeated; anything else the
server refuses becomes an ApiError whose text is one line naming the service, the call, the
status and the server's own reason, sanitised, so the CLI and the TUI can show it as it is.
"""

from __future__ import annotations

import base64
import email.utils
import random
import ssl
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from inbox_tui.sanitize import clean_line

BACKOFF_FIRST = 0.3  # seconds before the first retry; doubles each time
BACKOFF_MAX = 8.0
RETRY_AFTER_MAX = 60.0  # a longer Retry-After is cut to this (we are a foreground tool)
ERROR_TEXT_MAX = 200


class ApiError(Exception):
    """One line: which service, what failed, what to do. `offline` is True when the server could
    not be reached at all (refused, DNS, timeout after retries); `status` the HTTP status or None.
    `auth_failed` is True when the credentials were refused (a 401 after refreshing, or the
    token endpoint refusing the refresh token or client): the seller must act, nothing else.
    `maybe_done` is True when a call that changes something (a POST) failed after it was sent
    (a 5xx, a lost answer): it may have taken effect, so look before doing it again."""

    def __init__(
        self,
        message: str,
        *,
        offline: bool = False,
        status: int | None = None,
        auth_failed: bool = False,
        maybe_done: bool = False,
    ) -> None:
        super().__init__(message)
        self.offline = offline
        self.status = status
        self.auth_failed = auth_failed
        self.maybe_done = maybe_done


class Auth(Protocol):
    def headers(self) -> dict[str, str]:
        """The auth headers for the next request."""
        ...

    def refresh(self) -> bool:
        """Get a new token; False when it cannot (a static token)."""
        ...


class StaticAuth:
    """A ready token or key, sent as given: {"Authorization": "Bearer …"} or a shop's header."""

    def __init__(self, headers: dict[str, str]) -> None:
        self._headers = dict(headers)

    def headers(self) -> dict[str, str]:
        return dict(self._headers)

    def refresh(self) -> bool:
        return False


class BasicAuth(StaticAuth):
    """HTTP Basic (WooCommerce's consumer key and secret)."""

    def __init__(self, user: str, password: str) -> None:
        super().__init__({"Authorization": basic_header(user, password)})


def basic_header(user: str, password: str) -> str:
    """The value of an HTTP Basic Authorization header."""
    pair = f"{user}:{password}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


class OAuthRefresh:
    """An access token obtained (and renewed) with the OAuth refresh-token grant.

    The token is fetched on first use and again when it is about to expire or the API answers
    401. `basic_client_auth` sends the client id and secret as HTTP Basic (eBay); otherwise they
    go in the form (Amazon's Login with Amazon). `where` names the place the seller keeps the
    refresh token, for the one-line error when the token endpoint refuses it.
    """

    EARLY = 60.0  # renew this many seconds before the token says it expires

    def __init__(
        self,
        service: str,
        token_url: str,
        *,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        scope: str | None = None,
        header: str = "Authorization",
        prefix: str = "Bearer ",
        basic_client_auth: bool = True,
        transport: httpx.BaseTransport | None = None,
        where: str = "the config",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.service = service
        self.token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self._scope = scope
        self._header = header
        self._prefix = prefix
        self._basic = basic_client_auth
        self._where = where
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()
        self._client = ApiClient(
            f"{service} token endpoint", token_url, transport=transport, sleep=sleep
        )
        self.fetched = 0  # tokens obtained, for tests and benchmarks

    def headers(self) -> dict[str, str]:
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires:
                self._fetch()
            return {self._header: f"{self._prefix}{self._token}"}

    def refresh(self) -> bool:
        with self._lock:
            self._fetch()
        return True

    def _fetch(self) -> None:
        form = {"grant_type": "refresh_token", "refresh_token": self._refresh_token}
        if self._scope:
            form["scope"] = self._scope
        headers = {}
        if self._basic:
            headers["Authorization"] = basic_header(self._client_id, self._client_secret)
        else:
            form["client_id"] = self._client_id
            form["client_secret"] = self._client_secret
        response = self._client.request(
            "POST", "", data=form, headers=headers, expect=(200, 400, 401), idempotent=True
        )
        body = _json_or_none(response)
        if response.status_code != 200:
            reason = _server_reason(response)
            if _is_refused_grant(body, response.status_code):
                raise ApiError(
                    f"{self.service}: the refresh token was refused (revoked or expired);"
                    f" get a new one and update {self._where}",
                    status=response.status_code,
                    auth_failed=True,
                )
            raise ApiError(
                f"{self.service}: the token endpoint refused the client ({reason});"
                " check the client id and secret",
                status=response.status_code,
                auth_failed=True,
            )
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise ApiError(
                f"{self.service}: the token endpoint answered without an access token;"
                f" check token_url ({self.token_url})"
            )
        lifetime = body.get("expires_in")
        lifetime = float(lifetime) if isinstance(lifetime, int | float) else 3600.0
        self._token = token
        self._expires = time.monotonic() + max(lifetime - self.EARLY, lifetime / 2)
        self.fetched += 1

    def close(self) -> None:
        self._client.close()


def _is_refused_grant(body: Any, status: int) -> bool:
    """The token endpoint's way of saying the refresh token itself is no good (RFC 6749 5.2)."""
    return status in (400, 401) and isinstance(body, dict) and body.get("error") == "invalid_grant"


class ApiClient:
    """Requests to one service's API, relative to `base_url` (an absolute URL is taken as is).

    Thread-safe: workers may share one client; `max_per_second` spaces the starts of all their
    requests. `requests` counts the HTTP requests sent (retries included).
    """

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        auth: Auth | None = None,
        timeout: float = 20.0,
        retries: int = 4,
        max_per_second: float | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.service = service
        self.base_url = base_url
        self.auth = auth
        self.retries = retries
        self.max_per_second = max_per_second
        self._sleep = sleep
        self._client = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)
        self._rate_lock = threading.Lock()
        self._auth_lock = threading.Lock()
        self._next_start = 0.0
        self._count_lock = threading.Lock()
        self.requests = 0

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        if not path:
            return self.base_url
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send one call, retrying what is worth retrying; the response has a status in `expect`.

        A call that changes something (POST, PATCH; unless `idempotent=True`, e.g. a read-only
        GraphQL query) is repeated only when it surely never arrived (no connection) or was
        refused unprocessed (429): after a 5xx or a lost answer it may have been done, and
        doing it twice (a message sent twice) is worse than reporting the failure."""
        url = self.url(path)
        safe = method.upper() in _IDEMPOTENT if idempotent is None else idempotent
        refreshed = False
        attempt = 0
        while True:
            sent_auth = self.auth.headers() if self.auth is not None else {}
            try:
                response = self._send(
                    method, url, params, json, data, {**(headers or {}), **sent_auth}
                )
            except httpx.TransportError as exc:
                if (tls := _tls_failure(exc)) is not None:
                    raise self._untrusted(url, tls) from None  # retrying will not fix it
                never_sent = isinstance(exc, _NEVER_SENT)
                if attempt >= self.retries or not (safe or never_sent):
                    error = self._offline(method, url, exc, attempt + 1)
                    error.maybe_done = not (safe or never_sent)
                    raise error from None
                self._sleep(_backoff(attempt))
                attempt += 1
                continue
            status = response.status_code
            if status in expect:
                return response
            if response.is_redirect:
                raise self._redirected(method, url, response)
            if status == 401 and self.auth is not None and not refreshed:
                refreshed = True
                if self._renew(sent_auth):
                    continue
            retry = status == 429 or (status >= 500 and safe)
            if retry and attempt < self.retries:
                wait = _retry_after(response) if status in (429, 503) else None
                self._sleep(wait if wait is not None else _backoff(attempt))
                attempt += 1
                continue
            error = self._refused(method, url, response, attempt + 1)
            error.maybe_done = status >= 500 and not safe
            raise error

    def _send(
        self, method: str, url: str, params: Any, json: Any, data: Any, headers: dict[str, str]
    ) -> httpx.Response:
        self._wait_for_slot()
        with self._count_lock:
            self.requests += 1
        return self._client.request(
            method, url, params=params, json=json, data=data, headers=headers
        )

    def _wait_for_slot(self) -> None:
        """Never start more than max_per_second requests per second, across threads."""
        if not self.max_per_second:
            return
        with self._rate_lock:
            now = time.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + 1.0 / self.max_per_second
        if start > now:
            self._sleep(start - now)

    def _renew(self, sent: dict[str, str]) -> bool:
        """Refresh the token after a 401, unless another thread already did since we sent."""
        assert self.auth is not None
        with self._auth_lock:
            if self.auth.headers() != sent:
                return True
            return self.auth.refresh()

    def get_json(
        self, path: str, *, params: Any = None, headers: dict[str, str] | None = None
    ) -> Any:
        response = self.request("GET", path, params=params, headers=headers)
        return self._decode(response, "GET", path)

    def post_json(
        self,
        path: str,
        json: Any,
        *,
        expect: tuple[int, ...] = (200, 201),
        headers: dict[str, str] | None = None,
        idempotent: bool = False,
    ) -> Any:
        """POST a JSON body; the decoded answer, or None for an empty one (204).
        `idempotent=True` for a POST that only reads (GraphQL queries): retried like a GET."""
        response = self.request(
            "POST", path, json=json, expect=expect, headers=headers, idempotent=idempotent
        )
        if not response.content.strip():
            return None
        return self._decode(response, "POST", path)

    def _decode(self, response: httpx.Response, method: str, path: str) -> Any:
        try:
            return response.json()
        except ValueError:
            raise ApiError(
                f"{self.service}: {method} {_short(self.url(path))} answered with malformed JSON;"
                " nothing was stored from it, try again later",
                status=response.status_code,
            ) from None

    def _offline(self, method: str, url: str, exc: httpx.TransportError, tries: int) -> ApiError:
        host = urlsplit(url).netloc or url
        what = "timed out" if isinstance(exc, httpx.TimeoutException) else _exc_reason(exc)
        after = f" after {tries} tries" if tries > 1 else ""
        return ApiError(
            f"{self.service}: cannot reach {host} ({what}){after};"
            " offline, check the network or base_url",
            offline=True,
        )

    def _untrusted(self, url: str, exc: ssl.SSLError) -> ApiError:
        """A certificate that does not verify is not "offline": the seller has to look."""
        host = urlsplit(url).netloc or url
        if isinstance(exc, ssl.SSLCertVerificationError):
            why = clean_line(exc.verify_message or exc.reason or "") or "not verified"
            return ApiError(
                f"{self.service}: TLS certificate of {host} not trusted: {why}; nothing was"
                " sent (check base_url, and whether something on your network intercepts TLS)"
            )
        why = clean_line(str(exc.reason or exc))
        return ApiError(f"{self.service}: TLS with {host} failed: {why}; check base_url")

    def _redirected(self, method: str, url: str, response: httpx.Response) -> ApiError:
        """Redirects are never followed: the token would go along to wherever it points."""
        target = urlsplit(response.headers.get("Location", ""))
        where = clean_line(f"{target.scheme}://{target.netloc}" if target.netloc else "")
        to = f" to {where[:100]}" if where else ""
        return ApiError(
            f"{self.service}: {method} {_short(url)} was redirected{to} (HTTP"
            f" {response.status_code}); not followed, your token goes only to base_url:"
            " check base_url",
            status=response.status_code,
        )

    def _refused(self, method: str, url: str, response: httpx.Response, tries: int) -> ApiError:
        status = response.status_code
        reason = _server_reason(response)
        hint = _HINTS.get(status, "")
        if (status >= 500 or status == 429) and tries > 1:
            hint = f"still failing after {tries} tries; try again later"
        elif status >= 500:
            hint = "try again later"
        text = f"{self.service}: {method} {_short(url)} failed: HTTP {status}"
        if reason:
            text += f" ({reason})"
        if hint:
            text += f"; {hint}"
        return ApiError(text, status=status, auth_failed=status == 401)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Failures that happen before the request left: safe to repeat whatever the method.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

_HINTS = {
    401: "the access token was refused; get a new one (or configure a refresh token)",
    403: "the token lacks the permission (scope) for this call",
    404: "not found; check base_url",
}


def _backoff(attempt: int) -> float:
    base = min(BACKOFF_MAX, BACKOFF_FIRST * 2**attempt)
    return base + random.uniform(0, base / 4)


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds (a number or an HTTP date), capped; None when absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_MAX)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _server_reason(response: httpx.Response) -> str:
    """The server's own words from the error bodies marketplaces use, on one line, truncated."""
    body = _json_or_none(response)
    reason = ""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            reason = str(
                first.get("longMessage") or first.get("message") or first.get("code") or ""
            )
        elif isinstance(errors, str | dict):
            reason = str(errors)
        else:
            reason = str(
                body.get("error_description") or body.get("message") or body.get("error") or ""
            )
    elif body is None:
        reason = response.text if "json" not in response.headers.get("content-type", "") else ""
        if "<html" in reason[:200].lower():
            reason = ""
    reason = clean_line(reason)
    if len(reason) > ERROR_TEXT_MAX:
        reason = reason[: ERROR_TEXT_MAX - 1] + "…"
    return reason


def _tls_failure(exc: BaseException) -> ssl.SSLError | None:
    """The TLS error under httpx's ConnectError (httpx wraps httpcore's, which wraps ssl's)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ssl.SSLError):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def _exc_reason(exc: Exception) -> str:
    text = clean_line(str(exc)) or type(exc).__name__
    return text if len(text) <= ERROR_TEXT_MAX else text[: ERROR_TEXT_MAX - 1] + "…"


def _short(url: str) -> str:
    """The path of a URL without its query (which may carry e-mail addresses or filters)."""
    return urlsplit(url).path or url
