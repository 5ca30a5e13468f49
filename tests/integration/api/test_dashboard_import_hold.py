"""The dashboard's holds page with one hold over two channel accounts (a bad stock import)."""

from __future__ import annotations

import re

from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.safety import (
    ActiveListing,
    HoldStatus,
    ProposedChange,
    guard_change_set,
    import_hold,
)
from omnistock.service.holds import safety_parts


def _login(client, secret: str):
    form = client.get("/dashboard/login").text
    nonce = re.search(r'name="nonce" value="([^"]+)"', form).group(1)
    return client.post("/dashboard/login", data={"nonce": nonce, "token": secret})


def _import_hold(app) -> str:
    now = app.clock.now()
    verdicts = {}
    for name in ("allegro", "shop"):
        channel = ChannelId(name)
        proposed = [
            ProposedChange(channel=channel, offer_id=f"O{i}", sku=Sku("A1"), previous=20,
                           quantity=0, observed_at=now)
            for i in range(10)
        ]  # fmt: skip
        current = [ActiveListing(offer_id=f"O{i}", sku=Sku("A1"), quantity=20) for i in range(10)]
        verdicts[channel] = guard_change_set(proposed, current, {})
    hold = import_hold(verdicts, hold_id="imp-1", cause="import:erp:0123456789abcdef", now=now)
    assert hold is not None
    safety_parts(app.engine, {}).safety.add_holds([hold])
    return hold.id


def test_one_hold_over_two_accounts_is_shown_and_approved_once(
    client, seeded, secrets_by_role
) -> None:
    assert _login(client, secrets_by_role["operator"]).status_code == 303
    hold_id = _import_hold(seeded)
    page = client.get("/dashboard/holds").text
    assert page.count("data-hold=") == 1
    assert "allegro, shop" in page
    assert "allegro: O0" in page
    assert "shop: O0" in page  # the same offer id on both accounts: two rows
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    done = client.post("/dashboard/holds", data={"id": hold_id, "action": "approve", "csrf": csrf})
    assert done.status_code == 303
    assert safety_parts(seeded.engine, {}).safety.hold(hold_id).status is HoldStatus.APPROVED
