"""Creating a wallet: word count, the words shown once, their confirmation, then a password.

The wallet comes into existence only at the last step, from the words the patient saw (through
:meth:`ui.bridge.Bridge.create_wallet`). Confirmation asks for a random subset of at least four
words in order (:class:`ui.word_challenge.WordChallenge`); skipping it needs an explicit
acknowledgement and is reported through ``finished(False)`` so the shell can show a banner.

Must not call the core directly or judge passwords or words itself. The words live in this
screen's memory only until the wallet is created or the screen is reset.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from ui import strings
from ui.bridge import Bridge
from ui.widgets.page import Page
from ui.widgets.password_fields import PasswordFields
from ui.widgets.word_edit import WordLineEdit
from ui.widgets.word_grid import WordGrid
from ui.word_challenge import WordChallenge
from wallet.errors import WalletError


class CreateWalletView(QStackedWidget):
    """Four steps in a stack; ``finished(confirmed)`` once the wallet exists, ``cancelled()``."""

    finished = Signal(bool)
    cancelled = Signal()

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._words: str | None = None
        self._challenge: WordChallenge | None = None
        self._confirmed = False
        self._build_count_page()
        self._build_words_page()
        self._build_confirm_page()
        self._build_password_page()

    # -- pages -------------------------------------------------------------------------------------

    def _build_count_page(self) -> None:
        page = self.count_page = Page(strings.WORD_COUNT_TITLE, strings.WORD_COUNT_TEXT)
        self.radio_24 = QRadioButton(strings.WORDS_24, page)
        self.radio_12 = QRadioButton(strings.WORDS_12, page)
        self.radio_24.setChecked(True)
        page.body.addWidget(self.radio_24)
        page.body.addWidget(self.radio_12)
        back = QPushButton(strings.BACK, page)
        back.clicked.connect(self._cancel)
        self.count_next = QPushButton(strings.NEXT, page)
        self.count_next.setDefault(True)
        self.count_next.clicked.connect(self._show_words)
        page.buttons.addWidget(back)
        page.buttons.addWidget(self.count_next)
        self.addWidget(page)

    def _build_words_page(self) -> None:
        page = self.words_page = Page(strings.SHOW_WORDS_TITLE, strings.SHOW_WORDS_TEXT)
        self.word_grid = WordGrid(page)
        page.body.addWidget(self.word_grid)
        back = QPushButton(strings.BACK, page)
        back.clicked.connect(lambda: self.setCurrentWidget(self.count_page))
        self.words_next = QPushButton(strings.WORDS_WRITTEN, page)
        self.words_next.setDefault(True)
        self.words_next.clicked.connect(self._show_confirm)
        page.buttons.addWidget(back)
        page.buttons.addWidget(self.words_next)
        self.addWidget(page)

    def _build_confirm_page(self) -> None:
        page = self.confirm_page = Page(strings.CONFIRM_TITLE, strings.CONFIRM_TEXT)
        self._confirm_form_host = QWidget(page)
        self._confirm_form = QFormLayout(self._confirm_form_host)
        self.confirm_edits: list[WordLineEdit] = []
        page.body.addWidget(self._confirm_form_host)
        skip_box = QWidget(page)
        skip_layout = QVBoxLayout(skip_box)
        skip_layout.setContentsMargins(0, 16, 0, 0)
        self.skip_ack = QCheckBox(strings.SKIP_ACK, skip_box)
        self.skip_button = QPushButton(strings.SKIP_CONFIRM, skip_box)
        self.skip_button.setEnabled(False)
        self.skip_ack.toggled.connect(self.skip_button.setEnabled)
        self.skip_button.clicked.connect(self._skip)
        skip_layout.addWidget(self.skip_ack)
        skip_layout.addWidget(self.skip_button)
        page.body.addWidget(skip_box)
        back = QPushButton(strings.BACK, page)
        back.clicked.connect(lambda: self.setCurrentWidget(self.words_page))
        self.confirm_next = QPushButton(strings.NEXT, page)
        self.confirm_next.setDefault(True)
        self.confirm_next.clicked.connect(self._check_words)
        page.buttons.addWidget(back)
        page.buttons.addWidget(self.confirm_next)
        self.addWidget(page)

    def _build_password_page(self) -> None:
        page = self.password_page = Page(strings.PASSWORD_TITLE, strings.PASSWORD_TEXT)
        self.password_fields = PasswordFields(self._bridge.assess_password, page)
        page.body.addWidget(self.password_fields)
        self.password_back = QPushButton(strings.BACK, page)
        self.password_back.clicked.connect(lambda: self.setCurrentWidget(self.confirm_page))
        self.create_button = QPushButton(strings.CREATE, page)
        self.create_button.setDefault(True)
        self.create_button.setEnabled(False)
        self.create_button.clicked.connect(self._create)
        self.password_fields.changed.connect(self._update_create_button)
        page.buttons.addWidget(self.password_back)
        page.buttons.addWidget(self.create_button)
        self.addWidget(page)

    # -- flow --------------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin afresh (forgets any words from an earlier attempt)."""
        self._forget()
        self.setCurrentWidget(self.count_page)
        self.radio_24.setFocus()

    def _cancel(self) -> None:
        self._forget()
        self.cancelled.emit()

    def _forget(self) -> None:
        self._words = None
        self._challenge = None
        self._confirmed = False
        self.word_grid.clear()
        for edit in self.confirm_edits:
            edit.clear()
        self.skip_ack.setChecked(False)
        self.password_fields.clear()
        for page in (self.count_page, self.words_page, self.confirm_page, self.password_page):
            page.show_error("")

    def _show_words(self) -> None:
        count = 12 if self.radio_12.isChecked() else 24
        if self._words is None or len(self._words.split()) != count:
            self._words = self._bridge.new_words(count)
            self._challenge = WordChallenge.random(self._words)
        self.word_grid.set_words(self._words.split())
        self.setCurrentWidget(self.words_page)
        self.words_next.setFocus()

    def _show_confirm(self) -> None:
        assert self._challenge is not None
        while self._confirm_form.rowCount():
            self._confirm_form.removeRow(0)
        self.confirm_edits = []
        for position in self._challenge.positions:
            edit = WordLineEdit(self._bridge.suggest_words, self._confirm_form_host)
            label = strings.CONFIRM_WORD_LABEL.format(position)
            edit.setAccessibleName(label)
            edit.returnPressed.connect(self._check_words)
            self._confirm_form.addRow(label, edit)
            self.confirm_edits.append(edit)
        self.confirm_page.show_error("")
        self.setCurrentWidget(self.confirm_page)
        self.confirm_edits[0].setFocus()

    def challenge_positions(self) -> tuple[int, ...]:
        return self._challenge.positions if self._challenge else ()

    def _check_words(self) -> None:
        assert self._challenge is not None
        answers = [edit.text() for edit in self.confirm_edits]
        if any(not answer.strip() for answer in answers):
            self.confirm_page.show_error(strings.CONFIRM_MISSING)
            return
        wrong = self._challenge.first_mismatch(answers)
        if wrong is not None:
            self.confirm_page.show_error(strings.CONFIRM_WRONG.format(wrong))
            index = self._challenge.positions.index(wrong)
            self.confirm_edits[index].setFocus()
            self.confirm_edits[index].selectAll()
            return
        self._confirmed = True
        self._show_password()

    def _skip(self) -> None:
        if not self.skip_ack.isChecked():
            return
        self._confirmed = False
        self._show_password()

    def _show_password(self) -> None:
        self.password_page.show_error("")
        self.setCurrentWidget(self.password_page)
        self.password_fields.password_edit.setFocus()

    def _update_create_button(self) -> None:
        self.create_button.setEnabled(self.password_fields.is_acceptable())

    @asyncSlot()
    async def _create(self) -> None:
        if self._words is None or not self.password_fields.is_acceptable():
            return
        self.create_button.setEnabled(False)
        self.password_back.setEnabled(False)
        self.password_page.show_error("")
        self.create_button.setText(strings.CREATING)
        try:
            await self._bridge.create_wallet(self._words, self.password_fields.password())
        except WalletError as exc:
            self.password_page.show_error(exc.user_message)
            return
        finally:
            self.create_button.setText(strings.CREATE)
            self.password_back.setEnabled(True)
            self._update_create_button()
        confirmed = self._confirmed
        self._forget()
        self.finished.emit(confirmed)
