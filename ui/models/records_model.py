"""The table model of the patient's records, fed whole rows by its owner (Vorta's idea).

Owns the mapping from :class:`wallet.vault.RecordMeta` values to table cells: column constants
(``COL_*``), display text, sort keys (:data:`SORT_ROLE`), the record id (:data:`RECORD_ID_ROLE`) and
tool tips. It is fed with :meth:`RecordsModel.set_rows` and never asks anyone for data.

Must not call the bridge or the service, nor decide anything about records; it only renders the
values it was given. Titles are health data: they live in memory only and are never logged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import Qt

from ui import strings
from ui.models.row_table import AnyIndex, RowTableModel

if TYPE_CHECKING:
    from wallet.vault import RecordMeta

COL_TITLE: Final = 0
COL_TYPE: Final = 1
COL_SIZE: Final = 2
COL_ADDED: Final = 3
COL_SOURCE: Final = 4

RECORD_ID_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1
"""The record's id (str), the same for every column of a row."""
SORT_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 2
"""A value that sorts naturally: sizes as numbers, dates as timestamps, text case-folded."""

_HEADERS: Final = (
    strings.COL_TITLE,
    strings.COL_TYPE,
    strings.COL_SIZE,
    strings.COL_ADDED,
    strings.COL_SOURCE,
)
COLUMN_COUNT: Final = len(_HEADERS)


class RecordsModel(RowTableModel):
    """Rows of :class:`RecordMeta`, one per record, in the order given."""

    HEADERS = _HEADERS

    def record_at(self, row: int) -> RecordMeta | None:
        meta: RecordMeta | None = self.row_at(row)
        return meta

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        meta: RecordMeta | None = self._row_for(index)
        if meta is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(meta, column)
        if role == SORT_ROLE:
            return self._sort_key(meta, column)
        if role == RECORD_ID_ROLE:
            return meta.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{meta.title}\n{meta.media_type}, {strings.human_size(meta.size)}\n{meta.id}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(meta: RecordMeta, column: int) -> str | None:
        if column == COL_TITLE:
            return meta.title
        if column == COL_TYPE:
            return meta.media_type
        if column == COL_SIZE:
            return strings.human_size(meta.size)
        if column == COL_ADDED:
            return meta.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if column == COL_SOURCE:
            return meta.source_name
        return None

    @staticmethod
    def _sort_key(meta: RecordMeta, column: int) -> str | int | float | None:
        if column == COL_TITLE:
            return meta.title.casefold()
        if column == COL_TYPE:
            return meta.media_type
        if column == COL_SIZE:
            return meta.size
        if column == COL_ADDED:
            return meta.created_at.timestamp()
        if column == COL_SOURCE:
            return meta.source_name.casefold()
        return None
