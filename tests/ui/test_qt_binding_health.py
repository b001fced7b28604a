"""The Qt binding must not leak references to None/True (PySide6 6.12.0 on Python 3.11 does).

On Python < 3.12 those objects are not immortal: a binding that drops one reference per call
aborts the interpreter ("none_dealloc") after a few thousand calls, mid-session. This test keeps a
PySide6 upgrade from bringing that back (see the pin in pyproject.toml).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    fired = Signal()


def test_void_calls_and_emits_keep_none_and_true_referenced(qapp) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    emitter = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2000):
        label.setText("x")
        emitter.fired.emit()
    assert abs(sys.getrefcount(None) - none_before) < 50
    assert abs(sys.getrefcount(True) - true_before) < 50
