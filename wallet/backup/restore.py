"""Restoring a backup into a data directory: all of it, verified, or nothing.

Owns :func:`restore_backup` and the swap protocol. The backup is read (:mod:`wallet.backup.reader`)
into a scratch directory beside the target (``.<name>.restore-<random>.tmp``, mode 0700), a new
keystore is written there under the new password, and the scratch vault is opened with the keys of
the words and checked record by record (``Vault.check(verify=True)`` decrypts every record and
compares its SHA-256 with the index). Only then is it swapped in: a missing or empty target is
replaced by one ``rename``; a non-empty one (``force`` only) is renamed aside, the scratch renamed
in, and the old one deleted last. Any failure before the swap deletes the scratch directory and
leaves the target exactly as it was.

Must not import Qt or the CLI. Security notes: the target's vault lock is held from the start, so
a wallet open in another program is never replaced under it. Only files on the allow-list of
:mod:`wallet.backup.format` are written, each created exclusively (``O_EXCL | O_NOFOLLOW``, 0600)
inside the scratch directory; a backup cannot write elsewhere or plant a keystore. Every file
restored is ciphertext or non-secret, as it was in the original data directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from wallet.backup.errors import BackupCorrupt, BackupFailed, RestoreTargetNotEmpty
from wallet.backup.format import INDEX_PATH, backup_identity, data_member, manifest_key
from wallet.backup.reader import ReadProgress, walk_backup
from wallet.datadir import DataDir
from wallet.fileio import FILE_MODE, ensure_private_dir, fsync_dir
from wallet.kdf import KdfParams
from wallet.keystore import WalletSecret, write_keystore
from wallet.session import Session
from wallet.settings import load_settings, update_settings
from wallet.vault import Vault, VaultBusy

COPY_BUFFER = 256 * 1024
_SCRATCH = ".{name}.restore-{token}.tmp"
_ASIDE = ".{name}.old-{token}.tmp"


@dataclass(frozen=True)
class RestoreReport:
    """What a restore put in place."""

    records: int
    created_at: str


@contextlib.contextmanager
def _target_lock(root: Path) -> Iterator[None]:
    """Hold the target vault's lock (if it has one) so no program has that wallet open."""
    lock_path = root / "vault" / "lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW)
    except FileNotFoundError:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise VaultBusy(
                f"The wallet in {root} is open in another window or program; close it first."
            ) from None
        yield
    finally:
        os.close(fd)


def _write_member(scratch: Path, path: str, stream: BinaryIO) -> None:
    target = scratch / path  # ``path`` passed the allow-list: no "..", no absolute path
    ensure_private_dir(target.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(target, flags, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        shutil.copyfileobj(stream, fh, COPY_BUFFER)
        fh.flush()
        os.fsync(fh.fileno())


def _check_scratch(scratch: Path, session: Session) -> int:
    """Open the restored vault with the words' keys and verify every record; the record count."""
    with Vault.open(scratch / "vault", session.identity, session.index_key) as vault:
        problems = vault.check(verify=True)
        if problems:
            raise BackupCorrupt(
                f"The backup's vault has {len(problems)} damaged or unlisted record(s) "
                f"(first: {problems[0].message}); nothing was changed."
            )
        return len(vault.list_records())


def _swap_in(scratch: Path, root: Path, *, force: bool) -> None:
    parent = root.parent
    if DataDir(root).is_empty():
        os.replace(scratch, root)  # a missing or empty directory is replaced in one step
        fsync_dir(parent)
        return
    if not force:
        raise RestoreTargetNotEmpty(
            f"{root} is not empty; restore into an empty data directory or use --force."
        )
    aside = parent / _ASIDE.format(name=root.name, token=secrets.token_hex(6))
    os.rename(root, aside)
    try:
        os.rename(scratch, root)
    except BaseException:
        os.rename(aside, root)
        raise
    fsync_dir(parent)
    shutil.rmtree(aside)
    fsync_dir(parent)


def _refuse_unsafe_target(source: Path, root: Path, force: bool) -> None:
    if not DataDir(root).is_empty() and not force:
        raise RestoreTargetNotEmpty(
            f"{root} is not empty; restore into an empty data directory or use --force."
        )
    if root.exists() and source.resolve().is_relative_to(root.resolve()):
        raise BackupFailed(
            f"The backup file is inside {root}, which the restore replaces; move it out first."
        )


def restore_backup(
    source: Path,
    target: DataDir,
    secret: WalletSecret,
    password: str,
    kdf: Callable[[], KdfParams],
    *,
    backup_password: str | None = None,
    force: bool = False,
    progress: ReadProgress | None = None,
) -> RestoreReport:
    """Restore the backup ``source`` into ``target`` with the wallet of ``secret``.

    ``password`` protects the new keystore (the caller has checked it against the policy).
    Raises a :mod:`wallet.backup.errors` error, ``VaultBusy`` or ``WalletValueError``; in every
    failure case ``target`` is unchanged.
    """
    root = target.root
    _refuse_unsafe_target(source, root, force)
    root.parent.mkdir(parents=True, exist_ok=True)
    scratch = root.parent / _SCRATCH.format(name=root.name, token=secrets.token_hex(6))
    with Session.from_secret(secret) as session, _target_lock(root):
        ensure_private_dir(scratch)
        try:
            contents = walk_backup(
                source,
                backup_identity(session),
                manifest_key(session),
                lambda path, _size, stream: _write_member(scratch, path, stream),
                password=backup_password,
                progress=progress,
            )
            if data_member(INDEX_PATH) not in {e.name for e in contents.entries}:
                raise BackupCorrupt("The backup holds no record index; nothing was changed.")
            records = _check_scratch(scratch, session)
            restored = DataDir(scratch)
            load_settings(restored.settings)  # refuses a damaged or newer settings file
            update_settings(restored.settings, last_backup_at=contents.created_at)
            write_keystore(restored.keystore, secret, password, kdf())
            _swap_in(scratch, root, force=force)
        except OSError as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            reason = exc.strerror or type(exc).__name__
            raise BackupFailed(f"The restore failed ({reason}); nothing was changed.") from exc
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
    return RestoreReport(records=records, created_at=contents.created_at)
