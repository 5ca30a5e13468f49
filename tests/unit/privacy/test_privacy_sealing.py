from __future__ import annotations

from datetime import UTC, datetime

import pytest
from privacy_keyring import K1, K2, keyring

from omnistock.domain.errors import InvalidValue
from omnistock.privacy.cipher import DecryptionFailed, key_id
from omnistock.privacy.datamap import DataMap, FieldFormat, LegalBasis, PersonalField, PersonalTable
from omnistock.privacy.inventory import DATA_MAP
from omnistock.privacy.retention import Purpose
from omnistock.privacy.sealing import Sealer
from omnistock.privacy.subject import HeldRecord, SubjectExport

ORDER = {
    "buyer_name": "Zofia Wiśniewska",
    "delivery_address": {"street": "ul. Kwiatowa 5/12", "city": "Kraków", "post_code": "30-001"},
    "invoice_address": {"name": "Wiśniewska Sp. z o.o.", "nip": "5261040828"},
    "buyer_email": "Zofia.W@example.pl",
    "buyer_phone": "600 100 200",
    "buyer_ref_hash": "allegro:91827364",
}


def test_seals_every_declared_field_and_hashes_identifiers() -> None:
    sealer = Sealer(keyring())
    stored = sealer.seal("orders", "o-1", ORDER)
    assert set(stored) == {f.column for f in DATA_MAP.table("orders").fields}
    assert stored["buyer_email_hash"] == sealer.hasher.email("zofia.w@example.pl")
    assert stored["buyer_phone_hash"] == sealer.hasher.phone("+48600100200")
    assert stored["buyer_ref_hash"] == sealer.hasher.customer("allegro:91827364")
    text = repr(stored)
    for secret in ("Zofia", "Kwiatowa", "5261040828", "600 100 200", "91827364", "example"):
        assert secret not in text
    assert all(key_id(stored[f.column] or "") == "k1" for f in DATA_MAP.table("orders").sealed)


def test_open_gives_back_the_plain_values() -> None:
    sealer = Sealer(keyring())
    opened = sealer.open("orders", "o-1", sealer.seal("orders", "o-1", ORDER))
    assert opened == {k: v for k, v in ORDER.items() if not k.endswith("_hash")}


def test_absent_values_are_stored_as_null() -> None:
    stored = Sealer(keyring()).seal("orders", 7, {"buyer_name": "Jan", "buyer_email": ""})
    assert stored["buyer_email"] is None
    assert stored["buyer_email_hash"] is None
    assert stored["invoice_address"] is None


def test_a_lookup_hash_may_be_given_without_keeping_its_value() -> None:
    sealer = Sealer(keyring())
    stored = sealer.seal("orders", 7, {"buyer_name": "Jan", "buyer_email_hash": "Jan@Example.pl"})
    assert stored["buyer_email"] is None  # the e-mail itself is not kept…
    assert stored["buyer_email_hash"] == sealer.hasher.email("jan@example.pl")  # …its hash is


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"buyer_nickname": "jk"}, "orders"),  # not declared: refused, not stored in clear
        ({"buyer_name": 123}, "buyer_name"),  # text column takes a string
        ({"delivery_address": "ul. Kwiatowa 5"}, "delivery_address"),  # JSON column takes a mapping
    ],
)
def test_bad_values_are_refused(values: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        Sealer(keyring()).seal("orders", "o-1", values)
    assert caught.value.field == field


def test_opening_with_another_record_id_fails() -> None:
    sealer = Sealer(keyring())
    stored = sealer.seal("orders", "o-1", {"buyer_name": "Jan"})
    with pytest.raises(DecryptionFailed):
        sealer.open("orders", "o-2", stored)


def test_from_env_reads_the_keys() -> None:
    import base64

    environ = {
        "OMNISTOCK_PRIVACY_KEYS": f"k2:{base64.b64encode(K2).decode()}",
        "OMNISTOCK_PRIVACY_HASH_KEY": base64.b64encode(K1).decode(),
    }
    assert Sealer.from_env(environ).cipher.active == "k2"


def test_bytes_columns_round_trip_and_export_as_text() -> None:
    xml = PersonalField(
        column="xml",
        purpose=Purpose.INVOICING,
        basis=LegalBasis.LEGAL_OBLIGATION,
        format=FieldFormat.BYTES,
        description="FA(3)",
    )
    invoices = DataMap(
        tables=(PersonalTable(name="invoices", id_column="id", description="i", fields=(xml,)),)
    )
    sealer = Sealer(keyring(), invoices)
    document = "<Faktura><Nazwa>Zofia Wiśniewska</Nazwa></Faktura>".encode()
    stored = sealer.seal("invoices", 9, {"xml": document})
    assert b"Zofia" not in (stored["xml"] or "").encode()
    assert sealer.open("invoices", 9, stored) == {"xml": document}
    with pytest.raises(InvalidValue, match="takes bytes"):
        sealer.seal("invoices", 9, {"xml": "text"})
    record = HeldRecord(
        table="invoices",
        record_id="9",
        description="i",
        fields={"xml": document},
        purposes={"xml": "p"},
    )
    export = SubjectExport(generated_at=datetime(2026, 1, 1, tzinfo=UTC), records=(record,))
    assert "Zofia Wiśniewska" in export.to_json()
    assert "&lt;Faktura&gt;" in export.to_html()
