"""omnistock's own arithmetic checks on any FA(3) document (KSeF accepts wrong sums; we must not).

Checks, each reported as a :class:`Finding` naming the field:

* line value: ``P_11 = round(P_8B × P_9A)`` (``P_11A`` with ``P_9B``), when no ``P_10`` discount;
* per rate group, for ``VAT``, ``KOR`` and ``UPR`` documents with lines: ``P_13_x`` = the sum of the
  lines' net values (gross lines: gross − VAT) and ``P_14_x = round_half_up(P_13_x × rate)``;
  correction "before" rows (``StanPrzed``) count negatively, and a correction's VAT may be either
  ``round(after) − round(before)`` per rate or ``round(difference)``;
* ``P_14_xW`` (VAT in PLN) = ``round(Σ net × rate × KursWaluty)`` when every line has a rate;
* ``P_15 = Σ P_13_x + Σ P_14_x`` for every kind except ``ROZ``/``KOR_ROZ`` (advances deducted)
  and a ``UPR`` without per-rate totals;
* split payment: Annex-15 lines (``P_12_Zal_15``) and ``P_15`` above 15 000 PLN need ``P_18A=1``.

Advance invoices (``ZAL``/``KOR_ZAL``) show order lines, not the taxed advance, so only their
``P_15`` is checked; settlement invoices (``ROZ``/``KOR_ROZ``) show the whole order, so only
their line values are checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from omnistock.domain.invoicing import SPLIT_PAYMENT_THRESHOLD, rate_group, round_grosz
from omnistock.domain.invoicing.rates import GROUP_ORDER, rate_percent
from omnistock.domain.product import VatRate
from omnistock.invoicing.fa3_parts import q
from omnistock.invoicing.fa3_schema import parse_document

LINE_SUM_KINDS = frozenset({"VAT", "KOR", "UPR"})
NO_P15_KINDS = frozenset({"ROZ", "KOR_ROZ"})
OSS_GROUP = "P_13_5"
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """An arithmetic inconsistency: ``field`` holds ``actual``; omnistock computes ``expected``."""

    field: str
    message: str
    expected: Decimal | None = None
    actual: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """The numbers of one ``FaWiersz``."""

    index: int
    group: str | None
    percent: Decimal
    net: Decimal | None
    gross: Decimal | None
    sign: int
    fx: Decimal | None


def _num(element: Any, tag: str) -> Decimal | None:
    child = element.find(q(tag))
    if child is None or child.text is None:
        return None
    try:
        return Decimal(child.text.strip())
    except InvalidOperation:
        return None


def _text(element: Any, tag: str) -> str | None:
    child = element.find(q(tag))
    return None if child is None or child.text is None else child.text.strip()


def _classify(element: Any) -> tuple[str | None, Decimal]:
    """The ``P_13`` group and the percentage of a line."""
    oss = _num(element, "P_12_XII")
    if oss is not None:
        return OSS_GROUP, oss
    code = _text(element, "P_12")
    if code is None or code not in {r.value for r in VatRate}:
        return None, ZERO
    rate = VatRate(code)
    return rate_group(rate).net_field, rate_percent(rate)


def read_rows(fa: Any) -> list[Row]:
    rows = []
    for index, element in enumerate(fa.findall(q("FaWiersz"))):
        group, percent = _classify(element)
        sign = -1 if _text(element, "StanPrzed") == "1" else 1
        net, gross = _num(element, "P_11"), _num(element, "P_11A")
        fx = _num(element, "KursWaluty")
        rows.append(
            Row(index=index, group=group, percent=percent, net=net, gross=gross, sign=sign, fx=fx)
        )
    return rows


def check_line_values(fa: Any) -> list[Finding]:
    """``P_11 = round(P_8B × P_9A)``, ``P_11A = round(P_8B × P_9B)``, where no discount applies."""
    findings = []
    for index, element in enumerate(fa.findall(q("FaWiersz"))):
        quantity = _num(element, "P_8B")
        if quantity is None or element.find(q("P_10")) is not None:
            continue
        for price_tag, value_tag in (("P_9A", "P_11"), ("P_9B", "P_11A")):
            price, value = _num(element, price_tag), _num(element, value_tag)
            if price is None or value is None:
                continue
            expected = round_grosz(quantity * price)
            if expected != value:
                field = f"FaWiersz[{index + 1}]/{value_tag}"
                message = f"{value_tag} {value} ≠ P_8B × {price_tag} = {expected}"
                findings.append(
                    Finding(field=field, message=message, expected=expected, actual=value)
                )
    return findings


@dataclass(frozen=True, slots=True, kw_only=True)
class Side:
    """Net and VAT of one side (after or before) of one rate group, computed per rate."""

    net: Decimal
    vat: Decimal


def side_totals(rows: list[Row]) -> Side:
    """Per percentage: net sum and VAT on that sum (gross lines: VAT = G × r / (100 + r))."""
    net, vat = ZERO, ZERO
    for percent in {row.percent for row in rows}:
        at = [row for row in rows if row.percent == percent]
        nets = sum((row.net for row in at if row.net is not None), ZERO)
        gross = sum((row.gross for row in at if row.net is None and row.gross is not None), ZERO)
        gross_vat = round_grosz(gross * percent / (100 + percent))
        net += nets + gross - gross_vat
        vat += round_grosz(nets * percent / 100) + gross_vat
    return Side(net=net, vat=vat)


def check_group(fa: Any, field: str, rows: list[Row], correction: bool) -> list[Finding]:
    """``P_13_x``/``P_14_x``/``P_14_xW`` of one group against its lines."""
    after = side_totals([r for r in rows if r.sign > 0])
    before = side_totals([r for r in rows if r.sign < 0])
    net = after.net - before.net
    findings = _compare(field, net, _num(fa, field) or ZERO)
    group = rate_group_fields(field)
    if group is None:
        return findings
    vat_field, pln_field = group
    actual_vat = _num(fa, vat_field) or ZERO
    accepted = {after.vat - before.vat}
    if correction:
        exact = sum(((r.net or ZERO) * r.sign * r.percent / 100 for r in rows), ZERO)
        accepted |= {round_grosz(exact)}
    if actual_vat not in accepted:
        expected = after.vat - before.vat
        message = f"{vat_field} {actual_vat} ≠ VAT on the per-rate net sum = {expected}"
        findings.append(
            Finding(field=vat_field, message=message, expected=expected, actual=actual_vat)
        )
    return findings + check_pln(fa, pln_field, rows)


def rate_group_fields(net_field: str) -> tuple[str, str] | None:
    """``P_13_1`` → (``P_14_1``, ``P_14_1W``); ``None`` for groups without VAT."""
    suffix = net_field.removeprefix("P_13_")
    if suffix in ("1", "2", "3", "4", "5"):
        return f"P_14_{suffix}", f"P_14_{suffix}W"
    return None


def check_pln(fa: Any, field: str, rows: list[Row]) -> list[Finding]:
    """``P_14_xW`` against the lines' own ``KursWaluty`` (skipped if any line lacks one).

    Rounded once per rate (``Σ net × rate × KursWaluty``); for a correction either per side
    (``round(after) − round(before)``) or on the difference.
    """
    actual = _num(fa, field)
    if actual is None or not rows or any(r.fx is None or r.net is None for r in rows):
        return []
    per_side, per_difference = ZERO, ZERO
    for percent in {row.percent for row in rows}:
        after = _pln([r for r in rows if r.percent == percent and r.sign > 0])
        before = _pln([r for r in rows if r.percent == percent and r.sign < 0])
        per_side += round_grosz(after) - round_grosz(before)
        per_difference += round_grosz(after - before)
    if actual in (per_side, per_difference):
        return []
    return _compare(field, per_side, actual)


def _pln(rows: list[Row]) -> Decimal:
    return sum(((r.net or ZERO) * r.percent / 100 * (r.fx or ZERO) for r in rows), ZERO)


def _compare(field: str, expected: Decimal, actual: Decimal) -> list[Finding]:
    if expected == actual:
        return []
    message = f"{field} {actual} ≠ {expected} computed from the lines"
    return [Finding(field=field, message=message, expected=expected, actual=actual)]


def check_groups(fa: Any, kind: str) -> list[Finding]:
    """Every rate group present in the totals or the lines (when the lines can be read)."""
    rows = read_rows(fa)
    if kind not in LINE_SUM_KINDS or not rows:
        return []
    unclassified = any(row.group is None for row in rows)
    findings: list[Finding] = []
    for field in GROUP_ORDER:
        in_group = [row for row in rows if row.group == field]
        if not in_group and (unclassified or _num(fa, field) is None):
            continue
        findings += check_group(fa, field, in_group, correction=kind == "KOR")
    return findings


def check_total(fa: Any, kind: str) -> list[Finding]:
    """``P_15 = Σ P_13_x + Σ P_14_x`` (not for settlements, which deduct advances)."""
    if kind in NO_P15_KINDS:
        return []
    if kind == "UPR" and all(_num(fa, f) is None for f in GROUP_ORDER):
        return []  # a simplified invoice may omit the per-rate totals (art. 106e ust. 5 pkt 3)
    fields = [*GROUP_ORDER, *(f"P_14_{n}" for n in range(1, 6))]
    expected = sum((_num(fa, f) or ZERO for f in fields), ZERO)
    return _compare("P_15", round_grosz(expected), _num(fa, "P_15") or ZERO)


def check_split_payment(root: Any, fa: Any) -> list[Finding]:
    """Annex-15 lines on a PLN invoice above 15 000 PLN to a taxpayer need ``P_18A=1``."""
    annex15 = any(_text(row, "P_12_Zal_15") == "1" for row in fa.findall(q("FaWiersz")))
    consumer = root.find(f"{q('Podmiot2')}/{q('DaneIdentyfikacyjne')}/{q('BrakID')}") is not None
    total = _num(fa, "P_15") or ZERO
    if not annex15 or consumer or _text(fa, "KodWaluty") != "PLN":
        return []
    mark = _text(fa.find(q("Adnotacje")), "P_18A")
    if total > SPLIT_PAYMENT_THRESHOLD and mark != "1":
        message = f"Annex-15 goods and P_15 {total} > 15000 PLN need split payment"
        return [Finding(field="Adnotacje/P_18A", message=message)]
    return []


def check_arithmetic(document: bytes | Any) -> list[Finding]:
    """All arithmetic findings for an FA(3) document (bytes or a parsed ``Faktura`` element)."""
    root = parse_document(document) if isinstance(document, bytes) else document
    fa = root.find(q("Fa"))
    if fa is None:
        return [Finding(field="Fa", message="the document has no Fa element")]
    kind = _text(fa, "RodzajFaktury") or ""
    findings = check_line_values(fa) if kind not in ("ZAL", "KOR_ZAL") else []
    return findings + check_groups(fa, kind) + check_total(fa, kind) + check_split_payment(root, fa)
