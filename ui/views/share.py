"""The share screen: find the provider, pick records, purpose and duration, confirm, sign, send.

The provider's address comes from the camera (:class:`ui.qr.scanner.CameraScanner`), a picture
file, a picture pasted from the clipboard, or pasted text. Whatever the source, the core decides:
it reads the QR texts (:func:`wallet.qr.read_address_qr`), checks the address is a grantee on this
chain and a registered provider, and its sentence is shown when it refuses. The provider card
renders what the registry says (name, kind, accreditation and by whom, EIP-55 address).

Before anything is signed the patient chooses where to save the bundle (it goes to the provider
out of band) and confirms a dialog stating in one sentence who, which records, what purpose, until
when and on which network, plus the honest note that opened copies cannot be recalled. Progress is
shown as pending, then confirmed. Durations and purposes are checked by the core, not here.

Must not read files or parse addresses itself; everything goes through the bridge.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)
from qasync import asyncSlot

from ui import strings
from ui.bridge import Bridge
from ui.widgets import confirm_dialog
from ui.widgets.bundle_dialog import ask_bundle_path as _ask_bundle_path
from ui.widgets.page import Page
from ui.widgets.provider_card import ProviderCard
from wallet.errors import WalletError

if TYPE_CHECKING:
    from ui.qr.scanner import CameraScanner
    from wallet.chain.registries import ProviderInfo

RECORD_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
PREVIEW_WIDTH = 240
DEFAULT_DAYS = 30.0
MAX_DAYS_FIELD = 3650.0


def _ask_qr_image_path(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent, strings.QR_IMAGE_DIALOG, "", strings.QR_IMAGE_FILTER
    )
    return Path(name) if name else None


class ShareView(Page):
    """Provider source, provider card, records, purpose, days; confirm; pending, confirmed."""

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(strings.SHARE_TITLE, strings.SHARE_TEXT, parent)
        self._bridge = bridge
        self._provider: ProviderInfo | None = None
        self._purposes_loaded = False
        self._scanner: CameraScanner | None = None

        sources = QHBoxLayout()
        self.scan_button = QPushButton(strings.SCAN_CAMERA, self)
        self.scan_button.clicked.connect(self._toggle_camera)
        self.image_button = QPushButton(strings.FROM_IMAGE, self)
        self.image_button.clicked.connect(self._from_image_file)
        self.paste_image_button = QPushButton(strings.PASTE_IMAGE, self)
        self.paste_image_button.clicked.connect(self._from_clipboard_image)
        for button in (self.scan_button, self.image_button, self.paste_image_button):
            button.setAccessibleName(button.text().replace("&", ""))
            sources.addWidget(button)
        sources.addStretch(1)
        self.body.addLayout(sources)
        self.preview = QLabel(self)
        self.preview.setAccessibleName(strings.CAMERA_PREVIEW)
        self.preview.hide()
        self.body.addWidget(self.preview)

        address_row = QHBoxLayout()
        self.address_edit = QLineEdit(self)
        self.address_edit.setPlaceholderText(strings.PROVIDER_ADDRESS_PLACEHOLDER)
        self.address_edit.setAccessibleName(strings.PROVIDER_ADDRESS)
        self.address_edit.returnPressed.connect(self._look_up)
        self.look_up_button = QPushButton(strings.LOOK_UP, self)
        self.look_up_button.clicked.connect(self._look_up)
        address_row.addWidget(self.address_edit, 1)
        address_row.addWidget(self.look_up_button)
        self.body.addLayout(address_row)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(strings.PROGRESS)
        self.body.addWidget(self.status)
        self.card = ProviderCard(self)
        self.body.addWidget(self.card)

        form = QFormLayout()
        self.records_list = QListWidget(self)
        self.records_list.setAccessibleName(strings.RECORDS_TO_SHARE)
        self.records_list.setMaximumHeight(self.fontMetrics().height() * 8)
        form.addRow(strings.RECORDS_TO_SHARE, self.records_list)
        self.purpose_combo = QComboBox(self)
        self.purpose_combo.setAccessibleName(strings.PURPOSE)
        form.addRow(strings.PURPOSE, self.purpose_combo)
        self.days_spin = QDoubleSpinBox(self)
        self.days_spin.setDecimals(1)
        self.days_spin.setRange(0.1, MAX_DAYS_FIELD)
        self.days_spin.setValue(DEFAULT_DAYS)
        self.days_spin.setSuffix(strings.DURATION_SUFFIX)
        self.days_spin.setAccessibleName(strings.DURATION)
        form.addRow(strings.DURATION, self.days_spin)
        self.body.addLayout(form)

        self.share_button = QPushButton(strings.SHARE, self)
        self.share_button.setAccessibleName(strings.SHARE.replace("&", "").rstrip("…"))
        self.share_button.clicked.connect(self._share)
        self.buttons.addWidget(self.share_button)
        self.setTabOrder(self.scan_button, self.image_button)
        self.setTabOrder(self.image_button, self.paste_image_button)
        self.setTabOrder(self.paste_image_button, self.address_edit)
        self.setTabOrder(self.address_edit, self.look_up_button)
        self.setTabOrder(self.look_up_button, self.records_list)
        self.setTabOrder(self.records_list, self.purpose_combo)
        self.setTabOrder(self.purpose_combo, self.days_spin)
        self.setTabOrder(self.days_spin, self.share_button)

        bridge.transactionPending.connect(self._on_pending)
        bridge.transactionConfirmed.connect(self._on_confirmed)

    # -- lifecycle -------------------------------------------------------------------------------

    @asyncSlot()
    async def refresh(self) -> None:
        """Load the records to choose from (and the purposes, once)."""
        if not self._bridge.is_unlocked:
            return
        try:
            if not self._purposes_loaded:
                for purpose in await self._bridge.purposes():
                    self.purpose_combo.addItem(purpose.display.capitalize(), purpose)
                self._purposes_loaded = True
            records = await self._bridge.list_records()
        except WalletError as exc:
            if self._bridge.is_unlocked:  # else: locked meanwhile, nothing to say
                self.show_error(exc.user_message)
            return
        if not self._bridge.is_unlocked:
            return
        checked = set(self.checked_record_ids())
        self.records_list.clear()
        for meta in records:
            item = QListWidgetItem(meta.title, self.records_list)
            item.setData(RECORD_ID_ROLE, meta.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if meta.id in checked else Qt.CheckState.Unchecked
            )

    @property
    def scanner(self) -> CameraScanner:
        """The camera scanner, made on first use: QtMultimedia costs start-up time otherwise."""
        if self._scanner is None:
            from ui.qr.scanner import CameraScanner

            self._scanner = CameraScanner(self._bridge.decode_qr_gray, self)
            self._scanner.decoded.connect(self._on_scanned)
            self._scanner.frameShown.connect(self._show_frame)
            self._scanner.failed.connect(self._on_camera_failed)
        return self._scanner

    def clear(self) -> None:
        """Forget everything shown (on lock: titles and the provider leave the screen)."""
        if self._scanner is not None:
            self._scanner.stop()
        self.preview.hide()
        self.preview.clear()
        self.records_list.clear()
        self.address_edit.clear()
        self.status.clear()
        self.card.clear()
        self._provider = None
        self.show_error("")

    def checked_record_ids(self) -> list[str]:
        ids = []
        for row in range(self.records_list.count()):
            item = self.records_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(str(item.data(RECORD_ID_ROLE)))
        return ids

    def set_record_checked(self, record_id: str, checked: bool = True) -> None:
        for row in range(self.records_list.count()):
            item = self.records_list.item(row)
            if item.data(RECORD_ID_ROLE) == record_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    @property
    def provider(self) -> ProviderInfo | None:
        return self._provider

    # -- finding the provider --------------------------------------------------------------------

    def _toggle_camera(self) -> None:
        if self.scanner.listening:
            self._stop_camera()
            return
        self.show_error("")
        if not self.scanner.has_camera() or not self.scanner.start():
            self.status.setText(strings.NO_CAMERA)
            self.image_button.setFocus()
            return
        self.scan_button.setText(strings.STOP_CAMERA)
        self.status.setText(strings.SCANNING)
        self.preview.show()

    def _stop_camera(self) -> None:
        self.scanner.stop()
        self.scan_button.setText(strings.SCAN_CAMERA)
        self.preview.hide()

    def _on_camera_failed(self, text: str) -> None:
        self._stop_camera()
        self.status.setText(strings.CAMERA_FAILED.format(text))

    def _show_frame(self, image: QImage) -> None:
        if self.preview.isVisible():
            self.preview.setPixmap(
                QPixmap.fromImage(image).scaledToWidth(
                    PREVIEW_WIDTH, Qt.TransformationMode.FastTransformation
                )
            )

    @asyncSlot(list)
    async def _on_scanned(self, texts: list[str]) -> None:
        try:
            target = await self._bridge.address_from_qr_texts(texts)
        except WalletError as exc:
            self.show_error(exc.user_message)  # keep scanning: the next frame may be better
            return
        self._stop_camera()
        await self._use_target(target)

    @asyncSlot()
    async def _from_image_file(self) -> None:
        path = _ask_qr_image_path(self)
        if path is None:
            return
        self.show_error("")
        try:
            target = await self._bridge.address_from_qr_file(path)
        except WalletError as exc:
            self._reject(exc.user_message)
            return
        await self._use_target(target)

    @asyncSlot()
    async def _from_clipboard_image(self) -> None:
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            self._reject(strings.NO_CLIPBOARD_IMAGE)
            return
        gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
        data = bytes(gray.constBits())  # type: ignore[call-overload]
        try:
            texts = await self._bridge.run_blocking(
                self._bridge.decode_qr_gray, data, gray.width(), gray.height(), gray.bytesPerLine()
            )
            target = await self._bridge.address_from_qr_texts(texts)
        except WalletError as exc:
            self._reject(exc.user_message)
            return
        await self._use_target(target)

    @asyncSlot()
    async def _look_up(self) -> None:
        await self._use_target(self.address_edit.text())

    async def _use_target(self, target: str) -> None:
        self.address_edit.setText(target)
        self.show_error("")
        self.card.clear()
        self._provider = None
        self.status.setText(strings.LOOKING_UP)
        try:
            info = await self._bridge.find_provider(target)
        except WalletError as exc:
            self._reject(exc.user_message)
            return
        self.status.clear()
        self._provider = info
        self.card.show_provider(info)
        self.records_list.setFocus()

    def _reject(self, sentence: str) -> None:
        self.status.clear()
        self.card.clear()
        self._provider = None
        self.show_error(sentence)

    # -- sharing ---------------------------------------------------------------------------------

    def confirmation_sentence(self, provider: ProviderInfo, days: float) -> str:
        titles = [
            self.records_list.item(row).text()
            for row in range(self.records_list.count())
            if self.records_list.item(row).checkState() == Qt.CheckState.Checked
        ]
        until = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
        return strings.CONFIRM_SHARE.format(
            provider=self.card.display_name(),
            address=provider.address,
            records=strings.RECORD_COUNT.format(len(titles), ", ".join(titles)),
            purpose=self.purpose_combo.currentText().lower(),
            until=until.strftime("%Y-%m-%d %H:%M UTC"),
            network=self._bridge.network,
        )

    @asyncSlot()
    async def _share(self) -> None:
        provider = self._provider
        if provider is None:
            self.show_error(strings.CHOOSE_PROVIDER)
            return
        record_ids = self.checked_record_ids()
        purpose = self.purpose_combo.currentData()
        days = self.days_spin.value()
        if not record_ids:
            self.show_error(strings.NO_SELECTION)
            return
        out = _ask_bundle_path(self, f"share-{provider.address[2:10].lower()}.pwshare")
        if out is None:
            return
        sentence = self.confirmation_sentence(provider, days)
        if not confirm_dialog.ask_to_sign(
            self, strings.CONFIRM_SHARE_TITLE, sentence, strings.RECALL_NOTE, strings.SIGN_AND_SEND
        ):
            return
        self.show_error("")
        self.share_button.setEnabled(False)
        try:
            created = await self._bridge.create_share(provider, record_ids, purpose, days, out)
        except WalletError as exc:
            self.status.clear()
            self.show_error(exc.user_message)
            return
        finally:
            self.share_button.setEnabled(True)
        self.status.setText(
            strings.CONFIRMED_GRANT.format(created.tx_hash[:18] + "…")
            + " "
            + strings.SHARED.format(len(created.bundle.records), created.bundle.path)
        )

    def _on_pending(self, what: str) -> None:
        if what == "grant":
            self.status.setText(strings.PENDING_GRANT)

    def _on_confirmed(self, what: str, tx_hash: str) -> None:
        if what == "grant":
            self.status.setText(strings.CONFIRMED_GRANT.format(tx_hash[:18] + "…"))
