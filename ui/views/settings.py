"""The settings screen: automatic lock time and the network consents are recorded on.

Both are the core's persisted settings (``WalletService.update_settings``, through the bridge),
readable while locked; the shell applies the lock time to the idle lock. The network list comes
from the core's network profiles; the range of lock times is the core's rule (a value it refuses
comes back as its sentence).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QWidget
from qasync import asyncSlot

from ui import strings
from ui.bridge import Bridge
from ui.widgets.page import Page
from wallet.errors import WalletError

SPIN_MAX_MINUTES = 24 * 60
SAVE_DELAY_MS = 400
"""Typing 15 in the spin box saves once, not for 1 and then 15."""


class SettingsView(Page):
    """``autoLockMinutesChanged(int)`` after the idle time was saved; ``networkChanged(str)``."""

    autoLockMinutesChanged = Signal(int)
    networkChanged = Signal(str)

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(strings.SETTINGS_TITLE, "", parent)
        self._bridge = bridge
        form = QFormLayout()
        self.auto_lock_spin = QSpinBox(self)
        self.auto_lock_spin.setRange(1, SPIN_MAX_MINUTES)
        self.auto_lock_spin.setValue(bridge.auto_lock_minutes)
        self.auto_lock_spin.setSuffix(strings.AUTO_LOCK_SUFFIX)
        self.auto_lock_spin.setAccessibleName(strings.AUTO_LOCK)
        form.addRow(strings.AUTO_LOCK, self.auto_lock_spin)
        self.network_combo = QComboBox(self)
        self.network_combo.setAccessibleName(strings.NETWORK)
        form.addRow(strings.NETWORK, self.network_combo)
        self.body.addLayout(form)
        for text in (strings.NETWORK_NOTE, strings.SETTINGS_SAVED_NOTE):
            note = QLabel(text, self)
            note.setWordWrap(True)
            self.body.addWidget(note)
        self.saved = QLabel(self)
        self.saved.setAccessibleName(strings.SAVED)
        self.body.addWidget(self.saved)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._save_minutes)
        self.auto_lock_spin.valueChanged.connect(lambda _v: self._save_timer.start())
        self.network_combo.activated.connect(self._save_network)

    @asyncSlot()
    async def refresh(self) -> None:
        """Fill the network list (it needs the chain module, loaded off the GUI thread)."""
        try:
            names = await self._bridge.network_names()
        except WalletError as exc:
            self.show_error(exc.user_message)
            return
        current = self._bridge.network
        self.network_combo.clear()
        for name in names:
            self.network_combo.addItem(strings.NETWORK_LOCAL if name == "local" else name, name)
        index = self.network_combo.findData(current)
        self.network_combo.setCurrentIndex(max(index, 0))

    @asyncSlot()
    async def _save_minutes(self) -> None:
        minutes = self.auto_lock_spin.value()
        try:
            await self._bridge.update_settings(auto_lock_minutes=minutes)
        except WalletError as exc:
            self.show_error(exc.user_message)
            return
        self.show_error("")
        self.saved.setText(strings.SAVED)
        self.autoLockMinutesChanged.emit(minutes)

    def flush(self) -> None:
        """Save a pending change now (tests, and before the window closes)."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            self._save_minutes()

    @asyncSlot(int)
    async def _save_network(self, index: int) -> None:
        name = self.network_combo.itemData(index)
        if not name or name == self._bridge.network:
            return
        try:
            await self._bridge.update_settings(network=name)
        except WalletError as exc:
            self.show_error(exc.user_message)
            return
        self.show_error("")
        self.saved.setText(strings.SAVED)
        self.networkChanged.emit(name)
