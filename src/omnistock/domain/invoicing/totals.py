"""Per-rate totals: VAT is computed on each rate's net sum, never summed from rounded lines.

Art. 106e ust. 1 pkt 14 asks for "the tax on the sum of net values, split by rate", so
``VAT(rate) = round_half_up(Σ net of the rate's lines × rate)``. Three lines of 0.10 PLN at 23 %
give 0.30 × 23 % = 0.069 → **0.07**, where summing rounded line VAT would give 3 × 0.02 = 0.06.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from omnistock.domain.invoicing.lines import InvoiceLine
from omnistock.domain.invoicing.money import ExchangeRate, round_grosz
from omnistock.domain.invoicing.rates import rate_percent
from omnistock.domain.product import VatRate

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True, kw_only=True)
class RateTotal:
    """Totals of one VAT rate: ``net``, ``vat`` in the invoice currency, ``vat_pln`` if foreign."""

    rate: VatRate
    net: Decimal
    vat: Decimal
    vat_pln: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    """Per-rate totals in the order rates first appear, and the sums (``gross`` is ``P_15``)."""

    by_rate: tuple[RateTotal, ...]

    @property
    def net(self) -> Decimal:
        return sum((t.net for t in self.by_rate), ZERO)

    @property
    def vat(self) -> Decimal:
        return sum((t.vat for t in self.by_rate), ZERO)

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    def rate(self, rate: VatRate) -> RateTotal | None:
        """The totals of ``rate``, if the invoice has lines at that rate."""
        return next((t for t in self.by_rate if t.rate is rate), None)


def rate_total(
    rate: VatRate, net: Decimal, exchange: ExchangeRate | None, gross: Decimal = ZERO
) -> RateTotal:
    """Totals of one rate from its exact net sum and/or gross sum.

    VAT = round(net × r) + round(gross × r / (100 + r)); the gross part's net is gross − VAT.
    VAT in PLN = round(exact VAT × exchange rate), rounded once.
    """
    percent = rate_percent(rate)
    gross_vat_exact = gross * percent / (100 + percent)
    gross_vat = round_grosz(gross_vat_exact)
    vat = round_grosz(net * percent / 100) + gross_vat
    vat_pln = None
    if exchange is not None and percent:
        vat_pln = round_grosz((net * percent / 100 + gross_vat_exact) * exchange.rate)
    return RateTotal(rate=rate, net=round_grosz(net) + gross - gross_vat, vat=vat, vat_pln=vat_pln)


def compute_totals(lines: Iterable[InvoiceLine], exchange: ExchangeRate | None = None) -> Totals:
    """Sum line values per rate (net and gross apart), then compute each rate's VAT once."""
    nets: dict[VatRate, Decimal] = {}
    grosses: dict[VatRate, Decimal] = {}
    for line in lines:
        sums = grosses if line.is_gross else nets
        sums[line.vat] = sums.get(line.vat, ZERO) + line.value
        (nets if line.is_gross else grosses).setdefault(line.vat, ZERO)
    return Totals(by_rate=tuple(rate_total(r, nets[r], exchange, grosses[r]) for r in nets))


def difference(after: Totals, before: Totals) -> Totals:
    """Per-rate ``after − before`` (a correction's totals); rates absent on one side count as 0."""
    rates = [t.rate for t in before.by_rate]
    rates += [t.rate for t in after.by_rate if t.rate not in rates]
    return Totals(by_rate=tuple(_minus(after.rate(r), before.rate(r), r) for r in rates))


def _minus(a: RateTotal | None, b: RateTotal | None, rate: VatRate) -> RateTotal:
    zero = RateTotal(rate=rate, net=ZERO, vat=ZERO)
    a, b = a or zero, b or zero
    both_none = a.vat_pln is None and b.vat_pln is None
    pln = None if both_none else (a.vat_pln or ZERO) - (b.vat_pln or ZERO)
    return RateTotal(rate=rate, net=a.net - b.net, vat=a.vat - b.vat, vat_pln=pln)
