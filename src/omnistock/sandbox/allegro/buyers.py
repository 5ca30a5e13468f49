"""Plausible Polish test buyers and companies (fictitious people, checksum-valid NIPs)."""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["Buyer", "Company", "random_buyer", "random_company", "valid_nip"]

_FIRST = ("Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Piotr", "Krzysztof", "Tomasz", "Paweł")
_LAST = ("Nowak", "Kowalska", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski", "Zielińska")
_PLACES = (
    ("ul. Marszałkowska", "Warszawa", "00-624"),
    ("ul. Floriańska", "Kraków", "31-019"),
    ("ul. Piotrkowska", "Łódź", "90-406"),
    ("ul. Świdnicka", "Wrocław", "50-066"),
    ("ul. Półwiejska", "Poznań", "61-888"),
    ("ul. Długa", "Gdańsk", "80-827"),
)
_COMPANIES = ("Sklep Żółwik sp. z o.o.", "Biuro Rachunkowe Dąb s.c.", "Hurtownia Łoś S.A.")
_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


@dataclass(frozen=True, slots=True, kw_only=True)
class Buyer:
    """A buyer as a checkout form shows them."""

    id: str
    login: str
    email: str
    first_name: str
    last_name: str
    phone: str
    street: str
    city: str
    post_code: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Company:
    """An invoice request's company."""

    name: str
    nip: str


def valid_nip(nip: str) -> bool:
    """Whether ``nip`` is ten digits with a correct Polish NIP checksum."""
    if len(nip) != 10 or not nip.isdigit():
        return False
    check = sum(int(d) * w for d, w in zip(nip, _NIP_WEIGHTS, strict=False)) % 11
    return check != 10 and check == int(nip[9])


def _nip(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
        check = sum(d * w for d, w in zip(digits, _NIP_WEIGHTS, strict=True)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def random_buyer(rng: random.Random, login: str | None = None) -> Buyer:
    """A fictitious buyer with a masked allegromail address."""
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    street, city, post_code = rng.choice(_PLACES)
    login = login or f"{first[:3].lower()}_{rng.randint(100, 9999)}"
    return Buyer(
        id=str(rng.randint(10_000_000, 99_999_999)),
        login=login,
        email=f"{rng.getrandbits(40):010x}+{login}@allegromail.pl",
        first_name=first,
        last_name=last,
        phone=f"+48 5{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
        street=f"{street} {rng.randint(1, 120)}/{rng.randint(1, 40)}",
        city=city,
        post_code=post_code,
    )


def random_company(rng: random.Random) -> Company:
    """A fictitious company with a checksum-valid NIP."""
    return Company(name=rng.choice(_COMPANIES), nip=_nip(rng))
