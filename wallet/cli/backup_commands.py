"""CLI commands: backup export|restore, backup shares split|recover, account export-keystore.

Must not import Qt. Words, shares, keystore files and passwords are secrets: they are read from
files the user names (or a terminal prompt), written only to new 0600 files, and never printed
to stdout or stderr or put into an error message. Long operations draw progress on a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet.cli.context import CliContext, read_secret_file
from wallet.errors import WalletExists, WalletValueError
from wallet.kdf import INSECURE_FAST_KDF_ENV, insecure_fast_kdf_requested

if TYPE_CHECKING:
    from wallet.backup import BackupProgress

#: scrypt n of keystore v3 exports when the insecure test KDF is explicitly requested.
INSECURE_KEYSTORE_SCRYPT_N = 2**10


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    # Also accepted after the subcommand; SUPPRESS keeps the global --data-dir when absent.
    parser.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="wallet data directory"
    )


def register(commands: Any) -> None:
    backup = commands.add_parser("backup", help="encrypted backup, restore, SLIP-39 shares")
    backup.set_defaults(group_parser=backup)
    sub = backup.add_subparsers(dest="backup_command", metavar="COMMAND")

    export = sub.add_parser("export", help="write one encrypted, verified backup file")
    export.add_argument("--out", metavar="FILE", required=True, help="the new backup file")
    export.add_argument(
        "--password-file-for-backup",
        metavar="FILE",
        help="also protect the backup with the password in FILE (needed, with the words, "
        "to restore it)",
    )
    export.set_defaults(handler=cmd_export)

    restore = sub.add_parser("restore", help="restore a backup into an empty data directory")
    restore.add_argument("backup_file", metavar="FILE")
    restore.add_argument("--mnemonic-file", metavar="WORDS", required=True)
    restore.add_argument("--passphrase-file", metavar="FILE", help="the BIP39 passphrase, if any")
    restore.add_argument("--password-file-for-backup", metavar="FILE")
    restore.add_argument(
        "--force", action="store_true", help="replace a non-empty data directory once verified"
    )
    _add_data_dir(restore)
    restore.set_defaults(handler=cmd_restore)

    shares = sub.add_parser("shares", help="SLIP-39 shares of the recovery words")
    shares.set_defaults(group_parser=shares)
    shares_sub = shares.add_subparsers(dest="shares_command", metavar="COMMAND")
    split = shares_sub.add_parser("split", help="write SLIP-39 shares, one per 0600 file")
    split.add_argument("--threshold", type=_whole_number, default=2, metavar="M")
    split.add_argument("--count", type=_whole_number, default=3, metavar="N")
    split.add_argument("--out-dir", metavar="DIR", required=True)
    split.add_argument("--slip39-passphrase-file", metavar="FILE")
    split.set_defaults(handler=cmd_shares_split)
    recover = shares_sub.add_parser("recover", help="restore a wallet from SLIP-39 share files")
    recover.add_argument("share_files", nargs="+", metavar="SHARE_FILE")
    recover.add_argument("--passphrase-file", metavar="FILE", help="the BIP39 passphrase, if any")
    recover.add_argument("--slip39-passphrase-file", metavar="FILE")
    _add_data_dir(recover)
    recover.set_defaults(handler=cmd_shares_recover)

    account = commands.add_parser("account", help="export a signing account")
    account.set_defaults(group_parser=account)
    account_sub = account.add_subparsers(dest="account_command", metavar="COMMAND")
    keystore = account_sub.add_parser(
        "export-keystore", help="write one account as an Ethereum keystore v3 file"
    )
    keystore.add_argument("--index", type=_whole_number, default=0, metavar="N")
    keystore.add_argument("--out", metavar="FILE", required=True)
    keystore.add_argument("--keystore-password-file", metavar="FILE")
    keystore.set_defaults(handler=cmd_export_keystore)


def _progress(ctx: CliContext) -> BackupProgress | None:
    if not ctx.err.isatty():
        return None
    bars: dict[str, Callable[[int, int], None] | None] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in bars:
            bars[stage] = ctx.progress(stage)
        bar = bars[stage]
        if bar is not None:
            bar(done, total)

    return report


def _optional_secret(path: str | None, what: str) -> str | None:
    return None if path is None else read_secret_file(Path(path), what)


def cmd_export(ctx: CliContext) -> int:
    backup_password = _optional_secret(ctx.args.password_file_for_backup, "backup password")
    report = (
        ctx.unlocked_service()
        .backups()
        .export(Path(ctx.args.out), backup_password=backup_password, progress=_progress(ctx))
    )
    ctx.warn(
        f"Backup written and verified: {report.path} ({report.records} records, "
        f"{report.size} bytes). The recovery words"
        + (" and the backup password" if backup_password is not None else "")
        + " restore it."
    )
    return 0


def cmd_restore(ctx: CliContext) -> int:
    words = read_secret_file(Path(ctx.args.mnemonic_file), "recovery words")
    passphrase = _optional_secret(ctx.args.passphrase_file, "passphrase") or ""
    backup_password = _optional_secret(ctx.args.password_file_for_backup, "backup password")
    service = ctx.service()
    if not ctx.args.force and not service.data_dir.is_empty():
        raise WalletExists(
            f"{service.data_dir.root} is not empty; restore into an empty --data-dir "
            "or add --force."
        )
    password = ctx.password(confirm=True)
    report = service.backups().restore(
        Path(ctx.args.backup_file),
        words,
        password,
        passphrase=passphrase,
        backup_password=backup_password,
        force=ctx.args.force,
        progress=_progress(ctx),
    )
    service.unlock(password)
    ctx.warn(
        f"Backup of {report.created_at} restored: {report.records} records. "
        f"Account 0: {service.address(0)}"
    )
    return 0


def _slip39_passphrase(ctx: CliContext) -> bytes:
    text = _optional_secret(ctx.args.slip39_passphrase_file, "SLIP-39 passphrase")
    return b"" if text is None else text.encode("utf-8")


def cmd_shares_split(ctx: CliContext) -> int:
    service = ctx.unlocked_service()
    paths = service.backups().split_shares(
        Path(ctx.args.out_dir),
        threshold=ctx.args.threshold,
        count=ctx.args.count,
        slip39_passphrase=_slip39_passphrase(ctx),
    )
    for path in paths:
        ctx.print(str(path))
    ctx.warn(
        f"{len(paths)} shares written; any {ctx.args.threshold} restore the wallet. "
        "Keep them in different places."
    )
    if service.session.has_passphrase:
        ctx.warn("This wallet has a BIP39 passphrase: it is not in the shares; keep it too.")
    return 0


def cmd_shares_recover(ctx: CliContext) -> int:
    service = ctx.service()
    if service.has_wallet:
        raise WalletExists(
            f"A wallet already exists in {service.data_dir.root}; recover into an empty --data-dir."
        )
    words = service.backups().words_from_shares(
        [Path(p) for p in ctx.args.share_files], slip39_passphrase=_slip39_passphrase(ctx)
    )
    passphrase = _optional_secret(ctx.args.passphrase_file, "passphrase") or ""
    service.restore(words, ctx.password(confirm=True), passphrase=passphrase)
    ctx.warn(f"Wallet recovered from shares. Account 0: {service.address(0)}")
    return 0


def _keystore_password(ctx: CliContext) -> str:
    path = ctx.args.keystore_password_file
    if path is not None:
        return read_secret_file(Path(path), "keystore password")
    if not sys.stdin.isatty():
        raise WalletValueError(
            "No keystore password given: use --keystore-password-file or run in a terminal."
        )
    first = getpass.getpass("Password for the keystore file: ")
    if getpass.getpass("Repeat it: ") != first:
        raise WalletValueError("The two passwords differ; nothing was written.")
    return first


def cmd_export_keystore(ctx: CliContext) -> int:
    out = Path(ctx.args.out)
    if out.exists():
        raise WalletExists(f"{out} already exists; choose another name.")
    password = _keystore_password(ctx)
    scrypt_n = None
    if insecure_fast_kdf_requested():
        ctx.warn(f"warning: {INSECURE_FAST_KDF_ENV}=1 is set; the keystore's scrypt cost is weak.")
        scrypt_n = INSECURE_KEYSTORE_SCRYPT_N
    service = ctx.unlocked_service()
    address = service.backups().export_keystore(
        out, password, index=ctx.args.index, scrypt_n=scrypt_n
    )
    ctx.warn(f"Account {ctx.args.index} ({address}) written to {out}; its password protects it.")
    return 0
