"""SLIP-39 share files and keystore v3 export through the real command line."""

from __future__ import annotations

import itertools
import json
import stat
from collections.abc import Callable
from pathlib import Path

from eth_account import Account

from tests.cli.helpers import ABANDON_ADDRESS, Cli, assert_one_sentence_error


def test_slip39_split_then_recover_with_any_two_of_three(
    restored: Cli, make_cli: Callable[[str], Cli], tmp_path: Path
) -> None:
    out_dir = tmp_path / "shares-out"
    result = restored(
        "backup",
        "shares",
        "split",
        "--threshold",
        "2",
        "--count",
        "3",
        "--out-dir",
        str(out_dir),
        check=True,
    )
    files = [Path(line) for line in result.stdout.split()]
    assert len(files) == 3 and len(set(p.read_text() for p in files)) == 3
    assert stat.S_IMODE(out_dir.stat().st_mode) == 0o700
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert "abandon" not in path.read_text()
    for number, pair in enumerate(itertools.combinations(files, 2)):
        target = make_cli(f"from-shares-{number}")
        recovered = target("backup", "shares", "recover", *map(str, pair))
        assert recovered.returncode == 0, recovered.stderr
        assert target("address", check=True).stdout.strip() == ABANDON_ADDRESS

    alone = make_cli("one-share")
    assert_one_sentence_error(alone("backup", "shares", "recover", str(files[0])), "share")
    assert not (alone.data_dir / "wallet.json").exists()
    again = restored("backup", "shares", "split", "--out-dir", str(out_dir))
    assert_one_sentence_error(again, "already exists")


def test_recover_accepts_data_dir_after_the_subcommand(
    restored: Cli, cli_env: dict[str, str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "s"
    restored("backup", "shares", "split", "--out-dir", str(out_dir), check=True)
    shares = sorted(str(p) for p in out_dir.iterdir())[:2]
    new = tmp_path / "new"
    target = Cli(tmp_path / "ignored", cli_env)
    result = target("backup", "shares", "recover", *shares, "--data-dir", str(new))
    assert result.returncode == 0, result.stderr
    assert (new / "wallet.json").exists()
    assert not (tmp_path / "ignored").exists()


def test_keystore_export_opens_with_eth_account(restored: Cli, tmp_path: Path) -> None:
    password_file = tmp_path / "ks-password.txt"
    password_file.write_text("keystore password 42\n")
    out = tmp_path / "account0.json"
    result = restored(
        "account",
        "export-keystore",
        "--index",
        "0",
        "--out",
        str(out),
        "--keystore-password-file",
        str(password_file),
        check=True,
    )
    assert "weak" in result.stderr  # the suite asked for the insecure test KDF, and is told so
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    keystore = json.loads(out.read_text())
    assert keystore["version"] == 3
    key = Account.decrypt(keystore, "keystore password 42")
    assert Account.from_key(key).address == ABANDON_ADDRESS
    again = restored(
        "account",
        "export-keystore",
        "--out",
        str(out),
        "--keystore-password-file",
        str(password_file),
    )
    assert_one_sentence_error(again, "already exists")
