"""Asking where a share bundle should be saved: one file dialog, for the Share and Consents pages.

Owns only that question. Must not write anything: the caller passes the answer to the core.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from ui import strings


def ask_bundle_path(parent: QWidget, suggested: str) -> Path | None:
    """The new bundle file the user chose, or None if they cancelled."""
    name, _ = QFileDialog.getSaveFileName(
        parent, strings.SHARE_DIALOG, suggested, strings.SHARE_FILTER
    )
    return Path(name) if name else None
