"""Allegro OAuth against the sandbox: device flow, refresh before expiry, the refresh race."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from channel_harness import SECRET, Harness

from omnistock.channels.allegro import (
    AllegroTokens,
    DeviceCode,
    DeviceFlow,
    FileTokenStore,
    Reauthorise,
    TokenPair,
    authorise,
)
from omnistock.channels.allegro.tokens import auth_http
from omnistock.sandbox.allegro import create_app
from omnistock.sandbox.common.base import SandboxOptions

ACCESS_TTL = 43_199


@pytest.fixture
def manual(serve: Any) -> tuple[Any, str]:
    """An Allegro sandbox where the seller must confirm the device code."""
    options = SandboxOptions(
        empty=True, client_id=SECRET, client_secret=SECRET, manual_consent=True
    )
    app = create_app(options)
    server = serve(app)
    return app.state.sandbox, server.url


def _flow(url: str, sandbox: Any, store: Any) -> tuple[DeviceFlow, Any]:
    http = auth_http("allegro", url)
    flow = DeviceFlow(
        http=http,
        client_id=SECRET,
        client_secret=SECRET,
        store=store,
        clock=sandbox.clock.now,
        sleep=sandbox.clock.advance,
    )
    return flow, http


def test_device_flow_waits_for_the_seller_and_stores_tokens(
    manual: tuple[Any, str], tmp_path: Path
) -> None:
    sandbox, url = manual
    store = FileTokenStore(tmp_path / "tokens.json")
    flow, http = _flow(url, sandbox, store)
    code = flow.start()
    assert code.user_code in code.verification_uri_complete
    assert code.verification_uri.endswith("/skojarz-aplikacje")
    assert flow.poll_once(code) is None  # authorization_pending
    sandbox.clock.advance(5)
    assert flow.poll_once(code) is None
    confirmed = httpx.post(
        f"{url}/_sandbox/device/confirm", json={"user_code": code.user_code}, timeout=5
    )
    assert confirmed.status_code == 200
    pair = flow.poll(code)
    http.close()
    assert store.load() == pair
    assert stat.S_IMODE((tmp_path / "tokens.json").stat().st_mode) == 0o600


def test_device_flow_slows_down_when_asked(manual: tuple[Any, str], tmp_path: Path) -> None:
    sandbox, url = manual
    flow, http = _flow(url, sandbox, FileTokenStore(tmp_path / "t.json"))
    code = flow.start()
    assert flow.interval == 5
    assert flow.poll_once(code) is None
    assert flow.poll_once(code) is None  # polled at once: slow_down
    http.close()
    assert flow.interval == 10


def test_device_flow_denied_needs_reauthorisation(manual: tuple[Any, str], tmp_path: Path) -> None:
    sandbox, url = manual
    flow, http = _flow(url, sandbox, FileTokenStore(tmp_path / "t.json"))
    code = flow.start()
    httpx.post(
        f"{url}/_sandbox/device/confirm",
        json={"user_code": code.user_code, "approve": False},
        timeout=5,
    )
    with pytest.raises(Reauthorise, match="access_denied"):
        flow.poll(code)
    http.close()


def _tokens(harness: Harness, store: Any) -> tuple[AllegroTokens, Any]:
    http = auth_http("allegro", harness.extra["url"])
    tokens = AllegroTokens(
        store=store,
        http=http,
        client_id=SECRET,
        client_secret=SECRET,
        clock=harness.sandbox.clock.now,
    )
    return tokens, http


def _refresh_directly(url: str, refresh_token: str) -> httpx.Response:
    return httpx.post(
        f"{url}/auth/oauth/token",
        params={"grant_type": "refresh_token", "refresh_token": refresh_token},
        auth=(SECRET, SECRET),
        timeout=5,
    )


def test_refreshes_before_expiry_and_saves_the_new_pair(allegro_channel: Harness) -> None:
    store = allegro_channel.extra["store"]
    tokens, http = _tokens(allegro_channel, store)
    before = store.load()
    assert tokens.access_token() == before.access_token  # fresh: no refresh
    allegro_channel.advance(ACCESS_TTL - 200)  # inside the 5-minute margin
    fresh = tokens.access_token()
    http.close()
    after = store.load()
    assert tokens.refreshes == 1
    assert fresh == after.access_token != before.access_token
    assert after.refresh_token != before.refresh_token
    assert _refresh_directly(allegro_channel.extra["url"], before.refresh_token).status_code == 400
    offer = allegro_channel.seed({"a": 3})["a"]
    assert allegro_channel.adapter.read_quantities([offer]) == {offer: 3}


class _GatedStore(FileTokenStore):
    """A file store whose first ``load`` per instance waits for the other racer's first load.

    Both racers therefore see the same expired pair before either refreshes: the worst case.
    ``locked=False`` removes the lock, the control case showing what the lock prevents.
    """

    def __init__(self, path: Path, gate: threading.Barrier, *, locked: bool = True) -> None:
        super().__init__(path)
        self._gate, self._locked, self._waited = gate, locked, False

    def load(self) -> TokenPair | None:
        pair = super().load()
        if not self._waited:
            self._waited = True
            self._gate.wait(10)
        return pair

    @contextmanager
    def lock(self) -> Iterator[None]:
        if self._locked:
            with super().lock():
                yield
        else:
            yield


def _race(harness: Harness, *, locked: bool) -> tuple[list[Any], list[AllegroTokens]]:
    path = harness.extra["store"].path
    harness.advance(ACCESS_TTL + 10)  # expired for everyone
    gate = threading.Barrier(2)
    racers = [_tokens(harness, _GatedStore(path, gate, locked=locked)) for _ in range(2)]
    outcomes: list[Any] = []

    def run(tokens: AllegroTokens) -> None:
        try:
            outcomes.append(tokens.access_token())
        except Reauthorise as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t, _ in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    for _, http in racers:
        http.close()
    return outcomes, [t for t, _ in racers]


def test_two_refreshes_at_once_keep_the_valid_refresh_token(allegro_channel: Harness) -> None:
    outcomes, racers = _race(allegro_channel, locked=True)
    assert sum(t.refreshes for t in racers) == 1
    assert len(outcomes) == 2
    assert outcomes[0] == outcomes[1]
    stored = FileTokenStore(allegro_channel.extra["store"].path).load()
    assert stored is not None
    assert stored.access_token == outcomes[0]
    assert _refresh_directly(allegro_channel.extra["url"], stored.refresh_token).status_code == 200


def test_without_the_lock_one_racer_is_locked_out(allegro_channel: Harness) -> None:
    outcomes, _ = _race(allegro_channel, locked=False)
    assert len(outcomes) == 2
    assert sum(isinstance(o, Reauthorise) for o in outcomes) == 1


def test_unknown_refresh_token_needs_reauthorisation(allegro_channel: Harness) -> None:
    store = allegro_channel.extra["store"]
    pair = store.load()
    store.save(TokenPair(access_token="x", refresh_token="nope", expires_at=pair.expires_at))
    allegro_channel.advance(ACCESS_TTL + 10)
    tokens, http = _tokens(allegro_channel, store)
    with pytest.raises(Reauthorise):
        tokens.access_token()
    http.close()


def test_rejected_access_token_is_refreshed_once(allegro_channel: Harness) -> None:
    store = allegro_channel.extra["store"]
    pair = store.load()
    later = pair.expires_at + timedelta(days=1)
    store.save(
        TokenPair(access_token="revoked", refresh_token=pair.refresh_token, expires_at=later)
    )
    offer = allegro_channel.seed({"a": 2})["a"]
    adapter: Any = allegro_channel.adapter
    assert adapter.read_quantities([offer]) == {offer: 2}
    assert adapter.tokens.refreshes == 1
    assert store.load().access_token != "revoked"


def test_authorise_runs_the_whole_flow_for_the_cli(
    allegro_channel: Harness, tmp_path: Path
) -> None:
    shown: list[DeviceCode] = []
    store = FileTokenStore(tmp_path / "cli.json")
    pair = authorise(
        auth_url=allegro_channel.extra["url"],
        client_id=SECRET,
        client_secret=SECRET,
        store=store,
        show=shown.append,
        sleep=allegro_channel.sandbox.clock.advance,
    )
    assert len(shown) == 1
    assert store.load() == pair
