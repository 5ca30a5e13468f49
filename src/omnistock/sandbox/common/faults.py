"""Fault injection: configuration, deterministic decisions and the ASGI middleware applying them.

Every random decision comes from one ``random.Random(seed)``, so the same sequence of requests
meets the same faults. Request-level faults (5xx, timeouts, dropped connections, latency, 429
bursts) are applied by :class:`FaultMiddleware`; item-level ones (partial batch failures, slow
asynchronous work, duplicated and reordered events) are asked for by each emulated API.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "ADMIN_PREFIX",
    "TRANSPORT_EXTENSION",
    "Burst429",
    "ErrorBody",
    "FaultConfig",
    "FaultDecision",
    "FaultInjector",
    "FaultKind",
    "FaultMiddleware",
]

ADMIN_PREFIX = "/_sandbox"
TRANSPORT_EXTENSION = "omnistock.transport"
ErrorBody = Callable[[int], tuple[bytes, dict[str, str]]]
"""Per-API error body for a status: ``(body bytes, headers incl. content-type)``."""

T = TypeVar("T")


class Burst429(BaseModel):
    """After every ``every`` requests, the next ``length`` requests are answered 429."""

    model_config = ConfigDict(extra="forbid")
    every: int = Field(ge=1)
    length: int = Field(default=1, ge=1)
    retry_after: bool = True
    retry_after_seconds: int = Field(default=1, ge=0)


class FaultConfig(BaseModel):
    """What goes wrong, and how often; everything is off by default."""

    model_config = ConfigDict(extra="forbid")
    error_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    timeout_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    timeout_seconds: float = Field(default=30.0, ge=0.0)
    drop_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    latency_ms: tuple[int, int] = (0, 0)
    burst_429: Burst429 | None = None
    partial_batch_failure_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    async_delay_seconds: float = Field(default=0.0, ge=0.0)
    duplicate_event_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    reorder_events: bool = False

    @model_validator(mode="after")
    def _check(self) -> FaultConfig:
        low, high = self.latency_ms
        if low < 0 or high < low:
            raise ValueError("latency_ms must be (min, max) with 0 <= min <= max")
        if self.error_rate + self.timeout_rate + self.drop_rate > 1.0:
            raise ValueError("error_rate + timeout_rate + drop_rate must not exceed 1")
        return self


class FaultKind(StrEnum):
    """What happens to one request."""

    NONE = "none"
    ERROR = "error"
    TIMEOUT = "timeout"
    DROP = "drop"
    TOO_MANY = "too_many"


@dataclass(frozen=True, slots=True, kw_only=True)
class FaultDecision:
    """The fault chosen for one request; ``status`` for errors and 429s."""

    kind: FaultKind
    latency_seconds: float = 0.0
    status: int | None = None
    retry_after_seconds: int | None = None


class FaultInjector:
    """Makes every fault decision from one seeded ``random.Random``; thread-safe."""

    def __init__(self, config: FaultConfig | None = None, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._config = config if config is not None else FaultConfig()
        self._random = random.Random(seed)
        self._count = 0

    @property
    def config(self) -> FaultConfig:
        """The active configuration."""
        return self._config

    def reconfigure(self, config: FaultConfig, *, reseed: bool = False) -> None:
        """Switch to ``config`` (burst counter restarts; ``reseed`` restarts the random stream)."""
        with self._lock:
            self._config = config
            self._count = 0
            if reseed:
                self._random = random.Random(self._seed)

    def decide_request(self) -> FaultDecision:
        """Choose the fault for the next emulated-API request."""
        with self._lock:
            cfg, self._count = self._config, self._count + 1
            low, high = cfg.latency_ms
            latency = self._random.uniform(low, high) / 1000 if high else 0.0
            burst = _burst_decision(cfg.burst_429, self._count, latency)
            if burst is not None:
                return burst
            roll = self._random.random()
            if roll < cfg.error_rate:
                status = self._random.choice((500, 502, 503))
                return FaultDecision(kind=FaultKind.ERROR, latency_seconds=latency, status=status)
            if roll < cfg.error_rate + cfg.timeout_rate:
                return FaultDecision(kind=FaultKind.TIMEOUT, latency_seconds=latency)
            if roll < cfg.error_rate + cfg.timeout_rate + cfg.drop_rate:
                return FaultDecision(kind=FaultKind.DROP, latency_seconds=latency)
            return FaultDecision(kind=FaultKind.NONE, latency_seconds=latency)

    def item_fails(self) -> bool:
        """Whether one item of a batch call fails (``partial_batch_failure_rate``)."""
        return self._chance(self._config.partial_batch_failure_rate)

    def duplicate_event(self) -> bool:
        """Whether one event is delivered twice (``duplicate_event_rate``)."""
        return self._chance(self._config.duplicate_event_rate)

    def async_delay_seconds(self) -> float:
        """How long asynchronous work stays pending, in sandbox seconds."""
        return self._config.async_delay_seconds

    def events(self, items: Sequence[T]) -> list[T]:
        """``items`` as an event feed delivers them: some duplicated, maybe reordered."""
        out: list[T] = []
        for item in items:
            out.append(item)
            if self.duplicate_event():
                out.append(item)
        if self._config.reorder_events and len(out) > 1:
            with self._lock:
                self._random.shuffle(out)
        return out

    def _chance(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            return self._random.random() < rate


def _burst_decision(burst: Burst429 | None, count: int, latency: float) -> FaultDecision | None:
    """Requests ``every+1 … every+length`` of each ``every+length`` cycle get 429."""
    if burst is None:
        return None
    position = (count - 1) % (burst.every + burst.length)
    if position < burst.every:
        return None
    retry = burst.retry_after_seconds if burst.retry_after else None
    return FaultDecision(
        kind=FaultKind.TOO_MANY, latency_seconds=latency, status=429, retry_after_seconds=retry
    )


class FaultMiddleware:
    """Pure ASGI middleware applying request-level faults to every path outside ``/_sandbox``."""

    def __init__(self, app: ASGIApp, injector: FaultInjector, error_body: ErrorBody) -> None:
        self.app = app
        self.injector = injector
        self.error_body = error_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        decision = self.injector.decide_request()
        if decision.latency_seconds:
            await asyncio.sleep(decision.latency_seconds)
        if decision.kind is FaultKind.NONE:
            await self.app(scope, receive, send)
        elif decision.kind is FaultKind.DROP:
            await _close_connection(scope, receive, send)
        elif decision.kind is FaultKind.TIMEOUT:
            await _wait_for_disconnect(receive, self.injector.config.timeout_seconds)
            await _close_connection(scope, receive, send)
        else:
            await self._send_error(send, decision)

    async def _send_error(self, send: Send, decision: FaultDecision) -> None:
        status = decision.status or 500
        body, headers = self.error_body(status)
        extra = dict(headers)
        if decision.retry_after_seconds is not None:
            extra["retry-after"] = str(decision.retry_after_seconds)
        extra["content-length"] = str(len(body))
        raw = [(k.lower().encode(), v.encode()) for k, v in extra.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})


async def _wait_for_disconnect(receive: Receive, seconds: float) -> None:
    """Stay silent until the client gives up or ``seconds`` real seconds pass."""

    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    try:
        await asyncio.wait_for(disconnected(), seconds)
    except TimeoutError:
        return


async def _close_connection(scope: Scope, receive: Receive, send: Send) -> None:
    """Close the TCP connection without a response (needs the transport from SandboxServer)."""
    transport: Any = scope.get("extensions", {}).get(TRANSPORT_EXTENSION)
    if transport is None:
        raise ConnectionAbortedError("sandbox fault: connection dropped")
    transport.abort()
    await _wait_for_disconnect(receive, 5.0)
