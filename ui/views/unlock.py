"""The unlock screen: one password field; the slow key derivation runs off the GUI thread.

Shows the core's sentence for a wrong password and stays usable for another try. The shell
switches screens on the bridge's ``unlocked`` signal; this screen only asks.

Must not keep the password: the field is cleared as soon as the attempt ends.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QWidget
from qasync import asyncSlot

from ui import strings
from ui.bridge import Bridge
from ui.widgets.page import Page
from wallet.errors import WalletError


class UnlockView(Page):
    """Password + Unlock; ``notice`` shows why the wallet locked (e.g. after idle time)."""

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(strings.UNLOCK_TITLE, "", parent)
        self._bridge = bridge
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.body.addWidget(self.notice)
        form = QFormLayout()
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(strings.PASSWORD)
        self.password_edit.returnPressed.connect(self._unlock)
        form.addRow(strings.PASSWORD, self.password_edit)
        self.body.addLayout(form)
        self.unlock_button = QPushButton(strings.UNLOCK, self)
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._unlock)
        self.buttons.addWidget(self.unlock_button)

    def prepare(self, notice: str = "") -> None:
        """Reset for a new attempt, optionally explaining why the wallet is locked."""
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        self.show_error("")
        self.password_edit.clear()
        self.password_edit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.password_edit.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)
        self.unlock_button.setText(strings.UNLOCKING if busy else strings.UNLOCK)

    @asyncSlot()
    async def _unlock(self) -> None:
        password = self.password_edit.text()
        if not password or not self.unlock_button.isEnabled():
            return
        self.show_error("")
        self._set_busy(True)
        try:
            await self._bridge.unlock(password)
        except WalletError as exc:
            self.show_error(exc.user_message)
        finally:
            self.password_edit.clear()
            self._set_busy(False)
            self.password_edit.setFocus()
