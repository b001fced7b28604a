"""Restoring a wallet: the recovery words (with completion), then a new password.

Word completion and the judgement of the words come from the core through the bridge
(``suggest_words``, ``validate_words``); the message naming a bad word is the core's sentence,
shown as it is. Pasting a whole phrase into any box spreads it over the boxes that follow.

Must not call the core directly or judge words or passwords itself. The typed words are cleared
as soon as the wallet is restored or the screen is left.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QWidget,
)
from qasync import asyncSlot

from ui import strings
from ui.bridge import Bridge
from ui.widgets.page import Page
from ui.widgets.password_fields import PasswordFields
from ui.widgets.word_edit import WordLineEdit
from wallet.errors import WalletError

WORD_COUNTS = (12, 15, 18, 21, 24)
_COLUMNS = 3


class RestoreWalletView(QStackedWidget):
    """Words page, then password page; ``finished()`` once restored, ``cancelled()``."""

    finished = Signal()
    cancelled = Signal()

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._words: str | None = None
        self.word_edits: list[WordLineEdit] = []
        self._build_words_page()
        self._build_password_page()

    def _build_words_page(self) -> None:
        page = self.words_page = Page(strings.RESTORE_TITLE, strings.RESTORE_TEXT)
        top = QFormLayout()
        self.count_combo = QComboBox(page)
        self.count_combo.setAccessibleName(strings.RESTORE_COUNT)
        for count in WORD_COUNTS:
            self.count_combo.addItem(str(count), count)
        self.count_combo.setCurrentIndex(WORD_COUNTS.index(24))
        self.count_combo.currentIndexChanged.connect(self._layout_words)
        top.addRow(strings.RESTORE_COUNT, self.count_combo)
        page.body.addLayout(top)
        self._grid_host = QWidget(page)
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 8, 0, 8)
        page.body.addWidget(self._grid_host)
        passphrase_form = QFormLayout()
        self.passphrase_edit = QLineEdit(page)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName(strings.BIP39_PASSPHRASE)
        passphrase_form.addRow(strings.BIP39_PASSPHRASE, self.passphrase_edit)
        page.body.addLayout(passphrase_form)
        back = QPushButton(strings.BACK, page)
        back.clicked.connect(self._cancel)
        self.words_next = QPushButton(strings.NEXT, page)
        self.words_next.setDefault(True)
        self.words_next.clicked.connect(self._check_words)
        page.buttons.addWidget(back)
        page.buttons.addWidget(self.words_next)
        self.addWidget(page)
        self._layout_words()

    def _build_password_page(self) -> None:
        page = self.password_page = Page(strings.PASSWORD_TITLE, strings.PASSWORD_TEXT)
        self.password_fields = PasswordFields(self._bridge.assess_password, page)
        page.body.addWidget(self.password_fields)
        self.password_back = QPushButton(strings.BACK, page)
        self.password_back.clicked.connect(lambda: self.setCurrentWidget(self.words_page))
        self.restore_button = QPushButton(strings.RESTORE, page)
        self.restore_button.setDefault(True)
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self._restore)
        self.password_fields.changed.connect(
            lambda: self.restore_button.setEnabled(self.password_fields.is_acceptable())
        )
        page.buttons.addWidget(self.password_back)
        page.buttons.addWidget(self.restore_button)
        self.addWidget(page)

    # -- words -------------------------------------------------------------------------------------

    def _layout_words(self) -> None:
        count = int(self.count_combo.currentData())
        kept = [edit.text() for edit in self.word_edits]
        for edit in self.word_edits:
            self._grid.removeWidget(edit)
            edit.deleteLater()
        self.word_edits = []
        rows = (count + _COLUMNS - 1) // _COLUMNS
        previous: QWidget = self.count_combo
        for i in range(count):
            edit = WordLineEdit(self._bridge.suggest_words, self._grid_host)
            label = strings.RESTORE_WORD.format(i + 1)
            edit.setAccessibleName(label)
            edit.setPlaceholderText(label)
            edit.pastedWords.connect(lambda words, at=i: self.fill_words(words, start=at))
            if i < len(kept):
                edit.setText(kept[i])
            self._grid.addWidget(edit, i % rows, i // rows)
            QWidget.setTabOrder(previous, edit)
            previous = edit
            self.word_edits.append(edit)
        QWidget.setTabOrder(previous, self.passphrase_edit)

    def fill_words(self, words: list[str], start: int = 0) -> None:
        """Spread ``words`` over the boxes from ``start`` (choosing the word count if it fits)."""
        if start == 0 and len(words) in WORD_COUNTS and len(words) != len(self.word_edits):
            self.count_combo.setCurrentIndex(WORD_COUNTS.index(len(words)))
        for offset, word in enumerate(words):
            if start + offset < len(self.word_edits):
                self.word_edits[start + offset].setText(word)
        last = min(start + len(words), len(self.word_edits)) - 1
        self.word_edits[max(last, 0)].setFocus()

    def _check_words(self) -> None:
        text = " ".join(edit.text().strip() for edit in self.word_edits)
        try:
            self._words = self._bridge.validate_words(text)
        except WalletError as exc:
            self.words_page.show_error(exc.user_message)
            return
        self.words_page.show_error("")
        self.password_page.show_error("")
        self.setCurrentWidget(self.password_page)
        self.password_fields.password_edit.setFocus()

    # -- flow --------------------------------------------------------------------------------------

    def start(self) -> None:
        self._forget()
        self.setCurrentWidget(self.words_page)
        self.word_edits[0].setFocus()

    def _cancel(self) -> None:
        self._forget()
        self.cancelled.emit()

    def _forget(self) -> None:
        self._words = None
        for edit in self.word_edits:
            edit.clear()
        self.passphrase_edit.clear()
        self.password_fields.clear()
        self.words_page.show_error("")
        self.password_page.show_error("")

    @asyncSlot()
    async def _restore(self) -> None:
        if self._words is None or not self.password_fields.is_acceptable():
            return
        self.restore_button.setEnabled(False)
        self.password_back.setEnabled(False)
        try:
            await self._bridge.restore_wallet(
                self._words, self.password_fields.password(), self.passphrase_edit.text()
            )
        except WalletError as exc:
            self.password_page.show_error(exc.user_message)
            return
        finally:
            self.password_back.setEnabled(True)
            self.restore_button.setEnabled(self.password_fields.is_acceptable())
        self._forget()
        self.finished.emit()
