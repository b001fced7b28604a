"""Backup export and restore through the real ``patient-wallet`` command line.

A wallet restored from the "abandon … about" words gets records (text and binary), a share
ledger file and a pending-transaction journal; it is backed up, restored into a new data directory
with the words and a new password, and compared: addresses, every record byte for byte through
``records export``, settings, ledger and journal.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.backup.helpers import MARKER, files_containing, snapshot
from tests.cli.helpers import ABANDON_ADDRESS, Cli, assert_one_sentence_error

NEW_PASSWORD = "another long password for the new machine"
LEDGER = b'{"format": "patient-wallet-share-ledger", "version": 1, "sealed": "AAAA"}\n'
JOURNAL = b'{"format": "patient-wallet-tx-journal", "version": 1, "entries": []}\n'


@pytest.fixture
def source(restored: Cli, tmp_path: Path) -> Cli:
    """A wallet with three records (one text with the marker, two binary), ledger and journal."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "visit-note.txt").write_bytes(b"Visit note\n" + MARKER + b"\n")
    (inbox / "scan.bin").write_bytes(os.urandom(300_000))
    (inbox / "empty.dat").write_bytes(b"")
    files = sorted(str(p) for p in inbox.iterdir())
    restored("records", "import", *files, check=True)
    shares = restored.data_dir / "shares"
    shares.mkdir(mode=0o700)
    (shares / "ledger.json").write_bytes(LEDGER)
    (restored.data_dir / "chain-journal.json").write_bytes(JOURNAL)
    return restored


def _words(tmp_path: Path, text: str = "abandon " * 11 + "about") -> Path:
    path = tmp_path / f"words-{len(list(tmp_path.glob('words-*')))}.txt"
    path.write_text(text + "\n")
    return path


def _records(cli: Cli, password: str | None = None) -> list[dict[str, object]]:
    args = ("records", "list", "--json")
    result = cli(*args, check=True) if password is None else cli(*args, password=password)
    assert result.returncode == 0, result.stderr
    return sorted(json.loads(result.stdout), key=lambda r: str(r["id"]))


def test_round_trip_restores_everything_byte_for_byte(
    source: Cli, make_cli: Callable[[str], Cli], tmp_path: Path
) -> None:
    backup = tmp_path / "out" / "wallet.pwbackup"
    backup.parent.mkdir()
    result = source("backup", "export", "--out", str(backup), check=True)
    assert "verified" in result.stderr
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [p.name for p in backup.parent.iterdir()] == ["wallet.pwbackup"]  # no temp left
    settings = json.loads((source.data_dir / "settings.json").read_text())
    assert settings["settings"]["last_backup_at"]

    target = make_cli("new-machine")
    restore = target(
        "backup",
        "restore",
        str(backup),
        "--mnemonic-file",
        str(_words(tmp_path)),
        password=NEW_PASSWORD,
    )
    assert restore.returncode == 0, restore.stderr
    assert ABANDON_ADDRESS in restore.stderr

    assert target("address", password=NEW_PASSWORD).stdout.strip() == ABANDON_ADDRESS
    before, after = _records(source), _records(target, NEW_PASSWORD)
    assert before == after and len(after) == 3
    for record in after:
        mine = tmp_path / f"a-{record['id']}"
        theirs = tmp_path / f"b-{record['id']}"
        source("records", "export", str(record["id"]), "--out", str(mine), check=True)
        exported = target(
            "records", "export", str(record["id"]), "--out", str(theirs), password=NEW_PASSWORD
        )
        assert exported.returncode == 0, exported.stderr
        assert mine.read_bytes() == theirs.read_bytes()
    for name in ("settings.json", "chain-journal.json", "shares/ledger.json"):
        assert (target.data_dir / name).read_bytes() == (source.data_dir / name).read_bytes()
    for name in ("vault/index.sqlite3",):
        assert (target.data_dir / name).read_bytes() == (source.data_dir / name).read_bytes()
    # The old password is not the new wallet's: the keystore was re-created from the words.
    assert_one_sentence_error(target("address"), "password")
    assert stat.S_IMODE(target.data_dir.stat().st_mode) == 0o700
    assert sorted(p.name for p in target.data_dir.parent.iterdir() if p.name.startswith(".")) == []

    # No plaintext marker anywhere but the user's own source folder.
    for root in (backup.parent, source.data_dir, target.data_dir):
        assert files_containing(root, MARKER) == []


def test_restore_refuses_a_non_empty_data_dir_without_force(
    source: Cli, make_cli: Callable[[str], Cli], tmp_path: Path
) -> None:
    backup = tmp_path / "b.pwbackup"
    source("backup", "export", "--out", str(backup), check=True)
    other = make_cli("other")
    other("restore", "--mnemonic-file", str(_words(tmp_path)), check=True)
    before = snapshot(other.data_dir)
    result = other(
        "backup",
        "restore",
        str(backup),
        "--mnemonic-file",
        str(_words(tmp_path)),
    )
    assert_one_sentence_error(result, "not empty", "--force")
    assert snapshot(other.data_dir) == before

    forced = other(
        "backup",
        "restore",
        str(backup),
        "--mnemonic-file",
        str(_words(tmp_path)),
        "--force",
        password=NEW_PASSWORD,
    )
    assert forced.returncode == 0, forced.stderr
    assert _records(other, NEW_PASSWORD) == _records(source)
    assert [p for p in other.data_dir.parent.iterdir() if p.name.startswith(".")] == []


def test_wrong_words_are_refused_and_change_nothing(
    source: Cli, make_cli: Callable[[str], Cli], tmp_path: Path
) -> None:
    backup = tmp_path / "b.pwbackup"
    source("backup", "export", "--out", str(backup), check=True)
    target = make_cli("target")
    wrong = _words(
        tmp_path, "legal winner thank year wave sausage worth useful legal winner thank yellow"
    )
    result = target("backup", "restore", str(backup), "--mnemonic-file", str(wrong))
    assert_one_sentence_error(result, "recovery words", "nothing was changed")
    assert not target.data_dir.exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_backup_password_is_needed_in_addition_to_the_words(
    source: Cli, make_cli: Callable[[str], Cli], tmp_path: Path
) -> None:
    secret = tmp_path / "backup-password.txt"
    secret.write_text("a different backup password, long enough\n")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the backup password at all, sorry\n")
    backup = tmp_path / "b.pwbackup"
    source(
        "backup",
        "export",
        "--out",
        str(backup),
        "--password-file-for-backup",
        str(secret),
        check=True,
    )
    target = make_cli("target")
    words = str(_words(tmp_path))
    missing = target("backup", "restore", str(backup), "--mnemonic-file", words)
    assert_one_sentence_error(missing, "backup password")
    bad = target(
        "backup",
        "restore",
        str(backup),
        "--mnemonic-file",
        words,
        "--password-file-for-backup",
        str(wrong),
    )
    assert_one_sentence_error(bad, "backup password is wrong")
    assert not target.data_dir.exists()
    good = target(
        "backup",
        "restore",
        str(backup),
        "--mnemonic-file",
        words,
        "--password-file-for-backup",
        str(secret),
    )
    assert good.returncode == 0, good.stderr
    assert _records(target) == _records(source)
    assert files_containing(tmp_path / "target", MARKER) == []
    assert MARKER not in backup.read_bytes()


def test_export_refuses_an_existing_file(source: Cli, tmp_path: Path) -> None:
    existing = tmp_path / "taken.pwbackup"
    existing.write_bytes(b"keep me")
    result = source("backup", "export", "--out", str(existing))
    assert_one_sentence_error(result, "already exists")
    assert existing.read_bytes() == b"keep me"
