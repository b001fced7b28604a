"""The receive screen: the patient's own address, as text and as a QR code.

The address comes from the unlocked session and the QR image from :mod:`wallet.qr` (both through
the bridge); this screen only displays them. The address is public; nothing here is secret.
Once a network is chosen (chain screens, later) the QR will carry an EIP-681 URI with its chain id.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from qasync import asyncSlot

from ui import strings
from ui.bridge import Bridge
from ui.widgets.page import Page
from wallet.errors import WalletError


class ReceiveView(Page):
    """Address text (selectable), its QR code and a copy button."""

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(strings.RECEIVE_TITLE, strings.RECEIVE_TEXT, parent)
        self._bridge = bridge
        self.chain_id: int | None = None
        self.address_label = QLabel(self)
        self.address_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.address_label.setFont(QFont("monospace"))
        self.address_label.setAccessibleName(strings.ADDRESS)
        self.address_label.setWordWrap(True)
        self.qr_label = QLabel(self)
        self.qr_label.setAccessibleName(strings.QR_CODE)
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.body.addWidget(self.address_label)
        self.body.addWidget(self.qr_label)
        self.copy_button = QPushButton(strings.COPY, self)
        self.copy_button.clicked.connect(self._copy)
        self.copy_button.setEnabled(False)
        self.buttons.addWidget(self.copy_button)

    @asyncSlot()
    async def refresh(self) -> None:
        """Load the address and draw its QR code (after unlock)."""
        if not self._bridge.is_unlocked:
            return
        try:
            address = await self._bridge.address(0)
            png = await self._bridge.address_qr_png(address, self.chain_id)
        except WalletError as exc:
            self.show_error(exc.user_message)
            return
        if not self._bridge.is_unlocked:
            return  # locked while loading: show nothing from the closed session
        self.address_label.setText(address)
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.qr_label.setPixmap(pixmap)
        self.copy_button.setEnabled(True)
        self.show_error("")

    def clear(self) -> None:
        self.address_label.clear()
        self.qr_label.clear()
        self.copy_button.setEnabled(False)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.address_label.text())
        self.intro.setText(strings.COPIED)
