"""The "sign this?" dialog: one sentence saying what will be signed, a note, Sign or Cancel.

Renders the sentence and note it is given (the screen composes them from the core's values);
Cancel is the default button, so Enter never signs by accident. Screens call
:func:`ask_to_sign` through this module so tests can answer it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ui import strings


def ask_to_sign(parent: QWidget, title: str, sentence: str, note: str, accept: str) -> bool:
    """Show the dialog modally; True only when the patient chose ``accept``."""
    box = QMessageBox(QMessageBox.Icon.Question, title, sentence, parent=parent)
    box.setInformativeText(note)
    box.setAccessibleDescription(f"{sentence} {note}")
    sign = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(strings.CANCEL, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is sign
