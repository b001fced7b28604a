"""Header-level operations: build a header for a file key, unwrap and verify, re-wrap.

Owns the rules that involve several stanzas or the header MAC: a ``scrypt`` stanza must stand
alone; identities are tried in order and the first file key found is checked against the header
MAC (HMAC-SHA256 keyed by HKDF(file key, "header")) over the exact header bytes read; re-wrapping
produces a new header for the *same* file key so the payload bytes can be copied unchanged (how a
record is shared with a provider without re-encrypting it).

Must not import Qt, the vault, or concrete key types. Security notes: ``rewrap_header`` first
proves the file key against the existing header's MAC, so a wrong key can never be re-wrapped into
a valid-looking header; a key returned by an identity that is not 16 bytes is rejected.
"""

from __future__ import annotations

from collections.abc import Sequence

from wallet.age.errors import (
    AgeHeaderError,
    AgeHmacError,
    AgeUsageError,
    IncorrectIdentity,
    IncorrectPassphrase,
)
from wallet.age.format import Header, Stanza, encode_header, encode_header_without_mac
from wallet.age.primitives import FILE_KEY_SIZE, check_file_key, header_mac, verify_header_mac
from wallet.age.protocols import Identity, Recipient

__all__ = ["build_header", "check_scrypt_alone", "rewrap_header", "unwrap_file_key"]

_SCRYPT = "scrypt"


def check_scrypt_alone(stanzas: Sequence[Stanza]) -> bool:
    """True if the stanzas respect "a scrypt stanza must be the only one"."""
    return len(stanzas) == 1 or all(s.type != _SCRYPT for s in stanzas)


def build_header(file_key: bytes, recipients: Sequence[Recipient]) -> bytes:
    """The complete header (through the MAC line) wrapping ``file_key`` to every recipient."""
    key = check_file_key(file_key)
    if not recipients:
        raise AgeUsageError("at least one recipient is required")
    stanzas: list[Stanza] = []
    for recipient in recipients:
        stanzas.extend(recipient.wrap(key))
    if not stanzas:
        raise AgeUsageError("the recipients produced no stanza")
    if not check_scrypt_alone(stanzas):
        raise AgeUsageError(
            "a passphrase recipient must be the only recipient",
            user_message="A passphrase-protected file cannot also be encrypted to keys.",
        )
    return encode_header(stanzas, header_mac(key, encode_header_without_mac(stanzas)))


def unwrap_file_key(header: Header, identities: Sequence[Identity]) -> bytes:
    """Find the file key with the first identity that matches, and verify the header MAC.

    Raises :class:`IncorrectIdentity` (or :class:`IncorrectPassphrase` when a passphrase was
    tried and failed) if no identity matches, :class:`AgeHeaderError` for a malformed stanza or a
    scrypt stanza that is not alone, and :class:`AgeHmacError` if the MAC does not verify.
    """
    if not identities:
        raise AgeUsageError("at least one identity is required")
    if not check_scrypt_alone(header.stanzas):
        raise AgeHeaderError("an scrypt stanza must be the only stanza")
    passphrase_error: IncorrectPassphrase | None = None
    for identity in identities:
        try:
            file_key = identity.unwrap(header.stanzas)
        except IncorrectPassphrase as exc:
            passphrase_error = exc
            continue
        except IncorrectIdentity:
            continue
        if len(file_key) != FILE_KEY_SIZE:
            raise AgeHeaderError("an identity returned a file key of the wrong size")
        if not verify_header_mac(file_key, header.mac_input, header.mac):
            raise AgeHmacError("header MAC does not match")
        return file_key
    if passphrase_error is not None:
        raise passphrase_error
    raise IncorrectIdentity("no identity matched any stanza")


def rewrap_header(header: Header, file_key: bytes, recipients: Sequence[Recipient]) -> bytes:
    """A new header for the same file key, for ``recipients``; the payload is reused as is."""
    key = check_file_key(file_key)
    if not verify_header_mac(key, header.mac_input, header.mac):
        raise AgeHmacError("the file key does not match this header")
    return build_header(key, recipients)
