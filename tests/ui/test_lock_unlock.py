"""Lock button, unlock with a wrong then the right password, and the idle lock."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import PASSWORD


def test_lock_then_unlock(qtbot, unlocked_window, service) -> None:  # type: ignore[no-untyped-def]
    window = unlocked_window
    assert window.lock_button.accessibleName() == "Lock"
    qtbot.mouseClick(window.lock_button, Qt.MouseButton.LeftButton)
    assert not service.is_unlocked
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.unlock_view)
    view = window.unlock_view

    qtbot.keyClicks(view.password_edit, "not the password")
    qtbot.keyClick(view.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.error.isVisible() and view.unlock_button.isEnabled())
    assert view.error.text().endswith(".")
    assert "password" in view.error.text().lower()
    assert view.password_edit.text() == ""
    assert not service.is_unlocked

    qtbot.keyClicks(view.password_edit, PASSWORD)
    qtbot.mouseClick(view.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home, timeout=10_000)
    assert service.is_unlocked
    assert window.idle_lock_armed()


def test_ctrl_l_locks(qtbot, unlocked_window, service) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(unlocked_window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not service.is_unlocked
    qtbot.waitUntil(lambda: unlocked_window.stack.currentWidget() is unlocked_window.unlock_view)


def test_idle_lock(qtbot, unlocked_window, service, idle_lock) -> None:  # type: ignore[no-untyped-def]
    window = unlocked_window
    idle_lock.set_interval_ms(150)
    # Input keeps it unlocked…
    for _ in range(4):
        qtbot.wait(60)
        qtbot.keyClick(window.records.search_edit, Qt.Key.Key_A)
    assert service.is_unlocked
    # …and silence locks it.
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.unlock_view, timeout=3000)
    assert not service.is_unlocked
    assert "without activity" in window.unlock_view.notice.text()
    assert window.records.model.rowCount() == 0
    assert window.records.search_edit.text() == ""


def test_auto_lock_minutes_come_from_settings(qtbot, unlocked_window, idle_lock) -> None:  # type: ignore[no-untyped-def]
    window = unlocked_window
    assert idle_lock.minutes == 10
    window.show_section(window.pages.indexOf(window.settings))
    assert window.pages.currentWidget() is window.settings
    window.settings.auto_lock_spin.setValue(3)
    window.settings.flush()
    qtbot.waitUntil(lambda: idle_lock.minutes == 3)
    assert window.bridge._service.settings.auto_lock_minutes == 3  # persisted
