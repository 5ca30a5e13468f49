"""``AllegroAdapter``: quantities by commands or single-offer PATCH, tasks polled to results.

See :mod:`omnistock.channels.allegro.plan` for how a batch is split. ``push`` sends the
PATCHes and PUTs the commands (409 = the command was already registered: accepted) and answers
pending when anything is asynchronous; ``poll`` reads each command's tasks (the per-offer
truth), sends the ``ACTIVATE`` command for resumed offers once their quantity is set, and
answers per-offer results when every task has finished. The commands of one batch (one per
distinct quantity: a quantity command carries one ``modification``) are PUT, and their tasks
read, concurrently — at most ``command_concurrency`` at a time; Allegro's per-seller command
limits count offer changes, not requests, so this costs no budget.

The running plans live in this object. ``poll`` of a batch it does not know raises
``BatchNotFound``; the dispatcher then pushes the same batch again, which — the plan and its
command ids being deterministic — only re-reads what Allegro already has (409s).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from omnistock.channels.allegro.api import AllegroApi
from omnistock.channels.allegro.errors import Reauthorise, parse_error
from omnistock.channels.allegro.plan import (
    CommandSpec,
    activate_command,
    plan_batch,
)
from omnistock.channels.allegro.reads import poll_orders, read_quantities
from omnistock.channels.allegro.tokens import AllegroTokens, TokenStore
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
from omnistock.channels.http import ChannelHttp, HttpSettings, error_details

__all__ = ["AllegroAdapter", "AllegroConfig"]

_T = TypeVar("_T")
_R = TypeVar("_R")

RETRYABLE_CODES = frozenset(
    {
        "InProgressTaskLimitReachedException",
        "InternalServerErrorException",
        "ServiceUnavailableException",
        "TooManyRequestsException",
        "OperationInProgressException",
    }
)
_WHOLE_CALL = frozenset({None, 401, 403, 406, 415})
"""PATCH failures that are not about the offer (auth, media type): the whole push fails."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AllegroConfig:
    """One Allegro seller account. Production: ``api.allegro.pl`` / ``allegro.pl``."""

    client_id: str
    client_secret: str
    name: str = "allegro"
    api_url: str = "https://api.allegro.pl"
    auth_url: str = "https://allegro.pl"
    patch_max_items: int = 3
    max_batch: int = 1000
    command_concurrency: int = 4
    http: HttpSettings = field(default_factory=HttpSettings)


@dataclass(slots=True)
class _Running:
    batch: PushBatch
    commands: list[CommandSpec]
    activate: tuple[str, ...]
    results: dict[str, ItemResult] = field(default_factory=dict)
    operations: dict[str, str] = field(default_factory=dict)
    activate_sent: bool = False


def task_result(task: Mapping[str, Any]) -> ItemResult | None:
    """The result of a finished task, None while it is NEW."""
    offer_id = str(task.get("offer", {}).get("id", ""))
    status = task.get("status")
    if status == "SUCCESS":
        return ItemResult(offer_id=offer_id, status=ItemStatus.OK)
    if status != "FAIL":
        return None
    errors = task.get("errors") or [{}]
    code = str(errors[0].get("code") or "FAIL")
    retry = code in RETRYABLE_CODES
    return ItemResult(
        offer_id=offer_id,
        status=ItemStatus.RETRYABLE if retry else ItemStatus.PERMANENT,
        code=code,
        message=str(errors[0].get("message") or task.get("message") or "") or None,
    )


class AllegroAdapter:
    """A ``ChannelAdapter`` for one Allegro seller account."""

    def __init__(
        self,
        config: AllegroConfig,
        store: TokenStore,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        clock = clock or (lambda: datetime.now(UTC))
        auth = ChannelHttp(
            channel=config.name,
            base_url=config.auth_url,
            parse_error=parse_error,
            settings=config.http,
            clock=clock,
        )
        rest = ChannelHttp(
            channel=config.name,
            base_url=config.api_url,
            parse_error=parse_error,
            settings=config.http,
            clock=clock,
        )
        self.tokens = AllegroTokens(
            store=store,
            http=auth,
            client_id=config.client_id,
            client_secret=config.client_secret,
            clock=clock,
        )
        self.api = AllegroApi(rest, self.tokens)
        self._running: dict[UUID, _Running] = {}
        self._lock = threading.Lock()
        self._caps = Capabilities(
            max_batch=config.max_batch,
            zero_means_end=True,
            limits=ChannelLimits(requests_per_window=9000, changes_per_window=9000, window_s=60.0),
            async_results=True,
        )

    @property
    def capabilities(self) -> Capabilities:
        return self._caps

    def close(self) -> None:
        self.api.http.close()
        self.tokens.close()

    # -- push / poll ------------------------------------------------------------------------
    def push(self, batch: PushBatch) -> PushReport:
        if len(batch.items) > self.config.max_batch:
            raise PermanentChannelError(
                f"{self.config.name}: more than {self.config.max_batch} offers in one batch",
                channel=self.config.name,
            )
        plan = plan_batch(batch, self.config.patch_max_items)
        running = _Running(batch=batch, commands=list(plan.commands), activate=plan.activate)
        for item in plan.patches:
            self._patch(running, item)
        self._each(self._put, plan.commands)
        with self._lock:
            self._running[batch.id] = running
        if plan.commands or running.operations:
            return PushReport(batch_id=batch.id, pending=True, command_id=str(batch.id))
        return self._finish(running)

    def poll(self, batch_id: UUID) -> PushReport:
        with self._lock:
            running = self._running.get(batch_id)
        if running is None:
            raise BatchNotFound(
                f"{self.config.name}: unknown batch {batch_id}", channel=self.config.name
            )
        done = self._poll_operations(running) & self._poll_commands(running)
        if done and running.activate and not running.activate_sent:
            done = self._send_activate(running)
        if not done:
            return PushReport(batch_id=batch_id, pending=True, command_id=str(batch_id))
        return self._finish(running)

    def _finish(self, running: _Running) -> PushReport:
        with self._lock:
            self._running.pop(running.batch.id, None)
        results = tuple(running.results[i.offer_id] for i in running.batch.items)
        return PushReport(batch_id=running.batch.id, results=results, http_status=200)

    # -- single-offer PATCH -----------------------------------------------------------------
    def _patch(self, running: _Running, item: PushItem) -> None:
        body: dict[str, Any] = {"stock": {"available": item.quantity, "unit": "UNIT"}}
        if item.quantity > 0 and item.previous == 0:
            body["publication"] = {"status": "ACTIVE"}
        url = f"/sale/product-offers/{item.offer_id}"
        try:
            response = self.api.request("PATCH", url, offer_id=item.offer_id, json=body)
        except Reauthorise:
            raise
        except PermanentChannelError as exc:
            if exc.http_status in _WHOLE_CALL:
                raise
            running.results[item.offer_id] = _refused(item.offer_id, exc)
            return
        if response.status_code == 202 and "location" in response.headers:
            running.operations[item.offer_id] = response.headers["location"]
        else:
            running.results[item.offer_id] = ItemResult(
                offer_id=item.offer_id, status=ItemStatus.OK
            )

    def _poll_operations(self, running: _Running) -> bool:
        for offer_id, location in list(running.operations.items()):
            response = self.api.request(
                "GET", location, offer_id=offer_id, ok=(303,), follow_redirects=False
            )
            if response.status_code != 202:
                del running.operations[offer_id]
                running.results[offer_id] = ItemResult(offer_id=offer_id, status=ItemStatus.OK)
        return not running.operations

    # -- commands ---------------------------------------------------------------------------
    def _each(self, call: Callable[[_T], _R], items: Iterable[_T]) -> list[_R]:
        """``call`` on every item, up to ``command_concurrency`` at once; results in order.

        Every started call finishes before this returns; the first failure (in item order) is
        raised after that.
        """
        todo = list(items)
        workers = min(self.config.command_concurrency, len(todo))
        if workers <= 1:
            return [call(item) for item in todo]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="allegro") as pool:
            futures = [pool.submit(call, item) for item in todo]
        return [f.result() for f in futures]

    def _put(self, command: CommandSpec) -> None:
        """PUT the command; 409 means it was registered before (a retry): accepted."""
        url = f"/sale/{command.kind.value}/{command.id}"
        self.api.request("PUT", url, json=command.body, ok=(409,))

    def _poll_commands(self, running: _Running) -> bool:
        finished = True
        commands = list(running.commands)
        for command, results in zip(
            commands, self._each(self._task_results, commands), strict=True
        ):
            if results is None:
                finished = False
                continue
            running.commands.remove(command)
            for result in results:
                if result.offer_id in command.offers:
                    running.results[result.offer_id] = result
        return finished

    def _task_results(self, command: CommandSpec) -> list[ItemResult] | None:
        url = f"/sale/{command.kind.value}/{command.id}/tasks"
        body = self.api.json("GET", url, params={"limit": 1000, "offset": 0})
        tasks = body.get("tasks") if isinstance(body, dict) else None
        if not isinstance(tasks, list):
            raise MalformedResponse(
                f"{self.config.name}: task report without tasks for command {command.id}",
                channel=self.config.name,
            )
        results = [task_result(t) for t in tasks if isinstance(t, dict)]
        seen = {r.offer_id for r in results if r is not None}
        if None in results or not set(command.offers) <= seen:
            return None
        return [r for r in results if r is not None]

    def _send_activate(self, running: _Running) -> bool:
        ready = tuple(o for o in running.activate if running.results[o].status is ItemStatus.OK)
        running.activate_sent = True
        if not ready:
            return True
        command = activate_command(running.batch.id, ready)
        self._put(command)
        running.commands.append(command)
        return False

    # -- reads ------------------------------------------------------------------------------
    def read_quantities(self, offer_ids: Sequence[str]) -> Mapping[str, int]:
        return read_quantities(self.api, offer_ids)

    def poll_orders(self, cursor: str | None) -> OrderPage:
        return poll_orders(self.api, cursor)


def _refused(offer_id: str, exc: PermanentChannelError) -> ItemResult:
    code = error_details(exc)["api_code"] or f"HTTP {exc.http_status}"
    retry = code in RETRYABLE_CODES or exc.http_status == 409
    return ItemResult(
        offer_id=offer_id,
        status=ItemStatus.RETRYABLE if retry else ItemStatus.PERMANENT,
        code=code,
        message=str(exc),
    )
