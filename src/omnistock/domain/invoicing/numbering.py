"""Number series such as ``FV/{YYYY}/{MM}/{seq}``: a pure formatter and the next-number rule.

Tokens: ``{YYYY}``, ``{YY}``, ``{MM}``, ``{seq}`` and ``{seq:N}`` (zero-padded to N digits). The
counter restarts each *period*: each month if the pattern has ``{MM}``, each year if it has only a
year, never if it has neither. The pattern must let the period be read back from the number, so
that two periods can never print the same number: ``{MM}`` needs a year token.

Allocating numbers without gaps or duplicates across workers is the store's job; it keeps one
counter per (series, period) and calls :meth:`NumberSeries.allocate` inside its transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from omnistock.domain.errors import InvalidValue

_TOKEN = re.compile(r"\{([^{}]*)\}")
_SEQ = re.compile(r"seq(?::([1-9]\d?))?")
_DATE_TOKENS = {"YYYY", "YY", "MM"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Allocated:
    """A number handed out: the counter ``period`` it came from and its ``seq`` within it."""

    number: str
    period: str
    seq: int


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberSeries:
    """A numbering series; ``name`` keys the counter (e.g. ``FV`` or ``KOR``)."""

    name: str
    pattern: str

    def __post_init__(self) -> None:
        tokens = _TOKEN.findall(self.pattern)
        unknown = [t for t in tokens if t not in _DATE_TOKENS and not _SEQ.fullmatch(t)]
        if unknown:
            message = f"unknown token(s) {unknown} in {self.pattern!r}"
            raise InvalidValue(message, field="series.pattern")
        if sum(1 for t in tokens if _SEQ.fullmatch(t)) != 1:
            raise InvalidValue("needs exactly one {seq} token", field="series.pattern")
        if "MM" in tokens and not {"YYYY", "YY"} & set(tokens):
            raise InvalidValue("{MM} without a year repeats every year", field="series.pattern")
        if not self.name.strip():
            raise InvalidValue("is missing", field="series.name")

    def period(self, issue_date: date) -> str:
        """The counter period for ``issue_date``: ``2026-11``, ``2026`` or ``''``."""
        tokens = set(_TOKEN.findall(self.pattern))
        if "MM" in tokens:
            return f"{issue_date.year:04d}-{issue_date.month:02d}"
        return f"{issue_date.year:04d}" if tokens & {"YYYY", "YY"} else ""

    def format(self, issue_date: date, seq: int) -> str:
        """The number with sequence ``seq`` (1-based) for an invoice issued on ``issue_date``."""
        if seq < 1:
            raise InvalidValue("sequence numbers start at 1", field="series.seq")
        values = {"YYYY": f"{issue_date.year:04d}", "YY": f"{issue_date.year % 100:02d}"}
        values["MM"] = f"{issue_date.month:02d}"

        def put(match: re.Match[str]) -> str:
            token = match.group(1)
            seq_match = _SEQ.fullmatch(token)
            if seq_match:
                return str(seq).zfill(int(seq_match.group(1) or 1))
            return values[token]

        number = _TOKEN.sub(put, self.pattern)
        if len(number) > 256:
            raise InvalidValue("number longer than 256 characters", field="series.pattern")
        return number

    def allocate(self, issue_date: date, last_seq: int) -> Allocated:
        """The next number after ``last_seq`` (0 when the period's counter is new)."""
        if last_seq < 0:
            raise InvalidValue("must not be negative", field="series.last_seq")
        seq = last_seq + 1
        number = self.format(issue_date, seq)
        return Allocated(number=number, period=self.period(issue_date), seq=seq)
