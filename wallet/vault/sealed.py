"""Sealed index fields: the codec that encrypts a record's metadata for the index.

Owns the byte format of the ``sealed`` column of the vault index and of the index's key check.
A sealed blob is::

    format (1 byte, 0x01) || nonce (12 random bytes) || ChaCha20-Poly1305 ciphertext + tag

The plaintext is ``u32 length || canonical JSON of the fields || zero padding`` to a multiple of
:data:`PAD_BLOCK` bytes, so a blob's size reveals only a coarse bucket of the title's length. The
associated data binds the blob to its record id, its rotation version and the field-set version,
so a blob copied to another row (or replayed from an older version of the same row) fails to open.

Must not import anything from ``wallet`` but the errors, nor touch files. Security notes: the
index key is used only with ChaCha20-Poly1305 and a fresh random nonce per seal (the 2^-32
collision bound is far beyond the number of index writes a wallet makes). Every failure to open a
blob, whatever the cause, is one :class:`~wallet.errors.CorruptData`; callers never see which
check failed.
"""

from __future__ import annotations

import json
import os
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from wallet.errors import CorruptData, WalletValueError

SEAL_FORMAT = 1
"""First byte of every sealed blob; bumped if the blob layout ever changes."""
FIELD_SET_VERSION = 1
"""Which fields the JSON holds; part of the associated data."""
KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
PAD_BLOCK = 64
MAX_SEALED_SIZE = 64 * 1024
"""Upper bound on a blob's size; anything larger is refused before decryption."""
MAX_TITLE_CHARS = 500
MAX_SOURCE_NAME_CHARS = 1000
MAX_MEDIA_TYPE_CHARS = 127

_ROW_DOMAIN = b"patient-wallet/vault/index-row"
_CHECK_DOMAIN = b"patient-wallet/vault/key-check"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
_FIELDS = ("created_us", "media_type", "sha256", "size", "source_name", "title")


@dataclass(frozen=True)
class SealedFields:
    """The sensitive metadata of one record, as it is sealed in the index."""

    title: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime
    source_name: str

    def __post_init__(self) -> None:
        _check_fields(self)


def _bad(message: str) -> WalletValueError:
    return WalletValueError(message)


def _has_control(text: str) -> bool:
    return any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, e.g. undecodable bytes of a file name
        return False
    return True


def _check_fields(fields: SealedFields) -> None:
    if (
        not fields.title
        or len(fields.title) > MAX_TITLE_CHARS
        or _has_control(fields.title)
        or not _is_utf8(fields.title)
    ):
        raise _bad(
            f"A record title must be 1 to {MAX_TITLE_CHARS} characters without control characters."
        )
    if len(fields.media_type) > MAX_MEDIA_TYPE_CHARS or not _MEDIA_TYPE.fullmatch(
        fields.media_type
    ):
        raise _bad("A media type must look like 'type/subtype', for example 'application/pdf'.")
    if (
        isinstance(fields.size, bool)
        or not isinstance(fields.size, int)
        or not 0 <= fields.size < 2**63
    ):
        raise _bad("A record size must be a non-negative whole number of bytes.")
    if not _SHA256_HEX.fullmatch(fields.sha256):
        raise _bad("A record hash must be 64 lowercase hexadecimal characters.")
    if fields.created_at.tzinfo is None or fields.created_at.utcoffset() != timedelta(0):
        raise _bad("A record's creation time must be in UTC.")
    if (
        len(fields.source_name) > MAX_SOURCE_NAME_CHARS
        or "\x00" in fields.source_name
        or not _is_utf8(fields.source_name)
    ):
        raise _bad(f"A source file name must be at most {MAX_SOURCE_NAME_CHARS} characters.")


def _created_us(when: datetime) -> int:
    delta = when - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _row_ad(record_id: str, row_version: int) -> bytes:
    return b"%s\x00%d\x00%d\x00%s\x00%d" % (
        _ROW_DOMAIN,
        SEAL_FORMAT,
        FIELD_SET_VERSION,
        record_id.encode("ascii"),
        row_version,
    )


def _pad(payload: bytes) -> bytes:
    body = struct.pack(">I", len(payload)) + payload
    return body + bytes(-len(body) % PAD_BLOCK)


def _unpad(padded: bytes) -> bytes:
    if len(padded) < 4:
        raise ValueError("short")
    (length,) = struct.unpack(">I", padded[:4])
    if length > len(padded) - 4 or any(padded[4 + length :]):
        raise ValueError("bad padding")
    return padded[4 : 4 + length]


def _aead(key: bytes) -> ChaCha20Poly1305:
    if not isinstance(key, bytes) or len(key) != KEY_SIZE:
        raise WalletValueError(f"The index key must be {KEY_SIZE} bytes.")
    return ChaCha20Poly1305(key)


def _seal(key: bytes, plaintext: bytes, ad: bytes) -> bytes:
    nonce = os.urandom(NONCE_SIZE)
    return bytes([SEAL_FORMAT]) + nonce + _aead(key).encrypt(nonce, _pad(plaintext), ad)


def _open(key: bytes, blob: bytes, ad: bytes, what: str) -> bytes:
    aead = _aead(key)
    failure = CorruptData(f"{what} cannot be read with this wallet's keys.")
    if (
        not isinstance(blob, bytes)
        or not 1 + NONCE_SIZE + TAG_SIZE <= len(blob) <= MAX_SEALED_SIZE
        or blob[0] != SEAL_FORMAT
    ):
        raise failure
    try:
        return _unpad(aead.decrypt(blob[1 : 1 + NONCE_SIZE], blob[1 + NONCE_SIZE :], ad))
    except (InvalidTag, ValueError):
        raise failure from None


def seal_fields(key: bytes, record_id: str, row_version: int, fields: SealedFields) -> bytes:
    """Encrypt ``fields`` for the index row of ``record_id`` at rotation ``row_version``."""
    document = {
        "created_us": _created_us(fields.created_at),
        "media_type": fields.media_type,
        "sha256": fields.sha256,
        "size": fields.size,
        "source_name": fields.source_name,
        "title": fields.title,
    }
    payload = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return _seal(key, payload.encode("utf-8"), _row_ad(record_id, row_version))


def unseal_fields(key: bytes, record_id: str, row_version: int, blob: bytes) -> SealedFields:
    """Decrypt and validate a blob made by :func:`seal_fields`; any failure is ``CorruptData``."""
    what = f"The index entry of record {record_id}"
    plaintext = _open(key, blob, _row_ad(record_id, row_version), what)
    try:
        document = json.loads(plaintext.decode("utf-8"))
        if not isinstance(document, dict) or sorted(document) != list(_FIELDS):
            raise ValueError("fields")
        created_us = document["created_us"]
        if isinstance(created_us, bool) or not isinstance(created_us, int):
            raise ValueError("created")
        values = [document[name] for name in ("title", "media_type", "sha256", "source_name")]
        if not all(isinstance(value, str) for value in values):
            raise ValueError("types")
        return SealedFields(
            title=document["title"],
            media_type=document["media_type"],
            size=document["size"],
            sha256=document["sha256"],
            created_at=_EPOCH + timedelta(microseconds=created_us),
            source_name=document["source_name"],
        )
    except (ValueError, OverflowError, WalletValueError):
        # A blob that authenticates but does not parse was written by a broken or newer program.
        raise CorruptData(f"{what} is not in a format this program understands.") from None


def seal_key_check(key: bytes, owner: str) -> bytes:
    """A blob proving the index key (and naming the identity ``owner`` the vault belongs to)."""
    return _seal(key, owner.encode("utf-8"), _CHECK_DOMAIN)


def open_key_check(key: bytes, blob: bytes) -> str:
    """The owner sealed by :func:`seal_key_check`; ``CorruptData`` if the key is wrong."""
    plaintext = _open(key, blob, _CHECK_DOMAIN, "The vault index")
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise CorruptData("The vault index is not in a format this program understands.") from None
