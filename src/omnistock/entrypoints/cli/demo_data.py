"""The demo's seed data: a small Polish tea-and-home shop on four channel accounts."""

from __future__ import annotations

from decimal import Decimal

from omnistock.domain.ids import ChannelId, ChannelKind, Sku

PRODUCTS_CSV = """\
sku,name,ean,vat,price,unit,group
KUB-300,Kubek ceramiczny 300 ml,5901234120012,23,29.90,szt.,kuchnia
KUB-450,Kubek termiczny 450 ml,5901234120029,23,59.90,szt.,kuchnia
DZB-1L,Dzbanek szklany 1 l,5901234120036,23,49.00,szt.,kuchnia
PODK-KOR,Podkładki korkowe 4 szt.,5901234120043,23,24.90,kpl.,kuchnia
HERB-CZ,Herbata czarna 100 g,5901234120050,5,18.50,szt.,herbata
HERB-ZI,Herbata zielona 100 g,5901234120067,5,21.00,szt.,herbata
MIOD-LIP,Miód lipowy 400 g,5901234120074,5,34.99,szt.,herbata
SWI-SOJ,Świeca sojowa,5901234120081,23,39.00,szt.,dom
KOC-WEL,Koc wełniany 150×200,5901234120098,23,189.00,szt.,dom
ZAP-DYF,Zapach do dyfuzora,5901234120104,23,45.00,szt.,dom
KSIAZ-HERB,Książka „Herbaty świata”,5901234120111,5,59.00,szt.,ksiazki
ZESTAW-HERB,"Zestaw prezentowy: kubek, 2 herbaty, miód",5901234120128,23,119.00,kpl.,prezenty
"""

BUNDLE = Sku("ZESTAW-HERB")
BUNDLE_COMPONENTS: dict[Sku, int] = {
    Sku("KUB-300"): 1,
    Sku("HERB-CZ"): 1,
    Sku("HERB-ZI"): 1,
    Sku("MIOD-LIP"): 1,
}

CHANNELS: dict[ChannelId, ChannelKind] = {
    ChannelId("allegro-main"): ChannelKind.ALLEGRO,
    ChannelId("sklep"): ChannelKind.WOOCOMMERCE,
    ChannelId("amazon-de"): ChannelKind.AMAZON,
    ChannelId("facebook"): ChannelKind.META,
}

OFFER_PREFIX: dict[ChannelId, str] = {
    ChannelId("allegro-main"): "1234567",
    ChannelId("sklep"): "wc-",
    ChannelId("amazon-de"): "AMZ-",
    ChannelId("facebook"): "fb-",
}

SECOND_WAREHOUSE = "krakow"

STOCK_CSV = """\
sku,warehouse,on_hand
KUB-300,main,40
KUB-300,krakow,12
KUB-450,main,25
DZB-1L,main,9
PODK-KOR,main,60
HERB-CZ,main,80
HERB-ZI,main,33
MIOD-LIP,main,18
MIOD-LIP,krakow,4
SWI-SOJ,main,7
KOC-WEL,krakow,5
ZAP-DYF,main,14
KSIAZ-HERB,main,3
"""

SHARES: dict[ChannelId, Decimal] = {
    ChannelId("allegro-main"): Decimal(45),
    ChannelId("sklep"): Decimal(25),
    ChannelId("amazon-de"): Decimal(15),
    ChannelId("facebook"): Decimal(5),
}
RESERVE = Decimal(10)
BUFFER = 2
RESUME_MARGIN = 3
BOOKS_GROUP = "ksiazki"
"""The book group sells one shared pool: every channel sees the whole sellable stock."""
CAPPED_SKU = Sku("HERB-CZ")
CAPS: dict[ChannelId, int] = {ChannelId("allegro-main"): 20}

PAUSE_SKU = Sku("SWI-SOJ")
PAUSE_DELTA = -5
"""7 on hand, sold 5 in the shop downstairs: 2 left ≤ buffer 2 → paused everywhere."""
EXPLAIN_SKU = BUNDLE


def offer_id(channel: ChannelId, position: int) -> str:
    """A plausible external offer id for the ``position``-th product on ``channel``."""
    prefix = OFFER_PREFIX[channel]
    return f"{prefix}{position:03d}" if not prefix.isdigit() else f"{prefix}{position:04d}"


def listed_on(position: int) -> list[ChannelId]:
    """Every product is on Allegro and in the shop; every 2nd on Amazon, every 3rd on Meta."""
    names = list(CHANNELS)
    chosen = names[:2]
    if position % 2 == 0:
        chosen.append(names[2])
    if position % 3 == 0:
        chosen.append(names[3])
    return chosen
