"""The demo folder's files: ``omnistock.toml`` (database, channel accounts pointing at the
sandboxes, privacy key file, seller data) and the privacy key file, so every ``omnistock``
command can inspect the demo database afterwards (the sandboxes stop with the demo)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from omnistock.demo.stage import SECRET, SELLER_NIP, Stage
from omnistock.privacy.keys import generate_key
from omnistock.service.invoice_config import InvoicingConfig

__all__ = ["INVOICING", "write_config", "write_key_file"]

INVOICING = {
    "nip": SELLER_NIP,
    "name": "Herbaciarnia Demo sp. z o.o.",
    "address": ["ul. Prosta 1", "00-001 Warszawa"],
    "bank_account": "PL61109010140000071219812874",
}


def invoicing_config() -> InvoicingConfig:
    return InvoicingConfig.from_section(INVOICING)


def write_key_file(path: Path) -> Path:
    """A fresh privacy key file readable only by its owner."""
    text = f'active = "demo1"\nhash_key = "{generate_key()}"\n[keys]\ndemo1 = "{generate_key()}"\n'
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def _q(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_config(path: Path, db_url: str, key_file: Path, stage: Stage) -> None:
    """``omnistock.toml`` of the demo."""
    amazon = stage.amazon_config()
    lines = [
        "# Written by `omnistock demo`; the sandbox URLs stop working when the demo ends.",
        f"[database]\nurl = {_q(db_url)}\n",
        "[channels.allegro-main]", 'type = "allegro"', 'name = "allegro-main"',
        f"client_id = {_q(SECRET)}", f"client_secret = {_q(SECRET)}",
        f"api_url = {_q(stage.url('allegro'))}", f"auth_url = {_q(stage.url('allegro'))}",
        f"token_file = {_q(str(stage.folder / 'allegro-main-tokens.json'))}\n",
        "[channels.sklep]", 'type = "woocommerce"', 'name = "sklep"',
        f"base_url = {_q(stage.url('woocommerce'))}",
        f"consumer_key = {_q(SECRET)}", f"consumer_secret = {_q(SECRET)}\n",
        "[channels.amazon-pl]", 'type = "amazon"', 'name = "amazon-pl"',
        f"api_url = {_q(amazon.api_url)}", f"token_url = {_q(amazon.token_url)}",
        f"client_id = {_q(SECRET)}", f"client_secret = {_q(SECRET)}",
        f"refresh_token = {_q(amazon.refresh_token)}", f"seller_id = {_q(amazon.seller_id)}",
        f"marketplace_id = {_q(amazon.marketplace_id)}\n",
        f"[privacy]\nkey_file = {_q(str(key_file))}\n",
        "[invoicing]",
        *(f"{key} = {_q(value)}" for key, value in INVOICING.items()),
    ]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
