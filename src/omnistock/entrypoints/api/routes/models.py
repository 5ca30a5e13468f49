"""Request bodies shared by several resources; unknown fields are rejected (422)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["CsvUpload", "Strict", "has_nul"]

MAX_QTY = 1_000_000_000


def has_nul(value: object) -> bool:
    """True for text (or mapping keys/values) containing NUL, which no database may store."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    return False


class Strict(BaseModel):
    """Unknown fields are rejected; so is the NUL character in any text."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise ValueError("must not contain the NUL character")
        return value


class CsvUpload(Strict):
    """A CSV file as text (UTF-8); the whole file is rejected on any bad row."""

    csv: str = Field(max_length=20_000_000, description="The file's text, header row first.")
