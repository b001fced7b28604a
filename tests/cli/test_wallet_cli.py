"""The CLI contract for wallet commands: init, restore, address, recipient, identity export."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

from tests.cli.helpers import (
    ABANDON,
    ABANDON_ADDRESS,
    PASSWORD,
    SCRIPT,
    Cli,
    assert_one_sentence_error,
)


def test_restore_abandon_about_gives_the_known_address(restored: Cli) -> None:
    result = restored("address", check=True)
    assert result.stdout.strip() == ABANDON_ADDRESS


def test_address_index_and_recipient(restored: Cli) -> None:
    second = restored("address", "--index", "1", check=True).stdout.strip()
    assert second.startswith("0x") and second != ABANDON_ADDRESS
    recipient = restored("recipient", check=True).stdout.strip()
    assert recipient.startswith("age1") and len(recipient) == 62


def test_init_writes_words_0600_and_the_same_words_restore_the_same_wallet(
    make_cli, tmp_path: Path
) -> None:
    first = make_cli("first")
    words_file = tmp_path / "words.txt"
    first("init", "--words", "12", "--mnemonic-out", str(words_file), check=True)
    assert stat.S_IMODE(words_file.stat().st_mode) == 0o600
    words = words_file.read_text().split()
    assert len(words) == 12
    second = make_cli("second")
    second("restore", "--mnemonic-file", str(words_file), check=True)
    assert first("address", check=True).stdout == second("address", check=True).stdout
    assert first("recipient", check=True).stdout == second("recipient", check=True).stdout


def test_init_prints_24_words_to_stdout_by_default(cli: Cli) -> None:
    result = cli("init", check=True)
    assert len(result.stdout.split()) == 24
    assert result.stdout.split()[0] not in result.stderr


def test_init_refuses_an_existing_wallet_and_keeps_it(restored: Cli) -> None:
    before = restored.data_dir.joinpath("wallet.json").read_bytes()
    assert_one_sentence_error(restored("init"), "already exists")
    assert restored.data_dir.joinpath("wallet.json").read_bytes() == before
    assert restored("address", check=True).stdout.strip() == ABANDON_ADDRESS


def test_wrong_password_is_one_sentence_and_changes_nothing(restored: Cli) -> None:
    snapshot = {p: p.read_bytes() for p in restored.data_dir.rglob("*") if p.is_file()}
    assert_one_sentence_error(restored("address", password="not the password"), "password")
    after = {p: p.read_bytes() for p in restored.data_dir.rglob("*") if p.is_file()}
    assert after == snapshot
    assert restored("address", check=True).stdout.strip() == ABANDON_ADDRESS


def test_invalid_words_name_the_problem(cli: Cli, tmp_path: Path) -> None:
    bad_word = tmp_path / "bad-word.txt"
    bad_word.write_text("abandon " * 10 + "abandonn about\n")
    assert_one_sentence_error(cli("restore", "--mnemonic-file", str(bad_word)), "abandonn")
    bad_checksum = tmp_path / "bad-checksum.txt"
    bad_checksum.write_text("abandon " * 12)
    assert_one_sentence_error(cli("restore", "--mnemonic-file", str(bad_checksum)), "checksum")
    assert not cli.data_dir.joinpath("wallet.json").exists()


def test_restore_normalises_case_and_spacing(cli: Cli, tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("  " + ABANDON.upper().replace(" ", "   ") + "\n\n")
    cli("restore", "--mnemonic-file", str(words), check=True)
    assert cli("address", check=True).stdout.strip() == ABANDON_ADDRESS


def test_bip39_passphrase_changes_the_wallet(cli: Cli, tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text(ABANDON)
    passphrase = tmp_path / "passphrase.txt"
    passphrase.write_text("TREZOR\n")
    cli("restore", "--mnemonic-file", str(words), "--passphrase-file", str(passphrase), check=True)
    assert cli("address", check=True).stdout.strip() != ABANDON_ADDRESS


def test_weak_password_is_refused_before_anything_is_written(cli: Cli) -> None:
    assert_one_sentence_error(cli("init", password="1234"), "at least")
    assert not cli.data_dir.joinpath("wallet.json").exists()


def test_missing_files_and_usage_errors(cli: Cli, restored: Cli, tmp_path: Path) -> None:
    assert_one_sentence_error(
        cli("restore", "--mnemonic-file", str(tmp_path / "nope.txt")), "does not exist"
    )
    assert_one_sentence_error(
        restored("--password-file", str(tmp_path / "nope"), "address"), "does not exist"
    )
    usage = restored("address", "--index", "minus")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
    assert restored("no-such-command").returncode == 2


def test_no_wallet_yet(cli: Cli) -> None:
    assert_one_sentence_error(cli("address"), "no wallet")


def test_password_file_is_used(restored: Cli, tmp_path: Path) -> None:
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n")
    result = restored("--password-file", str(password_file), "address", password=None, check=True)
    assert result.stdout.strip() == ABANDON_ADDRESS


def test_no_password_without_a_terminal_is_a_sentence(restored: Cli) -> None:
    assert_one_sentence_error(restored("address", password=None), "No password given")


def test_identity_export_opens_records_with_the_age_cli(restored: Cli, tmp_path: Path) -> None:
    identity = tmp_path / "identity.txt"
    restored("identity", "export-age", "--out", str(identity), check=True)
    assert stat.S_IMODE(identity.stat().st_mode) == 0o600
    assert "AGE-SECRET-KEY-1" in identity.read_text()
    assert_one_sentence_error(
        restored("identity", "export-age", "--out", str(identity)), "already exists"
    )
    # The exported identity's public key is the vault recipient, per age-keygen -y.
    public = subprocess.run(
        ["age-keygen", "-y", str(identity)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert public == restored("recipient", check=True).stdout.strip()


def test_version_names_the_data_dir_and_network(restored: Cli) -> None:
    out = restored("--version", check=True).stdout.splitlines()
    assert out[0].startswith("patient-wallet ")
    assert out[1] == f"data dir: {restored.data_dir}"
    assert out[2] == "network:  local"
    assert (
        restored("--network", "besu", "--version", check=True)
        .stdout.splitlines()[2]
        .endswith("besu")
    )


def test_no_command_without_a_display_is_a_sentence(cli: Cli) -> None:
    env = {k: v for k, v in cli.env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run([SCRIPT], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: no display")
    assert "Traceback" not in proc.stderr
