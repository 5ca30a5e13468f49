"""``/metrics``: Prometheus text from a registry owned by one app (no global state).

The API process is not the worker, so every sync figure is read from the database when
Prometheus scrapes (``store.operations_repository.read_figures``: a fixed number of aggregate
queries in one transaction). Families, labels and meaning:

============================================ ================== ===============================
metric                                       labels             what
============================================ ================== ===============================
``omnistock_pushes_total``                   channel, outcome   push batches by status
                                                                (done, failed, pending, sending)
``omnistock_pushed_items_total``             channel, outcome   items sent by result (ok,
                                                                retryable, permanent, pending)
``omnistock_push_batch_size``                channel            histogram: items per batch
``omnistock_propagation_latency_seconds``    channel            histogram: committed stock
                                                                change → channel confirmed
``omnistock_channel_api_calls_total``        channel, outcome   channel API calls
``omnistock_channel_http_429_total``         channel            calls answered 429
``omnistock_listings_state``                 channel, state     listings per sync state
``omnistock_listings_dirty``                 channel            desired ≠ last pushed
``omnistock_listings_held``                  channel            held by the safety guard
``omnistock_listings_dead``                  channel            given up (an incident each)
``omnistock_sync_incidents``                 channel            dead-item records
``omnistock_orders_imported_total``          channel            orders imported
``omnistock_orders``                         status             orders per status
``omnistock_invoices``                       status             invoices per (KSeF) status
``omnistock_incidents``                      status             incidents per state
``omnistock_incidents_open``                 severity           open or acknowledged incidents
``omnistock_holds``                          status             safety holds per status
``omnistock_api_requests_total``             method, route,     requests served by this process
                                             status
============================================ ================== ===============================
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from omnistock.store.operations_repository import Histogram, OperationsFigures, read_figures

__all__ = ["CONTENT_TYPE_LATEST", "ApiMetrics", "DatabaseCollector"]


class DatabaseCollector(Collector):
    """Reads the numbers when Prometheus scrapes, so every process reports the same values."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        figures = read_figures(self.engine)
        yield from _sync(figures)
        yield from _listings(figures)
        yield from _business(figures)


def _family(
    kind: type[CounterMetricFamily] | type[GaugeMetricFamily],
    name: str,
    doc: str,
    labels: list[str],
    values: Mapping[Any, int],  # keys: tuples of label values
) -> Metric:
    family = kind(name, doc, labels=labels)
    for key, value in sorted(values.items()):
        family.add_metric(list(key), value)
    return family


def _by_one(values: Mapping[str, int]) -> dict[tuple[str, ...], int]:
    return {(k,): v for k, v in values.items()}


def _histogram(name: str, doc: str, values: Mapping[str, Histogram]) -> Metric:
    family = HistogramMetricFamily(name, doc, labels=["channel"])
    for channel, h in sorted(values.items()):
        buckets = [(_le(b), float(n)) for b, n in zip(h.bounds, h.cumulative, strict=True)]
        buckets.append(("+Inf", float(h.count)))
        family.add_metric([channel], buckets=buckets, sum_value=h.total)
    return family


def _le(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def _sync(f: OperationsFigures) -> Iterator[Metric]:
    yield _family(CounterMetricFamily, "omnistock_pushes", "Push batches by status",
                  ["channel", "outcome"], f.pushes)  # fmt: skip
    yield _family(CounterMetricFamily, "omnistock_pushed_items", "Items pushed by result",
                  ["channel", "outcome"], f.pushed_items)  # fmt: skip
    yield _histogram("omnistock_push_batch_size", "Items per push batch", f.batch_sizes)
    yield _histogram(
        "omnistock_propagation_latency_seconds",
        "Committed stock change to channel-confirmed quantity",
        f.latency,
    )
    calls = {(c.channel, c.outcome): c.calls for c in f.calls}
    throttled: dict[tuple[str, ...], int] = {}
    for c in f.calls:
        throttled[(c.channel,)] = throttled.get((c.channel,), 0) + c.throttled
    yield _family(CounterMetricFamily, "omnistock_channel_api_calls",
                  "Channel API calls by outcome", ["channel", "outcome"], calls)  # fmt: skip
    yield _family(CounterMetricFamily, "omnistock_channel_http_429",
                  "Channel API calls answered 429", ["channel"], throttled)  # fmt: skip
    yield _family(GaugeMetricFamily, "omnistock_sync_incidents",
                  "Sync incidents (dead items) per channel", ["channel"],
                  _by_one(f.sync_incidents))  # fmt: skip


def _listings(f: OperationsFigures) -> Iterator[Metric]:
    yield _family(GaugeMetricFamily, "omnistock_listings_state",
                  "Listings per channel and sync state", ["channel", "state"],
                  f.listing_states)  # fmt: skip
    dirty = {(ch,): f.dirty.get(ch, 0) for ch in f.channels}
    yield _family(GaugeMetricFamily, "omnistock_listings_dirty",
                  "Listings whose desired differs from last pushed", ["channel"],
                  dirty)  # fmt: skip
    for state, doc in (("held", "Listings held by the safety guard"),
                       ("dead", "Listings given up after the last attempt")):  # fmt: skip
        values = {(ch,): f.listing_states.get((ch, state), 0) for ch in f.channels}
        yield _family(GaugeMetricFamily, f"omnistock_listings_{state}", doc, ["channel"], values)


def _business(f: OperationsFigures) -> Iterator[Metric]:
    yield _family(CounterMetricFamily, "omnistock_orders_imported",
                  "Orders imported per channel", ["channel"],
                  _by_one(f.orders_by_channel))  # fmt: skip
    for name, doc, label, values in (
        ("omnistock_orders", "Orders per status", "status", f.orders_by_status),
        ("omnistock_invoices", "Invoices per (KSeF) status", "status", f.invoices_by_status),
        ("omnistock_incidents", "Incidents per state", "status", f.incidents_by_state),
        ("omnistock_incidents_open", "Open or acknowledged incidents per severity",
         "severity", f.open_incidents),
        ("omnistock_holds", "Safety holds per status", "status", f.holds_by_status),
    ):  # fmt: skip
        yield _family(GaugeMetricFamily, name, doc, [label], _by_one(values))


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
