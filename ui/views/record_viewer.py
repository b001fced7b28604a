"""A window showing one decrypted record from memory: text and JSON as text, images as images.

Receives the bytes and the media type from the records screen; never writes them anywhere (no
temporary file, no clipboard). Anything it cannot render gets a sentence pointing to export.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui import strings

_TEXT_TYPES = ("application/json", "application/xml", "application/fhir+json", "text/csv")


def is_text(media_type: str) -> bool:
    return (
        media_type.startswith("text/") or media_type in _TEXT_TYPES or media_type.endswith("+json")
    )


def _as_text(data: bytes, media_type: str) -> str:
    text = data.decode("utf-8", errors="replace")
    if media_type.endswith("json"):
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            return text
    return text


class RecordViewer(QDialog):
    """Shows ``data`` (already decrypted, in memory); closing the window drops it."""

    def __init__(
        self, title: str, media_type: str, data: bytes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(strings.VIEWER_TITLE.format(title))
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        self.text_view: QPlainTextEdit | None = None
        self.image_label: QLabel | None = None
        image = QImage.fromData(data) if media_type.startswith("image/") else QImage()
        if is_text(media_type):
            self.text_view = QPlainTextEdit(self)
            self.text_view.setReadOnly(True)
            self.text_view.setFont(QFont("monospace"))
            self.text_view.setPlainText(_as_text(data, media_type))
            self.text_view.setAccessibleName(title)
            layout.addWidget(self.text_view)
        elif not image.isNull():
            self.image_label = QLabel(self)
            self.image_label.setPixmap(QPixmap.fromImage(image))
            self.image_label.setAccessibleName(title)
            scroll = QScrollArea(self)
            scroll.setWidget(self.image_label)
            scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(scroll)
        else:
            message = QLabel(strings.VIEWER_BINARY.format(media_type), self)
            message.setWordWrap(True)
            layout.addWidget(message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Close, self, self.close)
