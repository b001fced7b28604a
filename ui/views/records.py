"""The records screen: the patient's records in a searchable, sortable table.

Imports by file dialog or by dropping files on the screen (with a progress bar), shows a record
from memory in :class:`~ui.views.record_viewer.RecordViewer`, and writes a decrypted copy only when
the patient asks for one through the save dialog. All work goes through the bridge; the table is
fed rows with :meth:`RecordsModel.set_rows` and is emptied on lock.

Must not touch vault files or decide anything about records.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from ui import strings
from ui.bridge import Bridge
from ui.models.records_model import COL_ADDED, COL_TITLE, COLUMN_COUNT, SORT_ROLE, RecordsModel
from ui.views.record_viewer import RecordViewer
from wallet.errors import WalletError

if TYPE_CHECKING:
    from wallet.vault import RecordMeta


class RecordsView(QWidget):
    """Search box, actions, the table, and a progress bar for imports and exports."""

    viewerOpened = Signal(QWidget)  # Qt signal naming; lets the shell/tests see it

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.setAcceptDrops(True)
        self.model = RecordsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)  # every column

        self.heading = QLabel(strings.RECORDS_TITLE, self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)

        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(strings.SEARCH_PLACEHOLDER)
        self.search_edit.setAccessibleName(strings.SEARCH)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self.proxy.setFilterFixedString)

        self.import_button = QPushButton(strings.IMPORT, self)
        self.view_button = QPushButton(strings.VIEW, self)
        self.export_button = QPushButton(strings.EXPORT, self)
        for button in (self.import_button, self.view_button, self.export_button):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
        self.import_button.clicked.connect(self._import_from_dialog)
        self.view_button.clicked.connect(self._view_selected)
        self.export_button.clicked.connect(self._export_from_dialog)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(strings.RECORDS_TABLE)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_ADDED, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        for column in range(COLUMN_COUNT):
            if column != COL_TITLE:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._view_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setAccessibleName(strings.PROGRESS)
        self.progress_bar.hide()
        self.status = QLabel(strings.DROP_HINT, self)
        self.status.setWordWrap(True)
        self._bridge.progress.connect(self._on_progress)

        actions = QHBoxLayout()
        actions.addWidget(self.search_edit, 1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.view_button)
        actions.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status)

        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        QShortcut(QKeySequence("Ctrl+I"), self, self._import_from_dialog)
        QShortcut(QKeySequence("Ctrl+E"), self, self._export_from_dialog)
        self._update_actions()

    # -- data --------------------------------------------------------------------------------------

    @asyncSlot()
    async def refresh(self) -> None:
        """Re-read the list from the vault (after unlock and whenever records change)."""
        if not self._bridge.is_unlocked:
            return
        try:
            rows = await self._bridge.list_records()
        except WalletError as exc:
            self.status.setText(exc.user_message)
            return
        if not self._bridge.is_unlocked:
            return  # locked while loading: titles must not reappear on screen
        self.model.set_rows(rows)
        self._update_actions()

    def clear(self) -> None:
        """Forget titles and search text (on lock)."""
        self.model.clear()
        self.search_edit.clear()
        self.status.setText(strings.DROP_HINT)
        self.progress_bar.hide()
        self._update_actions()

    def selected_record(self) -> RecordMeta | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.record_at(self.proxy.mapToSource(rows[0]).row())

    def _update_actions(self) -> None:
        has_selection = self.selected_record() is not None
        self.view_button.setEnabled(has_selection)
        self.export_button.setEnabled(has_selection)

    def _focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress_bar.isHidden():
            return
        # Scale to per-mille: QProgressBar takes an int, and files may exceed 2 GiB.
        self.progress_bar.setValue(1000 if total <= 0 else int(done * 1000 / total))

    def _start_progress(self, text: str) -> None:
        self.status.setText(text)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.show()

    # -- import ------------------------------------------------------------------------------------

    def _ask_import_paths(self) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(self, strings.IMPORT_DIALOG)
        return [Path(name) for name in names]

    def _import_from_dialog(self) -> None:
        paths = self._ask_import_paths()
        if paths:
            self.import_paths(paths)

    @asyncSlot(list)
    async def import_paths(self, paths: list[Path]) -> None:
        self.import_button.setEnabled(False)
        self._start_progress(strings.IMPORTING.format(", ".join(p.name for p in paths)))
        try:
            imported = await self._bridge.import_files(paths)
        finally:
            self.progress_bar.hide()
            self.import_button.setEnabled(True)
        self.status.setText(strings.IMPORTED.format(len(imported)))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self._bridge.is_unlocked:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)
        else:
            event.ignore()

    # -- view and export ---------------------------------------------------------------------------

    @asyncSlot()
    async def _view_selected(self) -> None:
        meta = self.selected_record()
        if meta is None:
            self.status.setText(strings.NO_SELECTION)
            return
        try:
            data = await self._bridge.read_record(meta.id)
        except WalletError as exc:
            self.status.setText(exc.user_message)
            return
        if not self._bridge.is_unlocked:
            return
        viewer = RecordViewer(meta.title, meta.media_type, data, self)
        viewer.show()
        self.viewerOpened.emit(viewer)

    def _ask_export_path(self, suggested: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, strings.EXPORT_DIALOG, suggested)
        return Path(name) if name else None

    def _export_from_dialog(self) -> None:
        meta = self.selected_record()
        if meta is None:
            self.status.setText(strings.NO_SELECTION)
            return
        out = self._ask_export_path(meta.source_name or meta.title)
        if out is not None:
            # The save dialog has already asked before replacing an existing file.
            self.export_to(meta.id, out, overwrite=out.exists())

    @asyncSlot(str, object, bool)
    async def export_to(self, record_id: str, out: Path, overwrite: bool = False) -> None:
        self._start_progress(strings.EXPORT_DIALOG)
        try:
            await self._bridge.export_record(record_id, out, overwrite=overwrite)
        except WalletError as exc:
            self.status.setText(exc.user_message)
            return
        finally:
            self.progress_bar.hide()
        self.status.setText(strings.EXPORTED.format(out))
