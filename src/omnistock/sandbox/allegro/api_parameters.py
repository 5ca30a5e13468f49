"""Unfilled offer parameters and scheduled category parameter changes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from omnistock.sandbox.allegro.api_orders import parse_date
from omnistock.sandbox.allegro.errors import AllegroError, AllegroResponse
from omnistock.sandbox.allegro.guard import Guard, int_param, multi, seller_of
from omnistock.sandbox.allegro.parameters import ParameterRule
from omnistock.sandbox.allegro.render import timestamp
from omnistock.sandbox.allegro.state import AllegroSandbox

__all__ = ["parameters_router"]

_KINDS = ("REQUIRED", "REQUIREMENT_PLANNED")


def _change(rule: ParameterRule) -> dict[str, object]:
    return {
        "scheduledAt": timestamp(rule.scheduled_at),
        "scheduledFor": timestamp(rule.required_from),
        "type": "REQUIREMENT_CHANGE",
        "category": {"id": rule.category_id},
        "parameter": {"id": rule.parameter_id},
    }


def _in_range(request: Request, rule: ParameterRule) -> bool:
    bounds = {
        name: parse_date(request, name)
        for name in ("scheduledFor.gte", "scheduledFor.lte", "scheduledAt.gte", "scheduledAt.lte")
    }
    moments = {"scheduledFor": rule.required_from, "scheduledAt": rule.scheduled_at}
    for name, bound in bounds.items():
        field, _, op = name.partition(".")
        moment = moments[field]
        if bound is None or moment is None:
            continue
        if (op == "gte" and moment < bound) or (op == "lte" and moment > bound):
            return False
    return True


def parameters_router(sandbox: AllegroSandbox, guard: Guard) -> APIRouter:
    """Category parameter routes."""
    router = APIRouter(dependencies=[Depends(guard)])

    @router.get("/sale/offers/unfilled-parameters")
    async def unfilled(request: Request) -> AllegroResponse:
        seller_of(request)
        kind = request.query_params.get("parameterType")
        if kind is not None and kind not in _KINDS:
            raise AllegroError(
                400, "VALIDATION_ERROR", "unknown parameterType", path="parameterType"
            )
        limit = int_param(request, "limit", 100, 1, 1000, status=400)
        offset = int_param(request, "offset", 0, 0, 2**31 - 1, status=400)
        ids = set(multi(request, "offer.id"))
        now, found = sandbox.now(), []
        for offer in sandbox.offers.all():
            missing = sandbox.parameters.unfilled(offer, now, kind)
            if missing and (not ids or offer.id in ids):
                found.append(
                    {
                        "id": offer.id,
                        "parameters": [{"id": p} for p in missing],
                        "category": {"id": offer.category_id},
                    }
                )
        page = found[offset : offset + limit]
        return AllegroResponse({"offers": page, "count": len(page), "totalCount": len(found)})

    @router.get("/sale/category-parameters-scheduled-changes")
    async def scheduled_changes(request: Request) -> AllegroResponse:
        types = set(multi(request, "type"))
        if not types <= {"REQUIREMENT_CHANGE"}:
            raise AllegroError(400, "VALIDATION_ERROR", "unknown change type", path="type")
        limit = int_param(request, "limit", 100, 1, 1000, status=400)
        offset = int_param(request, "offset", 0, 0, 2**31 - 1, status=400)
        rules = [r for r in sandbox.parameters.scheduled(sandbox.now()) if _in_range(request, r)]
        changes = [_change(r) for r in rules[offset : offset + limit]]
        return AllegroResponse({"scheduledChanges": changes})

    return router
