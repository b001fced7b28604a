"""The two interfaces that decide who can read an age file: ``Recipient`` and ``Identity``.

Owns the contract between the header code and key types (X25519, scrypt, and any later ones such
as a hardware token): a recipient wraps a file key into stanzas; an identity unwraps a file key
from the stanzas of a header, raising :class:`~wallet.age.errors.IncorrectIdentity` when none is
for it and a typed :class:`~wallet.age.errors.AgeHeaderError` when a stanza of its own type is
malformed (which aborts decryption, as in the reference implementation).

Must not import concrete key types. Security note: an identity must never return a file key that
is not 16 bytes; the header code checks it anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from wallet.age.format import Stanza

__all__ = ["Identity", "PlaintextHash", "Recipient"]


@runtime_checkable
class Recipient(Protocol):
    """Something a file key can be encrypted to."""

    def wrap(self, file_key: bytes) -> list[Stanza]:
        """Return the stanzas that wrap ``file_key`` for this recipient."""
        ...


@runtime_checkable
class Identity(Protocol):
    """Something that can recover a file key from a header's stanzas."""

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes:
        """Return the 16-byte file key, or raise ``IncorrectIdentity`` if no stanza is ours."""
        ...


class PlaintextHash(Protocol):
    """The part of a ``hashlib`` hash object the streaming code uses."""

    def update(self, data: memoryview, /) -> None:
        """Absorb ``data``."""
        ...
