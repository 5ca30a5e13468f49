"""Allegro tokens: storage behind ``TokenStore`` and refresh before expiry, never racing.

Allegro's refresh tokens are single-use: a refresh returns a new access + refresh pair and the
old refresh token dies. Losing the new pair locks the account out, and two refreshes with the
same refresh token make one of them fail. So :class:`AllegroTokens` refreshes only while it
holds the store's lock, re-reads the pair under the lock (another process may have refreshed
already) and saves the new pair atomically before anyone uses the new access token.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from omnistock.channels.allegro.errors import Reauthorise, parse_error
from omnistock.channels.base import PermanentChannelError
from omnistock.channels.http import ChannelHttp, json_body

__all__ = ["AllegroTokens", "FileTokenStore", "MemoryTokenStore", "TokenPair", "TokenStore"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenPair:
    """An access token, the refresh token issued with it and when the access token expires."""

    access_token: str
    refresh_token: str
    expires_at: datetime

    @classmethod
    def from_response(cls, body: Any, now: datetime) -> TokenPair:
        """From a token-endpoint answer (``expires_in`` seconds from ``now``)."""
        if not isinstance(body, dict) or not body.get("access_token"):
            raise ValueError("token answer without access_token")
        return cls(
            access_token=str(body["access_token"]),
            refresh_token=str(body.get("refresh_token") or ""),
            expires_at=now + timedelta(seconds=int(body.get("expires_in", 0))),
        )


class TokenStore(Protocol):
    """Where one seller account's token pair lives; ``save`` replaces the pair atomically."""

    def load(self) -> TokenPair | None: ...

    def save(self, pair: TokenPair) -> None: ...

    def lock(self) -> AbstractContextManager[None]:
        """Exclusive across threads and processes sharing this store (one refresher)."""
        ...


class MemoryTokenStore:
    """A ``TokenStore`` in memory (one process)."""

    def __init__(self, pair: TokenPair | None = None) -> None:
        self._pair = pair
        self._lock = threading.Lock()

    def load(self) -> TokenPair | None:
        return self._pair

    def save(self, pair: TokenPair) -> None:
        self._pair = pair

    @contextmanager
    def lock(self) -> Iterator[None]:
        with self._lock:
            yield


class FileTokenStore:
    """A JSON file (mode 0600) written by atomic rename; ``lock`` is ``flock`` on a side file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock_path = path.with_name(path.name + ".lock")
        self._thread_lock = threading.Lock()

    def load(self) -> TokenPair | None:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        return TokenPair(
            access_token=data["access_token"],
            refresh_token=data["refresh_token"],
            expires_at=datetime.fromisoformat(data["expires_at"]),
        )

    def save(self, pair: TokenPair) -> None:
        data = {
            "access_token": pair.access_token,
            "refresh_token": pair.refresh_token,
            "expires_at": pair.expires_at.isoformat(),
        }
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        self._sync_dir()

    def _sync_dir(self) -> None:
        fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    @contextmanager
    def lock(self) -> Iterator[None]:
        with self._thread_lock:
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)


class AllegroTokens:
    """Gives a valid access token, refreshing ``skew`` before expiry (one refresher at a time)."""

    def __init__(
        self,
        *,
        store: TokenStore,
        http: ChannelHttp,
        client_id: str,
        client_secret: str,
        clock: Callable[[], datetime] | None = None,
        skew: timedelta = timedelta(minutes=5),
    ) -> None:
        self.store = store
        self._http = http
        self._auth = (client_id, client_secret)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._skew = skew
        self.refreshes = 0

    def close(self) -> None:
        """Close the OAuth server's connection pool."""
        self._http.close()

    def access_token(self) -> str:
        """A token valid for at least ``skew``; refreshes under the store's lock if needed."""
        pair = self._loaded()
        if self._fresh(pair):
            return pair.access_token
        return self.refresh(stale=pair.access_token).access_token

    def refresh(self, *, stale: str | None = None) -> TokenPair:
        """Refresh unless someone else already replaced the ``stale`` access token."""
        with self.store.lock():
            pair = self._loaded()
            if pair.access_token != stale and self._fresh(pair):
                return pair
            new = self._exchange(pair.refresh_token)
            self.store.save(new)
            return new

    def _loaded(self) -> TokenPair:
        pair = self.store.load()
        if pair is None:
            raise Reauthorise(
                "allegro: no stored tokens; run the device flow first", channel=self._http.channel
            )
        return pair

    def _fresh(self, pair: TokenPair) -> bool:
        return pair.expires_at - self._skew > self._clock()

    def _exchange(self, refresh_token: str) -> TokenPair:
        params = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        try:
            response = self._http.request(
                "POST", "/auth/oauth/token", params=params, auth=self._auth
            )
        except PermanentChannelError as exc:
            raise Reauthorise(str(exc), channel=exc.channel, http_status=exc.http_status) from exc
        self.refreshes += 1
        body = json_body(response, self._http.channel)
        try:
            return TokenPair.from_response(body, self._clock())
        except ValueError as exc:
            raise Reauthorise(str(exc), channel=self._http.channel) from exc


def auth_http(channel: str, auth_url: str, **kwargs: Any) -> ChannelHttp:
    """The ``ChannelHttp`` of Allegro's OAuth server (``https://allegro.pl`` in production)."""
    return ChannelHttp(channel=channel, base_url=auth_url, parse_error=parse_error, **kwargs)
