"""A real crash: a child process is SIGKILLed in the middle of a large import."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from wallet.age import X25519Identity
from wallet.vault import Vault

from .conftest import make_file

REPO = Path(__file__).resolve().parents[2]
LARGE = 300 * 2**20


def _wait_for_growing_temp_file(records: Path, child: subprocess.Popen[str]) -> int:
    """Size of the import's temporary file once it exists and has grown; fails on timeout."""
    deadline = time.monotonic() + 30
    first_size = None
    while time.monotonic() < deadline:
        assert child.poll() is None, "the child finished before it could be killed"
        temps = (
            [p for p in records.iterdir() if p.name.endswith(".tmp")] if records.exists() else []
        )
        if temps:
            try:
                size = temps[0].stat().st_size
            except FileNotFoundError:
                size = None
            if size is not None and first_size is None:
                first_size = size
            elif size is not None and first_size is not None and size > first_size:
                return size
        time.sleep(0.002)
    raise AssertionError("the large import's temporary file never appeared and grew")


def test_sigkill_mid_import(tmp_path: Path, identity: X25519Identity) -> None:
    index_key = os.urandom(32)
    root = tmp_path / "vault"
    small = [make_file(tmp_path, f"small{i}.bin", os.urandom(70_000 + i)) for i in range(2)]
    large = tmp_path / "large.bin"
    with open(large, "wb") as fh:  # sparse: costs no disk writes to make, 300 MB to encrypt
        fh.truncate(LARGE)
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.vault._crash_child",
            str(root),
            index_key.hex(),
            *map(str, small),
            str(large),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        ids = [child.stdout.readline().strip() for _ in range(2)]
        assert child.stdout.readline().strip() == "LARGE-START"
        written = _wait_for_growing_temp_file(root / "records", child)
        assert 0 < written < LARGE
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    leftovers = sorted(p.name for p in (root / "records").iterdir())
    assert any(name.endswith(".tmp") for name in leftovers), leftovers  # the crash left debris
    db = sqlite3.connect(root / "index.sqlite3")
    try:
        (intent,) = db.execute("SELECT id, op FROM intents").fetchall()
        assert intent[1] == "import"
        assert intent[0] not in ids
    finally:
        db.close()

    with Vault.open(root, identity, index_key) as vault:
        assert sorted(p.name for p in vault.records_dir.iterdir()) == sorted(
            f"{i}.age" for i in ids
        )
        assert sorted(m.id for m in vault.list_records()) == sorted(ids)
        assert vault.check(verify=True) == []
        for record_id, src in zip(ids, small, strict=True):
            out = tmp_path / f"{record_id}.out"
            vault.export(record_id, out)
            assert out.read_bytes() == src.read_bytes()
    assert not [p for p in root.rglob("*") if p.name.endswith((".tmp", "-journal", "-wal"))]
