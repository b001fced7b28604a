"""The facade: lifecycle, settings, and the events the UI bridge listens to."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from wallet.datadir import DataDir
from wallet.errors import CorruptData, WalletExists, WalletLocked, WalletValueError, WrongPassword
from wallet.events import RecordsChangedEvent, WalletLockedEvent, WalletUnlockedEvent
from wallet.kdf import KdfParams
from wallet.service import WalletService
from wallet.settings import Settings

PASSWORD = "correct horse battery staple"


@pytest.fixture
def service(tmp_path: Path) -> WalletService:
    return WalletService(DataDir(tmp_path / "w"), kdf_factory=KdfParams.fast_for_tests)


def record_events(service: WalletService) -> list[object]:
    seen: list[object] = []
    for kind in (WalletUnlockedEvent, WalletLockedEvent, RecordsChangedEvent):
        service.events.subscribe(kind, seen.append)
    return seen


def test_create_lock_unlock_publishes_events_and_wipes(service: WalletService) -> None:
    seen = record_events(service)
    words = service.create(PASSWORD, words=12)
    assert len(words.split()) == 12
    address = service.address(0)
    service.lock("idle")
    assert not service.is_unlocked
    with pytest.raises(WalletLocked):
        _ = service.vault
    with pytest.raises(WrongPassword):
        service.unlock("not the password at all")
    service.unlock(PASSWORD)
    assert service.address(0) == address
    kinds = [type(e) for e in seen]
    assert kinds == [WalletUnlockedEvent, WalletLockedEvent, WalletUnlockedEvent]
    assert seen[1] == WalletLockedEvent(reason="idle")
    with pytest.raises(WalletExists):
        service.create(PASSWORD)


def test_records_changed_on_import_rotate_delete(service: WalletService, tmp_path: Path) -> None:
    service.create(PASSWORD, words=12)
    seen = record_events(service)
    note = tmp_path / "note.txt"
    note.write_text("hello")
    meta = service.vault.import_file(note)
    service.vault.rotate(meta.id)
    service.vault.delete(meta.id)
    assert seen == [RecordsChangedEvent()] * 3


def test_settings_defaults_persist_and_survive_lock(service: WalletService) -> None:
    assert service.settings == Settings()
    service.create(PASSWORD, words=12)
    service.update_settings(auto_lock_minutes=3, words_confirmed=False)
    service.lock()
    assert service.settings.auto_lock_minutes == 3  # readable while locked
    assert service.settings.words_confirmed is False
    path = service.data_dir.settings
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(WalletValueError):
        service.update_settings(auto_lock_minutes=0)
    with pytest.raises(WalletValueError):
        service.update_settings(colour="blue")
    assert service.settings.auto_lock_minutes == 3


def test_settings_keep_unknown_keys_and_refuse_damage(service: WalletService) -> None:
    path = service.data_dir.settings
    service.data_dir.create()
    path.write_text(
        json.dumps(
            {
                "format": "patient-wallet-settings",
                "version": 1,
                "settings": {"auto_lock_minutes": 5, "from_the_future": [1, 2]},
            }
        )
    )
    assert service.settings.auto_lock_minutes == 5
    service.update_settings(network="besu-consortium")
    saved = json.loads(path.read_text())["settings"]
    assert saved["from_the_future"] == [1, 2]
    assert saved["network"] == "besu-consortium"
    path.write_text("{not json")
    with pytest.raises(CorruptData):
        _ = service.settings
