"""The records table model renders the rows it is fed and passes Qt's model checks."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, Qt

from ui.models.records_model import (
    COL_ADDED,
    COL_SIZE,
    COL_TITLE,
    COLUMN_COUNT,
    RECORD_ID_ROLE,
    SORT_ROLE,
    RecordsModel,
)
from wallet.vault import RecordMeta


def meta(n: int, title: str, size: int) -> RecordMeta:
    return RecordMeta(
        id=f"{n:032x}",
        title=title,
        media_type="text/plain",
        size=size,
        sha256="0" * 64,
        created_at=datetime(2024, 1, n, tzinfo=UTC),
        source_name=f"{title}.txt",
        version=1,
    )


def test_model_passes_qt_model_tester(qtmodeltester) -> None:
    model = RecordsModel()
    model.set_rows([meta(1, "Blood test", 1200), meta(2, "X-ray", 2_500_000)])
    qtmodeltester.check(model, force_py=True)
    model.set_rows([])
    qtmodeltester.check(model, force_py=True)


def test_rows_roles_and_sort_keys() -> None:
    model = RecordsModel()
    model.set_rows([meta(1, "Blood test", 1200), meta(2, "X-ray", 2_500_000)])
    assert model.rowCount() == 2
    assert model.columnCount() == COLUMN_COUNT
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(model.index(1, COL_TITLE)) == "X-ray"
    assert model.data(model.index(1, COL_SIZE)) == "2.5 MB"
    assert model.data(model.index(1, COL_SIZE), SORT_ROLE) == 2_500_000
    assert model.data(model.index(0, COL_ADDED), SORT_ROLE) < model.data(
        model.index(1, COL_ADDED), SORT_ROLE
    )
    assert model.data(model.index(0, COL_TITLE), RECORD_ID_ROLE) == f"{1:032x}"
    assert model.headerData(COL_TITLE, Qt.Orientation.Horizontal) == "Title"
    assert model.data(QModelIndex()) is None
    model.clear()
    assert model.rowCount() == 0
