"""WooCommerce REST v3 resource JSON for products, variations and orders."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from omnistock.sandbox.woocommerce.catalog import Item
    from omnistock.sandbox.woocommerce.orders import Order

SITE_TZ = ZoneInfo("Europe/Warsaw")
API = "/wp-json/wc/v3"


def local(moment: datetime | None) -> str | None:
    """A date in the site's timezone as WordPress prints it (no offset)."""
    return None if moment is None else moment.astimezone(SITE_TZ).strftime("%Y-%m-%dT%H:%M:%S")


def gmt(moment: datetime | None) -> str | None:
    return (
        None if moment is None else moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S")
    )


def dates(prefix: str, moment: datetime | None) -> dict[str, str | None]:
    return {prefix: local(moment), f"{prefix}_gmt": gmt(moment)}


def links(base: str, path: str, collection: str) -> dict[str, Any]:
    return {
        "self": [{"href": f"{base}{API}/{path}"}],
        "collection": [{"href": f"{base}{API}/{collection}"}],
    }


def _stock(item: Item) -> dict[str, Any]:
    on_backorder = item.manage_stock and item.backorders != "no"
    return {
        "manage_stock": item.manage_stock,
        "stock_quantity": item.stock_quantity,
        "stock_status": item.stock_status,
        "backorders": item.backorders,
        "backorders_allowed": on_backorder,
        "backordered": on_backorder and (item.stock_quantity or 0) <= 0,
    }


def _common(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        **dates("date_created", item.date_created),
        **dates("date_modified", item.date_modified),
        "sku": item.sku,
        "price": item.regular_price,
        "regular_price": item.regular_price,
        "sale_price": "",
        "on_sale": False,
        "status": "publish",
        "purchasable": item.regular_price != "",
        "virtual": False,
        "downloadable": False,
        "tax_status": "taxable",
        "tax_class": "",
        **_stock(item),
        "weight": "",
        "dimensions": {"length": "", "width": "", "height": ""},
        "shipping_class": "",
        "attributes": item.attributes,
        "menu_order": 0,
        "meta_data": [],
    }


def product(item: Item, base: str) -> dict[str, Any]:
    slug = item.name.lower().replace(" ", "-")
    return {
        **_common(item),
        "name": item.name,
        "slug": slug,
        "permalink": f"{base}/product/{slug}/",
        "type": item.type,
        "featured": False,
        "catalog_visibility": "visible",
        "description": "",
        "short_description": "",
        "total_sales": item.total_sales,
        "sold_individually": False,
        "shipping_required": True,
        "shipping_taxable": True,
        "shipping_class_id": 0,
        "reviews_allowed": True,
        "parent_id": 0,
        "categories": [],
        "tags": [],
        "images": [],
        "default_attributes": [],
        "variations": list(item.variations),
        "grouped_products": [],
        "_links": links(base, f"products/{item.id}", "products"),
    }


def variation(item: Item, base: str) -> dict[str, Any]:
    path = f"products/{item.parent_id}/variations"
    return {
        **_common(item),
        "description": "",
        "permalink": f"{base}/?p={item.id}",
        "shipping_class_id": "0",
        "image": None,
        "_links": {
            **links(base, f"{path}/{item.id}", path),
            "up": [{"href": f"{base}{API}/products/{item.parent_id}"}],
        },
    }


def item(entry: Item, base: str) -> dict[str, Any]:
    return variation(entry, base) if entry.parent_id else product(entry, base)


def order(entry: Order, base: str) -> dict[str, Any]:
    return {
        "id": entry.id,
        "parent_id": 0,
        "number": str(entry.id),
        "order_key": entry.order_key,
        "created_via": "checkout",
        "version": "9.4.0",
        "status": entry.status,
        "currency": "PLN",
        **dates("date_created", entry.date_created),
        **dates("date_modified", entry.date_modified),
        "discount_total": "0.00",
        "discount_tax": "0.00",
        "shipping_total": entry.shipping_total,
        "shipping_tax": "0.00",
        "cart_tax": "0.00",
        "total": entry.total,
        "total_tax": "0.00",
        "prices_include_tax": True,
        "customer_id": 0,
        "customer_ip_address": "127.0.0.1",
        "customer_user_agent": "Mozilla/5.0 (sandbox buyer)",
        "customer_note": entry.customer_note,
        "billing": dict(entry.billing),
        "shipping": dict(entry.shipping),
        "payment_method": entry.payment_method,
        "payment_method_title": entry.payment_method_title,
        "transaction_id": "",
        **dates("date_paid", entry.date_paid),
        **dates("date_completed", entry.date_completed),
        "cart_hash": "",
        "meta_data": [dict(meta) for meta in entry.meta_data],
        "line_items": [dict(line) for line in entry.line_items],
        "tax_lines": [],
        "shipping_lines": [dict(line) for line in entry.shipping_lines],
        "fee_lines": [],
        "coupon_lines": [],
        "refunds": [dict(refund) for refund in entry.refunds],
        "_links": links(base, f"orders/{entry.id}", "orders"),
    }
