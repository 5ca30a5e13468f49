"""No personal field is stored in plain text: orders from the Allegro, WooCommerce and Amazon
sandboxes are imported into a SQLite file, which is then searched byte by byte."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from orders_harness import Shop, build_shop
from sqlalchemy import Engine, select

from omnistock.service.order_privacy import ContactPolicy
from omnistock.service.orders import list_orders, show_order
from omnistock.store.engine import make_engine
from omnistock.store.migrate import upgrade_to_head
from omnistock.store.order_tables import orders


@pytest.fixture
def file_shop(tmp_path: Path) -> Iterator[tuple[Shop, Path]]:
    path = tmp_path / "orders.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    for shop in build_shop(engine, tmp_path, 20):
        shop.contacts = ContactPolicy(keep_email=True, keep_phone=True)
        yield shop, path
    engine.dispose()


def _values(*parts: Any) -> set[str]:
    """Every non-trivial string inside ``parts`` (names, streets, e-mails, phones, NIPs)."""
    found: set[str] = set()
    for part in parts:
        if isinstance(part, dict):
            found |= _values(*part.values())
        elif isinstance(part, list):
            found |= _values(*part)
        elif isinstance(part, str) and len(part) >= 5:
            found.add(part)
    return found


def _allegro(shop: Shop) -> set[str]:
    body = {
        "lines": [{"offer_id": shop.offers["allegro"], "quantity": 1}],
        "invoice": {"nip": "5260250274", "company_name": "Hurtownia Kowalscy sp. z o.o."},
        "buyer": {"first_name": "Grzegorz", "last_name": "Brzęczyszczykiewicz"},
    }
    form = shop.admins["allegro"].post("/_sandbox/orders", json=body)
    assert form.status_code == 201, form.text
    data = form.json()
    return _values(data["buyer"], data["delivery"]["address"], data["invoice"]["address"])


def _woo(shop: Shop) -> set[str]:
    made = shop.admins["woocommerce"].post(
        "/_sandbox/orders", json={"lines": [{"sku": "KUBEK-1", "quantity": 1}]}
    )
    assert made.status_code == 201, made.text
    order = made.json()
    return _values(order["billing"], order["shipping"]) - {"Polska", "PL"}


def _amazon(shop: Shop) -> set[str]:
    made = shop.admins["amazon"].post(
        "/_sandbox/orders", json={"items": [{"sku": "AMZ-KUBEK-1", "quantity": 1}]}
    )
    assert made.status_code == 201, made.text
    order = shop.admins["amazon"].get("/_sandbox/orders").json()
    orders_list = order if isinstance(order, list) else order.get("orders", [])
    found = _values([{k: o.get(k) for k in ("buyer", "recipient")} for o in orders_list])
    return found - {"RESIDENTIAL"}


def _stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(orders.c.id).where(orders.c.buyer_name.is_not(None))).all())


def test_no_personal_field_is_stored_in_plain_text(
    file_shop: tuple[Shop, Path], caplog: pytest.LogCaptureFixture
) -> None:
    shop, path = file_shop
    personal = _allegro(shop) | _woo(shop) | _amazon(shop)
    assert any("Brzęczyszczykiewicz" in v for v in personal)
    assert any("@" in v for v in personal)  # e-mails are among the searched values
    with caplog.at_level(logging.DEBUG):
        for channel in ("allegro", "woocommerce", "amazon"):
            assert shop.import_orders(channel).created == 1, channel
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "order applied" in logged
    assert sorted(v for v in personal if v in logged) == []
    assert _stored(shop.engine) == 3
    shop.engine.dispose()  # checkpoint: everything is in the database file
    files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
    raw = b"".join(p.read_bytes() for p in files)
    leaked = sorted(v for v in personal if v.encode("utf-8") in raw)
    assert leaked == []
    assert shop.offers["allegro"].encode() in raw  # the scan does see what is stored in clear
    views = list_orders(shop.uow())
    opened = [show_order(shop.uow(), v["id"], sealer=shop.sealer)["personal"] for v in views]
    allegro = next(p for p, v in zip(opened, views, strict=True) if v["channel"] == "allegro")
    assert "Brzęczyszczykiewicz" in allegro["name"]
    assert allegro["nip"] == "5260250274"
    assert all(p["delivery"]["street"] for p in opened)
