"""Keyrings for the privacy unit tests."""

from __future__ import annotations

import pytest
from privacy_keyring import K1, K2, keyring

from omnistock.privacy.keys import Keyring


@pytest.fixture
def old_ring() -> Keyring:
    return keyring("k1", k1=K1)


@pytest.fixture
def new_ring() -> Keyring:
    return keyring("k2", k2=K2, k1=K1)
