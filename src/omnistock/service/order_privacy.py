"""Personal data of orders: what is kept (minimised), sealed per column, and opened on request.

``PersonalSealer`` is the port (R5). ``PrivacySealer`` implements it with
``omnistock.privacy.sealing.Sealer`` and the ``orders`` entry of the privacy data map: each
personal column becomes a sealed token ``v1:<key id>:…`` bound to the order row (the key id is
stored with the value, so keys rotate) or a keyed look-up hash (e-mail, phone, buyer id).

A quarantined payload (an order that could not be read) is sealed whole, bound to its
``order_quarantine`` row, with keyed hashes of the e-mail and phone found in it
(:func:`payload_contacts`) so access and erasure requests find it. :func:`personal_values`
lists the values of a raw payload to mask in logs while that order is processed
(``omnistock.privacy.redaction.known_values.scope``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from omnistock.domain.orders import Address, PersonalData
from omnistock.privacy.cipher import DecryptionFailed, FieldRef
from omnistock.privacy.sealing import Sealer

__all__ = [
    "QUARANTINE",
    "SEALED_COLUMNS",
    "ContactPolicy",
    "PersonalSealer",
    "PrivacySealer",
    "minimise",
    "payload_contacts",
    "personal_values",
]

SEALED_COLUMNS = ("buyer_name", "delivery_address", "invoice_address", "buyer_email", "buyer_phone")
TABLE = "orders"
QUARANTINE = "order_quarantine"
PERSONAL_KEY = re.compile(
    r"name|mail|phone|street|address|city|zip|post|nip|tax|vat|company|login|buyer|recipient"
    r"|billing|shipping|delivery|invoice|customer|body",
    re.IGNORECASE,
)
"""Keys under which every text of a raw order payload is taken as personal (for log masking)."""
_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
_ID_KEY = re.compile(r"(?:^|_)id$|[a-z]Id$|^ID$")
_SHORT_NUMBER = re.compile(r"[\d.,\s+-]{0,5}")


class PersonalSealer(Protocol):
    def seal_order(
        self, order_id: int, personal: PersonalData, lookup: PersonalData | None = None
    ) -> dict[str, str | None]:
        """Stored values of every personal column of ``orders`` (``None`` where no value).

        ``lookup``: the data before :func:`minimise` — its e-mail and phone give the look-up
        hashes even when the values themselves are not kept (default: ``personal``'s).
        """

    def open_order(self, order_id: int, row: Mapping[str, Any]) -> PersonalData:
        """The plain personal data of a stored order row."""

    def seal_quarantine(self, quarantine_id: int, text: str) -> dict[str, str | None]:
        """Stored values of a quarantine row: the sealed raw payload and its look-up hashes."""

    def rebound(self, row: Mapping[str, Any]) -> dict[str, str | None] | None:
        """New stored values of a quarantine row sealed before payloads were bound to their row
        id; ``None`` when it already is (or was emptied)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactPolicy:
    """Whether the seller's configuration needs the buyer's e-mail and phone kept."""

    keep_email: bool = False
    keep_phone: bool = False


def minimise(
    personal: PersonalData, invoice_requested: bool, policy: ContactPolicy
) -> PersonalData:
    """Drop what is not needed: invoice data without an invoice, contacts unless configured."""
    return dataclasses.replace(
        personal,
        invoice=personal.invoice if invoice_requested else None,
        nip=personal.nip if invoice_requested else None,
        email=personal.email if policy.keep_email else None,
        phone=personal.phone if policy.keep_phone else None,
    )


def _address(value: Any) -> Address | None:
    if not isinstance(value, Mapping):
        return None
    return Address(**{k: str(v) for k, v in value.items() if k != "nip"})


class PrivacySealer:
    """``PersonalSealer`` over the project's privacy ``Sealer`` (keyring from configuration)."""

    def __init__(self, sealer: Sealer) -> None:
        self.sealer = sealer

    def seal_order(
        self, order_id: int, personal: PersonalData, lookup: PersonalData | None = None
    ) -> dict[str, str | None]:
        contacts = lookup or personal
        invoice = dataclasses.asdict(personal.invoice) if personal.invoice else None
        if invoice is not None or personal.nip:
            invoice = (invoice or {}) | {"nip": personal.nip or ""}
        values = {
            "buyer_name": personal.name or None,
            "delivery_address": dataclasses.asdict(personal.delivery)
            if personal.delivery
            else None,
            "invoice_address": invoice,
            "buyer_email": personal.email,
            "buyer_phone": personal.phone,
            "buyer_email_hash": contacts.email or personal.email,
            "buyer_phone_hash": contacts.phone or personal.phone,
            "buyer_ref_hash": personal.buyer_ref,
        }
        return self.sealer.seal(TABLE, order_id, values)

    def open_order(self, order_id: int, row: Mapping[str, Any]) -> PersonalData:
        plain = self.sealer.open(TABLE, order_id, row)
        invoice = plain.get("invoice_address") or {}
        return PersonalData(
            name=plain.get("buyer_name") or "",
            delivery=_address(plain.get("delivery_address")),
            invoice=_address(invoice) if invoice else None,
            nip=invoice.get("nip") or None,
            email=plain.get("buyer_email"),
            phone=plain.get("buyer_phone"),
        )

    def seal_quarantine(self, quarantine_id: int, text: str) -> dict[str, str | None]:
        email, phone = payload_contacts(_loads(text))
        values = {"payload": text, "buyer_email_hash": email, "buyer_phone_hash": phone}
        return self.sealer.seal(QUARANTINE, quarantine_id, values)

    def rebound(self, row: Mapping[str, Any]) -> dict[str, str | None] | None:
        if row.get("payload") is None:
            return None
        try:
            self.sealer.open(QUARANTINE, row["id"], row)
            return None
        except DecryptionFailed:
            legacy = f"{row['channel']}/{row['external_id'] or '?'}"  # how it was sealed then
            ref = FieldRef(table=QUARANTINE, column="payload", record_id=legacy)
            text = self.sealer.cipher.open(row["payload"], ref)  # neither: DecryptionFailed
        return self.seal_quarantine(int(row["id"]), text)


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _leaves(value: Any, personal: bool, key: str = "") -> Iterator[tuple[str, bool, str]]:
    """(key, under a personal key, text) of every text leaf of a JSON-like value."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from _leaves(v, personal or bool(PERSONAL_KEY.search(str(k))), str(k))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item, personal, key)
    elif isinstance(value, str | int) and not isinstance(value, bool):
        yield key, personal, str(value)


def personal_values(raw: Any) -> list[str]:
    """Texts of a raw payload to mask in logs while it is processed: every value under a
    personal-looking key (buyer, billing, shipping, name, e-mail, phone…) and every e-mail.

    Ids (``id``, ``…_id``, ``…Id``: logs may carry ids) and short numbers (amounts, counts) are
    left out: masking them would hide ids and figures everywhere in the logs meanwhile.
    """
    found: list[str] = []
    for key, personal, text in _leaves(raw, False):
        if personal and not _ID_KEY.search(key) and not _SHORT_NUMBER.fullmatch(text.strip()):
            found.append(text)
        found += _EMAIL.findall(text)
    return found


def payload_contacts(raw: Any) -> tuple[str | None, str | None]:
    """The buyer's e-mail and phone in a raw payload, if any (first under an ``…mail``/``…phone``
    key; else the first e-mail anywhere in its texts)."""
    email = phone = anywhere = None
    for key, _, text in _leaves(raw, False):
        lowered, value = key.lower(), text.strip()
        if email is None and "mail" in lowered and _EMAIL.fullmatch(value):
            email = value
        if phone is None and "phone" in lowered and value:
            phone = value
        if anywhere is None and (match := _EMAIL.search(value)):
            anywhere = match.group(0)
    return email or anywhere, phone
