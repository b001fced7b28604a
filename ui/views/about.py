"""The About box (Help, F1): version, data folder, network, and the honest limit of protection.

Shows what the bridge reports (the core's version, the data directory and the chosen network),
one sentence on what the wallet cannot protect against, and a link to ``docs/THREATS.md`` when
the sources are installed alongside the program (otherwise a sentence naming that file).

Must not call the core or judge anything; it renders text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ui import strings

THREATS_DOC = Path(__file__).resolve().parents[2] / "docs" / "THREATS.md"


class AboutDialog(QDialog):
    """A small modal box; Close (or Escape) dismisses it."""

    def __init__(
        self,
        version: str,
        data_dir: Path,
        network: str,
        parent: QWidget | None = None,
        *,
        threats_doc: Path = THREATS_DOC,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(strings.ABOUT_TITLE)
        self.setAccessibleName(strings.ABOUT_TITLE)
        heading = QLabel(f"<b>{strings.APP_NAME}</b>", self)
        form = QFormLayout()
        self.version_label = self._value(version, strings.ABOUT_VERSION)
        self.data_dir_label = self._value(str(data_dir), strings.ABOUT_DATA_DIR)
        shown_network = strings.NETWORK_LOCAL if network == "local" else network
        self.network_label = self._value(shown_network, strings.ABOUT_NETWORK)
        form.addRow(strings.ABOUT_VERSION, self.version_label)
        form.addRow(strings.ABOUT_DATA_DIR, self.data_dir_label)
        form.addRow(strings.ABOUT_NETWORK, self.network_label)
        self.threat_note = QLabel(strings.ABOUT_THREAT_NOTE, self)
        self.threat_note.setWordWrap(True)
        self.threat_note.setAccessibleName(strings.ABOUT_THREAT_NOTE)
        self.threats_link = QLabel(self)
        self.threats_link.setWordWrap(True)
        if threats_doc.is_file():
            url = QUrl.fromLocalFile(str(threats_doc)).toString()
            self.threats_link.setText(f'<a href="{url}">{strings.ABOUT_THREATS_LINK}</a>')
            self.threats_link.setTextFormat(Qt.TextFormat.RichText)
            self.threats_link.setOpenExternalLinks(True)
            self.threats_link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            self.threats_link.setAccessibleName(strings.ABOUT_THREATS_LINK)
        else:
            self.threats_link.setText(strings.ABOUT_THREATS_MISSING)
            self.threats_link.setAccessibleName(strings.ABOUT_THREATS_MISSING)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText(strings.CLOSE)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.threat_note)
        layout.addWidget(self.threats_link)
        layout.addWidget(buttons)
        self.close_button.setFocus()

    def _value(self, text: str, name: str) -> QLabel:
        label = QLabel(text, self)
        label.setAccessibleName(name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label
