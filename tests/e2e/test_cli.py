"""The ``omnistock`` command line as a user runs it: exit codes, output and database state."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Cli = Callable[..., Any]

pytestmark = pytest.mark.e2e

PRODUCTS = """\
sku,name,ean,vat,price,unit,group
MUG,Kubek ceramiczny,5901234120012,23,29.90,szt.,kuchnia
TEA,Herbata czarna,5901234120050,5,18.50,szt.,herbata
BOOK,Książka o herbacie,5901234120111,5,59.00,szt.,ksiazki
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


SHOP_STEPS = [
    ("channel", "add", "allegro-main", "--kind", "allegro"),
    ("channel", "add", "sklep", "--kind", "woocommerce"),
    ("listing", "link", "MUG", "allegro-main", "7000000001"),
    ("listing", "link", "MUG", "sklep", "wc-1"),
    ("listing", "link", "TEA", "allegro-main", "7000000002"),
    ("policy", "set", "--strategy", "percentage", "--share", "allegro-main=60",
     "--share", "sklep=30", "--reserve", "10", "--buffer", "2", "--resume-margin", "3"),
    ("stock", "set", "MUG", "22"),
    ("stock", "set", "TEA", "5"),
]  # fmt: skip


@pytest.fixture(scope="module")
def shop_db(tmp_path_factory: pytest.TempPathFactory, template_db: Path, omnistock: Cli) -> Path:
    """Three products, two channel accounts, listings, a percentage policy with buffer 2;
    22 MUG and 5 TEA in the main warehouse."""
    folder = tmp_path_factory.mktemp("shop")
    db = folder / "omnistock.db"
    shutil.copy(template_db, db)
    products = write(folder, "products.csv", PRODUCTS)
    for step in [("product", "import", str(products)), *SHOP_STEPS]:
        result = omnistock(folder, f"sqlite:///{db}", *step)
        assert result.code == 0, (step, result.err)
    return db


@pytest.fixture
def shop(shop_db: Path, tmp_path: Path, omnistock: Cli) -> Cli:
    """The CLI on a fresh copy of the shop database."""
    shutil.copy(shop_db, tmp_path / "shop.db")
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    return lambda *args: omnistock(tmp_path, url, *args)


def ok(result: Any) -> Any:
    """The result of a step that must succeed (its stderr shown if it did not)."""
    assert result.code == 0, f"exit {result.code}: {result.err}"
    return result


def on_hand(cli: Cli, sku: str) -> int:
    result = cli("stock", "show", sku, "--json")
    assert result.code == 0, result.err
    value = result.json()["on_hand"]
    assert isinstance(value, int)
    return value


def test_init_writes_config_creates_db_and_refuses_to_overwrite(
    tmp_path: Path, omnistock: Cli
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    first = omnistock(tmp_path, url, "init")
    assert first.code == 0, first.err
    config = tomllib.loads((tmp_path / "omnistock.toml").read_text(encoding="utf-8"))
    assert config["database"]["url"] == url
    assert (tmp_path / "shop.db").is_file()
    again = omnistock(tmp_path, url, "init")
    assert again.code == 2
    assert "--force" in again.err
    ok(omnistock(tmp_path, url, "init", "--force"))


def test_config_file_written_by_init_is_used_from_its_folder(
    tmp_path: Path, omnistock: Cli
) -> None:
    url = f"sqlite:///{tmp_path / 'from-config.db'}"
    ok(omnistock(tmp_path, None, "--db", url, "init"))
    # no flag, no environment: ./omnistock.toml written by init names the database
    listed = omnistock(tmp_path, None, "product", "list", "--json")
    assert listed.code == 0, listed.err
    assert listed.json() == []


def test_commands_before_init_ask_for_init(tmp_path: Path, omnistock: Cli) -> None:
    result = omnistock(tmp_path, f"sqlite:///{tmp_path / 'none.db'}", "product", "list")
    assert result.code == 2
    assert "omnistock init" in result.err
    assert not (tmp_path / "none.db").exists()


def test_bad_config_key_is_named(tmp_path: Path, omnistock: Cli) -> None:
    write(tmp_path, "bad.toml", '[database]\nurl = "sqlite://"\npool = 3\n')
    result = omnistock(tmp_path, None, "--config", "bad.toml", "product", "list")
    assert result.code == 2
    assert "database.pool" in result.err


def test_product_import_then_list(cli: Cli, tmp_path: Path) -> None:
    result = cli("product", "import", str(write(tmp_path, "p.csv", PRODUCTS)))
    assert result.code == 0, result.err
    assert "3" in result.out
    listed = cli("product", "list", "--json").json()
    assert [p["sku"] for p in sorted(listed, key=lambda p: p["sku"])] == ["BOOK", "MUG", "TEA"]
    table = cli("product", "list")
    assert "Kubek ceramiczny" in table.out


def test_malformed_product_csv_is_rejected_whole_with_line_and_column(
    cli: Cli, tmp_path: Path
) -> None:
    bad = PRODUCTS.replace("5901234120050", "5901234120051")  # TEA (line 3): bad check digit
    result = cli("product", "import", str(write(tmp_path, "bad.csv", bad)))
    assert result.code == 2
    assert "line 3" in result.err
    assert "ean" in result.err
    assert cli("product", "list", "--json").json() == []


def test_product_add_names_the_bad_field(cli: Cli) -> None:
    result = cli("product", "add", "X1", "Rzecz", "--price", "-1")
    assert result.code == 2
    assert "price" in result.err
    assert cli("product", "list", "--json").json() == []


def test_stock_set_and_negative_adjust(shop: Cli) -> None:
    ok(shop("stock", "set", "MUG", "10"))
    adjusted = shop("stock", "adjust", "MUG", "-3")
    assert adjusted.code == 0, adjusted.err
    ok(shop("stock", "adjust", "MUG", "+5"))
    assert on_hand(shop, "MUG") == 12


def test_adjust_below_zero_is_refused_and_changes_nothing(shop: Cli) -> None:
    result = shop("stock", "adjust", "MUG", "-23")
    assert result.code == 2
    assert "quantity" in result.err
    assert on_hand(shop, "MUG") == 22


def test_unknown_sku_is_an_error(shop: Cli) -> None:
    result = shop("stock", "set", "NOPE", "3")
    assert result.code == 2
    assert "NOPE" in result.err


def test_stock_import_leaves_missing_skus_unchanged(shop: Cli, tmp_path: Path) -> None:
    feed = write(tmp_path, "stock.csv", "sku,warehouse,on_hand\nMUG,main,20\n")
    result = shop("stock", "import", str(feed))
    assert result.code == 0, result.err
    assert on_hand(shop, "MUG") == 20
    assert on_hand(shop, "TEA") == 5


def test_importing_the_same_stock_file_twice_changes_nothing(shop: Cli, tmp_path: Path) -> None:
    feed = write(tmp_path, "stock.csv", "sku,warehouse,on_hand\nMUG,main,30\nTEA,main,9\n")
    first = ok(shop("stock", "import", str(feed), "--json")).json()
    assert (first["rows"], first["applied"]) == (2, 2)
    ok(shop("stock", "adjust", "MUG", "-4"))  # a sale after the count
    second = ok(shop("stock", "import", str(feed), "--json")).json()
    assert (second["applied"], second["already_applied"]) == (0, 2)
    assert on_hand(shop, "MUG") == 26


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an empty file would look like "everything is 0"
        ("", "empty"),
        # so would a header without rows
        ("sku,warehouse,on_hand\n", "no rows"),
        # a negative quantity on line 3
        ("sku,warehouse,on_hand\nMUG,main,20\nTEA,main,-1\n", "line 3"),
        # an unknown warehouse on line 2
        ("sku,warehouse,on_hand\nMUG,attic,20\n", "line 2"),
        # the same (sku, warehouse) twice
        ("sku,warehouse,on_hand\nMUG,main,20\nMUG,main,21\n", "line 3"),
    ],
)
def test_bad_stock_file_is_rejected_and_changes_nothing(
    shop: Cli, tmp_path: Path, text: str, expected: str
) -> None:
    result = shop("stock", "import", str(write(tmp_path, "stock.csv", text)))
    assert result.code == 2
    assert expected in result.err.lower()
    assert on_hand(shop, "MUG") == 22


def test_stock_show_json_has_exactly_the_documented_keys(shop: Cli) -> None:
    view = shop("stock", "show", "MUG", "--json").json()
    assert set(view) == {
        "sku", "on_hand", "reserved", "available", "buffer", "paused", "allocation",
    }  # fmt: skip
    assert view["sku"] == "MUG"
    assert view["on_hand"] == 22
    assert view["buffer"] == 2
    assert view["paused"] is False
    assert set(view["allocation"]) == {"allegro-main", "sklep"}
    assert sum(view["allocation"].values()) <= view["available"] - view["buffer"]
    assert view["allocation"]["allegro-main"] > view["allocation"]["sklep"] > 0


def test_falling_to_the_buffer_pauses_every_channel(shop: Cli) -> None:
    ok(shop("stock", "adjust", "MUG", "-20"))
    view = shop("stock", "show", "MUG", "--json").json()
    assert view["paused"] is True
    assert set(view["allocation"].values()) == {0}


@pytest.mark.parametrize(
    ("args", "field"),
    [
        # shares plus reserve above 100 %
        (
            ("--strategy", "percentage", "--share", "allegro-main=70", "--share", "sklep=40"),
            "share",
        ),
        # a negative buffer
        (("--strategy", "shared", "--buffer", "-1"), "buffer"),
        # a share for a channel that does not exist
        (("--strategy", "percentage", "--share", "ebay=10"), "ebay"),
        # a malformed share
        (("--strategy", "percentage", "--share", "allegro-main"), "share"),
    ],
)
def test_bad_policy_is_refused_and_changes_nothing(
    shop: Cli, args: tuple[str, ...], field: str
) -> None:
    result = shop("policy", "set", "--sku", "MUG", *args)
    assert result.code == 2
    assert field in result.err
    assert [rule["scope"] for rule in shop("policy", "list", "--json").json()] == ["global"]


def test_policy_list_shows_the_set_policy(shop: Cli) -> None:
    ok(shop("policy", "set", "--sku", "TEA", "--strategy", "shared"))
    listed = shop("policy", "list")
    assert listed.code == 0, listed.err
    assert "TEA" in listed.out
    assert "percentage" in listed.out


def test_allocation_explain_readable_and_json(shop: Cli) -> None:
    text = shop("allocation", "explain", "MUG")
    assert text.code == 0, text.err
    assert "MUG" in text.out
    assert "allegro-main" in text.out
    data = shop("allocation", "explain", "MUG", "--json").json()
    assert data["sku"] == "MUG"


def test_read_commands_print_json(shop: Cli) -> None:
    channels = shop("channel", "list", "--json").json()
    assert {c["name"] for c in channels} == {"allegro-main", "sklep"}
    listings = shop("listing", "list", "--json").json()
    assert len(listings) == 3


def test_help_lists_every_command(tmp_path: Path, omnistock: Cli) -> None:
    result = omnistock(tmp_path, None, "--help")
    assert result.code == 0
    for command in ("init", "product", "channel", "listing", "warehouse", "stock", "policy",
                    "allocation", "demo"):  # fmt: skip
        assert command in result.out
