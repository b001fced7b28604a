"""Ethereum keystore v3 ("Web3 Secret Storage") export and import of one signing account.

Owns the only way a single private key leaves the wallet in a form other Ethereum tools open
(geth, Foundry ``cast``, MetaMask's JSON import, web3.py): a JSON file in which the key is
encrypted with AES-128-CTR under a password-derived key (scrypt by default, n=262144, r=8, p=1,
the format's standard cost) and authenticated with keccak-256 over the second half of the derived
key and the ciphertext. Encryption and decryption are eth-account's ``Account.encrypt`` and
``Account.decrypt``; this module checks input, caps the work a file may ask for, writes the file
safely and turns every failure into one sentence.

Must not import Qt or any ``wallet`` module but ``errors`` and ``fileio``.

Security notes:

* The exported file holds one account's key, not the words: it cannot restore the wallet, the
  encryption identity or other accounts. Its security is the password's; the file carries the
  account address in clear (as geth and eth-account write it), so it links the file to the
  account.
* A lower scrypt cost than the default is possible only through the explicit ``iterations``
  argument (meant for tests); nothing lowers it implicitly.
* Import validates the structure before any key derivation and refuses a work factor above
  :data:`MAX_SCRYPT_WORK` / :data:`MAX_SCRYPT_MEMORY` / :data:`MAX_PBKDF2_ITERATIONS`, so a crafted
  file cannot make the program run a KDF for minutes or exhaust memory. A decrypted key is checked
  to be a valid secp256k1 scalar and, when the file names an address, to match it.
* A wrong password and a file altered after writing look the same (the MAC fails); the error is
  :class:`~wallet.errors.WrongPassword`, which is retryable and changes nothing.
* Passwords are used as UTF-8 bytes without Unicode normalisation, as geth and eth-account do for
  v3 files. Keys are Python ``bytes`` and cannot be wiped.
* Writing never replaces an existing file: the content goes to a 0600 temporary file, is fsynced,
  then hard-linked to the target name (which fails if the name exists) so the target appears
  complete or not at all.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

from eth_account import Account
from eth_keyfile.exceptions import EthKeyfileException

from wallet.errors import (
    CorruptData,
    UnsupportedFormat,
    WalletError,
    WalletExists,
    WalletNotFound,
    WalletValueError,
    WrongPassword,
)
from wallet.fileio import FILE_MODE, fsync_dir, temp_path_for

__all__ = [
    "DEFAULT_SCRYPT_N",
    "KEYSTORE_VERSION",
    "MAX_KEYSTORE_BYTES",
    "MAX_PBKDF2_ITERATIONS",
    "MAX_SCRYPT_MEMORY",
    "MAX_SCRYPT_WORK",
    "export_keystore_v3",
    "import_keystore_v3",
    "write_keystore_v3",
]

KEYSTORE_VERSION: Final = 3
DEFAULT_SCRYPT_N: Final = 262144
"""scrypt cost of every export unless a caller passes ``iterations`` (2**18, r=8, p=1: 256 MiB)."""
DEFAULT_PBKDF2_ITERATIONS: Final = 1_000_000
MAX_SCRYPT_WORK: Final = 2**24
"""Largest ``n * r * p`` an imported file may ask for (8 times the default)."""
MAX_SCRYPT_MEMORY: Final = 2**30
"""Largest ``128 * n * r`` bytes of scrypt memory an imported file may ask for (1 GiB)."""
MAX_PBKDF2_ITERATIONS: Final = 10_000_000
MAX_KEYSTORE_BYTES: Final = 64 * 1024
"""A v3 file is about 500 bytes; anything this big is not one."""

_SECP256K1_N: Final = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_MAC_MISMATCH: Final = "MAC mismatch"  # eth-keyfile's message when the password is wrong


def _check_private_key(private_key: bytes) -> bytes:
    if not isinstance(private_key, bytes | bytearray) or len(private_key) != 32:
        raise WalletValueError("A private key is exactly 32 bytes.")
    if not 0 < int.from_bytes(private_key, "big") < _SECP256K1_N:
        raise WalletValueError("These 32 bytes are not a valid secp256k1 private key.")
    return bytes(private_key)


def export_keystore_v3(
    private_key: bytes,
    password: str,
    *,
    kdf: str = "scrypt",
    iterations: int | None = None,
) -> dict[str, Any]:
    """The keystore v3 JSON object of ``private_key`` encrypted under ``password``.

    ``kdf`` is ``"scrypt"`` (default, n=262144) or ``"pbkdf2"`` (c=1,000,000). ``iterations``
    overrides the cost (scrypt ``n``, a power of two; PBKDF2 ``c``); it exists for tests and for a
    caller who deliberately wants a different cost, never as a silent default. Takes about a
    second with the default cost (256 MiB of scrypt memory): run it in an executor from the UI.
    """
    key = _check_private_key(private_key)
    if not isinstance(password, str) or not password:
        raise WalletValueError("A keystore file needs a password; an empty one protects nothing.")
    kdf_name: Literal["scrypt", "pbkdf2"]
    if kdf == "scrypt":
        kdf_name = "scrypt"
    elif kdf == "pbkdf2":
        kdf_name = "pbkdf2"
    else:
        raise WalletValueError('The key derivation must be "scrypt" or "pbkdf2".')
    if iterations is not None:
        if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 2:
            raise WalletValueError("The key derivation cost must be a whole number of at least 2.")
        if kdf == "scrypt" and iterations & (iterations - 1):
            raise WalletValueError("The scrypt cost n must be a power of two.")
        limit = MAX_SCRYPT_WORK // 8 if kdf == "scrypt" else MAX_PBKDF2_ITERATIONS  # r=8, p=1
        if iterations > limit:
            raise WalletValueError(
                f"A key derivation cost above {limit} would make the file too slow to open."
            )
    cost = iterations
    if cost is None:
        cost = DEFAULT_SCRYPT_N if kdf == "scrypt" else DEFAULT_PBKDF2_ITERATIONS
    return Account.encrypt(key, password, kdf=kdf_name, iterations=cost)


def _serialise(keystore: Mapping[str, Any]) -> bytes:
    if not isinstance(keystore, Mapping) or keystore.get("version") != KEYSTORE_VERSION:
        raise WalletValueError("Only a keystore v3 object can be written as a keystore file.")
    try:
        text = json.dumps(keystore, indent=2, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise WalletValueError("The keystore object cannot be written as JSON.") from exc
    return (text + "\n").encode("utf-8")


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data`` at mode 0600; never replace an existing file."""
    tmp = temp_path_for(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic, and fails with FileExistsError if the name is taken
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
                raise
            # A file system without hard links (FAT on a USB stick): exclusive create instead.
            _write_exclusive(path, data)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    fsync_dir(path.parent)


def _write_exclusive(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        raise


def write_keystore_v3(path: Path, keystore: Mapping[str, Any]) -> None:
    """Write ``keystore`` as JSON to a new file ``path`` (mode 0600); refuse to overwrite."""
    data = _serialise(keystore)
    path = Path(path)
    if not path.parent.is_dir():
        raise WalletNotFound(f"The folder {path.parent} does not exist.")
    try:
        _write_new(path, data)
    except FileExistsError as exc:
        raise WalletExists(
            f"{path} already exists; choose another name, the file was not replaced."
        ) from exc
    except OSError as exc:
        raise WalletError(f"The keystore file could not be written: {exc.strerror}.") from exc


def _read(path: Path) -> Any:
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_KEYSTORE_BYTES + 1)
    except FileNotFoundError as exc:
        raise WalletNotFound(f"There is no keystore file at {path}.") from exc
    except OSError as exc:
        raise WalletValueError(f"{path} could not be read: {exc.strerror}.") from exc
    if len(raw) > MAX_KEYSTORE_BYTES:
        raise CorruptData(f"{path} is too large to be a keystore file.")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CorruptData(f"{path} is not a keystore file: it is not valid JSON.") from exc


def _lower_keys(value: Any) -> Any:
    """Key names lower-cased at every level (old geth files say ``Crypto``), like eth-keyfile."""
    if isinstance(value, Mapping):
        return {str(k).lower(): _lower_keys(v) for k, v in value.items()}
    return value


def _hex(value: Any, name: str, size: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise CorruptData(f"The keystore's {name} is missing or not text.")
    text = value[2:] if value[:2].lower() == "0x" else value
    try:
        data = bytes.fromhex(text)
    except ValueError as exc:
        raise CorruptData(f"The keystore's {name} is not hexadecimal.") from exc
    if size is not None and len(data) != size:
        raise CorruptData(f"The keystore's {name} has the wrong length.")
    return data


def _int(params: Mapping[str, Any], name: str) -> int:
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CorruptData(f"The keystore's {name} parameter is missing or not a positive number.")
    return value


def _check_kdf(kdf: Any, params: Any) -> None:
    if not isinstance(params, Mapping):
        raise CorruptData("The keystore has no key derivation parameters.")
    if _int(params, "dklen") < 32:
        raise CorruptData("The keystore's derived key length is below the required 32 bytes.")
    if len(_hex(params.get("salt"), "salt")) < 16:
        raise CorruptData("The keystore's salt is shorter than 16 bytes.")
    if kdf == "scrypt":
        n, r, p = _int(params, "n"), _int(params, "r"), _int(params, "p")
        if n < 2 or n & (n - 1):
            raise CorruptData("The keystore's scrypt cost n is not a power of two.")
        if n * r * p > MAX_SCRYPT_WORK or 128 * n * r > MAX_SCRYPT_MEMORY:
            raise UnsupportedFormat(
                f"This keystore asks for more key derivation work (scrypt n={n}, r={r}, p={p}) "
                "than this program accepts."
            )
    elif kdf == "pbkdf2":
        if params.get("prf") != "hmac-sha256":
            raise UnsupportedFormat("This keystore uses a PBKDF2 variant other than HMAC-SHA256.")
        c = _int(params, "c")
        if c > MAX_PBKDF2_ITERATIONS:
            raise UnsupportedFormat(
                f"This keystore asks for more key derivation work (PBKDF2 c={c}) than this "
                "program accepts."
            )
    else:
        raise UnsupportedFormat("This keystore uses a key derivation other than scrypt or PBKDF2.")


def _validated(document: Any) -> dict[str, Any]:
    """The keystore with lower-cased keys, after every field decryption relies on is checked."""
    if not isinstance(document, Mapping):
        raise CorruptData("This is not a keystore file: it is not a JSON object.")
    keystore: dict[str, Any] = _lower_keys(document)
    version = keystore.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise CorruptData("This is not a keystore file: it has no version number.")
    if version != KEYSTORE_VERSION:
        raise UnsupportedFormat(
            f"This is a keystore version {version} file; only version 3 can be imported."
        )
    crypto = keystore.get("crypto")
    if not isinstance(crypto, Mapping):
        raise CorruptData("This keystore file has no crypto section.")
    if crypto.get("cipher") != "aes-128-ctr":
        raise UnsupportedFormat("This keystore uses a cipher other than AES-128-CTR.")
    params = crypto.get("cipherparams")
    _hex(params.get("iv") if isinstance(params, Mapping) else None, "iv", 16)
    _hex(crypto.get("ciphertext"), "ciphertext", 32)
    _hex(crypto.get("mac"), "mac", 32)
    _check_kdf(crypto.get("kdf"), crypto.get("kdfparams"))
    return keystore


def import_keystore_v3(source: Path | Mapping[str, Any], password: str) -> bytes:
    """The 32-byte private key in a keystore v3 file (a path) or its parsed JSON object.

    Raises :class:`~wallet.errors.WrongPassword` when the password does not open it,
    :class:`~wallet.errors.CorruptData` when it is not a well-formed v3 file or its key does not
    match its address, :class:`~wallet.errors.UnsupportedFormat` for another version, cipher or
    KDF, or a work factor above the caps, :class:`~wallet.errors.WalletNotFound` for a missing file.
    """
    if not isinstance(password, str):
        raise WalletValueError("The keystore password must be text.")
    document = _read(source) if isinstance(source, Path) else source
    keystore = _validated(document)
    try:
        private_key = bytes(Account.decrypt(keystore, password))
    except EthKeyfileException as exc:
        if str(exc) == _MAC_MISMATCH:
            raise WrongPassword("The password does not open this keystore file.") from exc
        raise CorruptData("This keystore file could not be decrypted: it is malformed.") from exc
    except (ValueError, TypeError, KeyError) as exc:
        raise CorruptData("This keystore file could not be decrypted: it is malformed.") from exc
    if len(private_key) != 32 or not 0 < int.from_bytes(private_key, "big") < _SECP256K1_N:
        raise CorruptData("The keystore holds a value that is not a private key.")
    named = keystore.get("address")
    if named is not None:
        claimed = _hex(named, "address", 20)
        if bytes.fromhex(Account.from_key(private_key).address[2:]) != claimed:
            raise CorruptData("The keystore's key does not match the address written in it.")
    return private_key
