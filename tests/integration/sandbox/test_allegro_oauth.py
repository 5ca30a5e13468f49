"""Allegro sandbox OAuth: device flow, authorization code (+PKCE), refresh rotation, expiry."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from omnistock.sandbox.allegro import create_app
from omnistock.sandbox.allegro.api_auth import DEVICE_GRANT
from omnistock.sandbox.allegro.errors import MEDIA_TYPE as MEDIA
from omnistock.sandbox.common import SandboxOptions


def _start_device(env) -> dict:
    response = env.raw.post("/auth/oauth/device", data={"client_id": "omnistock-sandbox"})
    assert response.status_code == 200
    return response.json()


def _poll(env, device_code: str) -> httpx.Response:
    return env.raw.post(
        "/auth/oauth/token", params={"grant_type": DEVICE_GRANT, "device_code": device_code}
    )


def test_device_code_response_has_the_documented_fields(allegro_env) -> None:
    env = allegro_env()
    body = _start_device(env)
    assert set(body) == {
        "device_code",
        "user_code",
        "expires_in",
        "interval",
        "verification_uri",
        "verification_uri_complete",
    }
    assert (body["expires_in"], body["interval"]) == (3600, 5)
    assert body["verification_uri_complete"].endswith(f"?code={body['user_code']}")


def test_device_flow_is_pending_then_auto_confirmed(allegro_env) -> None:
    env = allegro_env()
    code = _start_device(env)["device_code"]
    pending = _poll(env, code)
    assert pending.status_code == 400
    assert pending.json() == {
        "error": "authorization_pending",
        "error_description": "User has not authorized the device code yet.",
    }
    env.sandbox.clock.advance(5)
    token = _poll(env, code)
    assert token.status_code == 200
    body = token.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 43199
    assert body["refresh_token"]
    env.sandbox.clock.advance(5)
    assert _poll(env, code).json()["error"] == "invalid_request"  # a device code is single-use


def test_polling_faster_than_the_interval_gets_slow_down(allegro_env) -> None:
    env = allegro_env()
    code = _start_device(env)["device_code"]
    _poll(env, code)
    env.sandbox.clock.advance(1)
    assert _poll(env, code).json()["error"] == "slow_down"


@pytest.fixture
def manual(serve):
    """A sandbox with manual consent and a client holding the default credentials."""
    app = create_app(SandboxOptions(manual_consent=True))
    server = serve(app)
    with httpx.Client(base_url=server.url, auth=("omnistock-sandbox", "omnistock-sandbox")) as raw:
        yield app.state.sandbox, raw


def test_manual_consent_stays_pending_until_confirmed(manual) -> None:
    sandbox, raw = manual
    start = raw.post("/auth/oauth/device").json()
    poll = {"grant_type": DEVICE_GRANT, "device_code": start["device_code"]}
    for _ in range(3):
        assert raw.post("/auth/oauth/token", params=poll).json()["error"] == "authorization_pending"
        sandbox.clock.advance(5)
    confirmed = raw.post("/_sandbox/device/confirm", json={"user_code": start["user_code"]})
    assert confirmed.status_code == 200
    assert raw.post("/auth/oauth/token", params=poll).status_code == 200


def test_denied_consent_gives_access_denied(manual) -> None:
    _, raw = manual
    start = raw.post("/auth/oauth/device").json()
    raw.post("/_sandbox/device/confirm", json={"user_code": start["user_code"], "approve": False})
    poll = {"grant_type": DEVICE_GRANT, "device_code": start["device_code"]}
    assert raw.post("/auth/oauth/token", params=poll).json()["error"] == "access_denied"


def test_consent_page_approves_a_user_code(manual) -> None:
    _, raw = manual
    start = raw.post("/auth/oauth/device").json()
    page = raw.get(start["verification_uri_complete"])
    assert page.status_code == 200
    assert start["user_code"] in page.text
    approved = raw.post(
        start["verification_uri"], data={"code": start["user_code"], "decision": "approve"}
    )
    assert approved.status_code == 200
    poll = {"grant_type": DEVICE_GRANT, "device_code": start["device_code"]}
    assert raw.post("/auth/oauth/token", params=poll).status_code == 200


def test_device_code_expires_after_an_hour(allegro_env) -> None:
    env = allegro_env()
    code = _start_device(env)["device_code"]
    env.sandbox.clock.advance(3600)
    assert _poll(env, code).json()["error"] == "expired_token"


def test_bad_client_credentials_are_rejected(allegro_env) -> None:
    env = allegro_env()
    bad = httpx.post(f"{env.url}/auth/oauth/device", auth=("omnistock-sandbox", "wrong"))
    assert bad.status_code == 401
    assert bad.json()["error"] == "invalid_client"
    missing = httpx.post(f"{env.url}/auth/oauth/token", params={"grant_type": "refresh_token"})
    assert missing.status_code == 401
    assert missing.json()["error"] == "unauthorized"


def test_refresh_returns_a_new_pair_and_kills_the_old_refresh_token(allegro_env) -> None:
    env = allegro_env()
    first = env.token()
    refreshed = env.raw.post(
        "/auth/oauth/token",
        params={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    )
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    again = env.raw.post(
        "/auth/oauth/token",
        params={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    )
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    headers = {"Authorization": f"Bearer {second['access_token']}", "Accept": MEDIA}
    assert httpx.get(f"{env.url}/sale/offers", headers=headers).status_code == 200


def test_access_token_expires_after_twelve_hours_of_sandbox_time(allegro_env) -> None:
    env = allegro_env()
    assert env.api.get("/sale/offers").status_code == 200
    env.sandbox.clock.advance(43_200)
    expired = env.api.get("/sale/offers")
    assert expired.status_code == 401
    assert expired.json()["error"] == "invalid_token"
    assert "expired" in expired.json()["error_description"]


def test_missing_and_unknown_bearer_tokens_get_auth_errors(allegro_env) -> None:
    env = allegro_env()
    missing = httpx.get(f"{env.url}/sale/offers", headers={"Accept": MEDIA})
    assert missing.status_code == 401
    assert missing.json() == {
        "error": "unauthorized",
        "error_description": "Full authentication is required to access this resource",
    }
    unknown = httpx.get(
        f"{env.url}/sale/offers", headers={"Accept": MEDIA, "Authorization": "Bearer nope"}
    )
    assert unknown.json()["error"] == "invalid_token"


def _pkce() -> tuple[str, str]:
    verifier = "v" * 50
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


@pytest.mark.parametrize("pkce", [False, True])
def test_authorization_code_flow(allegro_env, pkce: bool) -> None:
    env = allegro_env()
    verifier, challenge = _pkce()
    params = {
        "response_type": "code",
        "client_id": "omnistock-sandbox",
        "redirect_uri": "http://localhost:8765/callback",
        "state": "xyz",
    }
    if pkce:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    redirect = httpx.get(f"{env.url}/auth/oauth/authorize", params=params)
    assert redirect.status_code == 302
    query = parse_qs(urlparse(redirect.headers["location"]).query)
    assert query["state"] == ["xyz"]
    exchange = {
        "grant_type": "authorization_code",
        "code": query["code"][0],
        "redirect_uri": "http://localhost:8765/callback",
    }
    if pkce:  # a public client: no secret, the verifier proves the code is ours
        exchange |= {"code_verifier": verifier, "client_id": "omnistock-sandbox"}
        token = httpx.post(f"{env.url}/auth/oauth/token", data=exchange)
    else:
        token = env.raw.post("/auth/oauth/token", data=exchange)
    assert token.status_code == 200, token.text
    assert token.json()["refresh_token"]
    reuse = env.raw.post("/auth/oauth/token", data=exchange)
    assert reuse.json()["error"] == "invalid_grant"


def test_wrong_pkce_verifier_and_redirect_are_rejected(allegro_env) -> None:
    env = allegro_env()
    _, challenge = _pkce()
    redirect_uri = "http://localhost/cb"
    for wrong in ({"code_verifier": "x" * 50}, {"redirect_uri": "http://evil/cb"}):
        location = httpx.get(
            f"{env.url}/auth/oauth/authorize",
            params={
                "response_type": "code",
                "client_id": "omnistock-sandbox",
                "redirect_uri": redirect_uri,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
        ).headers["location"]
        code = parse_qs(urlparse(location).query)["code"][0]
        exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        failed = env.raw.post("/auth/oauth/token", data={**exchange, **wrong})
        assert failed.status_code == 400
        assert failed.json()["error"] == "invalid_grant"


def test_application_token_cannot_read_seller_resources(allegro_env) -> None:
    env = allegro_env()
    app_token = env.raw.post("/auth/oauth/token", params={"grant_type": "client_credentials"})
    assert "refresh_token" not in app_token.json()
    headers = {"Authorization": f"Bearer {app_token.json()['access_token']}", "Accept": MEDIA}
    denied = httpx.get(f"{env.url}/sale/offers", headers=headers)
    assert denied.status_code == 403
    assert denied.json()["errors"][0]["code"] == "AccessDenied"


def test_unknown_grant_type_is_rejected(allegro_env) -> None:
    env = allegro_env()
    response = env.raw.post("/auth/oauth/token", params={"grant_type": "password"})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
