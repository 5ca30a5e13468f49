"""The FA(3) gate: render a document and refuse it unless it passes the XSD and the arithmetic.

``render`` is what the rest of omnistock calls before an invoice leaves; ``inspect`` reports on any
FA(3) document (ours, a channel's, or a Ministry sample) without raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from omnistock.domain.invoicing import Correction, Invoice
from omnistock.invoicing.fa3_check import Finding, check_arithmetic
from omnistock.invoicing.fa3_schema import (
    Fa3Invalid,
    Fa3Schema,
    SchemaProblem,
    default_schema,
    parse_document,
)
from omnistock.invoicing.fa3_writer import SYSTEM_INFO, build, serialize


@dataclass(frozen=True, slots=True, kw_only=True)
class Fa3Report:
    """What the validator says about one document: XSD problems and arithmetic findings."""

    schema: tuple[SchemaProblem, ...]
    arithmetic: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.schema and not self.arithmetic


def inspect(data: bytes, schema: Fa3Schema | None = None) -> Fa3Report:
    """Validate ``data`` against the XSD and omnistock's arithmetic checks."""
    root = parse_document(data)
    problems = (schema or default_schema()).problems(root)
    return Fa3Report(schema=tuple(problems), arithmetic=tuple(check_arithmetic(root)))


def render(
    document: Invoice | Correction,
    *,
    created_at: datetime,
    schema: Fa3Schema | None = None,
    system_info: str = SYSTEM_INFO,
) -> bytes:
    """The FA(3) bytes of ``document``; :class:`Fa3Invalid` if the XSD or the sums object."""
    root = build(document, created_at=created_at, system_info=system_info)
    (schema or default_schema()).validate(root)
    findings = check_arithmetic(root)
    if findings:
        message = f"arithmetic check failed: {findings[0].message}"
        raise Fa3Invalid(message, field=findings[0].field, problems=tuple(findings))
    return serialize(root)
