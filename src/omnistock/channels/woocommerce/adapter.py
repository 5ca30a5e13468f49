"""``WooAdapter``: the own WooCommerce shop through REST API v3 (``/wp-json/wc/v3``).

Offer ids: ``"<product id>"`` for a simple product, ``"<product id>:<variation id>"`` for a
variation. ``push`` sends ``POST /products/batch`` (and ``/products/{id}/variations/batch`` per
parent) with ``{"update": [{"id", "manage_stock": true, "stock_quantity"}]}`` in chunks of at
most 100 (create + update + delete count together); the answer is HTTP 200 with one entry per
update, either the resource or ``{"id", "error": {code, message, data.status}}`` — an error
with ``data.status`` ≥ 500 (or 429) is retryable, any other is permanent. Results are final
at once (no ``poll``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx

from omnistock.channels.base import (
    BatchNotFound,
    Capabilities,
    ChannelLimits,
    ItemResult,
    ItemStatus,
    MalformedResponse,
    OrderPage,
    PermanentChannelError,
    PushBatch,
    PushItem,
    PushReport,
)
from omnistock.channels.http import ApiError, ChannelHttp, HttpSettings, json_body
from omnistock.channels.woocommerce.orders import poll_orders

__all__ = ["BATCH_LIMIT", "WooAdapter", "WooConfig", "parse_error", "split_offer_id"]

BATCH_LIMIT = 100
PREFIX = "/wp-json/wc/v3"


@dataclass(frozen=True, slots=True, kw_only=True)
class WooConfig:
    """One shop: its base URL (``https://sklep.example.pl``) and a REST API key pair."""

    base_url: str
    consumer_key: str
    consumer_secret: str
    name: str = "woocommerce"
    batch_limit: int = BATCH_LIMIT
    requests_per_minute: int = 120
    http: HttpSettings = field(default_factory=HttpSettings)


def parse_error(response: httpx.Response) -> ApiError:
    """``{"code", "message", "data": {"status"}}``; HTML pages (host errors) give nothing."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return ApiError()
    if isinstance(body, dict) and "code" in body:
        return ApiError(code=str(body["code"]), message=str(body.get("message") or "") or None)
    return ApiError()


def split_offer_id(offer_id: str) -> tuple[int, int] | None:
    """``"12"`` → (0, 12); ``"12:34"`` → (12, 34); anything else → None."""
    parts = offer_id.split(":")
    if not 1 <= len(parts) <= 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
        return None
    return (0, int(parts[0])) if len(parts) == 1 else (int(parts[0]), int(parts[1]))


def _item_result(offer_id: str, answer: Any) -> ItemResult:
    if not isinstance(answer, dict):
        raise MalformedResponse(
            f"woocommerce: batch answer for {offer_id} is not an object", channel="woocommerce"
        )
    error = answer.get("error")
    if not isinstance(error, dict):
        return ItemResult(offer_id=offer_id, status=ItemStatus.OK)
    status = (error.get("data") or {}).get("status", 400)
    retry = isinstance(status, int) and (status >= 500 or status == 429)
    return ItemResult(
        offer_id=offer_id,
        status=ItemStatus.RETRYABLE if retry else ItemStatus.PERMANENT,
        code=str(error.get("code") or "error"),
        message=str(error.get("message") or "") or None,
    )


class WooAdapter:
    """A ``ChannelAdapter`` for one WooCommerce shop."""

    def __init__(self, config: WooConfig, *, clock: Callable[[], datetime] | None = None) -> None:
        self.config = config
        self._clock = clock or (lambda: datetime.now(UTC))
        self.http = ChannelHttp(
            channel=config.name,
            base_url=config.base_url.rstrip("/") + PREFIX,
            parse_error=parse_error,
            settings=config.http,
        )
        self.http.client.auth = httpx_auth(config)
        self._caps = Capabilities(
            max_batch=config.batch_limit,
            zero_means_end=False,
            limits=ChannelLimits(
                requests_per_window=config.requests_per_minute,
                changes_per_window=config.requests_per_minute * config.batch_limit,
                window_s=60.0,
            ),
            async_results=False,
        )

    @property
    def capabilities(self) -> Capabilities:
        return self._caps

    def close(self) -> None:
        self.http.close()

    def push(self, batch: PushBatch) -> PushReport:
        results: dict[str, ItemResult] = {}
        groups: dict[int, list[tuple[PushItem, int]]] = {}
        for item in batch.items:
            ids = split_offer_id(item.offer_id)
            if ids is None:
                results[item.offer_id] = ItemResult(
                    offer_id=item.offer_id,
                    status=ItemStatus.PERMANENT,
                    code="invalid_offer_id",
                    message="expected '<product id>' or '<product id>:<variation id>'",
                )
            else:
                groups.setdefault(ids[0], []).append((item, ids[1]))
        for parent, entries in groups.items():
            for start in range(0, len(entries), self.config.batch_limit):
                results.update(self._send(parent, entries[start : start + self.config.batch_limit]))
        ordered = tuple(results[i.offer_id] for i in batch.items)
        return PushReport(batch_id=batch.id, results=ordered, http_status=200)

    def _send(self, parent: int, entries: list[tuple[PushItem, int]]) -> dict[str, ItemResult]:
        url = f"/products/{parent}/variations/batch" if parent else "/products/batch"
        update = [
            {"id": i, "manage_stock": True, "stock_quantity": it.quantity} for it, i in entries
        ]
        body = self.http.json("POST", url, json={"update": update})
        answers = body.get("update") if isinstance(body, dict) else None
        if not isinstance(answers, list) or len(answers) != len(entries):
            raise MalformedResponse(
                f"{self.config.name}: batch answer does not list every update",
                channel=self.config.name,
            )
        return {
            it.offer_id: _item_result(it.offer_id, a)
            for (it, _), a in zip(entries, answers, strict=True)
        }

    def poll(self, batch_id: UUID) -> PushReport:
        raise BatchNotFound(
            f"{self.config.name}: results are final on push; nothing to poll for {batch_id}",
            channel=self.config.name,
        )

    def read_quantities(self, offer_ids: Sequence[str]) -> Mapping[str, int]:
        wanted: dict[int, set[int]] = {}
        for offer_id in offer_ids:
            pair = split_offer_id(offer_id)
            if pair is not None:
                wanted.setdefault(pair[0], set()).add(pair[1])
        found: dict[str, int] = {}
        for parent, ids in wanted.items():
            url = f"/products/{parent}/variations" if parent else "/products"
            for entry in self._list(url, ids, missing_ok=bool(parent)):
                if entry.get("id") in ids and entry.get("manage_stock") is True:
                    key = f"{parent}:{entry['id']}" if parent else str(entry["id"])
                    found[key] = int(entry.get("stock_quantity") or 0)
        return found

    def _list(self, url: str, ids: set[int], *, missing_ok: bool) -> list[dict[str, Any]]:
        """Every page of ``url`` filtered by ``include`` (``per_page`` 100)."""
        include = ",".join(str(i) for i in sorted(ids))
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            params = {"include": include, "per_page": 100, "page": page}
            try:
                response = self.http.request("GET", url, params=params)
            except PermanentChannelError as exc:
                if missing_ok and exc.http_status == 404:
                    return out
                raise
            body = json_body(response, self.config.name)
            if not isinstance(body, list):
                raise MalformedResponse(
                    f"{self.config.name}: {url} is not a list", channel=self.config.name
                )
            out.extend(e for e in body if isinstance(e, dict))
            if page >= int(response.headers.get("x-wp-totalpages", "1") or 1):
                return out
            page += 1

    def poll_orders(self, cursor: str | None) -> OrderPage:
        return poll_orders(self.http, cursor, self._clock())


def httpx_auth(config: WooConfig) -> tuple[str, str]:
    """HTTP Basic with the consumer key pair (WooCommerce over HTTPS)."""
    return (config.consumer_key, config.consumer_secret)
