"""Allegro admin routes under ``/_sandbox``: seed offers, buyers' orders, consent, limits."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from omnistock.sandbox.allegro.buyers import Buyer, Company, random_buyer, valid_nip
from omnistock.sandbox.allegro.content import DescriptionItem, OfferContent, ProductElement
from omnistock.sandbox.allegro.limits import AllegroLimits
from omnistock.sandbox.allegro.offers import OfferStatus
from omnistock.sandbox.allegro.orders import FormStatus
from omnistock.sandbox.allegro.parameters import ParameterRule
from omnistock.sandbox.allegro.render import checkout_form, product_offer, shipping_rates_set
from omnistock.sandbox.allegro.state import AllegroSandbox, Purchase, Rejected
from omnistock.sandbox.common.faults import ADMIN_PREFIX

__all__ = [
    "BuyerIn",
    "CancelRequest",
    "DescriptionItemIn",
    "DeviceConsent",
    "InvoiceRequest",
    "MergeRequest",
    "OfferSeed",
    "OrderLine",
    "OrderRequest",
    "ParameterRuleIn",
    "ProductIn",
    "SafetyIn",
    "ShippingRatesIn",
    "allegro_admin_router",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DescriptionItemIn(_Model):
    """A description item: ``TEXT`` with ``content`` or ``IMAGE`` with ``url``."""

    type: Literal["TEXT", "IMAGE"]
    content: str | None = Field(default=None, max_length=40_000)
    url: str | None = Field(default=None, min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _complete(self) -> DescriptionItemIn:
        if self.type == "TEXT" and not self.content:
            raise ValueError("a TEXT item needs content")
        if self.type == "IMAGE" and not self.url:
            raise ValueError("an IMAGE item needs a url")
        return self


class SafetyIn(_Model):
    """``safetyInformation`` of a product."""

    type: Literal["TEXT", "ATTACHMENTS", "NO_SAFETY_INFORMATION"]
    description: str | None = Field(default=None, min_length=1, max_length=5000)
    attachments: list[str] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _complete(self) -> SafetyIn:
        if self.type == "TEXT" and not self.description:
            raise ValueError("TEXT safety information needs a description")
        if self.type == "ATTACHMENTS" and not self.attachments:
            raise ValueError("ATTACHMENTS safety information needs attachment ids")
        return self


class ProductIn(_Model):
    """One ``productSet`` element with its GPSR data."""

    id: str | None = Field(default=None, min_length=1, max_length=100)
    parameters: dict[str, list[str]] = Field(default_factory=dict)
    responsible_producer: str | None = Field(default=None, min_length=1, max_length=100)
    responsible_person: str | None = Field(default=None, min_length=1, max_length=100)
    safety: SafetyIn | None = None
    marketed_before_gpsr: bool | None = None

    def element(self) -> ProductElement:
        safety = self.safety
        return ProductElement(
            product_id=self.id,
            parameters=dict(self.parameters),
            responsible_producer_id=self.responsible_producer,
            responsible_person_id=self.responsible_person,
            safety_type=safety.type if safety else None,
            safety_text=safety.description if safety else None,
            safety_attachments=tuple(safety.attachments) if safety else (),
            marketed_before_gpsr=self.marketed_before_gpsr,
        )


class ShippingRatesIn(_Model):
    """A shipping rate set; ``type``/``dispatch_country`` left out as on sets made before 2026."""

    id: str | None = Field(default=None, min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=64)
    type: Literal["PHYSICAL", "ELECTRONIC"] | None = None
    dispatch_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")


_HANDLING = Literal[
    "PT0S", "PT24H", "P2D", "P3D", "P4D", "P5D", "P7D", "P10D", "P14D", "P21D", "P30D", "P60D"
]


class OfferSeed(_Model):
    """One offer to create (content fields optional, for compliance reads)."""

    id: str | None = Field(default=None, pattern=r"^\d{1,20}$")
    name: str = Field(min_length=1, max_length=75)
    stock: int = Field(ge=0, le=99_999)
    price: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    status: OfferStatus = OfferStatus.ACTIVE
    external_id: str | None = Field(default=None, max_length=100)
    category_id: str = "257931"
    parameters: dict[str, list[str]] = Field(default_factory=dict)
    images: list[str] = Field(default_factory=list, max_length=100)
    description: list[list[DescriptionItemIn]] = Field(default_factory=list, max_length=100)
    products: list[ProductIn] = Field(default_factory=list, max_length=100)
    shipping_rates_id: str | None = Field(default=None, min_length=1, max_length=100)
    handling_time: _HANDLING | None = None
    return_policy: UUID | None = None  # after-sales definitions are named by UUID
    implied_warranty: UUID | None = None
    warranty: UUID | None = None

    def content(self) -> OfferContent:
        return OfferContent(
            images=list(self.images),
            description=[
                [DescriptionItem(type=i.type, content=i.content, url=i.url) for i in section]
                for section in self.description
            ],
            products=[p.element() for p in self.products],
            shipping_rates_id=self.shipping_rates_id,
            handling_time=self.handling_time,
            return_policy_id=_text(self.return_policy),
            implied_warranty_id=_text(self.implied_warranty),
            warranty_id=_text(self.warranty),
        )


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


class ParameterRuleIn(_Model):
    """A category parameter that is required now, or from ``required_from`` on."""

    category_id: str = Field(min_length=1)
    parameter_id: str = Field(min_length=1)
    required_from: AwareDatetime | None = None


class OrderLine(_Model):
    """One offer bought."""

    offer_id: str
    quantity: int = Field(ge=1, le=99_999)


class InvoiceRequest(_Model):
    """The buyer asks for a VAT invoice for their company."""

    nip: str
    company_name: str = Field(default="Hurtownia Łoś S.A.", min_length=1)

    @field_validator("nip")
    @classmethod
    def _nip(cls, value: str) -> str:
        digits = value.replace("-", "").replace(" ", "")
        if not valid_nip(digits):
            raise ValueError("not a valid Polish NIP (10 digits with a correct checksum)")
        return digits


class BuyerIn(_Model):
    """Override the generated buyer (any field left out is generated)."""

    login: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]{3,40}$")
    first_name: str | None = None
    last_name: str | None = None


class OrderRequest(_Model):
    """A buyer's purchase."""

    lines: list[OrderLine] = Field(min_length=1)
    stage: Literal["BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING"] = "READY_FOR_PROCESSING"
    invoice: InvoiceRequest | None = None
    buyer: BuyerIn | None = None
    message_to_seller: str | None = None


class CancelRequest(_Model):
    """Who cancels and whether stock returns to the offers."""

    auto: bool = False
    restock: bool = True


class MergeRequest(_Model):
    """Unpaid purchases the buyer pays together."""

    checkout_form_ids: list[str] = Field(min_length=2)


class DeviceConsent(_Model):
    """The seller's answer to a device code."""

    user_code: str
    approve: bool = True


def _rejected(error: Rejected) -> HTTPException:
    return HTTPException(error.status, str(error))


def _buyer(sandbox: AllegroSandbox, given: BuyerIn | None) -> Buyer:
    """A new buyer, or the same one again for a login seen before."""
    given = given or BuyerIn()
    if given.login is not None and given.login in sandbox.buyers:
        return sandbox.buyers[given.login]
    buyer = random_buyer(sandbox.random, given.login)
    names = {k: v for k, v in given.model_dump(exclude={"login"}).items() if v is not None}
    buyer = replace(buyer, **names)
    sandbox.buyers[buyer.login] = buyer
    return buyer


def allegro_admin_router(sandbox: AllegroSandbox) -> APIRouter:
    """Admin routes specific to Allegro."""
    router = APIRouter(prefix=ADMIN_PREFIX, tags=["allegro"])

    @router.post("/offers", status_code=201)
    async def seed_offers(offers: list[OfferSeed]) -> list[dict[str, Any]]:
        ids = [o.id for o in offers if o.id is not None]
        if len(ids) != len(set(ids)) or any(sandbox.offers.get(i) for i in ids):
            raise HTTPException(409, "offer ids must be new and unique")
        created = [
            sandbox.add_offer(
                offer_id=o.id,
                name=o.name,
                available=o.stock,
                price=o.price,
                status=o.status,
                external_id=o.external_id,
                category_id=o.category_id,
                parameters=o.parameters,
                content=o.content(),
            )
            for o in offers
        ]
        return [product_offer(offer) for offer in created]

    @router.post("/shipping-rates", status_code=201)
    async def seed_shipping_rates(sets: list[ShippingRatesIn]) -> list[dict[str, Any]]:
        ids = [s.id for s in sets if s.id is not None]
        if len(ids) != len(set(ids)) or any(i in sandbox.shipping_rates for i in ids):
            raise HTTPException(409, "shipping rate set ids must be new and unique")
        created = [
            sandbox.add_shipping_rates(
                name=s.name, rates_id=s.id, type=s.type, dispatch_country=s.dispatch_country
            )
            for s in sets
        ]
        return [shipping_rates_set(s) for s in created]

    @router.get("/offers/quantities")
    async def quantities() -> list[dict[str, Any]]:
        sandbox.settle()
        return [
            {
                "id": o.id,
                "external_id": o.external_id,
                "available": o.available,
                "sold": o.sold,
                "status": o.status.value,
            }
            for o in sandbox.offers.all()
        ]

    _order_routes(router, sandbox)
    _auth_routes(router, sandbox)
    return router


def _order_routes(router: APIRouter, sandbox: AllegroSandbox) -> None:
    @router.post("/orders", status_code=201)
    async def place_order(order: OrderRequest) -> dict[str, Any]:
        company = (
            Company(name=order.invoice.company_name, nip=order.invoice.nip)
            if order.invoice
            else None
        )
        try:
            form = sandbox.place_order(
                [Purchase(offer_id=line.offer_id, quantity=line.quantity) for line in order.lines],
                buyer=_buyer(sandbox, order.buyer),
                company=company,
                stage=FormStatus(order.stage),
                message=order.message_to_seller,
            )
        except Rejected as error:
            raise _rejected(error) from error
        return checkout_form(form)

    @router.post("/orders/merge", status_code=201)
    async def merge(request: MergeRequest) -> dict[str, Any]:
        try:
            return checkout_form(sandbox.merge_orders(request.checkout_form_ids))
        except Rejected as error:
            raise _rejected(error) from error

    @router.post("/orders/{form_id}/pay")
    async def pay(form_id: str) -> dict[str, Any]:
        try:
            form = sandbox.form(form_id)
            sandbox.advance_form(form, FormStatus.READY_FOR_PROCESSING)
        except Rejected as error:
            raise _rejected(error) from error
        return checkout_form(form)

    @router.post("/orders/{form_id}/cancel")
    async def cancel(form_id: str, request: CancelRequest | None = None) -> dict[str, Any]:
        how = request or CancelRequest()
        try:
            sandbox.cancel_order(form_id, auto=how.auto, restock=how.restock)
            return checkout_form(sandbox.form(form_id))
        except Rejected as error:
            raise _rejected(error) from error


def _auth_routes(router: APIRouter, sandbox: AllegroSandbox) -> None:
    @router.post("/device/confirm")
    async def confirm_device(consent: DeviceConsent) -> dict[str, Any]:
        if not sandbox.auth.confirm(consent.user_code, approve=consent.approve):
            raise HTTPException(404, "no pending device code with this user_code")
        return {"user_code": consent.user_code, "approved": consent.approve}

    @router.post("/category-parameters", status_code=201)
    async def add_rules(rules: list[ParameterRuleIn]) -> list[dict[str, Any]]:
        now = sandbox.now()
        for rule in rules:
            sandbox.parameters.add(
                ParameterRule(
                    category_id=rule.category_id,
                    parameter_id=rule.parameter_id,
                    scheduled_at=now,
                    required_from=rule.required_from,
                )
            )
        return [rule.model_dump(mode="json") for rule in rules]

    @router.get("/limits")
    async def get_limits() -> AllegroLimits:
        return sandbox.limits

    @router.put("/limits")
    async def put_limits(limits: AllegroLimits) -> AllegroLimits:
        sandbox.set_limits(limits)
        return limits
