"""The age v1 key schedule on ``cryptography`` primitives: HKDF labels, header MAC, key wrapping.

Owns every derivation the format specifies, each with its own purpose label:

* header MAC key  = HKDF-SHA256(ikm=file key, salt=empty, info="header")
* payload key     = HKDF-SHA256(ikm=file key, salt=16-byte nonce, info="payload")
* a stanza body   = ChaCha20-Poly1305(wrap key, nonce=0^12, file key); only ever used with a fresh,
  single-use wrap key, which is what makes the zero nonce safe.

Must not import Qt or parse anything. No home-made primitives: HKDF, HMAC and the AEAD all come
from ``cryptography``. Security notes: MACs are compared in constant time; a wrapped body whose
length is not exactly 16 + 16 bytes is rejected *before* any decryption attempt (the test kit's
"long file key" vectors), so no stanza can smuggle a different-size file key.
"""

from __future__ import annotations

import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from wallet.age.errors import AgeHeaderError, AgeUsageError

__all__ = [
    "FILE_KEY_SIZE",
    "NONCE_SIZE",
    "WRAPPED_KEY_SIZE",
    "aead_unwrap_file_key",
    "aead_wrap_file_key",
    "check_file_key",
    "header_mac",
    "hkdf_sha256",
    "new_file_key",
    "payload_key",
    "verify_header_mac",
]

FILE_KEY_SIZE = 16
NONCE_SIZE = 16
_TAG_SIZE = 16
WRAPPED_KEY_SIZE = FILE_KEY_SIZE + _TAG_SIZE
_ZERO_NONCE = bytes(12)


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF-SHA256 (RFC 5869) as the age spec uses it."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def new_file_key() -> bytes:
    """A fresh random 128-bit file key."""
    return secrets.token_bytes(FILE_KEY_SIZE)


def check_file_key(file_key: bytes) -> bytes:
    """Return ``file_key`` as bytes if it is 16 bytes long, else raise :class:`AgeUsageError`."""
    if not isinstance(file_key, bytes | bytearray) or len(file_key) != FILE_KEY_SIZE:
        raise AgeUsageError("the file key must be 16 bytes")
    return bytes(file_key)


def header_mac(file_key: bytes, mac_input: bytes) -> bytes:
    """HMAC-SHA256 of the header bytes up to and including ``---``."""
    key = hkdf_sha256(file_key, b"", b"header")
    return hmac.new(key, mac_input, "sha256").digest()


def verify_header_mac(file_key: bytes, mac_input: bytes, mac: bytes) -> bool:
    """Constant-time check of a header MAC."""
    return hmac.compare_digest(header_mac(file_key, mac_input), mac)


def payload_key(file_key: bytes, nonce: bytes) -> bytes:
    """The STREAM key for one file: HKDF over the file key with the payload nonce as salt."""
    return hkdf_sha256(file_key, nonce, b"payload")


def aead_wrap_file_key(wrap_key: bytes, file_key: bytes) -> bytes:
    """Encrypt a file key under a single-use wrap key (zero nonce, as the spec requires)."""
    return ChaCha20Poly1305(wrap_key).encrypt(_ZERO_NONCE, check_file_key(file_key), None)


def aead_unwrap_file_key(wrap_key: bytes, body: bytes) -> bytes | None:
    """Decrypt a stanza body; ``None`` if the tag does not verify (the stanza is not ours).

    Raises :class:`AgeHeaderError` if the body is not exactly 32 bytes: that is a malformed
    stanza, not a mismatch.
    """
    if len(body) != WRAPPED_KEY_SIZE:
        raise AgeHeaderError("stanza body has the wrong length for a 16-byte file key")
    try:
        return ChaCha20Poly1305(wrap_key).decrypt(_ZERO_NONCE, body, None)
    except InvalidTag:
        return None
