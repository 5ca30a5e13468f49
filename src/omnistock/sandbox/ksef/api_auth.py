"""``/security/public-key-certificates`` and the token authentication flow under ``/auth``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request

from omnistock.sandbox.ksef.access import b64field, body_json, field, holder, limit_key
from omnistock.sandbox.ksef.errors import KsefApiError, bad_request, exception_response
from omnistock.sandbox.ksef.state import ACCESS_TTL, REFRESH_TTL, AuthOperation, KsefSandbox
from omnistock.sandbox.ksef.views import iso

__all__ = ["auth_router"]

AUTH_TTL = timedelta(minutes=10)
FAILED = "Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu"


def _issue(sandbox: KsefSandbox, kind: str, owner: str, ttl: timedelta) -> dict[str, str]:
    token, until = sandbox.token(), sandbox.clock.now() + ttl
    with sandbox.lock:
        sandbox.bearers[token] = (kind, owner, until)
    return {"token": token, "validUntil": iso(until)}


def _verdict(sandbox: KsefSandbox, body: dict[str, Any], nip: str) -> tuple[int, list[str], str]:
    """(status code, details, token) of a ``/auth/ksef-token`` request."""
    challenge = str(field(body, "challenge"))
    with sandbox.lock:
        stamp = sandbox.challenges.pop(challenge, None)
    if stamp is None:
        return 450, ["Nieprawidłowe wyzwanie autoryzacyjne"], ""
    try:
        plain = sandbox.token_key.decrypt(b64field(body, "encryptedToken")).decode()
    except (ValueError, UnicodeDecodeError):
        return 450, ["Nieprawidłowy token"], ""
    token, _, millis = plain.rpartition("|")
    if millis != str(stamp):
        return 450, ["Nieprawidłowy czas tokena"], token
    owner = sandbox.ksef_tokens.get(token)
    if owner not in ("*", nip):
        return 450, ["Nieprawidłowy token"], token
    return 200, [], token


def auth_router(sandbox: KsefSandbox) -> APIRouter:
    router = APIRouter()

    @router.get("/security/public-key-certificates")
    async def certificates(request: Request) -> list[dict[str, Any]]:
        sandbox.spend("auth", limit_key(request, "-"))
        return [sandbox.token_key.listing(), sandbox.symmetric_key.listing()]

    @router.post("/auth/challenge")
    async def challenge(request: Request) -> dict[str, Any]:
        sandbox.spend("auth", limit_key(request, "-"))
        now, value = sandbox.clock.now(), sandbox.reference("CR")
        millis = int(now.timestamp() * 1000)
        with sandbox.lock:
            sandbox.challenges[value] = millis
        client = request.client.host if request.client else "127.0.0.1"
        return {
            "challenge": value,
            "timestamp": iso(now),
            "timestampMs": millis,
            "clientIp": client,
        }

    @router.post("/auth/ksef-token", status_code=202)
    async def ksef_token(request: Request) -> dict[str, Any]:
        sandbox.spend("auth", limit_key(request, "-"))
        body = await body_json(request)
        nip = str(field(body, "contextIdentifier", "value"))
        if field(body, "contextIdentifier", "type") != "Nip" or not (
            len(nip) == 10 and nip.isdigit()
        ):
            raise bad_request("Błąd walidacji danych wejściowych.", "contextIdentifier: NIP")
        key_id = body.get("publicKeyId")
        if key_id is not None and key_id != sandbox.token_key.public_key_id:
            raise KsefApiError(400, exception_response(21470, "Nieznany identyfikator klucza"))
        code, details, token = _verdict(sandbox, body, nip)
        reference = sandbox.reference("AU")
        operation = AuthOperation(
            reference=reference, nip=nip, token=token, started=sandbox.clock.now(),
            code=code, details=details,
        )  # fmt: skip
        with sandbox.lock:
            sandbox.operations[reference] = operation
        return {
            "referenceNumber": reference,
            "authenticationToken": _issue(sandbox, "auth", reference, AUTH_TTL),
        }

    @router.get("/auth/{reference}")
    async def auth_status(reference: str, request: Request) -> dict[str, Any]:
        sandbox.spend("auth", limit_key(request, "-"))
        if holder(sandbox, request, "auth") != reference or reference not in sandbox.operations:
            raise bad_request("Nieznana operacja uwierzytelniania", reference)
        op = sandbox.operations[reference]
        return _status_body(sandbox, op)

    @router.post("/auth/token/redeem")
    async def redeem(request: Request) -> dict[str, Any]:
        sandbox.spend("auth", limit_key(request, "-"))
        op = sandbox.operations[holder(sandbox, request, "auth")]
        with sandbox.lock:
            if op.code != 200 or op.redeemed:
                raise bad_request("Tokeny zostały już pobrane lub uwierzytelnianie nieudane")
            op.redeemed = True
        return {
            "accessToken": _issue(sandbox, "access", op.nip, ACCESS_TTL),
            "refreshToken": _issue(sandbox, "refresh", op.nip, REFRESH_TTL),
        }

    @router.post("/auth/token/refresh")
    async def refresh(request: Request) -> dict[str, Any]:
        sandbox.spend("auth", limit_key(request, "-"))
        nip = holder(sandbox, request, "refresh")
        return {"accessToken": _issue(sandbox, "access", nip, ACCESS_TTL)}

    return router


def _status_body(sandbox: KsefSandbox, op: AuthOperation) -> dict[str, Any]:
    done = sandbox.clock.now() >= op.started + timedelta(
        seconds=sandbox.injector.config.async_delay_seconds
    )
    code = op.code if done else 100
    descriptions = {100: "Uwierzytelnianie w toku", 200: "Uwierzytelnianie zakończone sukcesem"}
    status: dict[str, Any] = {"code": code, "description": descriptions.get(code, FAILED)}
    if code >= 400:
        status["details"] = op.details
    return {
        "startDate": iso(op.started),
        "authenticationMethod": "Token",
        "authenticationMethodInfo": {
            "category": "Token",
            "code": "token.ksef",
            "displayName": "Token KSeF",
        },
        "status": status,
        "isTokenRedeemed": op.redeemed,
    }
