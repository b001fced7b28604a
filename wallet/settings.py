"""Non-secret, per-wallet settings: what the patient chose that is not a key.

Owns ``settings.json`` in the data directory: the auto-lock idle time, whether the recovery words
were confirmed at creation, the chosen network profile, and when the last backup was made. The
file is versioned, written atomically with 0600 permissions, and holds nothing secret or clinical,
so it is readable while the wallet is locked (the unlock screen needs the auto-lock time).

Must not import Qt. Unknown keys written by a newer version are kept on save, not dropped.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from wallet.errors import CorruptData, UnsupportedFormat, WalletValueError
from wallet.fileio import write_atomic

FORMAT = "patient-wallet-settings"
VERSION = 1
MIN_AUTO_LOCK_MINUTES = 1
MAX_AUTO_LOCK_MINUTES = 24 * 60


@dataclass(frozen=True)
class Settings:
    """The settings a wallet remembers between runs."""

    auto_lock_minutes: int = 10
    words_confirmed: bool = True
    network: str = "local"
    last_backup_at: str | None = None  # ISO 8601 UTC of the last verified backup

    def validated(self) -> Settings:
        if not MIN_AUTO_LOCK_MINUTES <= self.auto_lock_minutes <= MAX_AUTO_LOCK_MINUTES:
            raise WalletValueError(
                f"Automatic lock must be between {MIN_AUTO_LOCK_MINUTES} minute and "
                f"{MAX_AUTO_LOCK_MINUTES // 60} hours."
            )
        if not self.network or len(self.network) > 64:
            raise WalletValueError("A network name must be 1 to 64 characters.")
        return self


def load_settings(path: Path) -> Settings:
    """The saved settings, or the defaults when none were saved yet."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise CorruptData(f"The settings file {path} is damaged; delete it to reset.") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise CorruptData(f"{path} is not a Patient Wallet settings file.")
    if raw.get("version") != VERSION:
        raise UnsupportedFormat(
            f"The settings file {path} was written by a newer Patient Wallet; update the program."
        )
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.get("settings", {}).items() if k in known}
    try:
        return Settings(**values).validated()
    except (TypeError, WalletValueError):
        raise CorruptData(f"The settings file {path} holds an invalid value.") from None


def save_settings(path: Path, settings: Settings) -> None:
    """Write ``settings`` atomically, keeping keys this version does not know."""
    settings.validated()
    extra: dict[str, Any] = {}
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(old, dict) and isinstance(old.get("settings"), dict):
            extra = dict(old["settings"])
    except (OSError, ValueError):
        extra = {}
    extra.update(asdict(settings))
    document = {"format": FORMAT, "version": VERSION, "settings": extra}
    write_atomic(path, (json.dumps(document, indent=2, sort_keys=True) + "\n").encode())


def update_settings(path: Path, **changes: Any) -> Settings:
    """Load, change the named fields, validate, save and return the new settings."""
    try:
        updated = replace(load_settings(path), **changes)
    except TypeError:
        raise WalletValueError("Unknown setting.") from None
    save_settings(path, updated)
    return updated
