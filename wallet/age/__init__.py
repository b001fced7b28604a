"""The age v1 file format (c2sp.org/age), on ``cryptography`` primitives.

Owns everything about age files the wallet writes and reads: the header grammar
(:mod:`.format`), the key schedule (:mod:`.primitives`), X25519 and scrypt key types
(:mod:`.x25519`, :mod:`.scrypt`), header building/unwrapping/re-wrapping (:mod:`.header`), the
STREAM payload (:mod:`.stream`), the ASCII armor (:mod:`.armor`), whole-file helpers
(:mod:`.files`) and a small Bech32 codec (:mod:`.bech32`). Held to the C2SP/CCTV test kit and to
the ``age`` command line tool in ``tests/age``.

Must not import Qt, the vault, the chain code or the key-derivation code: this package knows
nothing of wallets. Security notes: no home-made primitives (X25519, HKDF-SHA256, HMAC-SHA256,
ChaCha20-Poly1305 and scrypt all come from ``cryptography``); nothing here writes to disk by
itself; errors are the typed classes of :mod:`.errors`, one per failure class of the test kit.
"""

from __future__ import annotations

from wallet.age.armor import ARMOR_BEGIN, ARMOR_END, ArmoredReader, armor_encode, looks_armored
from wallet.age.errors import (
    AgeArmorError,
    AgeError,
    AgeHeaderError,
    AgeHmacError,
    AgePayloadError,
    AgeTrailingData,
    AgeTruncated,
    AgeUsageError,
    AgeWorkFactorTooHigh,
    IncorrectIdentity,
    IncorrectPassphrase,
    InvalidAgeKey,
    UnsupportedAge,
)
from wallet.age.files import decrypt_bytes, decrypt_stream, encrypt_bytes, encrypt_stream
from wallet.age.format import Header, Stanza, encode_header, parse_header, read_header
from wallet.age.header import build_header, rewrap_header, unwrap_file_key
from wallet.age.primitives import FILE_KEY_SIZE, new_file_key
from wallet.age.protocols import Identity, PlaintextHash, Recipient
from wallet.age.scrypt import ScryptIdentity, ScryptRecipient
from wallet.age.stream import CHUNK_SIZE, decrypt_payload, encrypt_payload
from wallet.age.x25519 import X25519Identity, X25519Recipient

__all__ = [
    "ARMOR_BEGIN",
    "ARMOR_END",
    "CHUNK_SIZE",
    "FILE_KEY_SIZE",
    "AgeArmorError",
    "AgeError",
    "AgeHeaderError",
    "AgeHmacError",
    "AgePayloadError",
    "AgeTrailingData",
    "AgeTruncated",
    "AgeUsageError",
    "AgeWorkFactorTooHigh",
    "ArmoredReader",
    "Header",
    "Identity",
    "IncorrectIdentity",
    "IncorrectPassphrase",
    "InvalidAgeKey",
    "PlaintextHash",
    "Recipient",
    "ScryptIdentity",
    "ScryptRecipient",
    "Stanza",
    "UnsupportedAge",
    "X25519Identity",
    "X25519Recipient",
    "armor_encode",
    "build_header",
    "decrypt_bytes",
    "decrypt_payload",
    "decrypt_stream",
    "encode_header",
    "encrypt_bytes",
    "encrypt_payload",
    "encrypt_stream",
    "looks_armored",
    "new_file_key",
    "parse_header",
    "read_header",
    "rewrap_header",
    "unwrap_file_key",
]
