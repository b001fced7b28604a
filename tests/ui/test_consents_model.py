"""The consents and activity table models: qtmodeltester-clean, rendering what they are fed."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from ui.models.activity_model import ActivityModel, ActivityRow
from ui.models.consents_model import (
    COL_EXPIRES,
    COL_PROVIDER,
    COL_RECORDS,
    COL_STATUS,
    SHARE_ID_ROLE,
    SORT_ROLE,
    STATUS_ROLE,
    ConsentRow,
    ConsentsModel,
)

ROWS = [
    ConsentRow(
        "ab" * 32,
        "0x" + "11" * 20,
        ("Blood panel", "Allergies"),
        "treatment",
        1_800_000_000,
        "active",
        "Dr Ada Clinic",
    ),
    ConsentRow("cd" * 32, "0x" + "22" * 20, ("X-ray",), "healthcare research", None, "pending"),
    ConsentRow("ef" * 32, "0x" + "33" * 20, (), "treatment", 1_700_000_000, "revoked"),
]


def test_consents_model_passes_qtmodeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ConsentsModel()
    qtmodeltester.check(model)
    model.set_rows(ROWS)
    qtmodeltester.check(model)
    model.set_rows(ROWS[:1])
    qtmodeltester.check(model)
    model.clear()
    assert model.rowCount() == 0


def test_consents_model_renders_rows() -> None:
    model = ConsentsModel()
    model.set_rows(ROWS)
    assert model.rowCount() == 3 and model.columnCount() == 5
    assert model.index(0, COL_RECORDS).data() == "Blood panel, Allergies"
    assert model.index(0, COL_EXPIRES).data() == "2027-01-15 08:00 UTC"
    assert model.index(1, COL_EXPIRES).data() == "—"
    assert model.index(1, COL_STATUS).data() == "pending"
    assert model.index(2, COL_STATUS).data(STATUS_ROLE) == "revoked"
    assert model.index(2, 0).data(SHARE_ID_ROLE) == "ef" * 32
    assert model.index(0, COL_EXPIRES).data(SORT_ROLE) == 1_800_000_000
    assert model.headerData(COL_STATUS, Qt.Orientation.Horizontal) == "Status"
    # A verified registered name is shown; the address stays in the tooltip and sentences.
    assert model.index(0, COL_PROVIDER).data() == "Dr Ada Clinic"
    assert model.index(0, COL_PROVIDER).data(Qt.ItemDataRole.ToolTipRole) == "0x" + "11" * 20
    assert ROWS[0].provider_label == f"Dr Ada Clinic (0x{'11' * 20})"
    assert model.index(1, COL_PROVIDER).data() == "0x" + "22" * 20


def test_activity_model_passes_qtmodeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ActivityModel()
    qtmodeltester.check(model)
    at = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    model.set_rows([ActivityRow(at, "Wallet unlocked", "", "this computer")])
    qtmodeltester.check(model)
    assert model.index(0, 1).data() == "Wallet unlocked"
