"""The consents screen: every share the patient made, its live status, and revoking one.

Rows come from the core's share statuses (ledger joined with the chain) and are joined here, in
memory, with the vault's record titles. The table follows the chain: a consent event about this
wallet, a confirmed transaction, or a block whose time passes an expiry re-reads the statuses.
Revoking asks for a confirmation that says, in one sentence, what will be signed and, honestly,
that copies already opened cannot be recalled.

Must not decide a status itself (the core's ``pending``/``active``/``expired``/``revoked`` is
shown as it is) nor call the chain directly.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)
from qasync import asyncSlot

from ui import strings
from ui.bridge import Bridge
from ui.models.consents_model import (
    COL_PROVIDER,
    COL_RECORDS,
    SHARE_ID_ROLE,
    SORT_ROLE,
    ConsentRow,
    ConsentsModel,
)
from ui.widgets import confirm_dialog
from ui.widgets.bundle_dialog import ask_bundle_path as _ask_bundle_path
from ui.widgets.page import Page
from wallet.errors import WalletError


def _duration(days: float) -> str:
    """'1 day', '7 days', or whole hours for a fraction of a day ('36 hours')."""
    if days == 1:
        return strings.ONE_DAY
    if days == int(days):
        return strings.N_DAYS.format(int(days))
    return strings.N_HOURS.format(round(days * 24))


class ConsentsView(Page):
    """The live table and a Revoke button."""

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(strings.CONSENTS_TITLE, strings.CONSENTS_TEXT, parent)
        self._bridge = bridge
        self._generation = 0
        self._next_expiry: int | None = None
        self.model = ConsentsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(strings.CONSENTS_TABLE)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_RECORDS, QHeaderView.ResizeMode.Stretch)
        self.body.addWidget(self.table, 1)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(strings.PROGRESS)
        self.body.addWidget(self.status)
        self.refresh_button = QPushButton(strings.REFRESH, self)
        self.refresh_button.clicked.connect(self.refresh)
        self.revoke_button = QPushButton(strings.REVOKE, self)
        self.revoke_button.clicked.connect(self._revoke)
        self.save_again_button = QPushButton(strings.SAVE_BUNDLE_AGAIN, self)
        self.save_again_button.clicked.connect(self._save_again)
        self.grant_again_button = QPushButton(strings.GRANT_AGAIN, self)
        self.grant_again_button.clicked.connect(self._grant_again)
        self.buttons.addWidget(self.refresh_button)
        self.buttons.addWidget(self.save_again_button)
        self.buttons.addWidget(self.grant_again_button)
        self.buttons.addWidget(self.revoke_button)

        bridge.consentChanged.connect(lambda _event: self.refresh())
        bridge.blockSeen.connect(self._on_block)
        bridge.transactionPending.connect(self._on_pending)
        bridge.transactionConfirmed.connect(lambda _what, _tx: self.refresh())

    # -- data ------------------------------------------------------------------------------------

    @asyncSlot()
    async def refresh(self) -> None:
        """Re-read the statuses from the core and the titles from the vault."""
        if not self._bridge.is_unlocked:
            return
        self._generation += 1
        generation = self._generation
        try:
            statuses = await self._bridge.share_statuses()
            records = {meta.id: meta.title for meta in await self._bridge.list_records()}
            purposes = {p.code: p.display for p in await self._bridge.purposes()}
        except WalletError as exc:
            if self._bridge.is_unlocked:  # else: locked meanwhile, nothing to say
                self.show_error(exc.user_message)
            return
        if generation != self._generation or not self._bridge.is_unlocked:
            return  # a newer refresh is on its way, or the wallet locked meanwhile
        rows = [
            ConsentRow(
                share_id=status.entry.share_id,
                provider=status.entry.provider,
                records=tuple(
                    records.get(r.record_id, strings.UNKNOWN_RECORD) for r in status.entry.records
                ),
                purpose=purposes.get(status.entry.purpose, status.entry.purpose),
                expires_at=status.expires_at,
                status=status.status,
                provider_name=status.provider_name,
                days=status.entry.days,
            )
            for status in statuses
        ]
        selected = self.selected_share_id()
        self.model.set_rows(rows)
        self.show_error("")
        upcoming = [r.expires_at for r in rows if r.status == "active" and r.expires_at]
        self._next_expiry = min(upcoming) if upcoming else None
        if selected is not None:
            self.select_share(selected)

    def clear(self) -> None:
        self._generation += 1
        self.model.clear()
        self.status.clear()
        self._next_expiry = None

    def _on_block(self, _number: int, timestamp: int) -> None:
        if self._next_expiry is not None and timestamp >= self._next_expiry:
            self._next_expiry = None
            self.refresh()

    def _on_pending(self, what: str) -> None:
        if what == "revoke":
            self.status.setText(strings.PENDING_REVOKE)

    # -- selection -------------------------------------------------------------------------------

    def selected_share_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return str(rows[0].data(SHARE_ID_ROLE))

    def select_share(self, share_id: str) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, COL_PROVIDER)
            if index.data(SHARE_ID_ROLE) == share_id:
                self.table.selectRow(row)
                return True
        return False

    def status_of(self, share_id: str) -> str | None:
        for row in self.model.rows():
            if row.share_id == share_id:
                return row.status
        return None

    # -- a grant that never went through, sent again -----------------------------------------------

    @asyncSlot()
    async def _grant_again(self) -> None:
        share_id = self.selected_share_id()
        row = next((r for r in self.model.rows() if r.share_id == share_id), None)
        if row is None or row.status != "not granted":
            self.show_error(strings.NOTHING_TO_GRANT)
            return
        sentence = strings.CONFIRM_GRANT_AGAIN.format(
            provider=row.provider_label,
            records=strings.RECORD_COUNT.format(len(row.records), ", ".join(row.records)),
            purpose=row.purpose,
            days=_duration(row.days or 0),
            network=self._bridge.network,
        )
        if not confirm_dialog.ask_to_sign(
            self, strings.CONFIRM_SHARE_TITLE, sentence, strings.RECALL_NOTE, strings.SIGN_AND_SEND
        ):
            return
        self.show_error("")
        self.grant_again_button.setEnabled(False)
        try:
            created = await self._bridge.grant_again(row.share_id)
        except WalletError as exc:
            self.status.clear()
            self.show_error(exc.user_message)
            return
        finally:
            self.grant_again_button.setEnabled(True)
        self.status.setText(strings.CONFIRMED_GRANT.format((created.tx_hash or "—")[:18] + "…"))

    # -- a lost bundle, written again --------------------------------------------------------------

    @asyncSlot()
    async def _save_again(self) -> None:
        share_id = self.selected_share_id()
        if share_id is None:
            self.show_error(strings.NOTHING_TO_SAVE)
            return
        out = _ask_bundle_path(self, f"share-{share_id[:8]}.pwshare")
        if out is None:
            return
        self.show_error("")
        self.save_again_button.setEnabled(False)
        try:
            path = await self._bridge.rebuild_bundle(share_id, out)
        except WalletError as exc:
            self.show_error(exc.user_message)
            return
        finally:
            self.save_again_button.setEnabled(True)
        self.status.setText(strings.BUNDLE_SAVED_AGAIN.format(path))

    # -- revoke ----------------------------------------------------------------------------------

    @asyncSlot()
    async def _revoke(self) -> None:
        share_id = self.selected_share_id()
        if share_id is None:
            self.show_error(strings.NOTHING_TO_REVOKE)
            return
        row = next(r for r in self.model.rows() if r.share_id == share_id)
        sentence = strings.CONFIRM_REVOKE.format(
            provider=row.provider_label,
            records=strings.RECORD_COUNT.format(len(row.records), ", ".join(row.records)),
            network=self._bridge.network,
        )
        if not confirm_dialog.ask_to_sign(
            self, strings.CONFIRM_REVOKE_TITLE, sentence, strings.REVOKE_NOTE, strings.REVOKE_SIGN
        ):
            return
        self.show_error("")
        self.revoke_button.setEnabled(False)
        try:
            revoked = await self._bridge.revoke_share(share_id)
        except WalletError as exc:
            self.status.clear()
            self.show_error(exc.user_message)
            return
        finally:
            self.revoke_button.setEnabled(True)
        self.status.setText(strings.CONFIRMED_REVOKE.format((revoked.tx_hash or "—")[:18] + "…"))
