"""The ``[invoicing]`` table of ``omnistock.toml``: seller data, number series, policy.

```toml
[invoicing]
nip = "5261040828"
name = "Przykładowy Sklep sp. z o.o."
address = ["ul. Prosta 1", "00-001 Warszawa"]   # line 1, line 2 (country: "country", default PL)
series = "FV/{YYYY}/{MM}/{seq:4}"
correction_series = "KOR/{YYYY}/{MM}/{seq:4}"
bank_account = "PL61109010140000071219812874"
b2b_on_payment = true          # business orders get an invoice when paid (by the worker)
qr_base = "https://qr-test.ksef.mf.gov.pl"
annex15_groups = ["laptopy"]   # Annex 15 goods by product group or SKU (split payment)
annex15_skus = ["PHONE-1"]
# the worker's invoicing job (``omnistock worker``; service.invoice_jobs)
issue_every_s = 60             # look for paid business orders without an invoice
send_every_s = 400             # send to KSeF (batching; ≤ 9 sends × 20 online = 180/h)
auto_since = "2026-11-01"      # only orders first seen from this day (default: all)
draft_retry_s = 3600           # retry an order whose invoice failed (draft) after this
correct_closed = true          # an invoiced order cancelled/returned later gets a KOR to zero
```

The seller is validated when an invoice is built (bad data → a draft and an incident), not here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing import Address, NumberSeries, Seller

__all__ = ["DEFAULT_QR_BASE", "InvoicingConfig"]

DEFAULT_QR_BASE = "https://qr-test.ksef.mf.gov.pl"
DEFAULT_SERIES = NumberSeries(name="FV", pattern="FV/{YYYY}/{MM}/{seq:4}")
DEFAULT_CORRECTIONS = NumberSeries(name="KOR", pattern="KOR/{YYYY}/{MM}/{seq:4}")


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoicingConfig:
    """Invoicing settings as read; :meth:`seller` checks the seller's data."""

    nip: str = ""
    name: str = ""
    address: tuple[str, ...] = ()
    country: str = "PL"
    series: NumberSeries = DEFAULT_SERIES
    correction_series: NumberSeries = DEFAULT_CORRECTIONS
    bank_account: str | None = None
    b2b_on_payment: bool = True
    qr_base: str = DEFAULT_QR_BASE
    issue_every_s: float = 60.0
    send_every_s: float = 400.0
    auto_since: date | None = None
    draft_retry_s: float = 3600.0
    annex15_groups: frozenset[str] = frozenset()
    annex15_skus: frozenset[str] = frozenset()
    correct_closed: bool = True

    def annex15(self, sku: str | None, group: str | None) -> bool:
        """Whether a product is Annex 15 goods (split payment over 15 000 PLN to a business)."""
        return (sku is not None and sku in self.annex15_skus) or (
            group is not None and group in self.annex15_groups
        )

    @property
    def seller_key(self) -> str:
        """The NIP the counters are kept under (as configured, separators removed)."""
        return "".join(ch for ch in self.nip if ch.isdigit())[:10] or "-"

    def seller(self) -> Seller:
        """The seller; ``InvalidValue`` (``seller.nip``/``seller.name``/``seller.address``)."""
        address = None
        if self.address:
            line2 = self.address[1] if len(self.address) > 1 else None
            address = Address(line1=self.address[0], line2=line2, country=self.country)
        return Seller(nip=self.nip, name=self.name, address=address)

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> InvoicingConfig:
        address = section.get("address", ())
        if isinstance(address, str):
            address = (address,)
        return cls(
            nip=str(section.get("nip", "")),
            name=str(section.get("name", "")),
            address=tuple(str(a) for a in address),
            country=str(section.get("country", "PL")),
            series=_series(section, "series", "FV", "FV/{YYYY}/{MM}/{seq:4}"),
            correction_series=_series(
                section, "correction_series", "KOR", "KOR/{YYYY}/{MM}/{seq:4}"
            ),
            bank_account=section.get("bank_account"),
            b2b_on_payment=bool(section.get("b2b_on_payment", True)),
            qr_base=str(section.get("qr_base", DEFAULT_QR_BASE)).rstrip("/"),
            issue_every_s=_seconds(section, "issue_every_s", 60),
            send_every_s=_seconds(section, "send_every_s", 400),
            auto_since=_day(section, "auto_since"),
            draft_retry_s=_seconds(section, "draft_retry_s", 3600),
            annex15_groups=_names(section, "annex15_groups"),
            annex15_skus=_names(section, "annex15_skus"),
            correct_closed=bool(section.get("correct_closed", True)),
        )


def _seconds(section: Mapping[str, Any], key: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InvalidValue("must be a number of seconds ≥ 0", field=f"invoicing.{key}")
    return float(value)


def _names(section: Mapping[str, Any], key: str) -> frozenset[str]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InvalidValue("must be a list of names", field=f"invoicing.{key}")
    return frozenset(value)


def _day(section: Mapping[str, Any], key: str) -> date | None:
    value = section.get(key)
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidValue("must be a date YYYY-MM-DD", field=f"invoicing.{key}") from None


def _series(section: Mapping[str, Any], key: str, default_name: str, default: str) -> NumberSeries:
    pattern = section.get(key, default)
    if not isinstance(pattern, str):
        raise InvalidValue("must be a pattern such as FV/{YYYY}/{MM}/{seq:4}", field=key)
    name = pattern.split("/", 1)[0].strip("{}") or default_name
    return NumberSeries(name=name[:50], pattern=pattern)
