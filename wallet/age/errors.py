"""Typed errors of the age v1 implementation, one per failure class of the C2SP test kit.

Owns the mapping from "what went wrong with an age file" to one sentence the user can act on:

* :class:`AgeError` (a :class:`~wallet.errors.CorruptData`) is the root of every failure caused by
  the *bytes of a file*: :class:`AgeHeaderError` (the header does not parse, or a stanza for one of
  our identities is malformed), :class:`AgeHmacError` (a key was unwrapped but the header MAC does
  not match), :class:`AgePayloadError` (the STREAM payload is altered, truncated or has trailing
  data) and :class:`AgeArmorError` (the ASCII armor is malformed).
* :class:`UnsupportedAge` is both a header failure and an :class:`~wallet.errors.UnsupportedFormat`.
* :class:`IncorrectIdentity` means the file is well formed but none of its stanzas is for us;
  :class:`IncorrectPassphrase` is its retryable passphrase flavour (also a
  :class:`~wallet.errors.WrongPassword`).
* :class:`AgeUsageError` and :class:`InvalidAgeKey` are caller mistakes (bad arguments, a key
  string that does not parse), not file damage.

Must not import anything but ``wallet.errors``. Security note: the technical ``detail`` may name
what failed to parse but never includes key material or plaintext; the ``user_message`` is fixed.
"""

from __future__ import annotations

from wallet.errors import (
    CorruptData,
    UnsupportedFormat,
    WalletError,
    WalletValueError,
    WrongPassword,
)

__all__ = [
    "AgeArmorError",
    "AgeError",
    "AgeHeaderError",
    "AgeHmacError",
    "AgePayloadError",
    "AgeTrailingData",
    "AgeTruncated",
    "AgeUsageError",
    "AgeWorkFactorTooHigh",
    "IncorrectIdentity",
    "IncorrectPassphrase",
    "InvalidAgeKey",
    "UnsupportedAge",
]


class _Detailed:
    """Mixin: a fixed user message per class plus a technical ``detail`` for logs and tests."""

    USER_MESSAGE = "The encrypted file could not be read."
    detail: str

    def _init_detail(self, detail: str) -> str:
        self.detail = detail
        return self.USER_MESSAGE


class AgeError(_Detailed, CorruptData):
    """Root of every failure caused by the bytes of an age file."""

    USER_MESSAGE = "The encrypted file is damaged or is not an age file."

    def __init__(self, detail: str = "") -> None:
        super().__init__(self._init_detail(detail))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"


class AgeHeaderError(AgeError):
    """The header does not parse, or a stanza meant for one of our identities is malformed."""

    USER_MESSAGE = "The encrypted file's header is damaged or is not an age file."


class AgeWorkFactorTooHigh(AgeHeaderError):
    """A passphrase stanza asks for more scrypt work than this program accepts."""

    USER_MESSAGE = "The encrypted file asks for a passphrase cost higher than this program allows."


class UnsupportedAge(AgeHeaderError, UnsupportedFormat):
    """The file names an age version other than v1."""

    USER_MESSAGE = "The encrypted file uses an age version this program does not support."


class AgeHmacError(AgeError):
    """A file key was unwrapped but the header MAC does not match: the header was altered."""

    USER_MESSAGE = "The encrypted file's header was altered and cannot be trusted."


class AgePayloadError(AgeError):
    """The encrypted payload is altered or malformed."""

    USER_MESSAGE = "The encrypted file's contents are damaged and could not be verified."


class AgeTruncated(AgePayloadError):
    """The payload ends before its final chunk."""

    USER_MESSAGE = "The encrypted file is truncated."


class AgeTrailingData(AgePayloadError):
    """Data follows the final chunk of the payload."""

    USER_MESSAGE = "The encrypted file has unexpected data after its end."


class AgeArmorError(AgeError):
    """The ASCII armor around an age file is malformed."""

    USER_MESSAGE = "The armored (text) encrypted file is malformed."


class IncorrectIdentity(_Detailed, WalletError):
    """No identity we hold can unwrap any stanza of the file (the test kit's "no match")."""

    USER_MESSAGE = "This file was not encrypted to this wallet's key."

    def __init__(self, detail: str = "") -> None:
        super().__init__(self._init_detail(detail))


class IncorrectPassphrase(IncorrectIdentity, WrongPassword):
    """The passphrase does not unwrap the file's scrypt stanza. Retryable."""

    USER_MESSAGE = "The passphrase is not correct for this file."


class AgeUsageError(_Detailed, WalletValueError):
    """The caller asked for something the format does not allow (a programming or input error)."""

    USER_MESSAGE = "The encryption request is not valid."

    def __init__(self, detail: str = "", user_message: str | None = None) -> None:
        message = self._init_detail(detail)
        super().__init__(user_message or message)


class InvalidAgeKey(AgeUsageError):
    """A recipient or identity string or byte string does not parse."""

    USER_MESSAGE = "The age key is not valid."
