"""Encrypted backup of a wallet's data directory and verified restore on a new machine.

Owns ``patient-wallet-backup`` version 1 (``docs/BACKUP.md``): one file holding the record vault,
the share ledger, the pending-transaction journal and the non-secret settings, as a tar stream
encrypted with age v1 to an X25519 recipient derived from the seed (purpose ``backup``), so the
words alone open it; an optional backup password adds an inner scrypt layer. Also the files of
the paper backups: SLIP-39 shares and keystore v3 export.

Modules: :mod:`.format` (names, keys, manifest), :mod:`.writer` and :mod:`.export` (write, read
back, rename), :mod:`.reader` (decrypt and walk, used by both sides), :mod:`.restore` (scratch
directory, verify, swap), :mod:`.recovery` (share and keystore files), :mod:`.pipes` and
:mod:`.streams` (plumbing), :mod:`.service` (the facade).

Must not import Qt or the CLI. Security notes: no plaintext temporary file at any stage (tar and
age are joined by OS pipes), crypto only through :mod:`wallet.age` and ``cryptography``, every
failure a typed one-sentence error, and a restore changes nothing unless it fully verified.
"""

from __future__ import annotations

from wallet.backup.errors import (
    BackupCorrupt,
    BackupFailed,
    BackupPasswordNeeded,
    BackupUnsupported,
    BackupWrongPassword,
    BackupWrongWords,
    RestoreTargetNotEmpty,
)
from wallet.backup.export import BackupProgress, BackupReport
from wallet.backup.restore import RestoreReport
from wallet.backup.service import BackupService

__all__ = [
    "BackupCorrupt",
    "BackupFailed",
    "BackupPasswordNeeded",
    "BackupProgress",
    "BackupReport",
    "BackupService",
    "BackupUnsupported",
    "BackupWrongPassword",
    "BackupWrongWords",
    "RestoreReport",
    "RestoreTargetNotEmpty",
]
