"""Whole age files: header plus payload, from stream to stream or bytes to bytes.

Owns the composition ``encrypt_stream`` = build header + encrypt payload and ``decrypt_stream`` =
(optional armor) + read header + unwrap and verify + decrypt payload, and the in-memory helpers
``encrypt_bytes``/``decrypt_bytes`` for small values (index entries, manifests).

Must not import Qt or the vault. Security notes: a fresh random file key per file unless the caller
passes one (the vault does, to write a new version under a known key, or to re-encrypt); the file
key never leaves except through the return of ``unwrap_file_key`` to callers that asked for it.
Decryption writes plaintext to ``dst`` as chunks authenticate (see ``wallet.age.stream``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import BinaryIO

from wallet.age.armor import ArmoredReader, armor_encode, looks_armored
from wallet.age.format import read_header
from wallet.age.header import build_header, unwrap_file_key
from wallet.age.primitives import check_file_key, new_file_key
from wallet.age.protocols import Identity, PlaintextHash, Recipient
from wallet.age.stream import Progress, decrypt_payload, encrypt_payload

__all__ = ["decrypt_bytes", "decrypt_stream", "encrypt_bytes", "encrypt_stream"]

_PEEK_SIZE = 1024 + 16


class PrefixedReader(io.RawIOBase):
    """Gives back ``prefix`` (bytes already read from a non-seekable ``src``), then reads on."""

    def __init__(self, prefix: bytes, src: BinaryIO) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._src = src

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self._prefix:
            count = min(len(view), len(self._prefix))
            view[:count] = self._prefix[:count]
            self._prefix = self._prefix[count:]
            return count
        readinto = getattr(self._src, "readinto", None)
        if readinto is not None:
            return int(readinto(view) or 0)
        data = self._src.read(len(view))
        view[: len(data)] = data
        return len(data)


def _peek(src: BinaryIO) -> tuple[bytes, BinaryIO]:
    """The first bytes of ``src`` and a source that still starts at them."""
    peek = getattr(src, "peek", None)
    if peek is not None:
        return bytes(peek(_PEEK_SIZE)[:_PEEK_SIZE]), src
    if src.seekable():
        position = src.tell()
        prefix = src.read(_PEEK_SIZE)
        src.seek(position)
        return prefix, src
    prefix = src.read(_PEEK_SIZE)
    return prefix, io.BufferedReader(PrefixedReader(prefix, src))


def encrypt_stream(
    src: BinaryIO,
    dst: BinaryIO,
    recipients: Sequence[Recipient],
    *,
    file_key: bytes | None = None,
    plaintext_hash: PlaintextHash | None = None,
    progress: Progress | None = None,
) -> int:
    """Encrypt all of ``src`` to ``recipients`` as a binary age file on ``dst``.

    Returns the plaintext size. ``file_key`` defaults to a fresh random key.
    """
    key = new_file_key() if file_key is None else check_file_key(file_key)
    dst.write(build_header(key, recipients))
    return encrypt_payload(src, dst, key, plaintext_hash=plaintext_hash, progress=progress)


def decrypt_stream(
    src: BinaryIO,
    dst: BinaryIO,
    identities: Sequence[Identity],
    *,
    plaintext_hash: PlaintextHash | None = None,
    progress: Progress | None = None,
    armored: bool | None = None,
) -> int:
    """Decrypt an age file (binary, or armored: detected from its BEGIN line) to ``dst``.

    ``armored=True``/``False`` forces the choice instead of detecting it. Returns the plaintext
    size. Raises the typed errors of :mod:`wallet.age.errors`.
    """
    if armored is None:
        prefix, src = _peek(src)
        armored = looks_armored(prefix)
    if armored:
        src = io.BufferedReader(ArmoredReader(src))
    elif isinstance(src, io.RawIOBase):  # make header lines cheap to read
        src = io.BufferedReader(src)
    header = read_header(src)
    file_key = unwrap_file_key(header, identities)
    return decrypt_payload(src, dst, file_key, plaintext_hash=plaintext_hash, progress=progress)


def encrypt_bytes(data: bytes, recipients: Sequence[Recipient], *, armor: bool = False) -> bytes:
    """Encrypt a small value in memory; ``armor=True`` returns the ASCII-armored form."""
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, recipients)
    return armor_encode(out.getvalue()) if armor else out.getvalue()


def decrypt_bytes(data: bytes, identities: Sequence[Identity]) -> bytes:
    """Decrypt a small age file (binary or armored) held in memory."""
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(data), out, identities)
    return out.getvalue()
