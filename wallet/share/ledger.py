"""The share ledger: what this wallet shared, with whom, and where each share stands.

Owns ``<data_dir>/shares/ledger.json``. The file names its format and version in plain JSON and
holds the ledger itself SEALED: ChaCha20-Poly1305 under the session subkey ``share-ledger`` (HKDF
from the seed, so the words restore the key), a fresh 12-byte nonce per write, and associated data
binding the format name and version. Inside: one entry per share with its id, provider, chain id,
records (id and the version that was shared), purpose, days, expiry, bundle path, creation time,
grant and revoke transaction hashes and a state:

* ``created``: the bundle exists and this entry was written BEFORE the grant was sent (a crash
  after that leaves a share :mod:`wallet.share.service` can still match on chain by its id);
* ``granted``: the grant transaction was mined;
* ``revoking``: revocation started (revoke sent or about to be); records not yet all rotated;
* ``revoked``: revoke mined (or the grant was already gone) and every record of the share rotated.

Writes are atomic (temp file 0600, fsync, rename; :mod:`wallet.fileio`) under an exclusive lock
file, read-modify-write. Must not import Qt, the vault or the chain code. Security notes: which
provider got which records, and where bundles were saved, is private, hence sealed; a ledger
written by a newer program (unknown version) is refused, never rewritten.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from wallet.errors import CorruptData, UnsupportedFormat, WalletValueError
from wallet.fileio import FILE_MODE, ensure_private_dir, write_atomic
from wallet.share.envelope import EnvelopeErrors, SealedEnvelope
from wallet.share.errors import ShareNotFound

__all__ = ["LEDGER_PURPOSE", "LedgerEntry", "ShareLedger", "ShareState", "SharedRecord"]

LEDGER_PURPOSE = "share-ledger"
LEDGER_FORMAT = "patient-wallet-share-ledger"
LEDGER_VERSION = 1
LEDGER_FILE = "ledger.json"
LOCK_FILE = "ledger.lock"
MAX_LEDGER_BYTES = 64 * 1024 * 1024

ShareState = Literal["created", "granted", "revoking", "revoked"]
_STATES = ("created", "granted", "revoking", "revoked")


@dataclass(frozen=True)
class SharedRecord:
    record_id: str
    version: int


@dataclass(frozen=True)
class LedgerEntry:
    """One share as this wallet remembers it."""

    share_id: str
    provider: str
    chain_id: int
    records: tuple[SharedRecord, ...]
    purpose: str
    days: float
    bundle_path: str
    created_at: int
    state: ShareState = "created"
    expires_at: int | None = None
    grant_tx: str | None = None
    revoke_tx: str | None = None
    rotated: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        document = dataclasses.asdict(self)
        document["records"] = [[r.record_id, r.version] for r in self.records]
        document["rotated"] = list(self.rotated)
        return document

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> LedgerEntry:
        if raw.get("state") not in _STATES:
            raise ValueError("state")
        return cls(
            share_id=str(raw["share_id"]),
            provider=str(raw["provider"]),
            chain_id=int(raw["chain_id"]),
            records=tuple(SharedRecord(str(i), int(v)) for i, v in raw["records"]),
            purpose=str(raw["purpose"]),
            days=float(raw["days"]),
            bundle_path=str(raw["bundle_path"]),
            created_at=int(raw["created_at"]),
            state=raw["state"],
            expires_at=None if raw["expires_at"] is None else int(raw["expires_at"]),
            grant_tx=None if raw["grant_tx"] is None else str(raw["grant_tx"]),
            revoke_tx=None if raw["revoke_tx"] is None else str(raw["revoke_tx"]),
            rotated=tuple(str(r) for r in raw["rotated"]),
        )


class ShareLedger:
    """The sealed ledger file of one wallet. ``key`` is the 32-byte ``share-ledger`` subkey."""

    def __init__(self, directory: Path, key: bytes) -> None:
        if not isinstance(key, bytes) or len(key) != 32:
            raise WalletValueError("The share ledger key must be 32 bytes.")
        self.directory = Path(directory)
        self.path = self.directory / LEDGER_FILE
        self._envelope = SealedEnvelope(LEDGER_FORMAT, LEDGER_VERSION, key)

    # -- reading -------------------------------------------------------------------------------

    def entries(self) -> list[LedgerEntry]:
        """Every share, oldest first."""
        return self._read()

    def get(self, share_id: str) -> LedgerEntry:
        wanted = share_id.lower().removeprefix("0x")
        for entry in self._read():
            if entry.share_id == wanted:
                return entry
        raise ShareNotFound(f"No share with id 0x{wanted[:16]}… is in this wallet's ledger.")

    def _read(self) -> list[LedgerEntry]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise CorruptData(f"The share ledger cannot be read ({exc.strerror}).") from None
        if len(data) > MAX_LEDGER_BYTES:
            raise CorruptData("The share ledger is too large to be genuine.")
        plain = self._envelope.open(
            data,
            EnvelopeErrors(
                foreign=CorruptData(f"{self.path} is not a share ledger."),
                newer=UnsupportedFormat(
                    "The share ledger was written by a newer Patient Wallet; update the program."
                ),
                damaged=CorruptData(
                    "The share ledger cannot be opened with this wallet's keys; it is damaged."
                ),
            ),
        )
        try:
            inner = json.loads(plain)
            return [LedgerEntry.from_json(raw) for raw in inner["shares"]]
        except (KeyError, TypeError, ValueError):
            raise CorruptData("The share ledger's contents are not in the expected form.") from None

    # -- writing -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        ensure_private_dir(self.directory)
        fd = os.open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _write(self, entries: list[LedgerEntry]) -> None:
        plain = json.dumps(
            {"shares": [e.as_json() for e in entries]}, sort_keys=True, separators=(",", ":")
        ).encode("utf-8")
        write_atomic(self.path, self._envelope.seal(plain))

    def add(self, entry: LedgerEntry) -> None:
        """Record a new share (durably, before its grant is sent)."""
        with self._locked():
            entries = self._read()
            if any(e.share_id == entry.share_id for e in entries):
                raise WalletValueError("This share is already in the ledger.")
            self._write([*entries, entry])

    def update(self, share_id: str, **changes: Any) -> LedgerEntry:
        """Replace fields of one entry durably; returns the new entry."""
        with self._locked():
            entries = self._read()
            for index, entry in enumerate(entries):
                if entry.share_id == share_id:
                    entries[index] = dataclasses.replace(entry, **changes)
                    self._write(entries)
                    return entries[index]
        raise ShareNotFound(f"No share with id 0x{share_id[:16]}… is in this wallet's ledger.")
