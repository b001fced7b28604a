"""The tar layout of a share bundle: member order, header blocks, and copying payload bytes.

Owns how a bundle's members sit in an uncompressed tar (GNU format, which stores sizes above
8 GiB in base-256): ``bundle.json`` first, ``manifest.age`` second, then ``records/0001.age``,
``records/0002.age``... in order, each a regular file (mode 0600, owner 0, time = the bundle's
creation time), then two zero blocks. Header blocks come from the stdlib ``tarfile`` encoder; the
member data is written here so a record's payload can be copied by the kernel
(``copy_file_range``, else ``sendfile``, else 1 MiB reads and writes) instead of through Python.

Must not import Qt, the vault or the chain code, and holds no keys. Security note: only
ciphertext, and the non-sensitive ``bundle.json``, pass through this module.
"""

from __future__ import annotations

import errno
import os
import tarfile

from wallet.share.descriptor import MAX_ENTRIES

__all__ = [
    "BLOCK",
    "DESCRIPTOR_NAME",
    "END_OF_ARCHIVE",
    "MANIFEST_NAME",
    "copy_range",
    "member_header",
    "padding",
    "write_all",
]

BLOCK = tarfile.BLOCKSIZE
DESCRIPTOR_NAME = "bundle.json"
MANIFEST_NAME = "manifest.age"
#: Two zero blocks end a tar archive.
END_OF_ARCHIVE = bytes(2 * BLOCK)
#: Members in a bundle: the description, the manifest, and at most MAX_ENTRIES records.
MAX_MEMBERS = MAX_ENTRIES + 2
_COPY_CHUNK = 1 << 30
_BUFFER = 1 << 20
_FALLBACK_ERRNOS = frozenset({errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP})


def member_header(name: str, size: int, mtime: int) -> bytes:
    """The tar header block(s) of one regular-file member."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o600
    info.type = tarfile.REGTYPE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info.tobuf(tarfile.GNU_FORMAT, "utf-8", "strict")


def padding(size: int) -> bytes:
    """The zero bytes that pad a member of ``size`` bytes to a whole block."""
    return bytes(-size % BLOCK)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def copy_range(src_fd: int, offset: int, dst_fd: int, count: int) -> None:
    """Append ``count`` bytes of ``src_fd`` from ``offset`` at ``dst_fd``'s position, in-kernel.

    Tries ``copy_file_range``, then ``sendfile``, then plain reads and writes, each picking up
    where the previous one stopped. Raises ``OSError`` on an I/O error and ``EOFError`` if the
    source is shorter than asked.
    """
    done = 0
    for method in (_copy_file_range, _sendfile, _read_write):
        done += method(src_fd, offset + done, dst_fd, count - done)
        if done >= count:
            return


def _unsupported(exc: OSError) -> bool:
    return exc.errno in _FALLBACK_ERRNOS


def _copy_file_range(src_fd: int, offset: int, dst_fd: int, count: int) -> int:
    done = 0
    copy = getattr(os, "copy_file_range", None)
    if copy is None:
        return 0
    while done < count:
        try:
            copied = int(copy(src_fd, dst_fd, min(count - done, _COPY_CHUNK), offset + done))
        except OSError as exc:
            if _unsupported(exc):
                return done
            raise
        if copied == 0:
            raise EOFError("the source file is shorter than expected")
        done += copied
    return done


def _sendfile(src_fd: int, offset: int, dst_fd: int, count: int) -> int:
    done = 0
    while done < count:
        try:
            sent = os.sendfile(dst_fd, src_fd, offset + done, min(count - done, _COPY_CHUNK))
        except OSError as exc:
            if _unsupported(exc):
                return done
            raise
        if sent == 0:
            raise EOFError("the source file is shorter than expected")
        done += sent
    return done


def _read_write(src_fd: int, offset: int, dst_fd: int, count: int) -> int:
    done = 0
    while done < count:
        data = os.pread(src_fd, min(count - done, _BUFFER), offset + done)
        if not data:
            raise EOFError("the source file is shorter than expected")
        write_all(dst_fd, data)
        done += len(data)
    return done
