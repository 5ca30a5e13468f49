from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from omnistock.privacy.keys import (
    ENV_HASH_KEY,
    ENV_KEY_FILE,
    ENV_KEYS,
    KeyConfigError,
    Keyring,
    UnknownKeyId,
    generate_key,
    load_keyring,
)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


A, B, H = b"a" * 32, b"b" * 32, b"h" * 32


def env(keys: str, hash_key: str = b64(H)) -> dict[str, str]:
    return {ENV_KEYS: keys, ENV_HASH_KEY: hash_key}


def write_key_file(path: Path, mode: int) -> Path:
    path.write_text(
        f'active = "new"\nhash_key = "{b64(H)}"\n[keys]\nnew = "{b64(B)}"\nold = "{b64(A)}"\n',
        encoding="utf-8",
    )
    os.chmod(path, mode)
    return path


def test_first_key_in_the_environment_is_active_and_others_only_read() -> None:
    ring = load_keyring(env(f"k2:{b64(B)}, k1:{b64(A)}"))
    assert ring.active == "k2"
    assert ring.key("k1") == A
    assert ring.retired == {"k1"}
    assert ring.hash_key == H


def test_environment_wins_over_the_key_file(tmp_path: Path) -> None:
    path = write_key_file(tmp_path / "keys.toml", 0o600)
    assert load_keyring(env(f"e:{b64(A)}"), key_file=path).active == "e"
    assert load_keyring({}, key_file=path).active == "new"
    assert load_keyring({ENV_KEY_FILE: str(path)}).keys["old"] == A


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o644])  # group/others may read or write
def test_refuses_a_key_file_others_can_access(tmp_path: Path, mode: int) -> None:
    path = write_key_file(tmp_path / "keys.toml", mode)
    with pytest.raises(KeyConfigError, match="chmod 600") as caught:
        load_keyring({}, key_file=path)
    assert caught.value.field == "key_file"


@pytest.mark.parametrize(
    ("environ", "field", "match"),
    [
        ({}, "keys", "no privacy keys"),  # nothing configured
        (env(f"k1:{b64(A)}", ""), ENV_HASH_KEY, "not set"),  # hash key missing
        (env("k1"), ENV_KEYS, "kid:base64key"),  # no separator
        (env("k1:@@@"), f"{ENV_KEYS}[k1]", "base64"),  # not base64
        (env(f"k1:{b64(b'short')}"), "keys", "32 bytes"),  # AES-256 needs 32 bytes
        (env(f"k_1:{b64(A)}"), "kid", "letters, digits"),  # '_' is a LIKE wildcard
        (env(f"k1:{b64(A)},k1:{b64(B)}"), ENV_KEYS, "repeated"),  # duplicate id
        (env(f"k1:{b64(A)}", b64(A)), "hash_key", "differ"),  # hash key reuses a cipher key
        (env(f"k1:{b64(A)}", b64(b"x" * 8)), "hash_key", "≥ 32"),  # hash key too short
    ],
)
def test_bad_key_configuration_is_a_clear_error(
    environ: dict[str, str], field: str, match: str
) -> None:
    with pytest.raises(KeyConfigError, match=match) as caught:
        load_keyring(environ)
    assert caught.value.field == field


def test_missing_key_file_and_bad_toml_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(KeyConfigError, match="not found"):
        load_keyring({}, key_file=tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("active = \n", encoding="utf-8")
    bad.chmod(0o600)
    with pytest.raises(KeyConfigError, match="cannot read"):
        load_keyring({}, key_file=bad)


def test_active_key_must_be_in_the_ring() -> None:
    with pytest.raises(KeyConfigError, match="not in the keyring"):
        Keyring(active="k9", keys={"k1": A}, hash_key=H)


def test_unknown_key_id_names_the_known_ones() -> None:
    ring = Keyring(active="k1", keys={"k1": A}, hash_key=H)
    with pytest.raises(UnknownKeyId, match=r"'k0'.*known: k1"):
        ring.key("k0")


def test_generated_keys_are_random_32_byte_keys() -> None:
    first, second = generate_key(), generate_key()
    assert first != second
    assert len(base64.b64decode(first)) == 32


def test_repr_does_not_show_keys() -> None:
    ring = Keyring(active="k1", keys={"k1": A}, hash_key=H)
    assert "aaaa" not in repr(ring)
    assert "hhhh" not in repr(ring)
