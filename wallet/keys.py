"""Keys derived from a BIP39 seed: signing accounts, the encryption identity and purpose subkeys.

Owns :class:`SeedKeys`, an immutable node with a named constructor (Electrum's ``BIP32Node``
idea) that derives, from the 64-byte BIP39 seed:

* signing accounts at BIP44 ``m/44'/60'/0'/0/{index}`` through eth-account's BIP32 code
  (``eth_account.hdaccount.key_from_seed``), so addresses match MetaMask, Trezor, anvil, ethers;
* the X25519 encryption identity of the record vault, and
* purpose subkeys (``vault-index``, ``backup``, ...),

the last two by HKDF-SHA256 with a purpose label (magic-wormhole's ``derive_key(key, purpose)``
idea). The scheme and its test vector are in ``docs/KEYS.md``; the vector is pinned in
``tests/keys`` so the derivation can never change silently.

Must not import Qt, and no ``wallet`` module but ``errors`` and ``age``. Must not log or print keys.

Security notes: a signing key is never used to encrypt, and the encryption identity is not on the
BIP32 tree at all: it is an HKDF output under its own label, independent of every secp256k1 key.
HKDF's outputs under distinct labels are independent pseudo-random keys; learning one reveals
nothing about the seed or any other. ``SeedKeys`` copies the seed into a private ``bytearray``
that :meth:`SeedKeys.wipe` zeroes (the session calls it on lock). What Python cannot wipe: the
``bytes`` the caller passed in, the ``bytes`` private keys that eth-account, eth-keys and the age
identity keep inside the objects returned here, and intermediate ``bytes`` inside those libraries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from wallet.age import X25519Identity
from wallet.errors import WalletLocked, WalletValueError

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

__all__ = [
    "ACCOUNT_PATH",
    "HKDF_SALT",
    "IDENTITY_PURPOSE",
    "LABEL_PREFIX",
    "MAX_INDEX",
    "SeedKeys",
    "derivation_info",
]

ACCOUNT_PATH: Final = "m/44'/60'/0'/0/{index}"
MAX_INDEX: Final = 2**31 - 1  # non-hardened BIP32 indexes

HKDF_SALT: Final = b"patient-wallet"
LABEL_PREFIX: Final = "patient-wallet/v1/"
IDENTITY_PURPOSE: Final = "age-x25519"
SEED_LENGTHS: Final = frozenset({64})
MIN_SUBKEY_LENGTH: Final = 16
MAX_SUBKEY_LENGTH: Final = 64

_PURPOSE_RE: Final = re.compile(r"[a-z][a-z0-9-]{0,63}")


def _check_index(index: int) -> int:
    if type(index) is not int or not 0 <= index <= MAX_INDEX:
        raise WalletValueError(f"An account index is a whole number from 0 to {MAX_INDEX}.")
    return index


def derivation_info(purpose: str, length: int) -> bytes:
    """The HKDF ``info`` for ``purpose``: ``patient-wallet/v1/<purpose>/<length>`` in ASCII.

    Purposes are lower-case ASCII words (``vault-index``); the identity's is
    ``age-x25519/<index>``. Binding the length keeps a short key from being a prefix of a long
    one under the same purpose (HKDF-Expand output is prefix-consistent).
    """
    return f"{LABEL_PREFIX}{purpose}/{length}".encode("ascii")


@dataclass(frozen=True)
class SeedKeys:
    """The keys of one BIP39 seed. Build with :meth:`from_seed`; never shows the seed in repr."""

    _seed: bytearray = field(repr=False)

    @classmethod
    def from_seed(cls, seed: bytes | bytearray) -> SeedKeys:
        """Keys of a 64-byte BIP39 seed (copied into a buffer this object owns and can wipe)."""
        if len(seed) not in SEED_LENGTHS or not any(seed):
            raise WalletValueError("A BIP39 seed is 64 bytes, not all zero.")
        return cls(bytearray(seed))

    @property
    def wiped(self) -> bool:
        """True after :meth:`wipe` (a real seed is never all zero: from_seed refuses that)."""
        return not any(self._seed)

    def wipe(self) -> None:
        """Zero the seed buffer; every derivation raises :class:`WalletLocked` afterwards."""
        self._seed[:] = bytes(len(self._seed))

    def _live_seed(self) -> bytearray:
        if self.wiped:
            raise WalletLocked("The wallet is locked; unlock it with your password first.")
        return self._seed

    def account(self, index: int = 0) -> LocalAccount:
        """The signing account at ``m/44'/60'/0'/0/{index}`` (BIP44, Ethereum coin type 60)."""
        # Imported here: eth-account costs ~1 s to import (py_ecc tables), and unlocking the
        # vault, listing or exporting records never needs a signing key.
        from eth_account import Account
        from eth_account.hdaccount import key_from_seed

        path = ACCOUNT_PATH.format(index=_check_index(index))
        # key_from_seed only hashes the seed (HMAC-SHA512), which accepts a bytearray: no copy.
        private_key = key_from_seed(self._live_seed(), path)  # type: ignore[arg-type]
        account: LocalAccount = Account.from_key(private_key)
        return account

    def address(self, index: int = 0) -> str:
        """The EIP-55 checksummed address of :meth:`account`."""
        return str(self.account(index).address)

    def _hkdf(self, purpose: str, length: int) -> bytes:
        return HKDF(
            algorithm=hashes.SHA256(),
            length=length,
            salt=HKDF_SALT,
            info=derivation_info(purpose, length),
        ).derive(self._live_seed())

    def encryption_identity(self, index: int = 0) -> X25519Identity:
        """The age X25519 identity ``index``: HKDF-SHA256 under ``age-x25519/<index>``, 32 bytes."""
        purpose = f"{IDENTITY_PURPOSE}/{_check_index(index)}"
        return X25519Identity.from_private_bytes(self._hkdf(purpose, 32))

    def subkey(self, purpose: str, length: int = 32) -> bytes:
        """A symmetric key for ``purpose`` (a lower-case ASCII word such as ``vault-index``)."""
        if not isinstance(purpose, str) or not _PURPOSE_RE.fullmatch(purpose):
            raise WalletValueError(
                "A key purpose is a lower-case word of letters, digits and hyphens."
            )
        if purpose == IDENTITY_PURPOSE:
            raise WalletValueError(f"The purpose '{IDENTITY_PURPOSE}' is reserved.")
        if type(length) is not int or not MIN_SUBKEY_LENGTH <= length <= MAX_SUBKEY_LENGTH:
            raise WalletValueError(
                f"A subkey is {MIN_SUBKEY_LENGTH} to {MAX_SUBKEY_LENGTH} bytes long."
            )
        return self._hkdf(purpose, length)

    def __repr__(self) -> str:
        return f"SeedKeys(<{'wiped' if self.wiped else 'secret'}>)"
