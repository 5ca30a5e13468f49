"""WooCommerce REST API v3 sandbox: ``create_app`` in ``omnistock.sandbox.woocommerce.app``."""
