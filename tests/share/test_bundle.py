"""The bundle v1 format in process: round trip, commitments, rejection of alterations, names."""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path

import pytest

from tests.share.bundles import share
from wallet.age import X25519Identity, decrypt_bytes, read_header
from wallet.errors import CorruptData, WalletError, WalletExists, WalletValueError
from wallet.share import (
    BundleAltered,
    BundleDescriptor,
    BundleInvalid,
    BundleNotForMe,
    BundleParts,
    BundleUnsupported,
    PartsStore,
    extract_records,
    read_bundle,
    rebuild_bundle,
    verify_bundle,
)
from wallet.share.names import safe_file_name, unique_names


def _open(bundle: Path, identity: X25519Identity, out: Path) -> list[Path]:
    with read_bundle(bundle) as opened:
        return [r.path for r in extract_records(verify_bundle(opened, identity), out)]


def test_round_trip_gives_identical_files_and_commits_to_headers(tmp_path: Path) -> None:
    contents = [("scan.pdf", b"%PDF-1.4 A" * 5000), ("notes.txt", b"hello"), ("empty.txt", b"")]
    shared = share(tmp_path, contents)
    paths = _open(shared.built.path, shared.provider, tmp_path / "out")
    assert [p.read_bytes() for p in paths] == shared.contents
    assert [p.name for p in paths] == ["scan.pdf", "notes.txt", "empty.txt"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in paths)

    with tarfile.open(shared.built.path) as tar:
        names = tar.getnames()
        raw = tar.extractfile("bundle.json").read()  # type: ignore[union-attr]
        member = tar.extractfile("records/0001.age").read()  # type: ignore[union-attr]
    assert names == [
        "bundle.json",
        "manifest.age",
        "records/0001.age",
        "records/0002.age",
        "records/0003.age",
    ]
    assert hashlib.sha256(raw).digest() == shared.built.share_id
    document = json.loads(raw)
    assert document["format"] == "patient-wallet-share" and document["version"] == 1
    # The record's header is wrapped for the provider only; the payload is the vault's, unchanged.
    vault_file = shared.vault.record_path(shared.records[0].id).read_bytes()
    header = read_header(__import__("io").BytesIO(member))
    assert [s.type for s in header.stanzas] == ["X25519"]
    assert (
        member[len(header.raw) :]
        == vault_file[len(read_header(__import__("io").BytesIO(vault_file)).raw) :]
    )
    assert hashlib.sha256(header.raw).hexdigest() == document["entries"][0]["header_sha256"]
    # The patient's own identity cannot open the bundle's records.
    with pytest.raises(WalletError):
        decrypt_bytes(member, [X25519Identity.generate()])


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    shared = share(tmp_path, [("a.txt", b"a")])
    from tests.share.bundles import parties_for
    from wallet.share import write_bundle

    with pytest.raises(WalletExists):
        write_bundle(
            shared.vault, [shared.records[0].id], parties_for(shared.provider), shared.built.path
        )


def test_other_identity_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    shared = share(tmp_path, [("a.txt", b"a")])
    with pytest.raises(BundleNotForMe), read_bundle(shared.built.path) as opened:
        verify_bundle(opened, X25519Identity.generate())


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _member_offset(path: Path, name: str) -> tuple[int, int]:
    with tarfile.open(path) as tar:
        member = tar.getmember(name)
        return member.offset_data, member.size


@pytest.mark.parametrize("where", ["header", "payload", "payload-last", "manifest"])
def test_altered_bundle_is_refused_and_leaves_no_file(tmp_path: Path, where: str) -> None:
    shared = share(tmp_path, [("a.txt", b"A" * 200_000), ("b.txt", b"B" * 10)])
    offset, size = _member_offset(shared.built.path, "records/0001.age")
    if where == "header":
        target = offset + 40
    elif where == "payload":
        target = offset + size - 100_000
    elif where == "payload-last":
        target = offset + size - 1
    else:
        m_offset, m_size = _member_offset(shared.built.path, "manifest.age")
        target = m_offset + m_size - 5
    _flip(shared.built.path, target)
    out = tmp_path / "out"
    with pytest.raises((BundleAltered, BundleInvalid)) as caught:
        _open(shared.built.path, shared.provider, out)
    assert caught.value.user_message.endswith(".")
    assert not out.exists() or list(out.iterdir()) == []


def test_altered_description_changes_or_breaks_the_share_id(tmp_path: Path) -> None:
    shared = share(tmp_path, [("a.txt", b"a")])
    offset, _ = _member_offset(shared.built.path, "bundle.json")
    _flip(shared.built.path, offset + 30)
    try:
        with read_bundle(shared.built.path) as opened:
            assert opened.share_id != shared.built.share_id
    except BundleInvalid:
        pass


def test_descriptor_must_be_canonical(tmp_path: Path) -> None:
    shared = share(tmp_path, [("a.txt", b"a")])
    canonical = shared.built.descriptor.encode()
    assert BundleDescriptor.parse(canonical) == shared.built.descriptor
    with pytest.raises(BundleInvalid, match="canonical"):
        BundleDescriptor.parse(json.dumps(json.loads(canonical), indent=1).encode())
    with pytest.raises(BundleInvalid, match="repeats"):
        BundleDescriptor.parse(b'{"format":"a","format":"b"}')
    newer = json.loads(canonical) | {"version": 2}
    with pytest.raises(BundleUnsupported):
        BundleDescriptor.parse(json.dumps(newer, sort_keys=True, separators=(",", ":")).encode())


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..", "record"),
        (".hidden", "hidden"),
        ("a/b\\c", "a_b_c"),
        ("invoice\u202egpj.exe", "invoice_gpj.exe"),
        ("CON", "_CON"),
        ("x" * 400, "x" * 200),
    ],
)
def test_safe_file_names(title: str, expected: str) -> None:
    assert safe_file_name(title) == expected


def test_names_are_made_unique() -> None:
    assert unique_names(["a.pdf", "A.pdf", "a.pdf"], ["a (2).pdf"]) == [
        "a.pdf",
        "A (3).pdf",
        "a (4).pdf",
    ]


def test_rebuild_writes_the_identical_bundle_from_vault_and_parts(tmp_path: Path) -> None:
    contents = [("scan.pdf", b"%PDF-1.4 B" * 9000), ("notes.txt", b"hello again")]
    shared = share(tmp_path, contents)
    original = shared.built.path.read_bytes()
    shared.built.path.unlink()  # lost: deleted, or never written back before a power cut
    store = PartsStore(tmp_path / "shares", bytes(32))
    store.save(shared.built.share_id.hex(), shared.built.parts)
    parts = store.load("0x" + shared.built.share_id.hex())  # as the share service keeps them
    assert parts == shared.built.parts
    pairs = [(r.id, r.version) for r in shared.records]
    again = rebuild_bundle(shared.vault, parts, pairs, tmp_path / "again.tar")
    assert again.path.read_bytes() == original
    assert again.share_id == shared.built.share_id
    paths = _open(again.path, shared.provider, tmp_path / "out")
    assert [p.read_bytes() for p in paths] == shared.contents


def test_rebuild_is_refused_after_rotation_and_for_foreign_parts(tmp_path: Path) -> None:
    shared = share(tmp_path, [("a.txt", b"first record"), ("b.txt", b"second record")])
    pairs = [(r.id, r.version) for r in shared.records]
    other = share(tmp_path / "other", [("a.txt", b"first record"), ("b.txt", b"second record")])
    with pytest.raises(CorruptData, match="does not match"):  # headers of another vault's keys
        rebuild_bundle(shared.vault, other.built.parts, pairs, tmp_path / "foreign.tar")
    shared.vault.rotate(shared.records[1].id)
    with pytest.raises(WalletValueError, match="revoke the share"):
        rebuild_bundle(shared.vault, shared.built.parts, pairs, tmp_path / "rotated.tar")
    rotated_pairs = [pairs[0], (pairs[1][0], pairs[1][1] + 1)]
    with pytest.raises(CorruptData, match="does not match"):  # the new file key fails the MAC
        rebuild_bundle(shared.vault, shared.built.parts, rotated_pairs, tmp_path / "rotated.tar")
    assert not (tmp_path / "foreign.tar").exists() and not (tmp_path / "rotated.tar").exists()


@pytest.mark.parametrize(
    "text",
    ["", "{}", '{"format":"patient-wallet-bundle-parts","version":2}', "not json", '{"format":1}'],
)
def test_damaged_parts_text_is_one_typed_error(text: str) -> None:
    with pytest.raises(CorruptData, match="cannot be rebuilt"):
        BundleParts.decode(text)


def test_bundle_is_written_like_a_copy_without_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bundle is derived data (rebuildable), so it is not forced to disk: no fsync at all."""
    import os

    calls: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append(fd) or real_fsync(fd))
    shared = share(tmp_path, [("a.txt", b"x" * 70_000)])
    vault_calls = len(calls)  # the vault's import may fsync; the bundle write must not
    again = rebuild_bundle(
        shared.vault,
        shared.built.parts,
        [(r.id, r.version) for r in shared.records],
        tmp_path / "again.tar",
    )
    assert len(calls) == vault_calls
    assert again.path.read_bytes() == shared.built.path.read_bytes()


def test_parts_files_are_sealed_bound_to_their_share_and_versioned(tmp_path: Path) -> None:
    parts = BundleParts(b'{"x":1}', b"manifest", (b"header-1", b"header-2"))
    store = PartsStore(tmp_path / "shares", bytes(range(32)))
    one, two = "ab" * 32, "cd" * 32
    assert store.load(one) is None
    store.save(one, parts)
    path = store.path(one)
    assert path.stat().st_mode & 0o777 == 0o600
    assert b"header-1" not in path.read_bytes() and b"manifest" not in path.read_bytes()
    assert store.load(one.upper()) == parts
    with pytest.raises(CorruptData, match="cannot be rebuilt"):  # another wallet's key
        PartsStore(tmp_path / "shares", bytes(32)).load(one)
    path.rename(store.path(two))  # a file renamed to another share's name does not open
    with pytest.raises(CorruptData, match="cannot be rebuilt"):
        store.load(two)
    store.path(two).write_text('{"format": "patient-wallet-bundle-parts", "version": 9}')
    with pytest.raises(WalletError, match="newer Patient Wallet"):
        store.load(two)
    store.path(two).write_bytes(b"\x00garbage")
    with pytest.raises(CorruptData, match="cannot be rebuilt"):
        store.load(two)
    with pytest.raises(WalletValueError, match="64 hexadecimal"):
        store.path("../ledger")
    store.remove(two)
    assert store.load(two) is None
