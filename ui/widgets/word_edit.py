"""A line edit for one recovery word, completing from the core's word list as the user types.

The candidates come from a ``suggest(prefix) -> list[str]`` callable (the bridge's, i.e.
:func:`wallet.mnemonic.suggest_words`); this widget only shows them. Pasting several words emits
``pastedWords`` so the screen can spread them over the following fields.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget


class WordLineEdit(QLineEdit):
    """One word, with completion; ``pastedWords(list)`` when text with spaces arrives."""

    pastedWords = Signal(list)

    def __init__(self, suggest: Callable[[str], list[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._suggest = suggest
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.textEdited.connect(self._on_edited)

    def _on_edited(self, text: str) -> None:
        parts = text.split()
        if len(parts) > 1:
            self.pastedWords.emit(parts)
            return
        self._model.setStringList(self._suggest(text.strip()) if parts else [])

    def suggestions(self) -> list[str]:
        return self._model.stringList()
