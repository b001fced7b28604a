"""Typed errors of backup and restore, each with one sentence the patient can act on.

Owns the failure classes a backup file can show: damaged or truncated (:class:`BackupCorrupt`),
made with other words (:class:`BackupWrongWords`), protected by a backup password that was not
given (:class:`BackupPasswordNeeded`) or given wrong (:class:`BackupWrongPassword`), written by a
newer program (:class:`BackupUnsupported`), and a restore target that is in use or not empty.

Must not import anything but ``wallet.errors``. Security note: messages never contain words,
passwords, key material or record content.
"""

from __future__ import annotations

from wallet.errors import (
    CorruptData,
    UnsupportedFormat,
    WalletError,
    WalletExists,
    WalletValueError,
    WrongPassword,
)

NOTHING_CHANGED = "nothing was changed"


class BackupCorrupt(CorruptData):
    """The backup file is truncated, altered, or its content does not match its manifest."""


class BackupUnsupported(UnsupportedFormat):
    """The backup names a format or version this program does not know."""


class BackupWrongWords(WalletError):
    """The backup was not encrypted to the backup key of these recovery words."""


class BackupPasswordNeeded(WalletValueError):
    """The backup has a backup password and none was given."""


class BackupWrongPassword(WrongPassword):
    """The backup password does not open the backup. Retryable; nothing was changed."""


class RestoreTargetNotEmpty(WalletExists):
    """Restoring into a data directory that already holds files, without ``force``."""


class BackupFailed(WalletError):
    """Writing or reading the backup failed for a reason outside the file (disk full, I/O)."""
