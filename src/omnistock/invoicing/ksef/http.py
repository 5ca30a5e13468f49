"""The one place httpx is used: requests to KSeF, 429 waits, and error translation.

Every httpx exception and every error status becomes a ``KsefError`` here (see ``errors``).
A 429 is waited out in place only when KSeF's ``Retry-After`` is short (``max_wait``) and only
``rate_retries`` times; otherwise ``KsefRateLimited`` carries the delay to the caller's retry
policy. ``sleep`` is injected so tests can advance a sandbox clock instead of sleeping.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

from omnistock.invoicing.ksef.errors import (
    KsefAuthFailed,
    KsefError,
    KsefRateLimited,
    KsefRequestRejected,
    KsefUnavailable,
)

__all__ = ["BearerSource", "KsefHttp", "retry_after_seconds"]

log = logging.getLogger(__name__)


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date), ``None`` when absent/bad."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _problem(response: httpx.Response) -> tuple[str, list[int]]:
    """Readable text and exception codes of a KSeF error body (legacy or problem-details)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300], []
    if not isinstance(body, dict):
        return str(body)[:300], []
    items = body.get("exception", {}).get("exceptionDetailList") or body.get("errors") or []
    codes = [
        int(i.get("exceptionCode") or i.get("code") or 0) for i in items if isinstance(i, dict)
    ]
    texts = [
        " ".join(
            [
                str(i.get("exceptionDescription") or i.get("description") or ""),
                *i.get("details", []),
            ]
        ).strip()
        for i in items
        if isinstance(i, dict)
    ]
    text = "; ".join(t for t in texts if t) or str(body.get("detail") or body.get("status") or "")
    return text, codes


class BearerSource(Protocol):
    """Where access tokens come from: the current one, and a forced renewal after a 401."""

    def bearer(self) -> str: ...

    def renew(self) -> str: ...


class KsefHttp:
    """Synchronous KSeF HTTP access relative to ``base_url`` (e.g. ``…/v2``)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 30.0,
        sleep: Callable[[float], None],
        rate_retries: int = 3,
        max_wait: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/", timeout=timeout, transport=transport
        )
        self._sleep = sleep
        self.rate_retries = rate_retries
        self.max_wait = max_wait

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        bearer: str | BearerSource | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        """Send one API request (``path`` relative to the base URL); a 2xx response or raise.

        With a ``BearerSource``, a 401 (token expired or revoked on KSeF's side, #138) renews
        the token once and repeats the request.
        """
        if isinstance(bearer, str) or bearer is None:
            return self._send(method, path, bearer, json, headers, params)
        try:
            return self._send(method, path, bearer.bearer(), json, headers, params)
        except KsefAuthFailed as exc:
            if exc.status != 401:
                raise
            log.info("KSeF 401 on %s; renewing the access token", path)
            return self._send(method, path, bearer.renew(), json, headers, params)

    def _send(
        self,
        method: str,
        path: str,
        token: str | None,
        json: Any,
        headers: Mapping[str, str] | None,
        params: Mapping[str, Any] | None,
    ) -> httpx.Response:
        merged = dict(headers or {})
        if token is not None:
            merged["Authorization"] = f"Bearer {token}"
        for attempt in range(self.rate_retries + 1):
            with _translated(method, path):
                response = self._client.request(
                    method, path.lstrip("/"), json=json, headers=merged, params=params
                )
            if response.status_code != 429 or not self._wait(response, attempt):
                return _checked(response, path)
        raise AssertionError("unreachable")  # pragma: no cover

    def upload(self, method: str, url: str, content: bytes, headers: Mapping[str, str]) -> None:
        """Upload a batch part to a pre-signed absolute URL (no bearer token)."""
        with _translated(method, url):
            response = self._client.request(method, url, content=content, headers=dict(headers))
        _checked(response, url)

    def _wait(self, response: httpx.Response, attempt: int) -> bool:
        """Sleep out a 429 if allowed; ``False`` means give up (``_checked`` raises)."""
        delay = retry_after_seconds(response.headers.get("Retry-After"), datetime.now(UTC))
        wait = 1.0 if delay is None else delay
        if attempt >= self.rate_retries or wait > self.max_wait:
            return False
        log.info("KSeF 429 on %s; waiting %.1fs", response.request.url.path, wait)
        self._sleep(wait)
        return True


@contextmanager
def _translated(method: str, target: str) -> Iterator[None]:
    try:
        yield
    except httpx.TimeoutException as exc:
        raise KsefUnavailable(f"KSeF did not answer {method} {target} in time") from exc
    except httpx.TransportError as exc:
        raise KsefUnavailable(f"KSeF unreachable on {method} {target}: {exc}") from exc


def _checked(response: httpx.Response, target: str) -> httpx.Response:
    status = response.status_code
    if status < 400:
        return response
    text, codes = _problem(response)
    retry = retry_after_seconds(response.headers.get("Retry-After"), datetime.now(UTC))
    message = f"KSeF answered {status} to {target}: {text}"
    if status == 429:
        wait = math.ceil(retry) if retry is not None else None
        raise KsefRateLimited(message, status=status, retry_after=wait)
    if status >= 500:
        raise KsefUnavailable(message, status=status, retry_after=retry)
    if status in (401, 403):
        raise KsefAuthFailed(message, status=status)
    if status == 400:
        raise KsefRequestRejected(message, status=status, codes=codes)
    raise KsefError(message, status=status)
