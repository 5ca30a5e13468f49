from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from privacy_keyring import HASH, K1, K2, keyring

from omnistock.domain.errors import InvalidValue
from omnistock.privacy.cipher import DecryptionFailed, FieldCipher, FieldRef, is_sealed, key_id
from omnistock.privacy.keys import Keyring, UnknownKeyId

REF = FieldRef(table="orders", column="buyer_name", record_id="o-1")


def test_sealed_value_is_a_compact_token_naming_its_key(old_ring: Keyring) -> None:
    token = FieldCipher(old_ring).seal("Zażółć Gęślą", REF)
    assert re.fullmatch(r"v1:k1:[A-Za-z0-9_-]+", token)
    assert key_id(token) == "k1"
    assert is_sealed(token)
    assert "Zażółć" not in token  # base64 cannot hold the plain (non-ASCII) text


def test_round_trip_and_fresh_nonce_per_value(old_ring: Keyring) -> None:
    cipher = FieldCipher(old_ring)
    first, second = cipher.seal("Jan Kowalski", REF), cipher.seal("Jan Kowalski", REF)
    assert first != second  # random 96-bit nonce each time
    assert cipher.open(first, REF) == cipher.open(second, REF) == "Jan Kowalski"


@given(st.text())
def test_any_text_round_trips(text: str) -> None:
    cipher = FieldCipher(keyring())
    assert cipher.open(cipher.seal(text, REF), REF) == text


@pytest.mark.parametrize(
    "elsewhere",
    [
        FieldRef(table="orders", column="buyer_name", record_id="o-2"),  # copied to another row
        FieldRef(table="orders", column="buyer_email", record_id="o-1"),  # another column
        FieldRef(table="invoices", column="buyer_name", record_id="o-1"),  # another table
    ],
)
def test_value_moved_elsewhere_fails_to_decrypt(old_ring: Keyring, elsewhere: FieldRef) -> None:
    cipher = FieldCipher(old_ring)
    token = cipher.seal("Jan Kowalski", REF)
    with pytest.raises(DecryptionFailed, match="another row/column") as caught:
        cipher.open(token, elsewhere)
    assert caught.value.field == elsewhere.name
    assert "Jan" not in str(caught.value)


def test_tampered_value_fails(old_ring: Keyring) -> None:
    cipher = FieldCipher(old_ring)
    token = cipher.seal("Jan Kowalski", REF)
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(DecryptionFailed):
        cipher.open(flipped, REF)


def test_wrong_key_with_the_same_id_fails() -> None:
    token = FieldCipher(keyring("k1", k1=K1)).seal("Jan", REF)
    impostor = FieldCipher(Keyring(active="k1", keys={"k1": K2}, hash_key=HASH))
    with pytest.raises(DecryptionFailed, match="cannot decrypt with key 'k1'"):
        impostor.open(token, REF)


def test_missing_key_is_named(new_ring: Keyring) -> None:
    token = FieldCipher(new_ring).seal("Jan", REF)
    with pytest.raises(UnknownKeyId, match="'k2'"):
        FieldCipher(keyring("k1", k1=K1)).open(token, REF)


@pytest.mark.parametrize("stored", ["Jan Kowalski", "", "v1:k1:", "v2:k1:abcd", "v1:k1:!!"])
def test_plain_or_malformed_values_are_never_passed_through(old_ring: Keyring, stored: str) -> None:
    with pytest.raises(DecryptionFailed):
        FieldCipher(old_ring).open(stored, REF)


def test_new_keyring_reads_old_values_and_reseals_with_the_active_key(
    old_ring: Keyring, new_ring: Keyring
) -> None:
    old = FieldCipher(old_ring).seal("Jan", REF)
    cipher = FieldCipher(new_ring)
    assert cipher.open(old, REF) == "Jan"
    fresh = cipher.reseal(old, REF)
    assert key_id(fresh) == "k2"
    assert cipher.reseal(fresh, REF) == fresh  # already active: unchanged
    assert FieldCipher(keyring("k2", k2=K2)).open(fresh, REF) == "Jan"


def test_only_text_is_sealed(old_ring: Keyring) -> None:
    with pytest.raises(InvalidValue, match="only text"):
        FieldCipher(old_ring).seal(b"bytes", REF)  # type: ignore[arg-type]
