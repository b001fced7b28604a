"""Vault test fixtures: a fixed X25519 identity, a random index key, a vault in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from wallet.age import X25519Identity
from wallet.vault import Vault

# A test-only identity made with age-keygen 1.1.1; it protects nothing.
IDENTITY_STRING = "AGE-SECRET-KEY-17W4S76UKK8XYU4D04WKNGA386V9AMR5YFLS7V238FD22W76JKM4Q4AM94Y"
RECIPIENT_STRING = "age1wsdnd83022rq5yjh9ltz9nukwtnju8u206cm22ne2skfugu9qusquatd65"


@pytest.fixture
def identity() -> X25519Identity:
    return X25519Identity.from_string(IDENTITY_STRING)


@pytest.fixture
def index_key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def vault_root(tmp_path: Path) -> Path:
    return tmp_path / "data" / "vault"


@pytest.fixture
def vault(vault_root: Path, identity: X25519Identity, index_key: bytes) -> Iterator[Vault]:
    opened = Vault.open(vault_root, identity, index_key)
    yield opened
    opened.close()


def make_file(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path
