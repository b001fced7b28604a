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
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

from ui import strings
from wallet.errors import WalletError
from wallet.events import (
    EventBus,
    RecordsChangedEvent,
    WalletLockedEvent,
    WalletUnlockedEvent,
)

if TYPE_CHECKING:  # the core's heavy modules load after the first window shows (ui.app)
    from wallet.password_policy import PasswordStrength
    from wallet.service import WalletService
    from wallet.vault import RecordMeta

log = logging.getLogger(__name__)

T = TypeVar("T")

PROGRESS_INTERVAL_S = 0.05
"""At most one progress signal per 50 ms: a 1 GB import must not flood the GUI thread."""


class Bridge(QObject):
    """Qt face of one :class:`WalletService`. Create on the GUI thread; :meth:`close` at exit."""

    locked = Signal(str)  # reason: "user", "idle", "quit", …
    unlocked = Signal()
    recordsChanged = Signal()
    error = Signal(str)  # one sentence for the user
    busy = Signal(bool)
    progress = Signal(int, int)  # done, total (bytes)

    _post = Signal(object)  # a callable to run on the GUI thread (queued from worker threads)

    def __init__(self, service: WalletService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wallet-core")
        self._busy_count = 0
        self._closed = False
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
        """Wipe the session now; ``locked`` follows if it was unlocked."""
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
            # The vault has no event bus; until the service publishes RecordsChangedEvent itself,
            # the bridge announces the change it caused.
            self.recordsChanged.emit()
        return imported

    async def export_record(self, record_id: str, out: Path, *, overwrite: bool = False) -> None:
        """Write a decrypted copy to ``out`` (only ever on the user's explicit request)."""
        report = self._progress_reporter()
        await self.run_blocking(
            lambda: self._service.vault.export(record_id, out, overwrite=overwrite, progress=report)
        )

    async def read_record(self, record_id: str) -> bytes:
        """The decrypted record in memory, for viewing; nothing touches the disk."""
        return await self.run_blocking(lambda: self._service.vault.read_bytes(record_id))

    # -- receive -----------------------------------------------------------------------------------

    async def address_qr_png(self, address: str, chain_id: int | None = None) -> bytes:
        """PNG bytes of a QR code for ``address`` (an EIP-681 URI once a network is chosen)."""

        def make() -> bytes:
            from wallet.addresses import eip681_uri  # heavy, only when shown
            from wallet.qr import make_qr_png_bytes

            text = address if chain_id is None else eip681_uri(address, chain_id)
            return make_qr_png_bytes(text, scale=8)

        return await self.run_blocking(make)

    # -- shutdown ----------------------------------------------------------------------------------

    def close(self) -> None:
        """Lock, stop listening to the core and let the worker finish. Idempotent."""
        self._closed = True
        self._service.lock("quit")
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self._executor.shutdown(wait=True, cancel_futures=True)
