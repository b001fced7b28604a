"""Records: import (dialog and drop), search, view from memory, export on request."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication
from shiboken6 import Shiboken

from ui.models.records_model import COL_TITLE


def _import(qtbot, records, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    before = records.model.rowCount()
    records.import_paths(paths)
    qtbot.waitUntil(lambda: records.model.rowCount() == before + len(paths), timeout=10_000)


def _select(records, title: str) -> None:  # type: ignore[no-untyped-def]
    proxy = records.proxy
    for row in range(proxy.rowCount()):
        if proxy.index(row, COL_TITLE).data() == title:
            records.table.selectRow(row)
            return
    raise AssertionError(f"{title} not in the table")


def test_import_search_view_export(qtbot, unlocked_window, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    records = unlocked_window.records
    assert not records.view_button.isEnabled()
    note = tmp_path / "blood test.txt"
    note.write_text("Haemoglobin 14.1 g/dL\n")
    lab = tmp_path / "lab.json"
    lab.write_text(json.dumps({"test": "HbA1c", "value": 5.4}))

    # The Import button goes through the file dialog (replaced here) and the bridge.
    monkeypatch.setattr(records, "_ask_import_paths", lambda: [note, lab])
    qtbot.mouseClick(records.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: records.model.rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: records.status.text() == "Imported 2 record(s).")
    assert records.progress_bar.isHidden()

    # Search filters on any column.
    qtbot.keyClicks(records.search_edit, "BLOOD")
    assert records.proxy.rowCount() == 1
    assert records.proxy.index(0, COL_TITLE).data() == "blood test"
    records.search_edit.clear()
    assert records.proxy.rowCount() == 2

    # View shows the decrypted text, read-only, from memory.
    _select(records, "blood test")
    assert records.view_button.isEnabled()
    with qtbot.waitSignal(records.viewerOpened, timeout=10_000) as opened:
        qtbot.mouseClick(records.view_button, Qt.MouseButton.LeftButton)
    viewer = opened.args[0]
    assert viewer.text_view is not None
    assert viewer.text_view.isReadOnly()
    assert viewer.text_view.toPlainText() == "Haemoglobin 14.1 g/dL\n"
    viewer.close()

    _select(records, "lab")
    with qtbot.waitSignal(records.viewerOpened, timeout=10_000) as opened:
        qtbot.mouseClick(records.view_button, Qt.MouseButton.LeftButton)
    assert '"value": 5.4' in opened.args[0].text_view.toPlainText()  # pretty-printed JSON
    opened.args[0].close()

    # Export writes a decrypted copy only where the save dialog says.
    out = tmp_path / "out" / "copy.txt"
    out.parent.mkdir()
    _select(records, "blood test")
    monkeypatch.setattr(records, "_ask_export_path", lambda suggested: out)
    qtbot.mouseClick(records.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10_000)
    assert out.read_text() == "Haemoglobin 14.1 g/dL\n"
    qtbot.waitUntil(lambda: records.status.text().startswith("Saved a decrypted copy"))

    # A cancelled save dialog writes nothing.
    monkeypatch.setattr(records, "_ask_export_path", lambda suggested: None)
    qtbot.mouseClick(records.export_button, Qt.MouseButton.LeftButton)
    assert sorted(p.name for p in out.parent.iterdir()) == ["copy.txt"]


def test_drop_files_imports_them(qtbot, unlocked_window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    records = unlocked_window.records
    scan = tmp_path / "scan.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    assert image.save(str(scan))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(scan))])
    point = QPointF(10, 10)
    action = Qt.DropAction.CopyAction
    buttons = Qt.MouseButton.LeftButton
    enter = QDragEnterEvent(point.toPoint(), action, mime, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(records, enter)
    assert enter.isAccepted()
    drop = QDropEvent(point, action, mime, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(records, drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: records.model.rowCount() == 1, timeout=10_000)
    assert records.model.record_at(0).media_type == "image/png"

    # An image record is shown as an image, decoded from memory.
    records.table.selectRow(0)
    with qtbot.waitSignal(records.viewerOpened, timeout=10_000) as opened:
        qtbot.mouseClick(records.view_button, Qt.MouseButton.LeftButton)
    viewer = opened.args[0]
    assert viewer.image_label is not None
    assert viewer.image_label.pixmap().size().width() == 40
    # Locking closes viewers: decrypted data does not outlive the session on screen.
    unlocked_window.lock_now()
    qtbot.waitUntil(lambda: not Shiboken.isValid(viewer) or not viewer.isVisible())


def test_import_failure_is_a_sentence(qtbot, unlocked_window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    records = unlocked_window.records
    with qtbot.waitSignal(unlocked_window.bridge.error, timeout=10_000) as failed:
        records.import_paths([tmp_path / "missing.pdf"])
    assert failed.args[0].endswith("does not exist.")
    qtbot.waitUntil(lambda: unlocked_window.error_banner.isVisible())
    assert records.model.rowCount() == 0
