"""The provider role: register this wallet's address, see what patients shared, open a bundle.

A provider (doctor, hospital, lab, insurer) uses the same program: it registers its address once
with its encryption key (the registry stores it; name, kind and licence are published with it),
shows patients its address QR code (the Receive section), follows the consents made to it live,
and opens a received bundle into a folder it chooses. The core checks the grant on chain and
verifies the bundle before anything is written; its sentence is shown when it refuses.

Must not decide anything about a consent or a bundle; everything goes through the bridge.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)
from qasync import asyncSlot

from ui import strings
from ui.bridge import Bridge
from ui.widgets.page import Page
from wallet.errors import WalletError

_STATUS_TEXT = {
    "pending": strings.STATUS_PENDING,
    "active": strings.STATUS_ACTIVE,
    "expired": strings.STATUS_EXPIRED,
    "revoked": strings.STATUS_REVOKED,
}


def _ask_bundle(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent, strings.OPEN_BUNDLE_DIALOG, "", strings.SHARE_FILTER
    )
    return Path(name) if name else None


def _ask_out_dir(parent: QWidget) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, strings.OPEN_OUT_DIALOG)
    return Path(name) if name else None


def _date(timestamp: int) -> str:
    if not timestamp:
        return "—"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


class ProviderView(Page):
    """Registration form and state, the live "shared with me" table, and Open bundle."""

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(strings.PROVIDER_TITLE, strings.PROVIDER_TEXT, parent)
        self._bridge = bridge
        self._kinds_loaded = False
        self.registration = QLabel(self)
        self.registration.setWordWrap(True)
        self.registration.setAccessibleName(strings.REGISTER_HEADING)
        self.body.addWidget(self.registration)
        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName(strings.PROVIDER_NAME)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setAccessibleName(strings.PROVIDER_KIND)
        self.licence_edit = QLineEdit(self)
        self.licence_edit.setAccessibleName(strings.PROVIDER_LICENCE)
        self.register_button = QPushButton(strings.REGISTER, self)
        self.register_button.clicked.connect(self._register)
        form.addRow(strings.PROVIDER_NAME, self.name_edit)
        form.addRow(strings.PROVIDER_KIND, self.kind_combo)
        form.addRow(strings.PROVIDER_LICENCE, self.licence_edit)
        form.addRow("", self.register_button)
        self.body.addLayout(form)

        heading = QLabel(f"<b>{strings.SHARED_WITH_ME}</b>", self)
        self.body.addWidget(heading)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(
            [strings.COL_PATIENT, strings.COL_PURPOSE, strings.COL_EXPIRES, strings.COL_STATUS]
        )
        self.table.setAccessibleName(strings.SHARED_WITH_ME_TABLE)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.body.addWidget(self.table, 1)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(strings.PROGRESS)
        self.body.addWidget(self.status)
        self.open_button = QPushButton(strings.OPEN_BUNDLE, self)
        self.open_button.clicked.connect(self._open_bundle)
        self.buttons.addWidget(self.open_button)

        bridge.consentChanged.connect(lambda _event: self.refresh())
        bridge.providerChanged.connect(lambda _event: self.refresh())

    @asyncSlot()
    async def refresh(self) -> None:
        """Registration state and the shares made to this wallet (when the chain answers)."""
        if not self._bridge.is_unlocked:
            return
        try:
            if not self._kinds_loaded:
                for kind in await self._bridge.provider_kinds():
                    self.kind_combo.addItem(kind.display, kind)
                self._kinds_loaded = True
            info = await self._bridge.my_provider_info()
            consents = await self._bridge.consents_for_me()
        except WalletError as exc:
            if self._bridge.is_unlocked:  # else: locked meanwhile, nothing to say
                self.show_error(exc.user_message)
            return
        if not self._bridge.is_unlocked:
            return
        self.show_error("")
        if info.registered:
            accreditation = (
                strings.PROVIDER_ACCREDITED.format(info.accredited_by)
                if info.accredited
                else strings.PROVIDER_NOT_ACCREDITED
            )
            kind = info.kind.display if info.kind is not None else ""
            self.registration.setText(
                strings.REGISTERED_AS.format(info.name or "", kind, accreditation)
            )
        else:
            self.registration.setText(strings.NOT_REGISTERED)
        self.table.setRowCount(len(consents))
        for row, consent in enumerate(consents):
            purpose = consent.purpose.display if consent.purpose is not None else ""
            cells = (
                consent.patient,
                purpose,
                _date(consent.expires_at),
                _STATUS_TEXT.get(consent.status, consent.status),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def clear(self) -> None:
        self.table.setRowCount(0)
        self.registration.clear()
        self.status.clear()

    def statuses(self) -> list[str]:
        return [self.table.item(r, 3).text() for r in range(self.table.rowCount())]

    @asyncSlot()
    async def _register(self) -> None:
        name = self.name_edit.text().strip()
        kind = self.kind_combo.currentData()
        self.show_error("")
        self.status.setText(strings.PENDING_REGISTER)
        self.register_button.setEnabled(False)
        try:
            tx_hash = await self._bridge.register_provider(
                name, kind, self.licence_edit.text().strip() or None
            )
        except WalletError as exc:
            self.status.clear()
            self.show_error(exc.user_message)
            return
        finally:
            self.register_button.setEnabled(True)
        self.status.setText(strings.CONFIRMED_REGISTER.format(tx_hash[:18] + "…"))
        self.refresh()

    @asyncSlot()
    async def _open_bundle(self) -> None:
        bundle = _ask_bundle(self)
        if bundle is None:
            return
        out_dir = _ask_out_dir(self)
        if out_dir is None:
            return
        self.show_error("")
        try:
            opened = await self._bridge.open_bundle(bundle, out_dir)
        except WalletError as exc:
            self.status.clear()
            self.show_error(exc.user_message)
            return
        self.status.setText(strings.OPENED.format(len(opened), out_dir))
