"""``/wc/v3/webhooks``: register, list, read, edit and delete webhooks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from omnistock.sandbox.woocommerce.body import read_fields
from omnistock.sandbox.woocommerce.errors import WooError
from omnistock.sandbox.woocommerce.paging import is_true, paginate
from omnistock.sandbox.woocommerce.shop import WooShop
from omnistock.sandbox.woocommerce.webhooks import render


def webhooks_router(shop: WooShop) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.post("/webhooks")
    async def create_webhook(request: Request) -> JSONResponse:
        hook = shop.webhooks.create(await read_fields(request), f"{shop.base_url}/", shop.now())
        if hook.status == "active":
            shop.dispatcher.ping(hook)
        location = f"{shop.base_url}/wp-json/wc/v3/webhooks/{hook.id}"
        body = render(hook, shop.base_url, with_secret=True)
        return JSONResponse(body, status_code=201, headers={"Location": location})

    @router.get("/webhooks")
    async def list_webhooks(request: Request) -> JSONResponse:
        status = request.query_params.get("status", "all")
        hooks = [h for h in shop.webhooks.hooks.values() if status in ("all", h.status)]
        hooks.sort(key=lambda h: (h.date_created, h.id), reverse=True)
        page, headers = paginate(hooks, request.query_params, str(request.url).split("?")[0])
        return JSONResponse([render(h, shop.base_url) for h in page], headers=headers)

    @router.get("/webhooks/{hook_id:int}")
    async def get_webhook(hook_id: int) -> JSONResponse:
        return JSONResponse(render(shop.webhooks.get(hook_id), shop.base_url))

    @router.api_route("/webhooks/{hook_id:int}", methods=["POST", "PUT", "PATCH"])
    async def update_webhook(hook_id: int, request: Request) -> JSONResponse:
        hook = shop.webhooks.get(hook_id)
        shop.webhooks.update(hook, await read_fields(request), shop.now())
        return JSONResponse(render(hook, shop.base_url, with_secret=True))

    @router.delete("/webhooks/{hook_id:int}")
    async def delete_webhook(hook_id: int, request: Request) -> JSONResponse:
        hook = shop.webhooks.get(hook_id)
        if not is_true(request.query_params, "force"):
            raise WooError(
                "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.", 501
            )
        body = render(hook, shop.base_url)
        del shop.webhooks.hooks[hook_id]
        return JSONResponse(body)

    return router
