"""Backup through the desktop screens against a real service: export, reminder, restore, About."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import PASSWORD, WORDS_12
from wallet.backup import BackupCorrupt, BackupWrongPassword
from wallet.datadir import DataDir
from wallet.errors import WalletError
from wallet.kdf import KdfParams
from wallet.service import WalletService

BACKUP_PASSWORD = "second lock on the backup 77"


def _other_service(root: Path) -> WalletService:
    return WalletService(DataDir(root), kdf_factory=KdfParams.fast_for_tests)


def _import(qtbot, window, path: Path) -> None:  # type: ignore[no-untyped-def]
    records = window.records
    before = records.model.rowCount()
    records.import_paths([path])
    qtbot.waitUntil(lambda: records.model.rowCount() == before + 1, timeout=10_000)


def _export(qtbot, window, out: Path, backup_password: str | None = None) -> None:  # type: ignore[no-untyped-def]
    view = window.backup
    window.show_section(window.pages.indexOf(view))
    if backup_password is not None:
        qtbot.keyClick(view.password_check, Qt.Key.Key_Space)
        assert not view.export_button.isEnabled()  # the box is ticked, no password yet
        qtbot.keyClicks(view.password_fields.password_edit, backup_password)
        qtbot.keyClicks(view.password_fields.repeat_edit, backup_password)
    assert view.export_button.isEnabled()
    view._ask_backup_path = lambda: out  # the save dialog, replaced
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(view.result.text()) or view.error.isVisible(), timeout=20_000)
    assert not view.error.isVisible(), view.error.text()


def _make_backup(tmp_path: Path, backup_password: str | None = None) -> tuple[Path, str]:
    """A backup of a wallet (with one record) made by the core elsewhere; and its address."""
    source = _other_service(tmp_path / "source")
    source.restore(WORDS_12, PASSWORD)
    note = tmp_path / "allergy.txt"
    note.write_text("Penicillin allergy\n")
    source.vault.import_file(note)
    out = tmp_path / "made-elsewhere.pwbackup"
    source.backups().export(out, backup_password=backup_password)
    address = source.address(0)
    source.lock()
    return out, address


def test_export_round_trip_and_reminder(qtbot, unlocked_window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = unlocked_window
    banner = window.backup_banner
    # No backup yet: the reminder shows, and the Backup screen says "never".
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=10_000)
    assert "no backup" in banner.text()
    view = window.backup
    assert view.last_backup.text() == "Last backup: never"

    note = tmp_path / "blood test.txt"
    note.write_text("Haemoglobin 14.1 g/dL\n")
    _import(qtbot, window, note)

    out = tmp_path / "backups" / "wallet.pwbackup"
    out.parent.mkdir()
    stages: list[str] = []
    window.bridge.backupStage.connect(stages.append)
    _export(qtbot, window, out, BACKUP_PASSWORD)
    assert out.is_file()
    assert str(out) in view.result.text() and "verified" in view.result.text()
    assert stages[:2] == ["Writing backup", "Verifying backup"]
    assert view.last_backup.text() != "Last backup: never"
    assert not view.password_check.isChecked() and not view.password_fields.password()
    qtbot.waitUntil(lambda: banner.isHidden(), timeout=10_000)

    # Round trip: the core restores the file into a new data directory with the words.
    copy = _other_service(tmp_path / "copy")
    with pytest.raises(BackupWrongPassword):
        copy.backups().restore(out, WORDS_12, PASSWORD, backup_password="not the password 99")
    copy.backups().restore(out, WORDS_12, PASSWORD, backup_password=BACKUP_PASSWORD)
    copy.unlock(PASSWORD)
    assert [m.title for m in copy.vault.list_records()] == ["blood test"]
    assert copy.vault.read_bytes(copy.vault.list_records()[0].id) == note.read_bytes()
    copy.lock()

    # A record added after the backup (in a later second than its time) brings the reminder back.
    made = datetime.fromisoformat(window.bridge.last_backup_at)
    while datetime.now(UTC).replace(microsecond=0) <= made:
        time.sleep(0.05)
    later = tmp_path / "x-ray.txt"
    later.write_text("Chest X-ray: clear\n")
    _import(qtbot, window, later)
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=10_000)
    assert "added after your last backup" in banner.text()

    # Locking hides it and wipes the screen's state.
    window.lock_now()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.unlock_view)
    assert banner.isHidden()


def test_export_refuses_a_weak_backup_password(qtbot, unlocked_window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    view = unlocked_window.backup
    unlocked_window.show_section(unlocked_window.pages.indexOf(view))
    qtbot.keyClick(view.password_check, Qt.Key.Key_Space)
    qtbot.keyClicks(view.password_fields.password_edit, "password")
    qtbot.keyClicks(view.password_fields.repeat_edit, "password")
    assert not view.export_button.isEnabled()
    assert view.password_fields.message.text()  # the core's sentence about a weak password


def _restore_through_welcome(  # type: ignore[no-untyped-def]
    qtbot, window, backup: Path, *, backup_password: str = "", words: str = WORDS_12
):
    assert window.stack.currentWidget() is window.welcome
    qtbot.mouseClick(window.welcome.restore_backup_button, Qt.MouseButton.LeftButton)
    view = window.restore_backup_view
    assert window.stack.currentWidget() is view
    view._ask_backup_file = lambda: backup  # the open dialog, replaced
    qtbot.mouseClick(view.browse_button, Qt.MouseButton.LeftButton)
    assert view.file_edit.text() == str(backup)
    view.words_edit.setPlainText(words)
    qtbot.keyClicks(view.backup_password_edit, backup_password)
    qtbot.keyClicks(view.password_fields.password_edit, PASSWORD)
    qtbot.keyClicks(view.password_fields.repeat_edit, PASSWORD)
    assert view.restore_button.isEnabled()
    qtbot.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)
    return view


def test_restore_from_backup_on_the_welcome_path(qtbot, make_window, service, tmp_path) -> None:  # type: ignore[no-untyped-def]
    backup, address = _make_backup(tmp_path, BACKUP_PASSWORD)
    window = make_window()
    _restore_through_welcome(qtbot, window, backup, backup_password=BACKUP_PASSWORD)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.unlock_view, timeout=20_000)
    assert window.unlock_view.notice.text().startswith("Restored 1 record(s)")
    assert service.has_wallet and not service.is_unlocked

    qtbot.keyClicks(window.unlock_view.password_edit, PASSWORD)
    qtbot.keyClick(window.unlock_view.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home, timeout=10_000)
    assert service.address(0) == address
    # The records came back (read through the screen: the vault belongs to the worker thread).
    qtbot.waitUntil(lambda: window.records.model.rowCount() == 1, timeout=10_000)
    assert window.records.model.record_at(0).title == "allergy"


def _core_sentence(tmp_path: Path, backup: Path, **kwargs: object) -> str:
    probe = _other_service(tmp_path / "probe")
    with pytest.raises(WalletError) as raised:
        probe.backups().restore(backup, WORDS_12, PASSWORD, **kwargs)  # type: ignore[arg-type]
    assert not probe.has_wallet
    return raised.value.user_message


def test_wrong_backup_password_shows_the_core_sentence(  # type: ignore[no-untyped-def]
    qtbot, make_window, service, tmp_path
) -> None:
    backup, _address = _make_backup(tmp_path, BACKUP_PASSWORD)
    expected = _core_sentence(tmp_path, backup, backup_password="a wrong backup pass 11")
    window = make_window()
    view = _restore_through_welcome(qtbot, window, backup, backup_password="a wrong backup pass 11")
    qtbot.waitUntil(lambda: view.error.isVisible(), timeout=20_000)
    assert view.error.text() == expected
    assert "Traceback" not in expected
    assert window.stack.currentWidget() is view
    assert not service.has_wallet
    assert view.restore_button.isEnabled()  # the patient can correct it and try again


def test_damaged_backup_shows_the_core_sentence(qtbot, make_window, service, tmp_path) -> None:  # type: ignore[no-untyped-def]
    backup, _address = _make_backup(tmp_path)
    data = bytearray(backup.read_bytes())
    data = data[: len(data) * 2 // 3]  # truncated in transfer
    backup.write_bytes(bytes(data))
    expected = _core_sentence(tmp_path, backup)
    with pytest.raises(BackupCorrupt):
        _other_service(tmp_path / "probe2").backups().restore(backup, WORDS_12, PASSWORD)
    window = make_window()
    view = _restore_through_welcome(qtbot, window, backup)
    qtbot.waitUntil(lambda: view.error.isVisible(), timeout=20_000)
    assert view.error.text() == expected
    assert not service.has_wallet


def test_restore_refuses_bad_words_before_any_work(qtbot, make_window, service, tmp_path) -> None:  # type: ignore[no-untyped-def]
    backup, _address = _make_backup(tmp_path)
    window = make_window()
    view = _restore_through_welcome(qtbot, window, backup, words=WORDS_12.replace("about", "abut"))
    qtbot.waitUntil(view.error.isVisible)
    assert "abut" in view.error.text()
    assert not service.has_wallet
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.welcome


def test_about_shows_version_data_dir_and_network(qtbot, unlocked_window, service) -> None:  # type: ignore[no-untyped-def]
    from wallet import __version__

    window = unlocked_window
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "about_dialog", None) is not None)
    dialog = window.about_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.version_label.text() == __version__
    assert dialog.data_dir_label.text() == str(service.data_dir.root)
    assert dialog.network_label.text().startswith(service.settings.network)
    assert "THREATS.md" in dialog.threats_link.text()
    assert dialog.threat_note.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
