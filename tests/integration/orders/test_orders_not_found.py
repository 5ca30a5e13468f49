"""An unknown order id has its own error code: ``unknown_order`` (CLI exit 2, API 404)."""

from __future__ import annotations

import sys

import pytest

from omnistock.domain.errors import ErrorCode
from omnistock.domain.orders import UnknownOrder
from omnistock.entrypoints.api.problems import from_domain
from omnistock.entrypoints.cli import EXIT_BAD_INPUT, main


def test_unknown_order_has_its_own_code_and_maps_to_404() -> None:
    error = UnknownOrder("no order 9", field="id")
    assert error.code is ErrorCode.UNKNOWN_ORDER != ErrorCode.INVALID_VALUE
    problem = from_domain(error, {"id": 9})
    assert (problem.status, problem.code) == (404, "unknown_order")
    assert from_domain(error, {}).status == 422  # an id in a body is bad input, not a path


def test_cli_orders_show_of_an_unknown_id_exits_2_naming_the_field(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OMNISTOCK_DB", db_url)
    monkeypatch.setattr(sys, "argv", ["omnistock", "orders", "show", "424242"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == EXIT_BAD_INPUT
    assert "id: no order 424242" in capsys.readouterr().err
