"""Product files: ``sku,name,ean,vat,price`` (optional ``unit``, ``group``), validated whole."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from omnistock.domain.csvfile import CsvRow, read_csv
from omnistock.domain.errors import InvalidFile, InvalidValue
from omnistock.domain.product import Product, VatRate
from omnistock.domain.stock_feed import parse_sku

__all__ = ["OPTIONAL_COLUMNS", "PRODUCT_COLUMNS", "parse_product_csv"]

PRODUCT_COLUMNS = ("sku", "name", "ean", "vat", "price")
OPTIONAL_COLUMNS = ("unit", "group")


def parse_product_csv(text: str) -> list[Product]:
    """Every product of a catalog file, or ``InvalidFile`` (line, column) for the first error.

    ``ean`` may be empty; ``vat`` as sellers write it (``23``, ``8%``, ``zw``, ``np``); ``price``
    is the gross price with a dot or a decimal comma. Other columns are ignored; a SKU listed
    twice rejects the file.
    """
    products: list[Product] = []
    first_line: dict[str, int] = {}
    for row in read_csv(text, required=PRODUCT_COLUMNS, optional=OPTIONAL_COLUMNS, extra=True):
        product = _product(row)
        if product.sku in first_line:
            raise InvalidFile(
                f"duplicate SKU {product.sku} (first on line {first_line[product.sku]})",
                line=row.line,
                column="sku",
            )
        first_line[product.sku] = row.line
        products.append(product)
    return products


def _product(row: CsvRow) -> Product:
    cells = row.cells
    sku = parse_sku(cells["sku"], line=row.line)
    try:
        return Product(
            sku=sku,
            name=cells["name"],
            ean=cells["ean"] or None,
            vat=VatRate.parse(cells["vat"]),
            unit=cells.get("unit") or "szt.",
            price_gross=_price(cells["price"]),
            group=cells.get("group") or None,
        )
    except InvalidValue as exc:
        raise InvalidFile(exc.message, line=row.line, column=exc.field) from exc


def _price(text: str) -> Decimal:
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidValue(f"{text!r} is not a price", field="price") from None
    if not value.is_finite():
        raise InvalidValue(f"{text!r} is not a price", field="price")
    return value
