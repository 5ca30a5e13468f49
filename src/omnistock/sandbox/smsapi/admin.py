"""SMSAPI admin routes under ``/_sandbox``: read sent messages, change the account."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from omnistock.sandbox.common.faults import ADMIN_PREFIX
from omnistock.sandbox.smsapi.state import SentSms, SmsapiSandbox

__all__ = ["AccountState", "admin_routes"]


class AccountState(BaseModel):
    """The account as tests see and change it."""

    model_config = ConfigDict(extra="forbid")
    points: Decimal = Field(ge=0, description="credits left; below the cost → error 103")
    ip_allowed: bool = Field(description="false → every send answers error 105")
    service_available: bool = Field(description="false → error 110")
    sender_names: list[str] = Field(description="verified sender names; others → error 14")
    busy_next: int = Field(ge=0, description="answer the next N sends with error 202")


def _message(sms: SentSms) -> dict[str, Any]:
    return {
        "id": sms.id,
        "number": sms.number,
        "submitted_number": sms.submitted_number,
        "message": sms.message,
        "from": sms.sender,
        "parts": sms.parts,
        "points": float(sms.points),
        "date_sent": sms.date_sent,
        "status": sms.status,
        "test": sms.test,
        "request_id": sms.request_id,
    }


def admin_routes(sandbox: SmsapiSandbox) -> APIRouter:
    router = APIRouter(prefix=ADMIN_PREFIX, tags=["smsapi"])

    @router.get("/messages")
    async def list_messages(number: str | None = None) -> list[dict[str, Any]]:
        """Accepted messages in order (``number`` filters by normalized number)."""
        with sandbox.lock:
            messages = list(sandbox.messages)
        return [_message(m) for m in messages if number is None or m.number == number]

    @router.delete("/messages", status_code=204)
    async def clear_messages() -> None:
        with sandbox.lock:
            sandbox.messages.clear()

    @router.get("/account")
    async def get_account() -> AccountState:
        a = sandbox.account
        return AccountState(
            points=a.points,
            ip_allowed=a.ip_allowed,
            service_available=a.service_available,
            sender_names=list(a.sender_names),
            busy_next=a.busy_next,
        )

    @router.put("/account")
    async def put_account(state: AccountState) -> AccountState:
        with sandbox.lock:
            a = sandbox.account
            a.points, a.ip_allowed = state.points, state.ip_allowed
            a.service_available, a.busy_next = state.service_available, state.busy_next
            a.sender_names = list(state.sender_names)
        return state

    return router
