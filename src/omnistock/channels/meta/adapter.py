"""``MetaAdapter``: a Facebook/Instagram catalog through the Graph API (write-only channel).

Offer ids are the items' ``retailer_id``. ``push`` sends ``POST /{version}/{catalog_id}/
items_batch`` with ``item_type=PRODUCT_ITEM``, ``allow_upsert=false`` (never create items) and
one ``UPDATE`` request per offer setting ``quantity_to_sell_on_facebook`` and ``availability``;
Meta answers ``{"handles": [h]}`` and processes the batch later, so the report is pending with
``command_id`` = the handle. ``poll`` reads ``check_batch_request_status?handle=…`` until
``finished``; each error (``{line, id, message}``) fails its offer — "retry" messages as
retryable, others permanent. Throttling is a Graph error (codes 4, 17, 32, 613, 80004, 80014)
whose wait comes from ``X-Business-Use-Case-Usage``. There are no orders.

Handles live in this object and, through the dispatcher, in the sync store (``command_id`` of
the pending batch). After a restart the new adapter knows none: recovery hands it the stored
handle with ``resume(batch, handle)`` and ``poll`` reads that handle's status — the batch is
not sent again (``BatchNotFound`` only when no handle was stored: the answer was lost).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
    PushBatch,
    PushReport,
)
from omnistock.channels.http import ApiError, ChannelHttp, HttpSettings

__all__ = ["THROTTLE_CODES", "MetaAdapter", "MetaConfig", "parse_error"]

THROTTLE_CODES = frozenset({4, 17, 32, 613, 80004, 80014})
TRANSIENT_CODES = frozenset({1, 2})


@dataclass(frozen=True, slots=True, kw_only=True)
class MetaConfig:
    """One catalog and a system-user access token with catalog permissions."""

    catalog_id: str
    access_token: str
    name: str = "meta"
    graph_url: str = "https://graph.facebook.com"
    version: str = "v26.0"
    max_batch: int = 3000
    http: HttpSettings = field(default_factory=HttpSettings)


def _usage_wait(response: httpx.Response) -> float | None:
    """Seconds until access returns, from ``X-Business-Use-Case-Usage`` (minutes)."""
    try:
        usage = json.loads(response.headers.get("x-business-use-case-usage", "{}"))
        waits = [
            float(entry.get("estimated_time_to_regain_access", 0))
            for entries in usage.values()
            for entry in entries
        ]
    except (ValueError, TypeError, AttributeError):
        return None
    longest = max(waits, default=0.0)
    return longest * 60 if longest > 0 else None


def parse_error(response: httpx.Response) -> ApiError:
    """Graph's ``{"error": {message, type, code, error_subcode, fbtrace_id}}``."""
    try:
        error = json.loads(response.content).get("error")
    except (ValueError, UnicodeDecodeError, AttributeError):
        return ApiError()
    if not isinstance(error, dict):
        return ApiError()
    code = error.get("code")
    return ApiError(
        code=f"{error.get('type', 'GraphError')} #{code}",
        message=error.get("message"),
        throttled=code in THROTTLE_CODES,
        retry_after=_usage_wait(response),
    )


@dataclass(frozen=True, slots=True)
class _Handle:
    batch: PushBatch
    handle: str


class MetaAdapter:
    """A ``ChannelAdapter`` for one Meta catalog (write-only)."""

    def __init__(self, config: MetaConfig) -> None:
        self.config = config
        self.http = ChannelHttp(
            channel=config.name,
            base_url=config.graph_url,
            parse_error=parse_error,
            headers={"Authorization": f"Bearer {config.access_token}"},
            settings=config.http,
        )
        self._handles: dict[UUID, _Handle] = {}
        self._lock = threading.Lock()
        self._caps = Capabilities(
            max_batch=config.max_batch,
            zero_means_end=False,
            limits=ChannelLimits(
                requests_per_window=100, changes_per_window=100 * config.max_batch, window_s=3600
            ),
            async_results=True,
        )

    @property
    def capabilities(self) -> Capabilities:
        return self._caps

    def close(self) -> None:
        self.http.close()

    def _url(self, edge: str) -> str:
        return f"/{self.config.version}/{self.config.catalog_id}/{edge}"

    def push(self, batch: PushBatch) -> PushReport:
        requests = [
            {
                "method": "UPDATE",
                "data": {
                    "id": item.offer_id,
                    "quantity_to_sell_on_facebook": item.quantity,
                    "availability": "in stock" if item.quantity > 0 else "out of stock",
                },
            }
            for item in batch.items
        ]
        body = {"item_type": "PRODUCT_ITEM", "allow_upsert": False, "requests": requests}
        answer = self.http.json("POST", self._url("items_batch"), json=body)
        handles = answer.get("handles") if isinstance(answer, dict) else None
        if not isinstance(handles, list) or len(handles) != 1:
            raise MalformedResponse(
                f"{self.config.name}: items_batch without one handle", channel=self.config.name
            )
        with self._lock:
            self._handles[batch.id] = _Handle(batch, str(handles[0]))
        return PushReport(batch_id=batch.id, pending=True, command_id=str(handles[0]))

    def resume(self, batch: PushBatch, command_id: str) -> None:
        """Remember the stored ``items_batch`` handle of a batch pushed before a restart."""
        with self._lock:
            self._handles.setdefault(batch.id, _Handle(batch, command_id))

    def poll(self, batch_id: UUID) -> PushReport:
        with self._lock:
            running = self._handles.get(batch_id)
        if running is None:
            raise BatchNotFound(
                f"{self.config.name}: unknown batch {batch_id}", channel=self.config.name
            )
        params = {"handle": running.handle, "load_ids_of_invalid_requests": "true"}
        body = self.http.json("GET", self._url("check_batch_request_status"), params=params)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list) or not data or not isinstance(data[0], dict):
            raise MalformedResponse(
                f"{self.config.name}: batch status without data", channel=self.config.name
            )
        if data[0].get("status") != "finished":
            return PushReport(batch_id=batch_id, pending=True, command_id=running.handle)
        with self._lock:
            self._handles.pop(batch_id, None)
        results = _results(running.batch, data[0].get("errors") or [])
        return PushReport(
            batch_id=batch_id, results=results, command_id=running.handle, http_status=200
        )

    def read_quantities(self, offer_ids: Sequence[str]) -> Mapping[str, int]:
        wanted = list(dict.fromkeys(offer_ids))
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 100):
            chunk = wanted[start : start + 100]
            params: dict[str, Any] = {
                "filter": json.dumps({"retailer_id": {"is_any": chunk}}),
                "fields": "retailer_id,quantity_to_sell_on_facebook",
                "limit": len(chunk),
            }
            body = self.http.json("GET", self._url("products"), params=params)
            for item in body.get("data", []) if isinstance(body, dict) else []:
                if item.get("retailer_id") in chunk:
                    found[str(item["retailer_id"])] = int(
                        item.get("quantity_to_sell_on_facebook") or 0
                    )
        return found

    def poll_orders(self, cursor: str | None) -> OrderPage:
        """Meta has no order API (removed in 2026): always an empty page."""
        return OrderPage(orders=(), cursor=cursor)


def _results(batch: PushBatch, errors: list[Any]) -> tuple[ItemResult, ...]:
    by_id: dict[str, dict[str, Any]] = {}
    for error in errors:
        if isinstance(error, dict):
            by_id.setdefault(str(error.get("id", "")), error)
    results = []
    for item in batch.items:
        error = by_id.get(item.offer_id)
        if error is None:
            results.append(ItemResult(offer_id=item.offer_id, status=ItemStatus.OK))
            continue
        message = str(error.get("message") or "")
        retry = "retry" in message.lower() or "try again" in message.lower()
        results.append(
            ItemResult(
                offer_id=item.offer_id,
                status=ItemStatus.RETRYABLE if retry else ItemStatus.PERMANENT,
                code="transient_item_error" if retry else "item_rejected",
                message=message or None,
            )
        )
    return tuple(results)
