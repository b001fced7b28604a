"""The Backup section: export an encrypted, verified backup and see when the last one was made.

The export runs on the bridge's worker thread (``Bridge.export_backup``); the core writes the file,
reads it back to verify every record, and records ``last_backup_at``. The screen shows the core's
stages and byte progress, the file's place once verified, and a failure as the core's sentence.
An optional backup password uses the same fields (and the same core strength rule) as the
wallet password.

Must not call the core directly or judge passwords itself. The backup password is cleared as
soon as the export ends or the wallet locks.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QLabel,
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


def format_backup_time(iso: str | None) -> str:
    """``Last backup: …`` in local time, from the core's ISO 8601 UTC text."""
    if not iso:
        return strings.NEVER_BACKUP
    try:
        when = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return strings.NEVER_BACKUP
    return strings.LAST_BACKUP.format(when.strftime("%Y-%m-%d %H:%M"))


class BackupView(Page):
    """Export button, optional backup password, progress; ``backupMade(str)`` with the path."""

    backupMade = Signal(str)

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(strings.BACKUP_TITLE, strings.BACKUP_TEXT, parent)
        self._bridge = bridge
        self._exporting = False
        self.last_backup = QLabel(self)
        self.last_backup.setAccessibleName(strings.NEVER_BACKUP)
        self.body.addWidget(self.last_backup)

        self.password_check = QCheckBox(strings.USE_BACKUP_PASSWORD, self)
        self.password_check.setAccessibleName(strings.USE_BACKUP_PASSWORD.replace("&", ""))
        self.body.addWidget(self.password_check)
        note = QLabel(strings.BACKUP_PASSWORD_NOTE, self)
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.password_fields = PasswordFields(bridge.assess_password, self)
        self.password_fields.setEnabled(False)
        self.body.addWidget(self.password_fields)

        self.stage = QLabel(self)
        self.stage.setWordWrap(True)
        self.stage.setAccessibleName(strings.PROGRESS)
        self.body.addWidget(self.stage)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setAccessibleName(strings.PROGRESS)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.hide()
        self.body.addWidget(self.progress_bar)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.result)

        self.export_button = QPushButton(strings.EXPORT_BACKUP, self)
        self.export_button.setAccessibleName(strings.EXPORT_BACKUP.replace("&", ""))
        self.export_button.setDefault(True)
        self.buttons.addWidget(self.export_button)

        self.password_check.toggled.connect(self._on_password_toggled)
        self.password_fields.changed.connect(self._update_actions)
        self.export_button.clicked.connect(self._export_from_dialog)
        bridge.backupStage.connect(self._on_stage)
        bridge.progress.connect(self._on_progress)
        self.setFocusProxy(self.export_button)
        QWidget.setTabOrder(self.password_check, self.password_fields.password_edit)
        QWidget.setTabOrder(self.password_fields.repeat_edit, self.export_button)

    # -- state -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show when the last backup was made (a settings read; fast, works while locked)."""
        text = format_backup_time(self._bridge.last_backup_at)
        self.last_backup.setText(text)
        self.last_backup.setAccessibleName(text)
        self._update_actions()

    def clear(self) -> None:
        """Forget the backup password and the last result (on lock)."""
        self.password_fields.clear()
        self.password_check.setChecked(False)
        self.result.clear()
        self.stage.clear()
        self.show_error("")
        self.progress_bar.hide()

    def _on_password_toggled(self, on: bool) -> None:
        self.password_fields.setEnabled(on)
        if on:
            self.password_fields.password_edit.setFocus()
        else:
            self.password_fields.clear()
        self._update_actions()

    def _password_ok(self) -> bool:
        return not self.password_check.isChecked() or self.password_fields.is_acceptable()

    def _update_actions(self) -> None:
        self.export_button.setEnabled(not self._exporting and self._password_ok())

    def _on_stage(self, stage: str) -> None:
        if self._exporting:
            self.stage.setText(strings.BACKUP_STAGES.get(stage, stage))
            self.progress_bar.setValue(0)

    def _on_progress(self, done: int, total: int) -> None:
        if self._exporting:
            self.progress_bar.setValue(1000 if total <= 0 else int(done * 1000 / total))

    # -- export ------------------------------------------------------------------------------------

    def _ask_backup_path(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            strings.BACKUP_DIALOG,
            "patient-wallet" + strings.BACKUP_SUFFIX,
            strings.BACKUP_FILTER,
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix else path.with_suffix(strings.BACKUP_SUFFIX)

    def _export_from_dialog(self) -> None:
        if not self._password_ok():
            self.show_error(strings.BACKUP_PASSWORD_UNACCEPTABLE)
            return
        path = self._ask_backup_path()
        if path is not None:
            self.export_to(path)

    @asyncSlot(object)
    async def export_to(self, path: Path) -> None:
        """Export to ``path`` on the worker; the result or the core's sentence is shown here."""
        if self._exporting or not self._password_ok():
            return
        password = self.password_fields.password() if self.password_check.isChecked() else None
        self._exporting = True
        self._update_actions()
        self.show_error("")
        self.result.clear()
        self.stage.setText(strings.BACKUP_STARTING)
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        try:
            report = await self._bridge.export_backup(path, password)
        except WalletError as exc:
            self.show_error(exc.user_message)
            return
        finally:
            self._exporting = False
            self.progress_bar.hide()
            self.stage.clear()
            self._update_actions()
        self.password_fields.clear()
        self.password_check.setChecked(False)
        self.result.setText(
            strings.BACKUP_DONE.format(
                path=report.path, records=report.records, size=strings.human_size(report.size)
            )
        )
        self.refresh()
        self.backupMade.emit(str(report.path))
