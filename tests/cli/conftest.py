"""Fixtures for CLI tests: throwaway data directories and a restored wallet."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.helpers import ABANDON, Cli


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATIENT_WALLET_")}
    env["PATIENT_WALLET_INSECURE_FAST_KDF"] = "1"
    env["HOME"] = str(tmp_path / "home")
    return env


@pytest.fixture
def make_cli(tmp_path: Path, cli_env: dict[str, str]) -> Callable[[str], Cli]:
    def make(name: str) -> Cli:
        return Cli(tmp_path / name, cli_env)

    return make


@pytest.fixture
def cli(make_cli: Callable[[str], Cli]) -> Cli:
    return make_cli("wallet")


@pytest.fixture
def restored(cli: Cli, tmp_path: Path) -> Cli:
    words = tmp_path / "words.txt"
    words.write_text(ABANDON + "\n")
    cli("restore", "--mnemonic-file", str(words), check=True)
    return cli
