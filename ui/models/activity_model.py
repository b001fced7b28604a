"""The table model of the Activity screen: local audit entries and chain events, newest first.

Owns the cells of :class:`ActivityRow` values (when, what, details, where it came from). Its owner
builds the rows (audit entries joined with record titles in memory; chain events as they arrive)
and calls :meth:`ActivityModel.set_rows`. Must not call the bridge or read the log itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ui import strings

COL_WHEN: Final = 0
COL_WHAT: Final = 1
COL_DETAILS: Final = 2
COL_SOURCE: Final = 3
COLUMN_COUNT: Final = 4
_HEADERS: Final = (strings.COL_WHEN, strings.COL_WHAT, strings.COL_DETAILS, "")

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ActivityRow:
    when: datetime
    what: str
    details: str
    source: str


class ActivityModel(QAbstractTableModel):
    """Rows of :class:`ActivityRow`, in the order given."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ActivityRow] = []

    def set_rows(self, rows: Sequence[ActivityRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[ActivityRow]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < COLUMN_COUNT
        ):
            return _HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if column == COL_WHEN:
            return row.when.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if column == COL_WHAT:
            return row.what
        if column == COL_DETAILS:
            return row.details
        return row.source
