"""Writing a backup: the vault, the share ledger, the journal and settings as one encrypted stream.

Owns :func:`write_backup`: collect the files, stream them as a tar (in a worker thread, into an OS
pipe), encrypt that stream as age v1 to the backup recipient (and, with a backup password, first
under scrypt in a second worker thread), and write the ciphertext to an open file. Nothing else
touches the disk: no plaintext temporary file exists at any point.

What is in a backup, and what is not, is decided here (``docs/BACKUP.md``): ``settings.json``,
``chain-journal.json``, the regular files of ``shares/`` (not hidden lock or temporary files),
``vault/index.sqlite3`` and the ``vault/records/<id>.age`` file of every record the index lists.
Not the keystore (the words re-create it), not the vault's lock file, not an age file the index
does not list (``records check`` reports those).

Must not import Qt or the CLI. Security notes: every file in the tar is already ciphertext or
non-secret (record files are age, the index fields and the ledger are sealed); the tar is
encrypted anyway, so even which providers a patient shared with is not readable without the
words. The index is copied inside a SQLite read transaction (the index uses the rollback journal,
so no write can commit while it is copied), and the records listed in that same transaction are
the ones written, so the index and record set agree.
"""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import tarfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from wallet.age import ScryptRecipient, X25519Recipient, encrypt_stream
from wallet.backup.format import (
    INDEX_PATH,
    INFO_MEMBER,
    JOURNAL_PATH,
    MANIFEST_MEMBER,
    RECORDS_PREFIX,
    SETTINGS_PATH,
    SHARES_PREFIX,
    Entry,
    data_member,
    is_allowed_data_path,
    manifest_document,
)
from wallet.backup.pipes import produced_by
from wallet.backup.streams import HashingReader
from wallet.datadir import DataDir
from wallet.errors import CorruptData
from wallet.vault import RecordMeta, Vault

#: ``progress(done, total)`` in bytes of data files written into the backup.
WriteProgress = Callable[[int, int], None]

COPY_BUFFER = 256 * 1024
INDEX_FILE = "index.sqlite3"


@dataclass
class WriteResult:
    """What the tar producer wrote: every member in order, and the records it held."""

    entries: list[Entry] = field(default_factory=list)
    records: dict[str, RecordMeta] = field(default_factory=dict)


def _side_files(data_dir: DataDir) -> list[tuple[str, Path]]:
    """The small files written before the index: settings, journal, share ledger files."""
    found = [
        (path, data_dir.root / path)
        for path in (SETTINGS_PATH, JOURNAL_PATH)
        if (data_dir.root / path).is_file()
    ]
    if data_dir.shares.is_dir():
        for entry in sorted(data_dir.shares.iterdir()):
            path = SHARES_PREFIX + entry.name
            if entry.is_file() and not entry.is_symlink() and is_allowed_data_path(path):
                found.append((path, entry))
    return found


def estimate_size(data_dir: DataDir) -> int:
    """Roughly how many bytes a backup of ``data_dir`` writes (for a progress total)."""
    total = 0
    candidates = [p for _, p in _side_files(data_dir)]
    candidates.append(data_dir.vault / INDEX_FILE)
    records = data_dir.vault / "records"
    if records.is_dir():
        candidates.extend(records.glob("*.age"))
    for path in candidates:
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return max(total, 1)


@contextlib.contextmanager
def _index_read_transaction(index: Path) -> Iterator[None]:
    """Hold a SQLite SHARED lock on the index: no write commits until the block ends."""
    db = sqlite3.connect(f"{index.absolute().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        db.execute("BEGIN")
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield
    except sqlite3.Error as exc:
        raise CorruptData(f"The vault index {index} could not be read ({exc}).") from None
    finally:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        db.close()


class _TarWriter:
    """Adds members to a streaming tar, hashing each and reporting progress."""

    def __init__(self, tar: tarfile.TarFile, progress: WriteProgress | None, total: int) -> None:
        self._tar = tar
        self._progress = progress
        self._total = total
        self._done = 0
        self.entries: list[Entry] = []

    def _tick(self, count: int) -> None:
        self._done += count
        if self._progress is not None:
            self._progress(min(self._done, self._total), self._total)

    def add_bytes(self, name: str, data: bytes) -> None:
        self._add(name, len(data), io.BytesIO(data), 0)

    def add_file(self, path: str, source: Path) -> None:
        with open(source, "rb", buffering=0) as fh:
            info = os.fstat(fh.fileno())
            self._add(data_member(path), info.st_size, fh, int(info.st_mtime))

    def _add(self, name: str, size: int, src: BinaryIO, mtime: int) -> None:
        member = tarfile.TarInfo(name)
        member.size = size
        member.mode = 0o600
        member.mtime = mtime
        member.uid = member.gid = 0
        member.uname = member.gname = ""
        hashing = HashingReader(src, self._tick)
        self._tar.addfile(member, hashing)  # reads exactly ``size`` bytes, or raises
        self.entries.append(Entry(name, size, hashing.hexdigest()))


def produce_tar(
    out: BinaryIO,
    *,
    data_dir: DataDir,
    vault: Vault,
    info: bytes,
    manifest_key: bytes,
    result: WriteResult,
    progress: WriteProgress | None = None,
) -> None:
    """Write the backup's tar stream to ``out``; fill ``result`` as members are written."""
    total = estimate_size(data_dir)
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        tar.copybufsize = COPY_BUFFER  # type: ignore[attr-defined]  # real, missing in typeshed
        writer = _TarWriter(tar, progress, total)
        writer.add_bytes(INFO_MEMBER, info)
        for path, source in _side_files(data_dir):
            writer.add_file(path, source)
        index = vault.root / INDEX_FILE
        with _index_read_transaction(index):
            records = {meta.id: meta for meta in vault.list_records()}
            writer.add_file(INDEX_PATH, index)
        for record_id in sorted(records):
            writer.add_file(f"{RECORDS_PREFIX}{record_id}.age", vault.record_path(record_id))
        result.records = records
        result.entries = list(writer.entries)
        writer.add_bytes(MANIFEST_MEMBER, manifest_document(writer.entries, manifest_key))


def encrypt_backup(
    dst: BinaryIO,
    produce: Callable[[BinaryIO], object],
    recipient: X25519Recipient,
    password: str | None,
) -> None:
    """Encrypt what ``produce`` writes to ``dst``: age to ``recipient``, scrypt layer inside."""
    with produced_by(produce, "backup-tar") as plain:
        if password is None:
            encrypt_stream(plain, dst, [recipient])
            return
        scrypt = ScryptRecipient(password.encode("utf-8"))

        def inner(out: BinaryIO) -> None:
            encrypt_stream(plain, out, [scrypt])

        with produced_by(inner, "backup-encrypt-password") as layered:
            encrypt_stream(layered, dst, [recipient])


def data_paths(entries: Sequence[Entry]) -> list[str]:
    """The data paths (relative to the data directory) among ``entries``."""
    prefix = data_member("")
    return [e.name.removeprefix(prefix) for e in entries if e.name.startswith(prefix)]
