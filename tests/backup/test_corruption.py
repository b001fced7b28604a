"""A damaged, truncated or crafted backup is refused with one sentence and changes nothing.

Restores run the real CLI entry point in this process (``wallet.cli.run``) so that twenty
corruptions stay quick. Every refusal is checked against a full snapshot (paths, modes, bytes) of
the target data directory and of its parent folder, for an empty target and for ``--force`` over
an existing wallet.
"""

from __future__ import annotations

import io
import random
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.backup.helpers import run_inprocess, snapshot
from tests.cli.helpers import ABANDON, Cli, assert_one_sentence_error
from wallet.age import encrypt_stream
from wallet.backup.format import (
    INFO_MEMBER,
    MANIFEST_MEMBER,
    Entry,
    backup_identity,
    data_member,
    info_document,
    manifest_document,
    manifest_key,
)
from wallet.keystore import WalletSecret
from wallet.session import Session

OFFSETS = 20


@pytest.fixture
def backup(restored: Cli, tmp_path: Path) -> Path:
    note = tmp_path / "note.txt"
    note.write_bytes(b"blood pressure 120/80\n" * 50)
    scan = tmp_path / "scan.bin"
    scan.write_bytes(random.Random(7).randbytes(150_000))
    restored("records", "import", str(note), str(scan), check=True)
    out = tmp_path / "wallet.pwbackup"
    restored("backup", "export", "--out", str(out), check=True)
    return out


@pytest.fixture
def words(tmp_path: Path) -> Path:
    path = tmp_path / "words.txt"
    path.write_text(ABANDON + "\n")
    return path


def _restore(
    monkeypatch: pytest.MonkeyPatch, cli: Cli, source: Path, words: Path, *extra: str
) -> object:
    return run_inprocess(
        monkeypatch,
        cli.env,
        "--data-dir",
        str(cli.data_dir),
        "backup",
        "restore",
        str(source),
        "--mnemonic-file",
        str(words),
        *extra,
    )


def _refused_untouched(
    monkeypatch: pytest.MonkeyPatch, target: Cli, damaged: Path, words: Path, *extra: str
) -> None:
    parent = target.data_dir.parent
    before, around = snapshot(target.data_dir), sorted(p.name for p in parent.iterdir())
    result = _restore(monkeypatch, target, damaged, words, *extra)
    assert_one_sentence_error(result, "nothing was changed")  # type: ignore[arg-type]
    assert snapshot(target.data_dir) == before
    assert sorted(p.name for p in parent.iterdir()) == around


def test_flipped_bytes_at_random_offsets_are_refused(
    backup: Path,
    words: Path,
    make_cli: Callable[[str], Cli],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = backup.read_bytes()
    rng = random.Random(20240601)
    # Always include the header, the first payload chunk and the very last byte.
    offsets = sorted({0, 40, len(data) - 1, *rng.sample(range(len(data)), OFFSETS - 3)})
    empty = make_cli("empty-target")
    existing = make_cli("existing")
    existing("restore", "--mnemonic-file", str(words), check=True)
    assert (existing.data_dir / "wallet.json").exists()
    damaged = tmp_path / "damaged.pwbackup"
    for offset in offsets:
        altered = bytearray(data)
        altered[offset] ^= 1 << rng.randrange(8)
        damaged.write_bytes(bytes(altered))
        _refused_untouched(monkeypatch, empty, damaged, words)
        _refused_untouched(monkeypatch, existing, damaged, words, "--force")
    assert not empty.data_dir.exists()


@pytest.mark.parametrize("keep", [0.5, 0.999])
def test_truncated_backup_is_refused(
    backup: Path,
    words: Path,
    make_cli: Callable[[str], Cli],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    keep: float,
) -> None:
    data = backup.read_bytes()
    cut = tmp_path / "cut.pwbackup"
    cut.write_bytes(data[: int(len(data) * keep)])
    existing = make_cli("existing")
    existing("restore", "--mnemonic-file", str(words), check=True)
    _refused_untouched(monkeypatch, make_cli("empty"), cut, words)
    _refused_untouched(monkeypatch, existing, cut, words, "--force")


def _crafted_backup(path: Path, members: list[tuple[str, bytes]], key: bytes | None) -> None:
    """A backup encrypted to the ABANDON words' backup key, holding ``members`` (forged tar)."""
    with Session.from_secret(WalletSecret.from_words(ABANDON)) as session:
        recipient = backup_identity(session).recipient()
        mac_key = manifest_key(session) if key is None else key
    tar_bytes = io.BytesIO()
    entries: list[Entry] = []
    import hashlib

    with tarfile.open(fileobj=tar_bytes, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        from datetime import UTC, datetime

        for name, data in [(INFO_MEMBER, info_document(datetime.now(UTC), "0")), *members]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            entries.append(Entry(name, len(data), hashlib.sha256(data).hexdigest()))
        manifest = manifest_document(entries, mac_key)
        info = tarfile.TarInfo(MANIFEST_MEMBER)
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    with path.open("wb") as out:
        encrypt_stream(io.BytesIO(tar_bytes.getvalue()), out, [recipient])


@pytest.mark.parametrize(
    ("members", "key", "fragment"),
    [
        ([(data_member("wallet.json"), b"{}")], None, "does not restore"),
        ([("patient-wallet-backup/data/../../escape", b"x")], None, "does not restore"),
        ([(data_member("settings.json"), b"{}")], b"\x01" * 32, "manifest"),
        ([(data_member("settings.json"), b"{}")], None, "no record index"),
    ],
    ids=["keystore-planted", "path-escape", "forged-manifest", "no-index"],
)
def test_crafted_archives_are_refused(
    words: Path,
    make_cli: Callable[[str], Cli],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    members: list[tuple[str, bytes]],
    key: bytes | None,
    fragment: str,
) -> None:
    crafted = tmp_path / "crafted.pwbackup"
    _crafted_backup(crafted, members, key)
    target = make_cli("target")
    result = _restore(monkeypatch, target, crafted, words)
    assert_one_sentence_error(result, fragment, "nothing was changed")  # type: ignore[arg-type]
    assert not target.data_dir.exists()
    assert not (tmp_path / "escape").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
