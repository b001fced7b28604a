"""Restoring a wallet from a backup file (onboarding): the file, the words, the new password.

The patient picks the backup file, types or pastes the recovery words (checked by the core through
``Bridge.validate_words``, whose sentence names a bad word), an optional BIP39 passphrase, the
backup password if the backup has one, and a new password for this computer. The restore runs on
the bridge's worker thread with the core's stages and progress; the core verifies every record
before anything is put in place and refuses a data folder that is not empty. ``finished(int)``
then carries the number of records restored; the shell shows the unlock screen.

Must not call the core directly or judge words or passwords itself. Words and passwords are
cleared as soon as the restore succeeds or the screen is left.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)
from qasync import asyncSlot

from ui import strings
from ui.bridge import Bridge
from ui.widgets.page import Page
from ui.widgets.password_fields import PasswordFields
from wallet.errors import WalletError


class RestoreBackupView(Page):
    """One page; ``finished(records)`` once restored (the wallet is locked), ``cancelled()``."""

    finished = Signal(int)
    cancelled = Signal()

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(strings.RESTORE_BACKUP_TITLE, strings.RESTORE_BACKUP_TEXT, parent)
        self._bridge = bridge
        self._running = False

        form = QFormLayout()
        self.file_edit = QLineEdit(self)
        self.file_edit.setPlaceholderText(strings.BACKUP_FILE_PLACEHOLDER)
        self.file_edit.setAccessibleName(strings.BACKUP_FILE)
        self.browse_button = QPushButton(strings.BROWSE, self)
        self.browse_button.setAccessibleName(strings.BROWSE.replace("&", ""))
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        form.addRow(strings.BACKUP_FILE, file_row)
        self.words_edit = QPlainTextEdit(self)
        self.words_edit.setPlaceholderText(strings.RECOVERY_WORDS_PLACEHOLDER)
        self.words_edit.setAccessibleName(strings.RECOVERY_WORDS)
        self.words_edit.setTabChangesFocus(True)
        self.words_edit.setMaximumHeight(self.words_edit.fontMetrics().lineSpacing() * 5)
        form.addRow(strings.RECOVERY_WORDS, self.words_edit)
        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName(strings.BIP39_PASSPHRASE)
        form.addRow(strings.BIP39_PASSPHRASE, self.passphrase_edit)
        self.backup_password_edit = QLineEdit(self)
        self.backup_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.backup_password_edit.setAccessibleName(strings.BACKUP_PASSWORD_OPTIONAL)
        form.addRow(strings.BACKUP_PASSWORD_OPTIONAL, self.backup_password_edit)
        self.body.addLayout(form)
        self.password_fields = PasswordFields(bridge.assess_password, self)
        self.body.addWidget(self.password_fields)

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setAccessibleName(strings.PROGRESS)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.hide()
        self.body.addWidget(self.progress_bar)

        self.back_button = QPushButton(strings.BACK, self)
        self.restore_button = QPushButton(strings.RESTORE_FROM_BACKUP_BUTTON, self)
        self.restore_button.setAccessibleName(strings.RESTORE_FROM_BACKUP_BUTTON.replace("&", ""))
        self.restore_button.setDefault(True)
        self.buttons.addWidget(self.back_button)
        self.buttons.addWidget(self.restore_button)

        self.browse_button.clicked.connect(self._browse)
        self.back_button.clicked.connect(self._cancel)
        self.restore_button.clicked.connect(self.restore)
        self.password_fields.changed.connect(self._update_actions)
        bridge.backupStage.connect(self._on_stage)
        bridge.progress.connect(self._on_progress)
        QWidget.setTabOrder(self.file_edit, self.browse_button)
        QWidget.setTabOrder(self.browse_button, self.words_edit)
        QWidget.setTabOrder(self.words_edit, self.passphrase_edit)
        QWidget.setTabOrder(self.passphrase_edit, self.backup_password_edit)
        QWidget.setTabOrder(self.backup_password_edit, self.password_fields.password_edit)
        QWidget.setTabOrder(self.password_fields.repeat_edit, self.restore_button)
        self._update_actions()

    # -- flow --------------------------------------------------------------------------------------

    def start(self) -> None:
        self._forget()
        self.file_edit.setFocus()

    def _cancel(self) -> None:
        if self._running:
            return
        self._forget()
        self.cancelled.emit()

    def _forget(self) -> None:
        self.file_edit.clear()
        self.words_edit.clear()
        self.passphrase_edit.clear()
        self.backup_password_edit.clear()
        self.password_fields.clear()
        self.progress_bar.hide()
        self.show_error("")

    def _update_actions(self) -> None:
        self.restore_button.setEnabled(not self._running and self.password_fields.is_acceptable())
        self.back_button.setEnabled(not self._running)

    def _ask_backup_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self, strings.OPEN_BACKUP_DIALOG, "", strings.BACKUP_FILTER
        )
        return Path(name) if name else None

    def _browse(self) -> None:
        path = self._ask_backup_file()
        if path is not None:
            self.file_edit.setText(str(path))
            self.words_edit.setFocus()

    def _on_stage(self, stage: str) -> None:
        if self._running:
            self.intro.setText(strings.BACKUP_STAGES.get(stage, stage))
            self.progress_bar.setValue(0)

    def _on_progress(self, done: int, total: int) -> None:
        if self._running:
            self.progress_bar.setValue(1000 if total <= 0 else int(done * 1000 / total))

    @asyncSlot()
    async def restore(self) -> None:
        """Check the fields, then restore on the worker; errors are the core's sentences."""
        if self._running or not self.password_fields.is_acceptable():
            return
        source = self.file_edit.text().strip()
        if not source:
            self.show_error(strings.NO_BACKUP_FILE)
            self.file_edit.setFocus()
            return
        try:
            words = self._bridge.validate_words(self.words_edit.toPlainText())
        except WalletError as exc:
            self.show_error(exc.user_message)
            self.words_edit.setFocus()
            return
        self._running = True
        self._update_actions()
        self.show_error("")
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        try:
            report = await self._bridge.restore_backup(
                Path(source),
                words,
                self.password_fields.password(),
                passphrase=self.passphrase_edit.text(),
                backup_password=self.backup_password_edit.text() or None,
            )
        except WalletError as exc:
            self.show_error(exc.user_message)
            return
        finally:
            self._running = False
            self.intro.setText(strings.RESTORE_BACKUP_TEXT)
            self.progress_bar.hide()
            self._update_actions()
        self._forget()
        self.finished.emit(report.records)
