"""Batch commands: ``PUT /sale/offer-quantity-change-commands/{commandId}`` and
``PUT /sale/offer-publication-commands/{commandId}``, their reports and tasks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request

from omnistock.sandbox.allegro.commands import (
    Command,
    CommandKind,
    failure_error,
    in_progress_error,
    task_field,
)
from omnistock.sandbox.allegro.errors import AllegroError, AllegroResponse
from omnistock.sandbox.allegro.guard import Guard, int_param, is_uuid, read_json, seller_of
from omnistock.sandbox.allegro.render import general_report, task
from omnistock.sandbox.allegro.state import AllegroSandbox

__all__ = ["commands_router"]

REPORT_TTL = timedelta(days=7)
_PATHS = {
    CommandKind.QUANTITY: "/sale/offer-quantity-change-commands",
    CommandKind.PUBLICATION: "/sale/offer-publication-commands",
}


def _invalid(message: str, path: str) -> AllegroError:
    return AllegroError(422, "VALIDATION_ERROR", message, path=path)


def _offer_ids(body: dict[str, Any], max_offers: int) -> list[str]:
    criteria = body.get("offerCriteria")
    if not isinstance(criteria, list):
        raise _invalid("must not be null", "offerCriteria")
    ids: list[str] = []
    for n, criterion in enumerate(criteria):
        offers = criterion.get("offers") if isinstance(criterion, dict) else None
        if not isinstance(criterion, dict) or criterion.get("type") != "CONTAINS_OFFERS":
            raise _invalid("must be CONTAINS_OFFERS", f"offerCriteria[{n}].type")
        if not isinstance(offers, list) or not all(
            isinstance(o, dict) and isinstance(o.get("id"), str) for o in offers
        ):
            raise _invalid("must be a list of {id}", f"offerCriteria[{n}].offers")
        if len(offers) > max_offers:
            raise _invalid(f"size must be between 0 and {max_offers}", f"offerCriteria[{n}].offers")
        ids.extend(o["id"] for o in offers)
    unique = list(dict.fromkeys(ids))
    if len(unique) > max_offers:
        raise _invalid(f"size must be between 0 and {max_offers}", "offerCriteria")
    return unique


def _quantity_change(body: dict[str, Any]) -> dict[str, Any]:
    modification = body.get("modification")
    if not isinstance(modification, dict):
        raise _invalid("must not be null", "modification")
    if modification.get("changeType") not in ("FIXED", "GAIN"):
        raise _invalid("must be one of [FIXED, GAIN]", "modification.changeType")
    value = modification.get("value")
    if not isinstance(value, int) or isinstance(value, bool):
        raise _invalid("must be an integer", "modification.value")
    return {"changeType": modification["changeType"], "value": value}


def _publication_change(body: dict[str, Any]) -> dict[str, Any]:
    publication = body.get("publication")
    if not isinstance(publication, dict):
        raise _invalid("must not be null", "publication")
    action = publication.get("action")
    if action not in ("ACTIVATE", "END"):
        raise _invalid("must be one of [ACTIVATE, END]", "publication.action")
    if "scheduledFor" in publication and action != "ACTIVATE":
        raise _invalid("scheduledFor is allowed only with ACTIVATE", "publication.scheduledFor")
    return {"action": action}


def _register(
    sandbox: AllegroSandbox, kind: CommandKind, command_id: str, body: Any, seller: str
) -> Command:
    if not is_uuid(command_id):
        raise AllegroError(400, "VALIDATION_ERROR", "must be a valid UUID", path="commandId")
    if sandbox.commands.get(kind, command_id) is not None:
        raise AllegroError(409, "CommandIdAlreadyUsedException", "Command id was already used")
    if not isinstance(body, dict):
        raise AllegroError(400, "BadRequestException", "Malformed request body")
    change = (_quantity_change if kind is CommandKind.QUANTITY else _publication_change)(body)
    offer_ids = _offer_ids(body, sandbox.limits.max_offers_per_command)
    if not sandbox.budgets.spend_changes(seller, kind.value, len(offer_ids)):
        raise AllegroError.for_status(429)
    now, now_s = sandbox.now(), sandbox.clock.elapsed_seconds()
    due = now_s + sandbox.injector.async_delay_seconds()
    tasks = []
    for offer_id in offer_ids:
        item = sandbox.commands.new_task(offer_id, due, now)
        if sandbox.commands.busy(kind, offer_id):
            item.preset_error, item.due = in_progress_error(), now_s
        elif sandbox.injector.item_fails():
            item.preset_error = failure_error()
        tasks.append(item)
    command = Command(id=command_id, kind=kind, change=change, created_at=now, tasks=tasks)
    sandbox.commands.register(command)
    return command


def _existing(sandbox: AllegroSandbox, kind: CommandKind, command_id: str) -> Command:
    command = sandbox.commands.get(kind, command_id)
    if command is None or command.created_at < sandbox.now() - REPORT_TTL:
        raise AllegroError(
            404, "COMMAND_NOT_FOUND", f"Command {command_id} not found", path="commandId"
        )
    return command


def commands_router(sandbox: AllegroSandbox, guard: Guard) -> APIRouter:
    """Quantity and publication command routes."""
    router = APIRouter(dependencies=[Depends(guard)])
    for kind, base in _PATHS.items():
        _add_routes(router, sandbox, kind, base)
    return router


def _add_routes(router: APIRouter, sandbox: AllegroSandbox, kind: CommandKind, base: str) -> None:
    async def put_command(commandId: str, request: Request) -> AllegroResponse:
        seller = seller_of(request)
        command = _register(sandbox, kind, commandId, await read_json(request), seller)
        return AllegroResponse(general_report(command, registered=True), 201)

    async def get_command(commandId: str, request: Request) -> AllegroResponse:
        seller_of(request)
        return AllegroResponse(general_report(_existing(sandbox, kind, commandId)))

    async def get_tasks(commandId: str, request: Request) -> AllegroResponse:
        seller_of(request)
        command = _existing(sandbox, kind, commandId)
        limit = int_param(request, "limit", 100, 1, 1000)
        offset = int_param(request, "offset", 0, 0, 999)
        page = command.tasks[offset : offset + limit]
        return AllegroResponse({"tasks": [task(t, task_field(kind)) for t in page]})

    router.add_api_route(f"{base}/{{commandId}}", put_command, methods=["PUT"])
    router.add_api_route(f"{base}/{{commandId}}", get_command, methods=["GET"])
    router.add_api_route(f"{base}/{{commandId}}/tasks", get_tasks, methods=["GET"])
