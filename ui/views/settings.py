"""The settings screen: how long the wallet stays unlocked without activity (network later).

Emits the chosen value; the shell applies it to the idle lock. Today the value lasts for the
session only: persisting it needs a settings API on the service (the UI never writes files).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QSpinBox, QWidget

from ui import strings
from ui.widgets.page import Page

MIN_AUTO_LOCK_MINUTES = 1
MAX_AUTO_LOCK_MINUTES = 240


class SettingsView(Page):
    """``autoLockMinutesChanged(int)`` when the patient changes the idle time."""

    autoLockMinutesChanged = Signal(int)

    def __init__(self, minutes: int, parent: QWidget | None = None) -> None:
        super().__init__(strings.SETTINGS_TITLE, "", parent)
        form = QFormLayout()
        self.auto_lock_spin = QSpinBox(self)
        self.auto_lock_spin.setRange(MIN_AUTO_LOCK_MINUTES, MAX_AUTO_LOCK_MINUTES)
        self.auto_lock_spin.setValue(minutes)
        self.auto_lock_spin.setSuffix(strings.AUTO_LOCK_SUFFIX)
        self.auto_lock_spin.setAccessibleName(strings.AUTO_LOCK)
        self.auto_lock_spin.valueChanged.connect(self.autoLockMinutesChanged)
        form.addRow(strings.AUTO_LOCK, self.auto_lock_spin)
        self.body.addLayout(form)
        note = QLabel(strings.SETTINGS_SESSION_NOTE, self)
        note.setWordWrap(True)
        self.body.addWidget(note)
