"""SLIP-39 share files and keystore v3 files: paper-style backups of the wallet's secrets.

Owns the files around the finished modules :mod:`wallet.recovery_shares` (SLIP-39 split and
recovery of the BIP39 entropy) and :mod:`wallet.keystore_v3` (one account as an Ethereum keystore
v3 file): one share per new 0600 file with a comment header, reading shares back from such files
(or from files holding just the words), and writing a keystore file.

Must not import Qt or the CLI. Security notes: share files and keystore files are secrets; they
are created exclusively (never replacing a file) with mode 0600, inside a 0700 folder when this
module creates the folder. Error messages name files, never their content. The BIP39 passphrase,
if the wallet has one, is in none of these files.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from wallet.errors import WalletExists, WalletNotFound, WalletValueError
from wallet.fileio import FILE_MODE, ensure_private_dir, fsync_dir
from wallet.mnemonic import mnemonic_to_entropy
from wallet.recovery_shares import entropy_to_words, recover_entropy, split_entropy
from wallet.session import Session

SHARE_FILE = "slip39-share-{index}-of-{count}.txt"
MAX_SHARE_FILE_BYTES = 4096


def _write_exclusive(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    except FileExistsError:
        raise WalletExists(f"{path} already exists; choose an empty folder.") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def split_to_files(
    session: Session,
    out_dir: Path,
    *,
    threshold: int,
    count: int,
    slip39_passphrase: bytes = b"",
) -> list[Path]:
    """Write ``count`` SLIP-39 shares of the wallet's entropy, one per new 0600 file."""
    shares = split_entropy(
        mnemonic_to_entropy(session.words()),
        threshold,
        count,
        slip39_passphrase=slip39_passphrase,
    )
    paths = [out_dir / SHARE_FILE.format(index=i, count=count) for i in range(1, count + 1)]
    taken = [p for p in paths if p.exists()]
    if taken:
        raise WalletExists(f"{taken[0]} already exists; choose an empty folder.")
    ensure_private_dir(out_dir)
    for index, (path, words) in enumerate(zip(paths, shares.shares, strict=True), start=1):
        header = (
            f"# Patient Wallet SLIP-39 share {index} of {count}; any {threshold} of them "
            "restore the wallet. Keep each share in a different place.\n"
        )
        _write_exclusive(path, (header + words + "\n").encode("utf-8"))
    fsync_dir(out_dir)
    return paths


def read_share_file(path: Path) -> str:
    """The share words in ``path`` (lines starting with ``#`` are comments)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SHARE_FILE_BYTES + 1)
    except FileNotFoundError:
        raise WalletNotFound(f"The share file {path} does not exist.") from None
    except OSError as exc:
        raise WalletValueError(f"The share file {path} cannot be read ({exc.strerror}).") from None
    if len(raw) > MAX_SHARE_FILE_BYTES:
        raise WalletValueError(f"The file {path} is too long to be a share.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WalletValueError(f"The share file {path} is not UTF-8 text.") from None
    words = " ".join(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
    if not words:
        raise WalletValueError(f"The share file {path} holds no share.")
    return words


def words_from_share_files(paths: Sequence[Path], *, slip39_passphrase: bytes = b"") -> str:
    """The BIP39 words that the shares in ``paths`` recover (InvalidShares names a problem)."""
    entropy = recover_entropy(
        [read_share_file(p) for p in paths], slip39_passphrase=slip39_passphrase
    )
    return entropy_to_words(entropy)


def export_keystore(
    session: Session,
    out: Path,
    keystore_password: str,
    *,
    index: int = 0,
    scrypt_n: int | None = None,
) -> str:
    """Write account ``index`` as a keystore v3 file ``out`` (new, 0600); return its address.

    ``scrypt_n`` lowers the scrypt cost below the format's standard 262,144: for tests only.
    """
    # Imported here: eth-account costs ~1 s to import; backup and restore never need it.
    from wallet.keystore_v3 import export_keystore_v3, write_keystore_v3

    account = session.account(index)
    keystore = export_keystore_v3(bytes(account.key), keystore_password, iterations=scrypt_n)
    write_keystore_v3(out, keystore)
    return str(account.address)
