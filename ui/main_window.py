"""The shell window: which screen shows when, the section list, the Lock button and the banners.

Owns navigation only. It switches between onboarding (welcome, create, restore from words or from
a backup file), unlock and the unlocked home (a section list and one screen per section) in answer
to the bridge's ``locked`` and ``unlocked`` signals, arms the idle lock while unlocked, and shows
the "recovery words not confirmed" banner (from the persisted setting), the backup reminder (the
core's sentence, asked for on unlock, on ``recordsChanged`` and after a backup), starts the chain
follower after unlock and shows a banner while the chain is unreachable. About opens with F1 or
the button under Lock. Sections plug in with :meth:`add_section`.

Must not contain screen logic, call the core, or judge anything; each screen is its own module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from ui import strings
from ui.idle_lock import IdleLock
from ui.widgets.banner import Banner
from ui.widgets.page import Page
from wallet.errors import WalletError

if TYPE_CHECKING:
    # The screens (and the bridge, which brings in the core's crypto) are imported when the core
    # is attached, after the window is on screen: they are not needed for its first paint.
    from ui.bridge import Bridge


class MainWindow(QMainWindow):
    """The one top-level window; shows "starting" until :meth:`attach` gives it the bridge.

    The idle lock's event filter is installed on the application by the composition root.
    """

    def __init__(
        self, idle_lock: IdleLock, bridge: Bridge | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._idle_lock = idle_lock
        self._bridge: Bridge | None = None
        self.words_unconfirmed = False
        self.setWindowTitle(strings.APP_NAME)
        self.resize(960, 640)
        self.stack = QStackedWidget(self)
        self.setCentralWidget(self.stack)
        self.starting = Page(strings.APP_NAME, strings.STARTING, self)
        self.stack.addWidget(self.starting)
        if bridge is not None:
            self.attach(bridge)

    def attach(self, bridge: Bridge) -> None:
        """Build the screens on ``bridge`` and show the first one (the app calls this once the
        core has loaded, after the window is already on screen)."""
        from ui.views.create_wallet import CreateWalletView
        from ui.views.restore_backup import RestoreBackupView
        from ui.views.restore_wallet import RestoreWalletView
        from ui.views.unlock import UnlockView
        from ui.views.welcome import WelcomeView

        self._bridge = bridge
        self.welcome = WelcomeView(self)
        self.create_view = CreateWalletView(bridge, self)
        self.restore_view = RestoreWalletView(bridge, self)
        self.restore_backup_view = RestoreBackupView(bridge, self)
        self.unlock_view = UnlockView(bridge, self)
        self.home = self._build_home(bridge)
        for screen in (
            self.welcome,
            self.create_view,
            self.restore_view,
            self.restore_backup_view,
            self.unlock_view,
            self.home,
        ):
            self.stack.addWidget(screen)

        self.welcome.createRequested.connect(self._start_create)
        self.welcome.restoreRequested.connect(self._start_restore)
        self.create_view.cancelled.connect(self._show_welcome)
        self.restore_view.cancelled.connect(self._show_welcome)
        self.welcome.restoreBackupRequested.connect(self._start_restore_backup)
        self.restore_backup_view.cancelled.connect(self._show_welcome)
        self.restore_backup_view.finished.connect(
            lambda records: self._show_unlock(strings.RESTORED_FROM_BACKUP.format(records))
        )
        self.create_view.finished.connect(self._on_created)

        bridge.locked.connect(self._on_locked)
        bridge.unlocked.connect(self._on_unlocked)
        bridge.recordsChanged.connect(self.records.refresh)
        bridge.recordsChanged.connect(self.share.refresh)
        bridge.recordsChanged.connect(self._update_backup_reminder)
        self.backup.backupMade.connect(lambda _path: self._update_backup_reminder())
        bridge.connectionChanged.connect(self._on_connection)
        self._idle_lock.set_minutes(bridge.auto_lock_minutes)
        bridge.error.connect(self.error_banner.show_message)
        bridge.busy.connect(self._on_busy)
        self._idle_lock.idle.connect(self._on_idle)

        QShortcut(QKeySequence("Ctrl+L"), self, self.lock_now)
        QShortcut(QKeySequence("F1"), self, self.show_about)
        self.show_initial_screen()

    @property
    def bridge(self) -> Bridge:
        if self._bridge is None:
            raise RuntimeError("MainWindow.attach() has not been called yet")
        return self._bridge

    # -- building ----------------------------------------------------------------------------------

    def _build_home(self, bridge: Bridge) -> QWidget:
        from ui.views.activity import ActivityView
        from ui.views.backup import BackupView
        from ui.views.consents import ConsentsView
        from ui.views.provider import ProviderView
        from ui.views.receive import ReceiveView
        from ui.views.records import RecordsView
        from ui.views.settings import SettingsView
        from ui.views.share import ShareView

        home = QWidget(self)
        self.unconfirmed_banner = Banner("warning", dismissable=False, parent=home)
        self.error_banner = Banner("error", parent=home)
        self.backup_banner = Banner("warning", parent=home)
        self.sections = QListWidget(home)
        self.sections.setAccessibleName(strings.NAV_ACCESSIBLE)
        self.sections.setFixedWidth(self.sections.fontMetrics().horizontalAdvance("M" * 12))
        self.pages = QStackedWidget(home)
        self.sections.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.pages.currentChanged.connect(
            lambda index: self._refresh_chain_screen(self.pages.widget(index))
        )
        self.lock_button = QPushButton(strings.LOCK, home)
        self.lock_button.setToolTip(strings.LOCK_TIP)
        self.lock_button.setAccessibleName(strings.LOCK.replace("&", ""))
        self.lock_button.clicked.connect(self.lock_now)
        self.about_button = QPushButton(strings.ABOUT, home)
        self.about_button.setToolTip(strings.ABOUT_TIP)
        self.about_button.setAccessibleName(strings.ABOUT.replace("&", ""))
        self.about_button.clicked.connect(self.show_about)

        self.records = RecordsView(bridge, home)
        self.receive = ReceiveView(bridge, home)
        self.share = ShareView(bridge, home)
        self.consents = ConsentsView(bridge, home)
        self.activity = ActivityView(bridge, home)
        self.provider = ProviderView(bridge, home)
        self.settings = SettingsView(bridge, home)
        self.backup = BackupView(bridge, home)
        self.settings.autoLockMinutesChanged.connect(self._idle_lock.set_minutes)
        self.settings.networkChanged.connect(lambda _name: self._refresh_screens())

        side = QVBoxLayout()
        side.addWidget(self.sections, 1)
        side.addWidget(self.lock_button)
        side.addWidget(self.about_button)
        body = QHBoxLayout()
        body.addLayout(side)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(home)
        layout.addWidget(self.unconfirmed_banner)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.backup_banner)
        layout.addLayout(body, 1)

        self.add_section(strings.NAV_RECORDS, self.records)
        self.add_section(strings.NAV_SHARE, self.share)
        self.add_section(strings.NAV_CONSENTS, self.consents)
        self.add_section(strings.NAV_ACTIVITY, self.activity)
        self.add_section(strings.NAV_RECEIVE, self.receive)
        self.add_section(strings.NAV_PROVIDER, self.provider)
        self.add_section(strings.NAV_SETTINGS, self.settings)
        self.add_section(strings.NAV_BACKUP, self.backup)
        self.sections.setCurrentRow(0)
        return home

    def add_section(self, title: str, screen: QWidget) -> None:
        """Add a section to the list (Alt+1…9 select it); later screens plug in here."""
        self.sections.addItem(title.replace("&", ""))
        self.pages.addWidget(screen)
        number = self.sections.count()
        if number <= 9:
            row = number - 1
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, lambda: self.show_section(row))

    def show_section(self, row: int) -> None:
        self.sections.setCurrentRow(row)
        page = self.pages.currentWidget()
        if page is not None:
            page.setFocus()

    # -- screens -----------------------------------------------------------------------------------

    def show_initial_screen(self) -> None:
        if self.bridge.is_unlocked:
            self._on_unlocked()
        elif self.bridge.has_wallet:
            self._show_unlock()
        else:
            self._show_welcome()

    def _show_welcome(self) -> None:
        self.stack.setCurrentWidget(self.welcome)
        self.welcome.create_button.setFocus()

    def _start_create(self) -> None:
        self.create_view.start()
        self.stack.setCurrentWidget(self.create_view)

    def _start_restore(self) -> None:
        self.restore_view.start()
        self.stack.setCurrentWidget(self.restore_view)

    def _start_restore_backup(self) -> None:
        self.stack.setCurrentWidget(self.restore_backup_view)
        self.restore_backup_view.start()

    def show_about(self) -> None:
        """Open the About box (F1), window-modal, without blocking the event loop."""
        from ui.views.about import AboutDialog

        bridge = self.bridge
        self.about_dialog = AboutDialog(bridge.version, bridge.data_dir, bridge.network, self)
        self.about_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about_dialog.open()

    def _show_unlock(self, notice: str = "") -> None:
        self.stack.setCurrentWidget(self.unlock_view)
        self.unlock_view.prepare(notice)

    @asyncSlot(bool)
    async def _on_created(self, confirmed: bool) -> None:
        self.words_unconfirmed = not confirmed
        self._update_unconfirmed_banner()
        try:
            await self.bridge.update_settings(words_confirmed=confirmed)
        except WalletError as exc:
            self.error_banner.show_message(exc.user_message)

    def _update_unconfirmed_banner(self) -> None:
        if self.words_unconfirmed:
            self.unconfirmed_banner.show_message(strings.UNCONFIRMED_BANNER)
        else:
            self.unconfirmed_banner.hide()

    @asyncSlot()
    async def _update_backup_reminder(self) -> None:
        """Show the core's backup reminder, or hide it once the last backup holds every record."""
        if not self.bridge.is_unlocked:
            return
        try:
            reminder = await self.bridge.backup_reminder()
        except WalletError as exc:
            self.error_banner.show_message(exc.user_message)
            return
        if reminder and self.bridge.is_unlocked:
            self.backup_banner.show_message(reminder)
        else:
            self.backup_banner.hide()

    # -- lock state --------------------------------------------------------------------------------

    def _on_unlocked(self) -> None:
        self.error_banner.hide()
        self.words_unconfirmed = self.words_unconfirmed or not self.bridge.words_confirmed
        self._update_unconfirmed_banner()
        self.stack.setCurrentWidget(self.home)
        self._idle_lock.set_minutes(self.bridge.auto_lock_minutes)
        self._refresh_screens()
        self._update_backup_reminder()
        self._idle_lock.arm()
        self.show_section(self.sections.currentRow())
        if self.bridge.chain_in_use:
            self.bridge.start_following()

    def _refresh_screens(self) -> None:
        """Refresh what needs no chain now; chain screens refresh when shown (the local node is
        started only once the patient opens a screen that needs it)."""
        screens = (
            self.records,
            self.receive,
            self.share,
            self.activity,
            self.settings,
            self.backup,
        )
        for screen in screens:
            screen.refresh()
        self._refresh_chain_screen(self.pages.currentWidget())

    def _refresh_chain_screen(self, page: QWidget | None) -> None:
        unlocked = self._bridge is not None and self._bridge.is_unlocked
        if unlocked and (page is self.consents or page is self.provider):
            page.refresh()

    def _on_connection(self, connected: bool, message: str) -> None:
        if not connected:
            self.error_banner.show_message(strings.CHAIN_OFFLINE.format(message))
        elif self.error_banner.text().startswith(strings.CHAIN_OFFLINE.format("")):
            self.error_banner.hide()

    def _on_locked(self, reason: str) -> None:
        self._idle_lock.disarm()
        self.words_unconfirmed = False
        for screen in (
            self.records,
            self.receive,
            self.share,
            self.consents,
            self.activity,
            self.provider,
            self.backup,
        ):
            screen.clear()
        self.error_banner.hide()
        self.backup_banner.hide()
        for window in self.findChildren(QWidget):
            if window.isWindow() and window is not self:
                window.close()  # record viewers hold decrypted data
        notice = ""
        if reason == "idle":
            notice = strings.LOCKED_BY_IDLE.format(round(self._idle_lock.minutes))
        self._show_unlock(notice)

    def idle_lock_armed(self) -> bool:
        return self._idle_lock.armed

    def lock_now(self) -> None:
        if self.bridge.is_unlocked:
            self.bridge.lock("user")

    def _on_idle(self) -> None:
        if self.bridge.is_busy:
            self._idle_lock.arm()  # an import or export is running: wait for it, then count again
            return
        if self.bridge.is_unlocked:
            self.bridge.lock("idle")

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._bridge is not None and self._bridge.is_unlocked:
            self._bridge.lock("quit")
        super().closeEvent(event)
