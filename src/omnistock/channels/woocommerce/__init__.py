"""WooCommerce (the own shop): products/variations batch, order polling, webhook signatures."""

from omnistock.channels.woocommerce.adapter import WooAdapter, WooConfig, split_offer_id
from omnistock.channels.woocommerce.webhook import WebhookVerdict, sign, verify_webhook

__all__ = ["WebhookVerdict", "WooAdapter", "WooConfig", "sign", "split_offer_id", "verify_webhook"]
