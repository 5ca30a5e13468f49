"""Shared httpx plumbing of the channel adapters: timeouts, error translation, ``Retry-After``.

Every adapter sends its requests through :class:`ChannelHttp`, the one place where ``httpx``
errors and vendor error answers become the ``ChannelError`` tree (``raise … from exc``):

- connection errors, timeouts, dropped connections, 408 and 5xx → ``TransientChannelError``;
- 429 (and whatever the vendor parser calls a throttle) → ``RateLimited`` with ``retry_after``;
- any other 4xx → ``PermanentChannelError``;
- a body that is not the JSON the adapter expects → ``MalformedResponse``.

Every error's message names the channel, the offer (when the call is about one) and the API
error code; the same facts are attributes ``api_code``, ``offer_id`` and ``request_id`` (the
vendor's trace id) on the exception, read with :func:`error_details`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx

from omnistock.channels.base import (
    ChannelError,
    MalformedResponse,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
)
from omnistock.domain.errors import InvalidValue

__all__ = [
    "ApiError",
    "ChannelHttp",
    "ErrorParser",
    "HttpSettings",
    "config_from_mapping",
    "error_details",
    "json_body",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

REQUEST_ID_HEADERS = ("trace-id", "x-amzn-requestid", "x-fb-trace-id", "x-request-id")


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiError:
    """What a vendor's error body says: code, message, and whether it is a throttle."""

    code: str | None = None
    message: str | None = None
    throttled: bool = False
    retry_after: float | None = None


ErrorParser = Callable[[httpx.Response], ApiError]
"""Reads a vendor error body (never raises; an unreadable body gives an empty ``ApiError``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpSettings:
    """Timeouts (seconds) of every call; ``transport`` lets tests swap the network out."""

    timeout_s: float = 30.0
    connect_timeout_s: float = 5.0
    user_agent: str = "omnistock (+https://github.com/omnistock)"
    transport: httpx.BaseTransport | None = None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date), else None.

    >>> parse_retry_after("7")
    7.0
    >>> at = datetime(2015, 10, 21, 7, 27, 30, tzinfo=UTC)
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", at)
    30.0
    >>> parse_retry_after("soon") is None
    True
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def error_details(error: BaseException) -> dict[str, str | None]:
    """``api_code``, ``offer_id`` and ``request_id`` of a translated channel error."""
    return {name: getattr(error, name, None) for name in ("api_code", "offer_id", "request_id")}


def _request_id(response: httpx.Response) -> str | None:
    return next((response.headers[h] for h in REQUEST_ID_HEADERS if h in response.headers), None)


def _build(
    cls: type[ChannelError],
    *,
    channel: str,
    status: int | None,
    api: ApiError,
    offer_id: str | None,
    request_id: str | None,
    retry_after: float | None = None,
) -> ChannelError:
    parts = [channel]
    if offer_id:
        parts.append(f"offer {offer_id}")
    parts.append(f"HTTP {status}" if status else "no response")
    if api.code:
        parts.append(api.code)
    text = ": ".join(parts) + (f" — {api.message}" if api.message else "")
    if request_id:
        text += f" (request id {request_id})"
    if cls is RateLimited:
        error: ChannelError = RateLimited(
            text, channel=channel, retry_after=retry_after, http_status=status
        )
    else:
        error = cls(text, channel=channel, http_status=status)
    error.api_code = api.code  # type: ignore[attr-defined]
    error.offer_id = offer_id  # type: ignore[attr-defined]
    error.request_id = request_id  # type: ignore[attr-defined]
    return error


def json_body(response: httpx.Response, channel: str, offer_id: str | None = None) -> Any:
    """The decoded JSON body, or ``MalformedResponse`` naming the channel."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        api = ApiError(code="unparseable_body", message=response.text[:120] or "empty body")
        raise _build(
            MalformedResponse,
            channel=channel,
            status=response.status_code,
            api=api,
            offer_id=offer_id,
            request_id=_request_id(response),
        ) from exc


def _empty_parser(_: httpx.Response) -> ApiError:
    return ApiError()


class ChannelHttp:
    """One channel account's ``httpx.Client`` and the translation of its failures."""

    def __init__(
        self,
        *,
        channel: str,
        base_url: str,
        parse_error: ErrorParser = _empty_parser,
        headers: Mapping[str, str] | None = None,
        settings: HttpSettings | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.channel = channel
        self.settings = settings or HttpSettings()
        self._parse_error = parse_error
        self._clock = clock or (lambda: datetime.now(UTC))
        timeout = httpx.Timeout(self.settings.timeout_s, connect=self.settings.connect_timeout_s)
        self.client = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            headers={"User-Agent": self.settings.user_agent, **(headers or {})},
            transport=self.settings.transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        offer_id: str | None = None,
        ok: tuple[int, ...] = (),
        **kwargs: Any,
    ) -> httpx.Response:
        """Send; return a 2xx (or an ``ok``-listed) response, else raise a ``ChannelError``."""
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            api = ApiError(code=type(exc).__name__, message=str(exc) or None)
            raise _build(
                TransientChannelError,
                channel=self.channel,
                status=None,
                api=api,
                offer_id=offer_id,
                request_id=None,
            ) from exc
        log.debug(
            "channel call",
            extra={
                "channel": self.channel,
                "method": method,
                "status": response.status_code,
                "trace_id": _request_id(response),
            },
        )
        if response.is_success or response.status_code in ok:
            return response
        raise self.translate(response, offer_id=offer_id)

    def translate(self, response: httpx.Response, *, offer_id: str | None = None) -> ChannelError:
        """The ``ChannelError`` for a failed response."""
        status = response.status_code
        api = self._parse_error(response)
        header_wait = parse_retry_after(response.headers.get("retry-after"), self._clock())
        common: dict[str, Any] = {
            "channel": self.channel,
            "status": status,
            "api": api,
            "offer_id": offer_id,
            "request_id": _request_id(response),
        }
        if status == 429 or api.throttled:
            wait = header_wait if header_wait is not None else api.retry_after
            return _build(RateLimited, retry_after=wait, **common)
        if status >= 500 or status == 408:
            error = _build(TransientChannelError, **common)
            assert isinstance(error, TransientChannelError)
            error.retry_after = header_wait
            return error
        return _build(PermanentChannelError, **common)

    def json(self, method: str, url: str, *, offer_id: str | None = None, **kwargs: Any) -> Any:
        """``request`` and decode the JSON body."""
        return json_body(self.request(method, url, offer_id=offer_id, **kwargs), self.channel)


def config_from_mapping(
    cls: type[T], section: Mapping[str, Any], environ: Mapping[str, str], where: str
) -> T:
    """Build a frozen adapter config from a ``[channels.NAME]`` table.

    Keys are the config's field names (``http`` excluded; ``timeout_s`` and
    ``connect_timeout_s`` set its ``HttpSettings``). A string ``"env:NAME"`` is read from
    ``environ`` so secrets stay out of the file. Unknown or missing keys raise ``InvalidValue``
    naming ``<where>.<key>``.
    """
    names = {f.name for f in fields(cls)} - {"http"}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    http: dict[str, Any] = {}
    for key, raw in section.items():
        value = _resolve(raw, environ, f"{where}.{key}")
        if key in ("timeout_s", "connect_timeout_s"):
            http[key] = float(value)
        elif key in names:
            values[key] = value
        elif key != "type":
            raise InvalidValue(f"unknown key {key!r}", field=f"{where}.{key}")
    values["http"] = HttpSettings(**http)
    try:
        return cls(**values)
    except TypeError as exc:
        raise InvalidValue(f"incomplete channel configuration: {exc}", field=where) from exc


def _resolve(raw: Any, environ: Mapping[str, str], field_name: str) -> Any:
    if isinstance(raw, str) and raw.startswith("env:"):
        name = raw[4:]
        if name not in environ:
            raise InvalidValue(f"environment variable {name} is not set", field=field_name)
        return environ[name]
    return raw
