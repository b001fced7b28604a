"""Index schema versions: every released schema's fixture still opens; newer ones are refused."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from wallet.age import X25519Identity
from wallet.errors import CorruptData, UnsupportedFormat
from wallet.vault import Vault
from wallet.vault.index import MIGRATIONS, SCHEMA_VERSION, Index

from .fixtures.make_vault_v1 import INDEX_KEY_HEX, RECORDS, TARGET

RELEASED_FIXTURES = {1: TARGET}
"""Schema version -> a vault written by the release that introduced it. Add one per release."""


def schema_sql(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return sorted(
            sql for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
        )
    finally:
        db.close()


def test_every_released_schema_has_a_fixture() -> None:
    assert set(RELEASED_FIXTURES) == set(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("version", sorted(RELEASED_FIXTURES))
def test_released_fixture_opens_and_exports(
    version: int, tmp_path: Path, identity: X25519Identity
) -> None:
    root = tmp_path / "vault"
    shutil.copytree(RELEASED_FIXTURES[version], root)
    with Vault.open(root, identity, bytes.fromhex(INDEX_KEY_HEX)) as vault:
        assert vault._index.schema_version == SCHEMA_VERSION
        records = vault.list_records()
        by_source = {meta.source_name: meta for meta in records}
        assert set(by_source) == set(RECORDS)
        for name, data in RECORDS.items():
            meta = by_source[name]
            assert meta.size == len(data)
            assert meta.sha256 == hashlib.sha256(data).hexdigest()
            assert vault.read_bytes(meta.id) == data
            assert meta.version == 1
        assert by_source["observation.json"].media_type == "application/fhir+json"
        assert by_source["Lipid panel 2025.csv"].title == "Lipid panel 2025"
        assert vault.check(verify=True) == []


def test_fresh_index_has_the_released_schema(tmp_path: Path) -> None:
    index = Index(tmp_path / "index.sqlite3")
    index.close()
    assert schema_sql(tmp_path / "index.sqlite3") == schema_sql(
        RELEASED_FIXTURES[SCHEMA_VERSION] / "index.sqlite3"
    )


def test_migrations_run_in_order_one_version_each(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "steps.sqlite3")
    for step, migrate in enumerate(MIGRATIONS):
        migrate(db)
        db.execute(f"PRAGMA user_version = {step + 1}")
    assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
    db.close()


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(UnsupportedFormat, match="update the program"):
        Index(path)
    assert path.read_bytes() == before


def test_not_a_database_is_corrupt_data(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CorruptData, match="damaged or is not a database"):
        Index(path)
