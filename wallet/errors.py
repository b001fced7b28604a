"""The one exception root of the core, and its typed subclasses.

Every error the core raises on purpose derives from :class:`WalletError` and carries a
``user_message``: one sentence a patient or provider can act on. The CLI prints it and exits 1; the
GUI shows it in a message. Tracebacks are for programming errors only.

Must not import anything from the rest of the package (everyone imports this module).
"""

from __future__ import annotations


class WalletError(Exception):
    """Root of every deliberate error in the core.

    ``user_message`` is one sentence, ending with a full stop, naming the problem and, where one
    exists, the way out. ``str(error)`` is the same sentence.
    """

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class WalletValueError(WalletError, ValueError):
    """Bad input from the user or a file: a word, an address, a number, a path."""


class WalletNotFound(WalletError, LookupError):
    """Something named by the user does not exist: a record, a file, a wallet, a share."""


class WalletExists(WalletError):
    """Creating something that is already there (a wallet in a non-empty data directory)."""


class WrongPassword(WalletError):
    """The password does not open the wallet. Retryable; nothing was changed."""


class WalletLocked(WalletError):
    """An operation needs the unlocked session, and the wallet is locked."""


class CorruptData(WalletError):
    """A file fails its integrity check: truncated, altered, or not in the expected format."""


class UnsupportedFormat(WalletError):
    """A file names a format or version this program does not know (written by a newer one)."""


class ChainError(WalletError):
    """The chain could not be used: node down, wrong chain id, revert, no funds."""


class AccessDenied(WalletError):
    """The chain or a signature says this party may not do or read this."""
