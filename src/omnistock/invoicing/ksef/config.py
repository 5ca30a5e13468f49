"""Client settings: where KSeF is, whose context, which token, and how patiently to poll."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from omnistock.domain.errors import InvalidValue

__all__ = ["KsefSettings"]

TEST_URL = "https://api-test.ksef.mf.gov.pl/v2"


@dataclass(frozen=True, slots=True, kw_only=True)
class KsefSettings:
    """Everything the client needs; ``base_url`` ends with the API version (``…/v2``).

    ``online_max`` is the largest number of invoices sent through an online session by
    ``KsefClient.send``; more go through a batch session (KSeF allows 180 online invoices/h).
    """

    base_url: str
    nip: str
    token: str
    timeout: float = 30.0
    poll_interval: float = 1.0
    poll_timeout: float = 300.0
    online_max: int = 20
    rate_retries: int = 3
    max_wait: float = 60.0
    part_size: int = 100_000_000
    page_size: int = 1000

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise InvalidValue("KSeF base URL must be http(s)", field="ksef.base_url")
        if not (len(self.nip) == 10 and self.nip.isdigit()):
            raise InvalidValue("seller NIP must be 10 digits", field="ksef.nip")
        if not self.token:
            raise InvalidValue("a KSeF token is required", field="ksef.token")
        if not 1 <= self.online_max <= 10_000 or not 10 <= self.page_size <= 1000:
            raise InvalidValue("online_max 1..10000, page_size 10..1000", field="ksef.limits")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> KsefSettings | None:
        """``OMNISTOCK_KSEF_URL`` (default TEST), ``…_NIP``, ``…_TOKEN``; ``None`` if unset."""
        nip, token = environ.get("OMNISTOCK_KSEF_NIP"), environ.get("OMNISTOCK_KSEF_TOKEN")
        if not nip or not token:
            return None
        return cls(base_url=environ.get("OMNISTOCK_KSEF_URL", TEST_URL), nip=nip, token=token)
