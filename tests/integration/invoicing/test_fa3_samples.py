"""The 26 Ministry sample invoices parse and validate with omnistock's validator.

All 26 are valid against the official XSD (the packaged copy and the reference copy agree).
omnistock's arithmetic check reports exactly these inconsistencies in the Ministry's own samples:

* sample 1: ``P_15`` is 2051 but P_13_1 + P_14_1 + P_13_3 + P_14_3 = 2050.99 (gross prices
  2000 + 50 + 1 were converted to net and back; the total was not recomputed);
* sample 19 (gross prices, margin scheme): 1000 gross at 23 % gives VAT 186.99 (1000 × 23/123 =
  186.9919…, half-up) and net 813.01; the sample writes 187 / 813 (rounded to whole złoty).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from omnistock.invoicing.fa3 import inspect
from omnistock.invoicing.fa3_schema import Fa3Schema

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared/reference/ksef/fa3/samples"
FILES = sorted(SAMPLES.glob("*.xml"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))

KNOWN_FINDINGS: dict[int, list[tuple[str, str, str]]] = {
    1: [("P_15", "2050.99", "2051")],
    19: [("P_13_1", "813.01", "813"), ("P_14_1", "186.99", "187")],
}


def number(path: Path) -> int:
    return int(path.stem.rsplit("_", 1)[1])


def test_all_26_samples_are_there() -> None:
    assert [number(p) for p in FILES] == list(range(1, 27))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"sample-{number(p)}")
def test_sample_passes_xsd_and_arithmetic_is_as_documented(path: Path, schema: Fa3Schema) -> None:
    report = inspect(path.read_bytes(), schema)
    assert report.schema == ()
    found = [(f.field, str(f.expected), str(f.actual)) for f in report.arithmetic]
    assert found == KNOWN_FINDINGS.get(number(path), [])


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"sample-{number(p)}")
def test_packaged_schema_agrees_with_the_reference_copy(path: Path, schema: Fa3Schema) -> None:
    reference = reference_schema()
    data = path.read_bytes()
    assert schema.problems(data) == reference.problems(data) == []


_REFERENCE: list[Fa3Schema] = []


def reference_schema() -> Fa3Schema:
    """The schema from ``../shared/reference`` (tests only), compiled once."""
    if not _REFERENCE:
        _REFERENCE.append(Fa3Schema.load(SAMPLES.parent))
    return _REFERENCE[0]


def test_known_findings_are_real_arithmetic_differences() -> None:
    # sample 19: VAT in a gross amount, half-up
    assert (Decimal(1000) * 23 / 123).quantize(Decimal("0.01")) == Decimal("186.99")
    # sample 1: the per-rate totals it declares
    assert Decimal("1666.66") + Decimal("383.33") + Decimal("0.95") + Decimal("0.05") != 2051
