"""The unlocked session: the only holder of derived secrets while the wallet is open.

Owns the state between unlock and lock. :meth:`Session.unlock` runs the password KDF once (inside
:mod:`wallet.keystore`) and nothing after it ever sees the password (Electrum issue #4909: never
pass the password down the call stack). The session keeps the BIP39 entropy and seed and hands out
the signing accounts, the vault's encryption identity, the vault-index key and purpose subkeys,
caching what it derives. :meth:`Session.lock` wipes it; every accessor then raises
:class:`WalletLocked`.

Must not import Qt, and no ``wallet`` module but ``errors``, ``age``, ``keys``, ``keystore`` and
``mnemonic``. Never logs or reprs secrets.

Security notes, honestly: the session's own copies of the entropy, the seed and the index key
live in ``bytearray`` buffers that :meth:`lock` overwrites with zeros. Python cannot wipe
immutable objects, and some exist: the ``str`` password and words, the ``bytes`` seed that
``hashlib`` returns before it is copied in, the private keys inside eth-account ``LocalAccount``
objects and age identities (``bytes``/ints in eth-keys and ``cryptography``), and every ``bytes``
a caller receives from :meth:`subkey` or :attr:`index_key`. Locking drops the session's references
to those objects so the allocator may reuse their memory, but they are not overwritten. Keep
sessions short-lived, lock on idle, and prefer OS-level protections (encrypted swap, no core dumps)
for the rest.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Final

from wallet.age import X25519Identity
from wallet.errors import WalletLocked
from wallet.keys import SeedKeys
from wallet.keystore import WalletSecret, read_keystore
from wallet.mnemonic import entropy_to_mnemonic

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

__all__ = ["INDEX_KEY_PURPOSE", "Session"]

INDEX_KEY_PURPOSE: Final = "vault-index"
_LOCKED_MESSAGE: Final = "The wallet is locked; unlock it with your password first."


class Session:
    """An unlocked wallet. Build with :meth:`unlock` or :meth:`from_secret`; end with :meth:`lock`.

    Thread-safe: the UI may lock from its thread while a worker derives.
    """

    __slots__ = (
        "_accounts",
        "_entropy",
        "_has_passphrase",
        "_identities",
        "_index_key",
        "_keys",
        "_lock",
        "_locked",
    )

    def __init__(self, secret: WalletSecret) -> None:
        """Prefer the named constructors; this copies the secret into wipeable buffers."""
        self._lock = threading.RLock()
        self._locked = False
        self._entropy = bytearray(secret.entropy)
        self._has_passphrase = bool(secret.passphrase)
        self._keys = SeedKeys.from_seed(secret.seed())
        self._index_key = bytearray(self._keys.subkey(INDEX_KEY_PURPOSE))
        self._accounts: dict[int, LocalAccount] = {}
        self._identities: dict[int, X25519Identity] = {}

    @classmethod
    def unlock(cls, keystore_path: Path, password: str) -> Session:
        """Open the key file with ``password`` (the KDF runs once, here)."""
        return cls(read_keystore(keystore_path, password))

    @classmethod
    def from_secret(cls, secret: WalletSecret) -> Session:
        """A session for a wallet just created or restored from its words."""
        return cls(secret)

    # -- state ---------------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self._locked

    def _require_unlocked(self) -> None:
        if self._locked:
            raise WalletLocked(_LOCKED_MESSAGE)

    def lock(self) -> None:
        """Zero the entropy, seed and index-key buffers and drop every cached key. Idempotent."""
        with self._lock:
            self._locked = True
            self._entropy[:] = bytes(len(self._entropy))
            self._index_key[:] = bytes(len(self._index_key))
            self._keys.wipe()
            self._accounts.clear()
            self._identities.clear()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock()

    # -- accessors -----------------------------------------------------------------------------

    def account(self, index: int = 0) -> LocalAccount:
        """The signing account at ``m/44'/60'/0'/0/{index}``."""
        with self._lock:
            self._require_unlocked()
            found = self._accounts.get(index)
            if found is None:
                found = self._accounts[index] = self._keys.account(index)
            return found

    def address(self, index: int = 0) -> str:
        """The EIP-55 address of account ``index``."""
        return str(self.account(index).address)

    def encryption_identity(self, index: int = 0) -> X25519Identity:
        """The age identity ``index`` (the vault uses 0)."""
        with self._lock:
            self._require_unlocked()
            found = self._identities.get(index)
            if found is None:
                found = self._identities[index] = self._keys.encryption_identity(index)
            return found

    @property
    def identity(self) -> X25519Identity:
        """The vault's age identity (index 0)."""
        return self.encryption_identity(0)

    @property
    def index_key(self) -> bytes:
        """The 32-byte key of the vault index (HKDF purpose ``vault-index``); a copy."""
        with self._lock:
            self._require_unlocked()
            return bytes(self._index_key)

    def subkey(self, purpose: str, length: int = 32) -> bytes:
        """A key for ``purpose`` (see :meth:`wallet.keys.SeedKeys.subkey`)."""
        with self._lock:
            self._require_unlocked()
            return self._keys.subkey(purpose, length)

    @property
    def has_passphrase(self) -> bool:
        """Whether the wallet uses a BIP39 passphrase (which the words alone do not restore)."""
        with self._lock:
            self._require_unlocked()
            return self._has_passphrase

    def words(self) -> str:
        """The recovery words, for showing or backing up; raises WalletLocked when locked."""
        with self._lock:
            self._require_unlocked()
            return entropy_to_mnemonic(bytes(self._entropy))

    def __repr__(self) -> str:
        return f"Session({'locked' if self._locked else 'unlocked'})"
