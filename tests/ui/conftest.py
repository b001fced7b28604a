"""Fixtures for the desktop UI tests: a qasync loop on pytest-qt's QApplication, a real
WalletService on tmp_path with the fast test KDF, the bridge, and the main window."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from ui.bridge import Bridge
from ui.idle_lock import IdleLock
from ui.main_window import MainWindow
from wallet.datadir import DataDir
from wallet.events import EventBus
from wallet.kdf import KdfParams
from wallet.service import WalletService

PASSWORD = "correct horse battery staple 42"
WORDS_12 = (
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
)


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """An asyncio loop driven by Qt: async slots progress while qtbot waits."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    # qasync's own default executor runs QThreads (aiohttp resolves host names through it); this
    # loop is never closed, so those threads would outlive the test and abort the process when
    # PySide deletes them at exit. A plain pool that the fixture shuts down avoids that.
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="test-loop-default")
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    # Let finished tasks' callbacks run, then detach the loop from this thread.
    qapp.processEvents()
    executor.shutdown(wait=True, cancel_futures=True)
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture
def service(tmp_path: Path) -> WalletService:
    return WalletService(
        DataDir(tmp_path / "data"), events=EventBus(), kdf_factory=KdfParams.fast_for_tests
    )


@pytest.fixture
def bridge(service: WalletService, qloop: qasync.QEventLoop) -> Iterator[Bridge]:
    made = Bridge(service)
    yield made
    made.close()


@pytest.fixture
def idle_lock(qapp: QApplication) -> Iterator[IdleLock]:
    lock = IdleLock()
    qapp.installEventFilter(lock)
    yield lock
    qapp.removeEventFilter(lock)
    lock.disarm()


@pytest.fixture
def make_window(qtbot, bridge: Bridge, idle_lock: IdleLock):  # type: ignore[no-untyped-def]
    def make() -> MainWindow:
        window = MainWindow(idle_lock, bridge)
        qtbot.addWidget(window)
        window.show()
        return window

    return make


@pytest.fixture
def unlocked_window(qtbot, service: WalletService, make_window) -> MainWindow:  # type: ignore[no-untyped-def]
    """A window on a restored, unlocked wallet, showing the records section."""
    service.restore(WORDS_12, PASSWORD)
    window = make_window()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    return window
