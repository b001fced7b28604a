"""Plain-Python events the core publishes, and the bus that carries them.

Owns the one way the core tells its callers that something happened (wallet locked, a record
imported, a consent changed on chain). The desktop UI's bridge subscribes and turns events into Qt
signals (Electrum's ``EventListener`` idea); the CLI mostly ignores them. Handlers run synchronously
in the publisher's thread; a handler that raises is logged and does not stop the others.

Must not import Qt or any module that does. Events carry no secrets and no plaintext health data
beyond what the UI shows anyway (record titles stay in memory).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WalletLockedEvent:
    """The session was wiped (lock button, idle timer, or the program closing)."""

    reason: str


@dataclass(frozen=True)
class WalletUnlockedEvent:
    """A session now holds the keys (listeners ask the service for what they show)."""


@dataclass(frozen=True)
class RecordsChangedEvent:
    """Records were imported, rotated or deleted; listeners re-read the list."""


Handler = Callable[[Any], None]


class EventBus:
    """A small synchronous publish/subscribe hub keyed by event type."""

    def __init__(self) -> None:
        self._handlers: dict[type, list[Handler]] = {}
        self._lock = threading.Lock()

    def subscribe(self, event_type: type, handler: Handler) -> Callable[[], None]:
        """Call ``handler(event)`` for every published ``event_type``; returns an unsubscribe."""
        with self._lock:
            self._handlers.setdefault(event_type, []).append(handler)

        def unsubscribe() -> None:
            with self._lock:
                handlers = self._handlers.get(event_type, [])
                if handler in handlers:
                    handlers.remove(handler)

        return unsubscribe

    def publish(self, event: object) -> None:
        """Deliver ``event`` to the handlers of its exact type."""
        with self._lock:
            handlers = list(self._handlers.get(type(event), []))
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                log.exception("event handler for %s failed", type(event).__name__)
