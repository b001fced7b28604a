"""Passphrase (scrypt) recipients and identities of age v1.

Owns the ``scrypt`` stanza: arguments are a 16-byte salt (base64) and the decimal log2 work
factor; the wrap key is scrypt(passphrase, salt = "age-encryption.org/v1/scrypt" || salt,
N = 2**work_factor, r = 8, p = 1). Follows the guards of the reference ``scrypt.go``:

* a passphrase recipient must be the only recipient of a file (checked when building a header and
  again, for every identity, when reading one);
* the decrypt side caps the work factor it accepts (default 22, i.e. 4 GiB and several seconds);
  above the cap the stanza is rejected *before* any work is done;
* a wrong passphrase is its own retryable error, :class:`~wallet.age.errors.IncorrectPassphrase`.

Must not import Qt or the vault. Security notes: passphrases are bytes held only by these objects
and never appear in errors or ``repr``; the work factor is parsed with an exact decimal grammar
(no sign, no leading zero, no hex/octal, at most two digits) so odd encodings cannot slip past.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from wallet.age.errors import (
    AgeHeaderError,
    AgeUsageError,
    AgeWorkFactorTooHigh,
    IncorrectIdentity,
    IncorrectPassphrase,
)
from wallet.age.format import Stanza, b64decode_strict, b64encode_raw
from wallet.age.primitives import aead_unwrap_file_key, aead_wrap_file_key

__all__ = [
    "DEFAULT_MAX_WORK_FACTOR",
    "DEFAULT_WORK_FACTOR",
    "STANZA_TYPE",
    "ScryptIdentity",
    "ScryptRecipient",
]

STANZA_TYPE = "scrypt"
DEFAULT_WORK_FACTOR = 18
DEFAULT_MAX_WORK_FACTOR = 22
#: Hard upper bound for either side (2**30 * 1 KiB = 1 TiB of memory is already absurd).
_ABSOLUTE_MAX_WORK_FACTOR = 30
_LABEL = b"age-encryption.org/v1/scrypt"
_SALT_SIZE = 16
_WORK_FACTOR_RE = re.compile(r"[1-9][0-9]?")


def _wrap_key(passphrase: bytes, salt: bytes, work_factor: int) -> bytes:
    kdf = Scrypt(salt=_LABEL + salt, length=32, n=1 << work_factor, r=8, p=1)
    try:
        return kdf.derive(passphrase)
    except MemoryError:
        raise AgeWorkFactorTooHigh("not enough memory for this scrypt work factor") from None


def _check_passphrase(passphrase: bytes) -> bytes:
    if not isinstance(passphrase, bytes | bytearray) or not passphrase:
        raise AgeUsageError(
            "passphrase must be non-empty bytes", user_message="The passphrase must not be empty."
        )
    return bytes(passphrase)


class ScryptRecipient:
    """A passphrase a file is encrypted to. It must be the file's only recipient."""

    __slots__ = ("_passphrase", "_work_factor")

    def __init__(self, passphrase: bytes, work_factor: int = DEFAULT_WORK_FACTOR) -> None:
        self._passphrase = _check_passphrase(passphrase)
        if not 1 <= work_factor <= _ABSOLUTE_MAX_WORK_FACTOR:
            raise AgeUsageError(f"scrypt work factor must be 1..{_ABSOLUTE_MAX_WORK_FACTOR}")
        self._work_factor = work_factor

    @property
    def work_factor(self) -> int:
        """The log2 of scrypt's N this recipient writes."""
        return self._work_factor

    def wrap(self, file_key: bytes) -> list[Stanza]:
        """One ``scrypt`` stanza with a fresh salt."""
        salt = secrets.token_bytes(_SALT_SIZE)
        wrap_key = _wrap_key(self._passphrase, salt, self._work_factor)
        body = aead_wrap_file_key(wrap_key, file_key)
        return [Stanza(STANZA_TYPE, [b64encode_raw(salt), str(self._work_factor)], body)]

    def __repr__(self) -> str:
        return f"ScryptRecipient(work_factor={self._work_factor})"


class ScryptIdentity:
    """A passphrase that unwraps a ``scrypt`` stanza, up to a capped work factor."""

    __slots__ = ("_max_work_factor", "_passphrase")

    def __init__(self, passphrase: bytes, max_work_factor: int = DEFAULT_MAX_WORK_FACTOR) -> None:
        self._passphrase = _check_passphrase(passphrase)
        if not 1 <= max_work_factor <= _ABSOLUTE_MAX_WORK_FACTOR:
            raise AgeUsageError(f"scrypt work factor cap must be 1..{_ABSOLUTE_MAX_WORK_FACTOR}")
        self._max_work_factor = max_work_factor

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes:
        """Recover the file key from the file's single ``scrypt`` stanza."""
        for stanza in stanzas:
            if stanza.type != STANZA_TYPE:
                continue
            if len(stanzas) != 1:
                raise AgeHeaderError("an scrypt stanza must be the only stanza")
            if len(stanza.args) != 2:
                raise AgeHeaderError("scrypt stanza must have exactly two arguments")
            salt = b64decode_strict(stanza.args[0])
            if len(salt) != _SALT_SIZE:
                raise AgeHeaderError("scrypt salt must be 16 bytes")
            if not _WORK_FACTOR_RE.fullmatch(stanza.args[1]):
                raise AgeHeaderError("scrypt work factor is not a plain decimal number")
            work_factor = int(stanza.args[1])
            if work_factor > self._max_work_factor:
                raise AgeWorkFactorTooHigh(f"scrypt work factor {work_factor} above the cap")
            if len(stanza.body) != 32:
                raise AgeHeaderError("scrypt stanza body has the wrong length")
            wrap_key = _wrap_key(self._passphrase, salt, work_factor)
            file_key = aead_unwrap_file_key(wrap_key, stanza.body)
            if file_key is None:
                raise IncorrectPassphrase("scrypt stanza did not open with this passphrase")
            return file_key
        raise IncorrectIdentity("no scrypt stanza in this file")

    def __repr__(self) -> str:
        return f"ScryptIdentity(max_work_factor={self._max_work_factor})"
