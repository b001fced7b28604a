"""CLI commands about the wallet itself: init, restore, address, recipient, identity export-age.

Must not import Qt. Words are secrets: ``init`` writes them to a new 0600 file or to stdout only,
never to stderr, logs or error messages.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from wallet.cli.context import CliContext, read_secret_file
from wallet.errors import WalletExists, WalletValueError
from wallet.fileio import write_atomic


def register(commands: Any) -> None:
    init = commands.add_parser("init", help="create a new wallet with fresh recovery words")
    init.add_argument("--words", type=int, choices=(12, 24), default=24, help="number of words")
    init.add_argument("--mnemonic-out", metavar="FILE", help="write the words to FILE (0600)")
    init.add_argument(
        "--passphrase-file", metavar="FILE", help="optional BIP39 passphrase (a 25th word)"
    )
    init.set_defaults(handler=cmd_init)

    restore = commands.add_parser("restore", help="rebuild a wallet from its recovery words")
    restore.add_argument("--mnemonic-file", metavar="FILE", required=True)
    restore.add_argument("--passphrase-file", metavar="FILE")
    restore.set_defaults(handler=cmd_restore)

    address = commands.add_parser("address", help="print the EIP-55 address of an account")
    address.add_argument("--index", type=_account_index, default=0, metavar="N")
    address.set_defaults(handler=cmd_address)

    recipient = commands.add_parser("recipient", help="print the vault's age recipient (age1…)")
    recipient.set_defaults(handler=cmd_recipient)

    identity = commands.add_parser("identity", help="export the vault's age identity")
    identity_cmds = identity.add_subparsers(dest="identity_command", metavar="COMMAND")
    identity.set_defaults(group_parser=identity)
    export = identity_cmds.add_parser(
        "export-age", help="write the age identity (AGE-SECRET-KEY-1…) to a new 0600 file"
    )
    export.add_argument("--out", metavar="FILE", required=True)
    export.set_defaults(handler=cmd_identity_export)


def _account_index(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**31:
        raise argparse.ArgumentTypeError("the account index must be between 0 and 2147483647")
    return value


def _passphrase(ctx: CliContext) -> str:
    path = ctx.args.passphrase_file
    return read_secret_file(Path(path), "passphrase") if path else ""


def cmd_init(ctx: CliContext) -> int:
    out = Path(ctx.args.mnemonic_out) if ctx.args.mnemonic_out else None
    if out is not None and out.exists():
        raise WalletExists(f"{out} already exists; the words go to a new file only.")
    if out is not None and not out.parent.is_dir():
        raise WalletValueError(f"The folder {out.parent} does not exist.")
    service = ctx.service()
    if service.has_wallet:
        raise WalletExists(
            f"A wallet already exists in {service.data_dir.root}; choose another --data-dir."
        )
    passphrase = _passphrase(ctx)
    words = service.create(ctx.password(confirm=True), words=ctx.args.words, passphrase=passphrase)
    if out is not None:
        write_atomic(out, (words + "\n").encode())
        ctx.warn(
            f"Recovery words written to {out}. Keep that file offline and delete it once copied."
        )
    else:
        ctx.warn("Your recovery words (write them down; anyone with them can open the wallet):")
        ctx.print(words)
    ctx.warn(f"Wallet created. Account 0: {service.address(0)}")
    return 0


def cmd_restore(ctx: CliContext) -> int:
    words = read_secret_file(Path(ctx.args.mnemonic_file), "recovery words")
    service = ctx.service()
    if service.has_wallet:
        raise WalletExists(
            f"A wallet already exists in {service.data_dir.root}; restore into an empty --data-dir."
        )
    passphrase = _passphrase(ctx)
    service.restore(words, ctx.password(confirm=True), passphrase=passphrase)
    ctx.warn(f"Wallet restored. Account 0: {service.address(0)}")
    return 0


def cmd_address(ctx: CliContext) -> int:
    ctx.print(ctx.unlocked_service().address(ctx.args.index))
    return 0


def cmd_recipient(ctx: CliContext) -> int:
    ctx.print(ctx.unlocked_service().recipient())
    return 0


def cmd_identity_export(ctx: CliContext) -> int:
    out = Path(ctx.args.out)
    if not out.parent.is_dir():
        raise WalletValueError(f"The folder {out.parent} does not exist.")
    ctx.unlocked_service().export_identity(out)
    ctx.warn(f"Age identity written to {out}; anyone with this file can read every record.")
    return 0
