"""The pending-transaction journal: every signed transaction is saved before it is sent.

Owns: ``<data dir>/chain-journal.json`` (format ``patient-wallet-tx-journal``, version 1; atomic
writes, mode 0600, a lock file around read-modify-write), its entries, and reconciliation with
the chain at start-up: a mined transaction is recorded as succeeded or failed; one still pending,
or lost by a node restart while its nonce is unused, is re-broadcast byte for byte (the same
signed transaction, so it cannot be applied twice); one whose nonce was used by another
transaction is marked ``replaced``.

Must not import Qt or the UI, and does not build or sign transactions (``client`` does). It reaches
the node only through the small :class:`ChainAccess` protocol that ``ChainClient`` implements.

Security notes: entries hold signed transactions (public once broadcast) and the fields needed to
recognise a duplicate grant (provider address, share id); never a key or a password. A signed
transaction is journaled before it is sent, so a crash between the two loses nothing and a retry
never signs a second, different transaction for the same intent.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from wallet.chain.errors import NodeUnavailable
from wallet.errors import ChainError, CorruptData, UnsupportedFormat
from wallet.fileio import ensure_private_dir, write_atomic

JOURNAL_FILE = "chain-journal.json"
FORMAT = "patient-wallet-tx-journal"
VERSION = 1

Status = Literal["pending", "mined", "failed", "replaced", "rejected"]
OPEN: tuple[Status, ...] = ("pending",)


@dataclass(frozen=True)
class JournalEntry:
    """One signed transaction and what it was for."""

    tx_hash: str
    raw_tx: str
    nonce: int
    sender: str
    chain_id: int
    kind: str
    description: str
    keys: Mapping[str, str] = field(default_factory=dict)
    status: Status = "pending"
    created_at: int = 0
    updated_at: int = 0
    block_number: int | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["keys"] = dict(self.keys)
        return data

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> JournalEntry:
        try:
            status = raw["status"]
            if status not in ("pending", "mined", "failed", "replaced", "rejected"):
                raise ValueError(status)
            keys = raw.get("keys", {})
            if not isinstance(keys, dict):
                raise TypeError("keys")
            block = raw.get("block_number")
            return cls(
                tx_hash=str(raw["tx_hash"]),
                raw_tx=str(raw["raw_tx"]),
                nonce=int(raw["nonce"]),
                sender=str(raw["sender"]),
                chain_id=int(raw["chain_id"]),
                kind=str(raw["kind"]),
                description=str(raw["description"]),
                keys={str(k): str(v) for k, v in keys.items()},
                status=status,
                created_at=int(raw.get("created_at", 0)),
                updated_at=int(raw.get("updated_at", 0)),
                block_number=None if block is None else int(block),
                note=str(raw.get("note", "")),
            )
        except (KeyError, TypeError, ValueError):
            raise CorruptData("The transaction journal holds a damaged entry.") from None

    def matches(self, chain_id: int, kind: str, keys: Mapping[str, str]) -> bool:
        """Same chain, same kind, and every given key field equal (case-insensitive)."""
        if self.chain_id != chain_id or self.kind != kind:
            return False
        return all(self.keys.get(k, "").lower() == v.lower() for k, v in keys.items())


class ChainAccess(Protocol):
    """What reconciliation needs from a connected client."""

    @property
    def chain_id(self) -> int: ...

    async def receipt_status(self, tx_hash: str) -> tuple[bool, int] | None:
        """``(succeeded, block_number)`` once mined, else ``None``."""
        ...

    async def is_known(self, tx_hash: str) -> bool:
        """Whether the node knows the transaction (pending or mined)."""
        ...

    async def confirmed_nonce(self, address: str) -> int:
        """How many transactions of ``address`` are mined (``eth_getTransactionCount latest``)."""
        ...

    async def send_raw(self, raw_tx: str) -> None:
        """Broadcast a signed transaction; tolerate "already known"."""
        ...


@dataclass(frozen=True)
class ReconcileOutcome:
    """What reconciliation did with one entry."""

    entry: JournalEntry
    action: Literal["mined", "failed", "rebroadcast", "replaced", "still-pending", "rejected"]


class Journal:
    """The journal file of one data directory. Every method re-reads the file under the lock."""

    def __init__(self, data_dir: Path) -> None:
        self._dir = data_dir
        self.path = data_dir / JOURNAL_FILE
        self._lock_path = data_dir / f".{JOURNAL_FILE}.lock"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        ensure_private_dir(self._dir)
        with open(self._lock_path, "a+b") as fh:
            self._lock_path.chmod(0o600)
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _read(self) -> list[JournalEntry]:
        if not self.path.exists():
            return []
        try:
            doc = json.loads(self.path.read_text("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise CorruptData("The transaction journal file is damaged.") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise CorruptData("The transaction journal file is not a journal.")
        if doc.get("version") != VERSION:
            raise UnsupportedFormat(
                f"The transaction journal is version {doc.get('version')}, "
                "written by a newer program."
            )
        entries = doc.get("entries")
        if not isinstance(entries, list):
            raise CorruptData("The transaction journal file is damaged.")
        return [JournalEntry.from_json(e) for e in entries]

    def _write(self, entries: list[JournalEntry]) -> None:
        doc = {"format": FORMAT, "version": VERSION, "entries": [e.to_json() for e in entries]}
        write_atomic(self.path, json.dumps(doc, indent=1, sort_keys=True).encode("utf-8"))

    def entries(self) -> list[JournalEntry]:
        """All entries, oldest first."""
        with self._locked():
            return self._read()

    def add(self, entry: JournalEntry) -> JournalEntry:
        """Save a signed transaction before it is sent (idempotent on the hash)."""
        now = int(time.time())
        stamped = replace(entry, created_at=entry.created_at or now, updated_at=now)
        with self._locked():
            entries = [e for e in self._read() if e.tx_hash != entry.tx_hash]
            entries.append(stamped)
            self._write(entries)
        return stamped

    def update(
        self, tx_hash: str, status: Status, *, block_number: int | None = None, note: str = ""
    ) -> JournalEntry | None:
        """Record what happened to a transaction; returns the updated entry if it exists."""
        updated: JournalEntry | None = None
        with self._locked():
            entries = self._read()
            for i, e in enumerate(entries):
                if e.tx_hash.lower() == tx_hash.lower():
                    updated = replace(
                        e,
                        status=status,
                        block_number=block_number if block_number is not None else e.block_number,
                        note=note or e.note,
                        updated_at=int(time.time()),
                    )
                    entries[i] = updated
            if updated is not None:
                self._write(entries)
        return updated

    def get(self, tx_hash: str) -> JournalEntry | None:
        for e in self.entries():
            if e.tx_hash.lower() == tx_hash.lower():
                return e
        return None

    def pending(self, chain_id: int, sender: str | None = None) -> list[JournalEntry]:
        """Open entries on ``chain_id`` (optionally of one sender), by nonce."""
        out = [
            e
            for e in self.entries()
            if e.chain_id == chain_id
            and e.status in OPEN
            and (sender is None or e.sender.lower() == sender.lower())
        ]
        return sorted(out, key=lambda e: (e.sender.lower(), e.nonce))

    def next_nonce(self, chain_id: int, sender: str) -> int | None:
        """One past the highest open nonce of ``sender`` on ``chain_id``; ``None`` if none open."""
        open_nonces = [e.nonce for e in self.pending(chain_id, sender)]
        return max(open_nonces) + 1 if open_nonces else None

    def find_pending(
        self, chain_id: int, kind: str, keys: Mapping[str, str]
    ) -> JournalEntry | None:
        """An open entry of ``kind`` whose key fields equal ``keys``, if any."""
        for e in self.pending(chain_id):
            if e.matches(chain_id, kind, keys):
                return e
        return None

    async def reconcile(self, client: ChainAccess) -> list[ReconcileOutcome]:
        """Settle every open entry of the client's chain with what the node knows."""
        outcomes: list[ReconcileOutcome] = []
        for entry in self.pending(client.chain_id):
            mined = await client.receipt_status(entry.tx_hash)
            if mined is not None:
                ok, block = mined
                status: Status = "mined" if ok else "failed"
                new = self.update(entry.tx_hash, status, block_number=block) or entry
                outcomes.append(ReconcileOutcome(new, "mined" if ok else "failed"))
                continue
            if await client.is_known(entry.tx_hash):
                # Still in the node's pool: re-broadcast the same bytes (harmless, helps peers).
                outcomes.append(await self._rebroadcast(client, entry, "still-pending"))
                continue
            if await client.confirmed_nonce(entry.sender) > entry.nonce:
                new = (
                    self.update(
                        entry.tx_hash,
                        "replaced",
                        note="Another transaction from this address used the same nonce.",
                    )
                    or entry
                )
                outcomes.append(ReconcileOutcome(new, "replaced"))
                continue
            outcomes.append(await self._rebroadcast(client, entry, "rebroadcast"))
        return outcomes

    async def _rebroadcast(
        self,
        client: ChainAccess,
        entry: JournalEntry,
        action: Literal["rebroadcast", "still-pending"],
    ) -> ReconcileOutcome:
        """Send the saved bytes again; a node that refuses them for good marks them rejected."""
        try:
            await client.send_raw(entry.raw_tx)
        except NodeUnavailable:
            raise
        except ChainError as exc:
            new = self.update(entry.tx_hash, "rejected", note=exc.user_message) or entry
            return ReconcileOutcome(new, "rejected")
        return ReconcileOutcome(entry, action)
