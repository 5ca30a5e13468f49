"""Per-rate totals: VAT on each rate's net sum, rounded half-up — not the sum of line roundings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnistock.domain.invoicing import (
    ExchangeRate,
    InvoiceLine,
    compute_totals,
    rate_group,
    rate_percent,
    round_grosz,
)
from omnistock.domain.product import VatRate

D = Decimal


def lines_at(rate: VatRate, *nets: str) -> list[InvoiceLine]:
    return [InvoiceLine(name="x", quantity=D(1), net_price=D(n), vat=rate) for n in nets]


def test_rounding_trap_three_times_ten_groszy_at_23_percent_is_seven_groszy() -> None:
    totals = compute_totals(lines_at(VatRate.R23, "0.10", "0.10", "0.10"))
    per_line = sum(round_grosz(D("0.10") * D("0.23")) for _ in range(3))
    assert per_line == D("0.06")  # what summing rounded line VAT would give
    assert totals.vat == D("0.07")  # 0.30 × 23 % = 0.069 → 0.07
    assert (totals.net, totals.gross) == (D("0.30"), D("0.37"))


@pytest.mark.parametrize(
    ("rate", "net", "vat", "net_field", "vat_field"),
    [
        (VatRate.R23, "0.30", "0.07", "P_13_1", "P_14_1"),  # 0.069 rounds up
        (VatRate.R22, "0.30", "0.07", "P_13_1", "P_14_1"),  # old basic rate, 0.066
        (VatRate.R8, "0.30", "0.02", "P_13_2", "P_14_2"),  # 0.024 rounds down
        (VatRate.R7, "0.50", "0.04", "P_13_2", "P_14_2"),  # 0.035: exactly half → up
        (VatRate.R5, "0.30", "0.02", "P_13_3", "P_14_3"),  # 0.015: exactly half → up
        (VatRate.R4, "0.30", "0.01", "P_13_4", "P_14_4"),  # taxi flat rate, 0.012
        (VatRate.R3, "0.30", "0.01", "P_13_4", "P_14_4"),  # taxi flat rate, 0.009
        (VatRate.R0_KR, "0.30", "0.00", "P_13_6_1", None),  # 0 % domestic
        (VatRate.R0_WDT, "0.30", "0.00", "P_13_6_2", None),  # intra-EU supply
        (VatRate.R0_EX, "0.30", "0.00", "P_13_6_3", None),  # export
        (VatRate.ZW, "0.30", "0.00", "P_13_7", None),  # exempt
        (VatRate.NP_I, "0.30", "0.00", "P_13_8", None),  # not taxable in PL
        (VatRate.NP_II, "0.30", "0.00", "P_13_9", None),  # EU B2B services
        (VatRate.OO, "0.30", "0.00", "P_13_10", None),  # domestic reverse charge
    ],
)
def test_vat_per_rate_on_three_lines_of_ten_groszy(
    rate: VatRate, net: str, vat: str, net_field: str, vat_field: str | None
) -> None:
    nets = ["0.10"] * 3 if net == "0.30" else ["0.25", "0.25"]
    totals = compute_totals(lines_at(rate, *nets))
    (only,) = totals.by_rate
    assert (only.rate, only.net, only.vat) == (rate, D(net), D(vat))
    assert rate_group(rate).net_field == net_field
    assert rate_group(rate).vat_field == vat_field


def test_each_rate_is_rounded_separately() -> None:
    lines = lines_at(VatRate.R23, "0.10", "0.10", "0.10") + lines_at(VatRate.R8, "0.10") * 3
    totals = compute_totals(lines)
    by_rate = {t.rate: (t.net, t.vat) for t in totals.by_rate}
    assert by_rate == {VatRate.R23: (D("0.30"), D("0.07")), VatRate.R8: (D("0.30"), D("0.02"))}
    assert totals.gross == D("0.69")


def test_line_net_is_quantity_times_unit_price_rounded_half_up() -> None:
    line = InvoiceLine(name="x", quantity=D("3"), net_price=D("0.335"), vat=VatRate.R23)
    assert line.value == D("1.01")  # 1.005 → 1.01


def test_gross_prices_take_vat_out_of_the_per_rate_gross_sum() -> None:
    lines = [
        InvoiceLine(name="x", quantity=D(1), gross_price=D("1000.00"), vat=VatRate.R23),
        InvoiceLine(name="y", quantity=D(3), gross_price=D("0.33"), vat=VatRate.R23),
        InvoiceLine(name="z", quantity=D(1), gross_price=D("10.80"), vat=VatRate.R8),
    ]
    totals = compute_totals(lines)
    by_rate = {t.rate: (t.net, t.vat) for t in totals.by_rate}
    # 1000.99 × 23/123 = 187.1809… → 187.18; 10.80 × 8/108 = 0.80
    assert by_rate == {VatRate.R23: (D("813.81"), D("187.18")), VatRate.R8: (D("10.00"), D("0.80"))}
    assert totals.gross == D("1011.79")


def test_gross_rounding_trap_is_on_the_sum_too() -> None:
    # three 0.12 gross lines at 23 %: per line 0.0224… → 0.02 each (0.06); on the sum 0.0673 → 0.07
    totals = compute_totals(
        [InvoiceLine(name="x", quantity=D(1), gross_price=D("0.12"), vat=VatRate.R23)] * 3
    )
    assert (totals.net, totals.vat, totals.gross) == (D("0.29"), D("0.07"), D("0.36"))


def test_gross_foreign_currency_vat_in_pln_is_rounded_once() -> None:
    eur = ExchangeRate(currency="EUR", rate=D("4.3250"), effective=date(2026, 11, 25))
    line = InvoiceLine(name="x", quantity=D(1), gross_price=D("123.00"), vat=VatRate.R23)
    (total,) = compute_totals([line], eur).by_rate
    assert (total.net, total.vat, total.vat_pln) == (D("100.00"), D("23.00"), D("99.48"))


def test_foreign_currency_vat_in_pln_uses_the_given_rate_once() -> None:
    eur = ExchangeRate(currency="eur", rate=D("4.3250"), effective=date(2026, 11, 25))
    totals = compute_totals(lines_at(VatRate.R23, "100.03"), eur)
    (only,) = totals.by_rate
    assert only.vat == D("23.01")  # 23.0069 EUR
    assert only.vat_pln == D("99.50")  # 100.03 × 0.23 × 4.325 = 99.5048…, rounded once
    assert eur.currency == "EUR"


@given(
    st.lists(
        st.decimals(min_value=D("0.01"), max_value=D("9999.99"), places=2), min_size=1, max_size=40
    ),
    st.sampled_from([VatRate.R23, VatRate.R8, VatRate.R5]),
)
def test_per_rate_vat_is_round_of_sum_and_close_to_per_line_sum(
    nets: list[Decimal], rate: VatRate
) -> None:
    totals = compute_totals(lines_at(rate, *map(str, nets)))
    percent = rate_percent(rate) / 100
    assert totals.vat == round_grosz(sum(nets, D(0)) * percent)
    per_line = sum((round_grosz(n * percent) for n in nets), D(0))
    assert abs(totals.vat - per_line) <= D("0.005") * len(nets) + D("0.005")
