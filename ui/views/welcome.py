"""The first screen when there is no wallet: create a new one or restore one from words.

Offers the two choices (and tells a provider that the same wallet serves their role); the flows
live in ``create_wallet`` and ``restore_wallet``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from ui import strings
from ui.widgets.page import Page


class WelcomeView(Page):
    """Two big buttons: ``createRequested`` and ``restoreRequested``."""

    createRequested = Signal()
    restoreRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(strings.WELCOME_TITLE, strings.WELCOME_TEXT, parent)
        self.create_button = QPushButton(strings.CREATE_WALLET, self)
        self.restore_button = QPushButton(strings.RESTORE_WALLET, self)
        for button in (self.create_button, self.restore_button):
            button.setMinimumHeight(button.sizeHint().height() * 2)
            self.body.addWidget(button)
        self.create_button.clicked.connect(self.createRequested)
        self.restore_button.clicked.connect(self.restoreRequested)
        self.create_button.setDefault(True)
        provider_note = QLabel(strings.WELCOME_PROVIDER, self)
        provider_note.setWordWrap(True)
        self.body.addWidget(provider_note)
