"""Small file-object adapters the backup streams through: hashing, counting, prefixing.

Owns :class:`HashingReader` (SHA-256 and byte count of everything read through it, with a progress
hook) and :class:`NullSink` (a writer that discards, for "decrypt to nowhere" checks). Giving back
bytes already peeked from a pipe is :class:`wallet.age.files.PrefixedReader`'s job.

Must not import Qt or any ``wallet`` module. No buffering of whole files: every adapter passes
data through in the caller's chunk size.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import BinaryIO


class HashingReader(io.RawIOBase):
    """Reads from ``src`` while hashing (SHA-256) and counting what passed through."""

    def __init__(self, src: BinaryIO, on_read: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self._src = src
        self._on_read = on_read
        self._hash = hashlib.sha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        data = self._src.read(len(view))
        size = len(data)
        view[:size] = data
        if size:
            self._hash.update(data)
            self.count += size
            if self._on_read is not None:
                self._on_read(size)
        return size

    def drain(self, chunk: int = 256 * 1024) -> None:
        """Read (and hash) whatever is left of ``src``."""
        while self.read(chunk):
            pass

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def read_up_to(src: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes of ``src``: fewer only at end-of-file (a pipe may return less)."""
    parts: list[bytes] = []
    wanted = size
    while wanted:
        data = src.read(wanted)
        if not data:
            break
        parts.append(data)
        wanted -= len(data)
    return b"".join(parts)


class NullSink(io.RawIOBase):
    """A writer that discards everything (decrypting "to nowhere" to check a file)."""

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        return len(data)
