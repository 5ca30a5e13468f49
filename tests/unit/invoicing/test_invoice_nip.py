"""The domain's own NIP checksum agrees with python-stdnum and names the field on errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.pl import nip as stdnum_nip

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing import compact_nip, nip_is_valid, parse_nip


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_checksum_agrees_with_stdnum_on_any_ten_digits(digits: str) -> None:
    assert nip_is_valid(digits) == stdnum_nip.is_valid(digits)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_accepts_exactly_the_check_digit_stdnum_accepts(body: str) -> None:
    ours = [d for d in "0123456789" if nip_is_valid(body + d)]
    theirs = [d for d in "0123456789" if stdnum_nip.is_valid(body + d)]
    assert ours == theirs
    assert len(ours) <= 1


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        ("526-104-08-28", "5261040828"),  # formatted with hyphens
        ("PL 5261040828", "5261040828"),  # EU prefix and space
        ("pl526.104.08.28", "5261040828"),  # lower-case prefix, dots
    ],
)
def test_compacts_the_ways_buyers_write_a_nip(text: str, compact: str) -> None:
    assert compact_nip(text) == compact
    assert parse_nip(text, field="buyer.nip") == compact
    assert stdnum_nip.validate(text.replace(".", "")) == compact


@pytest.mark.parametrize(
    "text",
    [
        "5261040829",  # wrong check digit
        "526104082",  # nine digits
        "52610408281",  # eleven digits
        "BRAK",  # placeholder some shops send
        "",  # empty
        "0000000000",  # checksum 0 but the FA(3) pattern forbids a leading 0
    ],
)
def test_rejects_invalid_nip_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_nip(text, field="buyer.nip")
    assert caught.value.field == "buyer.nip"


def test_an_invalid_nip_is_not_echoed_in_the_error() -> None:
    """A sole trader's NIP is personal data; the error goes to logs, invoices.error, incidents."""
    with pytest.raises(InvalidValue) as caught:
        parse_nip("526-104-08-29", field="buyer.nip")
    assert caught.value.field == "buyer.nip"
    assert "526" not in str(caught.value)
