"""The database-backed Allegro token store (SQLite and PostgreSQL) against the Allegro sandbox.

The refresh race: two refreshers (own store instances, own connections, as two workers) see the
same expired pair at once; exactly one refresh reaches Allegro, both end with the same access
token, and the stored refresh token is the valid one. Saves are compare-and-swap on the refresh
token, and tokens are sealed at rest when privacy keys are configured.
"""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from typing import Any

import httpx
import pytest
from channel_harness import SECRET, Harness
from sqlalchemy import Engine, select

from omnistock.channels.allegro import AllegroTokens, Reauthorise, TokenPair
from omnistock.channels.allegro.tokens import auth_http
from omnistock.domain.errors import Conflict
from omnistock.privacy.cipher import FieldCipher
from omnistock.privacy.keys import Keyring
from omnistock.store.channel_token_repository import DbTokenStore
from omnistock.store.channel_token_tables import channel_tokens
from omnistock.store.engine import make_engine

ACCESS_TTL = 43_199


class _GatedStore(DbTokenStore):
    """First ``load`` per instance waits for the other racer's: both see the expired pair."""

    def __init__(self, *args: Any, gate: threading.Barrier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._gate, self._waited = gate, False

    def load(self) -> TokenPair | None:
        pair = super().load()
        if not self._waited:
            self._waited = True
            self._gate.wait(10)
        return pair


def _copy_pair(harness: Harness, store: DbTokenStore) -> TokenPair:
    pair = harness.extra["store"].load()
    store.save(pair)
    return pair


def _tokens(harness: Harness, store: DbTokenStore) -> AllegroTokens:
    return AllegroTokens(
        store=store,
        http=auth_http("allegro", harness.extra["url"]),
        client_id=SECRET,
        client_secret=SECRET,
        clock=harness.sandbox.clock.now,
    )


def _refresh_directly(url: str, refresh_token: str) -> int:
    params = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    response = httpx.post(
        f"{url}/auth/oauth/token", params=params, auth=(SECRET, SECRET), timeout=5
    )
    return response.status_code


def test_two_refreshes_at_once_keep_the_valid_refresh_token(
    allegro_channel: Harness, engine: Engine
) -> None:
    _copy_pair(allegro_channel, DbTokenStore(engine, "allegro"))
    allegro_channel.advance(ACCESS_TTL + 10)  # expired for everyone
    gate = threading.Barrier(2)
    engines = [make_engine(engine.url.render_as_string(hide_password=False)) for _ in range(2)]
    clock = allegro_channel.sandbox.clock.now
    racers = [
        _tokens(allegro_channel, _GatedStore(e, "allegro", gate=gate, clock=clock)) for e in engines
    ]
    outcomes: list[Any] = []

    def run(tokens: AllegroTokens) -> None:
        try:
            outcomes.append(tokens.access_token())
        except (Reauthorise, Conflict) as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for tokens, e in zip(racers, engines, strict=True):
        tokens.close()
        e.dispose()
    assert sum(t.refreshes for t in racers) == 1
    assert len(outcomes) == 2
    assert outcomes[0] == outcomes[1]
    stored = DbTokenStore(engine, "allegro").load()
    assert stored is not None
    assert stored.access_token == outcomes[0]
    assert _refresh_directly(allegro_channel.extra["url"], stored.refresh_token) == 200


def test_save_under_the_lock_never_overwrites_a_newer_pair(
    allegro_channel: Harness, engine: Engine
) -> None:
    first = DbTokenStore(engine, "allegro")
    old = _copy_pair(allegro_channel, first)
    expires = old.expires_at + timedelta(hours=1)
    newer = TokenPair(access_token="a2", refresh_token="r2", expires_at=expires)
    with first.lock():
        assert first.load() == old
        # another refresher replaced the pair meanwhile (e.g. this lease had expired)
        assert DbTokenStore(engine, "allegro").compare_and_swap(old.refresh_token, newer)
        with pytest.raises(Conflict):
            first.save(TokenPair(access_token="a3", refresh_token="r3", expires_at=expires))
    assert first.load() == newer
    # a stale compare-and-swap changes nothing either
    stale = TokenPair(access_token="a4", refresh_token="r4", expires_at=expires)
    assert not first.compare_and_swap(old.refresh_token, stale)
    assert first.load() == newer


def test_tokens_are_sealed_at_rest_with_privacy_keys(
    allegro_channel: Harness, engine: Engine
) -> None:
    keyring = Keyring(active="k1", keys={"k1": os.urandom(32)}, hash_key=os.urandom(32))
    store = DbTokenStore(engine, "allegro", cipher=FieldCipher(keyring))
    pair = _copy_pair(allegro_channel, store)
    with engine.connect() as conn:
        row = conn.execute(select(channel_tokens)).one()
    assert row.access_token.startswith("v1:k1:")
    assert pair.access_token not in row.access_token
    assert pair.refresh_token not in row.refresh_token
    assert store.sealed
    assert store.load() == pair
    tokens = _tokens(allegro_channel, store)
    allegro_channel.advance(ACCESS_TTL + 10)
    fresh = tokens.access_token()  # refresh through the sealed store
    tokens.close()
    assert tokens.refreshes == 1
    loaded = store.load()
    assert loaded is not None
    assert loaded.access_token == fresh != pair.access_token
