"""A card showing a provider as the registry describes it: name, kind, accreditation, address.

Renders the :class:`~wallet.chain.registries.ProviderInfo` it is given (a name whose published
profile did not verify is shown as unverified; a provider nobody accredited says so plainly). It
decides nothing: whether a provider may be shared with is the core's answer, given before this
card is filled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ui import strings

if TYPE_CHECKING:
    from wallet.chain.registries import ProviderInfo

_STYLE = "QFrame#provider-card { border:1px solid #9ec5fe; border-radius:6px; background:#f4f8ff; }"


class ProviderCard(QFrame):
    """Name and kind, accreditation (by whom), and the EIP-55 address (selectable)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("provider-card")
        self.setStyleSheet(_STYLE)
        self.setAccessibleName(strings.PROVIDER_CARD)
        layout = QVBoxLayout(self)
        self.name_label = QLabel(self)
        font = QFont(self.name_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.name_label.setFont(font)
        self.name_label.setWordWrap(True)
        self.accreditation_label = QLabel(self)
        self.accreditation_label.setWordWrap(True)
        self.address_label = QLabel(self)
        self.address_label.setFont(QFont("monospace"))
        self.address_label.setWordWrap(True)
        self.address_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.name_label, self.accreditation_label, self.address_label):
            layout.addWidget(label)
        self.hide()

    def show_provider(self, info: ProviderInfo) -> None:
        name = (
            info.name if info.profile_verified and info.name else strings.PROVIDER_UNVERIFIED_NAME
        )
        kind = info.kind.display if info.kind is not None else ""
        self.name_label.setText(f"{name} — {kind}" if kind else name)
        if info.accredited:
            self.accreditation_label.setText(
                strings.PROVIDER_ACCREDITED.format(info.accredited_by or "")
            )
            self.accreditation_label.setStyleSheet("color: #0f5132;")
        else:
            self.accreditation_label.setText(strings.PROVIDER_NOT_ACCREDITED)
            self.accreditation_label.setStyleSheet("color: #842029; font-weight: bold;")
        self.address_label.setText(info.address)
        self.setAccessibleDescription(
            f"{self.name_label.text()}. {self.accreditation_label.text()}. {info.address}"
        )
        self.show()

    def display_name(self) -> str:
        return self.name_label.text()

    def clear(self) -> None:
        for label in (self.name_label, self.accreditation_label, self.address_label):
            label.clear()
        self.hide()
