"""The facade the CLI and the desktop UI call: one wallet, its session and its parts.

Owns the wallet's lifecycle (create, restore, unlock, lock) and hands out the parts that need an
unlocked session: the record vault and, once a network is chosen, the chain service. It keeps no
rules of its own beyond "which part needs what": words live in :mod:`wallet.mnemonic`, the password
rule in :mod:`wallet.password_policy`, record storage in :mod:`wallet.vault`, consent in
:mod:`wallet.chain`.

Security: the password is used once, at unlock or create, to derive the key-encryption key inside
:mod:`wallet.keystore`; afterwards only the :class:`~wallet.session.Session` holds derived secrets,
and :meth:`WalletService.lock` wipes it. Must not import Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from wallet.datadir import DataDir
from wallet.errors import WalletExists, WalletLocked, WalletNotFound
from wallet.events import EventBus, RecordsChangedEvent, WalletLockedEvent, WalletUnlockedEvent
from wallet.fileio import write_atomic
from wallet.kdf import KdfParams, calibrate
from wallet.keystore import WalletSecret, write_keystore
from wallet.mnemonic import generate_mnemonic, mnemonic_to_entropy, validate_mnemonic
from wallet.password_policy import require_acceptable_password
from wallet.session import Session
from wallet.settings import Settings, load_settings, update_settings
from wallet.vault import Vault

if TYPE_CHECKING:
    from wallet.backup.service import BackupService
    from wallet.chain.profiles import NetworkProfile
    from wallet.chain.service import ChainService
    from wallet.share.service import ShareService

KdfFactory = Callable[[], KdfParams]


class WalletService:
    """One wallet in one data directory.

    ``kdf_factory`` chooses the password-KDF parameters for a new keystore; the default calibrates
    Argon2id on this machine. Tests inject a fast factory; nothing else should.
    """

    def __init__(
        self,
        data_dir: DataDir,
        *,
        events: EventBus | None = None,
        kdf_factory: KdfFactory = calibrate,
    ) -> None:
        self.data_dir = data_dir
        self.events = events or EventBus()
        self._kdf_factory = kdf_factory
        self._session: Session | None = None
        self._vault: Vault | None = None

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def has_wallet(self) -> bool:
        return self.data_dir.has_wallet()

    @property
    def is_unlocked(self) -> bool:
        return self._session is not None and not self._session.locked

    def create(self, password: str, *, words: int = 24, passphrase: str = "") -> str:
        """Make a new wallet with fresh words; return the words (shown once, never stored plain)."""
        mnemonic = generate_mnemonic(words)
        self._install(WalletSecret(mnemonic_to_entropy(mnemonic), passphrase), password)
        return mnemonic

    def restore(self, mnemonic: str, password: str, *, passphrase: str = "") -> None:
        """Rebuild the wallet from its words (and BIP39 passphrase) into an empty data directory."""
        normalised = validate_mnemonic(mnemonic)
        self._install(WalletSecret(mnemonic_to_entropy(normalised), passphrase), password)

    def _install(self, secret: WalletSecret, password: str) -> None:
        if self.has_wallet:
            raise WalletExists(
                f"A wallet already exists in {self.data_dir.root}; choose another --data-dir."
            )
        require_acceptable_password(password)
        self.data_dir.create()
        write_keystore(self.data_dir.keystore, secret, password, self._kdf_factory())
        self._start_session(Session.from_secret(secret))

    def unlock(self, password: str) -> None:
        """Derive the keys from the password once and open the session."""
        if not self.has_wallet:
            raise WalletNotFound(
                f"There is no wallet in {self.data_dir.root}; create one with 'init' or 'restore'."
            )
        self._start_session(Session.unlock(self.data_dir.keystore, password))

    def _start_session(self, session: Session) -> None:
        self.lock("replaced")
        self._session = session
        self.events.publish(WalletUnlockedEvent())

    @property
    def settings(self) -> Settings:
        """The wallet's non-secret settings (readable while locked)."""
        return load_settings(self.data_dir.settings)

    def update_settings(self, **changes: object) -> Settings:
        """Change and save settings, e.g. ``update_settings(auto_lock_minutes=5)``."""
        self.data_dir.create()
        return update_settings(self.data_dir.settings, **changes)

    def lock(self, reason: str = "user") -> None:
        """Close the vault and wipe the session's secrets. Safe to call when already locked."""
        if self._vault is not None:
            self._vault.close()
            self._vault = None
        if self._session is not None:
            self._session.lock()
            self._session = None
            self.events.publish(WalletLockedEvent(reason=reason))

    # -- parts that need the session ------------------------------------------------------

    @property
    def session(self) -> Session:
        if self._session is None or self._session.locked:
            raise WalletLocked("The wallet is locked; unlock it with your password first.")
        return self._session

    @property
    def vault(self) -> Vault:
        """The record vault, opened on first use after unlock."""
        session = self.session
        if self._vault is None:
            self._vault = Vault.open(self.data_dir.vault, session.identity, session.index_key)
            self._vault.on_change = lambda: self.events.publish(RecordsChangedEvent())
        return self._vault

    def address(self, index: int = 0) -> str:
        return self.session.address(index)

    def recipient(self) -> str:
        """The vault's age recipient (``age1…``): anyone may encrypt a record to it."""
        return self.session.identity.recipient().to_string()

    def export_identity(self, out: Path) -> None:
        """Write the vault's age identity to ``out`` (0600) so ``age -d -i`` opens every record."""
        if out.exists():
            raise WalletExists(f"{out} already exists; choose a new file for the identity.")
        identity = self.session.identity.to_string()
        write_atomic(out, f"# Patient Wallet vault identity\n{identity}\n".encode())

    def chain(self, profile: NetworkProfile, *, auto_start_local: bool = True) -> ChainService:
        """A chain service for ``profile`` that signs with this wallet's account 0.

        The chain stack (web3) is imported here, not at start-up: opening the vault never pays
        for it. The account is taken from the session at signing time, so a service built
        before a lock refuses to sign after it. One service per event loop.
        """
        from wallet.chain.service import ChainService

        return ChainService(
            self.data_dir.root,
            profile,
            lambda: self.session.account(0),
            auto_start_local=auto_start_local,
        )

    # -- sharing (owned by wallet.share; this block only hands out its service) ---------------

    def shares(self) -> ShareService:
        """Share records with providers, revoke, list, and open bundles (provider role)."""
        from wallet.share.service import ShareService

        return ShareService(self.vault, self.session, self.data_dir.shares)

    # -- backup (owned by wallet.backup; this block only hands out its service) ---------------

    def backups(self) -> BackupService:
        """Encrypted backup and verified restore, SLIP-39 share files, keystore v3 export."""
        from wallet.backup.service import BackupService

        return BackupService(
            self.data_dir,
            session=lambda: self.session,
            vault=lambda: self.vault,
            kdf_factory=self._kdf_factory,
            release=lambda: self.lock("restoring a backup"),
        )
