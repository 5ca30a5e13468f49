"""Meta catalog (Graph API) sandbox: ``create_app`` in ``omnistock.sandbox.meta.app``."""
