"""Request bodies shared by several resources; unknown fields are rejected (422)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CsvUpload", "Strict"]

MAX_QTY = 1_000_000_000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CsvUpload(Strict):
    """A CSV file as text (UTF-8); the whole file is rejected on any bad row."""

    csv: str = Field(max_length=20_000_000, description="The file's text, header row first.")
