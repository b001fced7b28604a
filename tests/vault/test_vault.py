"""The record vault end to end on real files: round trips, ids, rotation, errors, recovery."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wallet.age import X25519Identity, decrypt_payload, read_header
from wallet.errors import CorruptData, WalletExists, WalletNotFound, WalletValueError
from wallet.fileio import temp_path_for
from wallet.vault import (
    AmbiguousRecordId,
    ExportTargetExists,
    IndexKeyMismatch,
    ProblemKind,
    RecordCorrupt,
    RecordFileMissing,
    RecordNotFound,
    Vault,
    VaultBusy,
    VaultClosed,
    writeback,
)
from wallet.vault import store as store_module

from .conftest import IDENTITY_STRING, RECIPIENT_STRING, make_file

KIB = 1024
MIB = 1024 * KIB


def tree_digest(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).digest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("size", [0, 1, 64 * KIB - 1, 64 * KIB, 64 * KIB + 1, MIB])
def test_round_trip(vault: Vault, tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    src = make_file(tmp_path, "scan.bin", data)
    meta = vault.import_file(src)
    assert meta.size == size
    assert meta.sha256 == hashlib.sha256(data).hexdigest()
    assert vault.read_bytes(meta.id) == data
    out = tmp_path / "out.bin"
    assert vault.export(meta.id, out) == meta
    assert out.read_bytes() == data
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".out.bin.*"))


def test_metadata_and_defaults(vault: Vault, tmp_path: Path) -> None:
    before = datetime.now(UTC)
    src = make_file(tmp_path, "Blood test 2026.pdf", b"%PDF-1.7\n%%EOF\n")
    meta = vault.import_file(src)
    assert len(meta.id) == 32
    assert int(meta.id, 16) >= 0
    assert meta.title == "Blood test 2026"
    assert meta.media_type == "application/pdf"
    assert meta.source_name == "Blood test 2026.pdf"
    assert meta.version == 1
    assert before <= meta.created_at <= datetime.now(UTC)
    assert meta.created_at.tzinfo is not None
    assert vault.get(meta.id) == meta
    named = vault.import_file(src, title="  Lipids  ", media_type="Text/Plain")
    assert (named.title, named.media_type) == ("Lipids", "text/plain")
    assert named.id != meta.id  # ids are random, never derived from name or content


def test_ids_are_not_derived_from_content(vault: Vault, tmp_path: Path) -> None:
    src = make_file(tmp_path, "same.txt", b"same")
    ids = {vault.import_file(src).id for _ in range(3)}
    assert len(ids) == 3


def test_list_is_newest_first(vault: Vault, tmp_path: Path) -> None:
    ids = [vault.import_file(make_file(tmp_path, f"r{i}.txt", b"x")).id for i in range(4)]
    assert [m.id for m in vault.list_records()] == ids[::-1]


def test_persistence_across_reopen(
    vault_root: Path, identity: X25519Identity, index_key: bytes, tmp_path: Path
) -> None:
    with Vault.open(vault_root, identity, index_key) as first:
        meta = first.import_file(make_file(tmp_path, "a.txt", b"hello"))
    with Vault.open(vault_root, identity, index_key) as second:
        assert second.list_records() == [meta]
        assert second.read_bytes(meta.id) == b"hello"
        assert second.check(verify=True) == []


def test_permissions(vault: Vault, vault_root: Path, tmp_path: Path) -> None:
    meta = vault.import_file(make_file(tmp_path, "a.txt", b"hello"))
    assert stat.S_IMODE(vault_root.stat().st_mode) == 0o700
    assert stat.S_IMODE((vault_root / "records").stat().st_mode) == 0o700
    for path in (vault_root / "index.sqlite3", vault.record_path(meta.id)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_progress_reports_up_to_the_full_size(vault: Vault, tmp_path: Path) -> None:
    data = os.urandom(300 * KIB)
    calls: list[tuple[int, int]] = []
    meta = vault.import_file(
        make_file(tmp_path, "p.bin", data), progress=lambda d, t: calls.append((d, t))
    )
    assert calls
    assert calls[-1] == (len(data), len(data))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    calls.clear()
    vault.export(meta.id, tmp_path / "o.bin", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (len(data), len(data))


def test_delete(vault: Vault, tmp_path: Path) -> None:
    keep = vault.import_file(make_file(tmp_path, "keep.txt", b"keep"))
    gone = vault.import_file(make_file(tmp_path, "gone.txt", b"gone"))
    path = vault.record_path(gone.id)
    vault.delete(gone.id[:8])
    assert not path.exists()
    assert vault.list_records() == [keep]
    with pytest.raises(RecordNotFound, match=gone.id):
        vault.get(gone.id)
    assert vault.check() == []


def test_rotate(vault: Vault, tmp_path: Path) -> None:
    data = os.urandom(200 * KIB)
    meta = vault.import_file(make_file(tmp_path, "r.bin", data))
    old_key = vault.file_key(meta.id)
    old_header = vault.header(meta.id)
    rotated = vault.rotate(meta.id)
    assert rotated.version == meta.version + 1
    assert (rotated.sha256, rotated.size, rotated.title) == (meta.sha256, meta.size, meta.title)
    assert vault.get(meta.id) == rotated
    new_key = vault.file_key(meta.id)
    assert new_key != old_key
    assert vault.header(meta.id).raw != old_header.raw
    assert vault.read_bytes(meta.id) == data
    # The old file key cannot open the new payload.
    with open(vault.record_path(meta.id), "rb") as src:
        read_header(src)
        with pytest.raises(CorruptData):
            decrypt_payload(src, _Sink(), old_key)
    # ...while the new one can.
    with open(vault.record_path(meta.id), "rb") as src:
        read_header(src)
        sink = _Sink()
        decrypt_payload(src, sink, new_key)
        assert bytes(sink.data) == data
    assert vault.rotate(meta.id[:6]).version == 3
    assert not [p for p in vault.records_dir.iterdir() if p.name.startswith(".")]


class _Sink:
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, chunk: bytes) -> int:
        self.data += chunk
        return len(chunk)

    def flush(self) -> None:
        return None


def test_id_prefixes(vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = iter(["abcdef" + "0" * 26, "abcdef" + "1" * 26, "123456" + "0" * 26])
    monkeypatch.setattr(store_module, "new_record_id", lambda: next(ids))
    a = vault.import_file(make_file(tmp_path, "a.txt", b"a"))
    b = vault.import_file(make_file(tmp_path, "b.txt", b"b"))
    c = vault.import_file(make_file(tmp_path, "c.txt", b"c"))
    assert vault.get("123456") == c
    assert vault.get("ABCDEF0") == a
    assert vault.get(b.id) == b
    with pytest.raises(AmbiguousRecordId, match="abcdef matches 2 records"):
        vault.get("abcdef")
    with pytest.raises(WalletValueError, match="at least 6"):
        vault.get("abcde")
    with pytest.raises(WalletValueError, match="not a record id"):
        vault.get("../../etc/passwd")
    with pytest.raises(RecordNotFound, match="No record with id 999999"):
        vault.export("999999", tmp_path / "x")


def test_interop_with_age_cli(vault: Vault, tmp_path: Path) -> None:
    data = os.urandom(150 * KIB)
    meta = vault.import_file(make_file(tmp_path, "i.bin", data))
    identity_file = tmp_path / "id.txt"
    identity_file.write_text(IDENTITY_STRING + "\n")
    out = subprocess.run(
        ["/usr/bin/age", "-d", "-i", str(identity_file), str(vault.record_path(meta.id))],
        capture_output=True,
        check=True,
    )
    assert out.stdout == data
    rotated = vault.rotate(meta.id)
    again = subprocess.run(
        ["/usr/bin/age", "-d", "-i", str(identity_file), str(vault.record_path(rotated.id))],
        capture_output=True,
        check=True,
    )
    assert again.stdout == data


class _Rollback(Exception):
    pass


def test_no_plaintext_on_disk(vault: Vault, vault_root: Path, tmp_path: Path) -> None:
    marker = "ZQXJ-marker-7f3e"
    content = (f"patient note {marker}\n" * 5000).encode()
    src = make_file(tmp_path, f"{marker} letter.txt", content)
    first = vault.import_file(src)
    vault.import_file(src, title=f"Title {marker}", media_type="text/plain")
    vault.import_file(make_file(tmp_path, f"{marker}.json", b'{"resourceType": "Patient"}'))
    vault.rotate(first.id)
    assert vault.read_bytes(first.id) == content
    vault.delete(first.id)
    needles = [marker.encode(), marker.encode("utf-16-le"), b"patient note", b"letter"]

    # Look while a write transaction is open, so SQLite's rollback journal is on disk too.
    def scan_with_journal_on_disk() -> None:
        with vault._index.transaction() as db:
            db.execute("UPDATE records SET sealed = sealed || x'00'")
            files = [p for p in vault_root.rglob("*") if p.is_file()]
            names = {p.name for p in files}
            assert {"index.sqlite3", "index.sqlite3-journal"} <= names
            assert len([n for n in names if n.endswith(".age")]) == 2
            for path in files:
                blob = path.read_bytes()
                for needle in needles:
                    assert needle not in blob, f"{needle!r} found in {path}"
            raise _Rollback

    with pytest.raises(_Rollback):
        scan_with_journal_on_disk()
    assert len(vault.list_records()) == 2


def test_missing_input_and_bad_inputs(vault: Vault, tmp_path: Path) -> None:
    missing = tmp_path / "nope.pdf"
    with pytest.raises(WalletNotFound, match=r"nope\.pdf does not exist"):
        vault.import_file(missing)
    with pytest.raises(WalletValueError, match="is a folder"):
        vault.import_file(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(WalletValueError, match="not a regular file"):
        vault.import_file(fifo)
    blocker = make_file(tmp_path, "plain", b"x")
    with pytest.raises(WalletValueError, match="cannot be read"):
        vault.import_file(blocker / "child")
    with pytest.raises(WalletValueError, match="title"):
        vault.import_file(blocker, title="")
    with pytest.raises(WalletValueError, match="media type"):
        vault.import_file(blocker, media_type="pdf")
    assert vault.list_records() == []
    assert list(vault.records_dir.iterdir()) == []


def test_export_targets(vault: Vault, vault_root: Path, tmp_path: Path) -> None:
    meta = vault.import_file(make_file(tmp_path, "a.txt", b"new content"))
    out = make_file(tmp_path, "exists.txt", b"old")
    with pytest.raises(ExportTargetExists, match="already exists"):
        vault.export(meta.id, out)
    assert isinstance(ExportTargetExists("x"), WalletExists)
    assert out.read_bytes() == b"old"
    vault.export(meta.id, out, overwrite=True)
    assert out.read_bytes() == b"new content"
    with pytest.raises(WalletNotFound, match="does not exist"):
        vault.export(meta.id, tmp_path / "no" / "dir" / "f.txt")
    with pytest.raises(WalletValueError, match="is a folder"):
        vault.export(meta.id, tmp_path)
    with pytest.raises(WalletValueError, match="into the vault"):
        vault.export(meta.id, vault_root / "records" / "leak.txt")
    assert not list(tmp_path.glob(".*.tmp"))


def test_read_bytes_size_cap(vault: Vault, tmp_path: Path) -> None:
    meta = vault.import_file(make_file(tmp_path, "a.bin", bytes(1000)))
    with pytest.raises(WalletValueError, match="export it instead"):
        vault.read_bytes(meta.id, max_size=999)
    assert vault.read_bytes(meta.id, max_size=1000) == bytes(1000)


def _damage(path: Path, offset_from_end: int) -> None:
    data = bytearray(path.read_bytes())
    data[-offset_from_end] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: _damage(p, 1), id="last-byte"),
        pytest.param(lambda p: _damage(p, 70_000), id="first-chunk"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:-100]), id="truncated"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:100_000]), id="truncated-chunk"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:50]), id="truncated-header"),
        pytest.param(lambda p: p.write_bytes(b"\x00" + p.read_bytes()[1:]), id="header-byte"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes() + b"x"), id="appended"),
    ],
)
def test_damaged_record(vault: Vault, tmp_path: Path, damage: object) -> None:
    good_data = os.urandom(10 * KIB)
    good = vault.import_file(make_file(tmp_path, "good.bin", good_data))
    bad = vault.import_file(make_file(tmp_path, "bad.bin", os.urandom(200 * KIB)))
    damage(vault.record_path(bad.id))  # type: ignore[operator]
    out = tmp_path / "out.bin"
    with pytest.raises(RecordCorrupt, match=f"Record {bad.id} is damaged") as caught:
        vault.export(bad.id, out)
    assert isinstance(caught.value, CorruptData)
    assert not out.exists()
    assert not list(tmp_path.glob(".out.bin*"))
    with pytest.raises(RecordCorrupt, match=bad.id):
        vault.read_bytes(bad.id)
    with pytest.raises(RecordCorrupt, match=bad.id):
        vault.rotate(bad.id)
    vault.export(good.id, out)
    assert out.read_bytes() == good_data
    problems = vault.check(verify=True)
    assert [(p.record_id, p.kind) for p in problems] == [(bad.id, ProblemKind.DAMAGED_FILE)]
    assert not [p for p in vault.records_dir.iterdir() if p.name.startswith(".")]


def test_damaged_record_survives_reopen(
    vault_root: Path, identity: X25519Identity, index_key: bytes, tmp_path: Path
) -> None:
    with Vault.open(vault_root, identity, index_key) as vault:
        good = vault.import_file(make_file(tmp_path, "good.bin", b"good"))
        bad = vault.import_file(make_file(tmp_path, "bad.bin", b"bad"))
        vault.record_path(bad.id).write_bytes(b"garbage")
    with Vault.open(vault_root, identity, index_key) as vault:
        assert {m.id for m in vault.list_records()} == {good.id, bad.id}
        assert vault.read_bytes(good.id) == b"good"
        with pytest.raises(RecordCorrupt, match=bad.id):
            vault.read_bytes(bad.id)


def test_missing_record_file_is_reported_not_dropped(
    vault_root: Path, identity: X25519Identity, index_key: bytes, tmp_path: Path
) -> None:
    with Vault.open(vault_root, identity, index_key) as vault:
        meta = vault.import_file(make_file(tmp_path, "a.txt", b"a"))
        vault.record_path(meta.id).unlink()
    with Vault.open(vault_root, identity, index_key) as vault:
        assert vault.list_records() == [meta]
        problems = vault.check()
        assert [(p.record_id, p.kind) for p in problems] == [(meta.id, ProblemKind.MISSING_FILE)]
        assert meta.id in problems[0].message
        with pytest.raises(RecordFileMissing, match=meta.id):
            vault.export(meta.id, tmp_path / "o")
        vault.delete(meta.id)
        assert vault.check() == []


def test_damaged_index_entry(vault: Vault, vault_root: Path, tmp_path: Path) -> None:
    a = vault.import_file(make_file(tmp_path, "a.txt", b"a"))
    b = vault.import_file(make_file(tmp_path, "b.txt", b"b"))
    # Swap the sealed blobs of two rows: each is bound to its id, so both stop opening.
    db = vault._index._db
    rows = dict(db.execute("SELECT id, sealed FROM records").fetchall())
    db.execute("UPDATE records SET sealed = ? WHERE id = ?", (rows[b.id], a.id))
    with pytest.raises(CorruptData, match=a.id):
        vault.get(a.id)
    assert vault.list_records() == [b]
    assert [(p.record_id, p.kind) for p in vault.check()] == [(a.id, ProblemKind.DAMAGED_ENTRY)]


def test_wrong_index_key_or_identity_changes_nothing(
    vault_root: Path, identity: X25519Identity, index_key: bytes, tmp_path: Path
) -> None:
    with Vault.open(vault_root, identity, index_key) as vault:
        vault.import_file(make_file(tmp_path, "a.txt", b"a"))
    before = tree_digest(vault_root)
    with pytest.raises(IndexKeyMismatch, match="index key; nothing was changed"):
        Vault.open(vault_root, identity, os.urandom(32))
    with pytest.raises(IndexKeyMismatch, match="different encryption identity"):
        Vault.open(vault_root, X25519Identity.generate(), index_key)
    with pytest.raises(WalletValueError, match="32 bytes"):
        Vault.open(vault_root, identity, b"short")
    assert tree_digest(vault_root) == before
    with Vault.open(vault_root, identity, index_key) as vault:
        assert len(vault.list_records()) == 1


def test_one_process_at_a_time_and_closed_vault(
    vault_root: Path, identity: X25519Identity, index_key: bytes, tmp_path: Path
) -> None:
    vault = Vault.open(vault_root, identity, index_key)
    with pytest.raises(VaultBusy, match="open in another window"):
        Vault.open(vault_root, identity, index_key)
    vault.close()
    vault.close()  # idempotent
    with pytest.raises(VaultClosed):
        vault.list_records()
    with pytest.raises(VaultClosed):
        vault.import_file(make_file(tmp_path, "a.txt", b"a"))
    Vault.open(vault_root, identity, index_key).close()


def test_recovery_removes_crash_leftovers_but_keeps_unindexed_files(
    vault_root: Path, identity: X25519Identity, index_key: bytes, tmp_path: Path
) -> None:
    with Vault.open(vault_root, identity, index_key) as vault:
        kept = vault.import_file(make_file(tmp_path, "a.txt", b"a"))
        records = vault.records_dir
        # A crash after the rename but before the row was committed: intent + complete file.
        vault._index.begin_import("c" * 32)
        (records / f"{'c' * 32}.age").write_bytes(vault.record_path(kept.id).read_bytes())
        # A crash mid-write: a temporary file.
        temp_path_for(records / f"{'d' * 32}.age").write_bytes(b"partial ciphertext")
        # A crash in the middle of a delete: the row is gone, the file is not.
        doomed = vault.import_file(make_file(tmp_path, "b.txt", b"b"))
        vault._index.begin_delete(doomed.id)
        # A file nobody journaled (say, an index restored from an older backup): kept.
        stray = "e" * 32
        (records / f"{stray}.age").write_bytes(vault.record_path(kept.id).read_bytes())
    with Vault.open(vault_root, identity, index_key) as vault:
        names = sorted(p.name for p in vault.records_dir.iterdir())
        assert names == sorted([f"{kept.id}.age", f"{stray}.age"])
        assert vault._index.intents() == []
        assert vault.list_records() == [kept]
        problems = vault.check()
        assert [(p.record_id, p.kind) for p in problems] == [(stray, ProblemKind.UNINDEXED_FILE)]


def test_missing_index_with_records_present_is_refused(
    vault_root: Path, identity: X25519Identity, index_key: bytes, tmp_path: Path
) -> None:
    with Vault.open(vault_root, identity, index_key) as vault:
        meta = vault.import_file(make_file(tmp_path, "a.txt", b"a"))
    (vault_root / "index.sqlite3").unlink()
    with pytest.raises(CorruptData, match=r"index .* is missing"):
        Vault.open(vault_root, identity, index_key)
    assert (vault_root / "records" / f"{meta.id}.age").exists()


def test_large_writes_go_through_the_write_behind_windows(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writeback, "WINDOW", 64 * KIB)
    data = os.urandom(3 * MIB + 5)
    meta = vault.import_file(make_file(tmp_path, "big.bin", data))
    out = tmp_path / "big.out"
    vault.export(meta.id, out)
    assert out.read_bytes() == data


def test_concurrent_imports_and_reads(vault: Vault, tmp_path: Path) -> None:
    payloads = {i: os.urandom(100 * KIB + i) for i in range(6)}
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            meta = vault.import_file(make_file(tmp_path, f"c{i}.bin", payloads[i]))
            results[i] = meta.id
            vault.list_records()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(vault.list_records()) == len(payloads)
    for i, record_id in results.items():
        assert vault.read_bytes(record_id) == payloads[i]
    assert vault.check() == []


FULL_DISK_CHILD = """
import resource, signal, sys
from pathlib import Path
from wallet.age import X25519Identity
from wallet.vault import Vault
from tests.vault.conftest import IDENTITY_STRING
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
vault = Vault.open(Path(sys.argv[1]), X25519Identity.from_string(IDENTITY_STRING), bytes(32))
print(vault.import_file(Path(sys.argv[2])).id, flush=True)
resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
try:
    vault.import_file(Path(sys.argv[3]))
except Exception as exc:
    print(type(exc).__name__, exc.user_message, flush=True)
"""


def test_write_failure_is_one_sentence_and_leaves_nothing(
    tmp_path: Path, identity: X25519Identity
) -> None:
    root = tmp_path / "vault"
    small = make_file(tmp_path, "small.bin", b"fits")
    large = make_file(tmp_path, "large.bin", os.urandom(2 * MIB))
    # A real write failure: the child may not write files larger than 1 MiB (EFBIG).
    out = subprocess.run(
        [sys.executable, "-c", FULL_DISK_CHILD, str(root), str(small), str(large)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    first, failure = out.stdout.splitlines()
    assert failure.startswith(f"VaultWriteFailed Importing {large} failed: File too large.")
    assert sorted(p.name for p in (root / "records").iterdir()) == [f"{first}.age"]
    with Vault.open(root, identity, bytes(32)) as vault:
        assert [m.id for m in vault.list_records()] == [first]
        assert vault._index.intents() == []
        assert vault.read_bytes(first) == b"fits"


@pytest.mark.parametrize("armor", [False, True])
def test_age_file_for_this_vault_is_imported_as_its_content(
    vault: Vault, tmp_path: Path, armor: bool
) -> None:
    plain = make_file(tmp_path, "referral.txt", b"Referral to cardiology.\n" * 5000)
    encrypted = tmp_path / "referral.txt.age"
    flags = ["-a"] if armor else []
    subprocess.run(
        ["/usr/bin/age", *flags, "-r", RECIPIENT_STRING, "-o", str(encrypted), str(plain)],
        check=True,
    )
    calls: list[tuple[int, int]] = []
    meta = vault.import_file(encrypted, progress=lambda d, t: calls.append((d, t)))
    assert (meta.title, meta.media_type, meta.source_name) == (
        "referral",
        "text/plain",
        "referral.txt.age",
    )
    assert meta.size == plain.stat().st_size
    assert meta.sha256 == hashlib.sha256(plain.read_bytes()).hexdigest()
    assert calls[-1][0] == meta.size
    assert vault.read_bytes(meta.id) == plain.read_bytes()
    # Re-encrypted under a fresh file key: the sender's key does not open the vault copy.
    with open(encrypted, "rb") as fh:
        sent_header = fh.read(200)
    assert vault.record_path(meta.id).read_bytes()[:200] != sent_header
    assert vault.check(verify=True) == []


def test_age_file_for_another_key_or_damaged_is_refused(vault: Vault, tmp_path: Path) -> None:
    plain = make_file(tmp_path, "note.txt", b"note" * 1000)
    other = X25519Identity.generate().recipient().to_string()
    foreign = tmp_path / "foreign.age"
    subprocess.run(["/usr/bin/age", "-r", other, "-o", str(foreign), str(plain)], check=True)
    with pytest.raises(WalletValueError, match="encrypted to another key"):
        vault.import_file(foreign)
    ours = tmp_path / "ours.age"
    subprocess.run(
        ["/usr/bin/age", "-r", RECIPIENT_STRING, "-o", str(ours), str(plain)], check=True
    )
    ours.write_bytes(ours.read_bytes()[:-3])
    with pytest.raises(CorruptData, match="damaged age file"):
        vault.import_file(ours)
    assert vault.list_records() == []
    assert list(vault.records_dir.iterdir()) == []
    assert vault._index.intents() == []


def test_swapped_record_files_fail_the_content_hash(vault: Vault, tmp_path: Path) -> None:
    a = vault.import_file(make_file(tmp_path, "a.bin", os.urandom(5000)))
    b = vault.import_file(make_file(tmp_path, "b.bin", os.urandom(5000)))
    path_a, path_b = vault.record_path(a.id), vault.record_path(b.id)
    blob_a = path_a.read_bytes()
    path_a.write_bytes(path_b.read_bytes())
    path_b.write_bytes(blob_a)
    out = tmp_path / "a.out"
    for record in (a, b):
        with pytest.raises(RecordCorrupt, match=record.id):
            vault.export(record.id, out)
        with pytest.raises(RecordCorrupt, match=record.id):
            vault.read_bytes(record.id)
    assert not out.exists()
    assert {p.record_id for p in vault.check(verify=True)} == {a.id, b.id}


def test_file_name_that_is_not_utf8(vault: Vault, tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/scan-\xff\xfe.pdf"
    with open(raw, "wb") as fh:
        fh.write(b"%PDF-1.4\n")
    meta = vault.import_file(Path(os.fsdecode(raw)))
    assert meta.title == "scan-\ufffd\ufffd"
    assert meta.source_name == "scan-\ufffd\ufffd.pdf"
    assert vault.get(meta.id) == meta
