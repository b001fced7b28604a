"""The vault's own error types: more specific subclasses of the core's typed errors.

Owns the sentences the vault shows when a record, the index or the vault directory cannot be used.
Every class derives from a :mod:`wallet.errors` class, so callers may catch either the general
kind (``CorruptData``, ``WalletNotFound``...) or the vault-specific one.

Must not import anything but :mod:`wallet.errors`. Messages name record ids (random, not sensitive)
and paths the user chose; they never contain record titles or content.
"""

from __future__ import annotations

from wallet.errors import (
    CorruptData,
    WalletError,
    WalletExists,
    WalletNotFound,
    WalletValueError,
)


class RecordCorrupt(CorruptData):
    """A record file is truncated, altered, or does not match its index entry."""

    def __init__(self, record_id: str, detail: str = "") -> None:
        suffix = f" ({detail})" if detail else ""
        super().__init__(
            f"Record {record_id} is damaged and cannot be decrypted{suffix}; "
            "restore it from a backup or delete it."
        )
        self.record_id = record_id


class RecordFileMissing(WalletNotFound):
    """The index lists a record whose encrypted file is no longer in the vault."""

    def __init__(self, record_id: str) -> None:
        super().__init__(
            f"The encrypted file of record {record_id} is missing from the vault; "
            "restore it from a backup or delete the record."
        )
        self.record_id = record_id


class RecordNotFound(WalletNotFound):
    """No record has this id (or id prefix)."""

    def __init__(self, record_id: str) -> None:
        super().__init__(f"No record with id {record_id} is in the vault.")
        self.record_id = record_id


class AmbiguousRecordId(WalletValueError):
    """An id prefix matches more than one record."""

    def __init__(self, prefix: str, count: int) -> None:
        super().__init__(
            f"The id prefix {prefix} matches {count} records; type more characters of the id."
        )
        self.prefix = prefix


class IndexKeyMismatch(CorruptData):
    """The index cannot be unsealed with the key (or identity) the vault was opened with."""


class VaultBusy(WalletError):
    """Another program (or window) has this vault open."""


class VaultClosed(WalletError):
    """An operation was attempted after :meth:`Vault.close`."""


class ExportTargetExists(WalletExists):
    """An export would overwrite an existing file and overwriting was not asked for."""


class VaultWriteFailed(WalletError):
    """The operating system refused a read or write (disk full, permissions, I/O error)."""
