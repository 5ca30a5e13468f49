"""``/metrics``: Prometheus text from a registry owned by one app (no global state).

Gauges are computed at scrape time from the database: listings per channel and sync state,
dirty listings, channel API calls and 429s (from the sync attempts table, as counters),
sync incidents, and rows per status of later areas' tables when they exist. The API's own
requests are counted by a middleware.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from omnistock.entrypoints.api import readmodel
from omnistock.store.sync_repository import SyncStore

__all__ = ["AREA_TABLES", "CONTENT_TYPE_LATEST", "ApiMetrics", "DatabaseCollector"]

AREA_TABLES = {
    "holds": ("safety_holds", "status"),
    "incidents": ("incidents", "state"),
    "orders": ("orders", "status"),
    "invoices": ("invoices", "status"),
}
"""Metric name suffix → (table, state column) of a later area, counted once the table exists."""


class DatabaseCollector(Collector):
    """Reads the numbers when Prometheus scrapes, so every process reports the same values."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        yield from self._listings()
        yield from self._calls()
        incidents = GaugeMetricFamily(
            "omnistock_sync_incidents",
            "Sync incidents (dead items) per channel",
            labels=["channel"],
        )
        for channel, count in readmodel.incident_count(self.engine).items():
            incidents.add_metric([channel], count)
        yield incidents
        yield from self._areas()

    def _listings(self) -> Iterator[Metric]:
        store = SyncStore(self.engine)
        states = GaugeMetricFamily(
            "omnistock_listings_state",
            "Listings per channel and sync state",
            labels=["channel", "state"],
        )
        dirty = GaugeMetricFamily(
            "omnistock_listings_dirty",
            "Listings whose desired differs from last pushed",
            labels=["channel"],
        )
        for channel in store.known_channels():
            for state, count in store.state_counts(channel).items():
                states.add_metric([channel, state], count)
            dirty.add_metric([channel], store.dirty_count(channel))
        yield states
        yield dirty

    def _calls(self) -> Iterator[Metric]:
        calls = CounterMetricFamily(
            "omnistock_channel_api_calls",
            "Channel API calls by outcome",
            labels=["channel", "outcome"],
        )
        throttled = CounterMetricFamily(
            "omnistock_channel_http_429", "Channel API calls answered 429", labels=["channel"]
        )
        per_channel: dict[str, int] = {}
        for channel, outcome, count, limited in readmodel.attempt_counts(self.engine):
            calls.add_metric([channel, outcome], count)
            per_channel[channel] = per_channel.get(channel, 0) + limited
        for channel, limited in per_channel.items():
            throttled.add_metric([channel], limited)
        yield calls
        yield throttled

    def _areas(self) -> Iterator[Metric]:
        for name, (table, column) in AREA_TABLES.items():
            counts = readmodel.status_counts(self.engine, table, column)
            if counts is None:
                continue
            family = GaugeMetricFamily(
                f"omnistock_{name}", f"Rows of {table} per {column}", labels=["status"]
            )
            for status, count in counts.items():
                family.add_metric([status], count)
            yield family


class ApiMetrics:
    """The registry of one app: the database collector plus the API request counter."""

    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(DatabaseCollector(engine))
        self.requests = Counter(
            "omnistock_api_requests",
            "Requests served by the API and dashboard",
            ["method", "route", "status"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
