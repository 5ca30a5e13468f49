"""What of a raw order payload is masked in logs while it is imported, and which e-mail/phone
give a quarantined payload its look-up hashes."""

from __future__ import annotations

from omnistock.service.order_privacy import payload_contacts, personal_values

ALLEGRO = {
    "id": "29738e61-7f6a-11e8-ac45-09db60ede9d6",
    "status": "READY_FOR_PROCESSING",
    "buyer": {
        "id": "2357",
        "email": "Pan.Tadeusz@allegro.pl",
        "login": "tadek81",
        "firstName": "Tadeusz",
        "phoneNumber": "+48 601 202 303",
        "address": {"street": "Soplicowo 1", "zipCode": "12-345", "countryCode": "PL"},
    },
    "delivery": {"method": {"id": "m-1", "name": "Kurier"}, "cost": {"amount": "10.00"}},
    "lineItems": [{"id": "li-1", "offer": {"id": "7777"}, "quantity": 1}],
    "note": "dzwonić: kontakt@tadeusz.pl",
}


def test_values_under_personal_keys_and_every_email_are_masked_ids_and_amounts_are_not() -> None:
    values = personal_values(ALLEGRO)
    for personal in ("Pan.Tadeusz@allegro.pl", "tadek81", "Tadeusz", "+48 601 202 303",
                     "Soplicowo 1", "12-345", "Kurier", "kontakt@tadeusz.pl"):  # fmt: skip
        assert personal in values
    for public in ("2357", "m-1", "10.00", "7777", "READY_FOR_PROCESSING", "li-1"):
        assert public not in values  # ids and figures stay readable in the logs


def test_contacts_come_from_mail_and_phone_keys_else_the_first_email_anywhere() -> None:
    assert payload_contacts(ALLEGRO) == ("Pan.Tadeusz@allegro.pl", "+48 601 202 303")
    assert payload_contacts({"body": "{broken json, from ewa@example.pl"}) == (
        "ewa@example.pl",
        None,
    )
    assert payload_contacts({"id": 1}) == (None, None)
