"""A database-backed Allegro ``TokenStore``: shared by every worker, refreshed by one at a time.

* ``lock()`` takes a lease on the account's row with one atomic ``UPDATE … WHERE`` (free or
  expired), so exactly one process or thread refreshes; others wait on the condition (short
  waits, up to ``wait_s``) and then re-read the pair the winner saved.
* ``save(pair)`` under the lock is a compare-and-swap on the refresh token read under that lock
  (``refresh_hash``): a save can never overwrite a newer pair, and
  :class:`~omnistock.domain.errors.Conflict` says the lease was lost. Outside the lock (the
  device flow's first save) it replaces the pair.
* With a ``FieldCipher`` (``omnistock.privacy`` keys configured) both tokens are stored sealed
  (AES-GCM bound to ``channel_tokens.<column>.<channel>``); without one they are stored as
  given — ``sealed`` says which.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import Engine, select, update

from omnistock.channels.allegro.tokens import TokenPair
from omnistock.domain.errors import Conflict
from omnistock.privacy.cipher import FieldCipher, FieldRef
from omnistock.store.channel_token_tables import channel_tokens
from omnistock.store.sql import insert_ignore

__all__ = ["DbTokenStore", "refresh_hash"]

T = channel_tokens.c


def refresh_hash(token: str) -> str:
    """The compare-and-swap key of a refresh token (SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class DbTokenStore:
    """The token pair of channel account ``channel`` in ``channel_tokens``."""

    def __init__(
        self,
        engine: Engine,
        channel: str,
        *,
        cipher: FieldCipher | None = None,
        clock: Callable[[], datetime] | None = None,
        lease_s: float = 60.0,
        wait_s: float = 30.0,
    ) -> None:
        self.engine = engine
        self.channel = channel
        self.cipher = cipher
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lease = timedelta(seconds=lease_s)
        self._wait_s = wait_s
        self._local = threading.local()

    @property
    def sealed(self) -> bool:
        return self.cipher is not None

    def load(self) -> TokenPair | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(channel_tokens).where(T.channel == self.channel)).first()
        if row is None or row.refresh_token is None or row.expires_at is None:
            return None
        pair = TokenPair(
            access_token=self._open("access_token", row.access_token),
            refresh_token=self._open("refresh_token", row.refresh_token),
            expires_at=_aware(row.expires_at),
        )
        if getattr(self._local, "holder", None):
            self._local.expected = row.refresh_hash
        return pair

    def save(self, pair: TokenPair) -> None:
        """Store ``pair``; under the lock only if the row still has the refresh token read."""
        values = self._values(pair)
        holder = getattr(self._local, "holder", None)
        expected = getattr(self._local, "expected", None)
        with self.engine.begin() as conn:
            self._ensure_row(conn)
            query = update(channel_tokens).where(T.channel == self.channel)
            if holder is not None and expected is not None:
                query = query.where(T.refresh_hash == expected, T.lease_holder == holder)
            done = conn.execute(query.values(**values, version=T.version + 1)).rowcount
        if done != 1:
            raise Conflict(
                f"{self.channel}: tokens were replaced by another refresher", field="channel"
            )
        if holder is not None:
            self._local.expected = values["refresh_hash"]

    def compare_and_swap(self, expected_refresh: str, pair: TokenPair) -> bool:
        """Replace the pair only if the stored refresh token is ``expected_refresh``."""
        values = self._values(pair)
        query = (
            update(channel_tokens)
            .where(T.channel == self.channel, T.refresh_hash == refresh_hash(expected_refresh))
            .values(**values, version=T.version + 1)
        )
        with self.engine.begin() as conn:
            return bool(conn.execute(query).rowcount == 1)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One refresher across threads and processes (a lease on the row)."""
        holder = f"{os.getpid()}:{threading.get_ident()}:{uuid4().hex[:12]}"
        self._acquire(holder)
        self._local.holder = holder
        try:
            yield
        finally:
            self._local.holder = None
            self._local.expected = None
            self._release(holder)

    def _acquire(self, holder: str) -> None:
        deadline = self._clock() + timedelta(seconds=self._wait_s)
        waiter = threading.Event()
        while not self._try_lease(holder):
            if self._clock() > deadline:
                raise Conflict(f"{self.channel}: token refresh lease is busy", field="channel")
            waiter.wait(0.02)

    def _try_lease(self, holder: str) -> bool:
        now = self._clock()
        free = (T.lease_holder.is_(None)) | (T.lease_until < now)
        query = (
            update(channel_tokens)
            .where(T.channel == self.channel, free)
            .values(lease_holder=holder, lease_until=now + self._lease)
        )
        with self.engine.begin() as conn:
            self._ensure_row(conn)
            return bool(conn.execute(query).rowcount == 1)

    def _release(self, holder: str) -> None:
        query = (
            update(channel_tokens)
            .where(T.channel == self.channel, T.lease_holder == holder)
            .values(lease_holder=None, lease_until=None)
        )
        with self.engine.begin() as conn:
            conn.execute(query)

    def _ensure_row(self, conn: Any) -> None:
        row = {"channel": self.channel, "version": 0, "updated_at": self._clock()}
        insert_ignore(conn, channel_tokens, row)

    def _values(self, pair: TokenPair) -> dict[str, Any]:
        return {
            "access_token": self._seal("access_token", pair.access_token),
            "refresh_token": self._seal("refresh_token", pair.refresh_token),
            "refresh_hash": refresh_hash(pair.refresh_token),
            "expires_at": pair.expires_at,
            "updated_at": self._clock(),
        }

    def _ref(self, column: str) -> FieldRef:
        return FieldRef(table="channel_tokens", column=column, record_id=self.channel)

    def _seal(self, column: str, value: str) -> str:
        return value if self.cipher is None else self.cipher.seal(value, self._ref(column))

    def _open(self, column: str, value: str) -> str:
        return value if self.cipher is None else self.cipher.open(value, self._ref(column))
