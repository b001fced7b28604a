"""``patient-wallet --self-test``: a quick, headless check that this installation works.

Meant for a freshly built or installed copy (the PyInstaller bundle runs it after every build):
it imports every module of the program, creates a throw-away wallet in a temporary folder, stores
a generated record in its vault, exports it and checks the bytes and the age encryption, loads the
compiled contracts and the network profiles, runs the bundled anvil binary, and opens an
offscreen Qt application with a widget. It prints one line per check, then ``self-test passed``
(exit 0), or one sentence saying what failed (exit 1). It never touches the user's wallet, and
removes its temporary folder.

Security note: the throw-away wallet uses the INSECURE fast test KDF
(:meth:`wallet.kdf.KdfParams.fast_for_tests`), and says so; its keys never leave the temporary
folder, which is deleted at the end.
"""

from __future__ import annotations

import importlib
import pkgutil
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

ANVIL_TIMEOUT_SECONDS = 20
RECORD_SIZE = 200_000
"""Bytes in the generated record: a few age STREAM chunks (64 KiB each)."""


class SelfTestFailed(Exception):
    """One check failed; the message is the sentence shown to the user."""


def _check_wallet(work: Path) -> str:
    """Create a wallet, import a record, export it, compare bytes, decrypt the age file directly."""
    from wallet.age import ScryptIdentity, ScryptRecipient, decrypt_bytes, encrypt_bytes
    from wallet.datadir import DataDir
    from wallet.kdf import KdfParams
    from wallet.service import WalletService

    service = WalletService(DataDir(work / "wallet"), kdf_factory=KdfParams.fast_for_tests)
    password = "self-test " + secrets.token_urlsafe(18)
    try:
        service.create(password, words=12)
        service.lock("self-test")
        service.unlock(password)

        original = b"Patient Wallet self-test record\n" + secrets.token_bytes(RECORD_SIZE)
        source = work / "record.bin"
        source.write_bytes(original)
        meta = service.vault.import_file(source, title="Self-test record")

        exported = work / "exported.bin"
        service.vault.export(meta.id, exported)
        if exported.read_bytes() != original:
            raise SelfTestFailed("The exported record differs from the imported file.")

        stored = service.vault.record_path(meta.id).read_bytes()
        if original[:32] in stored:
            raise SelfTestFailed("The record was stored in the vault without encryption.")
        if decrypt_bytes(stored, [service.session.identity]) != original:
            raise SelfTestFailed("The record's age file does not decrypt to the imported file.")

        passphrase = secrets.token_urlsafe(12).encode()
        armored = encrypt_bytes(original[:4096], [ScryptRecipient(passphrase, 10)], armor=True)
        if decrypt_bytes(armored, [ScryptIdentity(passphrase)]) != original[:4096]:
            raise SelfTestFailed("An armored age passphrase round trip gave different bytes.")
    finally:
        service.lock("self-test")
    return (
        f"wallet: created (INSECURE fast test KDF), imported and exported a {len(original)}-byte "
        "record, bytes equal, age round trips ok"
    )


def _check_modules() -> str:
    """Every module of the program imports (a packaged copy missing code or data fails here)."""
    import ui
    import wallet

    names: list[str] = []
    for package in (wallet, ui):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.rsplit(".", 1)[-1] != "__main__":
                names.append(info.name)
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - any import failure is this check's failure
            raise SelfTestFailed(
                f"The module {name} does not import ({type(exc).__name__}: {exc})."
            ) from None
    if len(names) < 20:
        raise SelfTestFailed(
            f"Only {len(names)} program modules were found; the copy is incomplete."
        )
    return f"modules: all {len(names)} wallet and ui modules import"


def _check_contracts() -> str:
    """The compiled contracts and the bundled network profiles load."""
    from wallet.chain.artifacts import CONTRACTS, error_table, load_artifact
    from wallet.chain.profiles import example_profiles

    for name in CONTRACTS:
        artifact = load_artifact(name)
        if len(artifact.bytecode) < 10 or not artifact.abi:
            raise SelfTestFailed(f"The compiled {name} contract is empty.")
    if not error_table():
        raise SelfTestFailed(
            "The compiled contracts declare no errors, so they are not the real ones."
        )
    profiles = example_profiles()
    return (
        f"contracts: {', '.join(CONTRACTS)} loaded ({len(error_table())} error selectors); "
        f"{len(profiles)} example network profiles"
    )


def _check_anvil() -> str:
    """The anvil binary the local chain would use runs and answers ``--version``."""
    from wallet.chain.localnode import find_anvil

    anvil = find_anvil()
    try:
        done = subprocess.run(
            [str(anvil), "--version"],
            capture_output=True,
            text=True,
            timeout=ANVIL_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SelfTestFailed(f"The anvil program at {anvil} could not run ({exc}).") from None
    if done.returncode != 0 or "anvil" not in done.stdout.lower():
        raise SelfTestFailed(
            f"The anvil program at {anvil} failed (exit {done.returncode}): "
            f"{(done.stderr or done.stdout).strip()[:200]}"
        )
    return f"anvil: {done.stdout.strip().splitlines()[0]} ({anvil})"


def _check_qt() -> str:
    """Qt starts an offscreen application, lays out and paints a widget, and reads PNG and SVG."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QIcon, QImage, QPixmap
    from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

    # Always offscreen (whatever QT_QPA_PLATFORM says): the self-test must run without a display.
    app = QCoreApplication.instance() or QApplication([sys.argv[0], "-platform", "offscreen"])
    if not isinstance(app, QApplication):
        raise SelfTestFailed("Qt is running without widgets, so the desktop app cannot start.")
    widget = QWidget()
    try:
        layout = QVBoxLayout(widget)
        layout.addWidget(QLabel("Patient Wallet self-test"))
        widget.resize(240, 80)
        widget.ensurePolished()
        shot = widget.grab()
        if shot.isNull() or shot.width() < 1:
            raise SelfTestFailed("Qt could not paint a widget.")
        formats = {bytes(f).decode() for f in _image_formats()}
        missing = {"png", "svg"} - formats
        if missing:
            raise SelfTestFailed(
                f"Qt is missing its image format plugins for {', '.join(sorted(missing))}."
            )
        icon = QIcon(QPixmap.fromImage(QImage(16, 16, QImage.Format.Format_ARGB32)))
        if icon.isNull():
            raise SelfTestFailed("Qt could not create an icon.")
    finally:
        widget.close()
        widget.deleteLater()
        app.processEvents()
    return f"qt: {app.platformName()} QApplication and a widget ok (PySide6 {_pyside_version()})"


def _image_formats() -> list[bytes]:
    from PySide6.QtGui import QImageReader

    return [bytes(f.data()) for f in QImageReader.supportedImageFormats()]


def _pyside_version() -> str:
    import PySide6

    return str(PySide6.__version__)


CHECKS: tuple[tuple[str, Callable[[Path], str]], ...] = (
    ("modules", lambda _work: _check_modules()),
    ("wallet", _check_wallet),
    ("contracts", lambda _work: _check_contracts()),
    ("anvil", lambda _work: _check_anvil()),
    ("qt", lambda _work: _check_qt()),
)


def run_self_test(out: TextIO | None = None) -> int:
    """Run every check, print one line each; 0 when all pass, else 1 after the first failure."""
    stream = out if out is not None else sys.stdout
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="patient-wallet-self-test-") as tmp:
        for name, check in CHECKS:
            work = Path(tmp) / name
            work.mkdir()
            try:
                line = check(work)
            except SelfTestFailed as exc:
                print(f"self-test FAILED: {exc}", file=stream, flush=True)
                return 1
            except Exception as exc:  # noqa: BLE001 - any failure is reported as one sentence
                message = getattr(exc, "user_message", None) or str(exc) or type(exc).__name__
                print(f"self-test FAILED: {name} check: {message}", file=stream, flush=True)
                return 1
            print(line, file=stream, flush=True)
    print(f"self-test passed in {time.monotonic() - started:.1f} s", file=stream, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run_self_test())
