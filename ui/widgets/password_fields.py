"""Password and repeat fields with a strength meter that renders the core's verdict.

The verdict (score, label, acceptable, sentence) comes from an ``assess`` callable the screen passes
in (the bridge's, i.e. :func:`wallet.password_policy.assess_password`); this widget only shows it
and checks that the two fields match. Never logs or keeps the password beyond its line edits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QWidget

from ui import strings

if TYPE_CHECKING:
    from wallet.password_policy import PasswordStrength

_BAR_COLOURS = ("#c0392b", "#d35400", "#b7950b", "#27ae60", "#1e8449")


class PasswordFields(QWidget):
    """Two password fields and a meter; ``changed`` fires on every keystroke."""

    changed = Signal()

    def __init__(
        self, assess: Callable[[str], PasswordStrength], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._assess = assess
        self._verdict: PasswordStrength | None = None
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(strings.PASSWORD)
        self.repeat_edit = QLineEdit(self)
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit.setAccessibleName(strings.PASSWORD_AGAIN)
        self.meter = QProgressBar(self)
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(10)
        self.meter.setAccessibleName(strings.PASSWORD_STRENGTH)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(strings.PASSWORD_STRENGTH)

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(strings.PASSWORD, self.password_edit)
        form.addRow(strings.PASSWORD_AGAIN, self.repeat_edit)
        form.addRow(strings.PASSWORD_STRENGTH, self.meter)
        form.addRow("", self.message)
        self.setTabOrder(self.password_edit, self.repeat_edit)

        self.password_edit.textChanged.connect(self._update)
        self.repeat_edit.textChanged.connect(self._update)
        self._update()

    def password(self) -> str:
        return self.password_edit.text()

    def is_acceptable(self) -> bool:
        """The core accepts the password and both fields agree."""
        return (
            self._verdict is not None
            and self._verdict.acceptable
            and self.password_edit.text() == self.repeat_edit.text()
        )

    def clear(self) -> None:
        self.password_edit.clear()
        self.repeat_edit.clear()

    def _update(self) -> None:
        text = self.password_edit.text()
        self._verdict = self._assess(text) if text else None
        if self._verdict is None:
            self.meter.setValue(0)
            self.message.setText("")
        else:
            score = self._verdict.score
            self.meter.setValue(score)
            self.meter.setStyleSheet(
                f"QProgressBar::chunk {{ background: {_BAR_COLOURS[max(0, min(score, 4))]}; }}"
            )
            message = self._verdict.message
            repeat = self.repeat_edit.text()
            if self._verdict.acceptable and repeat and repeat != text:
                message = strings.PASSWORD_MISMATCH
            self.message.setText(message)
        self.changed.emit()
