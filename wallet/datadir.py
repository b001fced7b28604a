"""The layout of a wallet's data directory, and nothing else.

One data directory holds one wallet: the encrypted keystore, the record vault, the chain journal and
non-secret settings. Every path the core uses is named here so that backup, restore and the
"no plaintext on disk" tests walk the same tree. The default location comes from platformdirs
(``~/.local/share/patient-wallet`` on Linux); ``--data-dir`` or ``PATIENT_WALLET_DATA_DIR``
override it.

Must not read or write files other than creating directories; owners of each file do that.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from wallet.fileio import ensure_private_dir

APP_NAME = "patient-wallet"
DATA_DIR_ENV = "PATIENT_WALLET_DATA_DIR"


def default_data_dir() -> Path:
    """The user's data directory for the wallet, honouring ``PATIENT_WALLET_DATA_DIR``."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class DataDir:
    """Named paths inside one wallet's data directory."""

    root: Path

    @property
    def keystore(self) -> Path:
        return self.root / "wallet.json"

    @property
    def vault(self) -> Path:
        return self.root / "vault"

    @property
    def chain(self) -> Path:
        return self.root / "chain"

    @property
    def shares(self) -> Path:
        return self.root / "shares"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    def has_wallet(self) -> bool:
        return self.keystore.exists()

    def is_empty(self) -> bool:
        return not self.root.exists() or not any(self.root.iterdir())

    def create(self) -> None:
        ensure_private_dir(self.root)
