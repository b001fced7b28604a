"""The first screen when there is no wallet: create one, restore one from words or from a backup.

Offers the three choices (and tells a provider that the same wallet serves their role); the flows
live in ``create_wallet``, ``restore_wallet`` and ``restore_backup``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from ui import strings
from ui.widgets.page import Page


class WelcomeView(Page):
    """Big buttons: ``createRequested``, ``restoreRequested``, ``restoreBackupRequested``."""

    createRequested = Signal()
    restoreRequested = Signal()
    restoreBackupRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(strings.WELCOME_TITLE, strings.WELCOME_TEXT, parent)
        self.create_button = QPushButton(strings.CREATE_WALLET, self)
        self.restore_button = QPushButton(strings.RESTORE_WALLET, self)
        self.restore_backup_button = QPushButton(strings.RESTORE_FROM_BACKUP, self)
        for button in (self.create_button, self.restore_button, self.restore_backup_button):
            button.setAccessibleName(button.text().replace("&", ""))
            button.setMinimumHeight(button.sizeHint().height() * 2)
            self.body.addWidget(button)
        self.create_button.clicked.connect(self.createRequested)
        self.restore_button.clicked.connect(self.restoreRequested)
        self.restore_backup_button.clicked.connect(self.restoreBackupRequested)
        self.create_button.setDefault(True)
        provider_note = QLabel(strings.WELCOME_PROVIDER, self)
        provider_note.setWordWrap(True)
        self.body.addWidget(provider_note)
