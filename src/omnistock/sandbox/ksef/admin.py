"""KSeF admin routes under ``/_sandbox``: received invoices, accepted tokens, rate limits."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from omnistock.sandbox.common.faults import ADMIN_PREFIX
from omnistock.sandbox.ksef.state import KsefSandbox
from omnistock.sandbox.ksef.views import iso

__all__ = ["admin_routes"]

_Strict = ConfigDict(extra="forbid")


class KsefTokenSeed(BaseModel):
    model_config = _Strict
    nip: str = Field(pattern=r"^\d{10}$", description="context the token works for")
    token: str = Field(min_length=1)


class LimitRule(BaseModel):
    model_config = _Strict
    limit: int = Field(ge=1)
    window_seconds: float = Field(gt=0, description="sandbox seconds")


class Limits(BaseModel):
    model_config = _Strict
    groups: dict[str, list[LimitRule]] = Field(
        description="auth, online_open, online_invoice, online_close, batch, invoice_status, "
        "session_status, session_list"
    )


def admin_routes(sandbox: KsefSandbox) -> APIRouter:
    router = APIRouter(prefix=ADMIN_PREFIX, tags=["ksef"])

    @router.get("/invoices")
    async def invoices(nip: str | None = None) -> list[dict[str, Any]]:
        """Every invoice received, with its status and KSeF number."""
        return [
            {
                "session": r.session, "reference": r.reference, "file_name": r.file_name,
                "number": r.number, "kind": r.kind, "code": r.code, "description": r.description,
                "details": r.details, "ksef_number": r.ksef_number, "hash": r.invoice_hash,
                "received": iso(r.received), "offline": r.offline,
            }
            for r in sandbox.invoices()
            if nip is None or (r.ksef_number or "").startswith(nip)
        ]  # fmt: skip

    @router.get("/invoices/{ksef_number}/xml")
    async def invoice_xml(ksef_number: str) -> Response:
        """The accepted invoice's XML as received."""
        for record in sandbox.invoices():
            if record.ksef_number == ksef_number:
                return Response(record.xml, media_type="application/xml")
        return Response('{"detail":"Not Found"}', 404, media_type="application/json")

    @router.post("/tokens", status_code=204)
    async def add_token(seed: KsefTokenSeed) -> None:
        """Accept ``token`` for ``nip`` (``client_secret`` is accepted for every NIP)."""
        with sandbox.lock:
            sandbox.ksef_tokens[seed.token] = seed.nip

    @router.get("/limits")
    async def get_limits() -> dict[str, list[tuple[int, float]]]:
        return sandbox.limits

    @router.put("/limits")
    async def put_limits(body: Limits) -> dict[str, list[tuple[int, float]]]:
        """Replace the rules of the named groups (windows restart empty)."""
        sandbox.set_limits(
            {g: [(r.limit, r.window_seconds) for r in rules] for g, rules in body.groups.items()}
        )
        return sandbox.limits

    return router
