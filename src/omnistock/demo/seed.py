"""The demo shop: a few hundred products with kits, four channel accounts, their offers.

Everything is generated from ``random.Random(seed)``: the same seed gives the same shop. The
database is written through the services; the sandboxes are seeded through their admin routes
with the quantities omnistock computed, so the first worker pass finds them in sync.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine

from omnistock.demo.stage import CATALOG_ID, CHANNELS, Stage
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.listing import Listing
from omnistock.domain.policy import Policy, PolicyScope, Strategy
from omnistock.service import catalog, policies
from omnistock.service.holds import SafetyParts
from omnistock.service.stock import import_stock
from omnistock.store.sync_repository import SyncStore
from omnistock.store.unit_of_work import SqlUnitOfWork

__all__ = ["Shop", "make_shop", "seed_database", "seed_sandboxes", "stock_feed"]

NOUNS = (
    ("Kubek ceramiczny", "kuchnia", "23"), ("Dzbanek szklany", "kuchnia", "23"),
    ("Herbata czarna", "herbata", "5"), ("Herbata zielona", "herbata", "5"),
    ("Miód lipowy", "herbata", "5"), ("Świeca sojowa", "dom", "23"),
    ("Koc wełniany", "dom", "23"), ("Poduszka lniana", "dom", "23"),
    ("Książka kucharska", "ksiazki", "5"), ("Podkładki korkowe", "kuchnia", "23"),
)  # fmt: skip
ADJECTIVES = ("zielony", "biały", "szary", "granatowy", "musztardowy", "różowy",
              "czarny", "beżowy", "miętowy", "ceglasty", "oliwkowy", "kremowy")  # fmt: skip
SHARES = {"allegro-main": 45, "sklep": 25, "amazon-pl": 15, "facebook": 5}
RESERVE, BUFFER, RESUME_MARGIN = 10, 1, 2
SOURCE = "erp"


@dataclass
class Shop:
    """What was generated: products, kits, stock and each listing's offer id."""

    products: dict[Sku, tuple[str, str, Decimal]] = field(default_factory=dict)
    kits: dict[Sku, dict[Sku, int]] = field(default_factory=dict)
    stock: dict[Sku, int] = field(default_factory=dict)
    offers: dict[str, dict[Sku, str]] = field(default_factory=dict)

    def listed(self, channel: str) -> dict[Sku, str]:
        return self.offers[channel]


def make_shop(rng: random.Random, *, products: int = 240, kits: int = 12) -> Shop:
    """``products`` simple products and ``kits`` gift sets of 2–3 of them."""
    shop = Shop(offers={name: {} for name in CHANNELS})
    for i in range(products):
        noun, group, vat = NOUNS[i % len(NOUNS)]
        sku = Sku(f"{group[:3].upper()}-{i:04d}")
        name = f"{noun} {ADJECTIVES[(i // len(NOUNS)) % len(ADJECTIVES)]} nr {i}"
        shop.products[sku] = (name, vat, Decimal(rng.randrange(990, 19990)) / 100)
        shop.stock[sku] = rng.choice((rng.randint(2, 6), rng.randint(6, 30), rng.randint(30, 90)))
    simple = list(shop.products)
    for k in range(kits):
        sku = Sku(f"ZESTAW-{k:02d}")
        parts = rng.sample(simple[:60], rng.randint(2, 3))
        shop.kits[sku] = {p: rng.choice((1, 1, 2)) for p in parts}
        shop.products[sku] = (f"Zestaw prezentowy nr {k}", "23", Decimal("149.00"))
    for position, sku in enumerate(shop.products):
        for channel in _channels_of(position, sku in shop.kits):
            shop.offers[channel][sku] = _offer_id(channel, position, sku)
    return shop


def _channels_of(position: int, kit: bool) -> list[str]:
    """Everything on Allegro and in the shop; every 2nd on Amazon, every 3rd on Meta."""
    chosen = ["allegro-main", "sklep"]
    if not kit and position % 2 == 0:
        chosen.append("amazon-pl")
    if not kit and position % 3 == 0:
        chosen.append("facebook")
    return chosen


def _offer_id(channel: str, position: int, sku: Sku) -> str:
    if channel == "allegro-main":
        return f"77{position:08d}"
    if channel == "sklep":
        return str(1000 + position)
    return str(sku)


def stock_feed(stock: dict[Sku, int]) -> str:
    """The ERP's stock file (``sku,warehouse,on_hand``)."""
    return "sku,warehouse,on_hand\n" + "".join(f"{s},main,{q}\n" for s, q in stock.items())


def _products_csv(shop: Shop) -> str:
    rows = [
        f"{sku},{name},,{vat},{price},szt.," for sku, (name, vat, price) in shop.products.items()
    ]
    return "sku,name,ean,vat,price,unit,group\n" + "\n".join(rows) + "\n"


def seed_database(engine: Engine, shop: Shop, parts: SafetyParts, now: datetime) -> None:
    """Products, kits, channel accounts, listings, the policy, then the ERP's stock feed."""

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine)

    catalog.import_products(uow(), _products_csv(shop), now=now)
    for kit, components in shop.kits.items():
        catalog.set_bundle(uow(), kit, components, now=now)
    for name, kind in CHANNELS.items():
        catalog.add_channel(uow(), name, kind, now=now)
    with uow() as work:
        for channel, offers in shop.offers.items():
            for sku, offer in offers.items():
                work.listings.add(Listing(channel=ChannelId(channel), sku=sku, offer_id=offer))
        work.commit()
    policy = Policy(
        strategy=Strategy.PERCENTAGE,
        shares={ChannelId(c): Decimal(p) for c, p in SHARES.items()},
        reserve=Decimal(RESERVE), buffer=BUFFER, resume_margin=RESUME_MARGIN,
    )  # fmt: skip
    policies.set_policy(uow(), PolicyScope.GLOBAL, "", policy, now=now)
    import_stock(uow(), stock_feed(shop.stock), source=SOURCE, actor="demo", now=now,
                 gate=parts.gate)  # fmt: skip


def seed_sandboxes(stage: Stage, shop: Shop, sync: SyncStore) -> None:
    """Offers on every sandbox showing what omnistock wants them to show."""
    want = {ch: sync.desired_of(ch, list(o.values())) for ch, o in shop.offers.items()}
    admins = stage.admins
    allegro = [
        {"id": offer, "name": shop.products[sku][0], "stock": want["allegro-main"][offer] or 0,
         "price": str(shop.products[sku][2]), "external_id": str(sku),
         **({} if want["allegro-main"][offer] else {"status": "ENDED"})}
        for sku, offer in shop.listed("allegro-main").items()
    ]  # fmt: skip
    admins["allegro"].post("/_sandbox/offers", json=allegro).raise_for_status()
    woo = [
        {"id": int(offer), "sku": str(sku), "name": shop.products[sku][0], "manage_stock": True,
         "stock_quantity": want["sklep"][offer] or 0, "regular_price": str(shop.products[sku][2])}
        for sku, offer in shop.listed("sklep").items()
    ]  # fmt: skip
    admins["woocommerce"].post("/_sandbox/products", json={"products": woo}).raise_for_status()
    amazon = [
        {"sku": offer, "quantity": want["amazon-pl"][offer] or 0}
        for offer in shop.listed("amazon-pl").values()
    ]
    admins["amazon"].post("/_sandbox/listings", json={"listings": amazon}).raise_for_status()
    meta = [
        {"retailer_id": offer, "title": shop.products[Sku(offer)][0], "price": "10.00 PLN",
         "quantity_to_sell_on_facebook": want["facebook"][offer] or 0}
        for offer in shop.listed("facebook").values()
    ]  # fmt: skip
    body = {"catalog_id": CATALOG_ID, "items": meta}
    admins["meta"].post("/_sandbox/items", json=body).raise_for_status()
