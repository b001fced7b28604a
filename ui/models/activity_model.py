"""The table model of the Activity screen: local audit entries and chain events, newest first.

Owns the cells of :class:`ActivityRow` values (when, what, details, where it came from). Its owner
builds the rows (audit entries joined with record titles in memory; chain events as they arrive)
and calls :meth:`ActivityModel.set_rows`. Must not call the bridge or read the log itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from PySide6.QtCore import Qt

from ui import strings
from ui.models.row_table import AnyIndex, RowTableModel

COL_WHEN: Final = 0
COL_WHAT: Final = 1
COL_DETAILS: Final = 2
COL_SOURCE: Final = 3
_HEADERS: Final = (strings.COL_WHEN, strings.COL_WHAT, strings.COL_DETAILS, "")


@dataclass(frozen=True)
class ActivityRow:
    when: datetime
    what: str
    details: str
    source: str


class ActivityModel(RowTableModel):
    """Rows of :class:`ActivityRow`, in the order given."""

    HEADERS = _HEADERS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: ActivityRow | None = self._row_for(index)
        if row is None:
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        column = index.column()
        if column == COL_WHEN:
            return row.when.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if column == COL_WHAT:
            return row.what
        if column == COL_DETAILS:
            return row.details
        return row.source
