"""VAT rate codes → percentage and the FA(3) per-rate total fields (``P_13_x`` / ``P_14_x``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from omnistock.domain.product import VatRate


@dataclass(frozen=True, slots=True, kw_only=True)
class RateGroup:
    """One FA(3) totals group: ``net_field`` always, ``vat_field`` only for taxed rates."""

    net_field: str
    vat_field: str | None = None
    vat_pln_field: str | None = None


_TAXED = {
    VatRate.R23: ("23", "1"),
    VatRate.R22: ("22", "1"),
    VatRate.R8: ("8", "2"),
    VatRate.R7: ("7", "2"),
    VatRate.R5: ("5", "3"),
    VatRate.R4: ("4", "4"),
    VatRate.R3: ("3", "4"),
}
_UNTAXED = {
    VatRate.R0_KR: "P_13_6_1",
    VatRate.R0_WDT: "P_13_6_2",
    VatRate.R0_EX: "P_13_6_3",
    VatRate.ZW: "P_13_7",
    VatRate.NP_I: "P_13_8",
    VatRate.NP_II: "P_13_9",
    VatRate.OO: "P_13_10",
}


def rate_percent(rate: VatRate) -> Decimal:
    """The percentage charged (``23`` → 23); 0 for 0 %, exempt, not taxable and reverse charge."""
    taxed = _TAXED.get(rate)
    return Decimal(taxed[0]) if taxed else Decimal(0)


def rate_group(rate: VatRate) -> RateGroup:
    """The FA(3) fields that hold the totals of ``rate`` (``23`` → ``P_13_1``/``P_14_1``/…W)."""
    taxed = _TAXED.get(rate)
    if taxed:
        n = taxed[1]
        return RateGroup(net_field=f"P_13_{n}", vat_field=f"P_14_{n}", vat_pln_field=f"P_14_{n}W")
    return RateGroup(net_field=_UNTAXED[rate])


GROUP_ORDER: tuple[str, ...] = (
    "P_13_1",
    "P_13_2",
    "P_13_3",
    "P_13_4",
    "P_13_5",
    "P_13_6_1",
    "P_13_6_2",
    "P_13_6_3",
    "P_13_7",
    "P_13_8",
    "P_13_9",
    "P_13_10",
    "P_13_11",
)
"""The XSD order of the per-rate net fields."""
