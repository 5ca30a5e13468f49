"""Token authentication against the KSeF sandbox over real HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from omnistock.invoicing.ksef import KsefAuthFailed


def test_authenticates_with_a_ksef_token_and_gets_an_access_and_refresh_token(env):
    client = env.client()
    tokens = client.authenticate()
    assert tokens.access != tokens.refresh
    assert tokens.access_until < tokens.refresh_until
    kind, nip, _ = env.sandbox.bearers[tokens.access]
    assert (kind, nip) == ("access", "5261040828")


def test_certificates_endpoint_serves_both_usages_and_client_picks_each(env):
    keys = env.client().public_keys()
    assert keys.token.public_key() != keys.symmetric.public_key()
    assert keys.token == env.sandbox.token_key.certificate
    assert keys.symmetric == env.sandbox.symmetric_key.certificate


def test_refreshes_the_access_token_before_it_expires(env):
    client = env.client()
    first = client.authenticate()
    env.sandbox.clock.advance(timedelta(minutes=14, seconds=30).total_seconds())
    bearer = client.auth.bearer()
    assert bearer != first.access
    assert client.auth.tokens is not None
    assert client.auth.tokens.refresh == first.refresh
    with client.online_session() as session:  # the refreshed token works
        assert session.reference.count("-") == 4


def test_wrong_token_is_refused_with_a_typed_error(env):
    client = env.client(token="not-a-token")
    with pytest.raises(KsefAuthFailed, match=r"450.*Nieprawidłowy token"):
        client.authenticate()


def test_token_registered_for_another_nip_is_refused(env):
    admin = httpx.post(
        f"{env.url}/_sandbox/tokens", json={"nip": "1111111111", "token": "other-seller"}
    )
    assert admin.status_code == 204
    assert env.client(nip="1111111111", token="other-seller").authenticate().access
    with pytest.raises(KsefAuthFailed):
        env.client(token="other-seller").authenticate()


def test_auth_token_can_be_redeemed_only_once(env):
    client = env.client()
    client.authenticate()
    auth_tokens = [t for t, (kind, _, _) in env.sandbox.bearers.items() if kind == "auth"]
    answer = httpx.post(
        f"{env.url}/auth/token/redeem", headers={"Authorization": f"Bearer {auth_tokens[0]}"}
    )
    assert answer.status_code == 400
    assert answer.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21405


def test_access_token_refused_by_ksef_is_renewed_once_and_the_call_repeated(env, make_xml):
    client = env.client()
    tokens = client.authenticate()
    del env.sandbox.bearers[tokens.access]  # KSeF forgot/revoked it before its expiry
    accepted = client.submit(make_xml("FV/2026/11/0401"))
    assert accepted.ksef_number
    assert client.auth.tokens is not None
    assert client.auth.tokens.access != tokens.access
    statuses = [e.status for e in env.sandbox.requests.entries("/sessions/online")]
    assert statuses[0] == 401


def test_authentication_in_progress_is_polled_until_done(env):
    httpx.put(f"{env.url}/_sandbox/faults", json={"async_delay_seconds": 3})
    try:
        env.client().authenticate()
    finally:
        httpx.put(f"{env.url}/_sandbox/faults", json={})
    assert sum(env.waits) >= 3  # waited (in sandbox time) while the status said 100
