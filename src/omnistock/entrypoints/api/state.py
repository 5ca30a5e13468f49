"""What the API's routes share: the wired app, the token store, channel adapters, secrets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from fastapi import Request

from omnistock.bootstrap import App
from omnistock.store.token_repository import TokenStore

if TYPE_CHECKING:
    from omnistock.channels.base import ChannelAdapter

__all__ = ["ApiState", "api_state"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiState:
    """Built once by ``create_app``; routes read it through :func:`api_state`."""

    app: App
    tokens: TokenStore
    session_key: bytes
    adapters: Mapping[str, ChannelAdapter] = field(default_factory=dict)


def api_state(request: Request) -> ApiState:
    """The state of the FastAPI application serving this request."""
    return cast(ApiState, request.app.state.omnistock)
