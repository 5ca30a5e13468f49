"""Demo shop content and plausible Polish test buyers (all fictitious; example.com e-mails)."""

from __future__ import annotations

import random
from datetime import datetime

from omnistock.sandbox.woocommerce.catalog import Catalog, Item

_BUYERS = (
    ("Jan", "Kowalski", "ul. Marszałkowska 10/4", "00-590", "Warszawa", "PL-MZ"),
    ("Anna", "Nowak", "ul. Piotrkowska 120", "90-006", "Łódź", "PL-LD"),
    ("Katarzyna", "Wiśniewska", "ul. Długa 5", "80-831", "Gdańsk", "PL-PM"),
    ("Piotr", "Wójcik", "ul. Floriańska 3/2", "31-019", "Kraków", "PL-MA"),
    ("Małgorzata", "Kamińska", "ul. Świdnicka 15", "50-066", "Wrocław", "PL-DS"),
    ("Tomasz", "Lewandowski", "ul. Półwiejska 2", "61-888", "Poznań", "PL-WP"),
)


def buyer(rng: random.Random) -> dict[str, dict[str, str]]:
    """Billing and shipping addresses of a random fictitious Polish buyer."""
    first, last, street, postcode, city, state = rng.choice(_BUYERS)
    address = {
        "first_name": first,
        "last_name": last,
        "company": "",
        "address_1": street,
        "address_2": "",
        "city": city,
        "state": state,
        "postcode": postcode,
        "country": "PL",
    }
    login = f"{first}.{last}".lower().translate(str.maketrans("ąćęłńóśźż", "acelnoszz"))
    phone = f"+48 5{rng.randrange(10, 99)} {rng.randrange(100, 999)} {rng.randrange(100, 999)}"
    return {
        "billing": {**address, "email": f"{login}@example.com", "phone": phone},
        "shipping": {**address, "phone": phone},
    }


def seed_demo(catalog: Catalog, now: datetime) -> None:
    """A few simple products and one variable product with managed stock."""
    simple = (
        (11, "KUBEK-001", "Kubek ceramiczny 330 ml", "39.90", 25),
        (12, "KOC-002", "Koc bawełniany 150x200", "149.00", 8),
        (13, "SWIECA-003", "Świeca sojowa lawenda", "29.99", 0),
    )
    for item_id, sku, name, price, quantity in simple:
        catalog.add(_item(item_id, 0, "simple", name, sku, price, quantity, now))
    catalog.add(_item(20, 0, "variable", "Koszulka lniana", "KOSZ-LEN", "", None, now))
    for item_id, size, quantity in ((21, "S", 5), (22, "M", 12), (23, "L", 3)):
        child = _item(item_id, 20, "variation", size, f"KOSZ-LEN-{size}", "89.00", quantity, now)
        child.attributes = [{"id": 0, "name": "Rozmiar", "option": size}]
        catalog.add(child)


def _item(
    item_id: int,
    parent: int,
    kind: str,
    name: str,
    sku: str,
    price: str,
    quantity: int | None,
    now: datetime,
) -> Item:
    return Item(
        id=item_id,
        parent_id=parent,
        type=kind,
        name=name,
        sku=sku,
        regular_price=price,
        manage_stock=quantity is not None,
        stock_quantity=quantity,
        stock_status="instock",
        backorders="no",
        date_created=now,
        date_modified=now,
    )
