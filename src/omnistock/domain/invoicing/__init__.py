"""Invoicing rules (pure): invoice values, per-rate VAT arithmetic, numbering and corrections."""

from omnistock.domain.invoicing.correction import Correction, CorrectionType, InvoiceRef, correct
from omnistock.domain.invoicing.deadlines import (
    check_issue_date,
    consumer_request_deadline,
    issue_deadline,
)
from omnistock.domain.invoicing.invoice import Invoice, OrderRef
from omnistock.domain.invoicing.ksef_number import crc8, ksef_checksum, parse_ksef_number
from omnistock.domain.invoicing.lines import InvoiceLine, delivery_line, parse_vat_rate
from omnistock.domain.invoicing.money import GROSZ, PLN, ExchangeRate, round_grosz
from omnistock.domain.invoicing.nip import compact_nip, nip_is_valid, parse_nip
from omnistock.domain.invoicing.numbering import Allocated, NumberSeries
from omnistock.domain.invoicing.parties import (
    Address,
    Buyer,
    BuyerTaxId,
    EuVatId,
    ForeignTaxId,
    NoTaxId,
    PolishNip,
    Seller,
)
from omnistock.domain.invoicing.payment import (
    SPLIT_PAYMENT_THRESHOLD,
    Payment,
    PaymentForm,
    split_payment_required,
)
from omnistock.domain.invoicing.rates import RateGroup, rate_group, rate_percent
from omnistock.domain.invoicing.text import clean_text
from omnistock.domain.invoicing.totals import RateTotal, Totals, compute_totals, difference

__all__ = [
    "GROSZ",
    "PLN",
    "SPLIT_PAYMENT_THRESHOLD",
    "Address",
    "Allocated",
    "Buyer",
    "BuyerTaxId",
    "Correction",
    "CorrectionType",
    "EuVatId",
    "ExchangeRate",
    "ForeignTaxId",
    "Invoice",
    "InvoiceLine",
    "InvoiceRef",
    "NoTaxId",
    "NumberSeries",
    "OrderRef",
    "Payment",
    "PaymentForm",
    "PolishNip",
    "RateGroup",
    "RateTotal",
    "Seller",
    "Totals",
    "check_issue_date",
    "clean_text",
    "compact_nip",
    "compute_totals",
    "consumer_request_deadline",
    "correct",
    "crc8",
    "delivery_line",
    "difference",
    "issue_deadline",
    "ksef_checksum",
    "nip_is_valid",
    "parse_ksef_number",
    "parse_nip",
    "parse_vat_rate",
    "rate_group",
    "rate_percent",
    "round_grosz",
    "split_payment_required",
]
