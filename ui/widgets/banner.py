"""A coloured one-line notice across the top of a screen, with an optional dismiss button.

Renders the text it is given; it decides nothing about when it shows.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui import strings

_STYLES = {
    "warning": "background:#fff3cd; color:#533f03; border:1px solid #e0c36a; border-radius:4px;",
    "error": "background:#f8d7da; color:#58151c; border:1px solid #e2a3a9; border-radius:4px;",
    "info": "background:#e7f1ff; color:#052c65; border:1px solid #9ec5fe; border-radius:4px;",
}


class Banner(QFrame):
    """A notice; ``kind`` is ``warning``, ``error`` or ``info``."""

    def __init__(
        self,
        kind: str = "warning",
        *,
        dismissable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"banner-{kind}")
        self.setStyleSheet(f"QFrame#banner-{kind} {{{_STYLES[kind]}}}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.dismiss_button = QPushButton(strings.DISMISS, self)
        self.dismiss_button.setAccessibleName(strings.DISMISS)
        self.dismiss_button.clicked.connect(self.hide)
        self.dismiss_button.setVisible(dismissable)
        layout.addWidget(self.dismiss_button)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleName(text)
        self.show()

    def text(self) -> str:
        return self.label.text()
