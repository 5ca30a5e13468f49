"""KSeF API 2.x client (synchronous): token auth, online and batch sessions, UPO, typed errors."""

from omnistock.invoicing.ksef.auth import KsefAuth, PublicKeys, TokenPair
from omnistock.invoicing.ksef.client import KsefClient
from omnistock.invoicing.ksef.config import KsefSettings
from omnistock.invoicing.ksef.errors import (
    InvoiceDecryptionFailed,
    InvoiceDuplicate,
    InvoiceFileInvalid,
    InvoiceRejected,
    InvoiceSemanticInvalid,
    KsefAuthFailed,
    KsefError,
    KsefPending,
    KsefRateLimited,
    KsefRequestRejected,
    KsefRetryable,
    KsefSessionFailed,
    KsefUnavailable,
)
from omnistock.invoicing.ksef.fake import InMemoryKsef
from omnistock.invoicing.ksef.online import OnlineSession
from omnistock.invoicing.ksef.results import Accepted, BatchReport, Outcome

__all__ = [
    "Accepted",
    "BatchReport",
    "InMemoryKsef",
    "InvoiceDecryptionFailed",
    "InvoiceDuplicate",
    "InvoiceFileInvalid",
    "InvoiceRejected",
    "InvoiceSemanticInvalid",
    "KsefAuth",
    "KsefAuthFailed",
    "KsefClient",
    "KsefError",
    "KsefPending",
    "KsefRateLimited",
    "KsefRequestRejected",
    "KsefRetryable",
    "KsefSessionFailed",
    "KsefSettings",
    "KsefUnavailable",
    "OnlineSession",
    "Outcome",
    "PublicKeys",
    "TokenPair",
]
