"""Exporting a backup: write it to a temporary file, read it back and verify, then rename.

Owns :func:`export_backup`, the order of operations that makes a backup trustworthy: the file is
written beside its final name (``.<name>.<random>.tmp``, 0600) by :mod:`wallet.backup.writer`,
fsynced, then read back from disk with the words' keys through :mod:`wallet.backup.reader`: every
member's SHA-256 must match what was written and the manifest, and every record file must decrypt
with the vault identity to the size and SHA-256 the index holds. Only then is the file renamed
into place; the caller records ``last_backup_at`` after that.

Must not import Qt or the CLI. Security notes: the temporary file holds ciphertext only and is
removed on any failure; the read-back decrypts records "to nowhere" (hash only), never to disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

from wallet import __version__
from wallet.age import AgeError, IncorrectIdentity, decrypt_stream
from wallet.backup.errors import BackupCorrupt, BackupFailed
from wallet.backup.format import backup_identity, info_document, manifest_key, record_id_of
from wallet.backup.reader import walk_backup
from wallet.backup.streams import NullSink
from wallet.backup.writer import WriteResult, encrypt_backup, produce_tar
from wallet.datadir import DataDir
from wallet.errors import WalletExists, WalletValueError
from wallet.fileio import FILE_MODE, fsync_dir, temp_path_for
from wallet.session import Session
from wallet.vault import Vault

#: ``progress(stage, done, total)``; ``stage`` is one of the ``STAGE_*`` labels.
BackupProgress = Callable[[str, int, int], None]
STAGE_WRITE = "Writing backup"
STAGE_VERIFY = "Verifying backup"
STAGE_READ = "Reading backup"

WRITE_BUFFER = 256 * 1024
NOT_SAVED = "the backup was not saved"


@dataclass(frozen=True)
class BackupReport:
    """A verified backup: where, when, how many records, how many bytes."""

    path: Path
    created_at: str
    records: int
    size: int


def _stage(progress: BackupProgress | None, stage: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


def _record_checker(
    session: Session, result: WriteResult, seen: set[str]
) -> Callable[[str, int, BinaryIO], None]:
    identity = session.identity

    def visit(path: str, _size: int, stream: BinaryIO) -> None:
        record_id = record_id_of(path)
        if record_id is None:
            return
        meta = result.records.get(record_id)
        hasher = hashlib.sha256()
        try:
            size = decrypt_stream(
                stream, cast(BinaryIO, NullSink()), [identity], plaintext_hash=hasher, armored=False
            )
        except (AgeError, IncorrectIdentity):
            size = -1
        if meta is None or size != meta.size or hasher.hexdigest() != meta.sha256:
            raise BackupCorrupt(
                f"Record {record_id[:8]} did not read back as the vault holds it; {NOT_SAVED}."
            )
        seen.add(record_id)

    return visit


def export_backup(
    session: Session,
    vault: Vault,
    data_dir: DataDir,
    out: Path,
    *,
    backup_password: str | None = None,
    progress: BackupProgress | None = None,
) -> BackupReport:
    """Write, verify and move into place a backup of ``data_dir`` at the new file ``out``."""
    out = Path(out)
    if out.exists():
        raise WalletExists(f"{out} already exists; choose a new file for the backup.")
    if not out.parent.is_dir():
        raise WalletValueError(f"The folder {out.parent} does not exist.")
    created_at = datetime.now(UTC).replace(microsecond=0)
    result = WriteResult()
    key = manifest_key(session)
    tmp = temp_path_for(out)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
        with os.fdopen(fd, "wb", buffering=WRITE_BUFFER) as dst:
            encrypt_backup(
                dst,
                lambda pipe: produce_tar(
                    pipe,
                    data_dir=data_dir,
                    vault=vault,
                    info=info_document(created_at, __version__),
                    manifest_key=key,
                    result=result,
                    progress=_stage(progress, STAGE_WRITE),
                ),
                backup_identity(session).recipient(),
                backup_password,
            )
            dst.flush()
            os.fsync(dst.fileno())
        seen: set[str] = set()
        contents = walk_backup(
            tmp,
            backup_identity(session),
            key,
            _record_checker(session, result, seen),
            password=backup_password,
            progress=_stage(progress, STAGE_VERIFY),
        )
        if contents.entries != result.entries or seen != set(result.records):
            raise BackupCorrupt(f"The backup did not read back as it was written; {NOT_SAVED}.")
        size = tmp.stat().st_size
        os.replace(tmp, out)
        fsync_dir(out.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        reason = exc.strerror or type(exc).__name__
        raise BackupFailed(f"Writing the backup failed ({reason}); {NOT_SAVED}.") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return BackupReport(out, contents.created_at, len(result.records), size)
