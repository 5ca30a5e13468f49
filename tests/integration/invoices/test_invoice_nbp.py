"""NBP rates over real HTTP against a tiny local stand-in of ``api.nbp.pl`` (not reachable here)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from omnistock.domain.errors import InvalidValue
from omnistock.invoicing.nbp import NbpApiSource, TableRateSource, rate_before
from omnistock.sandbox.common.server import SandboxServer

TABLE = {
    ("eur", "2026-11-26"): ("232/A/NBP/2026", 4.2345),
    ("eur", "2026-12-24"): ("250/A/NBP/2026", 4.3),
}
ASKED: list[str] = []


async def rates(request: Request) -> Response:
    code, day = request.path_params["code"], request.path_params["day"]
    ASKED.append(day)
    if request.query_params.get("format") != "json":
        return PlainTextResponse("xml not served here", status_code=400)
    if (code, day) not in TABLE:
        return PlainTextResponse("404 NotFound - Not Found - Brak danych", status_code=404)
    number, mid = TABLE[code, day]
    return JSONResponse({"table": "A", "currency": "euro", "code": code.upper(),
                         "rates": [{"no": number, "effectiveDate": day, "mid": mid}]})  # fmt: skip


@pytest.fixture(scope="module")
def nbp() -> Iterator[NbpApiSource]:
    app = Starlette(routes=[Route("/api/exchangerates/rates/a/{code}/{day}/", rates)])
    with SandboxServer(app) as running, httpx.Client(timeout=5) as client:
        yield NbpApiSource(client, base_url=f"{running.url}/api")


def test_rate_of_the_last_working_day_before_the_sale(nbp: NbpApiSource) -> None:
    ASKED.clear()
    found = rate_before(nbp, "EUR", date(2026, 11, 27))
    assert found.rate == Decimal("4.2345")
    assert found.effective == date(2026, 11, 26)
    assert found.table == "232/A/NBP/2026"
    assert ASKED == ["2026-11-26"]


def test_days_without_a_table_are_skipped(nbp: NbpApiSource) -> None:
    ASKED.clear()
    # sale on Monday 28 Dec: 27 (Sun), 26 (holiday), 25 (holiday) have no table → Thursday 24th
    found = rate_before(nbp, "EUR", date(2026, 12, 28))
    assert found.effective == date(2026, 12, 24)
    assert ASKED == ["2026-12-27", "2026-12-26", "2026-12-25", "2026-12-24"]


def test_no_rate_at_all_is_a_clear_error(nbp: NbpApiSource) -> None:
    with pytest.raises(InvalidValue) as caught:
        rate_before(nbp, "USD", date(2026, 11, 27))
    assert caught.value.field == "exchange"


def test_local_table_source_follows_the_same_rule() -> None:
    table = TableRateSource({("EUR", date(2026, 11, 26)): Decimal("4.2345")})
    assert rate_before(table, "eur", date(2026, 11, 28)).rate == Decimal("4.2345")
