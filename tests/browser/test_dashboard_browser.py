"""The dashboard in real headless Chromium (Debian ``chromium`` driven by Playwright).

Served by uvicorn on loopback; logs in with an API token, reads the channel tiles, searches the
stock table, opens a SKU page and changes its stock through the CSRF-protected form. Screenshots
go to ``docs/screenshots/``. The settled demo, holds and incidents: ``test_settled_demo_browser``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from omnistock.bootstrap import App, bootstrap
from omnistock.config import Settings
from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.policy import Policy, PolicyScope, Strategy
from omnistock.domain.product import Product
from omnistock.entrypoints.api import create_app
from omnistock.sandbox.common.server import SandboxServer
from omnistock.service import catalog, policies, stock, tokens
from omnistock.service.clock import FixedClock
from omnistock.store.token_repository import TokenStore

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# the README's pictures are refreshed only on request (OMNISTOCK_SCREENSHOTS=1): a plain test
# run leaves the checkout unchanged
SHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("OMNISTOCK_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "omnistock-screenshots"
)
SHOTS.mkdir(parents=True, exist_ok=True)
T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PRODUCTS = [
    ("KUB-01", "Kubek ceramiczny 300 ml", 24),
    ("TAL-01", "Talerz płytki 27 cm", 40),
    ("TAL-02", "Talerz głęboki 22 cm", 3),
    ("MIS-01", "Miska sałatkowa <b>XL</b>", 12),
]

if not CHROMIUM.exists():
    pytest.skip(
        "/usr/bin/chromium is missing (apt-get install -y chromium; `make test` installs it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def _seed(app: App) -> str:
    for name, kind in (("allegro-main", "allegro"), ("sklep", "woocommerce")):
        catalog.add_channel(app.uow(), name, kind, now=T0)
    for sku, name, on_hand in PRODUCTS:
        catalog.add_product(app.uow(), Product(sku=Sku(sku), name=name))
        stock.set_stock(
            app.uow(), Sku(sku), on_hand, warehouse=WarehouseId("main"), actor="seed", now=T0
        )
        for offer, channel in ((f"a-{sku}", "allegro-main"), (f"w-{sku}", "sklep")):
            catalog.link_listing(app.uow(), Sku(sku), ChannelId(channel), offer, now=T0)
    shares = {ChannelId("allegro-main"): Decimal(60), ChannelId("sklep"): Decimal(40)}
    rule = Policy(strategy=Strategy.PERCENTAGE, shares=shares, buffer=2)
    policies.set_policy(app.uow(), PolicyScope.GLOBAL, "", rule, now=T0)
    store = TokenStore(app.engine)
    return tokens.create_token(store, "operator", name="magazyn", now=T0)[1]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    with bootstrap(Settings.from_env({}, db_url=url), clock=FixedClock(T0), migrate=True) as app:
        secret = _seed(app)
        with SandboxServer(create_app(app)) as server:
            yield server.url, secret


@pytest.fixture
def page(served: tuple[str, str]) -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 560})
            yield context.new_page()
        finally:
            browser.close()


def _login(page, url: str, secret: str) -> None:
    page.goto(f"{url}/dashboard/")
    assert page.url.endswith("/dashboard/login")
    page.fill("input[name=token]", secret)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/dashboard/")


def test_log_in_see_tiles_search_stock_and_set_stock(page, served) -> None:
    url, secret = served
    _login(page, url, secret)
    tiles = page.locator("section.tile")
    assert tiles.count() == 2
    assert page.locator('section.tile[data-channel="sklep"] h3').inner_text() == "sklep"
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.click("text=Stany magazynowe")
    page.fill("input[name=q]", "talerz")
    page.click("form[role=search] button")
    page.wait_for_url("**/dashboard/stock?q=talerz")
    rows = page.locator("#stock tbody tr")
    assert rows.count() == 2
    assert "KUB-01" not in page.locator("#stock").inner_text()
    page.screenshot(path=str(SHOTS / "dashboard-stock.png"))

    page.click("text=TAL-01")
    page.wait_for_url("**/dashboard/sku/TAL-01")
    assert page.locator("svg polyline").count() == 1
    page.fill("input[name=quantity]", "17")
    page.click("text=Zapisz")
    page.wait_for_url("**/dashboard/sku/TAL-01")
    assert "Do sprzedaży" in page.content()  # the explanation, labelled in Polish
    page.goto(f"{url}/dashboard/stock?q=TAL-01&lang=en")
    assert page.locator("#stock tbody tr td").nth(2).inner_text() == "17"
    page.goto(f"{url}/dashboard/sku/TAL-01")
    page.screenshot(path=str(SHOTS / "dashboard-sku.png"), full_page=False)


def test_markup_in_product_names_is_shown_as_text(page, served) -> None:
    url, secret = served
    _login(page, url, secret)
    page.goto(f"{url}/dashboard/stock?q=MIS")
    cell = page.locator("#stock tbody tr td").nth(1)
    assert cell.inner_text() == "Miska sałatkowa <b>XL</b>"
    assert cell.locator("b").count() == 0
