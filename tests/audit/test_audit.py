"""The sealed local audit log: round trip, order, tamper detection, and nothing readable on disk."""

from __future__ import annotations

import base64
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wallet.audit import AUDIT_FILE, AuditEntry, AuditKind, AuditLog
from wallet.errors import CorruptData, UnsupportedFormat, WalletValueError

KEY = bytes(range(32))
RECORD_ID = "rec-7f3a9c"
PROVIDER = "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF"
MARKER = "MARKER-AUDIT-ZQ81"


def _log(tmp_path: Path, key: bytes = KEY) -> AuditLog:
    return AuditLog.in_data_dir(tmp_path / "data", key)


def test_round_trip_in_order(tmp_path: Path) -> None:
    log = _log(tmp_path)
    assert log.entries() == []
    at = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    written = [
        AuditEntry(AuditKind.UNLOCK, at=at),
        AuditEntry(AuditKind.IMPORT, at=at, record_ids=(RECORD_ID,)),
        AuditEntry(
            AuditKind.GRANT_SENT,
            at=at,
            record_ids=(RECORD_ID, "rec-2"),
            share_id="0x" + "ab" * 32,
            counterparty=PROVIDER,
            tx_hash="0x" + "cd" * 32,
            reason="TREAT",
        ),
        AuditEntry(AuditKind.LOCK, at=at, reason="idle"),
    ]
    for entry in written:
        log.append(entry)
    assert _log(tmp_path).entries() == written
    assert stat.S_IMODE(os.stat(log.path).st_mode) == 0o600
    assert log.path.name == AUDIT_FILE


def test_record_stamps_now(tmp_path: Path) -> None:
    log = _log(tmp_path)
    before = datetime.now(UTC).replace(microsecond=0)
    entry = log.record(AuditKind.REVOKE, share_id="0x01")
    assert entry.at >= before
    assert log.entries()[0].kind is AuditKind.REVOKE


def test_only_identifiers_are_accepted() -> None:
    with pytest.raises(WalletValueError):
        AuditEntry(AuditKind.IMPORT, record_ids=("Blood panel March.pdf",))
    with pytest.raises(WalletValueError):
        AuditEntry(AuditKind.IMPORT, at=datetime(2025, 1, 1))  # no time zone


def test_nothing_readable_on_disk(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.record(AuditKind.IMPORT, record_ids=(MARKER,))
    log.record(AuditKind.SHARE_CREATED, counterparty=PROVIDER, reason=MARKER)
    raw = log.path.read_bytes()
    assert MARKER.encode() not in raw
    assert PROVIDER.encode() not in raw and PROVIDER.lower().encode() not in raw
    assert b"share-created" not in raw and b"import" not in raw


def _lines(log: AuditLog) -> list[bytes]:
    return log.path.read_bytes().split(b"\n")


def test_a_changed_entry_is_named(tmp_path: Path) -> None:
    log = _log(tmp_path)
    for kind in (AuditKind.UNLOCK, AuditKind.IMPORT, AuditKind.LOCK):
        log.record(kind)
    lines = _lines(log)
    sealed = bytearray(base64.b64decode(lines[2]))
    sealed[-1] ^= 1
    lines[2] = base64.b64encode(bytes(sealed))
    log.path.write_bytes(b"\n".join(lines))
    with pytest.raises(CorruptData) as caught:
        log.entries()
    assert caught.value.user_message == (
        "Entry 2 of the audit log audit.log was changed, moved or damaged, so the log cannot be "
        "trusted from there on."
    )


def test_moved_or_dropped_entries_fail(tmp_path: Path) -> None:
    log = _log(tmp_path)
    for kind in (AuditKind.UNLOCK, AuditKind.IMPORT, AuditKind.LOCK):
        log.record(kind)
    header, one, two, three, end = _lines(log)
    log.path.write_bytes(b"\n".join([header, two, one, three, end]))
    with pytest.raises(CorruptData, match="Entry 1 "):
        log.entries()
    log.path.write_bytes(b"\n".join([header, one, three, end]))
    with pytest.raises(CorruptData, match="Entry 2 "):
        log.entries()


def test_another_wallets_key_cannot_read_it(tmp_path: Path) -> None:
    _log(tmp_path).record(AuditKind.UNLOCK)
    with pytest.raises(CorruptData, match="Entry 1 "):
        _log(tmp_path, bytes(32)).entries()
    _log(tmp_path, bytes(32)).record(AuditKind.LOCK)  # appends blindly, but the owner sees it
    with pytest.raises(CorruptData, match="Entry 2 "):
        _log(tmp_path).entries()


def test_foreign_and_newer_files_are_refused(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.path.parent.mkdir(parents=True)
    log.path.write_text("hello\n")
    with pytest.raises(CorruptData, match="not a Patient Wallet audit log"):
        log.entries()
    log.path.write_text('{"format": "patient-wallet-audit-log", "version": 9}\n')
    with pytest.raises(UnsupportedFormat):
        log.entries()
    with pytest.raises(UnsupportedFormat):
        log.record(AuditKind.LOCK)
