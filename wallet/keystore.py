"""The encrypted seed file: format ``patient-wallet-keystore`` version 1.

Owns :class:`WalletSecret` (BIP39 entropy plus the optional BIP39 passphrase: everything the words
restore) and the one file that keeps it at rest, encrypted under a key derived from the password
by :mod:`wallet.kdf`. The file is JSON::

    {"format": "patient-wallet-keystore", "version": 1,
     "kdf": {"version": 1, "algorithm": "argon2id", "salt": b64, "memory_kib": ..,
             "iterations": .., "lanes": ..},
     "cipher": "chacha20-poly1305", "nonce": b64(12 bytes), "ciphertext": b64}

The AEAD's associated data is ``b"patient-wallet-keystore\\x00"`` followed by the canonical JSON
(sorted keys, no spaces) of ``format``, ``version``, ``kdf`` and ``cipher``, rebuilt from the parsed
values: changing, swapping or downgrading any of them makes decryption fail. The plaintext is a
small binary structure, padded so its length does not reveal the passphrase's::

    0x01 (plaintext version) | len(entropy) (1 byte) | entropy | len(passphrase) (2 bytes, BE)
    | passphrase (UTF-8) | zero padding to a multiple of 128 bytes

Must not import Qt, and no ``wallet`` module but ``errors``, ``fileio``, ``kdf`` and ``mnemonic``.
Never logs the password, the entropy or the passphrase.

Security notes: every write uses a fresh salt and a fresh random nonce, and goes through
:func:`wallet.fileio.write_atomic` (0600, fsync, rename), so a crash leaves the old file or the new
one. A wrong password is an AEAD failure and raises :class:`WrongPassword` without touching the
file. An AEAD failure cannot tell a wrong password from a file whose KDF settings were altered;
both say "wrong password", and the cost caps in :mod:`wallet.kdf` bound the work an altered file
can cause. The key-encryption key and the decrypted plaintext live in ``bytearray`` buffers that
are zeroed before returning; the ``WalletSecret`` handed back holds immutable ``bytes``/``str`` that
Python cannot wipe, so callers should keep it briefly and hand it to a
:class:`wallet.session.Session`.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from wallet.errors import (
    CorruptData,
    UnsupportedFormat,
    WalletNotFound,
    WalletValueError,
    WrongPassword,
)
from wallet.fileio import write_atomic
from wallet.kdf import KEY_LENGTH, KdfParams, derive_key_into, params_for_new_keystore
from wallet.mnemonic import entropy_to_mnemonic, mnemonic_to_entropy, mnemonic_to_seed

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "WalletSecret",
    "change_password",
    "read_keystore",
    "write_keystore",
]

FORMAT_NAME: Final = "patient-wallet-keystore"
FORMAT_VERSION: Final = 1
CIPHER: Final = "chacha20-poly1305"
NONCE_LENGTH: Final = 12
TAG_LENGTH: Final = 16
PLAINTEXT_VERSION: Final = 1
PAD_BLOCK: Final = 128
MAX_PASSPHRASE_BYTES: Final = 1024
MAX_FILE_BYTES: Final = 64 * 1024
ENTROPY_LENGTHS: Final = frozenset({16, 20, 24, 28, 32})
_FIELDS: Final = frozenset({"format", "version", "kdf", "cipher", "nonce", "ciphertext"})


@dataclass(frozen=True)
class WalletSecret:
    """What the words restore: BIP39 entropy and the optional BIP39 passphrase ("25th word").

    The passphrase is kept NFKD-normalised (as BIP39 uses it), so equal seeds mean equal secrets.
    """

    entropy: bytes
    passphrase: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.entropy, bytes | bytearray) or len(self.entropy) not in (
            ENTROPY_LENGTHS
        ):
            raise WalletValueError("Wallet entropy is 16, 20, 24, 28 or 32 bytes.")
        object.__setattr__(self, "entropy", bytes(self.entropy))
        if not isinstance(self.passphrase, str):
            raise WalletValueError("The BIP39 passphrase must be text.")
        object.__setattr__(self, "passphrase", unicodedata.normalize("NFKD", self.passphrase))
        if len(_passphrase_bytes(self.passphrase)) > MAX_PASSPHRASE_BYTES:
            raise WalletValueError(
                "The BIP39 passphrase is too long; "
                f"at most {MAX_PASSPHRASE_BYTES} bytes are allowed."
            )

    @classmethod
    def from_words(cls, words: str, passphrase: str = "") -> WalletSecret:
        """The secret of valid BIP39 words (raises InvalidMnemonic naming the problem)."""
        return cls(mnemonic_to_entropy(words), passphrase)

    def words(self) -> str:
        """The BIP39 English words of the entropy."""
        return entropy_to_mnemonic(bytes(self.entropy))

    def seed(self) -> bytes:
        """The 64-byte BIP39 seed (PBKDF2 of the words and the NFKD passphrase)."""
        return mnemonic_to_seed(self.words(), self.passphrase)

    def __repr__(self) -> str:
        words = len(self.entropy) * 3 // 4
        return f"WalletSecret(<{words} words>, passphrase={bool(self.passphrase)})"


def _passphrase_bytes(passphrase: str) -> bytes:
    # BIP39 normalises the passphrase with NFKD when it makes the seed; store it that way too.
    return unicodedata.normalize("NFKD", passphrase).encode("utf-8")


# -- plaintext structure ------------------------------------------------------------------------


def _pack(secret: WalletSecret) -> bytearray:
    passphrase = _passphrase_bytes(secret.passphrase)
    body = bytearray()
    body.append(PLAINTEXT_VERSION)
    body.append(len(secret.entropy))
    body += secret.entropy
    body += len(passphrase).to_bytes(2, "big")
    body += passphrase
    body += bytes(-len(body) % PAD_BLOCK)
    return body


def _unpack(plain: bytearray) -> WalletSecret:
    damaged = CorruptData("The key file's contents are damaged.")
    if not plain:
        raise damaged
    if plain[0] != PLAINTEXT_VERSION:
        raise UnsupportedFormat(
            "The key file was written by a newer version of Patient Wallet; update the program."
        )
    if len(plain) < 2:
        raise damaged
    n = plain[1]
    if n not in ENTROPY_LENGTHS or len(plain) < 2 + n + 2:
        raise damaged
    entropy = bytes(plain[2 : 2 + n])
    m = int.from_bytes(plain[2 + n : 4 + n], "big")
    end = 4 + n + m
    if m > MAX_PASSPHRASE_BYTES or len(plain) < end or any(plain[end:]):
        raise damaged
    try:
        passphrase = plain[4 + n : end].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise damaged from exc
    return WalletSecret(entropy, passphrase)


# -- file envelope ------------------------------------------------------------------------------


def _associated_data(kdf: KdfParams) -> bytes:
    header = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "kdf": kdf.to_json(),
        "cipher": CIPHER,
    }
    canonical = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return FORMAT_NAME.encode("ascii") + b"\x00" + canonical.encode("ascii")


def _b64(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise CorruptData(f"The key file's {what} is missing or not text; the file is damaged.")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise CorruptData(
            f"The key file's {what} is not valid base64; the file is damaged."
        ) from exc


@dataclass(frozen=True)
class _Envelope:
    kdf: KdfParams
    nonce: bytes
    ciphertext: bytes


def _load_envelope(path: Path) -> _Envelope:
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise WalletNotFound(f"There is no key file at {path}.") from exc
    except IsADirectoryError as exc:
        raise CorruptData(f"{path} is a folder, not a key file.") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise CorruptData(f"{path} is far too large to be a key file.")
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptData(f"The key file {path} is damaged or truncated.") from exc
    if not isinstance(data, dict):
        raise CorruptData(f"The key file {path} is damaged.")
    if data.get("format") != FORMAT_NAME:
        raise UnsupportedFormat(f"{path} is not a Patient Wallet key file.")
    version = data.get("version")
    if type(version) is not int:
        raise CorruptData(f"The key file {path} has no valid version number.")
    if version != FORMAT_VERSION:
        raise UnsupportedFormat(
            f"The key file {path} has format version {version}; this program reads version "
            f"{FORMAT_VERSION}. Update Patient Wallet."
        )
    if data.get("cipher") != CIPHER:
        raise UnsupportedFormat(f"The key file {path} uses a cipher this program does not know.")
    if set(data) != _FIELDS:
        raise CorruptData(f"The key file {path} has unexpected or missing fields.")
    kdf = KdfParams.from_json(data["kdf"])
    nonce = _b64(data["nonce"], "nonce")
    ciphertext = _b64(data["ciphertext"], "ciphertext")
    if len(nonce) != NONCE_LENGTH or len(ciphertext) < TAG_LENGTH + PAD_BLOCK:
        raise CorruptData(f"The key file {path} is damaged or truncated.")
    return _Envelope(kdf, nonce, ciphertext)


def _decrypt(envelope: _Envelope, password: str) -> WalletSecret:
    key = bytearray(KEY_LENGTH)
    plain = bytearray(len(envelope.ciphertext) - TAG_LENGTH)
    try:
        derive_key_into(password, envelope.kdf, key)
        aead = ChaCha20Poly1305(key)
        try:
            aead.decrypt_into(
                envelope.nonce, envelope.ciphertext, _associated_data(envelope.kdf), plain
            )
        except InvalidTag as exc:
            raise WrongPassword("The password is wrong; nothing was changed. Try again.") from exc
        return _unpack(plain)
    finally:
        key[:] = bytes(KEY_LENGTH)
        plain[:] = bytes(len(plain))


def _encrypt(secret: WalletSecret, password: str, params: KdfParams) -> bytes:
    if not isinstance(password, str) or not password:
        raise WalletValueError("A password is needed to protect the wallet.")
    kdf = params.with_fresh_salt()
    nonce = secrets.token_bytes(NONCE_LENGTH)
    key = bytearray(KEY_LENGTH)
    plain = _pack(secret)
    try:
        derive_key_into(password, kdf, key)
        ciphertext = ChaCha20Poly1305(key).encrypt(nonce, plain, _associated_data(kdf))
    finally:
        key[:] = bytes(KEY_LENGTH)
        plain[:] = bytes(len(plain))
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "kdf": kdf.to_json(),
        "cipher": CIPHER,
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "ciphertext": base64.b64encode(ciphertext).decode("ascii"),
    }
    return (json.dumps(document, indent=2) + "\n").encode("ascii")


def write_keystore(
    path: Path, secret: WalletSecret, password: str, params: KdfParams | None = None
) -> None:
    """Encrypt ``secret`` under ``password`` into ``path`` (atomic, 0600).

    ``params`` gives the KDF algorithm and cost (a fresh salt is always drawn); ``None`` means
    calibrate on this machine (:func:`wallet.kdf.params_for_new_keystore`).
    """
    data = _encrypt(secret, password, params if params is not None else params_for_new_keystore())
    try:
        write_atomic(path, data)
    except FileNotFoundError as exc:
        raise WalletNotFound(f"The folder {path.parent} does not exist.") from exc


def read_keystore(path: Path, password: str) -> WalletSecret:
    """Decrypt the key file: WrongPassword (nothing changed), CorruptData, UnsupportedFormat or
    WalletNotFound otherwise."""
    return _decrypt(_load_envelope(path), password)


def read_kdf_params(path: Path) -> KdfParams:
    """The KDF settings of a key file, without the password (e.g. to offer a cost upgrade)."""
    return _load_envelope(path).kdf


def change_password(path: Path, old: str, new: str, params: KdfParams | None = None) -> None:
    """Re-encrypt the key file under ``new``; WrongPassword (file untouched) if ``old`` is wrong.

    Keeps the file's KDF cost unless ``params`` is given; the salt and nonce are always fresh.
    """
    envelope = _load_envelope(path)
    secret = _decrypt(envelope, old)
    write_keystore(path, secret, new, params if params is not None else envelope.kdf)
