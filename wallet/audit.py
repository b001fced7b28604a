"""The local audit log: what happened in this wallet, when, in order, sealed at rest.

Owns ``<data_dir>/audit.log``: an append-only file whose first line names its format and version in
plain JSON, followed by one SEALED line per entry (base64 of a 12-byte nonce and the
ChaCha20-Poly1305 ciphertext of the entry's JSON). The key is the session subkey ``audit-log``
(HKDF from the seed, so the recovery words restore it); the associated data binds the format,
the version and the entry's sequence number, so an entry moved, dropped from the middle or copied
from another line fails to open. A log cut short at its end is not detectable this way (nothing
outside the file records its length); the log is a record for the patient, not evidence against
them.

What is written: the kind of event (:class:`AuditKind`), a UTC timestamp, and identifiers only:
record ids, a share id, a counterparty address, a transaction hash, a short reason code. No record
title, file name or content ever goes in: the UI joins ids with the vault's titles in memory.

Writes append one line under an exclusive lock on the file (``fcntl``), then ``fsync``; the file
is created 0600. Must not import Qt. Security notes: the log reveals nothing without the seed;
its size and line count reveal roughly how many events happened.
"""

from __future__ import annotations

import base64
import binascii
import enum
import fcntl
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from wallet.errors import CorruptData, UnsupportedFormat, WalletValueError
from wallet.fileio import FILE_MODE, ensure_private_dir, fsync_dir

__all__ = [
    "AUDIT_FILE",
    "AUDIT_PURPOSE",
    "AuditEntry",
    "AuditKind",
    "AuditLog",
]

AUDIT_PURPOSE = "audit-log"
AUDIT_FORMAT = "patient-wallet-audit-log"
AUDIT_VERSION = 1
AUDIT_FILE = "audit.log"
MAX_AUDIT_BYTES = 64 * 1024 * 1024
_NONCE = 12
_HEADER = json.dumps({"format": AUDIT_FORMAT, "version": AUDIT_VERSION}, sort_keys=True) + "\n"
_IDENT = re.compile(r"[A-Za-z0-9_.:-]{1,128}", re.ASCII)
"""Identifiers only (ids, hex, addresses, reason codes): no spaces, so no sentence or title."""


class AuditKind(enum.StrEnum):
    """What happened."""

    UNLOCK = "unlock"
    LOCK = "lock"
    IMPORT = "import"
    EXPORT = "export"
    SHARE_CREATED = "share-created"
    GRANT_SENT = "grant-sent"
    GRANT_MINED = "grant-mined"
    REVOKE = "revoke"
    PROVIDER_OPEN = "provider-open"
    PROVIDER_REGISTERED = "provider-registered"


@dataclass(frozen=True)
class AuditEntry:
    """One event. Every field but ``kind`` and ``at`` is an identifier or empty."""

    kind: AuditKind
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    record_ids: tuple[str, ...] = ()
    share_id: str = ""
    counterparty: str = ""
    tx_hash: str = ""
    reason: str = ""

    def __post_init__(self) -> None:
        values = [*self.record_ids, self.share_id, self.counterparty, self.tx_hash, self.reason]
        for value in values:
            if value and not _IDENT.fullmatch(value):
                raise WalletValueError(
                    "An audit entry holds identifiers only (ids, addresses, hashes), not text."
                )
        if self.at.tzinfo is None:
            raise WalletValueError("An audit entry's time must carry its time zone.")

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "at": self.at.astimezone(UTC).isoformat(timespec="seconds"),
            "record_ids": list(self.record_ids),
            "share_id": self.share_id,
            "counterparty": self.counterparty,
            "tx_hash": self.tx_hash,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, raw: Any) -> AuditEntry:
        if not isinstance(raw, dict):
            raise ValueError("not an object")
        return cls(
            kind=AuditKind(raw["kind"]),
            at=datetime.fromisoformat(raw["at"]),
            record_ids=tuple(str(r) for r in raw.get("record_ids", [])),
            share_id=str(raw.get("share_id", "")),
            counterparty=str(raw.get("counterparty", "")),
            tx_hash=str(raw.get("tx_hash", "")),
            reason=str(raw.get("reason", "")),
        )


def _associated_data(sequence: int) -> bytes:
    return b"%s\x00%d\x00%d" % (AUDIT_FORMAT.encode("ascii"), AUDIT_VERSION, sequence)


class AuditLog:
    """The audit log of one data directory, sealed under ``key`` (the ``audit-log`` subkey)."""

    def __init__(self, path: Path, key: bytes) -> None:
        if len(key) != 32:
            raise WalletValueError("The audit log key must be 32 bytes.")
        self.path = Path(path)
        self._aead = ChaCha20Poly1305(key)

    @classmethod
    def in_data_dir(cls, root: Path, key: bytes) -> AuditLog:
        """The log at ``<root>/audit.log``."""
        return cls(Path(root) / AUDIT_FILE, key)

    # -- writing ---------------------------------------------------------------------------------

    def append(self, entry: AuditEntry) -> None:
        """Seal ``entry`` and append it as the next line (creates the file 0600 on first use)."""
        ensure_private_dir(self.path.parent)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with os.fdopen(os.dup(fd), "rb") as reader:
                reader.seek(0)
                existing = reader.read(MAX_AUDIT_BYTES + 1)
            if len(existing) > MAX_AUDIT_BYTES:
                raise CorruptData(f"The audit log {self.path} has grown too large to extend.")
            if existing:
                lines = self._check_header(existing)
                sequence = len(lines)
                prefix = b"" if existing.endswith(b"\n") else b"\n"
            else:
                sequence = 0
                prefix = _HEADER.encode("ascii")
            nonce = os.urandom(_NONCE)
            plain = json.dumps(entry.to_json(), sort_keys=True).encode("utf-8")
            sealed = nonce + self._aead.encrypt(nonce, plain, _associated_data(sequence))
            os.write(fd, prefix + base64.b64encode(sealed) + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            fsync_dir(self.path.parent)

    def record(self, kind: AuditKind, **fields: Any) -> AuditEntry:
        """Build an entry stamped now, append it, and return it."""
        entry = AuditEntry(kind, **fields)
        self.append(entry)
        return entry

    # -- reading ---------------------------------------------------------------------------------

    def _check_header(self, data: bytes) -> list[bytes]:
        header, _, rest = data.partition(b"\n")
        try:
            doc = json.loads(header)
        except ValueError:
            raise CorruptData(f"{self.path} is not a Patient Wallet audit log.") from None
        if not isinstance(doc, dict) or doc.get("format") != AUDIT_FORMAT:
            raise CorruptData(f"{self.path} is not a Patient Wallet audit log.")
        if doc.get("version") != AUDIT_VERSION:
            raise UnsupportedFormat(
                f"The audit log {self.path} was written by a newer Patient Wallet; update the "
                "program to read it."
            )
        return [line for line in rest.split(b"\n") if line]

    def entries(self) -> list[AuditEntry]:
        """Every entry, oldest first; an empty list when nothing was logged yet.

        Raises :class:`CorruptData` naming the first entry that was changed, moved or is not
        readable with this wallet's key.
        """
        return list(self._iter())

    def _iter(self) -> Iterator[AuditEntry]:
        try:
            with self.path.open("rb") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
                data = handle.read(MAX_AUDIT_BYTES + 1)
        except FileNotFoundError:
            return
        if len(data) > MAX_AUDIT_BYTES:
            raise CorruptData(f"The audit log {self.path} is too large to read.")
        if not data:
            return
        yield from _open_lines(self._aead, self._check_header(data), self.path)


def _open_lines(aead: ChaCha20Poly1305, lines: Iterable[bytes], path: Path) -> Iterator[AuditEntry]:
    for sequence, line in enumerate(lines):
        try:
            sealed = base64.b64decode(line, validate=True)
            if len(sealed) <= _NONCE:
                raise ValueError("too short")
            plain = aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], _associated_data(sequence))
            yield AuditEntry.from_json(json.loads(plain))
        except (InvalidTag, binascii.Error, ValueError, KeyError, TypeError):
            raise CorruptData(
                f"Entry {sequence + 1} of the audit log {path.name} was changed, moved or "
                "damaged, so the log cannot be trusted from there on."
            ) from None
