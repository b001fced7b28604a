"""The backup facade the CLI and the GUI call: export, restore, SLIP-39 shares, keystore export.

Owns nothing but the wiring: which session, vault and data directory each operation gets, the
password rule for a new keystore and a backup password, and recording ``last_backup_at`` once a
backup is verified and in place. The work is in :mod:`.export`, :mod:`.restore` and
:mod:`.recovery`.

Must not import Qt or the CLI. Long operations report ``progress(stage, done, total)`` from the
thread doing the work and raise typed :class:`~wallet.errors.WalletError` subclasses; a GUI runs
them in an executor. Security notes: passwords are passed through to the KDF and not kept; the
session is borrowed, never stored beyond a call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from wallet.backup.export import STAGE_READ, BackupProgress, BackupReport, export_backup
from wallet.backup.recovery import export_keystore, split_to_files, words_from_share_files
from wallet.backup.restore import RestoreReport, restore_backup
from wallet.datadir import DataDir
from wallet.kdf import KdfParams
from wallet.keystore import WalletSecret
from wallet.mnemonic import mnemonic_to_entropy, validate_mnemonic
from wallet.password_policy import require_acceptable_password
from wallet.session import Session
from wallet.settings import update_settings
from wallet.vault import Vault


class BackupService:
    """Backups of one data directory. ``session``/``vault`` are asked for only when needed."""

    def __init__(
        self,
        data_dir: DataDir,
        *,
        session: Callable[[], Session],
        vault: Callable[[], Vault],
        kdf_factory: Callable[[], KdfParams],
        release: Callable[[], None],
    ) -> None:
        self._data_dir = data_dir
        self._session = session
        self._vault = vault
        self._kdf_factory = kdf_factory
        self._release = release

    def export(
        self,
        out: Path,
        *,
        backup_password: str | None = None,
        progress: BackupProgress | None = None,
    ) -> BackupReport:
        """Write a verified backup to the new file ``out`` and record when it was made."""
        if backup_password is not None:
            require_acceptable_password(backup_password)
        report = export_backup(
            self._session(),
            self._vault(),
            self._data_dir,
            out,
            backup_password=backup_password,
            progress=progress,
        )
        self._data_dir.create()
        update_settings(self._data_dir.settings, last_backup_at=report.created_at)
        return report

    def restore(
        self,
        source: Path,
        words: str,
        password: str,
        *,
        passphrase: str = "",
        backup_password: str | None = None,
        force: bool = False,
        progress: BackupProgress | None = None,
    ) -> RestoreReport:
        """Restore ``source`` into this data directory with the words; all or nothing.

        The wallet is locked first (its vault must not stay open while it is replaced).
        """
        secret = WalletSecret(mnemonic_to_entropy(validate_mnemonic(words)), passphrase)
        require_acceptable_password(password)
        self._release()
        return restore_backup(
            Path(source),
            self._data_dir,
            secret,
            password,
            self._kdf_factory,
            backup_password=backup_password,
            force=force,
            progress=None if progress is None else lambda d, t: progress(STAGE_READ, d, t),
        )

    def split_shares(
        self, out_dir: Path, *, threshold: int, count: int, slip39_passphrase: bytes = b""
    ) -> list[Path]:
        """SLIP-39 shares of the wallet's words, one per new 0600 file in ``out_dir``."""
        return split_to_files(
            self._session(),
            Path(out_dir),
            threshold=threshold,
            count=count,
            slip39_passphrase=slip39_passphrase,
        )

    @staticmethod
    def words_from_shares(paths: Sequence[Path], *, slip39_passphrase: bytes = b"") -> str:
        """The recovery words that the share files recover (restore them like typed words)."""
        return words_from_share_files(paths, slip39_passphrase=slip39_passphrase)

    def export_keystore(
        self, out: Path, keystore_password: str, *, index: int = 0, scrypt_n: int | None = None
    ) -> str:
        """Account ``index`` as a keystore v3 file (new, 0600); returns the account address."""
        return export_keystore(
            self._session(), Path(out), keystore_password, index=index, scrypt_n=scrypt_n
        )
