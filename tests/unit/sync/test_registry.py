"""The adapter registry: file-backed fakes from the environment."""

from __future__ import annotations

from pathlib import Path

from omnistock.channels.fake import InMemoryChannel
from omnistock.sync.registry import ENV_FAKE_CHANNELS, adapters_from_env


def test_no_adapters_without_configuration() -> None:
    assert adapters_from_env({}) == {}


def test_each_json_file_is_one_fake_channel(tmp_path: Path) -> None:
    InMemoryChannel(path=tmp_path / "allegro.json", offers={"a": 2})
    InMemoryChannel(path=tmp_path / "shop.json")
    env = {ENV_FAKE_CHANNELS: str(tmp_path), "OMNISTOCK_FAKE_MAX_BATCH": "7"}
    adapters = adapters_from_env(env)
    assert sorted(adapters) == ["allegro", "shop"]
    assert adapters["allegro"].read_quantities(["a"]) == {"a": 2}
    assert adapters["shop"].capabilities.max_batch == 7
