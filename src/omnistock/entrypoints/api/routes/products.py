"""``/api/v1/products``: list, add, import a CSV."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from omnistock.domain.ids import Sku
from omnistock.domain.product import Product, VatRate
from omnistock.entrypoints.api.auth import Operator, Viewer
from omnistock.entrypoints.api.render import plain
from omnistock.entrypoints.api.routes.models import CsvUpload, Strict
from omnistock.entrypoints.api.state import api_state
from omnistock.service import catalog

__all__ = ["router"]

router = APIRouter(prefix="/products", tags=["products"])


class ProductIn(Strict):
    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=500)
    ean: str | None = Field(default=None, max_length=14)
    vat: str = Field(default="23", max_length=8, description="23, 8, 5, 0, zw, np…")
    unit: str = Field(default="szt.", min_length=1, max_length=16)
    price_gross: Decimal = Field(default=Decimal("0.00"), ge=0, max_digits=12, decimal_places=2)
    group: str | None = Field(default=None, max_length=100)

    def to_product(self) -> Product:
        return Product(
            sku=Sku(self.sku),
            name=self.name,
            ean=self.ean,
            vat=VatRate.parse(self.vat),
            unit=self.unit,
            price_gross=self.price_gross.quantize(Decimal("0.01")),
            group=self.group,
        )


@router.get("")
def list_products(request: Request, _who: Viewer) -> list[dict[str, Any]]:
    """Every product."""
    result: list[dict[str, Any]] = plain(catalog.list_products(api_state(request).app.uow()))
    return result


@router.post("", status_code=201)
def add_product(request: Request, body: ProductIn, _who: Operator) -> dict[str, Any]:
    """Add one product (409 if the SKU exists)."""
    product = body.to_product()
    catalog.add_product(api_state(request).app.uow(), product)
    result: dict[str, Any] = plain(product)
    return result


@router.post("/import")
def import_products(request: Request, body: CsvUpload, _who: Operator) -> dict[str, int]:
    """Add or update every product of a CSV file (all rows or none)."""
    app = api_state(request).app
    return {"rows": catalog.import_products(app.uow(), body.csv, now=app.clock.now())}
