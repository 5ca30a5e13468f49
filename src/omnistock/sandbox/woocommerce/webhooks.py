"""Registered webhooks (``/wc/v3/webhooks``): topics, delivery URLs, secrets and status.

Failure accounting follows ``WC_Webhook::failed_delivery``: a delivery answered 200–302 resets
the counter; any other answer (or no answer) increments it, and a failure arriving while the
counter is already above ``MAX_DELIVERY_FAILURES`` disables the webhook.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from omnistock.sandbox.woocommerce.coerce import as_enum, as_str
from omnistock.sandbox.woocommerce.errors import WooError, invalid_id
from omnistock.sandbox.woocommerce.render import dates, links

MAX_DELIVERY_FAILURES = 5  # the 'woocommerce_max_webhook_delivery_failures' filter default
RESOURCES = ("coupon", "customer", "order", "product")
EVENTS = ("created", "updated", "deleted", "restored")
STATUSES = ("active", "paused", "disabled")
_HOOKS = {
    "order.created": ["woocommerce_new_order"],
    "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded"],
    "order.deleted": ["wp_trash_post"],
    "product.created": ["woocommerce_new_product"],
    "product.updated": ["woocommerce_update_product", "woocommerce_process_product_meta"],
    "product.deleted": ["wp_trash_post"],
}


@dataclass(slots=True)
class Webhook:
    id: int
    name: str
    status: str
    topic: str
    delivery_url: str
    secret: str
    source: str
    date_created: datetime
    date_modified: datetime
    failure_count: int = 0

    @property
    def resource(self) -> str:
        return self.topic.split(".", 1)[0]

    @property
    def event(self) -> str:
        return self.topic.split(".", 1)[1]

    def record_result(self, ok: bool) -> None:
        """Count a delivery outcome; disable after too many consecutive failures."""
        if ok:
            self.failure_count = 0
        elif self.failure_count > MAX_DELIVERY_FAILURES:
            self.status = "disabled"
        else:
            self.failure_count += 1


def valid_topic(topic: str) -> bool:
    """``wc_is_webhook_valid_topic``: ``resource.event`` of a core resource or ``action.<hook>``."""
    resource, _, event = topic.partition(".")
    if resource == "action":
        return bool(event)
    return resource in RESOURCES and event in EVENTS


def render(hook: Webhook, base: str, *, with_secret: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": hook.id,
        "name": hook.name,
        "status": hook.status,
        "topic": hook.topic,
        "resource": hook.resource,
        "event": hook.event,
        "hooks": _HOOKS.get(hook.topic, [f"woocommerce_{hook.event}"]),
        "delivery_url": hook.delivery_url,
        **dates("date_created", hook.date_created),
        **dates("date_modified", hook.date_modified),
        "_links": links(base, f"webhooks/{hook.id}", "webhooks"),
    }
    if with_secret:
        body["secret"] = hook.secret
    return body


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise WooError(
            "woocommerce_rest_shop_webhook_invalid_delivery_url",
            "Webhook delivery URL must be a valid URL starting with http:// or https://.",
            400,
        )
    return url


def _check_topic(topic: Any) -> str:
    text = topic.lower() if isinstance(topic, str) else ""
    if not valid_topic(text):
        raise WooError(
            "woocommerce_rest_shop_webhook_invalid_topic",
            "Webhook topic is required and must be valid.",
            400,
        )
    return text


class WebhookRegistry:
    def __init__(self) -> None:
        self.hooks: dict[int, Webhook] = {}
        self.next_id = 1

    def get(self, hook_id: int) -> Webhook:
        if hook_id not in self.hooks:
            raise invalid_id("shop_webhook", 404)
        return self.hooks[hook_id]

    def create(self, fields: Mapping[str, Any], source: str, now: datetime) -> Webhook:
        missing = [name for name in ("topic", "delivery_url") if name not in fields]
        if missing:
            raise WooError(
                "rest_missing_callback_param",
                f"Missing parameter(s): {', '.join(missing)}",
                400,
                params=missing,
            )
        topic = _check_topic(fields["topic"])
        url = _check_url(as_str("delivery_url", fields["delivery_url"]))
        status = as_enum("status", fields.get("status", "active"), STATUSES)
        default_secret = hashlib.md5(b"1|omnistock-sandbox", usedforsecurity=False).hexdigest()
        hook = Webhook(
            id=self.next_id,
            name=as_str("name", fields.get("name", f"Webhook {self.next_id}")),
            status=status,
            topic=topic,
            delivery_url=url,
            secret=as_str("secret", fields.get("secret") or default_secret),
            source=source,
            date_created=now,
            date_modified=now,
        )
        self.hooks[hook.id] = hook
        self.next_id += 1
        return hook

    def update(self, hook: Webhook, fields: Mapping[str, Any], now: datetime) -> Webhook:
        """Edit a webhook; re-activating a disabled one clears its failure counter."""
        changes: dict[str, Any] = {}
        if "topic" in fields:
            changes["topic"] = _check_topic(fields["topic"])
        if "delivery_url" in fields:
            changes["delivery_url"] = _check_url(as_str("delivery_url", fields["delivery_url"]))
        if "status" in fields:
            changes["status"] = as_enum("status", fields["status"], STATUSES)
        for name in ("name", "secret"):
            if name in fields:
                changes[name] = as_str(name, fields[name])
        if changes.get("status") == "active" and hook.status != "active":
            hook.failure_count = 0
        for name, value in changes.items():
            setattr(hook, name, value)
        hook.date_modified = now
        return hook

    def subscribed(self, topic: str) -> list[Webhook]:
        return [
            hook for hook in self.hooks.values() if hook.status == "active" and hook.topic == topic
        ]
