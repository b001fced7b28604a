"""Receive shows the patient's address and a QR code of it; the app attaches screens after the
core loads; the launcher keeps Qt off the command-line path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PySide6.QtGui import QImage

from ui.app import load_core
from ui.launcher import wants_gui
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_receive_shows_address_and_matching_qr(qtbot, unlocked_window, service) -> None:  # type: ignore[no-untyped-def]
    window = unlocked_window
    window.show_section(1)
    receive = window.receive
    qtbot.waitUntil(lambda: not receive.qr_label.pixmap().isNull(), timeout=10_000)
    address = service.address(0)
    assert receive.address_label.text() == address
    image = receive.qr_label.pixmap().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
    assert decoded == [address]
    window.lock_now()
    qtbot.waitUntil(lambda: receive.address_label.text() == "")
    assert receive.qr_label.pixmap().isNull()


def test_load_core_attaches_screens_after_the_window_shows(
    qtbot, qloop, idle_lock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(idle_lock)
    qtbot.addWidget(window)
    window.show()
    assert window.stack.currentWidget() is window.starting
    task = qloop.create_task(load_core(window, tmp_path / "fresh"))
    qtbot.waitUntil(task.done, timeout=10_000)
    bridge = task.result()
    assert bridge is not None
    assert window.stack.currentWidget() is window.welcome
    bridge.close()


@pytest.mark.parametrize(
    ("argv", "gui"),
    [
        ([], True),
        (["--data-dir", "/tmp/x"], True),
        (["--data-dir=/tmp/x", "-platform", "offscreen"], True),
        (["records", "list"], False),
        (["--data-dir", "/tmp/x", "address"], False),
        (["--help"], False),
        (["--version"], False),
    ],
)
def test_launcher_routes_commands_to_the_cli(argv: list[str], gui: bool) -> None:
    assert wants_gui(argv) is gui


def test_cli_path_does_not_import_qt() -> None:
    code = (
        "import sys\n"
        "from ui.launcher import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'qasync', 'shiboken'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert "patient-wallet" in done.stdout
