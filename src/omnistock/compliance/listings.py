"""Listing content from JSON and CSV files (missing fields are fine; wrong types are errors).

JSON: a list of listing objects (or ``{"listings": [...]}``) in omnistock's shape (see
docs/rule-packs.md); an object that looks like Allegro's ``GET /sale/product-offers/{id}`` answer
(it has ``productSet`` or ``sellingMode``) is mapped from that shape instead.
CSV: one row per listing, UTF-8, header row with the columns in :data:`CSV_COLUMNS`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from omnistock.compliance.allegro_offer import from_allegro_offer, looks_like_allegro_offer
from omnistock.domain.compliance import (
    AfterSales,
    Gpsr,
    Image,
    ListingContent,
    Parameter,
    ShippingRates,
)
from omnistock.domain.errors import InvalidFile, InvalidValue

__all__ = ["CSV_COLUMNS", "listing_from_mapping", "load_listings", "parse_csv", "parse_json"]

CSV_COLUMNS = (
    "offer", "channel", "title", "description", "description_images", "images", "category",
    "parameters", "gtin", "condition", "price", "currency", "shipping_id", "shipping_type",
    "shipping_dispatch_country", "return_policy", "implied_warranty", "warranty",
    "responsible_producer", "responsible_person", "safety_type", "safety_text",
    "safety_attachments", "marketed_before_gpsr",
)  # fmt: skip
_TOP = {"offer", "channel", "title", "description", "description_images", "images", "category"}
_TOP |= {"parameters", "gtin", "condition", "price", "currency", "shipping", "after_sales", "gpsr"}
_SHIPPING = {"id", "name", "type", "dispatch_country"}
_AFTER = {"return_policy", "implied_warranty", "warranty"}
_GPSR = {"responsible_producer", "responsible_person", "safety_type", "safety_text"}
_GPSR |= {"safety_attachments", "marketed_before_obligation"}


def _keys(raw: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise InvalidValue(f"unknown key(s) {', '.join(unknown)}", field=where)


def _text(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise InvalidValue("expected text", field=f"{where}{key}")


def _texts(value: Any, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v for v in value if v)
    raise InvalidValue("expected a text or a list of texts", field=field)


def _int(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value) if not isinstance(value, bool | float) else None
    except (TypeError, ValueError):
        number = None
    if number is None or number < 0:
        raise InvalidValue(f"expected a whole number ≥ 0, got {value!r}", field=field)
    return number


def _image(value: Any, field: str) -> Image:
    if isinstance(value, str) and value:
        return Image(url=value)
    if not isinstance(value, Mapping) or not isinstance(value.get("url"), str):
        raise InvalidValue("expected an image URL or {url, width, height, size}", field=field)
    _keys(value, {"url", "width", "height", "size"}, field)
    return Image(
        url=value["url"],
        width=_int(value.get("width"), f"{field}.width"),
        height=_int(value.get("height"), f"{field}.height"),
        size=_int(value.get("size"), f"{field}.size"),
    )


def _parameters(value: Any, field: str) -> tuple[Parameter, ...]:
    if value is None:
        return ()
    if isinstance(value, Mapping):
        return tuple(
            Parameter(name=str(k), values=_texts(v, f"{field}.{k}")) for k, v in value.items()
        )
    if not isinstance(value, list):
        raise InvalidValue(
            "expected a list of {id, name, values} or a name → values map", field=field
        )
    found = []
    for index, item in enumerate(value):
        where = f"{field}[{index}]"
        if not isinstance(item, Mapping):
            raise InvalidValue("expected {id, name, values}", field=where)
        _keys(item, {"id", "name", "values"}, where)
        found.append(
            Parameter(
                id=_text(item, "id", where + "."),
                name=_text(item, "name", where + "."),
                values=_texts(item.get("values"), f"{where}.values"),
            )
        )
    return tuple(found)


def _price(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return (
            Decimal(str(value).strip().replace(",", ".")) if not isinstance(value, bool) else None
        )
    except InvalidOperation:
        raise InvalidValue(f"expected a number, got {value!r}", field="price") from None


def _flag(value: Any, field: str) -> bool | None:
    if value is None or value == "" or isinstance(value, bool):
        return value if isinstance(value, bool) else None
    folded = str(value).strip().casefold()
    if folded in ("true", "yes", "1", "tak"):
        return True
    if folded in ("false", "no", "0", "nie"):
        return False
    raise InvalidValue(f"expected true or false, got {value!r}", field=field)


def _section(raw: Mapping[str, Any], key: str, allowed: set[str]) -> Mapping[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, Mapping):
        raise InvalidValue("expected an object", field=key)
    _keys(value, allowed, key)
    return value


def listing_from_mapping(raw: Mapping[str, Any]) -> ListingContent:
    """One listing from omnistock's JSON shape; ``InvalidValue`` names the bad field."""
    _keys(raw, _TOP, "listing")
    offer = _text(raw, "offer", "")
    if offer is None:
        raise InvalidValue("every listing needs an offer id", field="offer")
    shipping, after = _section(raw, "shipping", _SHIPPING), _section(raw, "after_sales", _AFTER)
    gpsr = _section(raw, "gpsr", _GPSR)
    images = raw.get("images") or []
    if not isinstance(images, list):
        raise InvalidValue("expected a list", field="images")
    return ListingContent(
        offer=offer,
        channel=_text(raw, "channel", ""),
        title=_text(raw, "title", ""),
        description=_texts(raw.get("description"), "description"),
        description_images=_texts(raw.get("description_images"), "description_images"),
        images=tuple(_image(v, f"images[{i}]") for i, v in enumerate(images)),
        category=_text(raw, "category", ""),
        parameters=_parameters(raw.get("parameters"), "parameters"),
        gtin=_text(raw, "gtin", ""),
        condition=_text(raw, "condition", ""),
        price=_price(raw.get("price")),
        currency=_text(raw, "currency", ""),
        shipping=ShippingRates(**{k: _text(shipping, k, "shipping.") for k in _SHIPPING}),
        after_sales=AfterSales(**{k: _text(after, k, "after_sales.") for k in _AFTER}),
        gpsr=_gpsr(gpsr),
    )


def _gpsr(raw: Mapping[str, Any]) -> Gpsr:
    return Gpsr(
        responsible_producer=_text(raw, "responsible_producer", "gpsr."),
        responsible_person=_text(raw, "responsible_person", "gpsr."),
        safety_type=_text(raw, "safety_type", "gpsr."),
        safety_text=_text(raw, "safety_text", "gpsr."),
        safety_attachments=_texts(raw.get("safety_attachments"), "gpsr.safety_attachments"),
        marketed_before_obligation=_flag(
            raw.get("marketed_before_obligation"), "gpsr.marketed_before_obligation"
        ),
    )


def parse_json(text: str, origin: str) -> list[ListingContent]:
    """Listings from JSON text; the first bad one rejects the file, naming it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidFile(f"{origin}: not valid JSON: {exc.msg}", line=exc.lineno) from None
    if isinstance(data, Mapping) and "listings" in data:
        data = data["listings"]
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, list):
        raise InvalidFile(f"{origin}: expected a list of listings")
    return [_one(item, f"{origin}: listing #{n}", _from_json) for n, item in enumerate(data, 1)]


def _from_json(item: Any) -> ListingContent:
    if not isinstance(item, Mapping):
        raise InvalidValue("expected an object", field="listing")
    if looks_like_allegro_offer(item):
        return from_allegro_offer(item)
    return listing_from_mapping(item)


def _one(item: Any, where: str, build: Callable[[Any], ListingContent]) -> ListingContent:
    try:
        return build(item)
    except InvalidValue as exc:
        raise InvalidFile(f"{where}: {exc}") from None


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _csv_image(entry: str) -> dict[str, str]:
    """``url|width|height|size`` (trailing parts optional)."""
    parts = [p.strip() for p in entry.split("|")]
    return dict(zip(("url", "width", "height", "size"), parts, strict=False))


def _csv_parameters(cell: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entry in _split(cell):
        name, sep, values = entry.partition("=")
        if not sep or not name.strip():
            raise InvalidValue(f"expected name=value[,value…], got {entry!r}", field="parameters")
        found[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
    return found


def _row_mapping(row: Mapping[str, str]) -> dict[str, Any]:
    cell = {k: (v or "").strip() for k, v in row.items()}
    return {
        "offer": cell.get("offer") or None,
        "channel": cell.get("channel"),
        "title": cell.get("title"),
        "description": cell.get("description"),
        "description_images": _split(cell.get("description_images", "")),
        "images": [_csv_image(e) for e in _split(cell.get("images", ""))],
        "category": cell.get("category"),
        "parameters": _csv_parameters(cell.get("parameters", "")),
        "gtin": cell.get("gtin"),
        "condition": cell.get("condition"),
        "price": cell.get("price"),
        "currency": cell.get("currency"),
        "shipping": {
            "id": cell.get("shipping_id"),
            "type": cell.get("shipping_type"),
            "dispatch_country": cell.get("shipping_dispatch_country"),
        },
        "after_sales": {k: cell.get(k) for k in ("return_policy", "implied_warranty", "warranty")},
        "gpsr": {
            "responsible_producer": cell.get("responsible_producer"),
            "responsible_person": cell.get("responsible_person"),
            "safety_type": cell.get("safety_type"),
            "safety_text": cell.get("safety_text"),
            "safety_attachments": _split(cell.get("safety_attachments", "")),
            "marketed_before_obligation": cell.get("marketed_before_gpsr"),
        },
    }


def parse_csv(text: str, origin: str) -> list[ListingContent]:
    """Listings from CSV text (``,`` or ``;`` separated); errors name the line and column."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    columns = reader.fieldnames or []
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if unknown or "offer" not in columns:
        why = f"unknown column(s) {', '.join(unknown)}" if unknown else "no 'offer' column"
        raise InvalidFile(f"{origin}: {why} (columns: {', '.join(CSV_COLUMNS)})", line=1)
    found = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise InvalidFile(
                f"{origin}: more cells than columns (quote cells with {delimiter!r})", line=line
            )
        try:
            found.append(listing_from_mapping(_row_mapping(row)))
        except InvalidValue as exc:
            raise InvalidFile(f"{origin}: {exc.message}", line=line, column=exc.field) from None
    return found


def load_listings(path: Path) -> list[ListingContent]:
    """Listings from a ``.json`` or ``.csv`` file."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise InvalidFile(f"{path}: listings must be a .json or .csv file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidFile(f"{path}: cannot read: {exc}") from None
    return parse_json(text, str(path)) if suffix == ".json" else parse_csv(text, str(path))
