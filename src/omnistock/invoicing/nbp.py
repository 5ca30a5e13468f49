"""NBP average exchange rates (table A) for foreign-currency invoices (art. 31a of the VAT Act).

The rule: the average rate of the **last working day before** the tax point (sale date). NBP
publishes no table on weekends and holidays (its API answers 404), so :func:`rate_before` walks
back day by day. Sources: :class:`NbpApiSource` (the NBP API over httpx, base URL configurable)
and :class:`TableRateSource` (a local table, for tests and offline work).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

import httpx

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing import ExchangeRate

__all__ = ["NBP_API", "NbpApiSource", "RateSource", "TableRateSource", "rate_before"]

NBP_API = "https://api.nbp.pl/api"
MAX_LOOKBACK = 10


class RateSource(Protocol):
    def rate_on(self, currency: str, day: date) -> ExchangeRate | None:
        """The NBP table-A average rate published on ``day``; ``None`` if there is none."""


class TableRateSource:
    """Rates from a local table ``{(currency, day): rate}``."""

    def __init__(self, rates: Mapping[tuple[str, date], Decimal]) -> None:
        self.rates = {(cur.upper(), day): value for (cur, day), value in rates.items()}

    def rate_on(self, currency: str, day: date) -> ExchangeRate | None:
        value = self.rates.get((currency.upper(), day))
        if value is None:
            return None
        return ExchangeRate(currency=currency, rate=value, effective=day, table="local")


class NbpApiSource:
    """``GET {base}/exchangerates/rates/a/{code}/{YYYY-MM-DD}/?format=json`` (404: no table)."""

    def __init__(self, client: httpx.Client, base_url: str = NBP_API) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")

    def rate_on(self, currency: str, day: date) -> ExchangeRate | None:
        url = f"{self.base_url}/exchangerates/rates/a/{currency.lower()}/{day.isoformat()}/"
        response = self.client.get(url, params={"format": "json"})
        if response.status_code == 404:
            return None
        response.raise_for_status()
        rate = response.json()["rates"][0]
        return ExchangeRate(
            currency=currency,
            rate=Decimal(str(rate["mid"])),
            effective=date.fromisoformat(rate["effectiveDate"]),
            table=str(rate["no"]),
        )


def rate_before(source: RateSource, currency: str, sale_date: date) -> ExchangeRate:
    """The rate of the last working day before ``sale_date`` that has an NBP table."""
    day = sale_date
    for _ in range(MAX_LOOKBACK):
        day -= timedelta(days=1)
        found = source.rate_on(currency, day)
        if found is not None:
            return found
    message = f"no NBP rate for {currency} in the {MAX_LOOKBACK} days before {sale_date}"
    raise InvalidValue(message, field="exchange")
