"""X25519 recipients and identities of age v1 (``age1...`` / ``AGE-SECRET-KEY-1...``).

Owns the ``X25519`` stanza: an ephemeral X25519 share as the single argument and the file key
wrapped under HKDF-SHA256(shared secret, salt = share || recipient, info =
"age-encryption.org/v1/X25519"). Key types are immutable, with named constructors and an exact
parse/print round trip of their Bech32 strings.

Must not import Qt or the vault; only ``cryptography`` for X25519, HKDF and the AEAD. Security
notes: an all-zero shared secret (low-order or identity share) is a malformed stanza and aborts
decryption; ``repr`` of an identity never shows the secret; private bytes leave only through the
explicitly named ``private_bytes``/``to_string``.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from wallet.age import bech32
from wallet.age.errors import AgeHeaderError, IncorrectIdentity, InvalidAgeKey
from wallet.age.format import Stanza, b64decode_strict, b64encode_raw
from wallet.age.primitives import aead_unwrap_file_key, aead_wrap_file_key, hkdf_sha256

__all__ = ["X25519Identity", "X25519Recipient"]

STANZA_TYPE = "X25519"
_LABEL = b"age-encryption.org/v1/X25519"
_RECIPIENT_HRP = "age"
_IDENTITY_HRP = "AGE-SECRET-KEY-"
_KEY_SIZE = 32
_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw
_RAW_PRIV = serialization.PrivateFormat.Raw


def _wrap_key(shared: bytes, share: bytes, recipient: bytes) -> bytes:
    return hkdf_sha256(shared, share + recipient, _LABEL)


class X25519Recipient:
    """An X25519 public key a file can be encrypted to."""

    __slots__ = ("_public", "_public_bytes")

    def __init__(self, public_key: X25519PublicKey) -> None:
        self._public = public_key
        self._public_bytes = public_key.public_bytes(_RAW, _RAW_PUB)

    @classmethod
    def from_public_bytes(cls, data: bytes) -> X25519Recipient:
        """From the 32 raw bytes of the public key."""
        if len(data) != _KEY_SIZE:
            raise InvalidAgeKey("an X25519 public key is 32 bytes")
        return cls(X25519PublicKey.from_public_bytes(bytes(data)))

    @classmethod
    def from_string(cls, text: str) -> X25519Recipient:
        """From an ``age1...`` string."""
        hrp, data = bech32.decode(text.strip())
        if hrp != _RECIPIENT_HRP or text.strip() != text.strip().lower():
            raise InvalidAgeKey("not an age X25519 recipient (age1...)")
        return cls.from_public_bytes(data)

    def to_string(self) -> str:
        """The ``age1...`` string."""
        return bech32.encode(_RECIPIENT_HRP, self._public_bytes)

    def public_bytes(self) -> bytes:
        """The 32 raw bytes of the public key."""
        return self._public_bytes

    def wrap(self, file_key: bytes) -> list[Stanza]:
        """One ``X25519`` stanza wrapping ``file_key`` to this key with a fresh ephemeral key."""
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes(_RAW, _RAW_PUB)
        shared = ephemeral.exchange(self._public)
        body = aead_wrap_file_key(_wrap_key(shared, share, self._public_bytes), file_key)
        return [Stanza(STANZA_TYPE, [b64encode_raw(share)], body)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, X25519Recipient) and other._public_bytes == self._public_bytes

    def __hash__(self) -> int:
        return hash(self._public_bytes)

    def __repr__(self) -> str:
        return f"X25519Recipient({self.to_string()!r})"


class X25519Identity:
    """An X25519 private key that unwraps ``X25519`` stanzas."""

    __slots__ = ("_private", "_recipient")

    def __init__(self, private_key: X25519PrivateKey) -> None:
        self._private = private_key
        self._recipient = X25519Recipient(private_key.public_key())

    @classmethod
    def generate(cls) -> X25519Identity:
        """A fresh random identity."""
        return cls(X25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, data: bytes) -> X25519Identity:
        """From 32 raw private-key bytes (clamping is applied by X25519 itself)."""
        if len(data) != _KEY_SIZE:
            raise InvalidAgeKey("an X25519 private key is 32 bytes")
        return cls(X25519PrivateKey.from_private_bytes(bytes(data)))

    @classmethod
    def from_string(cls, text: str) -> X25519Identity:
        """From an ``AGE-SECRET-KEY-1...`` string."""
        hrp, data = bech32.decode(text.strip())
        if hrp != _IDENTITY_HRP.lower() or text.strip() != text.strip().upper():
            raise InvalidAgeKey("not an age X25519 identity (AGE-SECRET-KEY-1...)")
        return cls.from_private_bytes(data)

    def to_string(self) -> str:
        """The ``AGE-SECRET-KEY-1...`` string (secret!)."""
        return bech32.encode(_IDENTITY_HRP, self.private_bytes())

    def private_bytes(self) -> bytes:
        """The 32 raw private-key bytes (secret!)."""
        return self._private.private_bytes(_RAW, _RAW_PRIV, serialization.NoEncryption())

    def recipient(self) -> X25519Recipient:
        """The matching public recipient."""
        return self._recipient

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes:
        """Recover the file key from the first ``X25519`` stanza that is ours."""
        for stanza in stanzas:
            if stanza.type != STANZA_TYPE:
                continue
            if len(stanza.args) != 1:
                raise AgeHeaderError("X25519 stanza must have exactly one argument")
            share = b64decode_strict(stanza.args[0])
            if len(share) != _KEY_SIZE:
                raise AgeHeaderError("X25519 share must be 32 bytes")
            try:
                shared = self._private.exchange(X25519PublicKey.from_public_bytes(share))
            except ValueError:
                raise AgeHeaderError("X25519 share is a low-order point") from None
            if shared == bytes(_KEY_SIZE):
                raise AgeHeaderError("X25519 shared secret is zero")
            wrap_key = _wrap_key(shared, share, self._recipient.public_bytes())
            file_key = aead_unwrap_file_key(wrap_key, stanza.body)
            if file_key is not None:
                return file_key
        raise IncorrectIdentity("no X25519 stanza for this identity")

    def __repr__(self) -> str:
        return f"X25519Identity(recipient={self._recipient.to_string()!r})"
