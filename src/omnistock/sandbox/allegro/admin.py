"""Allegro admin routes under ``/_sandbox``: seed offers, buyers' orders, consent, limits."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from omnistock.sandbox.allegro.buyers import Buyer, Company, random_buyer, valid_nip
from omnistock.sandbox.allegro.limits import AllegroLimits
from omnistock.sandbox.allegro.offers import OfferStatus
from omnistock.sandbox.allegro.orders import FormStatus
from omnistock.sandbox.allegro.parameters import ParameterRule
from omnistock.sandbox.allegro.render import checkout_form, product_offer
from omnistock.sandbox.allegro.state import AllegroSandbox, Purchase, Rejected
from omnistock.sandbox.common.faults import ADMIN_PREFIX

__all__ = [
    "BuyerIn",
    "CancelRequest",
    "DeviceConsent",
    "InvoiceRequest",
    "MergeRequest",
    "OfferSeed",
    "OrderLine",
    "OrderRequest",
    "ParameterRuleIn",
    "allegro_admin_router",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OfferSeed(_Model):
    """One offer to create."""

    id: str | None = Field(default=None, pattern=r"^\d{1,20}$")
    name: str = Field(min_length=1, max_length=75)
    stock: int = Field(ge=0, le=99_999)
    price: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    status: OfferStatus = OfferStatus.ACTIVE
    external_id: str | None = Field(default=None, max_length=100)
    category_id: str = "257931"
    parameters: dict[str, list[str]] = Field(default_factory=dict)


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
            )
            for o in offers
        ]
        return [product_offer(offer) for offer in created]

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
