"""Atomic, permission-first file writes and the data directory's file rules.

Owns how the core puts bytes on disk: every file is created 0600 (directories 0700), written to a
temporary name in the same directory, fsynced, then renamed over the target, and the directory is
fsynced, so a crash leaves either the old file or the new one, never a mix. Never writes plaintext
health data: callers hand it ciphertext (or, for an explicit user export, the user's own choice).

Must not import Qt or any other ``wallet`` module but ``errors``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700
TMP_SUFFIX = ".tmp"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700 if missing; tighten it if it exists."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path_for(target: Path) -> Path:
    """A fresh temporary name beside ``target`` that cleanup can recognise by its suffix."""
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}{TMP_SUFFIX}")


@contextlib.contextmanager
def atomic_writer(target: Path, *, mode: int = FILE_MODE) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces ``target`` atomically when the block ends without error.

    On an exception the temporary file is removed and ``target`` is left as it was.
    """
    tmp = temp_path_for(target)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)


def write_atomic(target: Path, data: bytes, *, mode: int = FILE_MODE) -> None:
    """Write ``data`` to ``target`` atomically with ``mode`` permissions."""
    with atomic_writer(target, mode=mode) as fh:
        fh.write(data)


def remove_stale_temp_files(directory: Path) -> int:
    """Delete temporary files a crashed write left in ``directory``; return how many."""
    count = 0
    if not directory.is_dir():
        return 0
    for entry in directory.iterdir():
        if entry.name.startswith(".") and entry.name.endswith(TMP_SUFFIX):
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                count += 1
    return count
