"""The Activity screen: what happened in this wallet (the sealed local audit log) and what the
chain reported while the app was open.

Audit entries hold identifiers only; this screen joins record ids with titles from the vault, in
memory, for display. Chain events (consents granted or revoked, provider changes) are kept in
memory for the session only. Must not read the log file itself: the bridge opens it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QPushButton, QTableView, QWidget
from qasync import asyncSlot

from ui import strings
from ui.bridge import Bridge
from ui.models.activity_model import COL_DETAILS, ActivityModel, ActivityRow
from ui.widgets.page import Page
from wallet.errors import WalletError

MAX_CHAIN_ROWS = 500


def _short(value: str) -> str:
    return value if len(value) <= 14 else f"{value[:8]}…{value[-4:]}"


class ActivityView(Page):
    """One table, newest first; follows the audit log and the chain."""

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(strings.ACTIVITY_TITLE, strings.ACTIVITY_TEXT, parent)
        self._bridge = bridge
        self._chain_rows: list[ActivityRow] = []
        self._local_rows: list[ActivityRow] = []
        self._generation = 0
        self.model = ActivityModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(strings.ACTIVITY_TABLE)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_DETAILS, QHeaderView.ResizeMode.Stretch)
        self.body.addWidget(self.table, 1)
        self.refresh_button = QPushButton(strings.REFRESH, self)
        self.refresh_button.clicked.connect(self.refresh)
        self.buttons.addWidget(self.refresh_button)
        bridge.activityChanged.connect(self.refresh)
        bridge.consentChanged.connect(self._on_consent)
        bridge.providerChanged.connect(self._on_provider)

    @asyncSlot()
    async def refresh(self) -> None:
        if not self._bridge.is_unlocked:
            return
        self._generation += 1
        generation = self._generation
        try:
            entries = await self._bridge.audit_entries()
            titles = {meta.id: meta.title for meta in await self._bridge.list_records()}
        except WalletError as exc:
            if self._bridge.is_unlocked:  # else: locked meanwhile, nothing to say
                self.show_error(exc.user_message)
            return
        if generation != self._generation or not self._bridge.is_unlocked:
            return
        self._local_rows = [
            ActivityRow(
                when=entry.at,
                what=strings.ACTIVITY_KINDS.get(entry.kind.value, entry.kind.value),
                details=self._details(entry, titles),
                source=strings.ACTIVITY_SOURCE_LOCAL,
            )
            for entry in entries
        ]
        self.show_error("")
        self._publish()

    @staticmethod
    def _details(entry: Any, titles: dict[str, str]) -> str:
        parts = [titles.get(r, strings.UNKNOWN_RECORD) for r in entry.record_ids]
        if entry.counterparty:
            parts.append(entry.counterparty)
        if entry.share_id:
            parts.append(f"{strings.COL_SHARE} {_short(entry.share_id)}")
        if entry.tx_hash:
            parts.append(f"tx {_short(entry.tx_hash)}")
        if entry.reason:
            parts.append(entry.reason)
        return " · ".join(parts)

    def _publish(self) -> None:
        rows = sorted(self._local_rows + self._chain_rows, key=lambda r: r.when, reverse=True)
        self.model.set_rows(rows)

    def _add_chain_row(self, what: str, details: str, block: int) -> None:
        row = ActivityRow(
            when=datetime.now(UTC),
            what=what,
            details=details,
            source=strings.ACTIVITY_SOURCE_CHAIN.format(block),
        )
        self._chain_rows = [row, *self._chain_rows][:MAX_CHAIN_ROWS]
        self._publish()

    def _on_consent(self, event: Any) -> None:
        what = strings.ACTIVITY_KINDS.get(f"chain-{event.change}", event.change)
        purpose = event.purpose.display if event.purpose is not None else ""
        details = " · ".join(
            p
            for p in (event.grantee, purpose, f"{strings.COL_SHARE} {_short(event.share_id.hex())}")
            if p
        )
        self._add_chain_row(what, details, event.block_number)

    def _on_provider(self, event: Any) -> None:
        what = strings.ACTIVITY_KINDS["chain-provider"].format(event.change)
        self._add_chain_row(what, event.provider, event.block_number)

    def clear(self) -> None:
        self._generation += 1
        self._chain_rows = []
        self._local_rows = []
        self.model.set_rows([])
