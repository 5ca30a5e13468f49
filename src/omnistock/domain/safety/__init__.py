"""The safety guard: pure rules that keep a sync error from zeroing a seller's stock.

See ``guard`` (change-sets, rules 1, 2, 5), ``sources`` (feeds at import, rule 3), ``reread``
(rule 4), ``channel_read`` (suspicious channel answers) and ``holds`` (what waits for a person).
"""

from omnistock.domain.safety.changes import ActiveListing, ExplainedUnits, ProposedChange
from omnistock.domain.safety.channel_read import suspicious_channel_read
from omnistock.domain.safety.guard import (
    GuardVerdict,
    HeldChange,
    HoldReason,
    SanityError,
    SanityProblem,
    guard_change_set,
)
from omnistock.domain.safety.holds import (
    Hold,
    HoldScope,
    HoldStatus,
    approve,
    holds_from_verdict,
    import_hold,
    reconfirm,
    reject,
)
from omnistock.domain.safety.reread import Reread, reread
from omnistock.domain.safety.sources import (
    FeedCheck,
    FeedProblem,
    FeedSummary,
    check_feed,
    stale_skus,
    usual_sku_count,
)
from omnistock.domain.safety.thresholds import GuardThresholds, thresholds_from_table

__all__ = [
    "ActiveListing",
    "ExplainedUnits",
    "FeedCheck",
    "FeedProblem",
    "FeedSummary",
    "GuardThresholds",
    "GuardVerdict",
    "HeldChange",
    "Hold",
    "HoldReason",
    "HoldScope",
    "HoldStatus",
    "ProposedChange",
    "Reread",
    "SanityError",
    "SanityProblem",
    "approve",
    "check_feed",
    "guard_change_set",
    "holds_from_verdict",
    "import_hold",
    "reconfirm",
    "reject",
    "reread",
    "stale_skus",
    "suspicious_channel_read",
    "thresholds_from_table",
    "usual_sku_count",
]
