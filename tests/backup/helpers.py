"""Helpers for backup tests: snapshots of directory trees and in-process CLI runs."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from tests.cli.helpers import PASSWORD, Result
from wallet.cli import run

MARKER = b"MARKER-7f3a-plaintext-health-data"


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file and folder under ``root``: relative path -> (mode, content)."""
    found: dict[str, tuple[int, bytes]] = {}
    if not root.exists():
        return found
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        mode = path.lstat().st_mode
        found[rel] = (mode, path.read_bytes() if path.is_file() else b"")
    return found


def run_inprocess(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], *argv: str, password: str = PASSWORD
) -> Result:
    """Run the real CLI entry point in this process (fast: no interpreter start-up)."""
    for key in [k for k in os.environ if k.startswith("PATIENT_WALLET_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        if key.startswith("PATIENT_WALLET_"):
            monkeypatch.setenv(key, value)
    monkeypatch.setenv("PATIENT_WALLET_PASSWORD", password)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(argv))
    return Result(code, out.getvalue(), err.getvalue())


def files_containing(root: Path, needle: bytes) -> list[Path]:
    """Files under ``root`` whose bytes contain ``needle``."""
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]
