"""What every CLI command gets: parsed options, the data directory, the password, the service.

Owns the CLI's input rules that are not about one command: where the password comes from
(``--password-file``, else ``PATIENT_WALLET_PASSWORD``, else an interactive prompt), how output is
printed (plain lines or JSON), and progress on the terminal. Must not import Qt.

Security: the password is read once and handed to the service, which derives the key and forgets
it; it is never echoed, logged or put in an error message.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from wallet.datadir import DataDir, default_data_dir
from wallet.errors import WalletNotFound, WalletValueError
from wallet.kdf import (
    INSECURE_FAST_KDF_ENV,
    KdfParams,
    insecure_fast_kdf_requested,
    params_for_new_keystore,
)
from wallet.service import WalletService

PASSWORD_ENV = "PATIENT_WALLET_PASSWORD"  # noqa: S105 — the variable's name, not a password


def read_secret_file(path: Path, what: str) -> str:
    """The contents of a small secret file without its final newline."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WalletNotFound(f"The {what} file {path} does not exist.") from None
    except UnicodeDecodeError:
        raise WalletValueError(f"The {what} file {path} is not UTF-8 text.") from None
    except OSError as exc:
        raise WalletValueError(f"The {what} file {path} cannot be read ({exc.strerror}).") from None
    return text[:-1] if text.endswith("\n") else text


@dataclass
class CliContext:
    """The parsed command line plus the lazily built service."""

    args: argparse.Namespace
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _service: WalletService | None = None

    @property
    def data_dir(self) -> DataDir:
        root = self.args.data_dir or default_data_dir()
        return DataDir(Path(root).expanduser())

    def new_keystore_kdf(self) -> KdfParams:
        """KDF parameters for a keystore being written now (calibrated unless tests ask)."""
        if insecure_fast_kdf_requested():
            self.warn(f"warning: {INSECURE_FAST_KDF_ENV}=1 is set; the password KDF is weak.")
        return params_for_new_keystore()

    def service(self) -> WalletService:
        if self._service is None:
            self._service = WalletService(self.data_dir, kdf_factory=self.new_keystore_kdf)
        return self._service

    def unlocked_service(self) -> WalletService:
        """The service with an open session, asking for the password as the CLI contract says."""
        service = self.service()
        if not service.is_unlocked:
            if not service.has_wallet:
                raise WalletNotFound(
                    f"There is no wallet in {service.data_dir.root}; "
                    "create one with 'patient-wallet init' or 'patient-wallet restore'."
                )
            service.unlock(self.password(confirm=False))
        return service

    def password(self, *, confirm: bool) -> str:
        """The wallet password from the file, the environment, or the terminal (in that order)."""
        if self.args.password_file:
            return read_secret_file(Path(self.args.password_file), "password")
        from_env = os.environ.get(PASSWORD_ENV)
        if from_env is not None:
            return from_env
        if not sys.stdin.isatty():
            raise WalletValueError(
                "No password given: use --password-file, set PATIENT_WALLET_PASSWORD, "
                "or run the command in a terminal."
            )
        first = getpass.getpass("Wallet password: ")
        if confirm and getpass.getpass("Repeat the password: ") != first:
            raise WalletValueError("The two passwords differ; nothing was changed.")
        return first

    def close(self) -> None:
        if self._service is not None:
            self._service.lock("command finished")

    # -- output -----------------------------------------------------------------------------

    def print(self, line: str = "") -> None:
        print(line, file=self.out)

    def print_json(self, value: Any) -> None:
        json.dump(value, self.out, indent=2, sort_keys=True, default=str)
        self.out.write("\n")

    def warn(self, line: str) -> None:
        print(line, file=self.err)

    def progress(self, label: str) -> Callable[[int, int], None] | None:
        """A ``progress(done, total)`` callback drawing a percentage on a terminal's stderr."""
        if not self.err.isatty():
            return None
        last = [-1]

        def report(done: int, total: int) -> None:
            percent = 100 if total <= 0 else done * 100 // total
            if percent != last[0]:
                last[0] = percent
                self.err.write(f"\r{label}: {percent:3d}%")
                if percent >= 100:
                    self.err.write("\n")
                self.err.flush()

        return report
