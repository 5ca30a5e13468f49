"""The live summary: one Rich table redrawn after every cycle (on stderr)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from omnistock.demo.stage import CHANNELS
from omnistock.demo.tour import Tour

__all__ = ["live_view"]


def live_view(tour: Tour, phase: str, header: str) -> Group:
    """What the tour has done so far (counters of this run; the final JSON is measured)."""
    log, buyers = tour.log, tour.buyers
    table = Table(show_header=False, box=None, padding=(0, 2))
    rows = [
        ("phase", f"{phase} — cycle {log.cycles}, shop time {tour.clock.now():%H:%M:%S} UTC"),
        ("orders placed", f"{len(buyers.sales)} accepted, {buyers.refused} refused (sold out)"),
        ("order imports failed", f"{log.import_failures} (5xx/429; retried next cycle)"),
        ("invoices issued", f"{len(tour.invoices)} (B2B orders, sent to the KSeF sandbox)"),
        ("all-zero stock feed", log.zero_feed),
        ("holds", str(len(tour.parts.safety.holds()))),
        ("listings to push", str(tour.dirty())),
        ("SMS / e-mails sent", f"{_sms(tour)} / {len(tour.stage.inbox.messages)}"),
        ("API calls", ", ".join(f"{ch} {tour.stage.counters[sb].calls}"
                                for ch, sb in CHANNELS.items())),
    ]  # fmt: skip
    for key, value in rows:
        table.add_row(Text(key, style="bold"), value)
    notes = Text("\n".join(log.notes[-3:]) + "\n", style="dim")
    return Group(Text(header), table, notes)


def _sms(tour: Tour) -> int:
    messages: list[object] = tour.stage.sandboxes["smsapi"].messages
    return len(messages)
