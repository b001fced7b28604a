"""The ``patient-wallet`` command line: parsing, dispatch and the exit-code contract.

Exit 0 on success; a usage error exits 2 (argparse); any other failure exits 1 with one sentence on
stderr and no traceback (set ``PATIENT_WALLET_DEBUG=1`` to see one for a bug report). Commands live
in one module per group (``wallet_commands``, ``record_commands``, …); each registers its
subcommands and handlers, and handlers return an exit code. Async handlers run in ``asyncio.run``.

Must not import Qt. With no command it prints the help (the desktop app will take that place).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from wallet import __version__
from wallet.cli import (
    backup_commands,
    chain_commands,
    record_commands,
    share_commands,
    wallet_commands,
)
from wallet.cli.context import CliContext
from wallet.datadir import DataDir, default_data_dir
from wallet.errors import WalletError
from wallet.settings import load_settings

COMMAND_GROUPS = (
    wallet_commands,
    record_commands,
    chain_commands,
    share_commands,
    backup_commands,
)


class _Parser(argparse.ArgumentParser):
    """argparse with a one-sentence error line (still exit 2 for usage errors)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message[0].upper()}{message[1:]}.\n")


def print_version(args: argparse.Namespace) -> None:
    """``--version``: the program's version, the data directory in use and its network."""
    data_dir = DataDir(Path(args.data_dir).expanduser() if args.data_dir else default_data_dir())
    try:
        network = args.rpc or args.network or load_settings(data_dir.settings).network
    except WalletError:
        network = "unknown (the settings file cannot be read)"
    print(f"patient-wallet {__version__}")
    print(f"data dir: {data_dir.root}")
    print(f"network:  {network}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="patient-wallet",
        description="Keep your health records encrypted here and decide who may read them.",
    )
    parser.add_argument(
        "--version", action="store_true", help="print the version, data directory and network"
    )
    parser.add_argument("--data-dir", metavar="DIR", help="wallet data directory")
    parser.add_argument(
        "--password-file", metavar="FILE", help="read the wallet password from FILE"
    )
    network = parser.add_mutually_exclusive_group()
    network.add_argument("--network", metavar="NAME", help="network profile (default: local)")
    network.add_argument(
        "--rpc", metavar="URL", help="use the node at URL (contracts from a profile)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, run the command, and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print_version(args)
        return 0
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command is None:
            parser.print_help(sys.stdout)
            return 0
        # A group was named without a subcommand ("patient-wallet records").
        args.group_parser.print_help(sys.stderr)
        return 2
    ctx = CliContext(args)
    try:
        result = handler(ctx)
        if inspect.isawaitable(result):
            result = asyncio.run(result)  # type: ignore[arg-type]
        return int(result or 0)
    except WalletError as exc:
        print(f"Error: {exc.user_message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; nothing was left half-written.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # noqa: BLE001 — the last line of defence: a sentence, not a traceback
        if os.environ.get("PATIENT_WALLET_DEBUG") == "1":
            traceback.print_exc()
        print(
            f"Error: an unexpected problem stopped the command ({type(exc).__name__}); "
            "set PATIENT_WALLET_DEBUG=1 for details.",
            file=sys.stderr,
        )
        return 1
    finally:
        ctx.close()


def main() -> None:
    """Console entry point."""
    sys.exit(run())
