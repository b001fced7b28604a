"""The one bridge between the core (``wallet``) and Qt: the only module that knows both worlds.

Owns:

* re-emitting the core's plain-Python events (:mod:`wallet.events`) as Qt signals, always on the
  GUI thread, whichever thread published them (Electrum's ``QtEventListener`` idea);
* running every blocking core call (KDF, encryption, file I/O) off the GUI thread, in one worker
  thread, so the window never freezes; views ``await`` the bridge's async methods;
* the ``busy`` and ``progress`` signals views use to show work in progress;
* read-only access to the core's pure rules the screens render (password strength, word
  completion, word validation) so views import nothing from ``wallet`` but errors and value types.

Calls that fail on purpose raise :class:`wallet.errors.WalletError` to the awaiting view, which
shows its ``user_message`` where the user is looking. Unexpected exceptions are logged with their
traceback and reported once through ``error`` as a sentence, never as a traceback.

Must not build widgets, read or write files itself, or keep secrets: a password passes straight
through to the service, and recovery words live only as long as the onboarding screen holds them.

Chain: one :class:`~wallet.chain.service.ChainService` per event loop, built lazily on the qasync
loop for the network chosen in the settings (the local node is started when that profile is used
and is not running). Pure chain reads (status, provider look-up, "shared with me"), provider
registration and the follower run there as coroutines; the follower's plain events come back as
``consentChanged``, ``providerChanged``, ``blockSeen`` and ``connectionChanged``. Share work
(create, revoke, list, provider open) touches the vault and does CPU-heavy bundle building or
decryption, so it runs on the core worker thread inside its own short-lived event loop with its
own chain connection (one service per loop), keeping every vault access on that one thread.
Transactions report ``transactionPending(what)`` then ``transactionConfirmed(what, tx_hash)``.

Backup: export (verified by the core before it is kept) and restore from a backup file run on the
worker thread; the core's stage labels arrive through ``backupStage`` and the bytes through
``progress``. Whether to remind the patient to make a backup is the core's rule
(:func:`wallet.backup.reminder.backup_reminder`); the bridge only gathers its two inputs.

Audit: while unlocked the bridge appends identifiers-only entries (unlock, lock, import, export,
share, grant, revoke, provider open/registration) to the sealed :mod:`wallet.audit` log, on the
worker thread.

Start-up: the core's heavy modules (``wallet.service`` pulls in eth-account) are imported only
for type checking here; :mod:`ui.app` loads them on a worker thread after the window shows, and
the pure-rule helpers below import their modules on first use.

Threading: core calls run one at a time on a single worker thread (``run_blocking``), which keeps
the vault's and the session's use simple and ordered; :meth:`lock` runs at once on the GUI thread
because it only wipes memory and closes files.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

from ui import strings
from wallet.audit import AUDIT_PURPOSE, AuditEntry, AuditKind, AuditLog
from wallet.errors import WalletError
from wallet.events import (
    EventBus,
    RecordsChangedEvent,
    WalletLockedEvent,
    WalletUnlockedEvent,
)

if TYPE_CHECKING:  # the core's heavy modules load after the first window shows (ui.app)
    from wallet.addresses import ParsedAddress
    from wallet.backup import BackupReport, RestoreReport
    from wallet.chain.profiles import NetworkProfile
    from wallet.chain.registries import ConsentInfo, ProviderInfo, ProviderKind
    from wallet.chain.service import ChainService, ChainStatus
    from wallet.consent import Purpose
    from wallet.password_policy import PasswordStrength
    from wallet.service import WalletService
    from wallet.share.opener import OpenedRecord
    from wallet.share.service import CreatedShare, RevokedShare, ShareService, ShareStatus
    from wallet.vault import RecordMeta

log = logging.getLogger(__name__)

T = TypeVar("T")

PROGRESS_INTERVAL_S = 0.05
"""At most one progress signal per 50 ms: a 1 GB import must not flood the GUI thread."""

FOLLOW_INTERVAL_S = 0.5
"""How often the follower polls the node for new blocks."""

LOCAL_TOP_UP_BELOW_WEI = 10**18
"""Local development chain only: top the signing account up below 1 ether (as the CLI does)."""


class Bridge(QObject):
    """Qt face of one :class:`WalletService`. Create on the GUI thread; :meth:`close` at exit."""

    locked = Signal(str)  # reason: "user", "idle", "quit", …
    unlocked = Signal()
    recordsChanged = Signal()
    error = Signal(str)  # one sentence for the user
    busy = Signal(bool)
    progress = Signal(int, int)  # done, total (bytes)
    backupStage = Signal(str)  # the core's stage label of a backup export or restore

    consentChanged = Signal(object)  # wallet.chain.follower.ConsentChanged
    providerChanged = Signal(object)  # wallet.chain.follower.ProviderChanged
    blockSeen = Signal(int, int)  # number, timestamp
    connectionChanged = Signal(bool, str)  # connected, one sentence
    transactionPending = Signal(str)  # what: "grant", "revoke", "register"
    transactionConfirmed = Signal(str, str)  # what, tx hash
    activityChanged = Signal()  # a new audit entry was written

    _post = Signal(object)  # a callable to run on the GUI thread (queued from worker threads)

    def __init__(self, service: WalletService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wallet-core")
        self._busy_count = 0
        self._closed = False
        self._audit: AuditLog | None = None
        self._chain: ChainService | None = None
        self._chain_loop: asyncio.AbstractEventLoop | None = None
        self._follow_task: asyncio.Task[None] | None = None
        self._post.connect(self._run_posted, Qt.ConnectionType.QueuedConnection)
        events: EventBus = service.events
        self._unsubscribe = [
            events.subscribe(WalletLockedEvent, self._on_locked),
            events.subscribe(WalletUnlockedEvent, self._on_unlocked),
            events.subscribe(RecordsChangedEvent, self._on_records_changed),
        ]

    # -- events from the core (any thread) -> signals (GUI thread) ---------------------------------

    @Slot(object)
    def _run_posted(self, fn: Callable[[], None]) -> None:
        fn()

    def _on_locked(self, event: WalletLockedEvent) -> None:
        self._post.emit(functools.partial(self.locked.emit, event.reason))

    def _on_unlocked(self, _event: WalletUnlockedEvent) -> None:
        # Runs on the thread that unlocked (the worker): derive the audit key while the session is
        # fresh and log the unlock before the GUI hears of it.
        try:
            self._audit = AuditLog.in_data_dir(
                self._service.data_dir.root, self._service.session.subkey(AUDIT_PURPOSE)
            )
            self._write_audit(self._audit, AuditEntry(AuditKind.UNLOCK))
        except WalletError:
            log.exception("the audit log could not record the unlock")
        self._post.emit(self.unlocked.emit)

    def _on_records_changed(self, _event: RecordsChangedEvent) -> None:
        self._post.emit(self.recordsChanged.emit)

    # -- running blocking work ---------------------------------------------------------------------

    async def run_blocking(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` on the core's worker thread and await its result.

        ``busy`` goes true while any such call runs. ``WalletError`` propagates to the caller;
        anything else is logged, reported through ``error``, and re-raised. After :meth:`close`
        the call is cancelled (``asyncio.CancelledError``): the app is shutting down.
        """
        if self._closed:
            raise asyncio.CancelledError
        loop = asyncio.get_running_loop()
        self._set_busy(+1)
        try:
            return await loop.run_in_executor(
                self._executor, functools.partial(fn, *args, **kwargs)
            )
        except WalletError:
            raise
        except Exception as exc:
            log.exception("core call %s failed", getattr(fn, "__name__", fn))
            self.error.emit(strings.UNEXPECTED_ERROR.format(type(exc).__name__))
            raise
        finally:
            self._set_busy(-1)

    def _set_busy(self, delta: int) -> None:
        before = self._busy_count
        self._busy_count += delta
        if (before == 0) != (self._busy_count == 0):
            self.busy.emit(self._busy_count > 0)

    @property
    def is_busy(self) -> bool:
        return self._busy_count > 0

    def _progress_reporter(self) -> Callable[[int, int], None]:
        """A ``progress(done, total)`` callback for the worker thread, throttled, GUI-safe."""
        last = 0.0

        def report(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done < total and now - last < PROGRESS_INTERVAL_S:
                return
            last = now
            self._post.emit(functools.partial(self.progress.emit, done, total))

        return report

    # -- state -------------------------------------------------------------------------------------

    @property
    def has_wallet(self) -> bool:
        return self._service.has_wallet

    @property
    def is_unlocked(self) -> bool:
        return self._service.is_unlocked

    # -- the core's pure rules, for screens to render (fast; GUI thread) ---------------------------

    @staticmethod
    def assess_password(password: str) -> PasswordStrength:
        from wallet.password_policy import assess_password  # see module note

        return assess_password(password)

    @staticmethod
    def suggest_words(prefix: str, limit: int = 8) -> list[str]:
        from wallet.mnemonic import suggest_words

        return suggest_words(prefix, limit)

    @staticmethod
    def validate_words(text: str) -> str:
        """The normalised words, or ``InvalidMnemonic`` whose message names the bad word."""
        from wallet.mnemonic import validate_mnemonic

        return validate_mnemonic(text)

    @staticmethod
    def new_words(count: int) -> str:
        """Fresh recovery words for a wallet that does not exist until :meth:`create_wallet`."""
        from wallet.mnemonic import generate_mnemonic

        return generate_mnemonic(count)

    async def purposes(self) -> list[Purpose]:
        """The purposes of use a consent can name, in the core's order (imported off the GUI)."""
        consent = await self.run_blocking(importlib.import_module, "wallet.consent")
        return list(consent.Purpose)

    async def provider_kinds(self) -> list[ProviderKind]:
        registries = await self.run_blocking(importlib.import_module, "wallet.chain.registries")
        return list(registries.ProviderKind)

    # -- lifecycle ---------------------------------------------------------------------------------

    async def create_wallet(self, words: str, password: str, passphrase: str = "") -> None:
        """Install a new wallet from words made by :meth:`new_words` (after the user saw them).

        The service's ``restore`` is the install step: it takes the words the patient has just
        written down, so the wallet comes into existence only after the confirmation step.
        """
        await self.run_blocking(self._service.restore, words, password, passphrase=passphrase)

    async def restore_wallet(self, words: str, password: str, passphrase: str = "") -> None:
        await self.run_blocking(self._service.restore, words, password, passphrase=passphrase)

    async def unlock(self, password: str) -> None:
        """Derive the keys (slow KDF) on the worker; ``unlocked`` follows on success."""
        await self.run_blocking(self._service.unlock, password)

    def lock(self, reason: str = "user") -> None:
        """Wipe the session now; ``locked`` follows if it was unlocked.

        The lock entry is sealed with the audit key before the session goes and written on the
        worker thread; the follower stops (a locked wallet watches nothing).
        """
        self.audit(AuditKind.LOCK, reason=reason)
        self._audit = None
        self.stop_following()
        self._service.lock(reason)

    async def address(self, index: int = 0) -> str:
        return await self.run_blocking(self._service.address, index)

    # -- records -----------------------------------------------------------------------------------

    async def list_records(self) -> list[RecordMeta]:
        return await self.run_blocking(lambda: self._service.vault.list_records())

    async def import_files(self, paths: Iterable[Path]) -> list[RecordMeta]:
        """Import each file in turn; a file that fails is reported through ``error`` and skipped."""
        imported: list[RecordMeta] = []
        for path in paths:
            report = self._progress_reporter()
            try:
                meta = await self.run_blocking(
                    lambda p=path, r=report: self._service.vault.import_file(p, progress=r)
                )
            except WalletError as exc:
                self.error.emit(exc.user_message)
                continue
            imported.append(meta)
        if imported:
            self.audit(AuditKind.IMPORT, record_ids=tuple(m.id for m in imported))
        return imported

    async def export_record(self, record_id: str, out: Path, *, overwrite: bool = False) -> None:
        """Write a decrypted copy to ``out`` (only ever on the user's explicit request)."""
        report = self._progress_reporter()
        await self.run_blocking(
            lambda: self._service.vault.export(record_id, out, overwrite=overwrite, progress=report)
        )
        self.audit(AuditKind.EXPORT, record_ids=(record_id,))

    async def read_record(self, record_id: str) -> bytes:
        """The decrypted record in memory, for viewing; nothing touches the disk."""
        return await self.run_blocking(lambda: self._service.vault.read_bytes(record_id))

    # -- backup ------------------------------------------------------------------------------------

    def _staged_reporter(self) -> Callable[[str, int, int], None]:
        """A ``progress(stage, done, total)`` callback: each new stage at once, bytes throttled."""
        bytes_report = self._progress_reporter()
        current: str | None = None

        def report(stage: str, done: int, total: int) -> None:
            nonlocal current
            if stage != current:
                current = stage
                self._post.emit(functools.partial(self.backupStage.emit, stage))
            bytes_report(done, total)

        return report

    @property
    def last_backup_at(self) -> str | None:
        """ISO 8601 UTC time of the last verified backup, or ``None``."""
        return self._settings_value("last_backup_at", None)

    async def export_backup(self, out: Path, backup_password: str | None = None) -> BackupReport:
        """Write a verified, encrypted backup to the new file ``out`` (the core records when)."""
        report = self._staged_reporter()
        return await self.run_blocking(
            lambda: self._service.backups().export(
                Path(out), backup_password=backup_password, progress=report
            )
        )

    async def restore_backup(
        self,
        source: Path,
        words: str,
        password: str,
        *,
        passphrase: str = "",
        backup_password: str | None = None,
    ) -> RestoreReport:
        """Restore ``source`` into the (empty) data directory with the words; all or nothing.

        The restored wallet is locked: it opens with ``password`` on the unlock screen.
        """
        report = self._staged_reporter()
        return await self.run_blocking(
            lambda: self._service.backups().restore(
                Path(source),
                words,
                password,
                passphrase=passphrase,
                backup_password=backup_password,
                progress=report,
            )
        )

    async def backup_reminder(self) -> str | None:
        """The core's reminder sentence (no backup yet, or records newer than it), or ``None``."""

        def decide() -> str | None:
            from wallet.backup.reminder import backup_reminder

            records = self._service.vault.list_records()
            newest = max((meta.created_at for meta in records), default=None)
            return backup_reminder(self._service.settings.last_backup_at, newest)

        return await self.run_blocking(decide)

    # -- about -------------------------------------------------------------------------------------

    @property
    def version(self) -> str:
        from wallet import __version__

        return __version__

    @property
    def data_dir(self) -> Path:
        return self._service.data_dir.root

    # -- receive -----------------------------------------------------------------------------------

    async def address_qr_png(self, address: str, chain_id: int | None = None) -> bytes:
        """PNG bytes of a QR code for ``address`` (an EIP-681 URI once a network is chosen)."""

        def make() -> bytes:
            from wallet.addresses import eip681_uri  # heavy, only when shown
            from wallet.qr import make_qr_png_bytes

            text = address if chain_id is None else eip681_uri(address, chain_id)
            return make_qr_png_bytes(text, scale=8)

        return await self.run_blocking(make)

    # -- audit log ---------------------------------------------------------------------------------

    @staticmethod
    def _write_audit(audit: AuditLog, entry: AuditEntry) -> None:
        try:
            audit.append(entry)
        except WalletError:
            log.exception("the audit log could not be written")

    def audit(self, kind: AuditKind, **fields: Any) -> None:
        """Append an identifiers-only entry on the worker thread (no-op while locked).

        The entry is built here, so its time is when it happened; the sealing key is the one
        derived at unlock, held by the log object until the write is done.
        """
        audit = self._audit
        if audit is None or self._closed:
            return
        try:
            entry = AuditEntry(kind, **fields)
        except WalletError:
            log.exception("bad audit entry %s", kind)
            return

        def write() -> None:
            self._write_audit(audit, entry)
            self._post.emit(self.activityChanged.emit)

        self._executor.submit(write)

    async def audit_entries(self) -> list[AuditEntry]:
        """The audit log, oldest first (``CorruptData`` if it was tampered with)."""
        audit = self._audit
        if audit is None:
            return []
        return await self.run_blocking(audit.entries)

    # -- settings (readable while locked) ----------------------------------------------------------

    @property
    def auto_lock_minutes(self) -> int:
        return self._settings_value("auto_lock_minutes", 10)

    @property
    def words_confirmed(self) -> bool:
        return self._settings_value("words_confirmed", True)

    @property
    def network(self) -> str:
        return self._settings_value("network", "local")

    def _settings_value(self, name: str, default: Any) -> Any:
        try:
            return getattr(self._service.settings, name)
        except WalletError as exc:
            self.error.emit(exc.user_message)
            return default

    async def update_settings(self, **changes: Any) -> None:
        """Persist ``changes`` (``auto_lock_minutes=``, ``words_confirmed=``, ``network=``).

        Choosing another network drops the current chain connection; the next chain call and the
        follower use the new one.
        """
        old_network = self.network
        await self.run_blocking(self._service.update_settings, **changes)
        if changes.get("network", old_network) != old_network:
            await self.close_chain()
            if self.is_unlocked:
                self.start_following()

    async def network_names(self) -> list[str]:
        """The names of the network profiles (built-in examples, the user's file, ``local``)."""
        profiles = await self.run_blocking(self._load_profiles)
        return sorted(profiles, key=lambda name: (name != "local", name))

    def _load_profiles(self) -> dict[str, NetworkProfile]:
        from wallet.chain.localnode import LocalNode
        from wallet.chain.profiles import load_profiles

        return dict(load_profiles(self._service.data_dir.root, local=LocalNode().profile()))

    def _profile(self) -> NetworkProfile:
        from wallet.chain.profiles import select_profile

        return select_profile(self._load_profiles(), self.network)

    # -- chain (qasync loop) -----------------------------------------------------------------------

    async def chain(self) -> ChainService:
        """The chain service of this event loop for the chosen network (built on first use)."""
        loop = asyncio.get_running_loop()
        if self._chain is not None and self._chain_loop is loop:
            return self._chain
        profile = await self.run_blocking(self._profile)  # imports the chain stack off the GUI
        if self._chain is not None and self._chain_loop is loop:
            return self._chain  # another caller built it meanwhile
        self._chain = self._service.chain(profile, auto_start_local=True)
        self._chain_loop = loop
        if self.is_unlocked:
            self.start_following()
        return self._chain

    @property
    def chain_in_use(self) -> bool:
        """A chain service was built (a chain screen was opened) on the running loop."""
        return self._chain is not None

    async def close_chain(self) -> None:
        """Stop following and disconnect (network change, shutdown)."""
        self.stop_following()
        chain, self._chain, self._chain_loop = self._chain, None, None
        if chain is not None:
            await chain.close()

    async def chain_status(self) -> ChainStatus:
        chain = await self.chain()
        return await chain.status()

    async def chain_id(self) -> int:
        chain = await self.chain()
        client = await chain.client()
        return client.chain_id

    async def _ready_to_sign(self) -> ChainService:
        """The chain, connected; on the local development chain the account is topped up."""
        chain = await self.chain()
        client = await chain.client()
        if chain.profile.local:
            address = await self.address(0)
            if await client.balance(address) < LOCAL_TOP_UP_BELOW_WEI:
                await chain.fund(address)
        return chain

    def start_following(self) -> None:
        """Follow the chain for this wallet's address; events arrive as signals. Idempotent."""
        if self._follow_task is not None and not self._follow_task.done():
            return
        self._follow_task = asyncio.get_event_loop().create_task(self._follow())

    def stop_following(self) -> None:
        task, self._follow_task = self._follow_task, None
        if task is not None and not task.done():
            task.cancel()

    @property
    def is_following(self) -> bool:
        return self._follow_task is not None and not self._follow_task.done()

    async def _follow(self) -> None:
        from wallet.chain.follower import (
            BlockSeen,
            ConnectionChanged,
            ConsentChanged,
            ProviderChanged,
        )

        try:
            chain = await self.chain()
            address = await self.address(0)
            follower = await chain.follower(watch=[address], interval=FOLLOW_INTERVAL_S)
        except WalletError as exc:
            self.connectionChanged.emit(False, exc.user_message)
            return
        self.connectionChanged.emit(True, "")
        try:
            async for event in follower.events():
                if isinstance(event, ConsentChanged):
                    self.consentChanged.emit(event)
                elif isinstance(event, ProviderChanged):
                    self.providerChanged.emit(event)
                elif isinstance(event, BlockSeen):
                    self.blockSeen.emit(event.number, event.timestamp)
                elif isinstance(event, ConnectionChanged):
                    self.connectionChanged.emit(event.connected, event.message)
        finally:
            follower.stop()

    async def find_provider(self, text: str) -> ProviderInfo:
        """The registered provider at the address in ``text`` (address, URI, or a QR's text).

        Refuses, with the core's sentence, text that is not a grantee address for this chain and
        an address that is not a registered provider.
        """
        from wallet.share.service import registered_provider
        from wallet.share.target import resolve_target

        chain = await self.chain()
        client = await chain.client()
        parsed = await self.run_blocking(resolve_target, text, client.chain_id)
        return await registered_provider(chain, parsed.address)

    async def my_provider_info(self) -> ProviderInfo:
        """What the registry says about this wallet's own address (provider role)."""
        chain = await self.chain()
        return await chain.show_provider(await self.address(0))

    async def consents_for_me(self) -> list[ConsentInfo]:
        """Grants made to this wallet's address (provider role)."""
        chain = await self.chain()
        return await chain.consents_for_me()

    async def register_provider(self, name: str, kind: ProviderKind, licence: str | None) -> str:
        """Register this wallet's address as a provider; returns the mined transaction's hash."""
        chain = await self._ready_to_sign()
        recipient = await self.run_blocking(
            lambda: self._service.session.identity.recipient().public_bytes()
        )
        self.transactionPending.emit("register")
        submitted = await chain.register_provider(name, kind, licence or None, recipient)
        self.audit(AuditKind.PROVIDER_REGISTERED, tx_hash=submitted.tx_hash)
        self.transactionConfirmed.emit("register", submitted.tx_hash)
        return submitted.tx_hash

    # -- QR (decoding off the GUI thread) ----------------------------------------------------------

    @staticmethod
    def decode_qr_gray(data: bytes, width: int, height: int, stride: int) -> list[str]:
        """All QR texts in an 8-bit grayscale frame. Pure and thread-safe: the camera scanner
        calls it on its own decoding thread, so a busy core worker never delays scanning."""
        from wallet.qr import decode_qr_gray

        return decode_qr_gray(data, width, height, stride)

    async def address_from_qr_texts(self, texts: list[str]) -> str:
        """The one address text among decoded QR texts, or the core's sentence why not."""
        from wallet.qr import read_address_qr

        return _as_target(await self.run_blocking(read_address_qr, texts))

    async def address_from_qr_file(self, path: Path) -> str:
        from wallet.qr import read_address_qr

        return _as_target(await self.run_blocking(read_address_qr, Path(path)))

    # -- sharing (core worker thread, its own loop and connection) ---------------------------------

    async def _share_job(self, job: Callable[[ShareService, ChainService], Any]) -> Any:
        """Run ``await job(shares, chain)`` on the worker thread in a private event loop.

        The GUI loop's chain is connected first (starting the local node, topping up the local
        account), so the worker's connection finds a running node.
        """
        await self._ready_to_sign()

        def work() -> Any:
            async def main() -> Any:
                profile = self._profile()
                chain = self._service.chain(profile, auto_start_local=False)
                try:
                    return await job(self._service.shares(), chain)
                finally:
                    await chain.close()

            return asyncio.run(main())

        return await self.run_blocking(work)

    async def create_share(
        self,
        provider: ProviderInfo,
        record_ids: list[str],
        purpose: Purpose,
        days: float,
        out: Path,
    ) -> CreatedShare:
        """Write the bundle to ``out``, record the share, grant it on chain and wait for it."""
        self.transactionPending.emit("grant")
        created: CreatedShare = await self._share_job(
            lambda shares, chain: shares.create(chain, provider, record_ids, purpose, days, out)
        )
        self.audit(
            AuditKind.SHARE_CREATED,
            record_ids=tuple(record_ids),
            share_id=created.share_id,
            counterparty=provider.address,
            reason=purpose.code,
        )
        self.audit(
            AuditKind.GRANT_MINED,
            share_id=created.share_id,
            counterparty=provider.address,
            tx_hash=created.tx_hash,
        )
        self.transactionConfirmed.emit("grant", created.tx_hash)
        return created

    async def revoke_share(self, share_id: str) -> RevokedShare:
        """Revoke on chain, then give the share's records fresh keys."""
        self.transactionPending.emit("revoke")
        revoked: RevokedShare = await self._share_job(
            lambda shares, chain: shares.revoke(chain, share_id)
        )
        self.audit(
            AuditKind.REVOKE,
            share_id=revoked.share_id,
            tx_hash=revoked.tx_hash or "",
            record_ids=revoked.rotated,
        )
        self.transactionConfirmed.emit("revoke", revoked.tx_hash or "")
        return revoked

    async def grant_again(self, share_id: str) -> CreatedShare:
        """Send the grant of a share whose bundle was made but whose grant never went through."""
        self.transactionPending.emit("grant")
        created: CreatedShare = await self._share_job(
            lambda shares, chain: shares.grant_again(chain, share_id)
        )
        self.audit(
            AuditKind.GRANT_MINED,
            share_id=created.share_id,
            counterparty=created.bundle.descriptor.provider,
            tx_hash=created.tx_hash,
        )
        self.transactionConfirmed.emit("grant", created.tx_hash)
        return created

    async def rebuild_bundle(self, share_id: str, out: Path) -> Path:
        """Write a share's bundle again, identical (same share id), to the new file ``out``."""
        built = await self.run_blocking(lambda: self._service.shares().rebuild(share_id, out))
        return Path(built.path)

    async def share_statuses(self) -> list[ShareStatus]:
        """Every share this wallet made, with its status on chain."""
        return await self._share_job(lambda shares, chain: shares.statuses(chain))  # type: ignore[no-any-return]

    async def open_bundle(self, bundle: Path, out_dir: Path) -> list[OpenedRecord]:
        """Provider role: check the grant on chain, verify and decrypt into ``out_dir``."""
        opened: list[OpenedRecord] = await self._share_job(
            lambda shares, chain: shares.open_bundle(chain, bundle, out_dir)
        )
        self.audit(AuditKind.PROVIDER_OPEN, reason=f"{len(opened)}-records")
        return opened

    # -- shutdown ----------------------------------------------------------------------------------

    def close(self) -> None:
        """Lock, stop listening to the core and let the worker finish. Idempotent."""
        self.lock("quit")  # logs the lock while the worker still runs
        self._closed = True
        chain, self._chain = self._chain, None
        if chain is not None and self._chain_loop is not None and self._chain_loop.is_running():
            self._chain_loop.create_task(chain.close())
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self._executor.shutdown(wait=True, cancel_futures=True)


def _as_target(parsed: ParsedAddress) -> str:
    """Text for :meth:`Bridge.find_provider` that keeps the QR's chain id, so it is checked."""
    from wallet.addresses import eip681_uri

    return (
        parsed.address if parsed.chain_id is None else eip681_uri(parsed.address, parsed.chain_id)
    )
