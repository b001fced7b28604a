"""Automatic lock after a period without user input.

Owns one timer and an event filter on the QApplication: any key press, mouse button, wheel or
touch anywhere in the app restarts the timer; when it fires, ``idle`` is emitted and the shell
locks the wallet. The filter only looks at event types and always lets events through.

Must not lock anything itself or know about the core; the default period is
:data:`DEFAULT_MINUTES`, changeable at run time (Settings screen).
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

DEFAULT_MINUTES: Final = 10

_ACTIVITY: Final = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
    }
)


class IdleLock(QObject):
    """Emits ``idle`` after ``interval_ms`` with no input while :meth:`arm` is in effect."""

    idle = Signal()

    def __init__(self, minutes: float = DEFAULT_MINUTES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self.set_minutes(minutes)

    @property
    def minutes(self) -> float:
        return self._timer.interval() / 60_000

    def set_minutes(self, minutes: float) -> None:
        self.set_interval_ms(round(minutes * 60_000))

    def set_interval_ms(self, interval_ms: int) -> None:
        self._timer.setInterval(max(1, interval_ms))
        if self._timer.isActive():
            self._timer.start()

    def arm(self) -> None:
        """Start counting (after unlock)."""
        self._timer.start()

    def disarm(self) -> None:
        """Stop counting (while locked)."""
        self._timer.stop()

    @property
    def armed(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False
