"""The pre-signed document URLs (S3 in the real service), served by the sandbox itself.

``PUT`` uploads a feed document, ``GET`` downloads a feed or report document. URLs expire
five minutes (sandbox time) after they are issued; the upload's ``Content-Type`` must be the
one given to ``createFeedDocument``. Errors are S3's XML error bodies with status 403/404.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from omnistock.sandbox.amazon.feeds import UPLOAD_TTL
from omnistock.sandbox.amazon.sandbox import AmazonSandbox

__all__ = ["DOCUMENT_PATH", "documents_router", "presigned_url"]

DOCUMENT_PATH = "/s3/documents/{document_id}"


def _signature(sandbox: AmazonSandbox, document_id: str, issued: str) -> str:
    message = f"{document_id}|{issued}".encode()
    return hmac.new(sandbox.url_secret.encode(), message, hashlib.sha256).hexdigest()


def presigned_url(sandbox: AmazonSandbox, request: Request, document_id: str) -> str:
    """A URL for ``document_id`` valid for five minutes from now (sandbox time)."""
    issued = sandbox.clock.now().strftime("%Y%m%dT%H%M%SZ")
    query = urlencode(
        {
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Date": issued,
            "X-Amz-Expires": str(int(UPLOAD_TTL.total_seconds())),
            "X-Amz-Signature": _signature(sandbox, document_id, issued),
        }
    )
    base = str(request.base_url).rstrip("/")
    return f"{base}{DOCUMENT_PATH.format(document_id=document_id)}?{query}"


def _s3_error(status: int, code: str, message: str) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    )
    return Response(body, status_code=status, media_type="application/xml")


def _refusal(sandbox: AmazonSandbox, request: Request, document_id: str) -> Response | None:
    issued = request.query_params.get("X-Amz-Date", "")
    signature = request.query_params.get("X-Amz-Signature", "")
    if not hmac.compare_digest(signature, _signature(sandbox, document_id, issued)):
        return _s3_error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    start = datetime.strptime(issued, "%Y%m%dT%H%M%SZ").replace(tzinfo=sandbox.clock.now().tzinfo)
    if sandbox.clock.now() > start + UPLOAD_TTL:
        return _s3_error(403, "AccessDenied", "Request has expired")
    if document_id not in sandbox.feeds.documents:
        return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
    return None


def documents_router(sandbox: AmazonSandbox) -> APIRouter:
    """Routes bound to ``sandbox``."""
    router = APIRouter()

    @router.put(DOCUMENT_PATH)
    async def upload(request: Request, document_id: str) -> Response:
        refusal = _refusal(sandbox, request, document_id)
        if refusal is not None:
            return refusal
        document = sandbox.feeds.documents[document_id]
        sent = request.headers.get("content-type", "")
        if _normalized(sent) != _normalized(document.content_type):
            return _s3_error(
                403,
                "SignatureDoesNotMatch",
                "The Content-Type does not match the one the URL was signed for.",
            )
        content = await request.body()
        sandbox.feeds.upload(document_id, content)
        return Response(status_code=200, headers={"ETag": f'"{hashlib.md5(content).hexdigest()}"'})

    @router.get(DOCUMENT_PATH)
    async def download(request: Request, document_id: str) -> Response:
        refusal = _refusal(sandbox, request, document_id)
        if refusal is not None:
            return refusal
        document = sandbox.feeds.documents[document_id]
        if document.content is None:
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        return Response(document.content, media_type=document.content_type)

    return router


def _normalized(content_type: str) -> str:
    return content_type.replace(" ", "").lower()
