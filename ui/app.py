"""Composition root of the desktop app: builds the QApplication, the qasync loop, the service,
the bridge and the main window, and tears them down in order.

Start-up order matters for how fast the window appears: Qt and the shell window first (the window
is shown before anything heavy loads), then the core (``wallet.service`` pulls in eth-account) is
imported on a worker thread while the window stays responsive, and only then are the service and
the bridge built and the screens attached. On quit the wallet is locked (the session's secrets are
wiped) before the process exits.

This is the only place that chooses concrete classes (Electrum's and Vorta's composition-root
idea): tests build the same pieces themselves with a fast KDF and a temporary data directory.
Must not hold screen logic.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from ui import strings
from ui.idle_lock import IdleLock
from ui.main_window import MainWindow
from wallet.errors import WalletError

if TYPE_CHECKING:
    from ui.bridge import Bridge

log = logging.getLogger(__name__)

HEAVY_MODULES = ("wallet.service",)
"""Imported on a worker thread after the window is on screen."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="patient-wallet", add_help=True)
    parser.add_argument("--data-dir", metavar="DIR", type=Path, help="wallet data directory")
    return parser


def _import_heavy() -> None:
    for name in HEAVY_MODULES:
        importlib.import_module(name)


async def load_core(window: MainWindow, data_dir: Path | None) -> Bridge | None:
    """Import the core off the GUI thread, build service and bridge, attach them to ``window``."""
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="startup") as pool:
        await loop.run_in_executor(pool, _import_heavy)
    from ui.bridge import Bridge
    from wallet.datadir import DataDir, default_data_dir  # loaded above
    from wallet.events import EventBus
    from wallet.service import WalletService

    root = data_dir if data_dir is not None else default_data_dir()
    try:
        service = WalletService(DataDir(root.expanduser()), events=EventBus())
        bridge = Bridge(service)
        window.attach(bridge)
    except WalletError as exc:
        window.starting.show_error(exc.user_message)
        return None
    return bridge


def main(
    argv: Sequence[str] | None = None,
    *,
    on_window_shown: Callable[[QMainWindow], None] | None = None,
) -> int:
    """Run the GUI until the window closes; ``on_window_shown`` is a hook for the start-up bench."""
    import qasync  # only the GUI path needs it

    args, qt_args = build_parser().parse_known_args(argv)
    app = QApplication([sys.argv[0], *qt_args])
    app.setApplicationName(strings.APP_NAME)
    app.setApplicationDisplayName(strings.APP_NAME)
    app.setDesktopFileName("org.patientwallet.PatientWallet")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    idle_lock = IdleLock(parent=app)
    app.installEventFilter(idle_lock)
    window = MainWindow(idle_lock)
    window.show()
    if on_window_shown is not None:
        on_window_shown(window)

    bridge: Bridge | None = None
    tasks: set[asyncio.Task[Bridge | None]] = set()

    def start_loading() -> None:
        task = loop.create_task(load_core(window, args.data_dir))
        tasks.add(task)

        def done(finished: asyncio.Task[Bridge | None]) -> None:
            nonlocal bridge
            tasks.discard(finished)
            if not finished.cancelled() and finished.exception() is None:
                bridge = finished.result()
            elif not finished.cancelled():
                log.error("start-up failed", exc_info=finished.exception())
                window.starting.show_error(
                    strings.UNEXPECTED_ERROR.format(type(finished.exception()).__name__)
                )

        task.add_done_callback(done)

    def shut_down() -> None:
        if bridge is not None:
            bridge.close()  # locks: the session's secrets are wiped before exit

    app.aboutToQuit.connect(shut_down)
    QTimer.singleShot(0, start_loading)
    with loop:
        loop.run_forever()
        # Quit before the core finished loading: let the start-up task end before the loop closes.
        for task in list(tasks):
            task.cancel()
        if tasks:
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    return 0
