"""Recovery words shown once, numbered, in columns. Renders the words it is given; no copy button.

The labels are not selectable so the words do not go through the clipboard by accident.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

_COLUMNS = 3


class WordGrid(QWidget):
    """Numbered words in a grid, read top to bottom, column by column."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QGridLayout(self)
        self._layout.setHorizontalSpacing(24)
        self._labels: list[QLabel] = []

    def set_words(self, words: list[str]) -> None:
        self.clear()
        rows = (len(words) + _COLUMNS - 1) // _COLUMNS
        font = QFont(self.font())
        font.setFamily("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        for i, word in enumerate(words):
            label = QLabel(f"{i + 1:>2}. {word}", self)
            label.setFont(font)
            label.setAccessibleName(f"{i + 1}: {word}")
            self._layout.addWidget(label, i % rows, i // rows)
            self._labels.append(label)

    def clear(self) -> None:
        for label in self._labels:
            self._layout.removeWidget(label)
            label.deleteLater()
        self._labels.clear()

    def shown_words(self) -> list[str]:
        return [label.text().split(". ", 1)[1] for label in self._labels]
