"""Personal data of orders: what is kept (minimised), sealed per column, and opened on request.

``PersonalSealer`` is the port (R5). ``PrivacySealer`` implements it with
``omnistock.privacy.sealing.Sealer`` and the ``orders`` entry of the privacy data map: each
personal column becomes a sealed token ``v1:<key id>:…`` bound to the order row (the key id is
stored with the value, so keys rotate) or a keyed look-up hash (e-mail, phone, buyer id).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from omnistock.domain.orders import Address, PersonalData
from omnistock.privacy.cipher import FieldRef
from omnistock.privacy.sealing import Sealer

__all__ = [
    "SEALED_COLUMNS",
    "ContactPolicy",
    "PersonalSealer",
    "PrivacySealer",
    "minimise",
]

SEALED_COLUMNS = ("buyer_name", "delivery_address", "invoice_address", "buyer_email", "buyer_phone")
TABLE = "orders"


class PersonalSealer(Protocol):
    def seal_order(self, order_id: int, personal: PersonalData) -> dict[str, str | None]:
        """Stored values of every personal column of ``orders`` (``None`` where no value)."""

    def open_order(self, order_id: int, row: Mapping[str, Any]) -> PersonalData:
        """The plain personal data of a stored order row."""

    def seal_payload(self, ref: str, text: str) -> str:
        """A sealed raw payload for the quarantine."""


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

    def seal_order(self, order_id: int, personal: PersonalData) -> dict[str, str | None]:
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

    def seal_payload(self, ref: str, text: str) -> str:
        return self.sealer.cipher.seal(
            text, FieldRef(table="order_quarantine", column="payload", record_id=ref)
        )
