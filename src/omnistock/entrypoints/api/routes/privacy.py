"""``/api/v1/privacy``: data-subject requests (admin only), each recorded in ``privacy_audit``.

``POST /privacy/export`` returns everything held about a person (decrypted, art. 15 GDPR);
``POST /privacy/erase`` erases what the law allows and reports what was kept and why (art. 17).
The identifier travels in the body, never in the URL (which access logs keep). An unknown person
is answered ``{"held": false, …}``. The privacy keys come from the environment or the key file
named by ``[privacy] key_file``; without them the answer is a 422 problem and nothing is read.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from omnistock.entrypoints.api.auth import Admin
from omnistock.entrypoints.api.routes.models import Strict
from omnistock.entrypoints.api.state import api_state
from omnistock.privacy.sealing import Sealer
from omnistock.privacy.subject import SubjectQuery
from omnistock.service.privacy_requests import erase_person, export_person

__all__ = ["router"]

router = APIRouter(prefix="/privacy", tags=["privacy"])


class SubjectIn(Strict):
    """Exactly one identifier of the person."""

    email: str | None = Field(default=None, min_length=3, max_length=320)
    phone: str | None = Field(default=None, min_length=3, max_length=40)
    customer: str | None = Field(default=None, min_length=1, max_length=200)

    def query(self) -> SubjectQuery:
        return SubjectQuery(email=self.email, phone=self.phone, customer=self.customer)


def _sealer(request: Request) -> Sealer:
    """The sealer of this application (built from the keys on first use, then reused)."""
    cached = getattr(request.app.state, "privacy_sealer", None)
    if isinstance(cached, Sealer):
        return cached
    key_file = api_state(request).app.settings.section("privacy").get("key_file")
    sealer = Sealer.from_env(os.environ, key_file=key_file)
    request.app.state.privacy_sealer = sealer
    return sealer


@router.post("/export")
def export(request: Request, body: SubjectIn, who: Admin) -> dict[str, Any]:
    """Everything held about the person; the read is audited."""
    state, query = api_state(request), body.query()
    found = export_person(
        state.app.engine, _sealer(request), query, state.app.clock.now(),
        actor=who.actor, surface="api",
    )  # fmt: skip
    return found.to_dict()


@router.post("/erase")
def erase(request: Request, body: SubjectIn, who: Admin) -> dict[str, Any]:
    """Erase the person's data except what the law keeps; audited."""
    state, query = api_state(request), body.query()
    report = erase_person(
        state.app.engine, _sealer(request), query, state.app.clock.now(),
        actor=who.actor, surface="api",
    )  # fmt: skip
    kept = [
        {
            "field": f"{k.table}.{k.column}#{k.record_id}",
            "reason": k.reason,
            "keep_until": k.keep_until.isoformat() if k.keep_until else None,
        }
        for k in report.kept
    ]
    return {"held": report.held, "erased": list(report.erased), "kept": kept}
