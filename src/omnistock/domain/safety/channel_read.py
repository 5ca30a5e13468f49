"""A channel answer claiming (nearly) every offer is at 0 is suspicious, not a fact to act on."""

from __future__ import annotations

from collections.abc import Mapping

from omnistock.domain.safety.thresholds import GuardThresholds

__all__ = ["suspicious_channel_read"]


def suspicious_channel_read(
    read: Mapping[str, int],
    believed: Mapping[str, int],
    thresholds: GuardThresholds | None = None,
) -> bool:
    """True when ``read`` (offer → quantity from the channel) zeroes too many active offers.

    ``believed`` is what omnistock last pushed. Suspicious when every read value is 0, or when
    more than ``mass_share`` of the offers believed active (and at least ``mass_min_listings``)
    read as 0. The reconciler must then raise an incident and not overwrite its state.
    """
    limits = thresholds if thresholds is not None else GuardThresholds()
    active = [offer for offer, quantity in believed.items() if quantity > 0 and offer in read]
    zeroed = [offer for offer in active if read[offer] == 0]
    if len(zeroed) < limits.mass_min_listings:
        return False
    return len(zeroed) == len(active) or len(zeroed) > limits.mass_share * len(active)
