"""The declared map of every personal field omnistock stores (:data:`DATA_MAP`) and its rendering.

This is the single source: ``tests/unit/privacy`` checks it against the store's ``metadata``
(every column marked ``info={"personal": …}`` must be declared here and the other way round) and
``docs/privacy.md``'s table against :func:`render_markdown`. Adding a personal column means adding
it here, marking it in the table definition, and regenerating the docs table
(``python -m omnistock.privacy.inventory``).

``orders`` is the contract for order import: columns and dates below are the ones the orders
table must define (sealed values are text, hashes 64 hex characters, all nullable).
"""

from __future__ import annotations

import sys

from omnistock.privacy.datamap import DataMap, FieldFormat, LegalBasis, PersonalField, PersonalTable
from omnistock.privacy.lookup import IdentifierKind
from omnistock.privacy.retention import DEFAULT_POLICY, DateRole, Purpose
from omnistock.privacy.rotation import SealedTable

__all__ = ["DATA_MAP", "RETENTION_TEXT", "SEALED_SECRETS", "render_markdown"]

_F, _I, _L = Purpose.FULFILMENT, Purpose.INVOICING, Purpose.LOOKUP
_C, _O = LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION
_D, _LI = Purpose.DIAGNOSTICS, LegalBasis.LEGITIMATE_INTEREST


def _lookup_hash(
    column: str, identifier: IdentifierKind, *, description: str, hash_of: str | None = None
) -> PersonalField:
    """A keyed look-up hash (HMAC) of an identifier: it finds a person's rows on request."""
    return PersonalField(
        column=column,
        purpose=_L,
        basis=_O,
        format=FieldFormat.HASH,
        identifier=identifier,
        hash_of=hash_of,
        description=description,
    )


ORDERS = PersonalTable(
    name="orders",
    id_column="id",
    description="orders imported from the sales channels",
    dates={
        DateRole.DELIVERED: "delivered_at",
        DateRole.CLOSED: "closed_at",
        DateRole.INVOICED: "invoiced_at",
    },
    fields=(
        PersonalField(column="buyer_name", purpose=_F, basis=_C, description="buyer's name"),
        PersonalField(
            column="delivery_address",
            purpose=_F,
            basis=_C,
            format=FieldFormat.JSON,
            description="delivery addressee, company, street, city, post code, country",
        ),
        PersonalField(
            column="invoice_address",
            purpose=_I,
            basis=_O,
            format=FieldFormat.JSON,
            description="invoice buyer name, company, address, NIP (only if an invoice is asked)",
        ),
        PersonalField(
            column="buyer_email",
            purpose=_F,
            basis=_C,
            description="buyer's e-mail, only if the configuration needs it (returns, notices)",
        ),
        PersonalField(
            column="buyer_phone",
            purpose=_F,
            basis=_C,
            description="buyer's phone, only if the configuration needs it (courier)",
        ),
        _lookup_hash(
            "buyer_email_hash",
            IdentifierKind.EMAIL,
            hash_of="buyer_email",
            description="keyed hash of the e-mail (also when the e-mail is not kept), to find "
            "a person's data on request",
        ),
        _lookup_hash(
            "buyer_phone_hash",
            IdentifierKind.PHONE,
            hash_of="buyer_phone",
            description="keyed hash of the phone number (also when the number is not kept), "
            "to find a person's data on request",
        ),
        _lookup_hash(
            "buyer_ref_hash",
            IdentifierKind.CUSTOMER,
            description="keyed hash of the channel's buyer id (e.g. allegro:123456)",
        ),
    ),
)

INVOICES = PersonalTable(
    name="invoices",
    id_column="id",
    description="issued invoices and corrections (FA(3) documents sent to KSeF)",
    # updated_at is the issue moment or a later status change: never before retention_until
    dates={DateRole.INVOICED: "updated_at"},
    fields=(
        PersonalField(
            column="xml",
            purpose=_I,
            basis=_O,
            format=FieldFormat.BYTES,
            description="the FA(3) invoice document: buyer's name, NIP and address",
        ),
        _lookup_hash(
            "buyer_email_hash",
            IdentifierKind.EMAIL,
            description="the order's keyed e-mail hash, to find the invoice on request",
        ),
        _lookup_hash(
            "buyer_phone_hash",
            IdentifierKind.PHONE,
            description="the order's keyed phone hash, to find the invoice on request",
        ),
        _lookup_hash(
            "buyer_ref_hash",
            IdentifierKind.CUSTOMER,
            description="the order's keyed hash of the channel's buyer id",
        ),
    ),
)

ORDER_QUARANTINE = PersonalTable(
    name="order_quarantine",
    id_column="id",
    description="order payloads that could not be imported (kept to find and fix the cause)",
    dates={DateRole.RECEIVED: "received_at"},
    fields=(
        PersonalField(
            column="payload",
            purpose=_D,
            basis=_LI,
            description="the channel's raw order as received: may hold every buyer field",
        ),
        _lookup_hash(
            "buyer_email_hash",
            IdentifierKind.EMAIL,
            description="keyed hash of the e-mail found in the payload, to find it on request",
        ),
        _lookup_hash(
            "buyer_phone_hash",
            IdentifierKind.PHONE,
            description="keyed hash of the phone number found in the payload",
        ),
    ),
)

DATA_MAP = DataMap(tables=(ORDERS, INVOICES, ORDER_QUARANTINE))

SEALED_SECRETS = (
    SealedTable(
        name="channel_tokens", id_column="channel", columns=("access_token", "refresh_token")
    ),
)
"""Tables sealed with the privacy keys that hold no personal data (the channel accounts' OAuth
tokens, ``omnistock.store.channel_token_repository``): key rotation covers them too."""

RETENTION_TEXT = {
    Purpose.FULFILMENT: (
        f"{DEFAULT_POLICY.delivery_days} days after delivery/cancellation or after the return "
        f"window ({DEFAULT_POLICY.return_window_days} days after delivery), whichever is later"
    ),
    Purpose.INVOICING: (
        f"{DEFAULT_POLICY.invoice_years} years from the end of the invoice's tax year; "
        "kept despite an erasure request until then"
    ),
    Purpose.DIAGNOSTICS: f"{DEFAULT_POLICY.quarantine_days} days after it was received",
    Purpose.MARKETING: "never kept",
    Purpose.LOOKUP: "as long as the record holds any other personal field",
}

ERASE_TEXT = {
    Purpose.INVOICING: "only after the legal period",
    Purpose.LOOKUP: "with the record's last other field",
}

DOC_START = "<!-- datamap:start (generated by python -m omnistock.privacy.inventory) -->"
DOC_END = "<!-- datamap:end -->"


def render_markdown(data_map: DataMap = DATA_MAP) -> str:
    """The data map as the Markdown table in ``docs/privacy.md`` (between the markers)."""
    lines = [
        DOC_START,
        "| table.column | what | purpose | legal basis | kept | export | erase on request |",
        "|---|---|---|---|---|---|---|",
    ]
    for table in data_map.tables:
        for f in table.fields:
            erase = ERASE_TEXT.get(f.purpose, "yes")
            export = "yes" if f.exportable else "no (keyed hash)"
            lines.append(
                f"| `{table.name}.{f.column}` | {f.description} | {f.purpose.value} | "
                f"{f.basis.value} | {RETENTION_TEXT[f.purpose]} | {export} | {erase} |"
            )
    lines.append(DOC_END)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
