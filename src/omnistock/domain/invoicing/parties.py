"""Seller and buyer of an invoice; the buyer's tax identity: NIP, EU VAT id, foreign id or none."""

from __future__ import annotations

import re
from dataclasses import dataclass

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing.nip import parse_nip
from omnistock.domain.invoicing.text import optional_text, required_text

EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DK EE FI FR DE EL HR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE XI".split()
)
_EU_VAT_NUMBER = re.compile(r"[0-9A-Z+*]{1,12}")


def _country(code: str, *, field: str) -> str:
    cleaned = code.strip().upper()
    if len(cleaned) != 2 or not cleaned.isascii() or not cleaned.isalpha():
        raise InvalidValue(f"{code!r} is not an ISO 3166 alpha-2 country code", field=field)
    return cleaned


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """A postal address in two lines; the country code is upper-cased (``pl`` → ``PL``)."""

    line1: str
    line2: str | None = None
    country: str = "PL"

    def __post_init__(self) -> None:
        object.__setattr__(self, "country", _country(self.country, field="address.country"))
        line1 = required_text(self.line1, field="address.line1", limit=512)
        object.__setattr__(self, "line1", line1)
        line2 = optional_text(self.line2, field="address.line2", limit=512)
        object.__setattr__(self, "line2", line2)


@dataclass(frozen=True, slots=True, kw_only=True)
class Seller:
    """The seller, from configuration: NIP, name and address are all required."""

    nip: str
    name: str
    address: Address | None
    email: str | None = None
    phone: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "nip", parse_nip(self.nip, field="seller.nip"))
        object.__setattr__(self, "name", required_text(self.name, field="seller.name", limit=512))
        if self.address is None:
            raise InvalidValue("is missing", field="seller.address")
        object.__setattr__(self, "email", optional_text(self.email, field="seller.email"))
        object.__setattr__(self, "phone", optional_text(self.phone, field="seller.phone", limit=16))


@dataclass(frozen=True, slots=True, kw_only=True)
class PolishNip:
    """A Polish buyer's NIP (checksum validated, ``PL`` prefix and separators removed)."""

    value: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", parse_nip(self.value, field="buyer.nip"))


@dataclass(frozen=True, slots=True, kw_only=True)
class EuVatId:
    """A VAT id of a business in another EU state: ``country`` (``DE``, ``EL``, ``XI``…), number."""

    country: str
    number: str

    def __post_init__(self) -> None:
        country = _country(self.country, field="buyer.eu_vat.country")
        if country not in EU_COUNTRIES:
            raise InvalidValue(f"{country!r} is not an EU VAT country code", field="buyer.eu_vat")
        number = re.sub(r"[\s\-.]", "", self.number).upper().removeprefix(country)
        if not _EU_VAT_NUMBER.fullmatch(number):
            raise InvalidValue("not an EU VAT number", field="buyer.eu_vat")
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "number", number)


@dataclass(frozen=True, slots=True, kw_only=True)
class ForeignTaxId:
    """A tax id from outside the EU (``NrID``), with its country when known."""

    number: str
    country: str | None = None

    def __post_init__(self) -> None:
        if self.country is not None:
            object.__setattr__(self, "country", _country(self.country, field="buyer.foreign_id"))
        number = required_text(self.number, field="buyer.foreign_id", limit=50)
        object.__setattr__(self, "number", number)


@dataclass(frozen=True, slots=True, kw_only=True)
class NoTaxId:
    """A consumer: FA(3) ``BrakID=1``. Never a made-up NIP."""


BuyerTaxId = PolishNip | EuVatId | ForeignTaxId | NoTaxId


@dataclass(frozen=True, slots=True, kw_only=True)
class Buyer:
    """The buyer; ``jst``/``gv``: local-government sub-unit / VAT-group member (``JST``/``GV``)."""

    tax_id: BuyerTaxId
    name: str
    address: Address | None
    email: str | None = None
    customer_number: str | None = None
    jst: bool = False
    gv: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", required_text(self.name, field="buyer.name", limit=512))
        if self.address is None:
            raise InvalidValue("is missing (required on a full invoice)", field="buyer.address")
        object.__setattr__(self, "email", optional_text(self.email, field="buyer.email"))
        number = optional_text(self.customer_number, field="buyer.customer_number")
        object.__setattr__(self, "customer_number", number)

    @property
    def is_taxpayer(self) -> bool:
        """True unless the buyer is a consumer without a tax id."""
        return not isinstance(self.tax_id, NoTaxId)

    @classmethod
    def consumer(cls, *, name: str, address: Address, email: str | None = None) -> Buyer:
        """A consumer (``BrakID``)."""
        return cls(tax_id=NoTaxId(), name=name, address=address, email=email)

    @classmethod
    def company(cls, *, nip: str, name: str, address: Address) -> Buyer:
        """A Polish business identified by its NIP (validated)."""
        return cls(tax_id=PolishNip(value=nip), name=name, address=address)
