"""The record vault: one age v1 file per record plus a sealed index, crash-safe and streaming.

Owns ``<data_dir>/vault/``: ``records/<id>.age`` (each record encrypted to the patient's X25519
recipient), ``index.sqlite3`` (:mod:`wallet.vault.index`) and ``lock`` (one process at a time).
Imports, exports and key rotations stream in constant memory, whatever the record's size.

Write protocols. Import: an ``import`` intent is committed in the index, the ciphertext is written
to a temporary name in ``records/``, fsynced and renamed, the directory is fsynced, and only then
is the row committed (dropping the intent in the same transaction). Delete: the row is dropped and
a ``delete`` intent recorded in one transaction, then the file is unlinked. Rotate: the new file is
complete and fsynced before it is renamed over the old one, then the row's version is raised.
Recovery on :meth:`Vault.open` removes temporary files and, for every intent a crash left, the
file it may have produced: an import that never reported success leaves nothing behind. A
``.age`` file the index does not list and no intent explains (say, the index was restored from an
older backup) is kept and reported by :meth:`Vault.check`: it may be the only copy of a record.

Must not import Qt, and knows nothing of passwords or sessions: the caller passes the X25519
identity and the 32-byte index key. Security notes: no plaintext reaches the vault directory,
temporary files included (only age ciphertext and sealed index blobs). Rotation, and the import of
an age file sent to this vault, pass plaintext from a decrypting thread to the encryption through
an OS pipe (kernel memory, never a file). :meth:`Vault.read_bytes` decrypts into memory for
viewing; :meth:`Vault.export` writes plaintext only where the user chose, through a 0600 temporary
file beside it that is removed if the content fails its SHA-256 check, and never inside the vault.
What the vault does not hide: how many records there are, their sizes to within the age framing,
and when files were written. Python cannot reliably wipe ``bytes``; plaintext in memory lives as
long as the caller keeps it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import hashlib
import io
import os
import stat
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self, cast

from wallet.age import (
    Header,
    IncorrectIdentity,
    X25519Identity,
    decrypt_stream,
    encrypt_stream,
    looks_armored,
    read_header,
    unwrap_file_key,
)
from wallet.errors import CorruptData, WalletError, WalletNotFound, WalletValueError
from wallet.fileio import (
    FILE_MODE,
    ensure_private_dir,
    fsync_dir,
    remove_stale_temp_files,
    temp_path_for,
)
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
from wallet.vault.index import KEY_CHECK, Index, IndexRow
from wallet.vault.mediatype import SNIFF_BYTES, guess_media_type
from wallet.vault.record import (
    ID_HEX_CHARS,
    RECORD_SUFFIX,
    ProblemKind,
    RecordMeta,
    VaultProblem,
    new_record_id,
    parse_id_prefix,
    record_id_of_file,
)
from wallet.vault.sealed import (
    KEY_SIZE,
    MAX_TITLE_CHARS,
    SealedFields,
    open_key_check,
    seal_fields,
    seal_key_check,
    unseal_fields,
)
from wallet.vault.writeback import WriteBehindFile

Progress = Callable[[int, int], None]
"""``progress(done, total)`` in plaintext bytes; called from the thread doing the work."""

RECORDS_DIR = "records"
INDEX_FILE = "index.sqlite3"
LOCK_FILE = "lock"
DEFAULT_MAX_VIEW_SIZE = 64 * 2**20
_PLACEHOLDER_SHA256 = "0" * 64
AGE_MAGIC = b"age-encryption.org/"


def _io_failure(action: str, exc: OSError) -> VaultWriteFailed:
    reason = exc.strerror or type(exc).__name__
    return VaultWriteFailed(f"{action} failed: {reason}.")


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _clean_title(text: str) -> str:
    """A file name made fit for a title: undecodable bytes become U+FFFD, controls spaces."""
    text = os.fsencode(text).decode("utf-8", errors="replace")
    cleaned = "".join(" " if ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in text).strip()
    return cleaned[:MAX_TITLE_CHARS]


def _progress_adapter(progress: Progress | None, total: int) -> Callable[[int], None] | None:
    if progress is None:
        return None

    def report(done: int) -> None:
        progress(done, max(total, done))

    return report


class _MemorySink:
    """A write-only file object over a preallocated buffer that refuses to grow past ``size``."""

    def __init__(self, record_id: str, size: int) -> None:
        self._record_id = record_id
        self.buffer = bytearray(size)
        self.length = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        end = self.length + len(data)
        if end > len(self.buffer):
            raise RecordCorrupt(self._record_id)
        self.buffer[self.length : end] = data
        self.length = end
        return len(data)

    def flush(self) -> None:
        return None

    def wipe(self) -> None:
        self.buffer[:] = bytes(len(self.buffer))


class _HeadTap:
    """A reader that passes everything through and keeps the first :data:`SNIFF_BYTES` bytes."""

    def __init__(self, inner: io.BufferedReader) -> None:
        self._inner = inner
        self.head = b""

    def readinto(self, buffer: memoryview) -> int:
        count = self._inner.readinto(buffer) or 0
        if count and len(self.head) < SNIFF_BYTES:
            self.head += bytes(buffer[: min(count, SNIFF_BYTES - len(self.head))])
        return count

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        if len(self.head) < SNIFF_BYTES:
            self.head += data[: SNIFF_BYTES - len(self.head)]
        return data

    def close(self) -> None:
        self._inner.close()


class _NullSink:
    def write(self, data: bytes | bytearray | memoryview) -> int:
        return len(data)

    def flush(self) -> None:
        return None


class Vault:
    """The encrypted record store of one wallet. Open with :meth:`open`; thread-safe."""

    def __init__(
        self, root: Path, identity: X25519Identity, index_key: bytes, index: Index, lock_fd: int
    ) -> None:
        self.root = root
        self.records_dir = root / RECORDS_DIR
        self._identity = identity
        self._recipient = identity.recipient()
        self._index_key = index_key
        self._index = index
        self._lock_fd: int | None = lock_fd
        self._mutation = threading.RLock()
        #: Called (without arguments) after a record is imported, rotated or deleted.
        self.on_change: Callable[[], None] | None = None

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    # -- opening, recovery, closing -------------------------------------------------------------

    @classmethod
    def open(cls, root: Path, identity: X25519Identity, index_key: bytes) -> Vault:
        """Open the vault at ``root`` (creating it, 0700, if missing) and recover from a crash.

        Raises ``IndexKeyMismatch`` (a ``CorruptData``) if ``index_key`` or ``identity`` is not the
        one the vault was created with; nothing is changed in that case.
        """
        if not isinstance(index_key, bytes) or len(index_key) != KEY_SIZE:
            raise WalletValueError(f"The vault index key must be {KEY_SIZE} bytes.")
        root = Path(root)
        try:
            ensure_private_dir(root)
            ensure_private_dir(root / RECORDS_DIR)
            lock_fd = cls._acquire_lock(root / LOCK_FILE)
        except OSError as exc:
            raise _io_failure(f"Opening the vault at {root}", exc) from exc
        try:
            index = cls._open_index(root, identity, index_key)
        except BaseException:
            os.close(lock_fd)
            raise
        vault = cls(root, identity, index_key, index, lock_fd)
        try:
            vault._recover()
        except BaseException:
            vault.close()
            raise
        return vault

    @staticmethod
    def _acquire_lock(path: Path) -> int:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise VaultBusy(
                f"The vault at {path.parent} is open in another window or program; close it first."
            ) from None
        except BaseException:
            os.close(fd)
            raise
        return fd

    @staticmethod
    def _open_index(root: Path, identity: X25519Identity, index_key: bytes) -> Index:
        path = root / INDEX_FILE
        if not path.exists() and any(
            record_id_of_file(p.name) for p in (root / RECORDS_DIR).iterdir()
        ):
            raise CorruptData(
                f"The vault index {path} is missing but encrypted records are present; "
                "restore the index from a backup."
            )
        index = Index(path)
        try:
            owner = identity.recipient().to_string()
            check = index.get_meta(KEY_CHECK)
            if check is None:
                if index.rows():
                    raise CorruptData(f"The vault index {path} has lost its key check.")
                index.set_meta(KEY_CHECK, seal_key_check(index_key, owner))
            else:
                try:
                    sealed_owner = open_key_check(index_key, check)
                except CorruptData:
                    raise IndexKeyMismatch(
                        "The vault index cannot be opened with this wallet's index key; "
                        "nothing was changed."
                    ) from None
                if sealed_owner != owner:
                    raise IndexKeyMismatch(
                        "This vault belongs to a different encryption identity; "
                        "nothing was changed."
                    )
        except BaseException:
            index.close()
            raise
        return index

    def _recover(self) -> None:
        """Finish or undo what a crash interrupted. Runs under the vault lock, before any use."""
        try:
            remove_stale_temp_files(self.records_dir)
            for record_id, _op in self._index.intents():
                # Either op leaves a file that must go: an import never reported success (its row
                # is absent by construction), and a delete already dropped its row.
                valid = record_id_of_file(f"{record_id}{RECORD_SUFFIX}") == record_id
                if valid and self._index.row(record_id) is None:
                    _unlink_quietly(self._file(record_id))
                self._index.clear_intent(record_id)
            fsync_dir(self.records_dir)
        except OSError as exc:
            raise _io_failure(f"Recovering the vault at {self.root}", exc) from exc

    def close(self) -> None:
        """Close the index and release the vault lock. Idempotent."""
        with self._mutation:
            if self._lock_fd is None:
                return
            try:
                self._index.close()
            finally:
                os.close(self._lock_fd)
                self._lock_fd = None

    @property
    def closed(self) -> bool:
        return self._lock_fd is None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _require_open(self) -> None:
        if self._lock_fd is None:
            raise VaultClosed("The vault is closed; unlock the wallet to use it again.")

    # -- lookup ---------------------------------------------------------------------------------

    def _file(self, record_id: str) -> Path:
        name = f"{record_id}{RECORD_SUFFIX}"
        if record_id_of_file(name) != record_id:  # never a path outside records/
            raise CorruptData("The vault index lists a record id that is not valid.")
        return self.records_dir / name

    def _resolve(self, record_id: str) -> IndexRow:
        self._require_open()
        prefix = parse_id_prefix(record_id)
        if len(prefix) == ID_HEX_CHARS:
            row = self._index.row(prefix)
            if row is None:
                raise RecordNotFound(prefix)
            return row
        matches = self._index.ids_with_prefix(prefix)
        if not matches:
            raise RecordNotFound(prefix)
        if len(matches) > 1:
            raise AmbiguousRecordId(prefix, self._index.count_prefix(prefix))
        row = self._index.row(matches[0])
        if row is None:  # deleted in between by another thread
            raise RecordNotFound(prefix)
        return row

    def _meta(self, row: IndexRow) -> RecordMeta:
        fields = unseal_fields(self._index_key, row.record_id, row.version, row.sealed)
        return RecordMeta.from_fields(row.record_id, row.version, fields)

    def get(self, record_id: str) -> RecordMeta:
        """The record with this id (or unambiguous prefix of at least 6 hex characters)."""
        return self._meta(self._resolve(record_id))

    def list_records(self) -> list[RecordMeta]:
        """Every readable record, newest first. Damaged index entries are reported by check()."""
        self._require_open()
        records: list[RecordMeta] = []
        for row in self._index.rows():
            with contextlib.suppress(CorruptData):
                records.append(self._meta(row))
        records.sort(key=lambda meta: (meta.created_at, meta.id), reverse=True)
        return records

    def record_path(self, record_id: str) -> Path:
        """Where the record's age file is (it opens with ``age -d`` and the wallet's identity)."""
        return self._file(self._resolve(record_id).record_id)

    @contextlib.contextmanager
    def _open_record(self, record_id: str) -> Iterator[BinaryIO]:
        try:
            src = open(self._file(record_id), "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise RecordFileMissing(record_id) from None
        except OSError as exc:
            raise _io_failure(f"Reading record {record_id}", exc) from exc
        with src:
            try:
                yield src
            except RecordCorrupt:
                raise
            except (CorruptData, IncorrectIdentity) as exc:
                # The age layer's format and authentication errors, or a file swapped for one
                # that is not encrypted to this vault: either way the record cannot be trusted.
                raise RecordCorrupt(record_id) from exc
            except OSError as exc:
                if exc.errno == errno.EIO:
                    raise RecordCorrupt(record_id) from exc
                raise

    def header(self, record_id: str) -> Header:
        """The age header of the record's file (its stanzas and MAC)."""
        row = self._resolve(record_id)
        with self._open_record(row.record_id) as src:
            return read_header(src)

    def file_key(self, record_id: str) -> bytes:
        """The record's age file key, unwrapped with the vault identity (for sharing)."""
        row = self._resolve(record_id)
        with self._open_record(row.record_id) as src:
            return unwrap_file_key(read_header(src), [self._identity])

    # -- import ---------------------------------------------------------------------------------

    @staticmethod
    def _open_source(path: Path) -> BinaryIO:
        try:
            info = path.stat()
        except FileNotFoundError:
            raise WalletNotFound(f"The file {path} does not exist.") from None
        except OSError as exc:
            raise WalletValueError(f"The file {path} cannot be read ({exc.strerror}).") from None
        if stat.S_ISDIR(info.st_mode):
            raise WalletValueError(f"{path} is a folder; choose a file to import.")
        if not stat.S_ISREG(info.st_mode):
            raise WalletValueError(f"{path} is not a regular file; choose a file to import.")
        try:
            src = open(path, "rb")  # noqa: SIM115 - the caller closes it
        except FileNotFoundError:
            raise WalletNotFound(f"The file {path} does not exist.") from None
        except OSError as exc:
            raise WalletValueError(f"The file {path} cannot be read ({exc.strerror}).") from None
        if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):  # replaced since the stat above
            src.close()
            raise WalletValueError(f"{path} is not a regular file; choose a file to import.")
        return src

    def import_file(
        self,
        path: Path,
        *,
        title: str | None = None,
        media_type: str | None = None,
        progress: Progress | None = None,
    ) -> RecordMeta:
        """Encrypt the file at ``path`` into the vault as a new record and return its metadata.

        Streams in constant memory. The record exists once this returns; if it raises, the vault
        is as before (a crash is undone by the next :meth:`open`). An age file (binary or armored)
        encrypted to this vault's identity is imported as its content, re-encrypted under a fresh
        file key; its title and media type come from its name without ``.age`` and its content.
        """
        self._require_open()
        path = Path(path)
        with self._open_source(path) as src:
            try:
                total = os.fstat(src.fileno()).st_size
                head = src.read(SNIFF_BYTES)
                src.seek(0)
            except OSError as exc:
                raise WalletValueError(
                    f"The file {path} cannot be read ({exc.strerror})."
                ) from None
            adopt = head.startswith(AGE_MAGIC) or looks_armored(head)
            # An age file's own name ends in ".age"; the record is named after its content.
            name = path.name.removesuffix(".age") if adopt else path.name
            draft = SealedFields(  # validates title and media type before any work is done
                title=(_clean_title(Path(name).stem) or "Untitled record")
                if title is None
                else title.strip(),
                media_type="application/octet-stream"
                if media_type is None
                else media_type.strip().lower(),
                size=0,
                sha256=_PLACEHOLDER_SHA256,
                created_at=datetime.now(UTC),
                source_name=_clean_title(path.name),
            )
            record_id = new_record_id()
            if adopt:
                size, digest, head = self._write_adopted_record(
                    record_id, src, total, progress, path
                )
            else:
                size, digest = self._write_new_record(record_id, src, total, progress, path)
        if media_type is None:
            draft = dataclasses.replace(
                draft, media_type=guess_media_type(name, head, complete=size <= len(head))
            )
        fields = dataclasses.replace(draft, size=size, sha256=digest)
        row = IndexRow(record_id, 1, seal_fields(self._index_key, record_id, 1, fields))
        try:
            self._index.finish_import(row)
        except BaseException:
            self._abandon_import(record_id)
            raise
        self._changed()
        return RecordMeta.from_fields(record_id, 1, fields)

    def _write_adopted_record(
        self, record_id: str, src: BinaryIO, total: int, progress: Progress | None, path: Path
    ) -> tuple[int, str, bytes]:
        """Import an age file encrypted to this vault as its content, under a fresh file key.

        The sender of such a file knows its file key, so it is decrypted (in memory, through a
        pipe) and re-encrypted rather than stored as is.
        """

        def decrypt(pipe: BinaryIO) -> tuple[int, str]:
            hasher = hashlib.sha256()
            size = decrypt_stream(src, pipe, [self._identity], plaintext_hash=hasher)
            return size, hasher.hexdigest()

        target = self._file(record_id)
        tmp = temp_path_for(target)
        self._index.begin_import(record_id)
        try:
            size, digest, head = self._reencrypt(decrypt, tmp, _progress_adapter(progress, total))
            os.replace(tmp, target)
            fsync_dir(self.records_dir)
        except BaseException as exc:
            _unlink_quietly(tmp)
            self._abandon_import(record_id)
            if isinstance(exc, IncorrectIdentity):
                raise WalletValueError(
                    f"{path} is an age file encrypted to another key; ask its sender to encrypt "
                    "it to this wallet's recipient."
                ) from exc
            if isinstance(exc, CorruptData):
                raise CorruptData(f"{path} is a damaged age file and cannot be imported.") from exc
            if isinstance(exc, OSError):
                raise _io_failure(f"Importing {path}", exc) from exc
            raise
        return size, digest, head

    def _write_new_record(
        self, record_id: str, src: BinaryIO, total: int, progress: Progress | None, path: Path
    ) -> tuple[int, str]:
        target = self._file(record_id)
        tmp = temp_path_for(target)
        self._index.begin_import(record_id)
        try:
            hasher = hashlib.sha256()
            with WriteBehindFile(tmp) as dst:
                size = encrypt_stream(
                    src,
                    cast(BinaryIO, dst),
                    [self._recipient],
                    plaintext_hash=hasher,
                    progress=_progress_adapter(progress, total),
                )
                dst.sync()
            digest = hasher.hexdigest()
            os.replace(tmp, target)
            fsync_dir(self.records_dir)
        except BaseException as exc:
            _unlink_quietly(tmp)
            self._abandon_import(record_id)
            if isinstance(exc, OSError):
                raise _io_failure(f"Importing {path}", exc) from exc
            raise
        return size, digest

    def _abandon_import(self, record_id: str) -> None:
        """Undo a failed import now; if that fails too, the next open() finishes the job."""
        with contextlib.suppress(OSError, WalletError):
            _unlink_quietly(self._file(record_id))
            self._index.clear_intent(record_id)

    # -- export and viewing ---------------------------------------------------------------------

    def _verify(self, meta: RecordMeta, size: int, digest: str) -> None:
        if size != meta.size or digest != meta.sha256:
            raise RecordCorrupt(meta.id)

    def _decrypt(
        self,
        src: BinaryIO,
        dst: BinaryIO,
        progress: Progress | None,
        total: int,
    ) -> tuple[int, str]:
        """Decrypt a record file (binary age, never armored) to ``dst``; (size, SHA-256 hex)."""
        hasher = hashlib.sha256()
        size = decrypt_stream(
            src,
            dst,
            [self._identity],
            plaintext_hash=hasher,
            progress=_progress_adapter(progress, total),
            armored=False,
        )
        return size, hasher.hexdigest()

    def _decrypt_checked(
        self, meta: RecordMeta, src: BinaryIO, dst: BinaryIO, progress: Progress | None
    ) -> None:
        size, digest = self._decrypt(src, dst, progress, meta.size)
        self._verify(meta, size, digest)

    def export(
        self,
        record_id: str,
        out: Path,
        *,
        overwrite: bool = False,
        progress: Progress | None = None,
    ) -> RecordMeta:
        """Write the decrypted record to ``out`` after checking its SHA-256; atomic.

        Refuses to replace an existing ``out`` unless ``overwrite``. If decryption or the hash
        check fails, no output file is left behind.
        """
        meta = self.get(record_id)
        out = Path(out)
        if out.is_dir():
            raise WalletValueError(f"{out} is a folder; choose a file name to export to.")
        if not out.parent.is_dir():
            raise WalletNotFound(f"The folder {out.parent} does not exist.")
        if out.parent.resolve().is_relative_to(self.root.resolve()):
            raise WalletValueError("Decrypted records cannot be exported into the vault folder.")
        if out.exists() and not overwrite:
            raise ExportTargetExists(f"{out} already exists; choose another name or overwrite it.")
        tmp = temp_path_for(out)
        with self._open_record(meta.id) as src:
            try:
                dst = WriteBehindFile(tmp)
            except OSError as exc:
                raise _io_failure(f"Writing {out}", exc) from exc
            try:
                with dst:
                    self._decrypt_checked(meta, src, cast(BinaryIO, dst), progress)
                    dst.sync()
                self._place(tmp, out, overwrite=overwrite)
            except BaseException as exc:
                _unlink_quietly(tmp)
                if isinstance(exc, OSError) and exc.errno != errno.EIO:
                    raise _io_failure(f"Writing {out}", exc) from exc
                raise
        return meta

    @staticmethod
    def _place(tmp: Path, out: Path, *, overwrite: bool) -> None:
        if overwrite:
            os.replace(tmp, out)
        else:
            try:
                os.link(tmp, out)  # fails if ``out`` appeared meanwhile: never clobbers
            except FileExistsError:
                raise ExportTargetExists(
                    f"{out} already exists; choose another name or overwrite it."
                ) from None
            except OSError:
                # No hard links on this file system (FAT, some network shares).
                if out.exists():
                    raise ExportTargetExists(
                        f"{out} already exists; choose another name or overwrite it."
                    ) from None
                os.replace(tmp, out)
            else:
                tmp.unlink()
        fsync_dir(out.parent)

    def read_bytes(self, record_id: str, *, max_size: int = DEFAULT_MAX_VIEW_SIZE) -> bytes:
        """The decrypted, hash-checked record in memory, for viewing; never touches the disk."""
        meta = self.get(record_id)
        if meta.size > max_size:
            raise WalletValueError(
                f"Record {meta.id} is {meta.size} bytes, more than the {max_size} bytes that can "
                "be viewed; export it instead."
            )
        sink = _MemorySink(meta.id, meta.size)
        try:
            with self._open_record(meta.id) as src:
                self._decrypt_checked(meta, src, cast(BinaryIO, sink), None)
            return bytes(sink.buffer)
        finally:
            sink.wipe()

    # -- rotation and deletion ------------------------------------------------------------------

    def rotate(self, record_id: str) -> RecordMeta:
        """Re-encrypt the record under a fresh file key; ``version`` goes up by one.

        The old file is replaced only once the new one is complete and its content checked; the
        old file key cannot decrypt the new payload. Plaintext flows through an in-memory pipe.
        """
        meta = self.get(record_id)
        target = self._file(meta.id)
        tmp = temp_path_for(target)
        try:
            with self._open_record(meta.id) as src:
                size, digest, _head = self._reencrypt(
                    lambda pipe: self._decrypt(src, pipe, None, meta.size), tmp
                )
            self._verify(meta, size, digest)
            with self._mutation:
                current = self._index.row(meta.id)
                if current is None or current.version != meta.version:
                    raise RecordNotFound(meta.id)  # deleted or rotated meanwhile
                rotated = dataclasses.replace(meta, version=meta.version + 1)
                sealed = seal_fields(self._index_key, meta.id, rotated.version, rotated.fields())
                os.replace(tmp, target)
                fsync_dir(self.records_dir)
                # A crash here leaves the new key with the old version number: the file key did
                # change, only the counter lags, and the old key still cannot read the file.
                self._index.update_row(IndexRow(meta.id, rotated.version, sealed))
        except BaseException as exc:
            _unlink_quietly(tmp)
            if isinstance(exc, OSError):
                raise _io_failure(f"Rotating the key of record {meta.id}", exc) from exc
            raise
        self._changed()
        return rotated

    def _reencrypt(
        self,
        decrypt: Callable[[BinaryIO], tuple[int, str]],
        tmp: Path,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[int, str, bytes]:
        """Run ``decrypt(pipe)`` on a thread while a fresh encryption reads the pipe into ``tmp``.

        The pipe is kernel memory, not a file: plaintext never reaches the disk. ``decrypt``
        returns the plaintext size and SHA-256 it produced; they must match what the encryption
        consumed. Returns them and the plaintext's first :data:`SNIFF_BYTES` bytes.
        """
        read_fd, write_fd = os.pipe2(os.O_CLOEXEC)
        pipe_out = _HeadTap(os.fdopen(read_fd, "rb"))
        pipe_in = os.fdopen(write_fd, "wb")
        decrypted: list[tuple[int, str]] = []
        failure: list[BaseException] = []

        def run_decrypt() -> None:
            try:
                with pipe_in:
                    decrypted.append(decrypt(pipe_in))
            except BaseException as exc:  # noqa: BLE001 - re-raised by the main thread
                failure.append(exc)

        worker = threading.Thread(target=run_decrypt, name="vault-reencrypt", daemon=True)
        new_hash = hashlib.sha256()
        try:
            with WriteBehindFile(tmp) as dst:
                worker.start()
                try:
                    size = encrypt_stream(
                        cast(BinaryIO, pipe_out),
                        cast(BinaryIO, dst),
                        [self._recipient],
                        plaintext_hash=new_hash,
                        progress=progress,
                    )
                finally:
                    pipe_out.close()  # unblocks the decrypting thread if encryption stopped early
                    worker.join()
                if failure:
                    raise failure[0]
                dst.sync()
        finally:
            if worker.ident is None:
                pipe_in.close()  # the thread never started, so it never closed its end
            pipe_out.close()
        if len(decrypted) != 1 or decrypted[0] != (size, new_hash.hexdigest()):
            raise CorruptData("The content changed while it was being re-encrypted.")
        return size, decrypted[0][1], pipe_out.head

    def delete(self, record_id: str) -> None:
        """Remove the record's index row and its encrypted file."""
        row = self._resolve(record_id)
        with self._mutation:
            self._index.begin_delete(row.record_id)
            try:
                _unlink_quietly(self._file(row.record_id))
                fsync_dir(self.records_dir)
            except OSError as exc:
                # The row is gone; the intent makes the next open() remove the file.
                raise _io_failure(f"Deleting record {row.record_id}", exc) from exc
            self._index.clear_intent(row.record_id)
        self._changed()

    # -- consistency ------------------------------------------------------------------------------

    def check(self, *, verify: bool = False) -> list[VaultProblem]:
        """Problems the vault can see: missing files, damaged entries, unindexed files.

        With ``verify``, every record is also decrypted (to nowhere) and its SHA-256 compared:
        this reads the whole vault.
        """
        self._require_open()
        problems: list[VaultProblem] = []
        indexed: set[str] = set()
        for row in self._index.rows():
            indexed.add(row.record_id)
            try:
                meta = self._meta(row)
            except CorruptData as exc:
                problems.append(VaultProblem(row.record_id, ProblemKind.DAMAGED_ENTRY, str(exc)))
                continue
            if not self._file(row.record_id).exists():
                error = RecordFileMissing(row.record_id)
                problems.append(VaultProblem(row.record_id, ProblemKind.MISSING_FILE, str(error)))
            elif verify:
                try:
                    self._verify_file(meta)
                except RecordCorrupt as exc:
                    problems.append(VaultProblem(meta.id, ProblemKind.DAMAGED_FILE, str(exc)))
        for entry in sorted(self.records_dir.iterdir()):
            found = record_id_of_file(entry.name)
            if found is not None and found not in indexed:
                problems.append(
                    VaultProblem(
                        found,
                        ProblemKind.UNINDEXED_FILE,
                        f"The vault holds an encrypted file {entry.name} that its index does not "
                        "list; it was kept in case it is the only copy of a record.",
                    )
                )
        return problems

    def _verify_file(self, meta: RecordMeta) -> None:
        with self._open_record(meta.id) as src:
            self._decrypt_checked(meta, src, cast(BinaryIO, _NullSink()), None)
