"""Suite-wide settings: Qt offscreen, a fast KDF for CLI wallets, and a private HOME per run."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
