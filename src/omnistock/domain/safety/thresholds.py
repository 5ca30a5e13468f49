"""Guard thresholds: the numbers behind every safety rule, with safe defaults.

Configuration (``[safety]`` in ``omnistock.toml``) builds one :class:`GuardThresholds`;
every field is validated so a typo cannot switch the guard off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import timedelta

from omnistock.domain.errors import InvalidValue

__all__ = ["GuardThresholds", "thresholds_from_table"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GuardThresholds:
    """Safety limits per channel account.

    - ``mass_share``: hold the whole set when more than this share of the active listings would
      drop to 0 or by more than ``mass_drop_share`` without orders explaining it (rule 1);
      ``mass_min_listings`` such listings are needed at least (a 2-listing shop is judged per item).
    - ``item_drop_share`` / ``item_min_units``: hold one item whose unexplained drop exceeds this
      share of its quantity *and* is at least this many units (120 → 0 held; 2 → 0 not) (rule 2).
    - ``absurd_factor`` / ``absurd_floor``: a quantity above ``absurd_factor`` × the largest
      quantity seen (never below ``absurd_floor``) is an error (rule 5).
    - ``window``: how far back imported orders explain decreases.
    - ``feed_min_share``: a feed reporting fewer than this share of the SKUs its source usually
      reports is truncated (rule 3); ``feed_max_age``: older feeds are stale.
    - ``auto_clear_on_reconfirm``: a held set clears itself when the next import confirms it.
    """

    mass_share: float = 0.30
    mass_drop_share: float = 0.50
    mass_min_listings: int = 3
    item_drop_share: float = 0.80
    item_min_units: int = 10
    absurd_factor: int = 10
    absurd_floor: int = 1000
    window: timedelta = timedelta(hours=1)
    feed_min_share: float = 0.80
    feed_max_age: timedelta = timedelta(hours=24)
    auto_clear_on_reconfirm: bool = True

    def __post_init__(self) -> None:
        for name in ("mass_share", "mass_drop_share", "item_drop_share", "feed_min_share"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
                raise InvalidValue(f"must be above 0 and at most 1, got {value}", field=name)
        for name in ("mass_min_listings", "item_min_units", "absurd_factor", "absurd_floor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidValue(f"must be a whole number ≥ 1, got {value!r}", field=name)
        for name in ("window", "feed_max_age"):
            if getattr(self, name) <= timedelta(0):
                raise InvalidValue("must be a positive duration", field=name)


_DURATIONS = {"window_minutes": ("window", 60), "feed_max_age_hours": ("feed_max_age", 3600)}


def thresholds_from_table(table: Mapping[str, object]) -> GuardThresholds:
    """Thresholds from a ``[safety]`` table; durations as ``window_minutes``/``feed_max_age_hours``.

    Unknown keys and wrong types are ``InvalidValue`` naming ``safety.<key>``.
    """
    plain = {f.name for f in fields(GuardThresholds)} - {"window", "feed_max_age"}
    values: dict[str, object] = {}
    for key, value in table.items():
        if key in _DURATIONS:
            name, seconds = _DURATIONS[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise InvalidValue("must be a positive number", field=f"safety.{key}")
            values[name] = timedelta(seconds=value * seconds)
        elif key in plain:
            values[key] = value
        else:
            raise InvalidValue("unknown key", field=f"safety.{key}")
    try:
        return GuardThresholds(**values)  # type: ignore[arg-type]
    except InvalidValue as exc:
        raise InvalidValue(exc.message, field=f"safety.{exc.field}") from None
