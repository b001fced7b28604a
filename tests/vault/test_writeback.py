"""WriteBehindFile: exact content, 0600, never over an existing file, write-back errors surface."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from wallet.vault import writeback
from wallet.vault.writeback import WriteBehindFile


def test_content_mode_and_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writeback, "WINDOW", 64 * 1024)
    calls: list[int] = []
    real = os.fdatasync

    def counting(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fdatasync", counting)
    data = os.urandom(1_000_003)
    path = tmp_path / "f.bin"
    with WriteBehindFile(path) as fh:
        for i in range(0, len(data), 70_000):
            assert fh.write(memoryview(data)[i : i + 70_000]) == len(data[i : i + 70_000])
        fh.sync()
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert 1 <= len(calls) <= len(data) // (64 * 1024)


def test_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "exists"
    path.write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        WriteBehindFile(path)
    assert path.read_bytes() == b"keep"


def test_write_back_error_is_raised_by_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writeback, "WINDOW", 1024)

    def failing(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fdatasync", failing)
    with WriteBehindFile(tmp_path / "f") as fh:
        fh.write(bytes(4096))
        with pytest.raises(OSError, match="Input/output error"):
            fh.sync()
