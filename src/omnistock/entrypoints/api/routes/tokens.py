"""``/api/v1/tokens``: API tokens (admin only); the secret is returned once, on creation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import Field

from omnistock.entrypoints.api.auth import Admin
from omnistock.entrypoints.api.routes.models import Strict
from omnistock.entrypoints.api.state import api_state
from omnistock.service import tokens
from omnistock.service.tokens import Role

__all__ = ["router"]

router = APIRouter(prefix="/tokens", tags=["tokens"])


class TokenIn(Strict):
    role: Role
    name: str = Field(default="api", min_length=1, max_length=100)


@router.get("")
def list_tokens(request: Request, _who: Admin) -> list[dict[str, object]]:
    """Every token (without secrets), revoked ones included."""
    return [t.to_dict() for t in tokens.list_tokens(api_state(request).tokens)]


@router.post("", status_code=201)
def create_token(request: Request, body: TokenIn, _who: Admin) -> dict[str, Any]:
    """Create a token; ``secret`` is shown only in this answer."""
    state = api_state(request)
    token, secret = tokens.create_token(
        state.tokens, body.role, name=body.name, now=state.app.clock.now()
    )
    return {**token.to_dict(), "secret": secret}


@router.delete("/{token_id}", status_code=204)
def revoke(request: Request, token_id: str, _who: Admin) -> Response:
    """Revoke a token at once (404 if no active token has this id)."""
    state = api_state(request)
    tokens.revoke_token(state.tokens, token_id, now=state.app.clock.now())
    return Response(status_code=204)
