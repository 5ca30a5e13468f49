"""The Allegro sandbox's state and the buyer/seller actions the admin API triggers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from omnistock.sandbox.allegro.auth import AuthServer
from omnistock.sandbox.allegro.buyers import Buyer, Company, random_buyer
from omnistock.sandbox.allegro.commands import CommandBook
from omnistock.sandbox.allegro.content import OfferContent, ShippingRatesSet
from omnistock.sandbox.allegro.edits import PendingEdit, apply_edit
from omnistock.sandbox.allegro.limits import AllegroLimits, ClientGate, SellerBudgets
from omnistock.sandbox.allegro.offer_events import OfferEventLog
from omnistock.sandbox.allegro.offers import Offer, OfferBook, OfferStatus
from omnistock.sandbox.allegro.orders import CheckoutForm, FormStatus, LineItem, OrderBook, new_uuid
from omnistock.sandbox.allegro.parameters import ParameterBook
from omnistock.sandbox.common.base import SandboxBase, SandboxOptions

__all__ = ["SELLER_ID", "AllegroSandbox", "Purchase", "Rejected"]

SELLER_ID = "44512345"
_DEMO = (
    ("Kubek ceramiczny Żubr 350 ml", "KUB-ZUBR-350", 25, "39.99"),
    ("Koszulka bawełniana Łoś czarna M", "TSH-LOS-M", 12, "79.00"),
    ("Plecak turystyczny Tatry 30 l", "PLC-TATRY-30", 5, "249.90"),
    ("Świeca sojowa Bursztyn 200 g", "SWC-BURSZ-200", 40, "34.50"),
    ("Zestaw przypraw Gęś Polska 6 szt.", "PRZ-GES-6", 1, "59.00"),
)
_STAGES = (FormStatus.BOUGHT, FormStatus.FILLED_IN, FormStatus.READY_FOR_PROCESSING)


class Rejected(Exception):
    """An admin action that cannot be done; ``status`` is the HTTP status for it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True, kw_only=True)
class Purchase:
    """One line of a buyer's order."""

    offer_id: str
    quantity: int


class AllegroSandbox(SandboxBase):
    """One seller account on a simulated Allegro."""

    def __init__(self, options: SandboxOptions, limits: AllegroLimits | None = None) -> None:
        super().__init__(options)
        self.initial_limits = self.limits = limits or AllegroLimits()
        self.reset_state()

    def reset_state(self) -> None:
        """Fresh books, tokens and start-up limits; demo offers unless ``empty``."""
        self.offer_events = OfferEventLog()
        self.offers = OfferBook(listener=self.offer_events.record)
        self.commands = CommandBook()
        self.orders = OrderBook(seller_id=SELLER_ID)
        self.edits: dict[str, PendingEdit] = {}
        self.buyers: dict[str, Buyer] = {}
        self.parameters = ParameterBook()
        self.shipping_rates: dict[str, ShippingRatesSet] = {}
        self.operations: dict[str, PendingEdit] = {}
        self.auth = AuthServer(
            client_id=self.options.client_id,
            client_secret=self.options.client_secret,
            seller_id=SELLER_ID,
            manual_consent=self.options.manual_consent,
            clock=self.clock,
            rng=self.random,
        )
        self.set_limits(self.initial_limits)
        if not self.options.empty:
            for name, sku, stock, price in _DEMO:
                self.add_offer(name=name, external_id=sku, available=stock, price=Decimal(price))

    def set_limits(self, limits: AllegroLimits) -> None:
        """Replace the limits (counters start afresh)."""
        self.limits = limits
        self.gate = ClientGate(limits, self.clock)
        self.budgets = SellerBudgets(limits, self.clock)

    def now(self) -> datetime:
        """Sandbox time."""
        return self.clock.now()

    def settle(self) -> None:
        """Finish every asynchronous task and edit that is due."""
        now_s, now = self.clock.elapsed_seconds(), self.clock.now()
        for offer_id, pending in list(self.edits.items()):
            if pending.due <= now_s:
                offer = self.offers.get(offer_id)
                if offer is not None:
                    apply_edit(offer, pending.edit, now)
                del self.edits[offer_id]
        self.commands.settle(self.offers, now_s, now)

    def add_offer(
        self,
        *,
        name: str,
        available: int,
        price: Decimal,
        offer_id: str | None = None,
        external_id: str | None = None,
        status: OfferStatus = OfferStatus.ACTIVE,
        category_id: str = "257931",
        parameters: dict[str, list[str]] | None = None,
        content: OfferContent | None = None,
    ) -> Offer:
        """Seed one offer; 409 if the id exists."""
        if offer_id is not None and self.offers.get(offer_id) is not None:
            raise Rejected(409, f"offer {offer_id} already exists")
        now = self.now()
        offer = Offer(
            id=offer_id or self.offers.new_id(),
            name=name,
            price=price,
            available=available,
            status=status,
            external_id=external_id,
            category_id=category_id,
            created_at=now,
            updated_at=now,
            started_at=now if status is OfferStatus.ACTIVE else None,
            parameters=dict(parameters or {}),
            content=content or OfferContent(),
        )
        self.offers.add(offer)
        return offer

    def add_shipping_rates(
        self,
        *,
        name: str,
        rates_id: str | None = None,
        type: str | None = None,
        dispatch_country: str | None = None,
    ) -> ShippingRatesSet:
        """Seed one shipping rate set (one courier rate); 409 if the id exists."""
        if rates_id is not None and rates_id in self.shipping_rates:
            raise Rejected(409, f"shipping rate set {rates_id} already exists")
        rate = {
            "deliveryMethod": {"id": "b20ef9e1-faa2-4f25-9455-f2a3b6b3e2a8"},
            "maxQuantityPerPackage": 1,
            "firstItemRate": {"amount": "12.99", "currency": "PLN"},
            "nextItemRate": {"amount": "0.00", "currency": "PLN"},
            "shippingTime": {"from": "P1D", "to": "P2D"},
        }
        rates = ShippingRatesSet(
            id=rates_id or new_uuid(self.random),
            name=name,
            last_modified=self.now(),
            type=type,
            dispatch_country=dispatch_country,
            rates=(rate,),
        )
        self.shipping_rates[rates.id] = rates
        return rates

    def place_order(
        self,
        purchases: list[Purchase],
        *,
        buyer: Buyer | None = None,
        company: Company | None = None,
        stage: FormStatus = FormStatus.READY_FOR_PROCESSING,
        message: str | None = None,
    ) -> CheckoutForm:
        """A buyer buys: stock drops at once, a checkout form and its events appear."""
        self.settle()
        offers = self._check_purchases(purchases)
        now = self.now()
        lines = [
            self._buy(offer, p.quantity, now) for offer, p in zip(offers, purchases, strict=True)
        ]
        form = CheckoutForm(
            id=new_uuid(self.random),
            buyer=buyer or random_buyer(self.random),
            line_items=lines,
            status=FormStatus.BOUGHT,
            updated_at=now,
            revision=self._revision(),
            payment_id=new_uuid(self.random),
            company=company,
            message_to_seller=message,
        )
        self.orders.add(form)
        self.orders.emit(FormStatus.BOUGHT.value, form, now)
        self.advance_form(form, stage)
        return form

    def advance_form(self, form: CheckoutForm, stage: FormStatus) -> None:
        """Move a form through FILLED_IN / READY_FOR_PROCESSING, emitting the events."""
        if form.status is FormStatus.CANCELLED or stage is FormStatus.CANCELLED:
            raise Rejected(409, "the order is cancelled")
        for step in _STAGES[_STAGES.index(form.status) + 1 : _STAGES.index(stage) + 1]:
            now = self.now()
            form.status, form.updated_at, form.revision = step, now, self._revision()
            if step is FormStatus.READY_FOR_PROCESSING:
                form.paid_at = now
            self.orders.emit(step.value, form, now)

    def cancel_order(self, form_id: str, *, auto: bool = False, restock: bool = True) -> None:
        """Buyer (or Allegro) cancels: status CANCELLED, an event, stock optionally returned."""
        form = self.form(form_id)
        if form.status is FormStatus.CANCELLED:
            raise Rejected(409, "the order is already cancelled")
        now = self.now()
        form.status, form.fulfillment_status = FormStatus.CANCELLED, "CANCELLED"
        form.updated_at, form.revision = now, self._revision()
        if restock:
            for line in form.line_items:
                offer = self.offers.get(line.offer_id)
                if offer is not None:
                    offer.sold -= line.quantity
                    offer.set_available(offer.available + line.quantity, now)
        self.orders.emit("AUTO_CANCELLED" if auto else "BUYER_CANCELLED", form, now)

    def merge_orders(self, form_ids: list[str]) -> CheckoutForm:
        """The buyer pays several purchases together: one new form, the old ids disappear."""
        forms = [self.form(form_id) for form_id in form_ids]
        if len(set(form_ids)) < 2:
            raise Rejected(422, "merge needs at least two different checkout forms")
        if len({f.buyer.id for f in forms}) != 1:
            raise Rejected(422, "merged checkout forms must belong to one buyer")
        if any(f.status is not FormStatus.BOUGHT for f in forms):
            raise Rejected(409, "only unpaid (BOUGHT) purchases can be merged")
        merged = CheckoutForm(
            id=new_uuid(self.random),
            buyer=forms[0].buyer,
            line_items=[li for f in forms for li in f.line_items],
            status=FormStatus.BOUGHT,
            updated_at=self.now(),
            revision=self._revision(),
            payment_id=new_uuid(self.random),
            company=forms[0].company,
        )
        for form in forms:
            self.orders.remove(form.id)
        self.orders.add(merged)
        self.advance_form(merged, FormStatus.READY_FOR_PROCESSING)
        return merged

    def form(self, form_id: str) -> CheckoutForm:
        """A live checkout form; 404 if unknown or merged away."""
        form = self.orders.get(form_id)
        if form is None:
            raise Rejected(404, f"checkout form {form_id} not found")
        return form

    def _check_purchases(self, purchases: list[Purchase]) -> list[Offer]:
        offers = []
        for p in purchases:
            offer = self.offers.get(p.offer_id)
            if offer is None:
                raise Rejected(404, f"offer {p.offer_id} not found")
            if offer.status is not OfferStatus.ACTIVE:
                raise Rejected(409, f"offer {p.offer_id} is {offer.status.value}, not ACTIVE")
            wanted = sum(q.quantity for q in purchases if q.offer_id == p.offer_id)
            if wanted > offer.available:
                raise Rejected(409, f"offer {p.offer_id} has only {offer.available} available")
            offers.append(offer)
        return offers

    def _buy(self, offer: Offer, quantity: int, now: datetime) -> LineItem:
        offer.sold += quantity
        offer.set_available(offer.available - quantity, now, ended_by="EMPTY_STOCK")
        return LineItem(
            id=new_uuid(self.random),
            offer_id=offer.id,
            offer_name=offer.name,
            external_id=offer.external_id,
            quantity=quantity,
            price=offer.price,
            currency=offer.currency,
            bought_at=now,
        )

    def _revision(self) -> str:
        return f"{self.random.getrandbits(32):08x}"
