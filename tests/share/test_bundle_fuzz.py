"""Hypothesis fuzzing of the bundle reader: whatever the bytes, only typed WalletErrors come out.

Each example is written to a real file and run through the whole provider path that needs no
chain (read the tar, verify commitments and keys, decrypt into a folder) with the right identity.
A failure must be a :class:`WalletError` with a one-sentence message and must leave no file.
"""

from __future__ import annotations

import io
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.share.bundles import share
from wallet.age import X25519Identity
from wallet.errors import WalletError
from wallet.share import extract_records, read_bundle, verify_bundle


@dataclass(frozen=True)
class Base:
    data: bytes
    members: list[tuple[tarfile.TarInfo, bytes]]
    identity: X25519Identity
    expected: list[bytes]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Base]:
    tmp = tmp_path_factory.mktemp("fuzz")
    shared = share(tmp, [("a.txt", b"first record " * 9000), ("b.pdf", b"%PDF second")])
    data = shared.built.path.read_bytes()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    yield Base(data, members, shared.provider, shared.contents)
    shared.vault.close()


def _run(data: bytes, identity: X25519Identity) -> list[bytes] | None:
    """Open ``data`` as a bundle; the decrypted files, or None after a (typed) refusal."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.tar"
        path.write_bytes(data)
        out = Path(tmp) / "out"
        try:
            with read_bundle(path) as bundle:
                opened = extract_records(verify_bundle(bundle, identity), out)
                return [r.path.read_bytes() for r in opened]
        except WalletError as exc:
            message = exc.user_message
            assert message.endswith(".") and "\n" not in message, message
            assert not out.exists() or list(out.iterdir()) == []
            return None


def _tar(members: list[tuple[tarfile.TarInfo, bytes]], fmt: int = tarfile.GNU_FORMAT) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt) as tar:
        for info, content in members:
            tar.addfile(info, io.BytesIO(content) if info.isreg() else None)
    return buffer.getvalue()


FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_valid_bundle_opens(base: Base) -> None:
    assert _run(base.data, base.identity) == base.expected
    assert _run(_tar(base.members), base.identity) == base.expected  # same members, re-tarred


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(base: Base, data: bytes) -> None:
    assert _run(data, base.identity) is None


@FUZZ
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(1, 255)), min_size=1, max_size=4))
def test_mutated_bundle(base: Base, flips: list[tuple[int, int]]) -> None:
    data = bytearray(base.data)
    for position, mask in flips:
        data[position % len(data)] ^= mask
    result = _run(bytes(data), base.identity)
    assert result is None or result == base.expected  # e.g. a flip in padding or tar metadata


@FUZZ
@given(st.integers(min_value=0), st.binary(min_size=1, max_size=64))
def test_inserted_bytes(base: Base, position: int, extra: bytes) -> None:
    at = position % len(base.data)
    result = _run(base.data[:at] + extra + base.data[at:], base.identity)
    assert result is None or result == base.expected


@FUZZ
@given(st.integers(min_value=0))
def test_truncated_bundle(base: Base, cut: int) -> None:
    end = len(base.data) - 1024  # the two end-of-archive blocks may go without harm
    result = _run(base.data[: cut % end], base.identity)
    assert result is None


def _member(kind: str, name: str, size: int = 0) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    if kind == "symlink":
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
    elif kind == "hardlink":
        info.type = tarfile.LNKTYPE
        info.linkname = "bundle.json"
    elif kind == "dir":
        info.type = tarfile.DIRTYPE
    elif kind == "fifo":
        info.type = tarfile.FIFOTYPE
    info.size = size if kind == "file" else 0
    return info, bytes(size) if kind == "file" else b""


NAMES = st.sampled_from(
    ["bundle.json", "manifest.age", "records/0001.age", "records/0003.age", "../x", "/etc/x", "a"]
)
KINDS = st.sampled_from(["file", "symlink", "hardlink", "dir", "fifo"])


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, 5), KINDS, NAMES, st.integers(0, 2048)), min_size=1, max_size=3
    ),
    st.sampled_from([tarfile.GNU_FORMAT, tarfile.PAX_FORMAT, tarfile.USTAR_FORMAT]),
)
def test_crafted_tars(base: Base, inserts: list[tuple[int, str, str, int]], fmt: int) -> None:
    members = list(base.members)
    for position, kind, name, size in inserts:
        members.insert(position % (len(members) + 1), _member(kind, name, size))
    assert _run(_tar(members, fmt), base.identity) is None


@FUZZ
@given(st.integers(0, 3), st.sampled_from(["duplicate", "drop", "swap", "oversize", "pax"]))
def test_reshaped_tars(base: Base, index: int, how: str) -> None:
    members = list(base.members)
    i = index % len(members)
    if how == "duplicate":
        members.insert(i, members[i])
    elif how == "drop":
        del members[i]
    elif how == "swap":
        j = (i + 1) % len(members)
        members[i], members[j] = members[j], members[i]
    elif how == "oversize":  # a header that claims more bytes than the archive holds
        data = bytearray(_tar(members))
        info, content = members[i]
        offset = sum(512 + len(c) + (-len(c) % 512) for _, c in members[:i])
        data[offset + 124 : offset + 136] = b"77777777777\x00"
        assert _run(bytes(data), base.identity) is None
        return
    else:
        info, content = members[i]
        copy = tarfile.TarInfo(info.name)
        copy.size, copy.mode, copy.mtime = info.size, info.mode, info.mtime
        copy.pax_headers = {"comment": "x"}
        members[i] = (copy, content)
        assert _run(_tar(members, tarfile.PAX_FORMAT), base.identity) is None
        return
    assert _run(_tar(members), base.identity) is None
