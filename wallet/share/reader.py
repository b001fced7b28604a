"""Reading a share bundle defensively: the tar structure and ``bundle.json``, nothing decrypted.

Owns :func:`read_bundle`, which opens an untrusted file and returns a :class:`BundleFile`: the
parsed ``bundle.json`` (and so the share id), the ``manifest.age`` bytes, and where each record
member's bytes lie in the file. The stdlib ``tarfile`` parses member headers only; nothing is ever
extracted by it, and member bytes are read with ``pread`` through bounded views.

Rules (anything else is :class:`~wallet.share.errors.BundleInvalid`): a regular file; members are
plain regular files (type ``0``), no PAX headers, exactly ``bundle.json``, ``manifest.age``, then
``records/0001.age``... as many as ``bundle.json`` lists, in that order, no extra or duplicate
member; each within its size cap and wholly inside the file; after the last member only zero
bytes (at most 64 KiB of them). Member count is capped before ``tarfile`` can list more.

Must not import Qt, the vault or the chain code, and does no cryptography beyond SHA-256: the
checks that need the provider's key are in :mod:`wallet.share.opener`. Security notes: every
failure is a typed :class:`~wallet.errors.WalletError`; parse errors of the stdlib ``tarfile``
on hostile input are translated, never leaked.
"""

from __future__ import annotations

import io
import os
import stat
import tarfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from wallet.errors import WalletError, WalletNotFound, WalletValueError
from wallet.share.descriptor import (
    MAX_DESCRIPTOR_BYTES,
    MAX_PAYLOAD_SIZE,
    BundleDescriptor,
    entry_name,
    share_id_of,
)
from wallet.share.errors import BundleInvalid
from wallet.share.manifest import MAX_MANIFEST_BYTES
from wallet.share.tarlayout import BLOCK, DESCRIPTOR_NAME, MANIFEST_NAME

__all__ = ["BundleFile", "MemberSpan", "SpanReader", "read_bundle"]

#: A record member is its header (at most 1 MiB) and its payload.
MAX_RECORD_MEMBER = MAX_PAYLOAD_SIZE + 1024 * 1024
MAX_TRAILING_ZEROS = 64 * 1024
#: Errors the stdlib tar parser may raise on hostile bytes.
_TAR_ERRORS = (tarfile.TarError, EOFError, ValueError, OverflowError)


@dataclass(frozen=True)
class MemberSpan:
    """Where one member's bytes are in the bundle file."""

    name: str
    offset: int
    size: int


class SpanReader(io.RawIOBase):
    """A read-only, bounded view of ``size`` bytes at ``offset`` of an open file descriptor."""

    def __init__(self, fd: int, offset: int, size: int) -> None:
        super().__init__()
        self._fd = fd
        self._pos = offset
        self._end = offset + size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        want = min(len(view), self._end - self._pos)
        if want <= 0:
            return 0
        count = os.preadv(self._fd, [view[:want]], self._pos)
        self._pos += count
        return count


def _pread_exact(fd: int, offset: int, size: int) -> bytes:
    chunks: list[bytes] = []
    done = 0
    while done < size:
        data = os.pread(fd, size - done, offset + done)
        if not data:
            raise BundleInvalid("it is truncated")
        chunks.append(data)
        done += len(data)
    return b"".join(chunks)


class BundleFile:
    """An open, structurally valid bundle. Close it (or use ``with``)."""

    def __init__(
        self,
        path: Path,
        fd: int,
        descriptor_bytes: bytes,
        descriptor: BundleDescriptor,
        manifest_bytes: bytes,
        records: tuple[MemberSpan, ...],
    ) -> None:
        self.path = path
        self._fd: int | None = fd
        self.descriptor_bytes = descriptor_bytes
        self.descriptor = descriptor
        self.manifest_bytes = manifest_bytes
        self.records = records

    @property
    def share_id(self) -> bytes:
        """SHA-256 of the exact ``bundle.json`` bytes: what the patient's grant names."""
        return share_id_of(self.descriptor_bytes)

    def read(self, span: MemberSpan, start: int = 0, size: int | None = None) -> bytes:
        """Bytes ``[start, start+size)`` of a member (all of the rest by default)."""
        count = span.size - start if size is None else min(size, span.size - start)
        return _pread_exact(self._require_fd(), span.offset + start, max(count, 0))

    def reader(self, span: MemberSpan, start: int = 0) -> io.BufferedReader:
        """A buffered reader of the member from ``start`` to its end."""
        fd = self._require_fd()
        return io.BufferedReader(
            SpanReader(fd, span.offset + start, span.size - start), buffer_size=1 << 20
        )

    def _require_fd(self) -> int:
        if self._fd is None:
            raise WalletValueError("The bundle file is closed.")
        return self._fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _open(path: Path) -> tuple[int, int]:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise WalletNotFound(f"There is no bundle file at {path}.") from None
    except IsADirectoryError:
        raise WalletValueError(f"{path} is a folder; choose a share bundle file.") from None
    except OSError as exc:
        raise WalletValueError(f"The file {path} cannot be read ({exc.strerror}).") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise WalletValueError(f"{path} is not a regular file; choose a share bundle file.")
    return fd, info.st_size


def _expected_name(index: int, entries: int | None) -> str | None:
    if index == 0:
        return DESCRIPTOR_NAME
    if index == 1:
        return MANIFEST_NAME
    if entries is not None and index - 2 < entries:
        return entry_name(index - 2)
    return None


def _limit(index: int) -> int:
    if index == 0:
        return MAX_DESCRIPTOR_BYTES
    if index == 1:
        return MAX_MANIFEST_BYTES
    return MAX_RECORD_MEMBER


def _members(fd: int, file_size: int) -> tuple[bytes, BundleDescriptor, bytes, list[MemberSpan]]:
    """Walk the tar headers, checking each member as it comes."""
    fileobj = open(os.dup(fd), "rb", buffering=64 * 1024)  # noqa: SIM115 - closed below
    descriptor_bytes = b""
    descriptor: BundleDescriptor | None = None
    manifest = b""
    records: list[MemberSpan] = []
    with fileobj, tarfile.open(fileobj=fileobj, mode="r:") as tar:
        index = 0
        while True:
            member = tar.next()
            if member is None:
                break
            expected = _expected_name(index, len(descriptor.entries) if descriptor else None)
            if expected is None:
                raise BundleInvalid("it holds a member that does not belong in a share bundle")
            if member.name != expected:
                raise BundleInvalid(f"its member {expected} is missing or out of order")
            if member.type != tarfile.REGTYPE or member.pax_headers or member.sparse is not None:
                raise BundleInvalid(f"its member {expected} is not a plain file")
            if not 0 <= member.size <= _limit(index):
                raise BundleInvalid(f"its member {expected} is too large")
            if member.offset_data + member.size > file_size:
                raise BundleInvalid("it is truncated")
            span = MemberSpan(expected, member.offset_data, member.size)
            if index == 0:
                descriptor_bytes = _pread_exact(fd, span.offset, span.size)
                descriptor = BundleDescriptor.parse(descriptor_bytes)
            elif index == 1:
                manifest = _pread_exact(fd, span.offset, span.size)
            else:
                records.append(span)
            index += 1
    if descriptor is None or index < 2 or len(records) != len(descriptor.entries):
        raise BundleInvalid("it is missing members")
    return descriptor_bytes, descriptor, manifest, records


def _check_tail(fd: int, file_size: int, end: int) -> None:
    tail = file_size - end
    if tail > MAX_TRAILING_ZEROS:
        raise BundleInvalid("it has unexpected data after its last member")
    if tail > 0 and any(_pread_exact(fd, end, tail)):
        raise BundleInvalid("it has unexpected data after its last member")


def read_bundle(path: Path) -> BundleFile:
    """Open the bundle at ``path`` and check its structure and ``bundle.json``."""
    path = Path(path)
    fd, file_size = _open(path)
    try:
        try:
            descriptor_bytes, descriptor, manifest, records = _members(fd, file_size)
        except WalletError:
            raise
        except _TAR_ERRORS:
            raise BundleInvalid("it is not a readable tar archive") from None
        last = records[-1]
        _check_tail(fd, file_size, last.offset + last.size + (-last.size % BLOCK))
        return BundleFile(path, fd, descriptor_bytes, descriptor, manifest, tuple(records))
    except BaseException:
        os.close(fd)
        raise
