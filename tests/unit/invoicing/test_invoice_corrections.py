"""Corrections (KOR): reference to the original, before/after lines, differences per rate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing import (
    CorrectionType,
    Invoice,
    InvoiceRef,
    correct,
    ksef_checksum,
    parse_ksef_number,
)
from omnistock.domain.product import VatRate

D = Decimal
KSEF = "5261040828-20261126-0100001AF629"
KSEF_NUMBER = f"{KSEF}-{ksef_checksum(KSEF)}"


def test_ksef_number_checksum_matches_the_documented_example() -> None:
    assert parse_ksef_number("5265877635-20250826-0100001AF629-AF").endswith("-AF")
    with pytest.raises(InvalidValue) as caught:
        parse_ksef_number("5265877635-20250826-0100001AF629-AE", field="corrected.ksef_number")
    assert caught.value.field == "corrected.ksef_number"
    with pytest.raises(InvalidValue):
        parse_ksef_number("not-a-number")


def test_return_of_one_item_gives_negative_differences_per_rate(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    original = make_invoice(make_line("0.10", quantity="3"), make_line("10.00", vat=VatRate.R8))
    returned = (original.lines[0], replace(original.lines[1], quantity=D(0)))
    kor = correct(
        original,
        number="KOR/2026/11/1",
        issue_date=date(2026, 11, 30),
        reason="zwrot towaru",
        after=returned,
        ksef_number=KSEF_NUMBER,
    )
    assert kor.corrected == InvoiceRef(
        number="FV/2026/11/1", issue_date=date(2026, 11, 26), ksef_number=KSEF_NUMBER
    )
    assert (kor.reason, kor.kind) == ("zwrot towaru", CorrectionType.CORRECTION_DATE)
    by_rate = {t.rate: (t.net, t.vat) for t in kor.totals.by_rate}
    assert by_rate == {VatRate.R23: (D("0.00"), D("0.00")), VatRate.R8: (D("-10.00"), D("-0.80"))}
    assert kor.totals.gross == D("-10.80")


def test_price_cut_difference_uses_per_rate_totals_of_both_states(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    original = make_invoice(make_line("0.10"), make_line("0.10"), make_line("0.10"))  # VAT 0.07
    after = tuple(replace(line, net_price=D("0.05")) for line in original.lines)  # 0.15 → 0.03
    kor = correct(
        original,
        number="KOR/1",
        issue_date=date(2026, 12, 1),
        reason="obniżka",
        after=after,
        ksef_number=None,
    )
    (total,) = kor.totals.by_rate
    assert (total.net, total.vat) == (D("-0.15"), D("-0.04"))


def test_correction_of_a_correction_starts_from_the_previous_after_state(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    original = make_invoice(make_line("100.00", quantity="2"))
    first = correct(
        original,
        number="KOR/1",
        issue_date=date(2026, 11, 27),
        reason="zwrot 1 szt.",
        after=(replace(original.lines[0], quantity=D(1)),),
        ksef_number=KSEF_NUMBER,
    )
    second = correct(
        first,
        number="KOR/2",
        issue_date=date(2026, 11, 28),
        reason="zwrot 2 szt.",
        after=(replace(original.lines[0], quantity=D(0)),),
        ksef_number=None,
        kind=CorrectionType.ORIGINAL_DATE,
    )
    assert second.before == first.after
    assert (second.corrected.number, second.corrected.ksef_number) == ("KOR/1", None)
    assert second.corrected.issue_date == date(2026, 11, 27)
    assert second.totals.gross == D("-123.00")
    assert first.totals.gross + second.totals.gross == -original.totals.gross


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": " "}, "reason"),  # a correction must say why
        ({"number": "FV/2026/11/1"}, "number"),  # reusing the original's number → KSeF 440
        ({"issue_date": date(2026, 11, 1)}, "issue_date"),  # before the original
        ({"after": ()}, "after"),  # no lines
        ({"ksef_number": "5261040828-20261126-0100001AF629-00"}, "corrected.ksef_number"),
    ],
)
def test_bad_correction_input_names_the_field(
    make_invoice: Callable[..., Invoice], kwargs: dict[str, Any], field: str
) -> None:
    original = make_invoice()
    values: dict[str, Any] = {
        "number": "KOR/1",
        "issue_date": date(2026, 11, 30),
        "reason": "zwrot",
        "after": original.lines,
        "ksef_number": None,
    }
    values.update(kwargs)
    with pytest.raises(InvalidValue) as caught:
        correct(original, **values)
    assert caught.value.field == field


def test_a_dropped_line_must_stay_with_quantity_zero(
    make_invoice: Callable[..., Invoice], make_line: Any
) -> None:
    original = make_invoice(make_line("1.00"), make_line("2.00"))
    with pytest.raises(InvalidValue) as caught:
        correct(
            original,
            number="KOR/1",
            issue_date=date(2026, 11, 30),
            reason="zwrot",
            after=original.lines[:1],
            ksef_number=None,
        )
    assert caught.value.field == "after"
