"""The sharing package's typed errors: one sentence each, derived from :mod:`wallet.errors`.

Owns the sentences a patient or a provider sees when a share cannot be made, listed, revoked or
opened. Every class derives from a core class (``CorruptData``, ``AccessDenied``,
``WalletNotFound``...), so callers may catch either the general kind or the share-specific one.

Must not import anything but :mod:`wallet.errors`. Security note: messages name addresses, share
ids and paths (public or chosen by the user), never record titles or contents.
"""

from __future__ import annotations

from wallet.errors import AccessDenied, CorruptData, UnsupportedFormat, WalletNotFound

__all__ = [
    "BundleAltered",
    "BundleInvalid",
    "BundleNotForMe",
    "BundleUnsupported",
    "ConsentNotActive",
    "ProviderNotRegistered",
    "ShareNotFound",
]


class BundleInvalid(CorruptData):
    """The file is not a well-formed share bundle (damaged, truncated, or something else)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"This is not a valid share bundle: {reason}.")
        self.reason = reason


class BundleUnsupported(UnsupportedFormat):
    """The bundle names a format version this program does not know."""


class BundleAltered(CorruptData):
    """The bundle parses but does not match what the patient committed to: it was altered."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"The share bundle was altered after the patient made it ({what}); nothing was written."
        )
        self.what = what


class BundleNotForMe(AccessDenied):
    """The bundle was made for another provider, key, chain or contract."""


class ConsentNotActive(AccessDenied):
    """The chain does not authorise this provider to open this share now."""


class ProviderNotRegistered(AccessDenied):
    """The chosen address is not a registered provider, so it has no key to share to."""


class ShareNotFound(WalletNotFound):
    """No share with this id is in this wallet's share ledger."""
