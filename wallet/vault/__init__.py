"""The encrypted record vault: one age v1 file per record and an index whose fields are sealed.

Owns ``<data_dir>/vault/``. See :mod:`wallet.vault.store` for the write and recovery protocol,
:mod:`wallet.vault.index` for the index schema and migrations, :mod:`wallet.vault.sealed` for the
sealed-field format. Must not import Qt and knows nothing of passwords or sessions: callers pass
the X25519 identity and the 32-byte index key explicitly. No plaintext is ever written under the
vault directory.
"""

from __future__ import annotations

from wallet.vault.errors import (
    AmbiguousRecordId,
    ExportTargetExists,
    IndexKeyMismatch,
    RecordCorrupt,
    RecordFileMissing,
    RecordNotFound,
    VaultBusy,
    VaultClosed,
    VaultWriteFailed,
)
from wallet.vault.index import IndexUnavailable
from wallet.vault.record import ProblemKind, RecordMeta, VaultProblem
from wallet.vault.store import Progress, Vault

__all__ = [
    "AmbiguousRecordId",
    "ExportTargetExists",
    "IndexKeyMismatch",
    "IndexUnavailable",
    "ProblemKind",
    "Progress",
    "RecordCorrupt",
    "RecordFileMissing",
    "RecordMeta",
    "RecordNotFound",
    "Vault",
    "VaultBusy",
    "VaultClosed",
    "VaultProblem",
    "VaultWriteFailed",
]
