"""The table model of the patient's shares and where each consent stands, fed whole rows.

Owns the mapping from :class:`ConsentRow` values to cells: column constants (``COL_*``), display
text, sort keys (:data:`SORT_ROLE`), the share id (:data:`SHARE_ID_ROLE`) and the status code
(:data:`STATUS_ROLE`). Its owner (the consents screen) builds rows from the core's share statuses
joined with record titles, and calls :meth:`ConsentsModel.set_rows` whenever the chain reports a
change. Must not call the bridge or judge a consent; it renders what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ui import strings
from ui.models.row_table import AnyIndex, RowTableModel

COL_PROVIDER: Final = 0
COL_RECORDS: Final = 1
COL_PURPOSE: Final = 2
COL_EXPIRES: Final = 3
COL_STATUS: Final = 4

SHARE_ID_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1
STATUS_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 2
SORT_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 3

_HEADERS: Final = (
    strings.COL_PROVIDER,
    strings.COL_RECORDS,
    strings.COL_PURPOSE,
    strings.COL_EXPIRES,
    strings.COL_STATUS,
)
_STATUS_TEXT: Final = {
    "pending": strings.STATUS_PENDING,
    "active": strings.STATUS_ACTIVE,
    "expired": strings.STATUS_EXPIRED,
    "revoked": strings.STATUS_REVOKED,
    "not granted": strings.STATUS_NOT_GRANTED,
}
_STATUS_COLOUR: Final = {
    "pending": "#8a6d03",
    "active": "#0f5132",
    "expired": "#6c757d",
    "revoked": "#842029",
}


@dataclass(frozen=True)
class ConsentRow:
    """One share as the screen shows it (titles joined in memory, never stored)."""

    share_id: str
    provider: str
    records: tuple[str, ...]
    purpose: str
    expires_at: int | None
    status: str
    #: The registered, verified name; the address is shown when there is none.
    provider_name: str | None = None
    #: How long the consent was asked for, in days (for sending a grant again).
    days: float | None = None

    @property
    def provider_label(self) -> str:
        """The name with the address (for sentences), or the address alone."""
        return f"{self.provider_name} ({self.provider})" if self.provider_name else self.provider


def _date(timestamp: int | None) -> str:
    if not timestamp:
        return "—"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


class ConsentsModel(RowTableModel):
    """Rows of :class:`ConsentRow`, in the order given."""

    HEADERS = _HEADERS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: ConsentRow | None = self._row_for(index)
        if row is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_PROVIDER:
                return row.provider
            if column == COL_RECORDS:
                return "\n".join(row.records)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS:
            colour = _STATUS_COLOUR.get(row.status)
            return QColor(colour) if colour else None
        if role == SHARE_ID_ROLE:
            return row.share_id
        if role == STATUS_ROLE:
            return row.status
        if role == SORT_ROLE:
            if column == COL_EXPIRES:
                return row.expires_at or 0
            return str(self._display(row, column)).casefold()
        return None

    @staticmethod
    def _display(row: ConsentRow, column: int) -> str:
        if column == COL_PROVIDER:
            return row.provider_name or row.provider
        if column == COL_RECORDS:
            return ", ".join(row.records)
        if column == COL_PURPOSE:
            return row.purpose
        if column == COL_EXPIRES:
            return _date(row.expires_at)
        return _STATUS_TEXT.get(row.status, row.status)
