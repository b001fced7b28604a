"""Time to first window: the Patient Wallet app against a bare PySide6 window.

Each sample is a fresh interpreter (``python bench/startup.py --child app|bare``); the time runs
from just before the process is started to the window's first paint, which the child reports on
stdout. Prints the median of N samples for each and their ratio (target: app <= 2x bare).

Byte-code is written (PYTHONDONTWRITEBYTECODE is removed from the children's environment) and one
unmeasured warm-up run of each compiles it, as an installed package would be. Runs under Xvfb
(``xvfb-run``) when there is no DISPLAY; ``--offscreen`` uses Qt's offscreen platform instead.
Throwaway data directories only; the app child quits as soon as its window has painted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READY = "first-paint"


def _probe(window: object) -> None:
    """Print READY on the window's first paint, then quit."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    assert isinstance(window, QWidget)

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not self.done:
                self.done = True
                print(READY, flush=True)
                QTimer.singleShot(0, QApplication.quit)
            return False

    window._first_paint = FirstPaint(window)  # type: ignore[attr-defined]
    window.installEventFilter(window._first_paint)  # type: ignore[attr-defined]


def child(kind: str, data_dir: str) -> int:
    if kind == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.resize(960, 640)
        window.show()
        _probe(window)
        return app.exec()
    sys.path.insert(0, str(ROOT))
    from ui.app import main

    return main(["--data-dir", data_dir], on_window_shown=_probe)


def sample(kind: str, env: dict[str, str], wrapper: list[str]) -> float:
    with tempfile.TemporaryDirectory(prefix="pw-bench-") as data_dir:
        command = [*wrapper, sys.executable, __file__, "--child", kind, "--data-dir", data_dir]
        start = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert proc.stdout is not None
        elapsed = None
        for line in proc.stdout:
            if line.strip() == READY:
                elapsed = time.perf_counter() - start
                break
        proc.wait(timeout=60)
        if elapsed is None:
            raise RuntimeError(f"the {kind} child never painted (exit {proc.returncode})")
        return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=("app", "bare"))
    parser.add_argument("--data-dir")
    parser.add_argument("-n", type=int, default=5, help="samples per variant (default 5)")
    parser.add_argument("--offscreen", action="store_true", help="QT_QPA_PLATFORM=offscreen")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.data_dir)

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    wrapper: list[str] = []
    if args.offscreen:
        env["QT_QPA_PLATFORM"] = "offscreen"
    elif not env.get("DISPLAY"):
        xvfb = shutil.which("xvfb-run")
        if xvfb is None:
            env["QT_QPA_PLATFORM"] = "offscreen"
        else:
            # One X server per sample would add its own start-up; start one for the whole run.
            return subprocess.call([xvfb, "-a", sys.executable, __file__, *sys.argv[1:]], env=env)
    results: dict[str, float] = {}
    for kind in ("bare", "app"):
        sample(kind, env, wrapper)  # warm-up: compiles byte-code, warms the page cache
        times = [sample(kind, env, wrapper) for _ in range(args.n)]
        results[kind] = statistics.median(times)
        shown = ", ".join(f"{t * 1000:.0f}" for t in times)
        print(f"{kind:>4}: median {results[kind] * 1000:.0f} ms  (samples: {shown} ms)")
    ratio = results["app"] / results["bare"]
    print(f"ratio app/bare: {ratio:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
