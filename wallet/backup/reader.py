"""Reading a backup: decrypt its age layers through pipes and walk its tar, checking everything.

Owns :func:`walk_backup`: the one way a backup file is read, by the export's read-back check and by
restore alike. It decrypts the outer age layer (the backup identity), and the inner scrypt layer if
the backup has a password, each in a worker thread feeding an OS pipe; walks the tar stream member
by member; refuses any member that is not a regular file on the allow-list of
:mod:`wallet.backup.format`, out of order, or repeated; hands each data member to a visitor as a
stream; and at the end checks the manifest's MAC and that it lists exactly the members seen, with
their sizes and SHA-256. A file that fails any check raises one of :mod:`wallet.backup.errors`.

Must not import Qt, the vault or the CLI. Security notes: nothing is written here; the visitor
decides what goes where. Visitors receive data before the manifest is verified (streaming cannot
wait), so a caller writing to disk must write into a scratch place and keep it only if this
function returns. The age layers authenticate every chunk as it is read; truncation is detected at
the end of the stream, which this function always reads to.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from wallet.age import (
    AgeError,
    IncorrectIdentity,
    IncorrectPassphrase,
    ScryptIdentity,
    X25519Identity,
    decrypt_stream,
)
from wallet.age.files import PrefixedReader
from wallet.backup.errors import (
    BackupCorrupt,
    BackupFailed,
    BackupPasswordNeeded,
    BackupWrongPassword,
    BackupWrongWords,
)
from wallet.backup.format import (
    DATA_PREFIX,
    INFO_MEMBER,
    MANIFEST_MEMBER,
    MAX_INFO_BYTES,
    MAX_MANIFEST_BYTES,
    Entry,
    check_info,
    is_allowed_data_path,
    parse_manifest,
)
from wallet.backup.pipes import produced_by
from wallet.backup.streams import HashingReader, read_up_to
from wallet.errors import WalletError

#: ``visit(path, size, stream)``: one data member (``path`` relative to the data directory).
Visitor = Callable[[str, int, BinaryIO], None]
#: ``progress(done, total)`` in bytes of the backup file read.
ReadProgress = Callable[[int, int], None]

AGE_MAGIC = b"age-encryption.org/"
_PEEK = 512
_MAX_TRAILER = 64 * 1024
STREAM_BUFFER = 256 * 1024
DAMAGED = "The backup file is damaged or incomplete; nothing was changed."


def _corrupt(message: str = DAMAGED) -> BackupCorrupt:
    return BackupCorrupt(message)


@contextlib.contextmanager
def _plain_tar_stream(
    src: BinaryIO, identity: X25519Identity, password: str | None
) -> Iterator[BinaryIO]:
    """The decrypted tar stream of the backup in ``src`` (one or two age layers, in threads)."""

    def outer(out: BinaryIO) -> None:
        decrypt_stream(src, out, [identity], armored=False)

    with produced_by(outer, "backup-decrypt") as layer:
        head = read_up_to(layer, _PEEK)
        rest: BinaryIO = io.BufferedReader(PrefixedReader(head, layer))
        if not head.startswith(AGE_MAGIC):
            yield rest
            return
        if password is None:
            raise BackupPasswordNeeded(
                "This backup is protected by a backup password; give it to restore the backup."
            )
        scrypt = ScryptIdentity(password.encode("utf-8"))

        def inner(out: BinaryIO) -> None:
            decrypt_stream(rest, out, [scrypt], armored=False)

        with produced_by(inner, "backup-decrypt-password") as plain:
            yield plain


def _read_small(tar: tarfile.TarFile, member: tarfile.TarInfo, limit: int) -> bytes:
    if not member.isreg() or member.size > limit:
        raise _corrupt()
    stream = tar.extractfile(member)
    if stream is None:
        raise _corrupt()
    data = stream.read()
    if len(data) != member.size:
        raise _corrupt()
    return data


@dataclass(frozen=True)
class BackupContents:
    """What a verified backup held: its members in order and when it was made (ISO 8601 UTC)."""

    entries: list[Entry]
    created_at: str


def _walk_tar(plain: BinaryIO, manifest_key: bytes, visit: Visitor) -> BackupContents:
    seen: list[Entry] = []
    created_at = ""
    names: set[str] = set()
    manifest: list[Entry] | None = None
    try:
        with tarfile.open(fileobj=plain, mode="r|") as tar:
            for index, member in enumerate(tar):
                if manifest is not None:
                    raise _corrupt("The backup holds data after its manifest; nothing was changed.")
                if index == 0:
                    if member.name != INFO_MEMBER:
                        raise _corrupt(
                            "This file is not a Patient Wallet backup; nothing was changed."
                        )
                    data = _read_small(tar, member, MAX_INFO_BYTES)
                    created_at = check_info(data)
                    seen.append(Entry(member.name, len(data), _sha256(data)))
                    continue
                if member.name == MANIFEST_MEMBER:
                    manifest = parse_manifest(
                        _read_small(tar, member, MAX_MANIFEST_BYTES), manifest_key
                    )
                    continue
                path = member.name.removeprefix(DATA_PREFIX)
                if (
                    not member.isreg()
                    or not member.name.startswith(DATA_PREFIX)
                    or not is_allowed_data_path(path)
                    or path in names
                ):
                    raise _corrupt(
                        "The backup holds an entry this program does not restore; "
                        "nothing was changed."
                    )
                names.add(path)
                stream = tar.extractfile(member)
                if stream is None:
                    raise _corrupt()
                hashing = HashingReader(stream)  # type: ignore[arg-type]
                visit(path, member.size, io.BufferedReader(hashing, STREAM_BUFFER))
                hashing.drain()
                if hashing.count != member.size:
                    raise _corrupt()
                seen.append(Entry(member.name, member.size, hashing.hexdigest()))
        trailer = read_up_to(plain, _MAX_TRAILER + 1)
    except tarfile.TarError:
        raise _corrupt() from None
    if manifest is None:
        raise _corrupt()
    if len(trailer) > _MAX_TRAILER or trailer.strip(b"\0"):
        raise _corrupt("The backup holds data after its end; nothing was changed.")
    if manifest != seen:
        raise _corrupt(
            "The backup's content does not match its manifest; it was altered, "
            "and nothing was changed."
        )
    return BackupContents(seen, created_at)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _CountingFile(io.RawIOBase):
    def __init__(self, src: BinaryIO, total: int, progress: ReadProgress | None) -> None:
        super().__init__()
        self._src = src
        self._total = total
        self._progress = progress
        self._done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        count = self._src.readinto(buffer)  # type: ignore[attr-defined]
        count = int(count or 0)
        self._done += count
        if self._progress is not None and count:
            self._progress(self._done, self._total)
        return count


def walk_backup(
    path: Path,
    identity: X25519Identity,
    manifest_key: bytes,
    visit: Visitor,
    *,
    password: str | None = None,
    progress: ReadProgress | None = None,
) -> BackupContents:
    """Decrypt and check the backup at ``path``, calling ``visit`` for every data member.

    Returns the members and creation time once everything verified. Raises
    :class:`BackupWrongWords`, :class:`BackupPasswordNeeded`, :class:`BackupWrongPassword`,
    :class:`BackupCorrupt` (damaged, truncated, altered),
    :class:`~wallet.backup.errors.BackupUnsupported`, or whatever ``visit`` raised.
    """
    try:
        raw = open(path, "rb", buffering=0)  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise BackupFailed(f"The backup file {path} does not exist.") from None
    except OSError as exc:
        raise BackupFailed(f"The backup file {path} cannot be read ({exc.strerror}).") from None
    with raw:
        total = max(1, os.fstat(raw.fileno()).st_size)
        src = io.BufferedReader(_CountingFile(raw, total, progress), STREAM_BUFFER)
        try:
            with _plain_tar_stream(src, identity, password) as plain:
                return _walk_tar(plain, manifest_key, visit)
        except IncorrectPassphrase:
            raise BackupWrongPassword(
                "The backup password is wrong; nothing was changed."
            ) from None
        except IncorrectIdentity:
            raise BackupWrongWords(
                "This backup does not open with these recovery words (other words or BIP39 "
                "passphrase, or a damaged file); nothing was changed."
            ) from None
        except AgeError:
            raise _corrupt() from None
        except WalletError:
            raise
        except OSError as exc:
            raise BackupFailed(
                f"The backup file {path} could not be read ({exc.strerror or type(exc).__name__})."
            ) from None
