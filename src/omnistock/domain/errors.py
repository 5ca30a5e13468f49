"""One exception tree for the domain: every error names its code and, where known, the field."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "Conflict",
    "DomainError",
    "Duplicate",
    "ErrorCode",
    "InvalidFile",
    "InvalidValue",
    "UnknownChannel",
    "UnknownListing",
    "UnknownSku",
    "UnknownWarehouse",
]


class ErrorCode(StrEnum):
    """Machine-readable reasons; entrypoints translate them to exit codes or HTTP statuses."""

    INVALID_VALUE = "invalid_value"
    INVALID_FILE = "invalid_file"
    UNKNOWN_SKU = "unknown_sku"
    UNKNOWN_CHANNEL = "unknown_channel"
    UNKNOWN_WAREHOUSE = "unknown_warehouse"
    UNKNOWN_LISTING = "unknown_listing"
    UNKNOWN_ORDER = "unknown_order"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


class DomainError(Exception):
    """Base of every error raised by omnistock's rules."""

    code: ErrorCode = ErrorCode.INVALID_VALUE

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidValue(DomainError):
    """A value breaks a rule (negative quantity, bad EAN checksum, share above 100 %…)."""

    code = ErrorCode.INVALID_VALUE


class InvalidFile(DomainError):
    """An import file is malformed; ``line`` and ``column`` say where (1-based line)."""

    code = ErrorCode.INVALID_FILE

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None) -> None:
        where = ", ".join(
            part
            for part in (f"line {line}" if line else "", f"column {column!r}" if column else "")
            if part
        )
        super().__init__(f"{where}: {message}" if where else message, field=column)
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.message  # already says where: "line 3, column 'on_hand': …"


class UnknownSku(DomainError):
    code = ErrorCode.UNKNOWN_SKU


class UnknownChannel(DomainError):
    code = ErrorCode.UNKNOWN_CHANNEL


class UnknownWarehouse(DomainError):
    code = ErrorCode.UNKNOWN_WAREHOUSE


class UnknownListing(DomainError):
    code = ErrorCode.UNKNOWN_LISTING


class Duplicate(DomainError):
    code = ErrorCode.DUPLICATE


class Conflict(DomainError):
    code = ErrorCode.CONFLICT
