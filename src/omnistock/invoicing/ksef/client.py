"""``KsefClient``: the synchronous KSeF API 2.x client the invoice service calls.

Why not an SDK. ``ksef-client`` (MIT, sync + async, typed) is a dependency already, but only for
the FA(3) XSDs it ships: as a transport it (1) refuses pre-signed upload URLs on loopback or
private hosts unconditionally, so batch sessions cannot reach the local sandbox or an on-premise
proxy without patching it; (2) targets API 2.9 while our reference spec is 2.6; (3) is 0.x with
one maintainer and frequent breaking changes (reference ``ksef.md`` §7). ``ksef2`` needs
Python 3.12. What omnistock needs from the transport is small and must be exact — token auth,
online/batch sessions, 429 ``Retry-After``, 440 resolved by hash, an ``Unavailable`` error for
offline mode, errors in omnistock's own tree — so it is written here on httpx + cryptography,
about 700 lines, tested over real HTTP against ``omnistock.sandbox.ksef``.

Usage::

    client = KsefClient(KsefSettings(base_url=..., nip=..., token=...))
    accepted = client.submit(xml)                 # one invoice, online session, UPO included
    report = client.send([("FV-1.xml", xml), ...])  # ≤ online_max online, else a batch session
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import httpx

from omnistock.invoicing.ksef.auth import KsefAuth, PublicKeys, TokenPair, fetch_public_keys
from omnistock.invoicing.ksef.batch import BatchSender
from omnistock.invoicing.ksef.config import KsefSettings
from omnistock.invoicing.ksef.crypto import digest
from omnistock.invoicing.ksef.http import KsefHttp
from omnistock.invoicing.ksef.online import OnlineSession, wait_outcome
from omnistock.invoicing.ksef.poll import Poller
from omnistock.invoicing.ksef.results import Accepted, BatchReport, Outcome
from omnistock.invoicing.ksef.sessions import SessionReader

__all__ = ["KsefClient"]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class KsefClient:
    """One seller's KSeF context: authentication, online and batch sessions, UPOs."""

    def __init__(
        self,
        settings: KsefSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = _utcnow,
        monotonic: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._now = now
        self.http = KsefHttp(
            settings.base_url,
            timeout=settings.timeout,
            sleep=sleep,
            rate_retries=settings.rate_retries,
            max_wait=settings.max_wait,
            transport=transport,
        )
        self._poller = Poller(
            interval=settings.poll_interval,
            timeout=settings.poll_timeout,
            sleep=sleep,
            monotonic=monotonic,
        )
        self._keys: PublicKeys | None = None
        self.auth = KsefAuth(
            self.http, self.public_keys, nip=settings.nip, token=settings.token,
            poller=self._poller, now=now,
        )  # fmt: skip
        self.reader = SessionReader(self.http, self.auth, settings.page_size)

    def public_keys(self) -> PublicKeys:
        """The Ministry's certificates (fetched once per client)."""
        if self._keys is None:
            self._keys = fetch_public_keys(self.http, self._now())
        return self._keys

    def authenticate(self) -> TokenPair:
        """Log in now (otherwise the first call does)."""
        return self.auth.login()

    def online_session(self) -> OnlineSession:
        """Open an online session (a context manager that closes it)."""
        return OnlineSession(self.http, self.auth, self.public_keys(), self._poller, self.reader)

    def submit(self, xml: bytes, *, offline_mode: bool = False) -> Accepted:
        """Send one invoice in its own online session; ``Accepted`` with its UPO, or raise."""
        with self.online_session() as session:
            return session.submit(xml, offline_mode=offline_mode)

    def send(
        self, files: Sequence[tuple[str, bytes]], *, offline_mode: bool = False
    ) -> BatchReport:
        """Up to ``online_max`` invoices online, more in a batch session (KSeF's 180/h online)."""
        if not files:
            return BatchReport(session_reference="", outcomes=(), upo_pages=())
        if len(files) <= self.settings.online_max:
            return self.send_online(files, offline_mode=offline_mode)
        return self.send_batch(files, offline_mode=offline_mode)

    def send_online(
        self, files: Sequence[tuple[str, bytes]], *, offline_mode: bool = False
    ) -> BatchReport:
        """Each ``(name, xml)`` through one online session; rejections become outcomes."""
        outcomes: list[Outcome] = []
        with self.online_session() as session:
            references = [session.send(xml, offline_mode=offline_mode) for _, xml in files]
            for (name, xml), reference in zip(files, references, strict=True):
                accepted, error = wait_outcome(session, reference, xml)
                outcomes.append(
                    Outcome(
                        name=name, invoice_hash=digest(xml).hash, accepted=accepted, error=error
                    )
                )
        return BatchReport(
            session_reference=session.reference, outcomes=tuple(outcomes), upo_pages=()
        )

    def send_batch(
        self, files: Sequence[tuple[str, bytes]], *, offline_mode: bool = False
    ) -> BatchReport:
        """All ``(name, xml)`` through one batch session (names must be unique)."""
        sender = BatchSender(
            self.http, self.auth, self.public_keys(), self._poller, self.reader,
            part_size=self.settings.part_size,
        )  # fmt: skip
        return sender.send(files, offline_mode=offline_mode)

    def close(self) -> None:
        """Release the HTTP connections."""
        self.http.close()

    def __enter__(self) -> KsefClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
