from __future__ import annotations

import pytest
from privacy_keyring import HASH, K1

from omnistock.domain.errors import InvalidValue
from omnistock.privacy.lookup import IdentifierKind, KeyedHasher, normalise_email, normalise_phone


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("600 100 200", "+48600100200"),  # national, spaces
        ("600-100-200", "+48600100200"),  # dashes
        ("(22) 123 45 67", "+48221234567"),  # landline with area code in brackets
        ("+48 600 100 200", "+48600100200"),  # international prefix
        ("0048600100200", "+48600100200"),  # 00 prefix
        ("48600100200", "+48600100200"),  # country code without +
        ("+49 30 1234567", "+49301234567"),  # foreign number kept as given
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw: str, e164: str) -> None:
    assert normalise_phone(raw) == e164


@pytest.mark.parametrize("raw", ["60010020", "phone: 600", "600 100 200 300", "+48 ６００"])
def test_malformed_phone_numbers_are_rejected(raw: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        normalise_phone(raw)
    assert caught.value.field == "phone"


def test_email_is_trimmed_and_lower_cased() -> None:
    assert normalise_email("  Jan.Kowalski@Example.PL ") == "jan.kowalski@example.pl"
    with pytest.raises(InvalidValue):
        normalise_email("jan.kowalski")


def test_every_spelling_of_an_identifier_has_one_hash() -> None:
    hasher = KeyedHasher(HASH)
    assert hasher.email("JAN@example.pl ") == hasher.email("jan@example.pl")
    assert hasher.phone("+48 600-100-200") == hasher.phone("600100200")
    assert len(hasher.email("jan@example.pl")) == 64


def test_hashes_depend_on_the_key_and_the_kind() -> None:
    hasher, other = KeyedHasher(HASH), KeyedHasher(K1)
    assert hasher.customer("600100200") != hasher.phone("600100200")
    assert hasher.email("jan@example.pl") != other.email("jan@example.pl")


def test_unnormalisable_values_are_still_stored_and_found_under_the_same_spelling() -> None:
    hasher = KeyedHasher(HASH)
    stored = hasher.stored_digest(IdentifierKind.PHONE, "ext. 12")
    assert stored in hasher.candidates(IdentifierKind.PHONE, " EXT. 12")
    assert hasher.stored_digest(IdentifierKind.PHONE, "600100200") == hasher.phone("600100200")
