"""``ChannelHttp`` error translation and ``Retry-After`` parsing (httpx ``MockTransport``)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from omnistock.channels.allegro.errors import parse_error as allegro_error
from omnistock.channels.amazon.api import parse_error as amazon_error
from omnistock.channels.base import (
    ChannelError,
    MalformedResponse,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
)
from omnistock.channels.http import (
    ApiError,
    ChannelHttp,
    HttpSettings,
    error_details,
    parse_retry_after,
)
from omnistock.channels.meta.adapter import parse_error as meta_error
from omnistock.channels.woocommerce.adapter import parse_error as woo_error

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),  # delta-seconds
        ("1.5", 1.5),  # fractional (some proxies)
        ("-3", 0.0),  # never negative
        ("Fri, 27 Nov 2026 12:00:30 GMT", 30.0),  # HTTP-date in the future
        ("Fri, 27 Nov 2026 11:00:00 GMT", 0.0),  # HTTP-date in the past
        ("soon", None),  # unreadable
        ("", None),  # empty
        (None, None),  # absent
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def _http(handler: object, parse: object = allegro_error) -> ChannelHttp:
    transport = httpx.MockTransport(handler)  # type: ignore[arg-type]
    return ChannelHttp(
        channel="allegro",
        base_url="https://api.example",
        parse_error=parse,  # type: ignore[arg-type]
        settings=HttpSettings(transport=transport),
        clock=lambda: NOW,
    )


ALLEGRO_BODY = {
    "errors": [
        {
            "code": "VALIDATION_ERROR",
            "message": "must be between 0 and 1000",
            "path": "offerCriteria",
            "userMessage": "…",
        }
    ]
}


@pytest.mark.parametrize(
    ("status", "headers", "kind"),
    [
        (429, {}, RateLimited),  # throttled, no Retry-After
        (429, {"Retry-After": "12"}, RateLimited),  # throttled with a wait
        (500, {}, TransientChannelError),  # server error
        (503, {"Retry-After": "4"}, TransientChannelError),  # maintenance
        (408, {}, TransientChannelError),  # request timeout
        (422, {}, PermanentChannelError),  # validation: retrying will not help
        (404, {}, PermanentChannelError),  # unknown resource
    ],
)
def test_status_codes_map_onto_the_error_tree(
    status: int, headers: dict[str, str], kind: type[ChannelError]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=ALLEGRO_BODY, headers={"Trace-Id": "t-1", **headers})

    http = _http(handler)
    with pytest.raises(kind) as caught:
        http.request("PUT", "/sale/x", offer_id="123")
    error = caught.value
    assert type(error) is kind
    assert error.channel == "allegro"
    assert error.http_status == status
    assert error_details(error) == {
        "api_code": "VALIDATION_ERROR",
        "offer_id": "123",
        "request_id": "t-1",
    }
    assert str(error).startswith(f"allegro: offer 123: HTTP {status}: VALIDATION_ERROR")
    if "Retry-After" in headers:
        assert getattr(error, "retry_after", None) == float(headers["Retry-After"])


def test_connection_errors_are_transient() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(TransientChannelError, match="ConnectError"):
        _http(handler).request("GET", "/x")


def test_unparseable_json_is_malformed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<html>")

    with pytest.raises(MalformedResponse, match="unparseable_body"):
        _http(handler).json("GET", "/x")


def test_ok_listed_statuses_pass() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(409, json=ALLEGRO_BODY)

    assert _http(handler).request("PUT", "/x", ok=(409,)).status_code == 409


def _response(status: int, body: object, headers: dict[str, str] | None = None) -> httpx.Response:
    if isinstance(body, bytes):
        return httpx.Response(status, content=body, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


@pytest.mark.parametrize(
    ("parse", "response", "expected"),
    [
        (
            allegro_error,
            _response(422, ALLEGRO_BODY),
            ApiError(
                code="VALIDATION_ERROR", message="must be between 0 and 1000 (path offerCriteria)"
            ),
        ),
        (
            allegro_error,
            _response(400, {"error": "invalid_grant", "error_description": "bad"}),
            ApiError(code="invalid_grant", message="bad"),
        ),
        (allegro_error, _response(502, b"<html>bad gateway</html>"), ApiError()),
        (
            amazon_error,
            _response(429, {"errors": [{"code": "QuotaExceeded", "message": "m"}]}),
            ApiError(code="QuotaExceeded", message="m"),
        ),
        (
            woo_error,
            _response(400, {"code": "woocommerce_rest_invalid_id", "message": "x"}),
            ApiError(code="woocommerce_rest_invalid_id", message="x"),
        ),
        (woo_error, _response(503, b"<html>503</html>"), ApiError()),
        (
            meta_error,
            _response(400, {"error": {"message": "m", "type": "OAuthException", "code": 190}}),
            ApiError(code="OAuthException #190", message="m"),
        ),
    ],
)
def test_vendor_error_bodies(parse: object, response: httpx.Response, expected: ApiError) -> None:
    assert parse(response) == expected  # type: ignore[operator]


def test_meta_throttle_reads_the_business_use_case_wait() -> None:
    usage = '{"1": [{"type": "catalog_batch", "estimated_time_to_regain_access": 3}]}'
    response = _response(
        400,
        {"error": {"message": "too many", "type": "OAuthException", "code": 80014}},
        {"X-Business-Use-Case-Usage": usage},
    )
    parsed = meta_error(response)
    assert parsed.throttled
    assert parsed.retry_after == 180.0
