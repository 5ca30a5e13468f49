"""``omnistock demo``: the one-command tour of everything, on loopback sandboxes.

``stage`` starts the sandboxes (with faults), a local SMTP server, the channel adapters and the
KSeF client; ``seed`` writes the catalog; ``buyers`` places buyers' orders through the
sandboxes' admin routes; ``tour`` runs the cycles (orders, invoices, worker, the all-zero feed);
``measure`` computes the final summary from the database and the sandboxes; ``live`` renders it.
"""

from __future__ import annotations

__all__ = ["SUMMARY_KEYS"]

SUMMARY_KEYS = (
    "orders_imported",
    "orders_duplicated",
    "oversold_units",
    "final_drift",
    "api_calls",
    "holds",
    "incidents",
    "sms_sent",
    "emails_sent",
    "invoices_issued",
    "invoices_valid",
    "compliance_violations",
)
"""The keys of ``omnistock demo --json`` (issue 10); every value is measured, or ``None``."""
